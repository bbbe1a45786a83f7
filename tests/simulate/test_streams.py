"""Keyed streams: a supplier's updates and a version's faults follow its canonical key and
the trial's number, not its place in a model."""

from __future__ import annotations

import dataclasses

import numpy as np
from helpers import busy_catalogue, model_of
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.network import Asset, Operator, Product, Supplier
from fiveguard.simulate import prepare
from fiveguard.simulate.sampling import BLOCK_TRIALS, sample_trials
from fiveguard.simulate.streams import (
    keyed_hits,
    philox_key,
    stream_keys,
    supplier_key,
    trial_uniforms,
)

LEI = "5493001KJTIIGC8Y1R12"


def test_a_stream_read_from_any_trial_continues_the_same_numbers() -> None:
    whole = trial_uniforms(7, "supplier-update", "lei:X", 0, 1000)
    assert np.array_equal(whole[300:700], trial_uniforms(7, "supplier-update", "lei:X", 300, 400))
    assert whole.min() >= 0.0 and whole.max() < 1.0


def test_streams_differ_by_seed_purpose_and_key() -> None:
    base = philox_key(1, "supplier-update", "lei:X")
    assert base != philox_key(2, "supplier-update", "lei:X")
    assert base != philox_key(1, "product-fault", "lei:X")
    assert base != philox_key(1, "supplier-update", "lei:Y")


def test_a_higher_probability_sees_the_same_events_and_more() -> None:
    keys = ("lei:A",)
    _, low, _ = keyed_hits(3, "product-fault", keys, np.array([0.01]), 0, 20_000)
    _, high, _ = keyed_hits(3, "product-fault", keys, np.array([0.05]), 0, 20_000)
    assert low.size > 100
    assert set(low.tolist()) <= set(high.tolist())


def test_supplier_keys_prefer_lei_then_registry_then_the_national_id() -> None:
    def supplier(**extra: str) -> Supplier:
        return Supplier(id="acme", name="Acme", headquarters="SE", ownership="listed", **extra)  # type: ignore[arg-type]

    assert supplier_key(supplier(lei=LEI, registry_id="SE:1"), "XA") == f"lei:{LEI}"
    assert supplier_key(supplier(registry_id="SE:1"), "XA") == "registry:SE:1"
    assert supplier_key(supplier(), "XA") == "ref:XA:acme"


def _two_supplier_model(order: tuple[str, str], lei: str | None) -> object:
    products = [
        Product(
            id=f"{s}-amf", supplier=s, name=f"{s.title()} AMF", kind="core.amf", versions=("1",)
        )
        for s in order
    ]
    assets = [
        Asset(id=f"{s}.amf", operator="op", kind="core.amf", product=f"{s}-amf@1") for s in order
    ]
    model = model_of(
        assets, operators=[Operator(id="op", name="Op", subscribers=1)], products=products
    )
    doc = model.document
    suppliers = tuple(
        s.model_copy(update={"lei": lei}) if s.id == "beta" else s for s in doc.suppliers
    )
    ordered = tuple(sorted(suppliers, key=lambda s: s.id, reverse=order[0] == "beta"))
    return dataclasses.replace(model, document=doc.model_copy(update={"suppliers": ordered}))


def test_the_same_supplier_has_the_same_updates_wherever_it_sits(catalogue: Catalogue) -> None:
    cat = busy_catalogue(catalogue)
    first = prepare(_two_supplier_model(("alpha", "beta"), LEI), cat)  # type: ignore[arg-type]
    second = prepare(_two_supplier_model(("beta", "alpha"), LEI), cat)  # type: ignore[arg-type]
    assert first.compiled.suppliers != second.compiled.suppliers
    trials = 8 * BLOCK_TRIALS

    def beta_years(ready: object, what: str) -> list[int]:
        events = sample_trials(ready.sources, 5, 0, trials)  # type: ignore[attr-defined]
        if what == "update":
            beta = ready.compiled.suppliers.index("beta")  # type: ignore[attr-defined]
            return events.update_trial[events.update_supplier == beta].tolist()
        beta = ready.compiled.versions.index("beta-amf@1")  # type: ignore[attr-defined]
        return events.fault_trial[events.fault_version == beta].tolist()

    for what in ("update", "fault"):
        assert beta_years(first, what), what
        assert beta_years(first, what) == beta_years(second, what), what


def test_keys_name_versions_by_supplier_product_name_and_version(catalogue: Catalogue) -> None:
    model = _two_supplier_model(("alpha", "beta"), LEI)
    keys = stream_keys(model, ("alpha", "beta"), ("alpha-amf@1", "beta-amf@1"))  # type: ignore[arg-type]
    assert keys.suppliers == ("ref:XW:alpha", f"lei:{LEI}")
    assert keys.versions == ("ref:XW:alpha|alpha amf|1", f"lei:{LEI}|beta amf|1")
    assert keys.operators == ("XW:op",)


def test_a_batch_draws_the_same_cross_border_events_as_its_blocks(catalogue: Catalogue) -> None:
    ready = prepare(_two_supplier_model(("alpha", "beta"), LEI), busy_catalogue(catalogue))  # type: ignore[arg-type]
    whole = sample_trials(ready.sources, 9, 0, 6 * BLOCK_TRIALS)
    later = sample_trials(ready.sources, 9, 2, 3 * BLOCK_TRIALS)
    part = whole.window(2 * BLOCK_TRIALS, 5 * BLOCK_TRIALS)
    for name in ("update_trial", "update_supplier", "update_sabotage", "fault_trial"):
        assert np.array_equal(getattr(part, name), getattr(later, name)), name


def reference_hits(
    seed: int, keys: tuple[str, ...], probability: list[float], first: int, trials: int
) -> list[tuple[int, int, float]]:
    """One trial at a time: a fresh Philox at the trial's counter, its first two words."""
    out = []
    for s, key in enumerate(keys):
        if probability[s] <= 0:
            continue
        k = np.asarray(philox_key(seed, "product-fault", key), dtype=np.uint64)
        for t in range(first, first + trials):
            words = np.random.Philox(key=k, counter=np.asarray([t, 0, 0, 0], np.uint64))
            event, mode = ((int(w) >> 11) * 2.0**-53 for w in words.random_raw(2))
            if event < probability[s]:
                out.append((s, t - first, mode))
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**63),
    st.lists(st.sampled_from([0.0, 0.05, 0.3, 1.0]), min_size=1, max_size=4),
    st.integers(0, 5000),
    st.integers(1, 60),
)
def test_keyed_hits_match_a_trial_by_trial_reference(
    seed: int, probability: list[float], first: int, trials: int
) -> None:
    keys = tuple(f"lei:K{i}" for i in range(len(probability)))
    sources, hit_trials, modes = keyed_hits(
        seed, "product-fault", keys, np.asarray(probability), first, trials
    )
    got = list(zip(sources.tolist(), hit_trials.tolist(), modes.tolist(), strict=True))
    assert got == reference_hits(seed, keys, probability, first, trials)
