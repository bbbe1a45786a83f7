"""Importing an SBOM file as an ``sbom`` evidence record of a product version.

The format is recognised from the content: CycloneDX JSON (``bomFormat``) or XML (the
CycloneDX namespace), SPDX JSON (``spdxVersion``) or SPDX tag-value (``SPDXVersion:``).
Whatever the format, components come out in one model (:class:`SbomComponent`: name,
version, kind, purl, CPE, supplier, hashes, end of support, nested components), with the
dependencies between them and any VEX statements the document carries. Every failure is
an :class:`InputError` with located problems; nothing else escapes for bad input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.evidence import (
    ComponentHash,
    Sbom,
    SbomComponent,
    SbomDependency,
    VexStatement,
)
from fiveguard.evidence import cyclonedx, spdx
from fiveguard.modelio.evidence_store import record_id
from fiveguard.modelio.jsonsource import JsonLocator, decode, parse_json, read_limited
from fiveguard.modelio.messages import describe
from fiveguard.modelio.yamlsource import display_name

_TAG_VALUE = re.compile(r"^\s*SPDXVersion:", re.MULTILINE)


def read_sbom(path: Path, product: str, rules: EvidenceRules, file: str | None = None) -> Sbom:
    """Read ``path`` as an SBOM of ``product`` (``PRODUCT@VERSION``) into a record."""
    name = file or display_name(path)
    raw = read_limited(path, rules.max_sbom_bytes, name)
    return parse_sbom(raw, product, name)


def parse_sbom(raw: bytes, product: str, file: str) -> Sbom:
    """The SBOM in ``raw`` (the bytes of ``file``) as a record of ``product``."""
    digest = hashlib.sha256(raw).hexdigest()
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        document = cyclonedx.parse_xml(raw, file)
        spec = cyclonedx.check_xml(document)
        fields = _from_cyclonedx(cyclonedx.read_bom(document.root, file), file, "xml", spec)
        fields["date"] = _date(_xml_timestamp(document))
    else:
        text = decode(raw, file)
        if head == b"{":
            fields = _from_json(text, file)
        elif _TAG_VALUE.search(text):
            fields = _from_spdx(spdx.read_tag_value(text, file), file, "tag-value")
        else:
            raise InputError.at(
                "not an SBOM: expected CycloneDX (JSON or XML) or SPDX (JSON or tag-value)",
                file,
                line=1,
                col=1,
            )
    components = fields["components"]
    count = len(components) + (fields["root"] is not None)
    title = (
        f"SBOM of {product}: {fields['format']} {fields['spec_version']} "
        f"{fields['encoding']}, {count} top-level component(s)"
    )
    try:
        return Sbom(
            id=record_id("sbom", product),
            type="sbom",
            title=title,
            subject=product,
            link=file[:2000],
            sha256=digest,
            product=product,
            **fields,
        )
    except ValidationError as exc:
        raise InputError(_problems(exc, file)) from None


def _problems(exc: ValidationError, file: str) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        path = tuple(error["loc"])
        where = ".".join(str(p) for p in path)
        out.append(Problem(Location(file), f"{where}: {describe(error, Sbom, path)}"))
    return out


def _from_json(text: str, file: str) -> dict[str, Any]:
    data = parse_json(text, file)
    locator = JsonLocator(text, file)
    if isinstance(data, dict) and "bomFormat" in data:
        spec = cyclonedx.check_json(data, locator)
        fields = _from_cyclonedx(cyclonedx.read_bom(data, file), file, "json", spec)
        metadata = data.get("metadata")
        fields["date"] = _date(metadata.get("timestamp") if isinstance(metadata, dict) else None)
        return fields
    if isinstance(data, dict) and "spdxVersion" in data:
        spdx.check_json(data, locator)
        return _from_spdx(spdx.read_json(data, file), file, "json")
    raise InputError(
        locator.problem(
            (), "not an SBOM: a CycloneDX document has 'bomFormat', an SPDX one 'spdxVersion'"
        )
    )


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _xml_timestamp(document: cyclonedx.XmlDocument) -> str | None:
    for element in document.root.iter():
        if element.tag.endswith("}timestamp"):
            return (element.text or "").strip()
    return None


# ---------------------------------------------------------------------------- CycloneDX


def _from_cyclonedx(bom: Any, file: str, encoding: str, spec: str) -> dict[str, Any]:
    refs: set[str] = set()
    root = bom.metadata.component
    tools = bom.metadata.tools
    names = [f"{t.name} {t.version or ''}".strip() for t in tools.tools if t.name]
    names += [f"{c.name} {c.version or ''}".strip() for c in tools.components]
    return {
        "format": "cyclonedx",
        "spec_version": spec,
        "encoding": encoding,
        "issuer": ", ".join(names)[:2000] or None,
        "root": None if root is None else _cdx_component(root, file, refs),
        "components": tuple(_cdx_component(c, file, refs) for c in bom.components),
        "dependencies": tuple(
            SbomDependency(
                ref=str(d.ref.value), depends_on=tuple(str(x.ref.value) for x in d.dependencies)
            )
            for d in bom.dependencies
            if d.ref.value and d.dependencies
        ),
        "vex": tuple(_cdx_vex(bom.vulnerabilities)),
    }


def _unique(preferred: str | None, fallback: str, refs: set[str]) -> str:
    ref = preferred or fallback
    candidate, n = ref, 1
    while candidate in refs:
        n += 1
        candidate = f"{ref}#{n}"
    refs.add(candidate)
    return candidate


def _cdx_component(c: Any, file: str, refs: set[str]) -> SbomComponent:
    name = str(c.name)
    version = None if c.version is None else str(c.version)
    ref = _unique(c.bom_ref.value, f"{name}@{version or ''}", refs)
    supplier = c.supplier.name if c.supplier is not None and c.supplier.name else c.publisher
    eos_text = cyclonedx.end_of_support(c.properties)
    eos = _date(eos_text)
    if eos_text is not None and eos is None:
        raise InputError.at(
            f"component {ref}: end-of-support property {eos_text!r:.60} is not a date YYYY-MM-DD",
            file,
        )
    try:
        return SbomComponent(
            ref=ref,
            name=name,
            version=version,
            kind=c.type.value,
            purl=None if c.purl is None else str(c.purl),
            cpe=c.cpe,
            supplier=supplier,
            hashes=tuple(ComponentHash(alg=h.alg.value, value=h.content.lower()) for h in c.hashes),
            end_of_support=eos,
            components=tuple(_cdx_component(n, file, refs) for n in c.components),
        )
    except ValidationError as exc:
        raise InputError.at(f"component {ref}: {_first(exc)}", file) from None


def _first(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    path = tuple(error["loc"])
    return f"{'.'.join(str(p) for p in path)}: {describe(error, SbomComponent, path)}"


def _cdx_vex(vulnerabilities: Iterable[Any]) -> Iterable[VexStatement]:
    for v in vulnerabilities:
        analysis = v.analysis
        if analysis is None or analysis.state is None or not v.id:
            continue
        yield VexStatement(
            vulnerability=str(v.id),
            aliases=tuple(str(r.id) for r in v.references if r.id),
            state=analysis.state.value,
            justification=None if analysis.justification is None else analysis.justification.value,
            detail=analysis.detail or None,
            # a VEX document names components of another BOM by bom-link: urn:cdx:…#ref
            refs=tuple(str(a.ref).rpartition("#")[2] or str(a.ref) for a in v.affects),
        )


# ---------------------------------------------------------------------------- SPDX


def _from_spdx(content: spdx.SpdxContent, file: str, encoding: str) -> dict[str, Any]:
    by_ref = {p.ref: p for p in content.packages}
    top, children = spdx.nest(content, file)
    built: dict[str, SbomComponent] = {}

    def build(ref: str) -> SbomComponent:
        package = by_ref[ref]
        eos = _date(package.valid_until)
        try:
            component = SbomComponent(
                ref=package.ref,
                name=package.name,
                version=package.version,
                kind=package.kind,
                purl=package.purl,
                cpe=package.cpe,
                supplier=package.supplier,
                hashes=tuple(ComponentHash(alg=a, value=v) for a, v in package.hashes),
                end_of_support=eos,
                components=tuple(build(child) for child in children.get(ref, ())),
            )
        except ValidationError as exc:
            raise InputError.at(f"package {ref}: {_first(exc)}", file) from None
        built[ref] = component
        return component

    described = [ref for ref in dict.fromkeys(content.described) if ref in top]
    root_ref = described[0] if len(described) == 1 else None
    depends: dict[str, list[str]] = {}
    for left, right in content.depends:
        depends.setdefault(left, []).append(right)
    return {
        "format": "spdx",
        "spec_version": content.spec_version,
        "encoding": encoding,
        "issuer": ", ".join(content.creators)[:2000] or None,
        "date": _date(content.created),
        "root": None if root_ref is None else build(root_ref),
        "components": tuple(build(ref) for ref in top if ref != root_ref),
        "dependencies": tuple(
            SbomDependency(ref=ref, depends_on=tuple(dict.fromkeys(targets)))
            for ref, targets in depends.items()
        ),
        "vex": (),
    }
