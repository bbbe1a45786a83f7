"""Random streams keyed by what an event source is, not by where it sits in a model.

A supplier's malicious update and a product version's fault are cross-border events: the
same update reaches every state running the supplier's products in the same simulated
year. Each such source therefore draws from its own stream, keyed by the shared seed and
the source's canonical key, so two models (two member states, or one model of their
merged networks) that share a supplier draw the same numbers for it in the same trial:

- a supplier is ``lei:LEI``, else ``registry:ID``, else ``ref:COUNTRY:ID`` (a supplier
  without a canonical id is national: its events are independent between states);
- a product version is ``SUPPLIER|platform|VERSION``, the supplier's key, the product's
  ``platform`` (else its name) case-folded with its spaces collapsed, and the version (as
  the coordinated view joins version faults across states). Versions with one key are one
  *release*: products of one supplier built on one platform (a release shipped for
  several kinds) draw the same numbers, so their faults are one event;
- an operator is ``COUNTRY:ID`` (its own country, else the model's).

The stream of a key is NumPy's Philox 4×64 with a 128-bit key drawn by a
``SeedSequence`` from the seed and the SHA-256 of the key's text. Counter ``t`` gives
trial ``t`` four 64-bit words, so a trial's numbers depend only on the seed, the key and
the trial's number: lane 0 decides whether the event happens (``u < p``: a state that
gives the source a higher probability sees the same events and more), lane 1 whether an
update is sabotage. Whether an update lands at an operator is lane 0 of the stream keyed
by the supplier and the operator together; whether a version's fault reaches an operator
running it, lane 0 of the stream keyed by the version and the operator together.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.base import split_product_ref
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Supplier

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

STREAM_SCHEME = "philox4x64-sha256/1"
"""Names how streams are keyed and read; results of different schemes never mix."""
LANES = 4
EVENT, MODE = 0, 1
_UNIT = 2.0**-53


def normalised_name(name: str) -> str:
    """A name case-folded with its runs of spaces collapsed (how names are joined)."""
    return " ".join(name.casefold().split())


def supplier_key(supplier: Supplier, country: str) -> str:
    """The canonical key of a supplier in a model of ``country``."""
    if supplier.lei:
        return f"lei:{supplier.lei}"
    if supplier.registry_id:
        return f"registry:{supplier.registry_id}"
    return f"ref:{country}:{supplier.id}"


@dataclass(frozen=True)
class StreamKeys:
    """The canonical keys of a compiled model's suppliers (S), versions (P), operators (K)."""

    suppliers: tuple[str, ...]
    versions: tuple[str, ...]
    operators: tuple[str, ...]


def stream_keys(
    model: NetworkModel, suppliers: tuple[str, ...], versions: tuple[str, ...]
) -> StreamKeys:
    """The keys of ``suppliers`` and ``versions`` (ids and ``PRODUCT@VERSION`` refs as the
    compiled model orders them) and of the model's operators."""
    country = model.document.scope.country
    declared = model.suppliers
    by_id = {s: supplier_key(declared[s], country) for s in suppliers}
    version_keys = []
    for ref in versions:
        product_id, version = split_product_ref(ref)
        product = model.products.get(product_id)
        if product is None or product.supplier not in declared:
            version_keys.append(f"ref:{country}:{ref}")
            continue
        owner = by_id.get(product.supplier) or supplier_key(declared[product.supplier], country)
        platform = product.platform or product.name
        version_keys.append(f"{owner}|{normalised_name(platform)}|{version}")
    operators = tuple(f"{o.country or country}:{o.id}" for o in model.document.operators)
    return StreamKeys(tuple(by_id[s] for s in suppliers), tuple(version_keys), operators)


@functools.lru_cache(maxsize=65_536)
def philox_key(seed: int, purpose: str, key: str) -> tuple[int, int]:
    """The 128-bit Philox key of the stream of ``key`` for ``purpose`` under ``seed``."""
    digest = hashlib.sha256(f"{STREAM_SCHEME}\x1f{purpose}\x1f{key}".encode()).digest()
    words = np.frombuffer(digest, dtype="<u4").tolist()
    state = np.random.SeedSequence([seed, *words]).generate_state(2, np.uint64)
    return int(state[0]), int(state[1])


def trial_uniforms(seed: int, purpose: str, key: str, first: int, trials: int) -> FloatArray:
    """``(trials, 4)`` uniforms in [0, 1) of trials ``first … first+trials-1`` of a stream."""
    bits = np.random.Philox(
        key=np.asarray(philox_key(seed, purpose, key), dtype=np.uint64),
        counter=np.asarray([first, 0, 0, 0], dtype=np.uint64),
    )
    raw = bits.random_raw(LANES * trials).reshape(trials, LANES)
    return (raw >> np.uint64(11)).astype(np.float64) * _UNIT


def keyed_hits(
    seed: int,
    purpose: str,
    keys: tuple[str, ...],
    probability: FloatArray,
    first: int,
    trials: int,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (source, trial) whose event happens among trials ``first …``, with the mode
    uniform of each: ``(sources, trials, mode)``, ordered by source then trial; trials are
    numbered from ``first``. Sources of probability 0 draw nothing."""
    sources, hit_trials, modes = [], [], []
    for s in np.flatnonzero(probability > 0.0).tolist():
        u = trial_uniforms(seed, purpose, keys[s], first, trials)
        hits = np.flatnonzero(u[:, EVENT] < probability[s])
        sources.append(np.full(hits.size, s, dtype=np.int64))
        hit_trials.append(hits.astype(np.int64))
        modes.append(u[hits, MODE])
    if not sources:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(sources), np.concatenate(hit_trials), np.concatenate(modes)


def keyed_reach(
    seed: int,
    keys: StreamKeys,
    reach: FloatArray,
    supplier: IntArray,
    trial: IntArray,
    first: int,
    trials: int,
) -> BoolArray:
    """``(n, K)``: whether each update (``supplier[i]`` in ``trial[i]``, numbered from
    ``first``) lands at each operator, operator ``k`` with probability ``reach[k]``."""
    out = np.ones((supplier.shape[0], reach.shape[0]), dtype=bool)
    if supplier.size == 0:
        return out
    for s in np.unique(supplier).tolist():
        rows = np.flatnonzero(supplier == s)
        for k in np.flatnonzero(reach < 1.0).tolist():
            pair = f"{keys.suppliers[s]}\x1e{keys.operators[k]}"
            u = trial_uniforms(seed, "supplier-update-reach", pair, first, trials)
            out[rows, k] = u[trial[rows], EVENT] < reach[k]
    return out


def keyed_fault_reach(
    seed: int,
    keys: StreamKeys,
    reach: float,
    version: IntArray,
    trial: IntArray,
    first: int,
    trials: int,
) -> BoolArray:
    """``(n, K)``: whether each version fault (``version[i]`` in ``trial[i]``, numbered
    from ``first``) reaches each operator, every operator with probability ``reach``
    (all of them when ``reach`` is 1). Keyed by the version and the operator, so two
    states running the version see the same fault reach the same operators."""
    out = np.ones((version.shape[0], len(keys.operators)), dtype=bool)
    if version.size == 0 or reach >= 1.0:
        return out
    for v in np.unique(version).tolist():
        rows = np.flatnonzero(version == v)
        for k, operator in enumerate(keys.operators):
            pair = f"{keys.versions[v]}\x1e{operator}"
            u = trial_uniforms(seed, "product-fault-reach", pair, first, trials)
            out[rows, k] = u[trial[rows], EVENT] < reach
    return out
