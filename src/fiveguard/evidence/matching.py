"""Matching the components of an SBOM against OSV records, offline.

How a component is identified:

- **By purl**: its type gives the OSV ecosystem (``pkg:pypi`` → PyPI, ``pkg:deb/debian`` →
  Debian, …) and its namespace and name the package name in that ecosystem's spelling
  (PyPI names normalised per PEP 503); an ``affected`` entry's own ``package.purl`` is
  matched too. A ``distro`` qualifier (``debian-12``, ``bookworm``, ``alpine-3.18.4``)
  must agree with a release-scoped ecosystem (``Debian:12``, ``Alpine:v3.18``): codenames
  are read through the catalogue's ``distro_releases``, and a release agrees with the
  ecosystem's when equal or a point release of it (``3.18.4`` of ``v3.18``). Without one,
  every release matches. Distribution packages carry the source package they were built
  from in an ``upstream`` qualifier (``libssl3`` from ``openssl``); OSV's Debian, Ubuntu
  and Alpine records name source packages, so the component is matched under both names.
- **By CPE**, for components without a purl (or with a ``pkg:generic`` one): vendor and
  product against the CPE names an OSV record carries (see :mod:`.osv`).
- A component with neither, or without a version, is not matched.

Whether the version is affected follows the OSV evaluation algorithm: listed in
``versions``, or inside a range (events sorted in the range's ordering; ``introduced``
opens, ``fixed`` closes at, ``last_affected`` closes after; ``limit`` events bound the
range). ``GIT`` ranges need the repository's history, which fiveguard does not have: a
component whose version is a commit matches only the commits named as ``introduced`` or
``last_affected``; otherwise the entry's ``versions`` list (tags, with prefixes such as
``openssl-``, ``v`` or ``OpenSSL_1_0_1f`` read as ``1.0.1f``) decides.

VEX statements (in the SBOM, or given apart) with a suppressing state keep the match in
the record but mark it suppressed, with the justification. When several statements apply
to one match, the last one wins: the SBOM's own come first, then each VEX document in the
order given, each in its own order, so a separate VEX document overrides the SBOM.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
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
_TAG = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_-]*?[-_])?[vV]?(?=\d)")
DISTRO_PURL_TYPES = frozenset({"deb", "rpm", "apk"})
_NVR_PARTS = 3
"""An rpm file is NAME-VERSION-RELEASE; the name may hold '-' itself."""
"""Purl types of distribution packages: patched and supported by the distribution."""


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
    source: str | None = None
    """The source package a distribution package was built from (``upstream`` qualifier)."""
    source_version: str | None = None


def _identity(
    purl_text: str, releases: Mapping[str, Mapping[str, str]] | None = None
) -> _Identity | None:
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
    source, source_version = _upstream(purl.type, qualifiers.get("upstream"))
    return _Identity(
        ecosystem=ecosystem,
        name=normalise_name(ecosystem, name),
        release=_release(ecosystem, qualifiers.get("distro"), releases or {}),
        purl_key=(purl.type, namespace, purl.name.lower()),
        version=purl.version,
        source=None if source is None else normalise_name(ecosystem, source),
        source_version=source_version,
    )


def _release(
    ecosystem: str, distro: str | None, releases: Mapping[str, Mapping[str, str]]
) -> str | None:
    """The release of a ``distro`` qualifier: ``debian-11``, ``alpine-3.18.4``, ``bullseye``
    and ``debian-bullseye`` give ``11``, ``3.18.4``, ``11``, ``11``."""
    if not distro:
        return None
    release = distro.rpartition("-")[2].strip().lower()
    codenames = releases.get(ecosystem.lower(), {})
    return codenames.get(release, release) or None


def _upstream(purl_type: str, upstream: str | None) -> tuple[str | None, str | None]:
    """Source package name and version from an ``upstream`` qualifier, as syft writes it:
    ``openssl`` or ``openssl@1.1.1n-0+deb11u3`` (deb, apk), ``openssl-3.0.7-24.el9.src.rpm``
    (rpm: the name only, the version being the binary package's)."""
    if not upstream:
        return None, None
    if purl_type == "rpm":
        stem = re.sub(r"\.(?:no)?src\.rpm$", "", upstream)
        parts = stem.rsplit("-", 2)
        return (parts[0] if len(parts) == _NVR_PARTS else stem) or None, None
    name, _, version = upstream.partition("@")
    return name or None, version or None


def _release_agrees(ecosystem: str, release: str | None) -> bool:
    """``Debian:12`` or ``Alpine:v3.18`` against a component's ``distro`` release: equal,
    or a point release of it (``3.18.4``); no release on either side agrees."""
    _, _, scoped = ecosystem.partition(":")
    if not scoped or release is None:
        return True
    wanted = release.lower().lstrip("v")
    parts = [p.lower().lstrip("v") for p in scoped.split(":")]
    return any(p and (wanted == p or wanted.startswith(p + ".")) for p in parts)


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
    """A version from a release tag: ``openssl-3.0.7`` → ``3.0.7``, ``v2.9.10`` →
    ``2.9.10``, ``OpenSSL_1_0_1f`` → ``1.0.1f``."""
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
    wanted = tag_version(version) if git else version
    for listed in affected.versions:
        candidate = tag_version(listed) if git else listed
        if candidate == wanted or compare(candidate, wanted) == 0:
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
    priority: str | None = None
    for kind, score in entries:  # every entry is scored before any priority is used
        number = base_score(kind, score)
        if number is not None:
            if best is None or number > best[0]:
                best = (number, kind)
        elif kind == "Ubuntu" and priority is None and score.lower() in _RATINGS:
            priority = score
    if best is not None:
        bands = sorted(rules.cvss_bands, key=lambda b: -b.min_score)
        severity = next((b.severity for b in bands if best[0] >= b.min_score), Severity.ADVISORY)
        return severity, best[0], f"{best[1]} base score {best[0]:.1f}"
    if priority is not None:
        return _RATINGS[priority.lower()], None, f"Ubuntu priority {priority}"
    rating = affected.rating or record.rating
    if rating is not None and rating.lower() in _RATINGS:
        return _RATINGS[rating.lower()], None, f"database rating {rating}"
    return rules.unscored_severity, None, "no score: catalogue evidence_rules.unscored_severity"


# ---------------------------------------------------------------------------- matching


def _vex_for(
    statements: Sequence[VexStatement], record: OsvRecord, component: SbomComponent
) -> VexStatement | None:
    """The statement that decides a match: the last one that applies (see the module)."""
    names = {record.id, *record.aliases}
    for statement in reversed(statements):
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
    component: SbomComponent, index: OsvIndex, rules: EvidenceRules
) -> Iterable[tuple[OsvRecord, OsvAffected, str, str | None]]:
    """(record, affected entry, how matched, version to test) for one component."""
    identity = _identity(component.purl, rules.distro_releases) if component.purl else None
    if identity is not None:
        version = component.version or identity.version
        base = identity.ecosystem.lower()
        kind, namespace, _ = identity.purl_key
        lookups = [(identity.name, identity.purl_key[2], version)]
        if identity.source is not None and identity.source != identity.name:
            # a binary package (libssl3) under its source package's name (openssl)
            lookups.append((identity.source, identity.source, identity.source_version or version))
        seen: set[int] = set()
        for name, purl_name, tested in lookups:
            pairs = [
                *index.by_name.get((base, name), []),
                *index.by_purl.get((kind, namespace, purl_name), []),
            ]
            for record, affected in pairs:
                if id(affected) in seen or not _release_agrees(
                    affected.ecosystem or "", identity.release
                ):
                    continue
                seen.add(id(affected))
                yield record, affected, "purl", tested
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
    """Every (component, vulnerability) match, most severe first; VEX applied.

    ``extra_vex`` are the statements of separate VEX documents, in the order given: they
    come after the SBOM's own, so they override them (the last applicable one decides).
    """
    statements = [*sbom.vex, *extra_vex]
    suppressing = set(rules.vex_suppressing_states)
    found: dict[tuple[str, str], VulnerabilityMatch] = {}
    for component in sbom.all_components():
        for record, affected, how, version in _candidates(component, index, rules):
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
    """Components whose support ends on a date: per the SBOM, or per the catalogue's list.

    Distribution packages (purl types deb, rpm, apk) are left out of the catalogue's list:
    the distribution supports its own patched builds past upstream's dates.
    """
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
        if _purl_type(component.purl) in DISTRO_PURL_TYPES:
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


def _purl_type(purl: str | None) -> str | None:
    if not purl:
        return None
    try:
        return PackageURL.from_string(purl).type
    except ValueError:
        return None


def scan(
    sbom: Sbom,
    database: OsvDatabase,
    rules: EvidenceRules,
    as_of: dt.date,
    extra_vex: Sequence[VexStatement] = (),
    database_label: str | None = None,
) -> VulnerabilityScan:
    """The vulnerability-scan record of ``sbom``'s product version against ``database``.

    The record's ``link`` and ``sha256`` are the scanned SBOM file's (as the SBOM record
    gives them), so a scan whose SBOM was re-imported since is recognised as stale
    (:func:`stale_scan`). ``database_label`` names the OSV directory in the record (by
    default, as it was given).
    """
    matches = match_components(sbom, OsvIndex.build(database), rules, extra_vex)
    open_matches = [m for m in matches if not m.suppressed]
    components = len(sbom.all_components())
    label = database_label or database.directory
    return VulnerabilityScan(
        id=record_id("vulns", sbom.product),
        type="vulnerability-scan",
        title=(
            f"Known vulnerabilities of {sbom.product}: {len(open_matches)} open match(es) in "
            f"{components} components"
        ),
        date=as_of,
        subject=sbom.product,
        link=sbom.link,
        sha256=sbom.sha256,
        product=sbom.product,
        sbom=sbom.id,
        database=f"{label} ({len(database.records)} OSV records)"[:20_000],
        database_records=len(database.records),
        database_sha256=database.sha256 or None,
        components=components,
        matches=tuple(matches),
        end_of_support=tuple(end_of_support(sbom, rules)),
    )


def stale_scan(scan_record: VulnerabilityScan, records: Iterable[object]) -> str | None:
    """Why ``scan_record`` no longer describes its product version's recorded SBOM, or None.

    A scan names the SBOM record it scanned (``sbom``) and that SBOM file's digest
    (``sha256``). It is stale when that SBOM record is gone, or now holds another file
    (the SBOM was imported again since). Scans of a file given apart (``sbom`` empty) and
    scans recorded without a digest cannot be judged and are not flagged.
    """
    if scan_record.sbom is None or scan_record.sha256 is None:
        return None
    current = next((r for r in records if isinstance(r, Sbom) and r.id == scan_record.sbom), None)
    if current is None:
        return f"its SBOM record {scan_record.sbom} is no longer recorded"
    if current.sha256 is not None and current.sha256 != scan_record.sha256:
        return (
            f"made from an earlier SBOM (sha256 {scan_record.sha256[:12]}…); "
            f"{current.id} now holds sha256 {current.sha256[:12]}…: run evidence vulns again"
        )
    return None
