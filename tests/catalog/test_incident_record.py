"""The incident record: what it holds, and located problems in an override of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.domain.catalogue import CAUSE_CLASSES
from fiveguard.domain.errors import InputError

RECORD_HEAD = """\
incidents:
  records:
    - id: a-2019
      date: 2019-03-01
      country: {country}
      operator: Operator A
      cause: {cause_a}
      cause_detail: a change
      event: shared-event
      scope: whole-operator
      source: a report
    - id: b-2019
      date: {date_b}
      country: FR
      operator: Operator B
      cause: {cause_b}
      cause_detail: the same change
      event: shared-event
      scope: whole-operator
      source: a report
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "override.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    return [str(p) for p in caught.value.problems]


def test_every_incident_names_its_source_and_leaves_unreported_figures_out() -> None:
    record = default_catalogue().incidents
    assert len(record.records) >= 8
    for incident in record.records:
        assert incident.source.strip()
        assert incident.cause in CAUSE_CLASSES
        # an unreported figure is None, never a zero that would read as "nobody affected"
        assert incident.users_affected is None or incident.users_affected > 0
        if incident.users_affected is None:
            assert incident.users_note, f"{incident.id}: say what the source reports instead"
        if incident.duration_hours is None:
            assert incident.duration_note, f"{incident.id}: say what the source reports instead"


def test_every_rate_names_a_known_exposure_and_a_parameter() -> None:
    record = default_catalogue().incidents
    for rule in record.rates.values():
        assert rule.exposure in record.exposures
        assert rule.informs.strip() and rule.relation.strip()
    for exposure in record.exposures.values():
        assert exposure.source.strip() and exposure.basis.strip()


def test_the_certificate_fault_of_2018_is_one_event_at_two_operators() -> None:
    record = default_catalogue().incidents
    at = [i.operator for i in record.records if i.event == "sgsn-mme-certificate-2018"]
    assert sorted(at) == ["O2 UK", "SoftBank"]


def test_an_unknown_country_and_a_date_outside_the_window_are_located(tmp_path: Path) -> None:
    text = RECORD_HEAD.format(
        country="YY", cause_a="change-error", cause_b="change-error", date_b="2031-01-01"
    )
    found = problems(tmp_path, text)
    assert any("override.yaml:5:" in p and "unknown country code 'YY'" in p for p in found), found
    assert any(
        "override.yaml:13:" in p and "2031-01-01 is outside the record's window" in p for p in found
    ), found


def test_one_event_with_two_causes_is_refused_where_it_disagrees(tmp_path: Path) -> None:
    text = RECORD_HEAD.format(
        country="GB", cause_a="change-error", cause_b="product-fault", date_b="2019-03-01"
    )
    [problem] = problems(tmp_path, text)
    assert "override.yaml:16:" in problem
    assert "event 'shared-event' has cause 'change-error'" in problem


def test_an_unknown_cause_class_names_the_classes(tmp_path: Path) -> None:
    text = RECORD_HEAD.format(
        country="GB", cause_a="gremlins", cause_b="change-error", date_b="2019-03-01"
    )
    found = problems(tmp_path, text)
    assert any("override.yaml:7:" in p and "change-error" in p for p in found), found


def test_a_rate_on_an_unknown_exposure_is_located(tmp_path: Path) -> None:
    text = """\
incidents:
  rates:
    change-error-outage:
      exposure: operator-decades
"""
    [problem] = problems(tmp_path, text)
    assert "override.yaml:4:" in problem
    assert "unknown exposure 'operator-decades'" in problem


def test_a_rate_with_both_a_selection_and_a_reported_count_is_refused(tmp_path: Path) -> None:
    text = """\
incidents:
  rates:
    change-error-outage:
      reported: {value: 3.0, basis: three, source: somewhere}
"""
    [problem] = problems(tmp_path, text)
    assert "either select" in problem


def test_an_enisa_year_counted_against_a_population_that_is_not_one_is_located(
    tmp_path: Path,
) -> None:
    text = """\
incidents:
  enisa:
    - year: 2017
      population: large-operator-years
      source: a report
"""
    [problem] = problems(tmp_path, text)
    assert "override.yaml:4:" in problem
    assert "unknown population 'large-operator-years'" in problem
    assert "eu-population-2017" in problem
