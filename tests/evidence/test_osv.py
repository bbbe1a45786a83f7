"""Offline matching against OSV fixtures written from public advisories, range edges, VEX."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from evidence_samples import OSV_DIR, dumps, firmware_cdx, spdx_json

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.errors import InputError
from fiveguard.domain.evidence import Severity, VulnerabilityScan
from fiveguard.evidence.matching import scan, tag_version
from fiveguard.evidence.osv import load_osv_directory, parse_osv
from fiveguard.evidence.sbom import parse_sbom
from fiveguard.evidence.versions import (
    compare_dpkg,
    compare_fallback,
    compare_pep440,
    compare_semver,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def firmware_scan(rules: EvidenceRules) -> VulnerabilityScan:
    sbom = parse_sbom(dumps(firmware_cdx()), "fw@9.0", "fw.cdx.json")
    return scan(sbom, load_osv_directory(OSV_DIR, rules), rules, AS_OF)


def _hits(record: VulnerabilityScan) -> set[tuple[str, str]]:
    return {(m.component, m.vulnerability) for m in record.matches}


def test_database_reads_json_and_yaml_records_and_skips_withdrawn(rules: EvidenceRules) -> None:
    database = load_osv_directory(OSV_DIR, rules)
    ids = {r.id for r in database.records}
    assert "FG-TEST-2026-0002" in ids  # the YAML one
    assert "FG-TEST-2026-0004" not in ids  # withdrawn
    assert database.files == 16 and len(database.records) == 15
    assert len(database.sha256) == 64


def test_heartbleed_matches_by_cpe_inside_its_range_and_in_its_versions_list(
    firmware_scan: VulnerabilityScan,
) -> None:
    heartbleed = {
        m.component: m for m in firmware_scan.matches if m.vulnerability == "CVE-2014-0160"
    }
    assert set(heartbleed) == {"openssl-101f"}
    match = heartbleed["openssl-101f"]
    assert match.matched_by == "cpe" and match.fixed == ("1.0.1g",)
    assert match.severity is Severity.HIGH and match.score == 7.5


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("1.0.0", False),
        ("1.0.1", True),
        ("1.0.1a", True),
        ("1.0.1f", True),
        ("1.0.1g", False),
        ("1.0.2-beta1", True),
        ("1.0.2", False),
    ],
)
def test_heartbleed_range_edges(rules: EvidenceRules, version: str, affected: bool) -> None:
    data = firmware_cdx()
    del data["dependencies"], data["vulnerabilities"]
    data["components"] = [
        {
            "type": "library",
            "bom-ref": "o",
            "name": "openssl",
            "version": version,
            "purl": f"pkg:conan/openssl@{version}",
        }
    ]
    record = scan(
        parse_sbom(dumps(data), "fw@9.0", "f.json"),
        load_osv_directory(OSV_DIR, rules),
        rules,
        AS_OF,
    )
    assert (("o", "CVE-2014-0160") in _hits(record)) is affected


def test_openssl_3_punycode_overflows_match_by_purl_and_vex_suppresses_one(
    firmware_scan: VulnerabilityScan,
) -> None:
    found = {m.vulnerability: m for m in firmware_scan.matches if m.component == "openssl-3"}
    assert set(found) == {"CVE-2022-3602", "CVE-2022-3786"}
    assert found["CVE-2022-3602"].matched_by == "purl" and not found["CVE-2022-3602"].suppressed
    assert found["CVE-2022-3786"].suppressed
    assert (
        found["CVE-2022-3786"].vex is not None
        and found["CVE-2022-3786"].vex.value == "not_affected"
    )
    assert found["CVE-2022-3786"].vex_justification == "code_not_reachable"


def test_pypi_advisories_with_real_ranges(firmware_scan: VulnerabilityScan) -> None:
    hits = _hits(firmware_scan)
    # PyYAML 5.3 (nested in the O&M agent): < 5.4 and inside [5.1, 5.3.1)
    assert ("pyyaml", "PYSEC-2021-142") in hits and ("pyyaml", "GHSA-6757-jp84-gxfx") in hits
    # Requests: introduced 2.3.0 is affected, 2.2.1 before it and fixed 2.31.0 are not
    assert ("req-230", "GHSA-j8r2-6x86-q33q") in hits
    assert ("req-221", "GHSA-j8r2-6x86-q33q") not in hits
    assert ("req-2310", "GHSA-j8r2-6x86-q33q") not in hits
    pyyaml = next(m for m in firmware_scan.matches if m.vulnerability == "PYSEC-2021-142")
    assert pyyaml.severity is Severity.CRITICAL and pyyaml.score == 9.8
    # VEX in_triage is reported, and does not suppress
    assert pyyaml.vex is not None and pyyaml.vex.value == "in_triage" and not pyyaml.suppressed
    requests = next(m for m in firmware_scan.matches if m.component == "req-230")
    assert requests.severity is Severity.MEDIUM and requests.score == 6.1


def test_semver_last_affected_and_prerelease_edges(firmware_scan: VulnerabilityScan) -> None:
    hits = _hits(firmware_scan)
    assert ("parser-142", "FG-TEST-2026-0001") in hits  # last_affected is affected
    assert ("parser-143", "FG-TEST-2026-0001") not in hits  # just above it is not
    assert ("parser-rc1", "FG-TEST-2026-0001") in hits  # introduced at a pre-release
    assert ("parser-beta", "FG-TEST-2026-0001") not in hits  # beta.3 < rc.1
    rating = next(m for m in firmware_scan.matches if m.component == "parser-142")
    assert rating.severity is Severity.CRITICAL and rating.severity_source.startswith("database")


def test_limit_event_bounds_the_range(firmware_scan: VulnerabilityScan) -> None:
    hits = _hits(firmware_scan)
    assert ("limit-189", "FG-TEST-2026-0002") in hits
    assert ("limit-19", "FG-TEST-2026-0002") not in hits


def test_git_ranges_match_named_commits_and_tag_versions(firmware_scan: VulnerabilityScan) -> None:
    hits = _hits(firmware_scan)
    assert ("tls-241", "FG-TEST-2026-0003") in hits  # tag libfgtls-2.4.1
    assert ("tls-242", "FG-TEST-2026-0003") not in hits
    assert ("tls-commit", "FG-TEST-2026-0003") in hits  # the introducing commit
    assert tag_version("OpenSSL_1_0_1f") == "1.0.1f" and tag_version("openssl-3.0.7") == "3.0.7"


def test_debian_revisions_compare_as_dpkg_does_and_releases_must_agree(
    firmware_scan: VulnerabilityScan,
) -> None:
    hits = _hits(firmware_scan)
    assert ("deb-u4", "DSA-2896-1") in hits
    assert ("deb-u10", "DSA-2896-1") not in hits  # deb7u10 > deb7u5 numerically
    assert ("deb8-u4", "DSA-2896-1") not in hits  # Debian 8 is not the advisory's release
    dsa = next(m for m in firmware_scan.matches if m.component == "deb-u4")
    assert dsa.severity is Severity.HIGH and dsa.severity_source == "database rating HIGH"


def test_end_of_support_from_the_catalogue_and_the_sbom(firmware_scan: VulnerabilityScan) -> None:
    eos = {(e.component, e.source, str(e.date)) for e in firmware_scan.end_of_support}
    assert ("openssl-101f", "catalogue", "2016-12-31") in eos
    assert ("openssl-3", "catalogue", "2026-09-07") in eos  # 3.0 line, ends after as_of
    assert ("python", "catalogue", "2024-10-07") in eos
    assert ("legacy", "sbom", "2025-01-31") in eos
    assert not any(c == "req-230" for c, _, _ in eos)


def test_spdx_cpe_components_match_too(rules: EvidenceRules) -> None:
    sbom = parse_sbom(dumps(spdx_json()), "img@5.2", "img.json")
    record = scan(sbom, load_osv_directory(OSV_DIR, rules), rules, AS_OF)
    assert {("SPDXRef-openssl", "CVE-2022-3602"), ("SPDXRef-yaml", "PYSEC-2021-142")} <= _hits(
        record
    )
    assert ("SPDXRef-openssl", "sbom", "2026-09-07") in {
        (e.component, e.source, str(e.date)) for e in record.end_of_support
    }


def test_separate_vex_statements_are_honoured(rules: EvidenceRules) -> None:
    data = firmware_cdx()
    data.pop("vulnerabilities")
    sbom = parse_sbom(dumps(data), "fw@9.0", "f.json")
    vex_doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "vulnerabilities": [
            {
                "id": "CVE-2022-3602",
                "analysis": {"state": "resolved"},
                "affects": [{"ref": "urn:cdx:abc/1#openssl-3"}],
            }
        ],
    }
    statements = parse_sbom(dumps(vex_doc), "fw@9.0", "vex.json").vex
    record = scan(sbom, load_osv_directory(OSV_DIR, rules), rules, AS_OF, statements)
    found = {m.vulnerability: m for m in record.matches if m.component == "openssl-3"}
    assert found["CVE-2022-3602"].suppressed and not found["CVE-2022-3786"].suppressed


# ---------------------------------------------------------------------------- versions


def test_version_orderings() -> None:
    assert compare_pep440("1.0rc1", "1.0") < 0 < compare_pep440("1.0.post1", "1.0")
    assert compare_pep440("5.3", "5.3.1") < 0 and compare_pep440("1.0", "1.0.0") == 0
    assert compare_semver("1.0.0-alpha", "1.0.0-alpha.1") < 0
    assert compare_semver("1.0.0-alpha.beta", "1.0.0-beta") < 0
    assert compare_semver("1.0.0-beta.2", "1.0.0-beta.11") < 0
    assert compare_semver("1.0.0-rc.1", "1.0.0") < 0 and compare_semver("v1.2", "1.2.0") == 0
    assert compare_semver("1.2.3+build", "1.2.3") == 0
    assert compare_dpkg("1.0~rc1", "1.0") < 0 and compare_dpkg("1:0.9", "2.0") > 0
    assert compare_dpkg("3.0.7-1", "3.0.11-1") < 0
    assert compare_dpkg("1.0.1e-2+deb7u4", "1.0.1e-2+deb7u10") < 0
    assert compare_fallback("1.0.1", "1.0.1a") < 0 < compare_fallback("1.0.2", "1.0.1z")
    assert compare_fallback("3.0.0-alpha1", "3.0.0") < 0 < compare_fallback("3.0.0-lts", "3.0.0")
    assert compare_fallback("2.0", "10.0") < 0 and compare_fallback("1.0.1rc1", "1.0.1") < 0


# ---------------------------------------------------------------------------- bad records


def _osv_problems(data: object, name: str = "r.json") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_osv(json.dumps(data, indent=1).encode(), name, default_catalogue().evidence_rules)
    return [str(p) for p in caught.value.problems]


def test_bad_records_are_located_by_path_and_line() -> None:
    base = json.loads((OSV_DIR / "openssl" / "CVE-2022-3602.json").read_text())
    bad = json.loads(json.dumps(base))
    bad["affected"][0]["ranges"][0]["events"] = [{"fixed": "3.0.7", "introduced": "3.0.0"}]
    bad["affected"][0]["ranges"].append({"type": "RANGE?", "events": []})
    del bad["modified"]
    problems = _osv_problems(bad)
    assert any("missing required field 'modified'" in p for p in problems)
    assert any("affected[0].ranges[0].events[0]: an event has exactly one" in p for p in problems)
    assert any("affected[0].ranges[1].type: unknown range type" in p for p in problems)
    assert all(p.startswith("r.json:") and p.split(":")[1].isdigit() for p in problems)


def test_a_directory_with_one_bad_record_reports_it_and_reads_nothing(
    tmp_path: Path, rules: EvidenceRules
) -> None:
    (tmp_path / "good.json").write_text((OSV_DIR / "openssl" / "CVE-2022-3602.json").read_text())
    (tmp_path / "bad.json").write_text(
        '{"id": "X", "modified": "2020", "affected": [{"ranges": 3}]}'
    )
    with pytest.raises(InputError) as caught:
        load_osv_directory(tmp_path, rules)
    assert [p.location.file for p in caught.value.problems] == ["bad.json"] or all(
        str(p.location.file).endswith("bad.json") for p in caught.value.problems
    )
    with pytest.raises(InputError, match="OSV directory not found"):
        load_osv_directory(tmp_path / "nope", rules)


def test_times_that_are_not_rfc_3339_are_refused_where_they_stand() -> None:
    base = json.loads((OSV_DIR / "openssl" / "CVE-2022-3602.json").read_text())
    bad = {**base, "modified": "yesterday", "published": "2022-13-01T00:00:00Z"}
    problems = _osv_problems(bad)
    assert any(
        ": modified: expected an RFC 3339 time such as 2022-11-01T17:00:00Z, got 'yesterday'" in p
        for p in problems
    )
    assert any(": published: expected an RFC 3339 time" in p for p in problems)
