"""A user's catalogue file merged over the packaged one, and its located errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.catalog.loader import merge
from fiveguard.domain.catalogue import Catalogue, Criticality, ExcludeRule
from fiveguard.domain.errors import InputError


def write(tmp_path: Path, text: str, name: str = "override.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    return [str(p) for p in caught.value.problems]


# ---------------------------------------------------------------------------- merging


def test_one_field_of_an_entry_changes_and_the_rest_stays(tmp_path: Path) -> None:
    path = write(tmp_path, "asset_kinds:\n  ran.gnb:\n    criticality: sensitive\n")
    cat = load_catalogue(path)
    packaged = default_catalogue().asset_kinds["ran.gnb"]
    gnb = cat.asset_kinds["ran.gnb"]
    assert gnb.criticality is Criticality.SENSITIVE
    assert gnb.model_copy(update={"criticality": packaged.criticality}) == packaged
    assert cat.asset_kinds["core.amf"] == default_catalogue().asset_kinds["core.amf"]


def test_a_new_id_adds_an_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
asset_kinds:
  core.chf: {title: Charging Function, domain: core, criticality: critical}
critical_services:
  broadcast: {title: Public broadcasting}
""",
    )
    cat = load_catalogue(path)
    assert cat.asset_kinds["core.chf"].id == "core.chf"
    assert len(cat.asset_kinds) == len(default_catalogue().asset_kinds) + 1
    assert cat.critical_services["broadcast"].title == "Public broadcasting"
    assert "health" in cat.critical_services


def test_a_list_replaces_the_packaged_list(tmp_path: Path) -> None:
    path = write(tmp_path, "risk_measures:\n  links:\n    R4: [SM05]\n")
    cat = load_catalogue(path)
    assert cat.risk_measures.links["R4"] == ("SM05",)
    # other risks keep their links, and the provenance stays
    assert cat.risk_measures.links["R1"] == default_catalogue().risk_measures.links["R1"]
    assert cat.risk_measures.provenance == default_catalogue().risk_measures.provenance


def test_plain_mapping_sections_merge_field_by_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
limits: {max_battery_hours: 1000}
countries:
  names: {XR: Ruritania}
""",
    )
    cat = load_catalogue(path)
    assert cat.limits.max_battery_hours == 1000
    assert cat.limits.max_subscribers == default_catalogue().limits.max_subscribers
    assert cat.countries.names["XR"] == "Ruritania"
    assert cat.countries.names["BE"] == "Belgium"
    assert cat.countries.eu_members == default_catalogue().countries.eu_members


def test_a_policy_of_ones_own_can_be_added(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
policies:
  XR-2026:
    title: Ruritania's own rules
    source: Ministerial order 12/2026
    rules:
      - {rule: exclude, id: no-core, text: Not in the core, targets: {domains: [core]}}
      - rule: cap
        id: ran
        text: At most a quarter of the radio network by population
        targets: {tags: [radio]}
        max_share: 0.25
        measure: population
        per: national
""",
    )
    policy = load_catalogue(path).policies["XR-2026"]
    assert [r.rule for r in policy.rules] == ["exclude", "cap"]
    assert isinstance(policy.rules[0], ExcludeRule)
    assert policy.rules[0].min_profile.value == "high"


def test_an_empty_override_changes_nothing(tmp_path: Path) -> None:
    assert load_catalogue(write(tmp_path, "# nothing yet\n")) == default_catalogue()


def test_json_output_of_a_section_reads_back_as_an_identical_override(tmp_path: Path) -> None:
    dumped = default_catalogue().model_dump(mode="json", include={"policies", "asset_kinds"})
    path = write(tmp_path, json.dumps(dumped), "dump.json")
    assert load_catalogue(path) == default_catalogue()


def test_merge_leaves_its_inputs_untouched() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    over = {"a": {"y": [3]}, "c": 4}
    merged = merge(base, over)
    assert merged == {"a": {"x": 1, "y": [3]}, "b": 2, "c": 4}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    assert over == {"a": {"y": [3]}, "c": 4}


# ---------------------------------------------------------------------------- errors


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "limits:\n  max_subscribers: [1, 2\n"))
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'override.yaml'}:")
    assert "YAML syntax error" in found[0]


def test_unknown_section_is_located_and_lists_the_known_ones(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "limits: {max_subscribers: 10}\nrisk_matrix: {}\n"))
    assert len(found) == 1
    assert ":2:" in found[0]
    assert "risk_matrix: unknown section 'risk_matrix'" in found[0]
    assert "asset_kinds" in found[0]


def test_unknown_field_of_an_entry_names_file_line_and_path(tmp_path: Path) -> None:
    text = "asset_kinds:\n  core.amf:\n    title: AMF\n    critical: yes\n"
    (message,) = problems(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'override.yaml'}:4:")
    assert "asset_kinds.core.amf.critical: unknown field 'critical'" in message
    assert "criticality" in message  # the fields it accepts


def test_wrong_types_are_located(tmp_path: Path) -> None:
    text = """\
limits:
  max_subscribers: lots
asset_kinds:
  core.amf: {criticality: extreme}
scas_general: [TS 33.117]
"""
    found = problems(write(tmp_path, text))
    assert any(":2:" in m and "limits.max_subscribers: expected a whole number" in m for m in found)
    assert any(":4:" in m and "asset_kinds.core.amf.criticality" in m for m in found)
    assert any(":5:" in m and "scas_general: expected text" in m for m in found)


def test_a_new_entry_missing_a_field_is_located_at_that_entry(tmp_path: Path) -> None:
    text = "risks:\n  R10:\n    title: Something new\n"
    found = problems(write(tmp_path, text))
    assert any(
        m.startswith(f"{tmp_path / 'override.yaml'}:3:") and "risks.R10.area: missing" in m
        for m in found
    ), found


def test_an_id_keyed_section_written_as_a_list_says_how_to_write_it(tmp_path: Path) -> None:
    text = "critical_services:\n  - {id: broadcast, title: Broadcasting}\n"
    (message,) = problems(write(tmp_path, text))
    assert (
        ":2:" in message
        and "critical_services: expected a mapping of entries keyed by id" in message
    )


def test_an_id_differing_from_its_key_is_refused(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, "risks:\n  R1: {id: R2}\n"))
    assert "risks.R1.id: id 'R2' differs from its key 'R1'" in message


def test_a_rule_of_unknown_type_is_located(tmp_path: Path) -> None:
    text = """\
policies:
  UK-2020-01:
    rules:
      - {rule: ban, id: x, text: t, targets: {all_assets: true}}
"""
    (message,) = problems(write(tmp_path, text))
    assert ":4:" in message and "policies.UK-2020-01.rules[0]" in message and "'ban'" in message


def test_a_field_inside_a_rule_is_located_without_union_tags(tmp_path: Path) -> None:
    text = """\
policies:
  UK-2020-01:
    rules:
      - rule: cap
        id: x
        text: t
        targets: {domains: [ran]}
        max_share: 1.5
        measure: sites
        per: operator
"""
    (message,) = problems(write(tmp_path, text))
    assert ":8:" in message
    assert "policies.UK-2020-01.rules[0].max_share: expected a number ≤ 1" in message


def test_a_file_that_is_not_a_mapping_is_refused_at_its_start(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, "- asset_kinds\n- risks\n"))
    assert message.startswith(f"{tmp_path / 'override.yaml'}:1:1: expected a mapping")


def test_a_bad_key_is_located_at_the_key(tmp_path: Path) -> None:
    text = "countries:\n  names: {Xy: Somewhere}\n"
    (message,) = problems(write(tmp_path, text))
    assert ":2:" in message and "countries.names.Xy: expected a two-letter country code" in message


# ---------------------------------------------------------------------------- references


def test_references_to_unknown_things_are_located_in_the_override(tmp_path: Path) -> None:
    text = """\
risks:
  R1: {area: Z}
risk_measures:
  links:
    R2: [TM03, TM99]
policies:
  BE-2020-07:
    rules:
      - {rule: exclude, id: x, text: t, targets: {kinds: [core.xyz], tags: [nowhere]}}
"""
    found = problems(write(tmp_path, text))
    joined = "\n".join(found)
    assert "override.yaml:2:" in joined and "risks.R1.area: unknown risk area 'Z'" in joined
    assert (
        "override.yaml:5:" in joined
        and "risk_measures.links.R2[1]: unknown measure 'TM99'" in joined
    )
    assert "targets.kinds[0]: unknown asset kind 'core.xyz'" in joined
    assert "targets.tags[0]: no asset kind has the tag 'nowhere'" in joined
    assert all("override.yaml" in m for m in found)


def test_a_new_risk_must_be_listed_by_its_area_and_rated(tmp_path: Path) -> None:
    text = "risks:\n  R10: {area: supply-chain, title: A new risk}\n"
    found = problems(write(tmp_path, text))
    listed = [m for m in found if "area supply-chain does not list risk R10" in m]
    assert len(listed) == 1 and "override.yaml:2:" in listed[0]
    # the register cannot rate a risk it has no rules for
    assert any("risk R10 has no likelihood and impact rules" in m for m in found)
    fixed = text + "risk_areas:\n  supply-chain: {risks: [R3, R4, R10]}\n"
    still = problems(write(tmp_path, fixed, "fixed.yaml"))
    assert [m for m in still if "R10" in m and "no likelihood and impact rules" not in m] == []


def test_a_problem_caused_by_the_override_is_located_there(tmp_path: Path) -> None:
    # R2 (packaged) is in security-measures; the override's list for it drops R2
    (message,) = problems(write(tmp_path, "risk_areas:\n  security-measures: {risks: [R1]}\n"))
    assert message.startswith(f"{tmp_path / 'override.yaml'}:2:")
    assert "area security-measures does not list risk R2" in message


def test_supplier_factors_must_match_the_profile(tmp_path: Path) -> None:
    text = """\
supplier_criteria:
  criteria:
    - id: state_interference
      title: State interference
      factors: [{id: government_link, title: Link}, {id: vibes, title: Vibes}]
"""
    found = problems(write(tmp_path, text))
    joined = "\n".join(found)
    assert "supplier_criteria.criteria[0].factors[1].id: unknown supplier factor 'vibes'" in joined
    assert "missing supplier factor(s) legislation" in joined


def test_control_requirements_must_name_existing_measures(tmp_path: Path) -> None:
    text = "controls:\n  measures: [{id: M1, level: 1, text: Only one}]\n"
    found = problems(write(tmp_path, text))
    # one problem per missing measure, located at the list that dropped it
    named = {m for r in default_catalogue().controls.requirements().values() for m in r.measures}
    assert len(found) == len(named - {"M1"})
    assert all(m.startswith(f"{tmp_path / 'override.yaml'}:2:") for m in found)
    assert any("unknown control measure 'M2'" in m for m in found)


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    text = "limits: {max_subscribers: -1, max_battery_hours: 0}\nextra: 1\n"
    found = problems(write(tmp_path, text))
    assert len(found) == 3


# ---------------------------------------------------------------------------- the doc page

DOC = Path(__file__).parents[2] / "docs" / "catalogue.md"


def test_every_yaml_example_in_the_doc_page_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    for index, block in enumerate(blocks):
        load_catalogue(write(tmp_path, block, f"example-{index}.yaml"))


def test_the_doc_page_names_every_catalogue_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Catalogue.model_fields if f"`{name}`" not in text]
    assert missing == []


def test_a_national_measure_naming_a_preset_of_another_state_is_located(tmp_path: Path) -> None:
    text = """\
national_measures:
  CA-2022-05:
    preset: AU-2018-08
"""
    (message,) = problems(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'override.yaml'}:3:")
    assert (
        "national_measures.CA-2022-05.preset: preset AU-2018-08 is of AU on 2018-08-23" in message
    )


def test_a_national_measure_of_ones_own_needs_a_source_address(tmp_path: Path) -> None:
    text = """\
national_measures:
  XR-2026-01:
    country: XR
    date: 2026-01-15
    title: Xandria, January 2026
    instrument: law
    legal_basis: Telecoms Security Act of Xandria
    scope: Core networks
    sources:
      - {title: Gazette, url: "gazette 12"}
"""
    found = problems(write(tmp_path, text))
    assert any(":10:" in m and "national_measures.XR-2026-01.sources[0].url" in m for m in found), (
        found
    )
    fixed = text.replace('"gazette 12"', "https://gazette.example/12")
    assert load_catalogue(write(tmp_path, fixed)).national_measures["XR-2026-01"].country == "XR"
