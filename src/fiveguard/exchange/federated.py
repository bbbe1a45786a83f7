"""The federated Monte Carlo, the state's side: what the cross-border event sources did to
this state in each simulated year, packed for the national summary, and read back.

Cross-border sources are every supplier's malicious update and every product version's
fault. They draw from random streams keyed by the shared seed and their canonical ids
(:mod:`fiveguard.simulate.streams`), so a supplier's update falls in the same simulated
year in every state running its products. A state runs its network with only those
sources (misconfigurations, power losses and independent failures off: they are national
and independent between states) and sends, per trial, the people without service, the
subscribers exposed, the assets down and the assets compromised. No inventory leaves: the
vectors are national totals per year.

Vectors are little-endian int64 arrays, zlib-compressed and base64-encoded. Reading one
is bounded: the text's length by the schema, the inflated size by the trial count (a
decompression bomb stops at ``trials × 8 + 1`` bytes).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import zlib

import numpy as np
import numpy.typing as npt

from fiveguard.domain.errors import InputError, Problem
from fiveguard.exchange.summary import FederatedSection, FederatedVectors
from fiveguard.simulate import Prepared
from fiveguard.simulate.engines import run_trials
from fiveguard.simulate.metrics import ASSETS_DOWN, COMPROMISED, EXPOSED, PEOPLE
from fiveguard.simulate.sources import EventSources, ProbabilityGroups
from fiveguard.simulate.streams import STREAM_SCHEME

IntArray = npt.NDArray[np.int64]
VECTOR_FIELDS = (
    "people_without_service",
    "subscribers_exposed",
    "assets_down",
    "assets_compromised",
)
COLUMNS = (PEOPLE, EXPOSED, ASSETS_DOWN, COMPROMISED)
"""The columns of :class:`fiveguard.simulate.metrics.TrialImpacts` the vectors carry, in
:data:`VECTOR_FIELDS` order."""
DTYPE = np.dtype("<i8")


def cross_border_sources(sources: EventSources) -> EventSources:
    """``sources`` with the national ones (misconfiguration, pushed change, limit reached,
    power, failure) switched off."""
    no_failure = np.zeros_like(sources.failure_probability)
    return dataclasses.replace(
        sources,
        misconfiguration_probability=np.zeros_like(sources.misconfiguration_probability),
        power_probability=np.zeros_like(sources.power_probability),
        failure_probability=no_failure,
        failure_groups=ProbabilityGroups.of(no_failure),
        change_push=None,
        limit_reached=None,
    )


def cross_border_impacts(ready: Prepared, trials: int, seed: int) -> IntArray:
    """``(trials, 4)``: per trial, the impacts of the cross-border sources alone, in
    :data:`VECTOR_FIELDS` order."""
    impacts = run_trials(ready.compiled, cross_border_sources(ready.sources), trials, seed)
    return np.ascontiguousarray(impacts.national[:, list(COLUMNS)], dtype=np.int64)


def encode_vector(values: IntArray) -> str:
    """One vector as the summary carries it."""
    raw = np.ascontiguousarray(values, dtype=DTYPE).tobytes()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def federated_section(ready: Prepared, trials: int, seed: int) -> FederatedSection:
    """The federated section of a state's summary: ``trials`` years under ``seed``."""
    impacts = cross_border_impacts(ready, trials, seed)
    keys = ready.sources.keys
    drawn = ready.sources.update_probability > 0
    return FederatedSection(
        scheme=STREAM_SCHEME,
        seed=seed,
        trials=trials,
        suppliers=tuple(sorted({k for k, on in zip(keys.suppliers, drawn, strict=True) if on})),
        versions=int(np.count_nonzero(ready.sources.fault_probability > 0)),
        vectors=FederatedVectors(
            **{name: encode_vector(impacts[:, i]) for i, name in enumerate(VECTOR_FIELDS)}
        ),
    )


def decode_vector(text: str, trials: int, file: str, path: str) -> IntArray:
    """One vector of ``trials`` values, or InputError located at ``file`` and ``path``."""

    def bad(message: str) -> InputError:
        return InputError.at(message, file, path=path)

    try:
        packed = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise bad("not base64: expected a zlib-compressed int64 array in base64") from None
    expected = trials * DTYPE.itemsize
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, expected + 1)
    except zlib.error as exc:
        raise bad(f"corrupted compression ({exc}); expected zlib data") from None
    if len(raw) > expected or inflater.unconsumed_tail:
        raise bad(
            f"inflates to more than {expected:,} bytes, the {trials:,} trials' int64 values: "
            "refused (too long, or a decompression bomb)"
        )
    if not inflater.eof:
        raise bad("truncated compression: the zlib stream does not end")
    if inflater.unused_data:
        raise bad(f"{len(inflater.unused_data)} bytes after the end of the zlib stream")
    if len(raw) != expected:
        raise bad(f"holds {len(raw) / DTYPE.itemsize:g} values; expected one per trial, {trials:,}")
    values = np.frombuffer(raw, dtype=DTYPE).astype(np.int64)
    if values.size and int(values.min()) < 0:
        raise bad(f"a negative impact ({int(values.min())}) in trial {int(values.argmin())}")
    return values


def decode_section(section: FederatedSection, file: str, path: str) -> IntArray:
    """``(trials, 4)``: the section's vectors, each checked (see :func:`decode_vector`)."""
    problems: list[Problem] = []
    columns = []
    for name in VECTOR_FIELDS:
        try:
            columns.append(
                decode_vector(
                    getattr(section.vectors, name), section.trials, file, f"{path}.vectors.{name}"
                )
            )
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return np.stack(columns, axis=1)
