"""SPDX 2.3 SBOMs (JSON and tag-value; 2.2 is read too) read with spdx-tools.

JSON documents are checked here first for the fields fiveguard reads, each problem
located by path, line and column; tag-value documents go straight to spdx-tools, whose
messages carry line numbers that become locations. In both, every SPDXID must be unique
(a package listed twice under one id would silently replace the other) and every
relationship must name elements of the document (or ``NONE``, ``NOASSERTION``, or an
element of an external document, ``DocumentRef-…:…``). Packages become components:
``CONTAINS`` relationships nest them, ``DEPENDS_ON`` and the ``*_DEPENDENCY_OF`` family
give dependencies, and the package a document ``DESCRIBES`` (when it describes one)
becomes the SBOM's root.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.evidence.cyclonedx import HEX, MAX_NESTING, purl_problem
from fiveguard.modelio.jsonsource import JsonLocator
from fiveguard.modelio.yamlsource import PathKey

SPDX_VERSIONS = ("SPDX-2.2", "SPDX-2.3")
_LINE = re.compile(r"[Ll]ine:? (\d+)")
# Tools (sbom4python among them) write the license list version as 3.28.0; SPDX and
# spdx-tools want MAJOR.MINOR. fiveguard does not use it, so it is trimmed, not refused.
_LICENSE_LIST_TV = re.compile(r"^(LicenseListVersion:\s*\d+\.\d+)\.\d+\s*$", re.MULTILINE)
_TOOL_LICENSE_LIST_PARTS = 3  # MAJOR.MINOR.PATCH, as sbom4python writes it
_RELATIONSHIP_PARTS = 3
"""A tag-value relationship: ELEMENT TYPE RELATED-ELEMENT."""

_DEPENDENCY_OF = frozenset(
    {
        "DEPENDENCY_OF",
        "RUNTIME_DEPENDENCY_OF",
        "BUILD_DEPENDENCY_OF",
        "DEV_DEPENDENCY_OF",
        "OPTIONAL_DEPENDENCY_OF",
        "PROVIDED_DEPENDENCY_OF",
        "TEST_DEPENDENCY_OF",
    }
)


@dataclass
class SpdxPackage:
    """What fiveguard keeps of an SPDX package, before nesting."""

    ref: str
    name: str
    version: str | None
    kind: str | None
    purl: str | None
    cpe: str | None
    supplier: str | None
    hashes: list[tuple[str, str]]
    valid_until: str | None


@dataclass
class SpdxContent:
    """An SPDX document reduced to packages and relationships between them."""

    spec_version: str
    created: str | None
    creators: list[str]
    packages: list[SpdxPackage]
    described: list[str] = field(default_factory=list)
    contains: list[tuple[str, str]] = field(default_factory=list)
    depends: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------- JSON


def check_json(data: Any, locator: JsonLocator) -> None:
    """Check the parts of an SPDX JSON document fiveguard reads; raise InputError."""
    problems: list[Problem] = []

    def fail(path: PathKey, message: str) -> None:
        problems.append(locator.problem(path, message))

    if not isinstance(data, dict):
        raise InputError(locator.problem((), "expected an SPDX document (a JSON object)"))
    if data.get("spdxVersion") not in SPDX_VERSIONS:
        fail(
            ("spdxVersion",),
            f"unsupported SPDX version {data.get('spdxVersion')!r}; supported: "
            + ", ".join(SPDX_VERSIONS),
        )
    packages = data.get("packages", [])
    if not isinstance(packages, list):
        fail(("packages",), "expected a list")
        packages = []
    for index, package in enumerate(packages):
        _check_package(package, ("packages", index), fail)
    known = _json_ids(data, locator, fail)
    relationships = data.get("relationships", [])
    if not isinstance(relationships, list):
        fail(("relationships",), "expected a list")
        relationships = []
    for index, relation in enumerate(relationships):
        path: PathKey = ("relationships", index)
        if not isinstance(relation, dict):
            fail(path, "expected a relationship object")
            continue
        for key in ("spdxElementId", "relationshipType", "relatedSpdxElement"):
            if not isinstance(relation.get(key), str) or not relation[key]:
                fail((*path, key), f"missing or empty {key!r}")
            elif key != "relationshipType" and not _resolves(relation[key], known):
                fail((*path, key), _dangling(relation[key]))
    describes = data.get("documentDescribes", [])
    for index, ref in enumerate(describes if isinstance(describes, list) else []):
        if isinstance(ref, str) and not _resolves(ref, known):
            fail(("documentDescribes", index), _dangling(ref))
    if problems:
        raise InputError(problems)


def _json_ids(
    data: dict[str, Any], locator: JsonLocator, fail: Callable[[PathKey, str], None]
) -> set[str]:
    """The SPDXIDs the document defines; one defined twice is a problem at the second."""
    first: dict[str, PathKey] = {}
    if isinstance(data.get("SPDXID"), str):
        first[data["SPDXID"]] = ("SPDXID",)
    for kind in ("packages", "files", "snippets"):
        items = data.get(kind, [])
        for index, item in enumerate(items if isinstance(items, list) else []):
            ident = item.get("SPDXID") if isinstance(item, dict) else None
            if not isinstance(ident, str) or not ident:
                continue
            path: PathKey = (kind, index, "SPDXID")
            if ident in first:
                line = locator.locate(first[ident]).line
                where = dotted(first[ident][:-1] or first[ident])
                where += f" (line {line})" if line is not None else ""
                fail(path, f"duplicate SPDXID {ident!r:.200}: {where} has it too")
            else:
                first[ident] = path
    return set(first)


def _resolves(ref: str, known: set[str]) -> bool:
    """Whether a relationship's element is defined: here, elsewhere, or none at all."""
    if ref in known or ref in ("NONE", "NOASSERTION"):
        return True
    return ref.startswith("DocumentRef-") and ":" in ref


def _dangling(ref: str) -> str:
    return f"{ref!r:.200} is the SPDXID of no package, file or snippet of this document"


def check_tag_value_ids(text: str, file: str) -> None:
    """Unique SPDXIDs and relationships naming defined elements, located by line.

    Run after spdx-tools has read the document, so only well-formed documents get here.
    """
    problems: list[Problem] = []
    first: dict[str, int] = {}
    relations: list[tuple[int, list[str]]] = []
    for number, line in _tag_value_lines(text):
        tag, _, value = line.partition(":")
        tag, value = tag.strip(), value.strip()
        if tag in ("SPDXID", "SnippetSPDXID") and value:
            if value in first:
                problems.append(
                    Problem(
                        Location(file, number, 1),
                        f"duplicate SPDXID {value!r:.200}: line {first[value]} has it too",
                    )
                )
            else:
                first[value] = number
        elif tag == "Relationship":
            relations.append((number, value.split()))
    for number, parts in relations:
        for ref in (parts[0], parts[-1]) if len(parts) >= _RELATIONSHIP_PARTS else ():
            if not _resolves(ref, set(first)):
                problems.append(Problem(Location(file, number, 1), _dangling(ref)))
    if problems:
        raise InputError(problems)


def _tag_value_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered tag-value lines, leaving out the inside of multi-line ``<text>`` values."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if inside:
            inside = "</text>" not in line
            continue
        if "<text>" in line and "</text>" not in line.partition("<text>")[2]:
            inside = True
        yield number, line


def _check_package(package: Any, path: PathKey, fail: Callable[[PathKey, str], None]) -> None:
    if not isinstance(package, dict):
        fail(path, "expected a package object")
        return
    for key in ("SPDXID", "name"):
        if not isinstance(package.get(key), str) or not package[key].strip():
            fail((*path, key), f"missing or empty {key!r}")
    for key in ("versionInfo", "supplier", "validUntilDate"):
        if key in package and not isinstance(package[key], str):
            fail((*path, key), "expected text")
    refs = package.get("externalRefs", [])
    if not isinstance(refs, list):
        fail((*path, "externalRefs"), "expected a list")
        refs = []
    for index, ref in enumerate(refs):
        at = (*path, "externalRefs", index)
        if not isinstance(ref, dict) or not all(
            isinstance(ref.get(k), str) and ref[k]
            for k in ("referenceCategory", "referenceType", "referenceLocator")
        ):
            fail(at, "expected {referenceCategory, referenceType, referenceLocator}")
        elif ref["referenceType"] == "purl" and (why := purl_problem(ref["referenceLocator"])):
            fail((*at, "referenceLocator"), why)
    checksums = package.get("checksums", [])
    if not isinstance(checksums, list):
        fail((*path, "checksums"), "expected a list")
        checksums = []
    for index, checksum in enumerate(checksums):
        at = (*path, "checksums", index)
        if not isinstance(checksum, dict) or not isinstance(checksum.get("algorithm"), str):
            fail(at, "expected {algorithm, checksumValue}")
        elif not isinstance(checksum.get("checksumValue"), str) or not HEX.match(
            checksum["checksumValue"]
        ):
            fail((*at, "checksumValue"), "expected a digest in hex")


def trim_license_list_json(data: dict[str, Any]) -> None:
    """Trim a three-part licenseListVersion to MAJOR.MINOR (see ``_LICENSE_LIST_TV``)."""
    info = data.get("creationInfo")
    if isinstance(info, dict) and isinstance(info.get("licenseListVersion"), str):
        parts = info["licenseListVersion"].split(".")
        if len(parts) == _TOOL_LICENSE_LIST_PARTS and all(p.isdigit() for p in parts):
            info["licenseListVersion"] = ".".join(parts[:2])


def read_json(data: dict[str, Any], file: str) -> SpdxContent:
    """Read a checked SPDX JSON document with spdx-tools."""
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    trim_license_list_json(data)
    document = _guarded(lambda: JsonLikeDictParser().parse(data), file, None)  # type: ignore[no-untyped-call]
    return _content(document)


# ---------------------------------------------------------------------------- tag-value


def read_tag_value(text: str, file: str) -> SpdxContent:
    """Read an SPDX tag-value document with spdx-tools; its messages are located by line."""
    from ply import yacc  # type: ignore[import-untyped]
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    text = _LICENSE_LIST_TV.sub(r"\1", text)
    # ply would print its table generation and grammar warnings to stderr
    parser = Parser(errorlog=yacc.NullLogger(), debug=False, write_tables=False)  # type: ignore[no-untyped-call]
    document = _guarded(lambda: parser.parse(text), file, text)  # type: ignore[no-untyped-call]
    check_tag_value_ids(text, file)
    return _content(document)


def _guarded(parse: Callable[[], Any], file: str, text: str | None) -> Any:
    from spdx_tools.spdx.parser.error import SPDXParsingError

    try:
        return parse()
    except SPDXParsingError as exc:
        messages = exc.get_messages()  # type: ignore[no-untyped-call]
        raise InputError([_located(str(m), file, text) for m in messages]) from None
    except RecursionError:
        raise InputError.at("SPDX document nested too deeply", file) from None
    except Exception as exc:  # spdx-tools raises many kinds on bad input
        detail = str(exc).strip() or type(exc).__name__
        raise InputError.at(f"spdx-tools cannot read it: {detail:.300}", file) from None


def _located(message: str, file: str, text: str | None) -> Problem:
    match = _LINE.search(message) if text is not None else None
    line = int(match.group(1)) if match else None
    return Problem(Location(file, line), f"spdx-tools: {message:.500}")


# ---------------------------------------------------------------------------- content


def _content(document: Any) -> SpdxContent:
    from spdx_tools.spdx.model.actor import ActorType
    from spdx_tools.spdx.model.relationship import RelationshipType

    info = document.creation_info
    packages = []
    for package in document.packages:
        purl = cpe = None
        for ref in package.external_references:
            if ref.reference_type == "purl" and purl is None:
                purl = ref.locator
            elif ref.reference_type in ("cpe23Type", "cpe22Type") and cpe is None:
                cpe = ref.locator
        supplier = package.supplier
        packages.append(
            SpdxPackage(
                ref=package.spdx_id,
                name=package.name,
                version=package.version,
                kind=package.primary_package_purpose.name.lower().replace("_", "-")
                if package.primary_package_purpose
                else None,
                purl=purl,
                cpe=cpe,
                supplier=supplier.name
                if getattr(supplier, "actor_type", None)
                in (ActorType.ORGANIZATION, ActorType.PERSON)
                else None,
                hashes=[(_algorithm(c.algorithm.name), c.value.lower()) for c in package.checksums],
                valid_until=package.valid_until_date.date().isoformat()
                if package.valid_until_date
                else None,
            )
        )
    content = SpdxContent(
        spec_version=info.spdx_version,
        created=info.created.date().isoformat() if info.created else None,
        creators=[c.name for c in info.creators],
        packages=packages,
    )
    known = {p.ref for p in packages}
    for relation in document.relationships:
        kind = relation.relationship_type
        left = relation.spdx_element_id
        right = str(relation.related_spdx_element_id)
        if kind is RelationshipType.DESCRIBES and right in known:
            content.described.append(right)
        elif kind is RelationshipType.DESCRIBED_BY and left in known:
            content.described.append(left)
        elif left not in known or right not in known:
            continue  # files, snippets, NOASSERTION: not components
        elif kind is RelationshipType.CONTAINS:
            content.contains.append((left, right))
        elif kind is RelationshipType.CONTAINED_BY:
            content.contains.append((right, left))
        elif kind is RelationshipType.DEPENDS_ON:
            content.depends.append((left, right))
        elif kind.name in _DEPENDENCY_OF:
            content.depends.append((right, left))
    return content


def _algorithm(name: str) -> str:
    """SPDX's algorithm names as CycloneDX writes them (SHA256 → SHA-256), so both agree."""
    if re.fullmatch(r"SHA\d+", name):
        return "SHA-" + name[3:]
    if name.startswith("BLAKE2B_"):
        return "BLAKE2b-" + name[len("BLAKE2B_") :]
    return name.replace("_", "-")


def nest(content: SpdxContent, file: str) -> tuple[list[str], dict[str, list[str]]]:
    """Top-level package refs and each package's children by ``CONTAINS``.

    A package contained twice keeps its first container; a containment cycle or nesting
    deeper than the limit is refused.
    """
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for outer, inner in content.contains:
        if inner in parent or inner == outer:
            continue
        parent[inner] = outer
        children.setdefault(outer, []).append(inner)
    for ref in parent:
        seen = {ref}
        node = ref
        depth = 0
        while node in parent:
            node = parent[node]
            depth += 1
            if node in seen:
                raise InputError.at(f"packages contain each other in a cycle through {ref}", file)
            if depth > MAX_NESTING:
                raise InputError.at(f"packages nested deeper than {MAX_NESTING} levels", file)
            seen.add(node)
    top = [p.ref for p in content.packages if p.ref not in parent]
    return top, children
