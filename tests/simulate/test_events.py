"""Events as users write them: parsing, resolving targets, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from fiveguard.simulate import compile_network
from fiveguard.simulate.events import (
    Event,
    EventType,
    Mode,
    SampledEvents,
    near_matches,
    parse_event,
    resolve_events,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


@pytest.fixture(scope="module")
def small(catalogue: Catalogue) -> NetworkModel:
    return load_model(EXAMPLE, catalogue)


def test_every_event_type_parses() -> None:
    assert parse_event("supplier-update:eastwave", mode=Mode.SABOTAGE) == Event(
        EventType.SUPPLIER_UPDATE, "eastwave", mode=Mode.SABOTAGE
    )
    assert parse_event(" product-fault : nv-amf@5.2 ").target == "nv-amf@5.2"
    assert parse_event("supplier-fault:nordvik").type is EventType.SUPPLIER_FAULT
    assert parse_event("asset-down:op-a.upf").type is EventType.ASSET_DOWN
    power = parse_event("region-power:XS-N", hours=6)
    assert power.hours == 6 and str(power) == "region-power:XS-N for 6 h"
    assert parse_event("supplier-update:x").mode is Mode.ESPIONAGE


@pytest.mark.parametrize(
    ("text", "hours", "message"),
    [
        ("supplier-update", None, "malformed event"),
        ("supplier-update:", None, "malformed event"),
        ("vendor-hack:x", None, "unknown event type 'vendor-hack'"),
        ("product-fault:nv-amf", None, "PRODUCT@VERSION"),
        ("region-power:XS-N", None, "needs --hours"),
        ("region-power:XS-N", 0.0, "positive, finite number"),
        ("region-power:XS-N", float("nan"), "positive, finite number"),
        ("region-power:XS-N", float("inf"), "positive, finite number"),
    ],
)
def test_malformed_events_are_input_errors(text: str, hours: float | None, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_event(text, hours=hours)
    assert caught.value.problems[0].location.path == f"--event {text!r}"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            Event(EventType.SUPPLIER_UPDATE, "acme"),
            "unknown supplier 'acme'; known suppliers: cloudcore, eastwave, nordvik",
        ),
        (Event(EventType.SUPPLIER_FAULT, "acme"), "unknown supplier 'acme'"),
        (Event(EventType.PRODUCT_FAULT, "acme@1"), "unknown product 'acme'"),
        (Event(EventType.PRODUCT_FAULT, "nv-amf@9.9"), "has no version '9.9'; its versions: 5.2"),
        (
            Event(EventType.ASSET_DOWN, "op-a.upff"),
            "unknown asset 'op-a.upff'; ids like it: op-a.upf",
        ),
        (
            Event(EventType.ASSET_DOWN, "nope"),
            "unknown asset 'nope'; no asset id is like it (the model's assets and site files "
            "have 2",
        ),
        (
            Event(EventType.REGION_POWER, "XS-X", hours=2),
            "unknown region 'XS-X'; known regions: XS-N, XS-S",
        ),
        (Event(EventType.SUPPLIER_UPDATE, "nordvik", operators=("op-z",)), "unknown operator"),
    ],
)
def test_unknown_targets_are_input_errors_naming_what_is_known(
    small: NetworkModel, catalogue: Catalogue, event: Event, message: str
) -> None:
    compiled = compile_network(small, catalogue)
    with pytest.raises(InputError, match=message.replace("(", r"\(")) as caught:
        resolve_events(small, compiled, [[event]])
    # located like a malformed event: the option and the event as written
    assert caught.value.problems[0].location.path == f"--event '{event.type.value}:{event.target}'"


def test_near_matches_come_closest_first_among_a_million_ids() -> None:
    ids = [f"op-{o}.site-{i:06d}" for o in "abcd" for i in range(250_000)]
    assert near_matches("op-c.site-000123x", ids)[0] == "op-c.site-000123"
    assert near_matches("zz", ids) == []
    assert near_matches("op-a.upff", ["op-a.upf", "op-b.upf", "li"]) == ["op-a.upf", "op-b.upf"]


def test_every_bad_target_is_reported_at_once(small: NetworkModel, catalogue: Catalogue) -> None:
    compiled = compile_network(small, catalogue)
    bad = [Event(EventType.ASSET_DOWN, "x"), Event(EventType.SUPPLIER_FAULT, "y")]
    with pytest.raises(InputError) as caught:
        resolve_events(small, compiled, [bad])
    assert len(caught.value.problems) == 2


def test_a_declared_version_that_no_asset_runs_is_a_valid_event_that_does_nothing(
    small: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(small, catalogue)
    resolved = resolve_events(small, compiled, [[Event(EventType.PRODUCT_FAULT, "nv-ran@24.2")]])
    assert resolved.fault_version.size == 1
    idle = [
        Event(EventType.PRODUCT_FAULT, f"{p.id}@{v}")
        for p in small.document.products
        for v in p.versions
    ]
    resolve_events(small, compiled, [idle])  # no error for any declared version


def test_sampled_events_concatenate_and_window_by_trial(
    small: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(small, catalogue)
    one = resolve_events(small, compiled, [[Event(EventType.ASSET_DOWN, "op-a.upf")], []])
    two = resolve_events(small, compiled, [[], [Event(EventType.SUPPLIER_FAULT, "nordvik")]])
    both = SampledEvents.concat([one, two])
    assert both.trials == 4
    assert both.down_trial.tolist() == [0] and both.supplier_fault_trial.tolist() == [3]
    assert both.window(2, 4).supplier_fault_trial.tolist() == [1]
    assert both.truncated(1).supplier_fault_trial.size == 0
