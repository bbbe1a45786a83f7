"""CycloneDX SBOMs (JSON and XML, spec 1.4 to 1.7) read with cyclonedx-python-lib.

The library builds its object model leniently (a component named ``5`` passes), so the
document is first checked here, field by field, for what fiveguard reads: component
type, name, version, purl, CPE, supplier, hashes, nesting, dependencies and VEX
analyses. Each problem is located (JSON: the path, with line and column; XML: the
element's line). Only then does the library read the document; anything it still
refuses is reported against the file. XML is parsed by expat with DTDs refused, so no
entity expansion or external entity can happen.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.modelio.jsonsource import JsonLocator
from fiveguard.modelio.yamlsource import PathKey

SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")
MAX_NESTING = 64
HEX = re.compile(r"^[0-9a-fA-F]{8,256}$")
NS = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}bom$")

# CycloneDX has no field for end of support; these component properties give it.
_PROPERTY_EOS = ("fiveguard:end-of-support", "end-of-support", "endOfSupport", "cdx:end-of-support")


def _component_types() -> frozenset[str]:
    from cyclonedx.model.component import ComponentType

    return frozenset(t.value for t in ComponentType)


def _hash_algorithms() -> frozenset[str]:
    from cyclonedx.model import HashAlgorithm

    return frozenset(a.value for a in HashAlgorithm)


def _analysis_states() -> frozenset[str]:
    from cyclonedx.model.impact_analysis import ImpactAnalysisState

    return frozenset(s.value for s in ImpactAnalysisState)


def purl_problem(value: str) -> str | None:
    """Why ``value`` is not a package URL, or None when it is one."""
    from packageurl import PackageURL

    try:
        PackageURL.from_string(value)
    except ValueError as exc:
        return f"not a package URL (pkg:TYPE/NAMESPACE/NAME@VERSION): {exc}"
    return None


@dataclass
class _Checker:
    """Collects located problems; ``at`` maps a path or element to a location."""

    at: Callable[[Any], Location]
    problems: list[Problem] = field(default_factory=list)

    def fail(self, where: Any, message: str) -> None:
        self.problems.append(Problem(self.at(where), message))


# ---------------------------------------------------------------------------- JSON


def check_json(data: Any, locator: JsonLocator) -> str:
    """Check a CycloneDX JSON document; return its spec version or raise InputError."""
    check = _Checker(at=locator.locate)
    if not isinstance(data, dict):
        raise InputError(locator.problem((), "expected a CycloneDX document (a JSON object)"))
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
            _json_component(metadata["component"], ("metadata", "component"), 0, check)
    _json_list(data, "components", (), check, lambda v, p: _json_component(v, p, 0, check))
    _json_list(data, "dependencies", (), check, lambda v, p: _json_dependency(v, p, check))
    _json_list(data, "vulnerabilities", (), check, lambda v, p: _json_vulnerability(v, p, check))
    if check.problems:
        raise InputError(check.problems)
    return str(spec)


def _json_list(
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


def _text(data: dict[str, Any], key: str, path: PathKey, check: _Checker, required: bool) -> None:
    value = data.get(key)
    if value is None:
        if required:
            check.fail(path, f"missing required field {key!r}")
    elif not isinstance(value, str) or not value.strip():
        check.fail((*path, key), f"expected non-empty text, got {value!r:.60}")
    elif len(value) > 2000:
        check.fail((*path, key), "too long: at most 2000 characters")


def _json_component(value: Any, path: PathKey, depth: int, check: _Checker) -> None:
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
            f"unknown component type {kind!r}; expected one of: "
            + ", ".join(sorted(_component_types())),
        )
    for key in ("name", "version", "bom-ref", "purl", "cpe"):
        _text(value, key, path, check, required=key == "name")
    purl = value.get("purl")
    if isinstance(purl, str) and (why := purl_problem(purl)):
        check.fail((*path, "purl"), why)
    supplier = value.get("supplier")
    if supplier is not None:
        if not isinstance(supplier, dict):
            check.fail((*path, "supplier"), "expected an object with a name")
        else:
            _text(supplier, "name", (*path, "supplier"), check, required=False)
    _json_list(value, "hashes", path, check, lambda h, p: _json_hash(h, p, check))
    _json_list(value, "properties", path, check, lambda v, p: _json_property(v, p, check))
    _json_list(
        value, "components", path, check, lambda v, p: _json_component(v, p, depth + 1, check)
    )


def _json_hash(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected {alg, content}")
        return
    alg = value.get("alg")
    if not isinstance(alg, str) or alg not in _hash_algorithms():
        check.fail(
            (*path, "alg"),
            f"unknown hash algorithm {value.get('alg')!r}; expected one of: "
            + ", ".join(sorted(_hash_algorithms())),
        )
    content = value.get("content")
    if not isinstance(content, str) or not HEX.match(content):
        check.fail((*path, "content"), f"expected a digest in hex, got {content!r:.80}")


def _json_property(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        check.fail(path, "expected {name, value}")
    elif "value" in value and not isinstance(value["value"], str):
        check.fail((*path, "value"), "expected text")


def _json_dependency(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected {ref, dependsOn}")
        return
    _text(value, "ref", path, check, required=True)
    depends = value.get("dependsOn", [])
    if not isinstance(depends, list) or not all(isinstance(d, str) and d for d in depends):
        check.fail((*path, "dependsOn"), "expected a list of component refs")


def _json_vulnerability(value: Any, path: PathKey, check: _Checker) -> None:
    if not isinstance(value, dict):
        check.fail(path, "expected a vulnerability object")
        return
    _text(value, "id", path, check, required=False)
    analysis = value.get("analysis")
    if analysis is not None:
        if not isinstance(analysis, dict):
            check.fail((*path, "analysis"), "expected an object")
        elif "state" in analysis and (
            not isinstance(analysis["state"], str) or analysis["state"] not in _analysis_states()
        ):
            check.fail(
                (*path, "analysis", "state"),
                f"unknown analysis state {analysis['state']!r}; expected one of: "
                + ", ".join(sorted(_analysis_states())),
            )
    affects = value.get("affects", [])
    if not isinstance(affects, list) or not all(
        isinstance(a, dict) and isinstance(a.get("ref"), str) and a["ref"] for a in affects
    ):
        check.fail((*path, "affects"), "expected a list of {ref}")


# ---------------------------------------------------------------------------- XML


class XmlDocument:
    """A parsed XML document and the line and column of every element."""

    def __init__(self, root: ET.Element, positions: dict[int, tuple[int, int]], file: str):
        self.root = root
        self.positions = positions
        self.file = file

    def locate(self, element: ET.Element) -> Location:
        line, col = self.positions.get(id(element), (None, None))
        return Location(self.file, line, col, _local(element.tag))


def parse_xml(raw: bytes, file: str) -> XmlDocument:
    """Parse XML with expat, refusing DTDs (so no entity can be declared or expanded)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    builder = ET.TreeBuilder()
    positions: dict[int, tuple[int, int]] = {}
    refused: list[Problem] = []

    def name(raw_name: str) -> str:
        uri, _, local = raw_name.rpartition(" ")
        return f"{{{uri}}}{local}" if uri else local

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(name(tag), {name(k): v for k, v in attrs.items()})
        positions[id(element)] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def refuse(*_: Any) -> None:
        refused.append(
            Problem(
                Location(file, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1),
                "DOCTYPE and entity declarations are not accepted in an SBOM",
            )
        )
        raise _RefusedError

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(raw, True)
    except _RefusedError:
        raise InputError(refused) from None
    except expat.ExpatError as exc:
        raise InputError.at(
            f"XML syntax error: {expat.ErrorString(exc.code)}",
            file,
            line=exc.lineno,
            col=exc.offset + 1,
        ) from None
    return XmlDocument(builder.close(), positions, file)


class _RefusedError(Exception):
    """Raised from an expat handler to stop parsing."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, local: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == local)


def _child_text(element: ET.Element, local: str) -> tuple[ET.Element | None, str | None]:
    child = next(_children(element, local), None)
    return child, (None if child is None else (child.text or "").strip())


def check_xml(document: XmlDocument) -> str:
    """Check a CycloneDX XML document; return its spec version or raise InputError."""
    check = _Checker(at=document.locate)
    root = document.root
    match = NS.match(root.tag)
    if match is None:
        raise InputError(
            Problem(
                document.locate(root),
                "expected a CycloneDX <bom> in the namespace "
                "http://cyclonedx.org/schema/bom/1.x (SPDX XML is not read: use SPDX JSON or "
                "tag-value)",
            )
        )
    spec = match.group(1)
    if spec not in SPEC_VERSIONS:
        check.fail(
            root, f"unsupported CycloneDX version {spec}; supported: {', '.join(SPEC_VERSIONS)}"
        )
    for metadata in _children(root, "metadata"):
        for component in _children(metadata, "component"):
            _xml_component(component, 0, check)
    for components in _children(root, "components"):
        for component in _children(components, "component"):
            _xml_component(component, 0, check)
    for dependencies in _children(root, "dependencies"):
        for dependency in dependencies.iter():
            if _local(dependency.tag) == "dependency" and not dependency.get("ref"):
                check.fail(dependency, "missing the attribute 'ref'")
    for vulnerabilities in _children(root, "vulnerabilities"):
        for vulnerability in _children(vulnerabilities, "vulnerability"):
            for analysis in _children(vulnerability, "analysis"):
                state, text = _child_text(analysis, "state")
                if state is not None and text not in _analysis_states():
                    check.fail(state, f"unknown analysis state {text!r}")
    if check.problems:
        raise InputError(check.problems)
    return spec


def _xml_component(element: ET.Element, depth: int, check: _Checker) -> None:
    if depth > MAX_NESTING:
        check.fail(element, f"components nested deeper than {MAX_NESTING} levels")
        return
    kind = element.get("type")
    if kind not in _component_types():
        check.fail(element, f"unknown component type {kind!r}")
    name, text = _child_text(element, "name")
    if name is None or not text:
        check.fail(element if name is None else name, "a component needs a non-empty <name>")
    for local in ("name", "version", "purl", "cpe"):
        child, value = _child_text(element, local)
        if child is not None and value is not None and len(value) > 2000:
            check.fail(child, "too long: at most 2000 characters")
    purl, value = _child_text(element, "purl")
    if purl is not None and (why := purl_problem(value or "")):
        check.fail(purl, why)
    for hashes in _children(element, "hashes"):
        for digest in _children(hashes, "hash"):
            if digest.get("alg") not in _hash_algorithms():
                check.fail(digest, f"unknown hash algorithm {digest.get('alg')!r}")
            if not HEX.match((digest.text or "").strip()):
                check.fail(digest, "expected a digest in hex")
    for nested in _children(element, "components"):
        for component in _children(nested, "component"):
            _xml_component(component, depth + 1, check)


# ---------------------------------------------------------------------------- reading


def read_bom(data: dict[str, Any] | ET.Element, file: str) -> Any:
    """The library's ``Bom`` for a checked document; its refusals become a located problem."""
    from cyclonedx.model.bom import Bom

    try:
        with warnings.catch_warnings():  # deprecation notes on old spec versions: not for users
            warnings.simplefilter("ignore")
            if isinstance(data, dict):
                return Bom.from_json(data)  # type: ignore[attr-defined]
            return Bom.from_xml(data)  # type: ignore[attr-defined]
    except Exception as exc:  # the library raises many kinds on bad input
        detail = str(exc).strip() or type(exc).__name__
        raise InputError.at(f"cyclonedx-python-lib cannot read it: {detail:.300}", file) from None


def end_of_support(properties: Any) -> str | None:
    """An end-of-support date given as a component property, as text."""
    for prop in properties or ():
        if getattr(prop, "name", None) in _PROPERTY_EOS and getattr(prop, "value", None):
            return str(prop.value)
    return None
