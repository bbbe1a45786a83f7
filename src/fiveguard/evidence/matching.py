"""Matching the components of an SBOM against OSV records, offline.

How a component is identified:

- **By purl**: its type gives the OSV ecosystem (``pkg:pypi`` → PyPI, ``pkg:deb/debian`` →
  Debian, …) and its namespace and name the package name in that ecosystem's spelling
  (PyPI names normalised per PEP 503); an ``affected`` entry's own ``package.purl`` is
  matched too. A ``distro`` qualifier (``debian-12``) must agree with a release-scoped
  ecosystem (``Debian:12``); without one, every release matches.
- **By CPE**, for components without a purl (or with a ``pkg:generic`` one): vendor and
  product against the CPE names an OSV record carries (see :mod:`.osv`).
- A component with neither, or without a version, is not matched.

Whether the version is affected follows the OSV evaluation algorithm: listed in
``versions``, or inside a range (events sorted in the range's ordering; ``introduced``
opens, ``fixed`` closes at, ``last_affected`` closes after; ``limit`` events bound the
range). ``GIT`` ranges need the repository's history, which fiveguard does not have: a
component whose version is a commit matches only the commits named as ``introduced`` or
``last_affected``; otherwise the entry's ``versions`` list (tags, with prefixes such as
``openssl-`` or ``OpenSSL_1_0_1f`` read as ``1.0.1f``) decides.

VEX statements (in the SBOM, or given apart) with a suppressing state keep the match in
the record but mark it suppressed, with the justification.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packageurl import PackageURL

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.evidence import (
    EndOfSupport,
    Sbom,
    SbomComponent,
    Severity,
    VexStatement,
    VulnerabilityMatch,
    VulnerabilityScan,
)
from fiveguard.evidence.cvss import base_score
from fiveguard.evidence.osv import Cpe, OsvAffected, OsvDatabase, OsvRecord
from fiveguard.evidence.versions import Compare, comparator
from fiveguard.modelio.evidence_store import record_id

ECOSYSTEM_OF_PURL = {
    "pypi": "PyPI",
    "npm": "npm",
    "maven": "Maven",
    "golang": "Go",
    "cargo": "crates.io",
    "gem": "RubyGems",
    "nuget": "NuGet",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
    "conan": "ConanCenter",
    "cran": "CRAN",
    "hackage": "Hackage",
    "swift": "SwiftURL",
}
DISTRO_OF_PURL = {
    ("deb", "debian"): "Debian",
    ("deb", "ubuntu"): "Ubuntu",
    ("apk", "alpine"): "Alpine",
    ("apk", "wolfi"): "Wolfi",
    ("rpm", "redhat"): "Red Hat",
    ("rpm", "rocky"): "Rocky Linux",
    ("rpm", "almalinux"): "AlmaLinux",
    ("rpm", "opensuse"): "openSUSE",
    ("rpm", "suse"): "SUSE",
}
_RATINGS = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
    "negligible": Severity.ADVISORY,
}
SEVERITY_RANK = {
    Severity.ADVISORY: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_TAG = re.compile(r"^[A-Za-z][A-Za-z_-]*?[-_]v?(?=\d)")


def normalise_name(ecosystem: str, name: str) -> str:
    """A package name as the ecosystem compares it."""
    base = ecosystem.partition(":")[0].lower()
    if base == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    if base == "crates.io":
        return name.lower().replace("-", "_")
    return name.lower()


@dataclass(frozen=True)
class _Identity:
    ecosystem: str
    name: str
    release: str | None
    purl_key: tuple[str, str, str]
    version: str | None


def _identity(purl_text: str) -> _Identity | None:
    try:
        purl = PackageURL.from_string(purl_text)
    except ValueError:
        return None
    namespace = (purl.namespace or "").lower()
    ecosystem = ECOSYSTEM_OF_PURL.get(purl.type) or DISTRO_OF_PURL.get((purl.type, namespace))
    if ecosystem is None:
        return None
    if purl.type in ("maven",):
        name = f"{purl.namespace}:{purl.name}"
    elif purl.type in ("npm", "golang", "composer") and purl.namespace:
        name = f"{purl.namespace}/{purl.name}"
    else:
        name = purl.name
    qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
    distro = qualifiers.get("distro")
    return _Identity(
        ecosystem=ecosystem,
        name=normalise_name(ecosystem, name),
        release=distro.rpartition("-")[2].lower() if distro else None,
        purl_key=(purl.type, namespace, purl.name.lower()),
        version=purl.version,
    )


def _release_agrees(ecosystem: str, release: str | None) -> bool:
    """``Debian:12`` against a component's ``distro`` release; no release on either side agrees."""
    _, _, scoped = ecosystem.partition(":")
    if not scoped or release is None:
        return True
    parts = [p.lower() for p in scoped.split(":")]
    return release in parts or any(p.lstrip("v") == release.lstrip("v") for p in parts)


# ---------------------------------------------------------------------------- the index


@dataclass
class OsvIndex:
    """Affected entries by ecosystem and name, by purl, and by CPE vendor and product."""

    by_name: dict[tuple[str, str], list[tuple[OsvRecord, OsvAffected]]]
    by_purl: dict[tuple[str, str, str], list[tuple[OsvRecord, OsvAffected]]]
    by_cpe: dict[tuple[str, str], list[tuple[OsvRecord, OsvAffected, Cpe]]]

    @classmethod
    def build(cls, database: OsvDatabase) -> OsvIndex:
        index = cls({}, {}, {})
        for record in database.records:
            for affected in record.affected:
                if affected.ecosystem and affected.name:
                    base = affected.ecosystem.partition(":")[0].lower()
                    key = (base, normalise_name(affected.ecosystem, affected.name))
                    index.by_name.setdefault(key, []).append((record, affected))
                if affected.purl:
                    identity = _identity(affected.purl)
                    if identity is not None:
                        index.by_purl.setdefault(identity.purl_key, []).append((record, affected))
                for cpe in affected.cpes:
                    index.by_cpe.setdefault((cpe.vendor, cpe.product), []).append(
                        (record, affected, cpe)
                    )
        return index


# ---------------------------------------------------------------------------- versions


def tag_version(tag: str) -> str:
    """A version from a release tag: ``openssl-3.0.7`` → ``3.0.7``, ``OpenSSL_1_0_1f`` →
    ``1.0.1f``."""
    stripped = _TAG.sub("", tag)
    if stripped != tag and "." not in stripped:
        stripped = stripped.replace("_", ".")
    return stripped


def _in_events(version: str, events: Sequence[tuple[str, str]], compare: Compare) -> bool:
    limits = [value for kind, value in events if kind == "limit"]
    if limits and not any("*" in value or compare(version, value) < 0 for value in limits):
        return False

    def order(a: tuple[str, str], b: tuple[str, str]) -> int:
        a_zero = a == ("introduced", "0")
        b_zero = b == ("introduced", "0")
        if a_zero or b_zero:
            return int(b_zero) - int(a_zero)
        return compare(a[1], b[1])

    vulnerable = False
    for kind, value in sorted(
        (e for e in events if e[0] != "limit"), key=functools.cmp_to_key(order)
    ):
        if kind == "introduced" and (value == "0" or compare(version, value) >= 0):
            vulnerable = True
        elif (kind == "fixed" and compare(version, value) >= 0) or (
            kind == "last_affected" and compare(version, value) > 0
        ):
            vulnerable = False
    return vulnerable


def is_affected(affected: OsvAffected, version: str) -> bool:
    """Whether ``version`` is affected per the entry's ``versions`` and ``ranges``."""
    compare = comparator(affected.ecosystem)
    git = any(r.type == "GIT" for r in affected.ranges)
    for listed in affected.versions:
        candidate = tag_version(listed) if git else listed
        if candidate == version or compare(candidate, version) == 0:
            return True
    for item in affected.ranges:
        if item.type == "GIT":
            if _COMMIT.match(version.lower()) and any(
                kind in ("introduced", "last_affected") and value.lower() == version.lower()
                for kind, value in item.events
            ):
                return True
            continue
        if _in_events(version, item.events, comparator(affected.ecosystem, item.type)):
            return True
    return False


def fixed_versions(affected: OsvAffected) -> tuple[str, ...]:
    """Versions the entry names as fixing it (commits of GIT ranges left out)."""
    return tuple(
        dict.fromkeys(
            value
            for item in affected.ranges
            if item.type != "GIT"
            for kind, value in item.events
            if kind == "fixed"
        )
    )


# ---------------------------------------------------------------------------- severity


def severity_of(
    record: OsvRecord, affected: OsvAffected, rules: EvidenceRules
) -> tuple[Severity, float | None, str]:
    """Severity, CVSS base score and where they came from (score, rating or default)."""
    entries = affected.severity or record.severity
    best: tuple[float, str] | None = None
    for kind, score in entries:
        number = base_score(kind, score)
        if number is not None and (best is None or number > best[0]):
            best = (number, kind)
        if kind == "Ubuntu" and score.lower() in _RATINGS and best is None:
            return _RATINGS[score.lower()], None, f"Ubuntu priority {score}"
    if best is not None:
        bands = sorted(rules.cvss_bands, key=lambda b: -b.min_score)
        severity = next((b.severity for b in bands if best[0] >= b.min_score), Severity.ADVISORY)
        return severity, best[0], f"{best[1]} base score {best[0]:.1f}"
    rating = affected.rating or record.rating
    if rating is not None and rating.lower() in _RATINGS:
        return _RATINGS[rating.lower()], None, f"database rating {rating}"
    return rules.unscored_severity, None, "no score: catalogue evidence_rules.unscored_severity"


# ---------------------------------------------------------------------------- matching


def _vex_for(
    statements: Sequence[VexStatement], record: OsvRecord, component: SbomComponent
) -> VexStatement | None:
    names = {record.id, *record.aliases}
    for statement in statements:
        if not names & {statement.vulnerability, *statement.aliases}:
            continue
        if (
            not statement.refs
            or component.ref in statement.refs
            or (component.purl is not None and component.purl in statement.refs)
        ):
            return statement
    return None


def _candidates(
    component: SbomComponent, index: OsvIndex
) -> Iterable[tuple[OsvRecord, OsvAffected, str, str | None]]:
    """(record, affected entry, how matched, version to test) for one component."""
    identity = _identity(component.purl) if component.purl else None
    if identity is not None:
        version = component.version or identity.version
        seen: set[int] = set()
        pairs = index.by_name.get((identity.ecosystem.lower(), identity.name), [])
        for record, affected in [*pairs, *index.by_purl.get(identity.purl_key, [])]:
            if id(affected) in seen or not _release_agrees(
                affected.ecosystem or "", identity.release
            ):
                continue
            seen.add(id(affected))
            yield record, affected, "purl", version
        return
    cpe = Cpe.parse(component.cpe) if component.cpe else None
    if cpe is None:
        return
    own_version = cpe.version if cpe.version not in ("*", "-", "") else None
    version = component.version or own_version
    for record, affected, named in index.by_cpe.get((cpe.vendor, cpe.product), []):
        if named.part not in ("*", cpe.part) and cpe.part != "*":
            continue
        if named.version not in ("*", "-", "") and named.version != (version or "").lower():
            continue
        yield record, affected, "cpe", version


def match_components(
    sbom: Sbom,
    index: OsvIndex,
    rules: EvidenceRules,
    extra_vex: Sequence[VexStatement] = (),
) -> list[VulnerabilityMatch]:
    """Every (component, vulnerability) match, most severe first; VEX applied."""
    statements = [*sbom.vex, *extra_vex]
    suppressing = set(rules.vex_suppressing_states)
    found: dict[tuple[str, str], VulnerabilityMatch] = {}
    for component in sbom.all_components():
        for record, affected, how, version in _candidates(component, index):
            key = (component.ref, record.id)
            if key in found or version is None or not is_affected(affected, version):
                continue
            severity, score, source = severity_of(record, affected, rules)
            vex = _vex_for(statements, record, component)
            found[key] = VulnerabilityMatch(
                vulnerability=record.id,
                aliases=record.aliases,
                summary=record.summary,
                severity=severity,
                score=score,
                severity_source=source,
                component=component.ref,
                name=component.name,
                version=version,
                matched_by=how,
                ecosystem=affected.ecosystem,
                fixed=fixed_versions(affected),
                vex=None if vex is None else vex.state,
                vex_justification=None if vex is None else vex.justification or vex.detail,
                suppressed=vex is not None and vex.state in suppressing,
            )
    return sorted(
        found.values(), key=lambda m: (-SEVERITY_RANK[m.severity], m.vulnerability, m.component)
    )


def _continues(version: str, line: str) -> bool:
    """Whether ``version`` belongs to the release line ``line`` (1.0.2u to 1.0.2, not 1.0.20)."""
    if version == line:
        return True
    return version.startswith(line) and not version[len(line)].isdigit()


def end_of_support(sbom: Sbom, rules: EvidenceRules) -> list[EndOfSupport]:
    """Components whose support ends on a date: per the SBOM, or per the catalogue's list."""
    out: list[EndOfSupport] = []
    for component in sbom.all_components():
        if component.end_of_support is not None:
            out.append(
                EndOfSupport(
                    component=component.ref,
                    name=component.name,
                    version=component.version,
                    date=component.end_of_support,
                    source="sbom",
                )
            )
            continue
        names = {component.name.lower()}
        identity = _identity(component.purl) if component.purl else None
        if identity is not None:
            names.add(identity.purl_key[2])
        cpe = Cpe.parse(component.cpe) if component.cpe else None
        if cpe is not None:
            names.add(cpe.product)
        version = component.version or (identity.version if identity else None)
        if not version:
            continue
        for entry in rules.end_of_support.values():
            if entry.name.lower() in names and _continues(version, entry.versions):
                out.append(
                    EndOfSupport(
                        component=component.ref,
                        name=component.name,
                        version=version,
                        date=entry.date,
                        source="catalogue",
                        note=f"{entry.id}: {entry.source}",
                    )
                )
                break
    return out


def scan(
    sbom: Sbom,
    database: OsvDatabase,
    rules: EvidenceRules,
    as_of: dt.date,
    extra_vex: Sequence[VexStatement] = (),
) -> VulnerabilityScan:
    """The vulnerability-scan record of ``sbom``'s product version against ``database``."""
    matches = match_components(sbom, OsvIndex.build(database), rules, extra_vex)
    open_matches = [m for m in matches if not m.suppressed]
    components = len(sbom.all_components())
    return VulnerabilityScan(
        id=record_id("vulns", sbom.product),
        type="vulnerability-scan",
        title=(
            f"Known vulnerabilities of {sbom.product}: {len(open_matches)} open match(es) in "
            f"{components} components"
        ),
        date=as_of,
        subject=sbom.product,
        product=sbom.product,
        sbom=sbom.id,
        database=f"{database.directory} ({len(database.records)} OSV records)"[:20_000],
        database_records=len(database.records),
        database_sha256=database.sha256 or None,
        components=components,
        matches=tuple(matches),
        end_of_support=tuple(end_of_support(sbom, rules)),
    )
