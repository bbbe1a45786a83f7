"""Fuzzing every evidence importer: whatever the mutated input, the only failure is an
InputError whose every problem names the file; never another exception."""

from __future__ import annotations

import copy
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence_samples import OSV_DIR, cdx_xml, dumps, firmware_cdx, spdx_json, spdx_tag_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.evidence.equivalence import read_archive, read_manifest
from fiveguard.evidence.osv import parse_osv
from fiveguard.evidence.sbom import parse_sbom
from fiveguard.modelio.evidence_store import read_evidence_dirs

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LIMITS = default_catalogue().evidence_rules.archive_limits.model_copy(
    update={"ratio_after_bytes": 1 << 16, "max_total_bytes": 1 << 22, "max_members": 200}
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
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
    _only_located(lambda: parse_osv(dumps(data), "o.json"), "o.json")


@FUZZ
@given(mutated_bytes(dumps(OSV_SEED)))
def test_osv_json_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_osv(raw, "o.json"), "o.json")


@FUZZ
@given(mutated_bytes(OSV_YAML))
def test_osv_yaml_bytes(raw: bytes) -> None:
    _only_located(lambda: parse_osv(raw, "o.yaml", yaml=True), "o.yaml")


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
