"""Importing an SBOM file as an ``sbom`` evidence record of a product version.

The format is recognised from the content: CycloneDX JSON (``bomFormat``) or XML (the
CycloneDX namespace), SPDX JSON (``spdxVersion``) or SPDX tag-value (``SPDXVersion:``).
Whatever the format, components come out in one model (:class:`SbomComponent`: name,
version, kind, purl, CPE, supplier, hashes, end of support, nested components), with the
dependencies between them and any VEX statements the document carries. Every failure is
an :class:`InputError` with located problems; nothing else escapes for bad input.
"""

from __future__ import annotations

import hashlib
import re
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
)
from fiveguard.evidence import cyclonedx, cyclonedx_xml, spdx
from fiveguard.modelio.evidence_store import record_id
from fiveguard.modelio.jsonsource import JsonLocator, parse_json, read_limited
from fiveguard.modelio.messages import describe
from fiveguard.modelio.yamlsource import decode, display_name

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
        xml = cyclonedx_xml.read_xml_bom(cyclonedx_xml.parse_xml(raw, file))
        spec = cyclonedx.check(xml.data, xml.locate)
        tools = cyclonedx.library_check_xml(xml)
        fields = _from_cyclonedx(cyclonedx.read(xml.data, xml.locate), "xml", spec, tools)
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
        spec = cyclonedx.check(data, locator.locate)
        tools = cyclonedx.library_check_json(data, locator.locate)
        return _from_cyclonedx(cyclonedx.read(data, locator.locate), "json", spec, tools)
    if isinstance(data, dict) and "spdxVersion" in data:
        spdx.check_json(data, locator)
        return _from_spdx(spdx.read_json(data, file), file, "json")
    raise InputError(
        locator.problem(
            (), "not an SBOM: a CycloneDX document has 'bomFormat', an SPDX one 'spdxVersion'"
        )
    )


def _from_cyclonedx(
    content: cyclonedx.CdxContent, encoding: str, spec: str, tools: list[str]
) -> dict[str, Any]:
    return {
        "format": "cyclonedx",
        "spec_version": spec,
        "encoding": encoding,
        "date": cyclonedx.parse_date(content.timestamp),
        "issuer": ", ".join(tools)[:2000] or None,
        "root": content.root,
        "components": content.components,
        "dependencies": content.dependencies,
        "vex": content.vex,
    }


def _first(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    path = tuple(error["loc"])
    return f"{'.'.join(str(p) for p in path)}: {describe(error, SbomComponent, path)}"


# ---------------------------------------------------------------------------- SPDX


def _from_spdx(content: spdx.SpdxContent, file: str, encoding: str) -> dict[str, Any]:
    by_ref = {p.ref: p for p in content.packages}
    top, children = spdx.nest(content, file)
    built: dict[str, SbomComponent] = {}

    def build(ref: str) -> SbomComponent:
        package = by_ref[ref]
        eos = cyclonedx.parse_date(package.valid_until)
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
        "date": cyclonedx.parse_date(content.created),
        "root": None if root_ref is None else build(root_ref),
        "components": tuple(build(ref) for ref in top if ref != root_ref),
        "dependencies": tuple(
            SbomDependency(ref=ref, depends_on=tuple(dict.fromkeys(targets)))
            for ref, targets in depends.items()
        ),
        "vex": (),
    }
