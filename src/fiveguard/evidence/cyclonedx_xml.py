"""CycloneDX XML: parsed safely, and read into the shape of the JSON encoding.

XML is parsed by expat with DTDs refused, so no entity can be declared or expanded (no
"billion laughs", no external entity). The fields fiveguard reads (components and their
nesting, hashes, properties, services' bom-refs, dependencies, vulnerabilities with their
analyses) are then copied into the dictionary the JSON encoding would give, each
remembered with its element, so one checker (:func:`fiveguard.evidence.cyclonedx.check`)
serves both encodings and XML problems are located at the element's line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.modelio.yamlsource import PathKey

NS = re.compile(r"^\{(http://cyclonedx\.org/schema/bom/(\d+\.\d+))\}bom$")
MAX_DEPTH = 66
"""Components nested deeper are not copied (the checker refuses nesting past 64)."""

_TEXT_FIELDS = ("name", "version", "purl", "cpe", "publisher", "group")


class XmlDocument:
    """A parsed XML document and the line and column of every element."""

    def __init__(self, root: ET.Element, positions: dict[int, tuple[int, int]], file: str):
        self.root = root
        self.positions = positions
        self.file = file

    def locate(self, element: ET.Element, path: str | None = None) -> Location:
        line, col = self.positions.get(id(element), (None, None))
        return Location(self.file, line, col, path or _local(element.tag))


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
    except (LookupError, ValueError) as exc:  # Python's codecs, asked for a declared encoding
        raise _encoding_problem(raw, file, exc) from None
    return XmlDocument(builder.close(), positions, file)


_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*(["'])(.*?)\1""", re.DOTALL
)


def _encoding_problem(raw: bytes, file: str, exc: Exception) -> InputError:
    """The encoding an XML declaration names, which expat could not take from Python:
    an unknown name, a multi-byte encoding other than UTF-8 and UTF-16, or a codec
    that fails. Located at the name in the declaration."""
    if isinstance(exc, LookupError):
        why = "no text encoding of that name is known"
    elif "multi-byte" in str(exc):
        why = "the XML parser reads no multi-byte encoding but UTF-8 and UTF-16"
    else:
        why = f"its decoder fails ({exc})"
    declared = _DECLARED_ENCODING.match(raw[:1024])
    if declared is None:  # pragma: no cover - expat asks Python only for a declared name
        return InputError.at(f"encoding cannot be read: {why}", file, line=1, col=1)
    start = declared.start(2)
    name = declared.group(2).decode("ascii", "backslashreplace")
    return InputError.at(
        f"the XML declaration names the encoding {name!r:.80}, which cannot be read: {why}; "
        "save the SBOM as UTF-8",
        file,
        line=raw.count(b"\n", 0, start) + 1,
        col=start - (raw.rfind(b"\n", 0, start) + 1) + 1,
    )


class _RefusedError(Exception):
    """Raised from an expat handler to stop parsing."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, local: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == local)


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


@dataclass
class XmlBom:
    """A CycloneDX XML document in the JSON encoding's shape, and where each part came from.

    ``components`` and ``vulnerabilities`` are the top-level elements, in document order,
    for the library to read one by one; ``rest`` is the ``<bom>`` without them (and
    without ``<dependencies>``), for the library to read the metadata.
    """

    document: XmlDocument
    namespace: str
    data: dict[str, Any]
    components: list[ET.Element] = field(default_factory=list)
    vulnerabilities: list[ET.Element] = field(default_factory=list)
    rest: ET.Element | None = None
    elements: dict[PathKey, ET.Element] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        """The element that gave ``path`` (or its nearest ancestor), named by ``path``."""
        for end in range(len(path), -1, -1):
            element = self.elements.get(path[:end])
            if element is not None:
                return self.document.locate(element, dotted(path) or None)
        return Location(self.document.file, path=dotted(path) or None)


def read_xml_bom(document: XmlDocument) -> XmlBom:
    """The document as the JSON encoding would hold it; InputError when it is no CycloneDX."""
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
    data: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": match.group(2)}
    bom = XmlBom(document, match.group(1), data)
    bom.elements[()] = root
    bom.elements[("specVersion",)] = root
    rest = ET.Element(root.tag, dict(root.attrib))
    for child in root:
        local = _local(child.tag)
        if local == "metadata":
            data["metadata"] = _metadata(bom, child)
        elif local == "components":
            bom.elements[("components",)] = child
            items = data.setdefault("components", [])
            for element in _children(child, "component"):
                bom.components.append(element)
                items.append(_component(bom, element, ("components", len(items)), 0))
        elif local == "services":
            items = data.setdefault("services", [])
            items.extend(_services(bom, child, ("services",), len(items)))
        elif local == "dependencies":
            bom.elements[("dependencies",)] = child
            items = data.setdefault("dependencies", [])
            for element in _children(child, "dependency"):
                items.append(_dependency(bom, element, ("dependencies", len(items))))
        elif local == "vulnerabilities":
            bom.elements[("vulnerabilities",)] = child
            items = data.setdefault("vulnerabilities", [])
            for element in _children(child, "vulnerability"):
                bom.vulnerabilities.append(element)
                items.append(_vulnerability(bom, element, ("vulnerabilities", len(items))))
        if local not in ("components", "dependencies", "vulnerabilities"):
            rest.append(child)
    bom.rest = rest
    return bom


def _metadata(bom: XmlBom, element: ET.Element) -> dict[str, Any]:
    path: PathKey = ("metadata",)
    bom.elements[path] = element
    out: dict[str, Any] = {}
    for child in element:
        local = _local(child.tag)
        if local == "timestamp":
            out["timestamp"] = _text(child)
        elif local == "component":
            out["component"] = _component(bom, child, (*path, "component"), 0)
    return out


def _component(bom: XmlBom, element: ET.Element, path: PathKey, depth: int) -> dict[str, Any]:
    bom.elements[path] = element
    out: dict[str, Any] = {}
    if depth > MAX_DEPTH:
        return out
    for attribute in ("type", "bom-ref"):
        if attribute in element.attrib:
            out[attribute] = element.attrib[attribute]
    for child in element:
        local = _local(child.tag)
        at = (*path, local)
        if local in _TEXT_FIELDS:
            bom.elements[at] = child
            out[local] = _text(child)
        elif local == "supplier":
            bom.elements[at] = child
            name = next(_children(child, "name"), None)
            out["supplier"] = {} if name is None else {"name": _text(name)}
        elif local == "hashes":
            bom.elements[at] = child
            out["hashes"] = []
            for digest in _children(child, "hash"):
                bom.elements[(*at, len(out["hashes"]))] = digest
                out["hashes"].append({"alg": digest.get("alg"), "content": _text(digest)})
        elif local == "properties":
            bom.elements[at] = child
            out["properties"] = []
            for prop in _children(child, "property"):
                bom.elements[(*at, len(out["properties"]))] = prop
                entry = {"value": _text(prop)}
                if prop.get("name") is not None:
                    entry["name"] = prop.get("name", "")
                out["properties"].append(entry)
        elif local == "components":
            bom.elements[at] = child
            nested = out.setdefault("components", [])
            for inner in _children(child, "component"):
                nested.append(_component(bom, inner, (*at, len(nested)), depth + 1))
    return out


def _services(
    bom: XmlBom, element: ET.Element, path: PathKey, start: int
) -> Iterator[dict[str, Any]]:
    """Services matter only for their bom-refs, which dependencies may name."""
    for index, service in enumerate(_children(element, "service"), start=start):
        at = (*path, index)
        bom.elements[at] = service
        out: dict[str, Any] = {}
        if "bom-ref" in service.attrib:
            out["bom-ref"] = service.attrib["bom-ref"]
        nested = next(_children(service, "services"), None)
        if nested is not None and len(at) < 2 * MAX_DEPTH:
            out["services"] = list(_services(bom, nested, (*at, "services"), 0))
        yield out


def _dependency(bom: XmlBom, element: ET.Element, path: PathKey) -> dict[str, Any]:
    bom.elements[path] = element
    out: dict[str, Any] = {}
    if element.get("ref") is not None:
        out["ref"] = element.get("ref")
        bom.elements[(*path, "ref")] = element
    depends: list[str] = []
    for inner in _children(element, "dependency"):
        bom.elements[(*path, "dependsOn", len(depends))] = inner
        depends.append(inner.get("ref", ""))
    if depends:
        out["dependsOn"] = depends
    return out


def _vulnerability(bom: XmlBom, element: ET.Element, path: PathKey) -> dict[str, Any]:
    bom.elements[path] = element
    out: dict[str, Any] = {}
    for child in element:
        local = _local(child.tag)
        at = (*path, local)
        if local == "id":
            bom.elements[at] = child
            out["id"] = _text(child)
        elif local == "references":
            bom.elements[at] = child
            out["references"] = []
            for reference in _children(child, "reference"):
                ident = next(_children(reference, "id"), None)
                bom.elements[(*at, len(out["references"]))] = reference
                out["references"].append({} if ident is None else {"id": _text(ident)})
        elif local == "analysis":
            out["analysis"] = _analysis(bom, child, at)
        elif local == "affects":
            bom.elements[at] = child
            out["affects"] = []
            for target in _children(child, "target"):
                ref = next(_children(target, "ref"), None)
                bom.elements[(*at, len(out["affects"]))] = target
                out["affects"].append({} if ref is None else {"ref": _text(ref)})
    return out


def _analysis(bom: XmlBom, element: ET.Element, path: PathKey) -> dict[str, Any]:
    bom.elements[path] = element
    out: dict[str, Any] = {}
    for child in element:
        local = _local(child.tag)
        at = (*path, local)
        if local in ("state", "justification", "detail"):
            bom.elements[at] = child
            out[local] = _text(child)
        elif local == "responses":
            bom.elements[(*path, "response")] = child
            out["response"] = []
            for response in _children(child, "response"):
                bom.elements[(*path, "response", len(out["response"]))] = response
                out["response"].append(_text(response))
    return out
