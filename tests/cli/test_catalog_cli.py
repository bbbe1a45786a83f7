"""``fiveguard catalog …``: tables, JSON, help examples and bad override files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.catalog import default_catalogue
from fiveguard.cli.app import app
from fiveguard.cli.catalog import rule_in_words
from fiveguard.domain.catalogue import ExcludeRule

runner = CliRunner()
COMMANDS = [
    "kinds",
    "risks",
    "measures",
    "policies",
    "national",
    "timeline",
    "controls",
    "services",
    "criteria",
]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_prints_a_table(command: str) -> None:
    code, out, err = run("catalog", command)
    assert code == 0, err
    assert out.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_an_example_in_its_help(command: str) -> None:
    code, out, _ = run("catalog", command, "--help")
    assert code == 0
    assert f"Example: fiveguard catalog {command}" in out


def test_kinds_json_lists_every_kind() -> None:
    code, out, _ = run("catalog", "kinds", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["scas_general"] == "TS 33.117"
    assert data["scas_virtualised"] == "TS 33.527"
    assert len(data["asset_kinds"]) == 48
    assert data["asset_kinds"]["core.amf"]["scas"] == ["TS 33.512"]
    assert data["asset_kinds"]["core.pcf"]["scas"] == ["TS 33.528"]


def test_kinds_table_names_the_general_and_virtualised_scas() -> None:
    flat = " ".join(run("catalog", "kinds")[1].split())
    assert "TS 33.117 (general SCAS) applies to every kind" in flat
    assert "TS 33.527 in addition to any product deployed virtualised" in flat


def test_risks_json_carries_the_links_with_their_provenance() -> None:
    data = json.loads(run("catalog", "risks", "--json")[1])
    assert set(data["risks"]) == {f"R{i}" for i in range(1, 10)}
    assert set(data["risk_areas"]) == {
        "security-measures",
        "supply-chain",
        "threat-actors",
        "interdependencies",
        "end-user-devices",
    }
    assert data["risks"]["R3"]["area"] == "supply-chain"
    assert "editorial" in data["risk_measures"]["provenance"].lower()
    assert "SM03" in data["risk_measures"]["links"]["R5"]


def test_risks_table_marks_links_as_editorial_default() -> None:
    out = run("catalog", "risks")[1]
    assert "editorial default" in out.lower()
    flat = " ".join(out.split())
    assert "Area ids are fiveguard's names" in flat
    assert "supply-chain" in out


def test_measures_json_can_filter_by_category() -> None:
    data = json.loads(run("catalog", "measures", "--json")[1])
    assert len(data["measures"]) == 29
    technical = json.loads(run("catalog", "measures", "--category", "technical", "--json")[1])
    assert set(technical["measures"]) == {f"TM{i:02d}" for i in range(1, 12)}


def test_policies_show_rules_in_words_with_deadlines() -> None:
    code, out, _ = run("catalog", "policies", "UK-2022-10")
    assert code == 0
    flat = " ".join(out.split())
    assert "deadline 2023-12-31" in flat
    assert "Not modelled" in out


def test_policies_json_holds_every_preset() -> None:
    data = json.loads(run("catalog", "policies", "--json")[1])
    assert set(data["policies"]) == {
        "UK-2020-01",
        "UK-2020-07",
        "UK-2022-10",
        "SE-2020-10",
        "BE-2020-07",
        "DE-2024-07",
        "AU-2018-08",
        "CA-2022-05",
        "EU-2026-01",
    }
    assert data["policies"]["EU-2026-01"]["status"] == "proposal"
    first = data["policies"]["UK-2020-07"]["rules"][0]
    assert (first["purchased_after"], first["installed_after"]) == ("2020-12-31", None)


def test_an_unknown_policy_is_bad_input() -> None:
    code, _, err = run("catalog", "policies", "XX-1999")
    assert code == 2
    assert "unknown policy 'XX-1999'" in err


def test_controls_counts_and_one_domain() -> None:
    data = json.loads(run("catalog", "controls", "--json")[1])
    assert len(data["controls"]["domains"]) == 8
    assert len(data["controls"]["measures"]) == 144
    code, out, _ = run("catalog", "controls", "--domain", "D8", "--json")
    assert code == 0
    domain = json.loads(out)
    assert domain["id"] == "D8"
    assert [r["id"] for r in domain["objectives"][0]["requirements"]] == [
        "SO29-001",
        "SO29-002",
        "SO29-003",
    ]
    assert run("catalog", "controls", "--domain", "D8")[0] == 0


def test_an_unknown_controls_domain_is_refused() -> None:
    code, _, err = run("catalog", "controls", "--domain", "D99")
    assert code == 2
    assert "D99" in err


def test_services_and_criteria_json() -> None:
    services = json.loads(run("catalog", "services", "--json")[1])
    assert "emergency-calls" in services["critical_services"]
    criteria = json.loads(run("catalog", "criteria", "--json")[1])
    ids = [c["id"] for c in criteria["supplier_criteria"]["criteria"]]
    assert ids == ["state_interference", "supply_assurance", "product_quality"]


def test_commands_use_the_catalog_override(tmp_path: Path) -> None:
    override = tmp_path / "mine.yaml"
    override.write_text("critical_services:\n  broadcast: {title: Public broadcasting}\n")
    code, out, _ = run("--catalog", str(override), "catalog", "services", "--json")
    assert code == 0
    assert "broadcast" in json.loads(out)["critical_services"]


def test_a_bad_catalog_file_exits_2_with_located_messages(tmp_path: Path) -> None:
    override = tmp_path / "bad.yaml"
    override.write_text("asset_kinds:\n  core.amf: {colour: red}\n")
    result = runner.invoke(app, ["--catalog", str(override), "catalog", "kinds"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{override}:2:" in result.stderr
    assert "asset_kinds.core.amf.colour: unknown field 'colour'" in result.stderr
    assert result.stdout == ""


def test_rule_in_words_names_the_generations_and_the_kinds_listed_besides() -> None:
    rule = ExcludeRule.model_validate(
        {
            "rule": "exclude",
            "id": "core",
            "text": "Out of the 5G core.",
            "targets": {"domains": ["core"], "kinds": ["core.mme"], "generations": ["5g", "any"]},
        }
    )
    assert rule_in_words(rule) == (
        "Exclude suppliers profiled high from the core domain, among kinds of generation "
        "5g or any; and kinds core.mme; no deadline (in force at once)."
    )


def test_rule_in_words_says_a_purchase_ban_is_about_purchases() -> None:
    rule = ExcludeRule.model_validate(
        {
            "rule": "exclude",
            "id": "no-purchases",
            "text": "No purchases after 2020.",
            "targets": {"all_assets": True},
            "purchased_after": "2020-12-31",
        }
    )
    assert "for equipment bought after 2020-12-31" in rule_in_words(rule)


def test_a_proposal_preset_says_it_is_not_in_force() -> None:
    code, out, _ = run("catalog", "policies", "EU-2026-01")
    assert code == 0
    assert "│ Status " in out and "a proposal, not adopted" in out
    assert "│ Status " not in run("catalog", "policies", "UK-2020-01")[1]
    [rule] = default_catalogue().policies["EU-2026-01"].rules
    assert rule_in_words(rule).endswith(
        "; deadline 36 months after the Commission designates the supplier as high-risk "
        "(not yet dated: in transition)."
    )


def test_timeline_json_holds_the_eu_steps_with_their_status() -> None:
    data = json.loads(run("catalog", "timeline", "--json")[1])["eu_timeline"]
    assert data["communication-2023-06"]["date"] == "2023-06-15"
    assert data["cybersecurity-act-proposal-2026-01"]["status"] == "proposal"
    assert all(step["source"] for step in data.values())


def test_national_lists_measures_by_date_with_their_sources() -> None:
    data = json.loads(run("catalog", "national", "--json")[1])["national_measures"]
    assert list(data)[:2] == ["AU-2018-08", "UK-2020-01"]  # by date
    assert data["CA-2022-05"]["preset"] == "CA-2022-05"
    assert data["PT-2023-05"]["preset"] is None
    assert all(m["sources"] and m["legal_basis"] for m in data.values())
    code, out, _ = run("catalog", "national", "CA-2022-05")
    flat = " ".join(out.split())
    assert code == 0 and "2024-06-28: Their 5G equipment removed" in flat
    assert "https://www.devdiscourse.com/" in out.replace("\n", "")


def test_national_by_country_and_an_unknown_one() -> None:
    data = json.loads(run("catalog", "national", "GB", "--json")[1])["national_measures"]
    assert list(data) == ["UK-2020-01", "UK-2020-07", "UK-2022-10"]
    code, _, err = run("catalog", "national", "LT")
    assert code == 2
    assert "command line: no national measure 'LT'; measures: AU-2018-08" in err


def test_the_timeline_holds_the_court_of_auditors_report() -> None:
    data = json.loads(run("catalog", "timeline", "--json")[1])["eu_timeline"]
    report = data["eca-special-report-2022-01"]
    assert report["date"] == "2022-01-24" and report["status"] == "published"
