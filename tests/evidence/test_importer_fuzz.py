"""Fuzzing every evidence importer: whatever the mutated input, the only failure is an
InputError whose every problem names the file; never another exception.

Byte mutations mostly stop at the first syntax check, so each importer is also fuzzed
where it matters: JSON structure, the values and attributes of a well-formed CycloneDX
XML document (which must all reach the CycloneDX checker), and tar archives built member
by member from generated names, link targets, types and sizes (whose result, when read at
all, holds only relative paths inside the tree and wrote nothing anywhere)."""

from __future__ import annotations

import copy
import errno
import io
import json
import os
import posixpath
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from evidence_samples import OSV_DIR, cdx_xml, dumps, firmware_cdx, spdx_json, spdx_tag_value
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.evidence.equivalence import read_archive, read_manifest
from fiveguard.evidence.osv import parse_osv
from fiveguard.evidence.sbom import parse_sbom
from fiveguard.modelio.evidence_store import read_evidence_dirs
from fiveguard.modelio.jsonsource import MAX_JSON_DEPTH, JsonLocator, parse_json
from fiveguard.modelio.yamlsource import PathKey, parse_yaml

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
RULES = default_catalogue().evidence_rules
LIMITS = RULES.archive_limits.model_copy(
    update={"ratio_after_bytes": 1 << 16, "max_total_bytes": 1 << 22, "max_members": 200}
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["\udfff", "x\ud800y"]),  # lone surrogates, written as JSON escapes
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _only_located(run: Callable[[], object], name: str) -> None:
    try:
        run()
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file is not None and name in problem.location.file, problem
            str(problem).encode("utf-8")  # every message can be shown


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mutated_json(draw: st.DrawFn, seed: Any) -> Any:
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while True:
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            if not children:
                break
            key, child = draw(st.sampled_from(children))
            if not isinstance(child, dict | list) or draw(st.booleans()):
                if isinstance(node, dict) and draw(st.integers(0, 4)) == 0:
                    del node[key]
                else:
                    node[key] = draw(json_values)
                break
            node = child
    return data


# ---------------------------------------------------------------------------- SBOMs

CDX_JSON = dumps(firmware_cdx())
CDX_XML = cdx_xml(firmware_cdx())
SPDX_JSON = dumps(spdx_json())
SPDX_TV = spdx_tag_value(spdx_json())


@FUZZ
@given(mutated_json(firmware_cdx()))
def test_cyclonedx_json_structure(data: Any) -> None:
    _only_located(lambda: parse_sbom(dumps(data), "x@1", "f.json"), "f.json")


@FUZZ
@given(mutated_bytes(CDX_JSON))
def test_cyclonedx_json_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_sbom(raw, "x@1", "f.json"), "f.json")


@FUZZ
@given(mutated_bytes(CDX_XML))
def test_cyclonedx_xml_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_sbom(raw, "x@1", "f.xml"), "f.xml")


XML_TEXT = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
INTERESTING = [
    "",
    " ",
    "x",
    "library",
    "firmware",
    "not-a-type",
    "SHA-256",
    "MD5",
    "ab" * 32,
    "zz",
    "pkg:pypi/x@1",
    "pkg:",
    "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*",
    "2025-01-31",
    "soon",
    "fiveguard:end-of-support",
    "not_affected",
    "in_triage",
    "because",
    "code_not_reachable",
    "update",
    "pray",
    "openssl-3",
    "oam",
    "ghost",
    "urn:cdx:x/1#openssl-3",
    "CVE-2022-3786",
    "x" * 2100,
]
xml_values = st.one_of(st.sampled_from(INTERESTING), st.text(XML_TEXT, max_size=12))
XML_ATTRIBUTES = ["type", "bom-ref", "ref", "alg", "name", "version", "unexpected"]


@st.composite
def mutated_xml(draw: st.DrawFn, seed: bytes) -> bytes:
    """A well-formed variant of ``seed``: element texts and attributes changed, elements
    dropped or repeated. Serialised by ElementTree, so it always parses."""
    root = ET.fromstring(seed)
    for _ in range(draw(st.integers(1, 4))):
        elements = list(root.iter())
        element = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "attribute", "drop-attribute", "drop", "repeat"]))
        if op == "text":
            element.text = draw(xml_values)
        elif op == "attribute":
            element.set(draw(st.sampled_from(XML_ATTRIBUTES)), draw(xml_values))
        elif op == "drop-attribute" and element.attrib:
            del element.attrib[draw(st.sampled_from(sorted(element.attrib)))]
        elif op in ("drop", "repeat"):
            parents = [p for p in elements if element in list(p)]
            if parents:
                parent = parents[0]
                if op == "drop":
                    parent.remove(element)
                else:
                    parent.append(copy.deepcopy(element))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@FUZZ
@given(mutated_xml(CDX_XML))
def test_cyclonedx_xml_values_and_attributes(raw: bytes) -> None:
    try:
        parse_sbom(raw, "x@1", "f.xml")
    except InputError as exc:
        for problem in exc.problems:
            assert problem.location.file == "f.xml", problem
            # well-formed by construction: every refusal comes from the checks after parsing
            assert "XML syntax error" not in problem.message, problem


@FUZZ
@given(mutated_json(spdx_json()))
def test_spdx_json_structure(data: Any) -> None:
    _only_located(lambda: parse_sbom(dumps(data), "x@1", "s.json"), "s.json")


@FUZZ
@given(mutated_bytes(SPDX_JSON))
def test_spdx_json_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_sbom(raw, "x@1", "s.json"), "s.json")


@FUZZ
@given(mutated_bytes(SPDX_TV))
def test_spdx_tag_value_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_sbom(raw, "x@1", "s.spdx"), "s.spdx")


# ---------------------------------------------------------------------------- OSV

OSV_SEED = json.loads((OSV_DIR / "openssl" / "CVE-2014-0160.json").read_text())
OSV_YAML = (OSV_DIR / "synthetic" / "FG-TEST-2026-0002.yaml").read_bytes()


@FUZZ
@given(mutated_json(OSV_SEED))
def test_osv_json_structure(data: Any) -> None:
    _only_located(lambda: parse_osv(dumps(data), "o.json", RULES), "o.json")


@FUZZ
@given(mutated_bytes(dumps(OSV_SEED)))
def test_osv_json_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_osv(raw, "o.json", RULES), "o.json")


@FUZZ
@given(mutated_bytes(OSV_YAML))
def test_osv_yaml_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_osv(raw, "o.yaml", RULES, yaml=True), "o.yaml")


# ---------------------------------------------------------------------------- manifests, archives

MANIFEST = (
    "0" * 64
    + "  ./bin/amf\n"
    + "a" * 64
    + " *lib/libssl.so.3\n"
    + "SHA256 (etc/x) = "
    + "b" * 64
    + "\n"
).encode()


def _archive(mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in (("bin/amf", b"amf" * 50), ("lib/x.so", b"x" * 700)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("lib/y.so")
        link.type = tarfile.SYMTYPE
        link.linkname = "x.so"
        archive.addfile(link)
    return buffer.getvalue()


@FUZZ
@given(mutated_bytes(MANIFEST))
def test_manifest_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("m")) / "m.sha256"
    path.write_bytes(raw)
    _only_located(lambda: read_manifest(path, LIMITS, "m.sha256"), "m.sha256")


@FUZZ
@given(
    st.sampled_from(["w", "w:gz", "w:bz2", "w:xz"]).flatmap(lambda m: mutated_bytes(_archive(m)))
)
def test_archive_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("a")) / "a.tar"
    path.write_bytes(raw)
    _only_located(lambda: read_archive(path, LIMITS, "a.tar"), "a.tar")


_SAFE = st.sampled_from(["a", "b", "lib", "bin", "etc", "x.so", "..a", "a..", "-", "."])
_RISKY = st.sampled_from(["..", "", "C:", "c:\\x", "..\\..", "~", "x" * 120])
_ANY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), max_size=6
)


def member_names(hostile: bool) -> st.SearchStrategy[str]:
    """Relative names of ordinary segments; when ``hostile``, also absolute ones, '..',
    drive letters, backslashes and any text."""
    if not hostile:
        leads = st.sampled_from(["", "", "./"])
        segments: st.SearchStrategy[str] = _SAFE
    else:
        leads = st.sampled_from(["", "", "./", "/", "//"])
        segments = st.one_of(_SAFE, _RISKY, _ANY_TEXT)
    return st.builds(
        lambda lead, parts: lead + "/".join(parts),
        leads,
        st.lists(segments, min_size=1, max_size=3),
    )


MEMBER_TYPES = [
    *[tarfile.REGTYPE] * 4,
    *[tarfile.SYMTYPE] * 3,
    *[tarfile.LNKTYPE] * 3,
    tarfile.AREGTYPE,
    tarfile.DIRTYPE,
    tarfile.CONTTYPE,
    tarfile.FIFOTYPE,
    tarfile.CHRTYPE,
    tarfile.BLKTYPE,
    b"Z",
]
_DATA_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)


@st.composite
def archives(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A tar archive of generated members: names (with '..', absolute and drive paths),
    types, link targets (earlier members' names or anything) and contents."""
    buffer = io.BytesIO()
    names: list[str] = []
    generated = member_names(draw(st.booleans()))
    mode = draw(st.sampled_from(["w", "w", "w:gz", "w:bz2"]))
    with tarfile.open(fileobj=buffer, mode=mode, format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
        for _ in range(draw(st.integers(1, 6))):
            name = draw(generated)
            info = tarfile.TarInfo(name)
            info.type = draw(st.sampled_from(MEMBER_TYPES))
            earlier = st.sampled_from(names) if names else generated
            # relative climbs through earlier members, the shape of a link that leaves the
            # tree only through another link (a/d -> .., a/x -> d/..)
            steps = st.sampled_from(["..", ".", *(n.rpartition("/")[2] for n in names)])
            through = st.lists(steps, min_size=1, max_size=4).map("/".join)
            info.linkname = draw(st.one_of(earlier, earlier, generated, through))
            data = draw(st.binary(max_size=64)) if info.type in _DATA_TYPES else b""
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data else None)
            names.append(name)
    return buffer.getvalue(), names


def _inside(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "\x00" not in path


@FUZZ
@given(archives())
def test_archive_members_generated(tmp_path_factory: Any, archive: tuple[bytes, list[str]]) -> None:
    raw, _ = archive
    root = Path(tmp_path_factory.mktemp("t"))
    path = root / "a.tar"
    path.write_bytes(raw)
    before = sorted(p.name for p in root.parent.iterdir())
    accepted = None
    try:
        tree = read_archive(path, LIMITS, "a.tar")
    except InputError as exc:
        assert exc.problems
        assert all(p.location.file == "a.tar" for p in exc.problems), exc.problems
    else:
        for name, digest in tree.entries.items():
            assert _inside(name) and name == posixpath.normpath(name), name
            if digest.startswith("symlink:"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), digest[8:]))
                assert not digest[8:].startswith("/") and _inside(target), (name, digest)
        accepted = tree.entries
    assert sorted(p.name for p in root.iterdir()) == ["a.tar"]  # nothing extracted
    assert sorted(p.name for p in root.parent.iterdir()) == before
    if accepted is not None:
        _links_resolve_inside(accepted, root / "links")


def _make_links(links: dict[str, str], root: Path) -> list[str]:
    """The links, made real under ``root`` where no parent is itself a link (so nothing is
    ever written through one); the names made."""
    made = []
    for name, target in links.items():
        parents = name.split("/")[:-1]
        if any("/".join(parents[: i + 1]) in links for i in range(len(parents))):
            continue
        try:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, root / name)
        except OSError:  # a name that is a directory of another entry: not made
            continue
        made.append(name)
    return made


def _leaving(names: list[str], root: Path) -> list[str]:
    """The links among ``names`` that the file system resolves outside ``root``."""
    real_root = os.path.realpath(root)
    out = []
    for name in names:
        real = os.path.realpath(root / name)
        if not (real == real_root or real.startswith(real_root + os.sep)):
            out.append(name)
    return out


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _links_resolve_inside(entries: dict[str, str], root: Path) -> None:
    """The file system as oracle: the accepted links, made real, resolve inside ``root``."""
    links = {n: d[8:] for n, d in entries.items() if d.startswith("symlink:")}
    assert not _leaving(_make_links(links, root), root), links


_LINK_STEPS = st.sampled_from(["..", ".", "a", "b", "d"])


@FUZZ
@given(
    st.dictionaries(
        st.lists(st.sampled_from(["a", "b", "d"]), min_size=1, max_size=2).map("/".join),
        st.lists(_LINK_STEPS, min_size=1, max_size=4).map("/".join),
        min_size=1,
        max_size=5,
    )
)
def test_link_chains_agree_with_the_file_system(
    tmp_path_factory: Any, links: dict[str, str]
) -> None:
    """Archives of links only, whose targets climb through one another: what the reader
    accepts, the file system (the links made real) resolves inside; what it refuses for
    leaving through other links, the file system resolves outside. (A target whose text
    alone climbs out is refused even where a link on its way would bring it back.)"""
    root = Path(tmp_path_factory.mktemp("chain"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    (root / "a.tar").write_bytes(buffer.getvalue())
    made = _make_links(links, root / "tree")
    if len(made) < len(links) or any(_loops(root / "tree" / name) for name in made):
        return  # not made whole, or a loop, which resolves nowhere (realpath guesses)
    leaving = _leaving(made, root / "tree")
    try:
        read_archive(root / "a.tar", LIMITS, "a.tar")
    except InputError as exc:
        through = [p for p in exc.problems if "links it passes through" in p.message]
        assert leaving or not through, (links, exc.problems)
    else:
        assert not leaving, links


# ---------------------------------------------------------------------------- stored records

RECORD = {
    "id": "equivalence-fw-9.0",
    "type": "equivalence",
    "title": "t",
    "product": "fw@9.0",
    "identical": 1,
    "differing": 0,
    "missing": 1,
    "extra": 0,
    "missing_paths": ["lib"],
}


@FUZZ
@given(mutated_json(RECORD))
def test_stored_records(tmp_path_factory: Any, data: Any) -> None:
    root = Path(tmp_path_factory.mktemp("s"))
    (root / "evidence").mkdir()
    (root / "evidence" / "r.json").write_bytes(dumps(data))

    def run() -> None:
        stored = read_evidence_dirs(root, ["evidence"], set(), lambda i, m: None)  # type: ignore[arg-type,return-value]
        if stored.problems:
            raise InputError(stored.problems)

    _only_located(run, "r.json")


# ---------------------------------------------------------------------------- locating in JSON

_PLAIN_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029\ufeff"),
    max_size=6,
)
"""Text whose lines YAML counts as JSON does (it also breaks lines at NEL, LS and PS)."""
plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _PLAIN_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_PLAIN_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _paths(data: Any, path: PathKey = ()) -> list[PathKey]:
    children = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    return [path, *(p for key, value in children for p in _paths(value, (*path, key)))]


@FUZZ
@given(plain_json, st.sampled_from([None, 0, 1, 2, "\t"]), st.booleans())
def test_json_locations_agree_with_the_yaml_reader(
    data: Any, indent: Any, ascii_only: bool
) -> None:
    """The JSON locator finds every value where the YAML reader (JSON is YAML) puts it,
    and a path missing from the text at its nearest ancestor, as the YAML reader does."""
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    try:
        positioned = parse_yaml(text, "d.json")
    except InputError:
        assume(False)
    locator = JsonLocator(text, "d.json")
    for path in [*_paths(data), ("absent",), (0, "absent"), (99,)]:
        expected = positioned.locate(path)
        assert locator.locate(path) == expected, (path, text)


def _too_deep_reference(text: str) -> int | None:
    """Character by character: where nesting first passes the limit, outside strings."""
    depth, in_string, escaped = 0, False, False
    for offset, char in enumerate(text):
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return None


_NESTING_PIECES = st.sampled_from(["[", "{", "]", "}", '"[{"', '"\\"["', '"\\\\"', " ", "1,"])


@FUZZ
@given(st.lists(_NESTING_PIECES, max_size=40), st.integers(MAX_JSON_DEPTH - 3, MAX_JSON_DEPTH + 3))
def test_too_deep_json_is_refused_exactly_where_the_reference_says(
    pieces: list[str], opening: int
) -> None:
    """Brackets inside strings (and escaped quotes) never count towards the depth."""
    text = "[" * opening + "".join(pieces)
    expected = _too_deep_reference(text)
    try:
        parse_json(text, "d.json")
    except InputError as exc:
        deep = [p for p in exc.problems if "nested deeper" in p.message]
        if expected is None:
            assert not deep, (text, exc.problems)
        else:
            assert [(p.location.line, p.location.col) for p in deep] == [(1, expected + 1)]
    else:
        assert expected is None
