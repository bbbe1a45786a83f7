"""Matching components as real tools describe them: syft-style distribution purls
(``upstream``, ``distro`` with point releases and codenames), ``v``-prefixed GIT tags;
VEX documents overriding the SBOM; severity whatever the order of its entries; end of
support left to the distribution for its own packages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from evidence_samples import OSV_DIR, cdx_of, dumps

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.evidence import Severity, VexStatement, VulnerabilityScan
from fiveguard.evidence.matching import scan, severity_of, tag_version
from fiveguard.evidence.osv import OsvDatabase, load_osv_directory, parse_osv
from fiveguard.evidence.sbom import parse_sbom

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def database(rules: EvidenceRules) -> OsvDatabase:
    return load_osv_directory(OSV_DIR, rules)


def _scan(
    rules: EvidenceRules,
    database: OsvDatabase,
    *components: dict[str, Any],
    vex: tuple[VexStatement, ...] = (),
    **rest: Any,
) -> VulnerabilityScan:
    sbom = parse_sbom(dumps(cdx_of(*components, **rest)), "img@1", "img.cdx.json")
    return scan(sbom, database, rules, AS_OF, vex)


def _hits(record: VulnerabilityScan) -> set[tuple[str, str]]:
    return {(m.component, m.vulnerability) for m in record.matches}


def _deb(ref: str, name: str, version: str, qualifiers: str) -> dict[str, Any]:
    encoded = version.replace("+", "%2B")
    return {
        "bom-ref": ref,
        "name": name,
        "version": version,
        "purl": f"pkg:deb/debian/{name}@{encoded}?{qualifiers}",
    }


# ---------------------------------------------------------------------------- distributions


def test_debian_binary_packages_match_their_source_package_and_codenames_their_release(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    record = _scan(
        rules,
        database,
        # as syft writes them for a Debian 11 image
        _deb(
            "syft", "libssl1.1", "1.1.1n-0+deb11u3", "arch=amd64&upstream=openssl&distro=debian-11"
        ),
        _deb(
            "codename",
            "libssl1.1",
            "1.1.1n-0+deb11u3",
            "arch=amd64&upstream=openssl&distro=bullseye",
        ),
        _deb(
            "fixed", "libssl1.1", "1.1.1n-0+deb11u4", "arch=amd64&upstream=openssl&distro=debian-11"
        ),
        _deb("bookworm", "libssl3", "1.1.1n-0+deb11u3", "upstream=openssl&distro=debian-bookworm"),
        _deb("no-upstream", "libssl1.1", "1.1.1n-0+deb11u3", "arch=amd64&distro=debian-11"),
    )
    hits = _hits(record)
    assert ("syft", "DSA-5343-1") in hits
    assert ("codename", "DSA-5343-1") in hits
    assert ("fixed", "DSA-5343-1") not in hits
    assert ("bookworm", "DSA-5343-1") not in hits  # Debian 12 is not the advisory's release
    assert ("no-upstream", "DSA-5343-1") not in hits  # no source package named: no match


def test_a_source_version_in_the_upstream_qualifier_is_the_one_tested(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    # a binNMU: the binary's version has +b1, the source package's has not
    component = _deb(
        "binnmu",
        "libssl1.1",
        "1.1.1n-0+deb11u3+b1",
        "upstream=openssl%401.1.1n-0%2Bdeb11u3&distro=debian-11",
    )
    match = next(m for m in _scan(rules, database, component).matches)
    assert (match.vulnerability, match.version) == ("DSA-5343-1", "1.1.1n-0+deb11u3")


def test_alpine_point_releases_match_the_minor_release_of_the_ecosystem(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    def apk(ref: str, version: str, distro: str) -> dict[str, Any]:
        purl = f"pkg:apk/alpine/libssl3@{version}?arch=x86_64&upstream=openssl&distro={distro}"
        return {"bom-ref": ref, "name": "libssl3", "version": version, "purl": purl}

    record = _scan(
        rules,
        database,
        apk("point", "3.1.4-r0", "alpine-3.18.4"),
        apk("minor", "3.1.4-r0", "alpine-3.18"),
        apk("fixed", "3.1.4-r1", "alpine-3.18.4"),
        apk("other", "3.1.4-r0", "alpine-3.1.8"),  # 3.1 is not 3.18
    )
    hits = _hits(record)
    assert {("point", "ALPINE-CVE-2023-5678"), ("minor", "ALPINE-CVE-2023-5678")} <= hits
    assert ("fixed", "ALPINE-CVE-2023-5678") not in hits
    assert ("other", "ALPINE-CVE-2023-5678") not in hits


def test_ubuntu_codenames_and_numbers_both_name_the_lts_release(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    def deb(ref: str, distro: str) -> dict[str, Any]:
        purl = (
            "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.7?arch=amd64&upstream=openssl&distro=" + distro
        )
        return {"bom-ref": ref, "name": "libssl3", "version": "3.0.2-0ubuntu1.7", "purl": purl}

    record = _scan(
        rules,
        database,
        deb("number", "ubuntu-22.04"),
        deb("codename", "jammy"),
        deb("old", "focal"),
    )
    assert _hits(record) == {("number", "USN-5844-1"), ("codename", "USN-5844-1")}
    usn = record.matches[0]
    assert usn.severity is Severity.HIGH and usn.severity_source == "Ubuntu priority high"


def test_git_tags_with_a_leading_v_match_plain_versions(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    def libxml2(ref: str, version: str) -> dict[str, Any]:
        cpe = f"cpe:2.3:a:xmlsoft:libxml2:{version}:*:*:*:*:*:*:*"
        return {"bom-ref": ref, "name": "libxml2", "version": version, "cpe": cpe}

    record = _scan(rules, database, libxml2("v2910", "2.9.10"), libxml2("v2911", "2.9.11"))
    assert _hits(record) == {("v2910", "CVE-2020-7595")}
    assert tag_version("v2.9.10") == "2.9.10" and tag_version("libxml2-v2.9.10") == "2.9.10"
    assert tag_version("OpenSSL_1_0_1f") == "1.0.1f"


# ---------------------------------------------------------------------------- VEX


LODASH = {
    "bom-ref": "lodash",
    "name": "lodash",
    "version": "4.17.20",
    "purl": "pkg:npm/lodash@4.17.20",
}


def _vex(vulnerability: str, state: str, *refs: str, **analysis: str) -> dict[str, Any]:
    return {
        "id": vulnerability,
        "analysis": {"state": state, **analysis},
        "affects": [{"ref": r} for r in refs],
    }


def _vex_document(*statements: dict[str, Any]) -> tuple[VexStatement, ...]:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "vulnerabilities": list(statements),
    }
    return parse_sbom(dumps(document), "img@1", "vex.json").vex


def test_a_vex_document_overrides_the_sboms_own_statement_named_by_an_alias(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    # the SBOM names the CVE; the record is the GHSA with the CVE as its alias
    in_sbom = [_vex("CVE-2021-23337", "in_triage", "lodash")]
    alone = _scan(rules, database, LODASH, vulnerabilities=in_sbom)
    match = next(m for m in alone.matches if m.vulnerability == "GHSA-35jh-r3h4-6jhm")
    assert match.vex is not None and match.vex.value == "in_triage" and not match.suppressed
    # the VEX document names the GHSA id and the component by bom-link
    vex = _vex_document(
        _vex(
            "GHSA-35jh-r3h4-6jhm",
            "not_affected",
            "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lodash",
            justification="code_not_reachable",
        )
    )
    both = _scan(rules, database, LODASH, vulnerabilities=in_sbom, vex=vex)
    match = next(m for m in both.matches if m.vulnerability == "GHSA-35jh-r3h4-6jhm")
    assert match.vex is not None and match.vex.value == "not_affected" and match.suppressed
    assert match.vex_justification == "code_not_reachable"


def test_the_vex_document_wins_the_other_way_round_too(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    in_sbom = [_vex("GHSA-35jh-r3h4-6jhm", "not_affected", "lodash")]
    vex = _vex_document(_vex("CVE-2021-23337", "exploitable"))  # names no component: all
    record = _scan(rules, database, LODASH, vulnerabilities=in_sbom, vex=vex)
    match = next(m for m in record.matches if m.vulnerability == "GHSA-35jh-r3h4-6jhm")
    assert match.vex is not None and match.vex.value == "exploitable" and not match.suppressed


def test_among_vex_documents_the_later_one_wins(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    first = _vex_document(_vex("CVE-2021-23337", "not_affected", "lodash"))
    second = _vex_document(_vex("CVE-2021-23337", "in_triage", "pkg:npm/lodash@4.17.20"))
    later_triage = _scan(rules, database, LODASH, vex=(*first, *second))
    later_resolved = _scan(rules, database, LODASH, vex=(*second, *first))
    assert not later_triage.matches[0].suppressed
    assert later_resolved.matches[0].suppressed


# ---------------------------------------------------------------------------- severity

_CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


@pytest.mark.parametrize(
    "entries",
    [
        [{"type": "Ubuntu", "score": "low"}, {"type": "CVSS_V3", "score": _CRITICAL_VECTOR}],
        [{"type": "CVSS_V3", "score": _CRITICAL_VECTOR}, {"type": "Ubuntu", "score": "low"}],
    ],
    ids=["priority-first", "score-first"],
)
def test_severity_is_the_highest_score_whatever_the_order_of_entries(
    rules: EvidenceRules, entries: list[dict[str, str]]
) -> None:
    record = parse_osv(
        dumps(
            {
                "id": "UBUNTU-CVE-2099-0001",
                "modified": "2099-01-01T00:00:00Z",
                "severity": entries,
                "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "x"}}],
            }
        ),
        "u.json",
        rules,
    )
    assert record is not None
    severity, score, source = severity_of(record, record.affected[0], rules)
    assert (severity, score, source) == (Severity.CRITICAL, 9.8, "CVSS_V3 base score 9.8")


def test_an_ubuntu_priority_counts_only_without_any_score(rules: EvidenceRules) -> None:
    record = parse_osv(
        dumps(
            {
                "id": "UBUNTU-CVE-2099-0002",
                "modified": "2099-01-01T00:00:00Z",
                "severity": [{"type": "Ubuntu", "score": "low"}],
                "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "x"}}],
            }
        ),
        "u.json",
        rules,
    )
    assert record is not None
    assert severity_of(record, record.affected[0], rules)[:2] == (Severity.LOW, None)


# ---------------------------------------------------------------------------- end of support


def test_distribution_packages_are_not_judged_by_upstream_end_of_support(
    rules: EvidenceRules, database: OsvDatabase
) -> None:
    patched = _deb("debian", "openssl", "1.1.1n-0+deb11u3", "arch=amd64&distro=debian-11")
    told = {
        **_deb("told", "openssl", "1.1.1n-0+deb11u3", "distro=debian-11"),
        "properties": [{"name": "fiveguard:end-of-support", "value": "2024-06-30"}],
    }
    upstream = {
        "bom-ref": "conan",
        "name": "openssl",
        "version": "1.1.1n",
        "purl": "pkg:conan/openssl@1.1.1n",
    }
    record = _scan(rules, database, patched, told, upstream)
    flagged = {(e.component, e.source) for e in record.end_of_support}
    assert flagged == {("told", "sbom"), ("conan", "catalogue")}
