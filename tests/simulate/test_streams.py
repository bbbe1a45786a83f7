"""Keyed streams: a supplier's updates and a version's faults follow its canonical key and
the trial's number, not its place in a model."""

from __future__ import annotations

import dataclasses

import numpy as np
from helpers import busy_catalogue, model_of

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
