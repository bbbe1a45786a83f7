"""The packaged catalogue: every expected entry is there and every reference resolves."""

from __future__ import annotations

import pytest

from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.catalog.loader import _packaged, integrity_problems
from fiveguard.domain.catalogue import (
    CapRule,
    Catalogue,
    Criticality,
    Domain,
    ExcludeRule,
    MeasureCategory,
)
from fiveguard.domain.network import PROFILE_FACTORS

KINDS = {
    *("ran.gnb", "ran.enb", "ran.cu", "ran.du", "ran.ru"),
    *("core.amf", "core.smf", "core.upf", "core.ausf", "core.udm", "core.udr"),
    *("core.pcf", "core.nrf", "core.nssf", "core.nef", "core.sepp"),
    *("core.scp", "core.nwdaf", "core.nssaaf", "core.n3iwf"),
    *("core.mme", "core.hss", "core.sgw", "core.pgw"),
    *("ran.bts", "ran.bsc", "ran.nodeb", "ran.rnc"),
    *("core.msc", "core.sgsn", "core.ggsn", "core.hlr"),
    *("wireline.olt", "wireline.cmts", "wireline.dslam"),
    *("mgmt.oss", "mgmt.ems", "mano.nfvo", "mano.vnfm", "mano.vim"),
    *("transport.backhaul", "transport.ipcore", "li", "ims", "interconnect"),
    *("core.smsf", "smsc", "emergency-routing"),
}
RISKS = {f"R{i}" for i in range(1, 10)}
AREAS = {
    "security-measures",
    "supply-chain",
    "threat-actors",
    "interdependencies",
    "end-user-devices",
}
STRATEGIC = {f"SM{i:02d}" for i in range(1, 9)}
TECHNICAL = {f"TM{i:02d}" for i in range(1, 12)}
SUPPORTING = {f"SA{i:02d}" for i in range(1, 11)}
SCAS = {
    "ran.gnb": "TS 33.511",
    "ran.enb": "TS 33.216",
    "ran.cu": "TS 33.523",
    "ran.du": "TS 33.523",
    "core.amf": "TS 33.512",
    "core.upf": "TS 33.513",
    "core.udm": "TS 33.514",
    "core.smf": "TS 33.515",
    "core.ausf": "TS 33.516",
    "core.sepp": "TS 33.517",
    "core.nrf": "TS 33.518",
    "core.nef": "TS 33.519",
    "core.n3iwf": "TS 33.520",
    "core.nwdaf": "TS 33.521",
    "core.scp": "TS 33.522",
    "core.pcf": "TS 33.528",
    "core.nssaaf": "TS 33.326",
    "core.mme": "TS 33.116",
    "core.pgw": "TS 33.250",
    "mgmt.oss": "TS 33.526",
    "mgmt.ems": "TS 33.526",
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return default_catalogue()


def test_every_asset_kind_is_present(cat: Catalogue) -> None:
    assert set(cat.asset_kinds) == KINDS
    assert len(cat.asset_kinds) == 48


def test_older_generations_and_wireline_access_have_their_own_kinds(cat: Catalogue) -> None:
    kinds = cat.asset_kinds
    assert {k for k, v in kinds.items() if v.generation == "2g"} == {"ran.bts", "ran.bsc"}
    assert {k for k, v in kinds.items() if v.generation == "3g"} == {
        *("ran.nodeb", "ran.rnc", "core.msc", "core.sgsn", "core.ggsn", "core.hlr")
    }
    wireline = {k for k, v in kinds.items() if v.domain is Domain.WIRELINE}
    assert wireline == {"wireline.olt", "wireline.cmts", "wireline.dslam"}
    assert all(kinds[k].generation == "fixed" and kinds[k].is_access for k in wireline)
    assert not any(kinds[k].is_radio for k in wireline)
    assert kinds["ran.bts"].is_access and not kinds["core.msc"].is_access


def test_kind_ids_are_filled_in_from_their_keys(cat: Catalogue) -> None:
    assert all(key == kind.id for key, kind in cat.asset_kinds.items())


def test_domains_follow_the_kind_prefix(cat: Catalogue) -> None:
    prefix_domain = {
        "ran": Domain.RAN,
        "core": Domain.CORE,
        "mgmt": Domain.MANAGEMENT,
        "mano": Domain.ORCHESTRATION,
        "transport": Domain.TRANSPORT,
        "wireline": Domain.WIRELINE,
    }
    for kind in cat.asset_kinds.values():
        head = kind.id.split(".")[0]
        if head in prefix_domain:
            assert kind.domain is prefix_domain[head], kind.id
    assert cat.asset_kinds["li"].domain is Domain.LAWFUL_INTERCEPTION
    assert cat.asset_kinds["ims"].domain is Domain.SERVICES
    assert cat.asset_kinds["interconnect"].domain is Domain.SERVICES


def test_default_criticality_puts_core_and_management_first(cat: Catalogue) -> None:
    kinds = cat.asset_kinds
    for kind in kinds.values():
        if kind.domain in (Domain.CORE, Domain.MANAGEMENT, Domain.ORCHESTRATION):
            assert kind.criticality is Criticality.CRITICAL, kind.id
        if kind.is_radio:
            assert kind.criticality is Criticality.STANDARD, kind.id
    assert kinds["li"].criticality is Criticality.CRITICAL
    assert kinds["transport.ipcore"].criticality is Criticality.CRITICAL
    # the UK NCSC's 2020 advice counts interconnection equipment as security-critical
    assert kinds["interconnect"].criticality is Criticality.CRITICAL
    for sensitive in ("transport.backhaul", "ims"):
        assert kinds[sensitive].criticality is Criticality.SENSITIVE
    for kind_id in ("transport.backhaul", "ims", "interconnect"):  # each default explained
        assert kinds[kind_id].source, kind_id


def test_scas_is_class_specific_only_where_3gpp_has_one(cat: Catalogue) -> None:
    assert cat.scas_general == "TS 33.117"
    assert cat.scas_virtualised == "TS 33.527"  # any class, when deployed virtualised
    for kind in cat.asset_kinds.values():
        expected = (SCAS[kind.id],) if kind.id in SCAS else ()
        assert kind.scas == expected, kind.id


def test_kinds_with_a_class_specific_scas_are_5g_core_classes_too(cat: Catalogue) -> None:
    # the SCAS-backed 5G core classes added with TS 33.520-33.522 and TS 33.326
    for kind_id in ("core.scp", "core.nwdaf", "core.nssaaf", "core.n3iwf"):
        kind = cat.asset_kinds[kind_id]
        assert (kind.domain, kind.generation, kind.criticality) == (
            Domain.CORE,
            "5g",
            Criticality.CRITICAL,
        ), kind_id


def test_ip_core_is_tagged_backbone(cat: Catalogue) -> None:
    assert "backbone" in cat.asset_kinds["transport.ipcore"].tags
    assert {k for k, v in cat.asset_kinds.items() if "user-plane" in v.tags} == {
        "core.upf",
        "core.sgw",
        "core.pgw",
        "core.n3iwf",
        "core.ggsn",
    }


def test_toolbox_areas_risks_and_measures_are_complete(cat: Catalogue) -> None:
    assert set(cat.risk_areas) == AREAS
    assert set(cat.risks) == RISKS
    by_category = {
        c: {m.id for m in cat.measures.values() if m.category is c} for c in MeasureCategory
    }
    assert by_category[MeasureCategory.STRATEGIC] == STRATEGIC
    assert by_category[MeasureCategory.TECHNICAL] == TECHNICAL
    assert by_category[MeasureCategory.SUPPORTING] == SUPPORTING


def test_area_ids_do_not_reuse_the_coordinated_assessments_letters(cat: Catalogue) -> None:
    # its own A-E are threats, assets, vulnerabilities, scenarios and end-user devices
    assert not any(len(area_id) == 1 for area_id in cat.risk_areas)
    assert cat.risks["R5"].area == "threat-actors"
    assert cat.risks["R9"].area == "end-user-devices"


def test_every_risk_sits_in_the_area_that_lists_it(cat: Catalogue) -> None:
    listed = {risk: area.id for area in cat.risk_areas.values() for risk in area.risks}
    assert listed == {risk.id: risk.area for risk in cat.risks.values()}


def test_every_risk_has_links_and_every_link_resolves(cat: Catalogue) -> None:
    links = cat.risk_measures.links
    assert set(links) == RISKS
    for measure_ids in links.values():
        assert measure_ids
        assert set(measure_ids) <= set(cat.measures)


def test_links_are_presented_as_editorial_not_official(cat: Catalogue) -> None:
    provenance = cat.risk_measures.provenance.lower()
    assert "editorial" in provenance
    assert "not" in provenance and "annex 1" in provenance
    assert "edit" in provenance
    assert cat.risk_measures.label == "editorial default"  # shown beside "called for by"


def test_supplier_factors_match_the_profile_fields(cat: Catalogue) -> None:
    assert sorted(cat.supplier_criteria.factor_ids) == sorted(PROFILE_FACTORS)
    assert [c.id for c in cat.supplier_criteria.criteria] == [
        "state_interference",
        "supply_assurance",
        "product_quality",
    ]
    assert [level.value for level in cat.supplier_criteria.scale] == ["low", "medium", "high"]


def test_presets_carry_source_date_and_what_they_leave_out(cat: Catalogue) -> None:
    assert set(cat.policies) == {
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
    for policy in cat.policies.values():
        national = not policy.id.startswith("EU-")
        assert policy.source and policy.date is not None, policy.id
        assert bool(policy.country) is national, policy.id
        assert policy.modelled_on and policy.not_modelled, policy.id
        assert policy.rules, policy.id


def test_the_cybersecurity_act_proposal_is_labelled_a_proposal(cat: Catalogue) -> None:
    proposal = cat.policies["EU-2026-01"]
    assert proposal.status == "proposal" and "not adopted" in proposal.title
    [rule] = proposal.rules
    # 36 months from a designation not yet made: no date to give
    assert rule.deadline is None and rule.deadline_after is not None
    assert rule.deadline_after.months == 36 and "designates" in rule.deadline_after.event
    others = [p for p in cat.policies.values() if p.id != "EU-2026-01"]
    assert all(p.status == "adopted" for p in others)


def test_portugal_defines_criteria_so_is_not_a_preset(cat: Catalogue) -> None:
    assert not any(p.startswith("PT") for p in cat.policies)


def test_every_policy_target_resolves(cat: Catalogue) -> None:
    tags = {tag for kind in cat.asset_kinds.values() for tag in kind.tags}
    for policy in cat.policies.values():
        for rule in policy.rules:
            assert set(rule.targets.kinds) <= set(cat.asset_kinds), (policy.id, rule.id)
            assert set(rule.targets.tags) <= tags, (policy.id, rule.id)


def test_uk_january_2020_preset_as_decided(cat: Catalogue) -> None:
    rules = {rule.id: rule for rule in cat.policies["UK-2020-01"].rules}
    caps = {r.measure: r for r in rules.values() if isinstance(r, CapRule)}
    # reported as 35 % of base stations and of expected traffic, per operator
    assert set(caps) == {"sites", "population"}
    for cap in caps.values():
        assert (cap.max_share, cap.per, str(cap.deadline)) == (0.35, "operator", "2023-01-28")
        assert cap.targets.domains == (Domain.RAN,)
    core = rules["core-and-security-functions"]
    assert isinstance(core, ExcludeRule) and str(core.deadline) == "2023-01-28"
    assert {Domain.CORE, Domain.MANAGEMENT, Domain.ORCHESTRATION} <= set(core.targets.domains)
    assert "backbone" in core.targets.tags
    # the NCSC list also names interconnection equipment; 4G MME and S-GW only in some cases
    kinds = cat.asset_kinds
    covered = {k for k, kind in kinds.items() if core.targets.covers(kind)}
    assert {"interconnect", "core.mme", "core.sgw", "core.amf", "mgmt.oss"} <= covered
    assert not {"core.hss", "core.pgw", "ran.enb", "ran.gnb"} & covered
    sites = rules["sensitive-sites"]
    assert isinstance(sites, ExcludeRule) and sites.sensitive_sites_only and sites.deadline is None
    notes = " ".join(cat.policies["UK-2020-01"].not_modelled)
    assert "No deadline for reaching the cap" not in notes and "28 January 2023" in notes


def test_deadlines_and_new_equipment_dates(cat: Catalogue) -> None:
    def dates(policy_id: str) -> set[str]:
        found = set()
        for rule in cat.policies[policy_id].rules:
            if rule.deadline:
                found.add(f"deadline {rule.deadline}")
            if isinstance(rule, ExcludeRule) and rule.installed_after:
                found.add(f"after {rule.installed_after}")
            if isinstance(rule, ExcludeRule) and rule.purchased_after:
                found.add(f"bought after {rule.purchased_after}")
        return found

    # purchases banned after 2020, installation from September 2021 (announced Nov 2020)
    assert dates("UK-2020-07") == {
        "bought after 2020-12-31",
        "after 2021-09-30",
        "deadline 2027-12-31",
    }
    assert dates("UK-2022-10") == {
        "deadline 2023-12-31",
        "deadline 2023-01-28",
        "after 2022-10-13",  # no new installation in 5G once the directions were given
        "deadline 2027-12-31",
    }
    assert dates("SE-2020-10") == {"after 2020-10-20", "deadline 2025-01-01"}
    assert dates("DE-2024-07") == {"deadline 2026-12-31", "deadline 2029-12-31"}
    # full application from 2028 (and 2031), as reported; the earlier date for every rule
    assert dates("BE-2020-07") == {"deadline 2027-12-31"}
    assert str(cat.policies["BE-2020-07"].date) == "2020-06-27"  # end of June 2020
    germany = " ".join(" ".join(cat.policies["DE-2024-07"].not_modelled).split())
    assert "before their first use" in germany
    assert all(scheme in germany for scheme in ("NESAS CCS-GI", "Common Criteria", "TR-03163"))


def test_uk_directions_name_the_conditions_the_public_summary_details(cat: Catalogue) -> None:
    notes = " ".join(" ".join(cat.policies["UK-2022-10"].not_modelled).split())
    assert "does not detail" not in notes
    for condition in ("full-fibre access networks by 31 October 2023", "31 July 2023"):
        assert condition in notes, condition
    assert "4G kinds" in notes  # the 5G rules say what they leave out


def test_sweden_names_its_third_condition_and_the_bands(cat: Catalogue) -> None:
    policy = cat.policies["SE-2020-10"]
    words = " ".join(" ".join((policy.modelled_on or "", *policy.not_modelled)).split())
    assert "staff or functions located abroad phased out by 1 January 2025" in words
    assert "3.5 GHz and 2.3 GHz bands" in words and "grant of the licences" in words


def test_the_eu_timeline_holds_what_an_authority_expects(cat: Catalogue) -> None:
    steps = cat.eu_timeline
    assert all(key == step.id and step.source for key, step in steps.items())
    # the second progress report's aggregates, as reported
    report = " ".join(steps["progress-report-2023-06"].summary.split())
    assert str(steps["progress-report-2023-06"].date) == "2023-06-15"
    for figure in ("24 member states", "10 had imposed restrictions", "3 were in the process"):
        assert figure in report, figure
    assert "C(2023) 4049" in steps["communication-2023-06"].title
    proposal = steps["cybersecurity-act-proposal-2026-01"]
    assert proposal.status == "proposal" and "EU-2026-01" in proposal.summary
    assert proposal.date == cat.policies["EU-2026-01"].date
    assert steps["eu5g-certification-2021-06"].status == "in-preparation"


def test_controls_matrix_has_the_enisa_shape(cat: Catalogue) -> None:
    matrix = cat.controls
    assert "ENISA" in matrix.source
    assert len(matrix.domains) == 8
    assert sum(len(d.objectives) for d in matrix.domains) == 23
    assert len(matrix.measures) == 144
    assert {m.level for m in matrix.measures} == {1, 2, 3}
    requirements = matrix.requirements()
    assert len(requirements) == sum(
        len(o.requirements) for d in matrix.domains for o in d.objectives
    )
    measure_ids = {m.id for m in matrix.measures}
    for requirement in requirements.values():
        assert requirement.measures and set(requirement.measures) <= measure_ids


def test_countries_hold_iso_codes_eu_members_and_user_assigned(cat: Catalogue) -> None:
    countries = cat.countries
    assert len(countries.eu_members) == 27
    assert set(countries.eu_members) <= set(countries.names)
    assert "GB" not in countries.eu_members and "GR" in countries.eu_members
    assert countries.names["NO"] == "Norway"  # not YAML 1.1's false
    assert countries.names["XR"] == "user-assigned"
    assert {"AA", "QM", "QZ", "XA", "XZ", "ZZ"} <= set(countries.names)
    assert sum(1 for name in countries.names.values() if name != "user-assigned") == 249


def test_critical_services_and_limits(cat: Catalogue) -> None:
    assert {"emergency-calls", "public-safety", "health", "energy", "water"} <= set(
        cat.critical_services
    )
    assert cat.limits.max_region_population == 1_500_000_000
    assert cat.limits.max_battery_hours == 720


def test_packaged_catalogue_passes_its_own_integrity_checks(cat: Catalogue) -> None:
    assert integrity_problems(cat) == []


def test_every_catalogue_field_comes_from_exactly_one_file() -> None:
    assert set(_packaged().files) == set(Catalogue.model_fields)


def test_no_override_gives_the_cached_packaged_catalogue() -> None:
    # parsed once per process: commands load the catalogue every time they run
    assert load_catalogue() is default_catalogue()
    assert _packaged() is _packaged()


def test_simulation_rationales_quote_the_incident_reports_exactly(cat: Catalogue) -> None:
    parameters = cat.simulation
    # ENISA's 2017 report: 2.4 % malicious actions (press rounds it to 2.5 %)
    assert "2.4 %" in parameters.supplier_update.rationale
    assert "2.5 %" not in parameters.supplier_update.rationale
    # 2021's user-hours came from one over-the-top incident: said, and not used
    misconfiguration = " ".join(parameters.misconfiguration.rationale.split())
    assert "over-the-top" in misconfiguration and "2021 is not used" in misconfiguration
    assert "2021" not in parameters.source


def test_every_national_preset_is_modelled_on_a_sourced_national_measure(cat: Catalogue) -> None:
    modelled = {m.preset: m for m in cat.national_measures.values() if m.preset}
    national = {p.id for p in cat.policies.values() if p.country is not None}
    assert set(modelled) == national
    for preset_id, measure in modelled.items():
        policy = cat.policies[preset_id]
        assert (policy.country, policy.date) == (measure.country, measure.date), preset_id
    for measure in cat.national_measures.values():
        assert measure.legal_basis and measure.scope, measure.id
        assert measure.sources and all(s.url.startswith("http") for s in measure.sources)
        assert f"-{measure.date.year}-" in measure.id, measure.id


def test_portugal_is_a_measure_without_a_preset(cat: Catalogue) -> None:
    portugal = cat.national_measures["PT-2023-05"]
    assert portugal.instrument == "criteria" and portugal.preset is None
    assert "Article 62(3)" in portugal.legal_basis and "Law 16/2022" in portugal.legal_basis


def test_canada_may_2022_as_reported(cat: Catalogue) -> None:
    canada = cat.national_measures["CA-2022-05"]
    assert str(canada.date) == "2022-05-19" and canada.instrument == "policy-statement"
    assert [str(d.date) for d in canada.deadlines] == ["2022-09-01", "2024-06-28", "2027-12-31"]
    rules = {rule.id: rule for rule in cat.policies["CA-2022-05"].rules}
    assert str(rules["no-purchases-after-september-2022"].purchased_after) == "2022-09-01"  # type: ignore[union-attr]
    assert str(rules["removal-from-5g"].deadline) == "2024-06-28"
    assert rules["removal-from-4g"].targets.generations == ("4g",)
    assert str(rules["removal-from-4g"].deadline) == "2027-12-31"


def test_australia_august_2018_as_reported(cat: Catalogue) -> None:
    australia = cat.national_measures["AU-2018-08"]
    assert str(australia.date) == "2018-08-23" and australia.instrument == "guidance"
    assert [str(d.date) for d in australia.deadlines] == ["2018-09-18"]
    assert "extrajudicial directions" in australia.scope
    [rule] = cat.policies["AU-2018-08"].rules
    assert rule.deadline is None and rule.targets.generations == ("5g", "any")


def test_the_court_of_auditors_report_is_in_the_eu_timeline(cat: Catalogue) -> None:
    report = cat.eu_timeline["eca-special-report-2022-01"]
    assert report.status == "published" and str(report.date) == "2022-01-24"
    assert "03/2022" in report.title and "eca.europa.eu" in report.source
