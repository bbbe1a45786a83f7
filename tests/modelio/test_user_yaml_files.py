"""Policy and catalogue files are read like models: a value YAML cannot read (an
impossible date, a key given twice) is reported with every other problem of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.assess.policy_file import parse_policy
from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.modelio.yamlsource import read_yaml

POLICY = """\
id: national-2026
title: Our 2026 policy
source: Decree 12/2026
rules:
  - rule: exclude
    id: core
    text: High-risk suppliers out of the core by 2027.
    targets: {domains: [core]}
    deadline: 2027-31-12
  - rule: cap
    id: radio-cap
    text: At most 35 % of the people served.
    targets: {domains: [ran]}
    max_share: 35
    measure: population
    per: operator
"""


def problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_a_policy_file_reports_an_impossible_date_with_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_policy(read_yaml(path, "policy.yaml"), default_catalogue())
    assert problems(info) == [
        "policy.yaml:9:15: rules[0].deadline: not a valid date: '2027-31-12' (month must be in "
        "1..12)",
        "policy.yaml:14:16: rules[1].max_share: expected a number ≤ 1.0, got 35; did you mean "
        "0.35? (a share is a fraction of 1: 35 % is 0.35)",
    ]


def test_a_catalogue_file_reports_an_unreadable_value_with_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "limits:\n  max_subscribers: lots\n  max_sites_per_asset: 10\n  max_sites_per_asset: 12\n"
        "evidence_rules: {evaluation_valid_days: 2026-02-30}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    found = problems(info)
    assert len(found) == 3, found
    assert found[0].endswith("limits.max_subscribers: expected a whole number, got 'lots'")
    assert found[1].endswith(
        "limits.max_sites_per_asset: duplicate key 'max_sites_per_asset': given already on "
        "line 3; write each key once"
    )
    assert found[2].endswith(
        "evidence_rules.evaluation_valid_days: not a valid date: '2026-02-30' (day is out of "
        "range for month)"
    )


# -- booleans and numbers are as strict as in model files


STRICT_POLICY = """\
id: strict
title: Strict values
rules:
  - rule: exclude
    id: core
    text: High-risk suppliers out of the core.
    targets: {all_assets: yes}
    sensitive_sites_only: "no"
  - rule: cap
    id: radio-cap
    text: At most 35 % of the people served.
    targets: {domains: [ran], all_assets: on}
    max_share: "0.35"
    measure: population
    per: operator
"""


def test_a_policy_file_takes_only_true_and_false_as_booleans(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(STRICT_POLICY, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_policy(read_yaml(path, "policy.yaml"), default_catalogue())
    assert problems(info) == [
        "policy.yaml:7:27: rules[0].targets.all_assets: expected true or false, got the text "
        "'yes'; write true",
        "policy.yaml:8:27: rules[0].sensitive_sites_only: expected true or false, got the text "
        "'no'; write false",
        "policy.yaml:12:43: rules[1].targets.all_assets: expected true or false, got the text "
        "'on'; write true",
        "policy.yaml:13:16: rules[1].max_share: expected a number, got the text '0.35'; write 0.35",
    ]


def test_a_catalogue_file_takes_only_true_and_false_and_numbers_as_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        'limits: {max_subscribers: "2000", max_battery_hours: "72"}\n'
        "assessment:\n  assurance:\n    lower_needs_every_version: on\n    raise_steps: 1.0\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    found = [problem.split(": ", 1)[1] for problem in problems(info)]
    assert found == [
        "limits.max_subscribers: expected a whole number, got the text '2000'; write 2000",
        "limits.max_battery_hours: expected a number, got the text '72'; write 72",
        "assessment.assurance.lower_needs_every_version: expected true or false, got the text "
        "'on'; write true",
        "assessment.assurance.raise_steps: expected a whole number, got 1.0",
    ]
