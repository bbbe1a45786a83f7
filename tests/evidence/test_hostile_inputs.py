"""Evidence readers under attack: inputs crafted to crash, hang or exhaust a reader.

Each must end in located problems (exit code 2 at the command line), in bounded time and
memory, with nothing written. Where time is the point, the attack runs in a subprocess
under a generous hang guard: the test fails on a hang, never on a measured duration.
"""

from __future__ import annotations

import encodings.aliases
import errno
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
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
from fiveguard.evidence.equivalence import read_archive, read_directory
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


# ---------------------------------------------------------------------------- archives of links

HANG_GUARD = 120
"""Seconds a subprocess may take before the test calls it a hang; the work takes well
under a second."""


def _links_archive(path: Path, links: dict[str, str], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def _read_in_subprocess(path: Path) -> list[str]:
    """The problems of reading ``path`` as an archive, in a subprocess under the guard."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fiveguard.catalog import default_catalogue\n"
        "from fiveguard.domain.errors import InputError\n"
        "from fiveguard.evidence.equivalence import read_archive\n"
        "limits = default_catalogue().evidence_rules.archive_limits\n"
        "try:\n"
        "    read_archive(Path(sys.argv[1]), limits, 'links.tar.gz')\n"
        "except InputError as exc:\n"
        "    print('\\n'.join(str(p) for p in exc.problems))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading the archive did not end within {HANG_GUARD} s")
    return done.stdout.splitlines()


def test_a_link_with_a_megabyte_target_is_refused_at_once(tmp_path: Path) -> None:
    archive = _links_archive(tmp_path / "links.tar.gz", {"l": "a/" * 500_000})
    assert archive.stat().st_size < 4096  # the attack is small
    assert _read_in_subprocess(archive) == [
        "links.tar.gz: l: link target of 1,000,000 characters, more than the limit of 4,096 "
        "(archive_limits.max_path_length)"
    ]


def test_links_following_each_other_through_long_targets_end_in_bounded_time(
    tmp_path: Path,
) -> None:
    """Each link resolves through 40 hops of a 4,000-character target: within the hop
    limit, and refused once the links take more steps than their text can justify."""
    links = {f"d{i}": "./" * 2000 + "m" for i in range(60)}
    links["m"] = "./" * 2000 + "d0"
    problems = _read_in_subprocess(_links_archive(tmp_path / "links.tar.gz", links))
    assert len(problems) == 1 and "links too tangled to check" in problems[0]


def test_a_link_target_is_read_up_to_the_path_length_limit(tmp_path: Path) -> None:
    limits = RULES.archive_limits.model_copy(update={"max_path_length": 64})
    fits = _links_archive(tmp_path / "fits.tar", {"l": "a/" * 31 + "b"}, "w")
    assert read_archive(fits, limits).entries == {"l": "symlink:" + "a/" * 31 + "b"}
    longer = _links_archive(tmp_path / "longer.tar", {"l": "a/" * 32 + "b"}, "w")
    (problem,) = _problems(lambda: read_archive(longer, limits, "longer.tar"))
    assert problem.location.path == "l" and "65 characters" in problem.message
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "l").symlink_to("a/" * 32 + "b")
    (problem,) = _problems(lambda: read_directory(tmp_path / "tree", limits, "tree"))
    assert problem.location.path == "l" and "65 characters" in problem.message


def test_an_archive_of_links_alone_is_held_to_the_decompression_ratio(tmp_path: Path) -> None:
    limits = RULES.archive_limits.model_copy(update={"ratio_after_bytes": 1 << 16})
    links = {f"l{i}": "a/" * 2000 + "b" for i in range(500)}
    archive = _links_archive(tmp_path / "links.tar.gz", links)
    (problem,) = _problems(lambda: read_archive(archive, limits, "links.tar.gz"))
    assert "decompression bomb" in problem.message and problem.location.path is not None


# ---------------------------------------------------------------------------- unwritable evidence

MODEL = """\
fiveguard: 1
scope: {country: XR, name: Unwritable evidence, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 100000}
suppliers:
  - {id: sup-a, name: Supplier A, headquarters: SE, ownership: listed}
products:
  - {id: fw, supplier: sup-a, name: Radio firmware, kind: ran.gnb, versions: ["9.0"]}
operators:
  - {id: op-a, name: Operator A, subscribers: 50000}
assets:
  - {id: a.ran, operator: op-a, kind: ran.gnb, product: fw@9.0, region: R1, sites: 3}
evidence_dirs: evidence
"""


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """A model whose evidence directory holds an SBOM, a scan and an equivalence record;
    the records' bytes."""
    monkeypatch.chdir(tmp_path)
    Path("model.yaml").write_text(MODEL)
    Path("fw.cdx.json").write_bytes(dumps(firmware_cdx()))
    for side in ("reviewed", "deployed"):
        Path(side).mkdir()
        (Path(side) / "app").write_bytes(b"A")
    for args in _RECORDING:
        result = runner.invoke(app, ["evidence", *args, "-m", "model.yaml"])
        assert result.exit_code == 0, result.output
    return _records()


_RECORDING = [
    ["sbom", "fw@9.0", "fw.cdx.json"],
    ["vulns", "fw@9.0", "--osv", str(OSV_DIR)],
    ["equivalence", "reviewed", "deployed", "-p", "fw@9.0"],
]


def _records() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path("evidence").iterdir()}


def _full_disk(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
    """Path.write_text on a full disk: part of the text lands, then the write fails."""
    with self.open("w", encoding="utf-8") as handle:
        handle.write(text[: len(text) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))


def _read_only(*args: Any, **kwargs: Any) -> Any:
    """tempfile.mkstemp in a directory on a read-only file system."""
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize("args", _RECORDING, ids=["sbom", "vulns", "equivalence"])
@pytest.mark.parametrize(
    ("target", "attack", "reason"),
    [
        (Path, _full_disk, "No space left on device"),
        (tempfile, _read_only, "Read-only file system"),
    ],
    ids=["disk-full", "read-only"],
)
def test_an_unwritable_evidence_directory_is_a_message_and_earlier_records_stay(
    recorded: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    target: object,
    attack: Any,
    reason: str,
) -> None:
    Path("fw.cdx.json").write_bytes(dumps({**firmware_cdx(), "version": 2}))
    (Path("deployed") / "app").write_bytes(b"B")
    monkeypatch.setattr(target, "write_text" if target is Path else "mkstemp", attack)
    result = runner.invoke(app, ["evidence", *args, "-m", "model.yaml"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    (line,) = [line for line in result.stderr.splitlines() if reason in line]
    assert line.startswith("evidence/") and "nothing was recorded" in line
    assert _records() == recorded  # every earlier record whole, no temporary file left
