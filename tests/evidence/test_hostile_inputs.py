"""Evidence readers under attack: SBOMs, OSV records and stored records crafted to crash
a reader, slip past its checks or exhaust it.

Each must end in located problems (exit code 2 at the command line), in bounded time and
memory, with nothing written. Archives and evidence directories under attack are in
test_hostile_archives_and_stores.py.
"""

from __future__ import annotations

import encodings.aliases
import json
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from evidence_samples import OSV_DIR, cdx_of, cdx_xml, dumps, firmware_cdx, spdx_json
from typer.testing import CliRunner

from fiveguard.catalog import default_catalogue
from fiveguard.cli import app
from fiveguard.domain.errors import InputError, Problem
from fiveguard.evidence.matching import DISTRO_OF_PURL, ECOSYSTEM_OF_PURL
from fiveguard.evidence.osv import parse_osv
from fiveguard.evidence.sbom import parse_sbom
from fiveguard.modelio.evidence_store import read_evidence_dirs
from fiveguard.modelio.jsonsource import JsonLocator

runner = CliRunner()
RULES = default_catalogue().evidence_rules


def _problems(run: Callable[[], object]) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        run()
    return list(caught.value.problems)


def _stored(root: Path, raw: bytes) -> Callable[[], object]:
    """Reading an evidence directory holding one record file of ``raw`` bytes."""
    (root / "evidence").mkdir(exist_ok=True)
    (root / "evidence" / "r.json").write_bytes(raw)

    def run() -> None:
        stored = read_evidence_dirs(root, ["evidence"], set(), lambda i, m: None)  # type: ignore[arg-type,return-value]
        if stored.problems:
            raise InputError(stored.problems)

    return run


# ---------------------------------------------------------------------------- locating


def _large_sbom(components: int) -> str:
    return json.dumps(
        cdx_of(
            *(
                {
                    "bom-ref": f"c{i}",
                    "name": f"lib{i}",
                    "version": "1.0",
                    "purl": f"pkg:pypi/x{i}@1",
                }
                for i in range(components)
            )
        ),
        indent=2,
    )


def test_locating_a_field_does_not_parse_the_document_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _large_sbom(2000)

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("the whole document was parsed again to locate one field")

    monkeypatch.setattr(yaml, "compose", refuse)
    location = JsonLocator(text, "big.json").locate(("components", 1999, "purl"))
    line = text.splitlines()[(location.line or 0) - 1]
    assert line[(location.col or 0) - 1 :] == '"pkg:pypi/x1999@1"'


def test_locating_a_field_of_a_large_sbom_costs_little_memory() -> None:
    text = _large_sbom(5000)
    locator = JsonLocator(text, "big.json")
    tracemalloc.start()
    try:
        first = locator.locate(("components", 4999, "purl"))
        again = locator.locate(("components", 17, "version"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.line is not None and again.line is not None
    # the offsets of the members of the containers walked through, not a parsed copy
    assert peak < len(text) // 8, f"{peak:,} bytes to locate in {len(text):,} characters"


# ---------------------------------------------------------------------------- numbers

HUGE = "9" * 5000
"""Past Python's own limit on converting digits to an integer (4,300)."""


def _with_huge(seed: dict[str, Any], key: str) -> bytes:
    text = json.dumps({**seed, key: 0}, indent=2)
    return text.replace(f'"{key}": 0', f'"{key}": -{HUGE}').encode()


@pytest.mark.parametrize("reader", ["sbom", "osv", "stored record"])
def test_an_integer_of_thousands_of_digits_is_a_located_problem(
    tmp_path: Path, reader: str
) -> None:
    osv = json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())
    runs = {
        "sbom": lambda: parse_sbom(_with_huge(firmware_cdx(), "version"), "x@1", "f.json"),
        "osv": lambda: parse_osv(_with_huge(osv, "huge"), "f.json", RULES),
        "stored record": _stored(tmp_path, _with_huge({"id": "r", "type": "x"}, "huge")),
    }
    (problem,) = _problems(runs[reader])
    assert problem.location.file is not None and problem.location.file.endswith(
        "r.json" if reader == "stored record" else "f.json"
    )
    assert "5,000 digits" in problem.message
    assert problem.location.line is not None and problem.location.col is not None


def test_a_long_integer_is_located_at_its_first_digit_not_in_a_string() -> None:
    decoy = "1" * 200
    text = f'{{"a": "{decoy}", "b": [1.{decoy}, 1e{decoy}, -{decoy}]}}'
    (problem,) = _problems(lambda: parse_osv(text.encode(), "o.json", RULES))
    assert (problem.location.line, problem.location.col) == (1, text.index(f", -{decoy}") + 3)


def test_the_command_line_reports_a_long_integer_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("f.json").write_bytes(_with_huge(firmware_cdx(), "version"))
    result = runner.invoke(app, ["evidence", "sbom", "fw@9.0", "f.json"])
    assert result.exit_code == 2, result.output
    assert "f.json:" in result.stderr and "5,000 digits" in result.stderr
    assert "Traceback" not in result.output + result.stderr


# ---------------------------------------------------------------------------- lone surrogates


def test_a_lone_surrogate_in_a_matching_osv_record_is_located_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "osv").mkdir()
    record = json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())
    record.update(summary="Heart\udfffbleed", aliases=["\ud800"])
    (tmp_path / "osv" / "heartbleed.json").write_text(json.dumps(record, indent=1))
    Path("f.json").write_text(json.dumps(firmware_cdx()))
    result = runner.invoke(app, ["evidence", "vulns", "fw@9.0", "--osv", "osv", "--sbom", "f.json"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = [line for line in result.stderr.splitlines() if "surrogate" in line]
    assert [line.split(": ")[1] for line in lines] == ["summary", "aliases[0]"], result.stderr
    assert all(line.startswith("osv/heartbleed.json:") for line in lines)


@pytest.mark.parametrize("reader", ["sbom", "osv", "stored record"])
def test_lone_surrogates_in_texts_and_keys_are_refused_where_they_are(
    tmp_path: Path, reader: str
) -> None:
    osv = json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())
    sbom = firmware_cdx()
    sbom["components"][0]["name"] = "open\udc80ssl"
    osv["details"] = "\udbff"
    documents = {
        "sbom": {**sbom, "x\udfff": 1},
        "osv": {**osv, "x\udfff": 1},
        "stored record": {"id": "r", "type": "x", "title": "\udbff", "x\udfff": 1},
    }
    raw = json.dumps(documents[reader], indent=1).encode()
    runs = {
        "sbom": lambda: parse_sbom(raw, "x@1", "f.json"),
        "osv": lambda: parse_osv(raw, "f.json", RULES),
        "stored record": _stored(tmp_path, raw),
    }
    problems = _problems(runs[reader])
    assert len(problems) == 2 and all("surrogate" in p.message for p in problems)
    assert all(p.location.line is not None for p in problems)
    assert "x\\udfff" in {p.location.path for p in problems}  # the key, named printably
    for problem in problems:
        str(problem).encode("utf-8")


def test_surrogate_pairs_are_characters_and_pass(tmp_path: Path) -> None:
    record = json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())
    record["summary"] = "Heartbleed \U0001f494"  # written by json.dumps as a pair of escapes
    parsed = parse_osv(json.dumps(record).encode(), "o.json", RULES)
    assert parsed is not None and parsed.summary == "Heartbleed \U0001f494"


# ---------------------------------------------------------------------------- XML encodings


def _declaring(encoding: str, body: bytes | None = None) -> bytes:
    """The firmware SBOM in XML, its declaration naming ``encoding`` on a second line."""
    document = body if body is not None else cdx_xml(firmware_cdx())
    rest = document.split(b"?>", 1)[1]
    return b'<?xml version="1.0"\n      encoding="' + encoding.encode() + b'"?>' + rest


@pytest.mark.parametrize(
    ("encoding", "why"),
    [
        ("Shift_JIS", "multi-byte"),
        ("UTF-32", "multi-byte"),
        ("big5", "multi-byte"),
        ("klingon", "no text encoding of that name"),
        ("rot13", "no text encoding of that name"),
        ("punycode", "decoder fails"),
    ],
)
def test_an_encoding_the_xml_parser_cannot_use_is_located_at_its_name(
    encoding: str, why: str
) -> None:
    (problem,) = _problems(lambda: parse_sbom(_declaring(encoding), "x@1", "f.xml"))
    assert (problem.location.file, problem.location.line, problem.location.col) == ("f.xml", 2, 17)
    assert repr(encoding) in problem.message and why in problem.message
    assert "save the SBOM as UTF-8" in problem.message


def test_a_single_byte_encoding_the_parser_can_use_is_read() -> None:
    body = cdx_xml(firmware_cdx()).replace(b"Fictional Radio Ltd", "Fictional Radio Ltée".encode())
    raw = _declaring("windows-1252", body.decode().encode("cp1252"))
    sbom = parse_sbom(raw, "x@1", "f.xml")
    assert sbom.root is not None and sbom.root.supplier == "Fictional Radio Ltée"


def test_the_command_line_reports_an_unreadable_encoding_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("f.xml").write_bytes(_declaring("Shift_JIS"))
    result = runner.invoke(app, ["evidence", "sbom", "fw@9.0", "f.xml"])
    assert result.exit_code == 2, result.output
    assert "f.xml:2:17:" in result.stderr and "Traceback" not in result.output + result.stderr


def test_every_encoding_python_knows_is_read_or_refused_where_it_is_named() -> None:
    """expat asks Python's codecs for any encoding it does not know itself: whatever a
    codec does, the outcome is a document read or a problem at the declaration."""
    names = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
    small = cdx_xml(cdx_of({"name": "x", "version": "1"}))
    for name in names:
        try:
            parse_sbom(_declaring(name, small), "x@1", "f.xml")
        except InputError as exc:
            assert [p.location.line for p in exc.problems] == [2], (name, exc.problems)


# ---------------------------------------------------------------------------- values that only look right


def _heartbleed() -> dict[str, Any]:
    return json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())


def _osv_messages(record: dict[str, Any], rules: Any = None) -> list[str]:
    raw = json.dumps(record, indent=1).encode()
    return [
        f"{p.location.path}: {p.message}"
        for p in _problems(lambda: parse_osv(raw, "o.json", rules or RULES))
    ]


def _pypi_record(ecosystem: str) -> dict[str, Any]:
    return {
        "id": "PYSEC-2099-1",
        "modified": "2099-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": ecosystem, "name": "jinja2"}, "versions": ["1"]}],
    }


@pytest.mark.parametrize(
    ("ecosystem", "expected"),
    [
        ("pypi", "names are case-sensitive; did you mean 'PyPI'?"),
        ("debian:12", "did you mean 'Debian'?"),
        ("Klingon", "unknown ecosystem 'Klingon': not one of the 49"),
        ("Debian:", "nothing follows ':'"),
        ("", "expected text, got ''"),
    ],
)
def test_an_ecosystem_the_osv_schema_does_not_define_is_refused_where_it_is(
    ecosystem: str, expected: str
) -> None:
    (message,) = _osv_messages(_pypi_record(ecosystem))
    assert message.startswith("affected[0].package.ecosystem: ") and expected in message


@pytest.mark.parametrize(
    "ecosystem", ["PyPI", "Debian:12", "Ubuntu:22.04:LTS", "Maven:https://x/y"]
)
def test_ecosystems_of_the_schema_with_a_release_are_read(ecosystem: str) -> None:
    assert parse_osv(dumps(_pypi_record(ecosystem)), "o.json", RULES) is not None


def test_a_newer_ecosystem_is_read_once_the_catalogue_lists_it() -> None:
    rules = RULES.model_copy(update={"osv_ecosystems": (*RULES.osv_ecosystems, "Klingon")})
    assert parse_osv(dumps(_pypi_record("Klingon:2")), "o.json", rules) is not None


def test_every_ecosystem_a_purl_is_matched_in_is_one_the_catalogue_knows() -> None:
    derived = {*ECOSYSTEM_OF_PURL.values(), *DISTRO_OF_PURL.values()}
    assert derived <= set(RULES.osv_ecosystems)


@pytest.mark.parametrize(
    ("entry", "where", "expected"),
    [
        ({"type": "CVSS_V3", "score": "9.8"}, "score", "starting CVSS:3.0/ or CVSS:3.1/"),
        ({"type": "CVSS_V2", "score": "7.5"}, "score", "a CVSS_V2 score is a CVSS vector"),
        ({"type": "CVSS_V4", "score": "9.3"}, "score", "starting CVSS:4.0/"),
        (
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"},
            "score",
            "base metric A missing",
        ),
        ({"type": "CVSS_V3", "score": "CVSS:3.1/AV:X/AC:L"}, "score", "AV is one of N, A, L, P"),
        (
            {
                "type": "CVSS_V4",
                "score": "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            },
            "score",
            "AV comes before AC",
        ),
        ({"type": "Ubuntu", "score": "High"}, "score", "an Ubuntu priority is one of"),
        ({"type": "CVSS_V5", "score": "9.8"}, "type", "unknown severity type 'CVSS_V5'"),
    ],
)
def test_a_severity_score_that_is_no_vector_of_its_type_is_refused_where_it_is(
    entry: dict[str, str], where: str, expected: str
) -> None:
    record = _heartbleed()
    record["severity"] = [record["severity"][0], entry]
    record["affected"][0]["severity"] = [entry]
    messages = _osv_messages(record)
    assert [m.partition(": ")[0] for m in messages] == [
        f"severity[1].{where}",
        f"affected[0].severity[0].{where}",
    ]
    assert all(expected in m for m in messages), messages


def test_the_vectors_of_every_cvss_version_and_ubuntu_priorities_are_read() -> None:
    record = _heartbleed()
    record["severity"] = [
        {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:N/A:N/E:F/RL:OF/RC:C"},
        {"type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:P/MAV:L"},
        {
            "type": "CVSS_V4",
            "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/U:Red",
        },
        {"type": "Ubuntu", "score": "medium"},
    ]
    parsed = parse_osv(dumps(record), "o.json", RULES)
    assert parsed is not None and len(parsed.severity) == 4


def test_a_malformed_purl_is_refused_in_osv_records_and_every_sbom_encoding() -> None:
    bad = "pkg:pypi/jinja2@@2.11.2"
    record = _pypi_record("PyPI")
    record["affected"][0]["package"]["purl"] = bad
    (message,) = _osv_messages(record)
    assert message.startswith("affected[0].package.purl: not a package URL: more than one '@'")
    cdx = firmware_cdx()
    good = cdx["components"][3]["purl"]
    xml = cdx_xml(cdx).replace(f"<purl>{good}</purl>".encode(), f"<purl>{bad}</purl>".encode())
    cdx["components"][3]["purl"] = bad
    spdx = spdx_json()
    spdx["packages"][2]["externalRefs"][0]["referenceLocator"] = bad
    for raw, name, path in [
        (dumps(cdx), "f.json", r"components\[3\]\.purl"),
        (xml, "f.xml", r"components\[\d+\]\.purl"),
        (dumps(spdx), "s.json", r"packages\[2\]\.externalRefs\[0\]\.referenceLocator"),
    ]:  # the library's XML writer sorts components: the one changed lands elsewhere
        (problem,) = _problems(lambda raw=raw, name=name: parse_sbom(raw, "x@1", name))
        assert re.fullmatch(path, problem.location.path or ""), problem
        assert "'@' in the name is written %40" in problem.message
        assert problem.location.line is not None


@pytest.mark.parametrize(
    ("purl", "expected"),
    [
        ("pkg:pypi/jinja2@", "no version after '@'"),
        ("pkg:pypi/jinja2%zz@2.11.2", "'%' must start a byte written %XX"),
        ("pkg:pypi/jinja2@2.11.2@3", "more than one '@'"),
    ],
)
def test_purls_the_lenient_library_lets_through_are_refused(purl: str, expected: str) -> None:
    cdx = cdx_of({"name": "jinja2", "version": "2.11.2", "purl": purl})
    (problem,) = _problems(lambda: parse_sbom(dumps(cdx), "x@1", "f.json"))
    assert problem.location.path == "components[0].purl" and expected in problem.message


@pytest.mark.parametrize("encoding", ["json", "xml"])
def test_each_bad_depends_on_entry_is_reported_beside_a_bad_ref(encoding: str) -> None:
    dependency = {"ref": "ghost", "dependsOn": ["fw", "", "nobody"]}
    raw = dumps({**firmware_cdx(), "dependencies": [dependency]})
    if encoding == "xml":  # written by hand: the library's writer refuses dangling refs
        inner = "".join(f'<dependency ref="{target}"/>' for target in dependency["dependsOn"])
        written = cdx_xml(firmware_cdx()).decode()
        start, end = written.index("<dependencies>"), written.index("</dependencies>")
        element = f'<dependencies><dependency ref="{dependency["ref"]}">{inner}</dependency>'
        raw = (written[:start] + element + written[end:]).encode()
    problems = _problems(lambda: parse_sbom(raw, "x@1", f"f.{encoding}"))
    assert [(p.location.path, p.message.split(" ")[-1]) for p in problems] == [
        ("dependencies[0].ref", "SBOM"),
        ("dependencies[0].dependsOn[1]", "''"),
        ("dependencies[0].dependsOn[2]", "SBOM"),
    ]
    assert len({(p.location.line, p.location.col) for p in problems}) == 3
