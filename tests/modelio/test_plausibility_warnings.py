"""Warnings: values that are probably wrong but leave the model usable. An operator whose
subscribers and the people its radio serves are far apart is one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fiveguard.catalog import load_catalogue
from fiveguard.domain.errors import InputError, ProblemSeverity
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from model_texts import BASE_YAML

Problems = Callable[[Path], list[str]]
Load = Callable[[Path], NetworkModel]

# op-a's radio serves 1,500 people (a.ran 600, the two site rows 500 and 400)
WARNING_TAIL = (
    "both count the operator's users, and shared sites split their people by subscribers; "
    "check both figures"
)


def with_subscribers(subscribers: str) -> str:
    return BASE_YAML.replace("subscribers: 1500", f"subscribers: {subscribers}")


def warnings(model: NetworkModel) -> list[str]:
    return [str(w) for w in model.warnings]


def test_subscribers_far_below_the_people_served_give_a_located_warning(
    write_model, model_problems: Problems, load: Load
) -> None:
    path = write_model(with_subscribers("150"))
    assert model_problems(path) == []  # a warning leaves the model valid
    assert warnings(load(path)) == [
        "model.yaml:13:47: operators[0].subscribers: warning: 150 subscribers, but the radio "
        "assets of op-a serve 1,500 people (a factor of 10.0 apart; the catalogue's "
        f"limits.warn_subscribers_vs_served is 3): {WARNING_TAIL}"
    ]
    assert {w.severity for w in load(path).warnings} == {ProblemSeverity.WARNING}


def test_subscribers_far_above_the_people_served_give_a_warning(write_model, load: Load) -> None:
    (warning,) = warnings(load(write_model(with_subscribers("15000"))))
    assert "15,000 subscribers, but the radio assets of op-a serve 1,500 people (a factor " in (
        warning
    )


def test_no_subscribers_for_people_served_gives_a_warning(write_model, load: Load) -> None:
    (warning,) = warnings(load(write_model(with_subscribers("0"))))
    assert "0 subscribers, but the radio assets of op-a serve 1,500 people (the catalogue's" in (
        warning
    )


@pytest.mark.parametrize("subscribers", ["500", "1500", "4500"])
def test_figures_within_the_catalogues_factor_give_no_warning(
    write_model, load: Load, subscribers: str
) -> None:
    assert warnings(load(write_model(with_subscribers(subscribers)))) == []


def test_an_operator_without_radio_people_gets_no_warning(write_model, load: Load) -> None:
    text = BASE_YAML.replace(
        "subscribers: 1500}", "subscribers: 1500}\n  - {id: op-b, name: B, subscribers: 800000}"
    )
    assert warnings(load(write_model(text))) == []


def test_the_factor_is_catalogue_data(write_model, tmp_path: Path) -> None:
    path = write_model(with_subscribers("150"))
    override = tmp_path / "mine.yaml"
    override.write_text("limits: {warn_subscribers_vs_served: 20}\n", encoding="utf-8")
    assert load_model(path, load_catalogue(override)).warnings == ()


def test_a_shared_sites_people_are_split_by_subscribers_before_comparing(
    write_model, load: Load
) -> None:
    """op-b shares op-a's radio (600 people without the site rows): with 1,000 and 2,000
    subscribers, op-a's part is 200 people and op-b's 400."""
    text = (
        BASE_YAML.replace(
            "subscribers: 1500}", "subscribers: 1000}\n  - {id: op-b, name: B, subscribers: 2000}"
        )
        .replace(
            "population: 600, requires: [a.amf]",
            "population: 600, shared_with: [op-b], requires: [a.amf, b.amf]",
        )
        .replace(
            "  - {id: a.amf,",
            "  - {id: b.amf, operator: op-b, kind: core.amf, product: amf@1.0}\n  - {id: a.amf,",
        )
        .replace("sites: sites.csv\n", "")
    )
    found = warnings(load(write_model(text, None)))
    assert [w.split(" (")[0] for w in found] == [
        "model.yaml:13:47: operators[0].subscribers: warning: 1,000 subscribers, but the radio "
        "assets of op-a serve 200 people",
        "model.yaml:14:38: operators[1].subscribers: warning: 2,000 subscribers, but the radio "
        "assets of op-b serve 400 people",
    ]


def test_warnings_are_reported_with_the_errors(write_model, catalogue) -> None:
    text = with_subscribers("150").replace("population: 1000}", "population: -1}")
    with pytest.raises(InputError) as caught:
        load_model(write_model(text), catalogue)
    found = [str(p) for p in caught.value.problems]
    assert found[0] == "model.yaml:4:37: regions[0].population: expected a number ≥ 0, got -1"
    assert found[1].startswith("model.yaml:13:47: operators[0].subscribers: warning: 150 ")
    assert len(found) == 2


def test_machine_lines_are_not_compared_with_the_people_radio_serves(
    write_model, load: Load
) -> None:
    # 1,500 people on radio; 1,400 people's lines and 30,000 machine lines: no warning
    machines = with_subscribers("31400, lines: {personal: 1400, iot: 30000}")
    assert warnings(load(write_model(machines))) == []
    # the same subscribers all counted as people are far from the radio's 1,500
    (warning,) = warnings(load(write_model(with_subscribers("31400"))))
    assert "warning: 31,400 subscribers, but the radio assets" in warning
    few = with_subscribers("31400, lines: {personal: 100, iot: 31300}")
    (warning,) = warnings(load(write_model(few)))
    assert "warning: 100 subscribers on personal and business lines, but the radio " in warning
