"""CycloneDX SBOMs (JSON and XML, spec 1.4 to 1.7): checked, read in document order, and
validated with cyclonedx-python-lib.

The document (XML first put in the JSON encoding's shape by
:mod:`~fiveguard.evidence.cyclonedx_xml`) is checked field by field for what fiveguard
reads: component type, name, version, purl, CPE, supplier, hashes, end-of-support
properties, nesting, unique bom-refs, dependencies that name components or services of
the document, and VEX analyses (state, justification, responses, the components they
affect). Each problem is located (JSON: path, line and column; XML: the element's line and
column). Components, dependencies and VEX statements are then read from the document in
the order written, duplicates kept (the library would sort components into a set).

cyclonedx-python-lib reads the document too, one top-level component and one
vulnerability at a time, then the rest: whatever it refuses is reported at that component
or vulnerability. Reading piece by piece spares the library's sorting of every component
into one set, most of its time on large SBOMs (20,000 components in JSON: 26 s and 540 MB
as one document, 5 s and 130 MB piece by piece; see docs/evidence.md).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import ValidationError

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.domain.evidence import ComponentHash, SbomComponent, SbomDependency, VexStatement
from fiveguard.evidence.cyclonedx_xml import XmlBom
from fiveguard.modelio.messages import describe
from fiveguard.modelio.yamlsource import PathKey

SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")
MAX_NESTING = 64
HEX = re.compile(r"^[0-9a-fA-F]{8,256}$")

# CycloneDX has no field for end of support; these component properties give it.
PROPERTY_EOS = ("fiveguard:end-of-support", "end-of-support", "endOfSupport", "cdx:end-of-support")

Locate = Callable[[PathKey], Location]


def _values(enum_path: str, name: str) -> frozenset[str]:
    module = __import__(enum_path, fromlist=[name])
    return frozenset(item.value for item in getattr(module, name))


def _component_types() -> frozenset[str]:
    return _values("cyclonedx.model.component", "ComponentType")


def _hash_algorithms() -> frozenset[str]:
    return _values("cyclonedx.model", "HashAlgorithm")


def _analysis_states() -> frozenset[str]:
    return _values("cyclonedx.model.impact_analysis", "ImpactAnalysisState")


def _justifications() -> frozenset[str]:
    return _values("cyclonedx.model.impact_analysis", "ImpactAnalysisJustification")


def _responses() -> frozenset[str]:
    return _values("cyclonedx.model.impact_analysis", "ImpactAnalysisResponse")


_PURL_SHAPE = "pkg:TYPE/NAMESPACE/NAME@VERSION"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def purl_problem(value: str) -> str | None:
    """Why ``value`` is not a package URL, or None when it is one.

    packageurl-python reads leniently, so what the purl specification forbids and it lets
    through is checked here: an ``@`` left in the name (the version follows the last
    ``@``; an ``@`` in a name is written ``%40``), an ``@`` with no version after it, and
    a ``%`` that starts no percent-encoded byte.
    """
    from packageurl import PackageURL

    try:
        PackageURL.from_string(value)
    except ValueError as exc:
        return f"not a package URL ({_PURL_SHAPE}): {exc}"
    if _BAD_ESCAPE.search(value):
        return f"not a package URL: '%' must start a byte written %XX (hex), in {value!r:.200}"
    path = value.partition("#")[0].partition("?")[0]
    last = path.rstrip("/").rpartition("/")[2]
    if last.count("@") > 1:
        return (
            f"not a package URL: more than one '@' after the last '/' in {value!r:.200} "
            "(the version follows the last '@'; an '@' in the name is written %40)"
        )
    if last.endswith("@"):
        return f"not a package URL: no version after '@' in {value!r:.200}"
    return None


def parse_date(value: object) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` or an ISO timestamp; None when it is neither."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass
class _Checker:
    """Collects located problems, and the bom-refs (and purls) the document defines."""

    at: Locate
    problems: list[Problem] = field(default_factory=list)
    refs: dict[str, PathKey] = field(default_factory=dict)
    purls: set[str] = field(default_factory=set)

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.at(path), message))

    def define(self, ref: Any, path: PathKey) -> None:
        if not isinstance(ref, str) or not ref:
            return
        first = self.refs.get(ref)
        if first is None:
            self.refs[ref] = path
            return
        line = self.at(first).line
        where = dotted(first) + (f" (line {line})" if line is not None else "")
        self.fail((*path, "bom-ref"), f"duplicate bom-ref {ref!r:.200}: {where} has it too")


# ---------------------------------------------------------------------------- checking


def check(data: Any, locate: Locate) -> str:
    """Check a CycloneDX document (JSON shape); return its spec version or raise InputError."""
    check = _Checker(at=locate)
    if not isinstance(data, dict):
        raise InputError(Problem(locate(()), "expected a CycloneDX document (a JSON object)"))
    spec = data.get("specVersion")
    if data.get("bomFormat") != "CycloneDX":
        check.fail(("bomFormat",), "expected 'CycloneDX'")
    if spec not in SPEC_VERSIONS:
        check.fail(
            ("specVersion",),
            f"unsupported CycloneDX version {spec!r}; supported: {', '.join(SPEC_VERSIONS)}",
        )
    metadata = data.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            check.fail(("metadata",), "expected an object")
        elif "component" in metadata:
            _component(metadata["component"], ("metadata", "component"), 0, check)
    _each(data, "components", (), check, lambda v, p: _component(v, p, 0, check))
    _each(data, "services", (), check, lambda v, p: _service(v, p, 0, check))
    _each(data, "dependencies", (), check, lambda v, p: _dependency(v, p, check))
    _each(data, "vulnerabilities", (), check, lambda v, p: _vulnerability(v, p, check))
    if check.problems:
        raise InputError(check.problems)
    return str(spec)


def _each(
    data: dict[str, Any],
    key: str,
    path: PathKey,
    check: _Checker,
    each: Callable[[Any, PathKey], None],
) -> None:
    value = data.get(key)
    if value is None:
        return
    if not isinstance(value, list):
        check.fail((*path, key), "expected a list")
        return
    for index, item in enumerate(value):
        each(item, (*path, key, index))


def _text(
    data: dict[str, Any],
    key: str,
    path: PathKey,
    check: _Checker,
    required: bool = False,
    limit: int = 2000,
) -> None:
    value = data.get(key)
    if value is None:
        if required:
            check.fail(path, f"missing required field {key!r}")
    elif not isinstance(value, str) or not value.strip():
        check.fail((*path, key), f"expected non-empty text, got {value!r:.60}")
    elif len(value) > limit:
        check.fail((*path, key), f"too long: at most {limit} characters")


def _component(value: Any, path: PathKey, depth: int, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected a component object")
        return
    if depth > MAX_NESTING:
        check.fail(path, f"components nested deeper than {MAX_NESTING} levels")
        return
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in _component_types():
        check.fail(
            (*path, "type"),
            f"unknown component type {kind!r:.60}; expected one of: "
            + ", ".join(sorted(_component_types())),
        )
    for key in ("name", "version", "bom-ref", "purl", "cpe", "publisher"):
        _text(value, key, path, check, required=key == "name")
    check.define(value.get("bom-ref"), path)
    purl = value.get("purl")
    if isinstance(purl, str):
        if why := purl_problem(purl):
            check.fail((*path, "purl"), why)
        else:
            check.purls.add(purl)
    supplier = value.get("supplier")
    if supplier is not None:
        if not isinstance(supplier, dict):
            check.fail((*path, "supplier"), "expected an object with a name")
        else:
            _text(supplier, "name", (*path, "supplier"), check)
    _each(value, "hashes", path, check, lambda h, p: _hash(h, p, check))
    _each(value, "properties", path, check, lambda v, p: _property(v, p, check))
    _each(value, "components", path, check, lambda v, p: _component(v, p, depth + 1, check))


def _service(value: Any, path: PathKey, depth: int, check: _Checker) -> None:
    """Services are not components; their bom-refs may be named by dependencies."""
    if not isinstance(value, dict) or depth > MAX_NESTING:
        return
    _text(value, "bom-ref", path, check)
    check.define(value.get("bom-ref"), path)
    _each(value, "services", path, check, lambda v, p: _service(v, p, depth + 1, check))


def _hash(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected {alg, content}")
        return
    alg = value.get("alg")
    if not isinstance(alg, str) or alg not in _hash_algorithms():
        check.fail(
            (*path, "alg"),
            f"unknown hash algorithm {alg!r:.60}; expected one of: "
            + ", ".join(sorted(_hash_algorithms())),
        )
    content = value.get("content")
    if not isinstance(content, str) or not HEX.match(content):
        check.fail((*path, "content"), f"expected a digest in hex, got {content!r:.80}")


def _property(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        check.fail(path, "expected {name, value}")
    elif "value" in value and not isinstance(value["value"], str):
        check.fail((*path, "value"), "expected text")
    elif value["name"] in PROPERTY_EOS and parse_date(value.get("value")) is None:
        check.fail(
            (*path, "value"),
            f"end-of-support property {value.get('value')!r:.60} is not a date YYYY-MM-DD",
        )


def _dependency(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected {ref, dependsOn}")
        return
    _text(value, "ref", path, check, required=True)
    ref = value.get("ref")
    if isinstance(ref, str) and ref and ref not in check.refs:
        check.fail((*path, "ref"), _dangling(ref))
    depends = value.get("dependsOn", [])
    if not isinstance(depends, list):
        check.fail((*path, "dependsOn"), "expected a list of component refs")
        return
    for index, target in enumerate(depends):  # each entry judged, beside any bad one
        if not isinstance(target, str) or not target:
            check.fail((*path, "dependsOn", index), f"expected a bom-ref, got {target!r:.60}")
        elif target not in check.refs:
            check.fail((*path, "dependsOn", index), _dangling(target))


def _dangling(ref: str) -> str:
    return f"{ref!r:.200} is the bom-ref of no component or service of this SBOM"


def _vulnerability(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected a vulnerability object")
        return
    _text(value, "id", path, check)
    _each(value, "references", path, check, lambda v, p: _reference(v, p, check))
    analysis = value.get("analysis")
    if analysis is not None:
        if not isinstance(analysis, dict):
            check.fail((*path, "analysis"), "expected an object")
        else:
            _analysis(analysis, (*path, "analysis"), check)
    affects = value.get("affects", [])
    if not isinstance(affects, list):
        check.fail((*path, "affects"), "expected a list of {ref}")
        return
    for index, target in enumerate(affects):
        at = (*path, "affects", index)
        if not isinstance(target, dict):
            check.fail(at, "expected {ref}")
            continue
        _text(target, "ref", at, check, required=True)
        ref = target.get("ref")
        # A VEX document apart names another BOM's components (bom-links); an SBOM's own
        # statements name its components, by bom-ref or purl.
        if (
            isinstance(ref, str)
            and ref
            and check.refs
            and not ref.startswith("urn:cdx:")
            and ref not in check.refs
            and ref not in check.purls
        ):
            check.fail((*at, "ref"), f"{ref!r:.200} names no component of this SBOM")


def _reference(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected {id, source}")
    else:
        _text(value, "id", path, check, required=True)


def _analysis(analysis: dict[str, Any], path: PathKey, check: _Checker) -> None:
    for key, allowed, what in (
        ("state", _analysis_states(), "analysis state"),
        ("justification", _justifications(), "justification"),
    ):
        if key in analysis and (not isinstance(analysis[key], str) or analysis[key] not in allowed):
            check.fail(
                (*path, key),
                f"unknown {what} {analysis[key]!r:.60}; expected one of: "
                + ", ".join(sorted(allowed)),
            )
    responses = analysis.get("response", [])
    if not isinstance(responses, list):
        check.fail((*path, "response"), "expected a list")
    else:
        for index, response in enumerate(responses):
            if not isinstance(response, str) or response not in _responses():
                check.fail(
                    (*path, "response", index),
                    f"unknown response {response!r:.60}; expected one of: "
                    + ", ".join(sorted(_responses())),
                )
    _text(analysis, "detail", path, check, limit=20_000)


# ---------------------------------------------------------------------------- reading


@dataclass
class CdxContent:
    """What fiveguard keeps of a checked CycloneDX document, in document order."""

    root: SbomComponent | None
    components: tuple[SbomComponent, ...]
    dependencies: tuple[SbomDependency, ...]
    vex: tuple[VexStatement, ...]
    timestamp: str | None


def read(data: dict[str, Any], locate: Locate) -> CdxContent:
    """Components, dependencies and VEX statements of a document :func:`check` passed.

    Components without a bom-ref are named ``NAME@VERSION`` (``#2``, ``#3`` … when that
    repeats), so identical components listed twice stay two components.
    """
    refs: set[str] = set()
    metadata = data.get("metadata") or {}
    root = metadata.get("component")
    components = data.get("components") or []
    return CdxContent(
        root=None
        if root is None
        else _read_component(root, ("metadata", "component"), refs, locate),
        components=tuple(
            _read_component(c, ("components", i), refs, locate) for i, c in enumerate(components)
        ),
        dependencies=tuple(
            SbomDependency(ref=d["ref"], depends_on=tuple(d["dependsOn"]))
            for d in data.get("dependencies") or []
            if d.get("dependsOn")
        ),
        vex=tuple(_read_vex(data.get("vulnerabilities") or [])),
        timestamp=metadata.get("timestamp") if isinstance(metadata.get("timestamp"), str) else None,
    )


def _unique(preferred: str | None, fallback: str, refs: set[str]) -> str:
    ref = preferred or fallback
    candidate, n = ref, 1
    while candidate in refs:
        n += 1
        candidate = f"{ref}#{n}"
    refs.add(candidate)
    return candidate


def _read_component(
    value: dict[str, Any], path: PathKey, refs: set[str], locate: Locate
) -> SbomComponent:
    name = value["name"]
    version = value.get("version")
    ref = _unique(value.get("bom-ref"), f"{name}@{version or ''}", refs)
    supplier = (value.get("supplier") or {}).get("name") or value.get("publisher")
    eos = next(
        (
            parse_date(p.get("value"))
            for p in value.get("properties") or []
            if p["name"] in PROPERTY_EOS and p.get("value")
        ),
        None,
    )
    try:
        return SbomComponent(
            ref=ref,
            name=name,
            version=version,
            kind=value["type"],
            purl=value.get("purl"),
            cpe=value.get("cpe"),
            supplier=supplier,
            hashes=tuple(
                ComponentHash(alg=h["alg"], value=h["content"].lower())
                for h in value.get("hashes") or []
            ),
            end_of_support=eos,
            components=tuple(
                _read_component(c, (*path, "components", i), refs, locate)
                for i, c in enumerate(value.get("components") or [])
            ),
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = tuple(error["loc"])
        message = f"{'.'.join(str(p) for p in where)}: {describe(error, SbomComponent, where)}"
        raise InputError(Problem(locate(path), message)) from None


def _read_vex(vulnerabilities: Iterable[dict[str, Any]]) -> Iterable[VexStatement]:
    for v in vulnerabilities:
        analysis = v.get("analysis") or {}
        if not analysis.get("state") or not v.get("id"):
            continue
        yield VexStatement(
            vulnerability=v["id"],
            aliases=tuple(r["id"] for r in v.get("references") or []),
            state=analysis["state"],
            justification=analysis.get("justification"),
            detail=analysis.get("detail") or None,
            refs=tuple(_affected_ref(a["ref"]) for a in v.get("affects") or []),
        )


def _affected_ref(ref: str) -> str:
    """A bom-link (``urn:cdx:SERIAL/VERSION#REF``) names REF of another BOM."""
    if ref.startswith("urn:cdx:") and "#" in ref:
        return ref.rpartition("#")[2] or ref
    return ref


# ---------------------------------------------------------------------------- the library


def library_check_json(data: dict[str, Any], locate: Locate) -> list[str]:
    """Have cyclonedx-python-lib read the document; return the tools that made it."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component
    from cyclonedx.model.vulnerability import Vulnerability

    component_from = Component.from_json  # type: ignore[attr-defined]
    vulnerability_from = Vulnerability.from_json  # type: ignore[attr-defined]
    problems: list[Problem] = []
    for index, component in enumerate(data.get("components") or []):
        _library(partial(component_from, component), ("components", index), locate, problems)
    for index, vulnerability in enumerate(data.get("vulnerabilities") or []):
        where = ("vulnerabilities", index)
        _library(partial(vulnerability_from, vulnerability), where, locate, problems)
    rest = {
        k: v for k, v in data.items() if k not in ("components", "dependencies", "vulnerabilities")
    }
    bom = _library(partial(Bom.from_json, rest), (), locate, problems)  # type: ignore[attr-defined]
    if problems:
        raise InputError(problems)
    return _tools(bom)


def library_check_xml(xml: XmlBom) -> list[str]:
    """Have cyclonedx-python-lib read an XML document; return the tools that made it."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component
    from cyclonedx.model.vulnerability import Vulnerability

    component_from = Component.from_xml  # type: ignore[attr-defined]
    vulnerability_from = Vulnerability.from_xml  # type: ignore[attr-defined]
    problems: list[Problem] = []
    ns = xml.namespace
    for index, element in enumerate(xml.components):
        _library(partial(component_from, element, ns), ("components", index), xml.locate, problems)
    for index, element in enumerate(xml.vulnerabilities):
        where = ("vulnerabilities", index)
        _library(partial(vulnerability_from, element, ns), where, xml.locate, problems)
    bom = _library(partial(Bom.from_xml, xml.rest, ns), (), xml.locate, problems)  # type: ignore[attr-defined]
    if problems:
        raise InputError(problems)
    return _tools(bom)


def _library(
    read: Callable[[], Any], path: PathKey, locate: Locate, problems: list[Problem]
) -> Any:
    """What the library reads, or None with a problem at ``path`` (located only then: for
    JSON, locating means parsing the text again with positions)."""
    try:
        with warnings.catch_warnings():  # deprecation notes on old spec versions: not for users
            warnings.simplefilter("ignore")
            return read()
    except Exception as exc:  # the library raises many kinds on bad input
        detail = str(exc).strip() or type(exc).__name__
        problems.append(
            Problem(locate(path), f"cyclonedx-python-lib cannot read it: {detail:.300}")
        )
        return None


def _tools(bom: Any) -> list[str]:
    if bom is None or bom.metadata is None:
        return []
    tools = bom.metadata.tools
    names = [f"{t.name} {t.version or ''}".strip() for t in tools.tools if t.name]
    names += [f"{c.name} {c.version or ''}".strip() for c in tools.components]
    return names
