"""SBOM import: real tools' output, hand-written edge cases, one component model, located errors."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
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


# ---------------------------------------------------------------------------- refs


def _line(raw: bytes | str, needle: str, nth: int = 1) -> int:
    """The line of the ``nth`` line holding ``needle``."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    found = [i for i, t in enumerate(text.splitlines(), 1) if needle in t]
    return found[nth - 1]


def test_duplicate_spdx_ids_are_refused_where_the_second_one_is() -> None:
    data = spdx_json()
    data["packages"][3]["SPDXID"] = "SPDXRef-openssl"
    raw = dumps(data)
    first, second = (_line(raw, '"SPDXRef-openssl"', n) for n in (1, 2))
    # the relationships naming SPDXRef-tools now dangle too
    assert (
        f"s.json:{second}:17: packages[3].SPDXID: duplicate SPDXID 'SPDXRef-openssl': "
        f"packages[1] (line {first}) has it too"
    ) in _problems(raw, "s.json")


def test_duplicate_spdx_ids_in_tag_value_are_refused_at_their_line() -> None:
    text = spdx_tag_value(spdx_json()).decode()
    text = text.replace("SPDXID: SPDXRef-tools", "SPDXID: SPDXRef-yaml")
    first, second = (_line(text, "SPDXID: SPDXRef-yaml", n) for n in (1, 2))
    problems = _problems(text.encode(), "s.spdx")
    assert (
        f"s.spdx:{second}:1: duplicate SPDXID 'SPDXRef-yaml': line {first} has it too" in problems
    )


def test_dangling_spdx_relationships_are_refused_and_external_ones_kept() -> None:
    data = spdx_json()
    for target in ("SPDXRef-ghost", "DocumentRef-base:SPDXRef-libc", "NOASSERTION"):
        data["relationships"].append(
            {
                "spdxElementId": "SPDXRef-tools",
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": target,
            }
        )
    raw = dumps(data)
    assert _problems(raw, "s.json") == [
        f"s.json:{_line(raw, 'SPDXRef-ghost')}:29: relationships[6].relatedSpdxElement: "
        "'SPDXRef-ghost' is the SPDXID of no package, file or snippet of this document"
    ]
    text = spdx_tag_value(spdx_json()).decode()
    text += "Relationship: SPDXRef-phantom CONTAINS SPDXRef-yaml\n"
    assert _problems(text.encode(), "s.spdx") == [
        f"s.spdx:{_line(text, 'phantom')}:1: 'SPDXRef-phantom' is the SPDXID of no package, "
        "file or snippet of this document"
    ]


def test_duplicate_bom_refs_are_refused_in_json_and_xml() -> None:
    data = firmware_cdx()
    data["components"][4]["bom-ref"] = "req-230"  # the one before has it
    raw = dumps(data)
    first, second = (_line(raw, '"bom-ref": "req-230"', n) for n in (1, 2))
    assert _problems(raw, "fw.json") == [
        f"fw.json:{second}:18: components[4].bom-ref: duplicate bom-ref 'req-230': "
        f"components[3] (line {first - 2}) has it too"
    ]
    xml = cdx_xml(firmware_cdx()).decode().replace('bom-ref="req-221"', 'bom-ref="req-230"')
    second = _line(xml, 'bom-ref="req-230"', 2)
    problems = _problems(xml.encode(), "fw.xml")
    assert any(
        p.startswith(f"fw.xml:{second}:") and "duplicate bom-ref 'req-230'" in p for p in problems
    )


def test_dangling_dependency_refs_are_refused_with_their_location() -> None:
    data = firmware_cdx()
    data["dependencies"].append({"ref": "phantom", "dependsOn": ["oam"]})
    data["dependencies"][0]["dependsOn"].append("ghost")
    raw = dumps(data)
    assert _problems(raw, "fw.json") == [
        f"fw.json:{_line(raw, 'ghost')}:9: dependencies[0].dependsOn[2]: 'ghost' is the "
        "bom-ref of no component or service of this SBOM",
        f"fw.json:{_line(raw, 'phantom')}:14: dependencies[2].ref: 'phantom' is the bom-ref "
        "of no component or service of this SBOM",
    ]
    xml = cdx_xml(firmware_cdx()).decode()
    xml = xml.replace('<dependency ref="pyyaml"/>', '<dependency ref="ghost"/>', 1)
    problems = _problems(xml.encode(), "fw.xml")
    assert len(problems) == 1
    assert problems[0].startswith(f"fw.xml:{_line(xml, 'ghost')}:")
    assert "'ghost' is the bom-ref of no component or service of this SBOM" in problems[0]


def test_dependencies_may_name_services() -> None:
    data = firmware_cdx()
    data["services"] = [{"bom-ref": "svc-ntp", "name": "ntp"}]
    data["dependencies"].append({"ref": "oam", "dependsOn": ["svc-ntp"]})
    record = parse_sbom(dumps(data), "fw@9.0", "fw.json")
    assert ("oam", ("svc-ntp",)) in {(d.ref, d.depends_on) for d in record.dependencies}


def test_vex_in_an_sbom_must_name_its_components_a_vex_document_names_another_bom() -> None:
    data = firmware_cdx()
    data["vulnerabilities"][0]["affects"] = [{"ref": "openssl-4"}]
    problems = _problems(dumps(data), "fw.json")
    assert (
        len(problems) == 1
        and "vulnerabilities[0].affects[0].ref: 'openssl-4' names no component" in problems[0]
    )
    data["vulnerabilities"][0]["affects"] = [{"ref": "pkg:conan/openssl@3.0.5"}]  # by purl
    assert parse_sbom(dumps(data), "fw@9.0", "fw.json").vex[0].refs == ("pkg:conan/openssl@3.0.5",)
    vex_only = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "vulnerabilities": [
            {
                "id": "CVE-1",
                "analysis": {"state": "resolved"},
                "affects": [{"ref": "urn:cdx:abc/1#x"}, {"ref": "elsewhere"}],
            }
        ],
    }
    assert parse_sbom(dumps(vex_only), "fw@9.0", "v.json").vex[0].refs == ("x", "elsewhere")


# ---------------------------------------------------------------------------- located refusals


def test_vex_justification_and_response_are_checked_where_they_are() -> None:
    data = firmware_cdx()
    data["vulnerabilities"][0]["analysis"]["justification"] = "because"
    data["vulnerabilities"][0]["analysis"]["response"] = ["update", "pray"]
    raw = dumps(data)
    problems = _problems(raw, "badvex.json")
    assert [p.split("; expected")[0] for p in problems] == [
        f"badvex.json:{_line(raw, 'because')}:26: vulnerabilities[0].analysis.justification: "
        "unknown justification 'because'",
        f"badvex.json:{_line(raw, 'pray')}:11: vulnerabilities[0].analysis.response[1]: "
        "unknown response 'pray'",
    ]
    xml = cdx_xml(firmware_cdx()).decode()
    xml = xml.replace(">code_not_reachable<", ">because<")
    problems = _problems(xml.encode(), "badvex.xml")
    assert len(problems) == 1 and problems[0].startswith(f"badvex.xml:{_line(xml, 'because')}:")
    assert "unknown justification 'because'" in problems[0]


def test_an_end_of_support_property_that_is_no_date_is_located() -> None:
    data = firmware_cdx()
    data["components"][-1]["properties"][0]["value"] = "soon"
    raw = dumps(data)
    assert _problems(raw, "badeos.json") == [
        f"badeos.json:{_line(raw, 'soon')}:20: components[19].properties[0].value: "
        "end-of-support property 'soon' is not a date YYYY-MM-DD"
    ]
    xml = cdx_xml(firmware_cdx()).decode().replace(">2025-01-31<", ">soon<")
    problems = _problems(xml.encode(), "badeos.xml")
    assert len(problems) == 1 and problems[0].startswith(f"badeos.xml:{_line(xml, 'soon')}:")


def test_what_only_the_library_refuses_is_located_at_its_component() -> None:
    data = firmware_cdx()
    data["components"][2]["scope"] = "sometimes"  # not read by fiveguard; the library refuses it
    raw = dumps(data)
    problems = _problems(raw, "fw.json")
    assert len(problems) == 1
    opening = _line(raw, '"oam-agent"') - 3  # the component's "{"
    assert problems[0].startswith(f"fw.json:{opening}:")
    assert "components[2]: cyclonedx-python-lib cannot read it:" in problems[0]
    assert "sometimes" in problems[0]


# ---------------------------------------------------------------------------- order


def test_components_keep_document_order_and_identical_ones_stay_two() -> None:
    twice = {"type": "library", "name": "zlib", "version": "1.3"}
    data = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [
            {"type": "library", "name": "zz-last-by-name", "version": "1"},
            dict(twice),
            {
                "type": "library",
                "name": "aa-first-by-name",
                "version": "1",
                "components": [dict(twice), dict(twice)],
            },
            dict(twice),
        ],
    }
    for raw, name in ((dumps(data), "o.json"), (_xml_of(data), "o.xml")):
        record = parse_sbom(raw, "x@1", name)
        assert [c.ref for c in record.components] == [
            "zz-last-by-name@1",
            "zlib@1.3",
            "aa-first-by-name@1",
            "zlib@1.3#4",
        ], name
        assert [c.ref for c in record.components[2].components] == ["zlib@1.3#2", "zlib@1.3#3"]


def _xml_of(data: dict[str, object]) -> bytes:
    """The document as XML written by hand (the library's writer would sort it)."""

    def component(c: dict[str, object]) -> str:
        nested = "".join(component(n) for n in c.get("components", []))  # type: ignore[attr-defined]
        inner = f"<components>{nested}</components>" if nested else ""
        return f'<component type="{c["type"]}"><name>{c["name"]}</name><version>{c["version"]}</version>{inner}</component>'

    body = "".join(component(c) for c in data["components"])  # type: ignore[attr-defined]
    return (
        '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">'
        f"<components>{body}</components></bom>"
    ).encode()


# ---------------------------------------------------------------------------- offline tools


def test_the_guard_refuses_connections_whatever_the_proxy_settings(
    offline: tuple[dict[str, str], Path],
) -> None:
    env, log = offline
    probe = (
        "import socket, urllib.request\n"
        "for attempt in (lambda: urllib.request.urlopen('https://pypi.org/simple/', timeout=5),\n"
        "                lambda: socket.socket().connect(('151.101.0.223', 443))):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as exc:\n"
        "        print('refused', type(exc).__name__)\n"
        "    else:\n"
        "        print('CONNECTED')\n"
    )
    env = {**env, "https_proxy": "", "HTTPS_PROXY": ""}  # even with no proxy at all
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split("\n")[:2] == ["refused URLError", "refused OSError"], result.stderr
    assert "refused connect ('151.101.0.223', 443)" in log.read_text()


def test_sbom_tools_produce_their_sboms_with_every_connection_refused(
    tool_sboms: dict[str, Path], offline: tuple[dict[str, str], Path]
) -> None:
    _, log = offline
    lines = log.read_text().splitlines()
    # every tool process ran under the guard, and nothing got past it
    assert sum(line.endswith(" guard active") for line in lines) >= 8
    assert all(line.split(" ", 1)[1].startswith(("guard active", "refused ")) for line in lines)
    for name in ("spdx-tag", "spdx-json"):
        assert tool_sboms[name].stat().st_size > 1000, name
