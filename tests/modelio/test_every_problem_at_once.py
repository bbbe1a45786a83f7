"""The whole-model checks (dependency cycles, people served per region) run whatever else
is wrong: one run of validate lists every problem, not the next one after each fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from model_texts import BASE_CSV, BASE_YAML

Problems = Callable[[Path], list[str]]

# a.oss requires a.ran, a.ran requires a.amf, a.amf requires a.oss
CYCLE = BASE_YAML.replace(
    "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3}",
    "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3, requires: [a.ran]}",
).replace("product: amf@1.0, managed_by", "product: amf@1.0, requires: [a.oss], managed_by")

OTHER_PROBLEMS = {
    "an undeclared supplier": (
        "{id: amf, supplier: sup-a,",
        "{id: amf, supplier: sup-x,",
        "products[0].supplier: 'sup-x' is not a declared supplier",
    ),
    "an undeclared region": (
        "region: R1, sites: 3",
        "region: R9, sites: 3",
        "assets[2].region: 'R9' is not a declared region",
    ),
    "an invalid item": (
        "{id: R2, name: Two, population: 2000}",
        "{id: R2, name: Two, population: lots}",
        "regions[1].population: expected a whole number, got 'lots'",
    ),
}


def cycles(found: list[str]) -> list[str]:
    return [message for message in found if "dependency cycle" in message]


def test_a_cycle_is_reported_with_an_undeclared_reference(
    write_model, model_problems: Problems
) -> None:
    for old, new, expected in OTHER_PROBLEMS.values():
        assert old in CYCLE
        found = model_problems(write_model(CYCLE.replace(old, new)))
        assert any(message.endswith(expected) for message in found), found
        assert len(cycles(found)) == 1, found


def test_a_cycle_is_reported_with_a_site_row_naming_an_undeclared_asset(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV.replace(
        "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,", "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amff,"
    )
    found = model_problems(write_model(CYCLE, csv))
    assert "sites.csv:3:34: requires: 'a.amff' is not a declared asset" in found
    (cycle,) = cycles(found)
    assert cycle.startswith("model.yaml:")


def test_a_cycle_through_site_rows_is_reported_at_a_row(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV.replace(
        "a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,", "a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.s2,"
    ).replace("a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,", "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.s1,")
    text = BASE_YAML.replace("{id: amf, supplier: sup-a,", "{id: amf, supplier: sup-x,")
    found = model_problems(write_model(text, csv))
    assert len(found) == 2, found
    assert found[1].startswith("sites.csv:2:")
    assert found[1].endswith(
        "requires: dependency cycle through requires: a.s1 → a.s2 → a.s1"
    ) or found[1].endswith("requires: dependency cycle through requires: a.s2 → a.s1 → a.s2")


def test_a_managed_by_cycle_is_reported_with_other_problems(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace(
        "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3}",
        "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3, managed_by: a.ems}\n"
        "  - {id: a.ems, operator: op-a, kind: mgmt.ems, managed_by: a.oss}",
    ).replace("{id: amf, supplier: sup-a,", "{id: amf, supplier: sup-x,")
    found = model_problems(write_model(text))
    assert any("dependency cycle through managed_by" in message for message in found), found
    assert any("'sup-x' is not a declared supplier" in message for message in found), found


def test_people_beyond_a_regions_population_are_reported_with_other_problems(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace("population: 600,", "population: 1600,").replace(
        "{id: amf, supplier: sup-a,", "{id: amf, supplier: sup-x,"
    )
    found = model_problems(write_model(text))
    assert (
        "model.yaml:4:37: regions[0].population: radio assets in R1 serve 1,600 people, more "
        "than its population of 1,000" in found
    ), found
    assert len(found) == 2, found
