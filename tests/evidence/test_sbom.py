"""SBOM import: real tools' output, hand-written edge cases, one component model, located errors."""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import pytest
from evidence_samples import cdx_xml, dumps, firmware_cdx, spdx_json, spdx_tag_value

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.errors import InputError
from fiveguard.domain.evidence import Sbom
from fiveguard.evidence.sbom import parse_sbom, read_sbom


def _problems(raw: bytes, name: str = "in.json") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_sbom(raw, "x@1", name)
    return [str(p) for p in caught.value.problems]


def _installed(purl: str) -> str | None:
    name = purl.split("/", 1)[1].split("@", 1)[0]
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------------------- real tools


@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_cyclonedx_py_environment_sbom_lists_the_installed_packages(
    tool_sboms: dict[str, Path], rules: EvidenceRules, version: str, fmt: str
) -> None:
    record = read_sbom(tool_sboms[f"cyclonedx-{version}-{fmt}"], "x@1", rules)
    assert (record.format, record.spec_version, record.encoding) == ("cyclonedx", version, fmt)
    purls = {c.purl for c in record.all_components() if c.purl}
    assert f"pkg:pypi/pyyaml@{importlib.metadata.version('PyYAML')}" in purls
    assert f"pkg:pypi/pydantic@{importlib.metadata.version('pydantic')}" in purls
    for purl in purls:  # every version the tool reported is the installed one
        installed = _installed(purl)
        if installed is not None:
            assert purl.endswith("@" + installed), purl
    refs = {c.ref for c in record.all_components()}
    assert record.dependencies
    assert all(d.ref in refs and set(d.depends_on) <= refs for d in record.dependencies)


def test_json_and_xml_from_the_same_tool_give_the_same_components(
    tool_sboms: dict[str, Path], rules: EvidenceRules
) -> None:
    as_json = read_sbom(tool_sboms["cyclonedx-1.6-json"], "x@1", rules)
    as_xml = read_sbom(tool_sboms["cyclonedx-1.6-xml"], "x@1", rules)
    assert as_json.components == as_xml.components
    assert as_json.dependencies == as_xml.dependencies


@pytest.mark.parametrize("fmt", ["tag", "json"])
def test_sbom4python_spdx_sbom_is_read_with_its_dependency_tree(
    tool_sboms: dict[str, Path], rules: EvidenceRules, fmt: str
) -> None:
    record = read_sbom(tool_sboms[f"spdx-{fmt}"], "x@1", rules)
    assert (record.format, record.spec_version) == ("spdx", "SPDX-2.3")
    assert record.encoding == ("tag-value" if fmt == "tag" else "json")
    assert record.root is not None and record.root.name == "typer"
    assert record.root.version == importlib.metadata.version("typer")
    names = {c.name.lower() for c in record.all_components()}
    required = (r.split(";")[0] for r in importlib.metadata.requires("typer") or ())
    direct = {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() for r in required}
    installed = {n for n in direct if _installed(f"pkg:pypi/{n}@0") is not None}
    assert "rich" in installed and installed <= names
    typer_deps = next(d for d in record.dependencies if d.ref == record.root.ref)
    assert len(typer_deps.depends_on) >= 2
    assert all(c.purl and c.purl.startswith("pkg:pypi/") for c in record.all_components())
    assert any(c.cpe and c.cpe.startswith("cpe:2.3:") for c in record.all_components())


# ---------------------------------------------------------------------------- hand-written


def test_cyclonedx_json_keeps_nesting_hashes_supplier_dependencies_and_vex() -> None:
    record = parse_sbom(dumps(firmware_cdx()), "fw@9.0", "fw.cdx.json")
    assert isinstance(record, Sbom)
    assert record.id == "sbom-fw-9.0" and record.product == "fw@9.0"
    assert record.root is not None and record.root.kind == "firmware"
    assert record.root.supplier == "Fictional Radio Ltd"
    oam = next(c for c in record.components if c.ref == "oam")
    assert [n.purl for n in oam.components] == ["pkg:pypi/pyyaml@5.3"]
    openssl = next(c for c in record.components if c.ref == "openssl-101f")
    assert openssl.purl is None and openssl.cpe is not None
    assert [(h.alg, h.value) for h in openssl.hashes] == [("SHA-256", "ab" * 32)]
    legacy = next(c for c in record.components if c.ref == "legacy")
    assert str(legacy.end_of_support) == "2025-01-31"
    deps = {d.ref: set(d.depends_on) for d in record.dependencies}
    assert deps["oam"] == {"pyyaml", "openssl-3"}
    assert {(v.vulnerability, v.state.value) for v in record.vex} == {
        ("CVE-2022-3786", "not_affected"),
        ("CVE-2020-14343", "in_triage"),
    }
    assert str(record.date) == "2026-03-01"
    assert len(record.all_components()) == 22  # 20 listed, 1 nested, the root


@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6"])
def test_cyclonedx_xml_reads_like_the_json_it_was_written_from(version: str) -> None:
    data = firmware_cdx()
    data["specVersion"] = version
    from_json = parse_sbom(dumps(data), "fw@9.0", "fw.json")
    from_xml = parse_sbom(cdx_xml(data, version), "fw@9.0", "fw.xml")
    assert from_xml.encoding == "xml" and from_xml.spec_version == version
    assert from_xml.root == from_json.root
    assert sorted(from_xml.components, key=lambda c: c.ref) == sorted(
        from_json.components, key=lambda c: c.ref
    )
    assert {v.vulnerability for v in from_xml.vex} == {v.vulnerability for v in from_json.vex}


def test_spdx_json_and_tag_value_nest_by_contains_and_keep_dependencies() -> None:
    for raw, encoding in (
        (dumps(spdx_json()), "json"),
        (spdx_tag_value(spdx_json()), "tag-value"),
    ):
        record = parse_sbom(raw, "img@5.2", "img.spdx")
        assert record.encoding == encoding
        assert record.root is not None and record.root.ref == "SPDXRef-image"
        assert record.root.kind == "firmware" and record.root.supplier == "Fictional Core Ltd"
        nested = {c.ref: c for c in record.root.components}
        assert set(nested) == {"SPDXRef-openssl", "SPDXRef-tools"}
        assert [c.ref for c in nested["SPDXRef-tools"].components] == ["SPDXRef-yaml"]
        openssl = nested["SPDXRef-openssl"]
        assert openssl.cpe == "cpe:2.3:a:openssl:openssl:3.0.5:*:*:*:*:*:*:*"
        assert [(h.alg, h.value) for h in openssl.hashes] == [("SHA-256", "cd" * 32)]
        assert str(openssl.end_of_support) == "2026-09-07"
        deps = {d.ref: set(d.depends_on) for d in record.dependencies}
        assert deps == {"SPDXRef-tools": {"SPDXRef-openssl", "SPDXRef-yaml"}}
        assert record.components == ()


def test_three_part_license_list_version_from_tools_is_tolerated() -> None:
    data = spdx_json()
    data["creationInfo"]["licenseListVersion"] = "3.28.0"
    assert parse_sbom(dumps(data), "x@1", "a.json").format == "spdx"
    text = spdx_tag_value(spdx_json()).decode()
    text = text.replace(
        "SPDXVersion: SPDX-2.3", "SPDXVersion: SPDX-2.3\nLicenseListVersion: 3.28.0"
    )
    assert parse_sbom(text.encode(), "x@1", "a.spdx").format == "spdx"


# ---------------------------------------------------------------------------- bad input


def test_json_syntax_error_is_located_by_line_and_column() -> None:
    assert _problems(b'{"bomFormat": "CycloneDX",\n  "specVersion": }') == [
        "in.json:2:18: JSON syntax error: Expecting value"
    ]


def test_cyclonedx_field_problems_are_located_at_the_field() -> None:
    data = firmware_cdx()
    data["components"][1]["purl"] = "not a purl"
    data["components"][2]["components"][0]["name"] = 5
    data["components"][0]["hashes"][0]["content"] = "xyz"
    data["specVersion"] = "1.2"
    problems = _problems(dumps(data), "fw.json")
    assert any(
        p.startswith("fw.json:3:") and "unsupported CycloneDX version" in p for p in problems
    )
    assert any(": components[1].purl: not a package URL" in p for p in problems)
    assert any(": components[2].components[0].name: expected non-empty text" in p for p in problems)
    assert any(": components[0].hashes[0].content: expected a digest in hex" in p for p in problems)
    assert all(p.split(":")[1].isdigit() for p in problems)  # every one has a line


def test_xml_with_a_doctype_is_refused_before_any_entity_expands() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>'
    )
    problems = _problems(bomb, "bomb.xml")
    assert len(problems) == 1 and problems[0].startswith("bomb.xml:2:")
    assert "DOCTYPE" in problems[0]


def test_xml_component_problems_carry_the_element_line() -> None:
    xml = cdx_xml(firmware_cdx()).decode()
    xml = xml.replace("<purl>pkg:conan/openssl@3.0.5</purl>", "<purl>nope</purl>", 1)
    problems = _problems(xml.encode(), "fw.xml")
    line = next(i for i, t in enumerate(xml.splitlines(), 1) if "<purl>nope" in t)
    assert problems == [
        f"fw.xml:{line}:7: purl: not a package URL (pkg:TYPE/NAMESPACE/NAME@VERSION): "
        'purl is missing the required "pkg" scheme component.'
    ] or (len(problems) == 1 and problems[0].startswith(f"fw.xml:{line}:"))


def test_spdx_xml_and_unknown_documents_are_refused_with_a_reason() -> None:
    assert "SPDX XML is not read" in _problems(b"<Document/>", "a.xml")[0]
    assert "not an SBOM" in _problems(b"hello", "a.txt")[0]
    assert "not an SBOM" in _problems(b'{"name": "x"}', "a.json")[0]
    assert "not valid UTF-8" in _problems(b"{\xff}", "a.json")[0]


def test_spdx_tag_value_errors_name_their_line() -> None:
    text = spdx_tag_value(spdx_json()).decode().replace("PackageVersion: 3.0.5", "PackageVersion:")
    problems = _problems(text.encode(), "x.spdx")
    assert problems and all(p.startswith("x.spdx") for p in problems)
    assert any(p.split(":")[1].isdigit() for p in problems)


def test_spdx_json_problems_are_located() -> None:
    data = spdx_json()
    data["packages"][1]["externalRefs"][0] = {"referenceCategory": "SECURITY"}
    data["relationships"][0]["relatedSpdxElement"] = 7
    problems = _problems(dumps(data), "s.json")
    assert any("packages[1].externalRefs[0]" in p for p in problems)
    assert any("relationships[0].relatedSpdxElement" in p for p in problems)


def test_an_oversized_sbom_is_refused_before_it_is_read(
    tmp_path: Path, rules: EvidenceRules
) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    small = rules.model_copy(update={"max_sbom_bytes": 1024})
    with pytest.raises(InputError, match="file too large"):
        read_sbom(big, "x@1", small)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    deep = b'{"bomFormat": "CycloneDX", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert "nested deeper" in _problems(deep)[0]
    data = firmware_cdx()
    node = data["components"][0]
    for _ in range(80):
        node["components"] = [{"type": "library", "name": "n"}]
        node = node["components"][0]
    assert any("nested deeper than 64" in p for p in _problems(json.dumps(data).encode()))
