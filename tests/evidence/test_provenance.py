"""Binary equivalence against the vendor's build provenance (SLSA v1) or an SBOM's hashes."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.evidence.equivalence import compare, read_side
from fiveguard.evidence.provenance import read_provenance, sbom_side

FILES = {"bin/amf": b"amf binary", "lib/libnas.so": b"nas library"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def statement(
    subjects: dict[str, str], predicate: str = "https://slsa.dev/provenance/v1"
) -> dict[str, object]:
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": n, "digest": {"sha256": d}} for n, d in subjects.items()],
        "predicateType": predicate,
        "predicate": {
            "buildDefinition": {"buildType": "https://example.invalid/build"},
            "runDetails": {},
        },
    }


def deployed(tmp_path: Path, changed: str | None = None) -> Path:
    root = tmp_path / "deployed"
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data + (b"!" if name == changed else b""))
    return root


def test_a_deployment_matching_the_provenance_is_equivalent(tmp_path: Path) -> None:
    path = tmp_path / "prov.json"
    path.write_text(json.dumps(statement({n: sha(d) for n, d in FILES.items()})))
    limits = default_catalogue().evidence_rules.archive_limits
    result = compare(read_provenance(path), read_side(deployed(tmp_path), limits))
    assert result.ratio == 1.0 and result.total == 2


def test_provenance_in_dsse_json_lines_names_a_changed_binary(tmp_path: Path) -> None:
    lines = []
    for name, data in FILES.items():
        payload = base64.b64encode(json.dumps(statement({name: sha(data)})).encode()).decode()
        lines.append(
            json.dumps(
                {
                    "payload": payload,
                    "payloadType": "application/vnd.in-toto+json",
                    "signatures": [],
                }
            )
        )
    path = tmp_path / "build.intoto.jsonl"
    path.write_text("\n".join(lines) + "\n")
    limits = default_catalogue().evidence_rules.archive_limits
    result = compare(read_provenance(path), read_side(deployed(tmp_path, "bin/amf"), limits))
    assert result.differing == ["bin/amf"] and result.identical == ["lib/libnas.so"]


def test_other_predicates_and_bad_digests_are_located(tmp_path: Path) -> None:
    path = tmp_path / "prov.json"
    path.write_text(json.dumps(statement({"a": "x" * 64}, "https://slsa.dev/provenance/v0.2")))
    with pytest.raises(InputError, match=r"prov\.json: predicateType: expected SLSA provenance v1"):
        read_provenance(path)
    path.write_text(json.dumps(statement({"a": "ABC"})))
    with pytest.raises(
        InputError, match=r"prov.json: subject\[0\].digest.sha256: expected a SHA-256"
    ):
        read_provenance(path)
    path.write_text("{")
    with pytest.raises(InputError, match="JSON syntax error"):
        read_provenance(path)


def test_an_sboms_file_hashes_are_a_side(tmp_path: Path) -> None:
    sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "components": [
            {
                "type": "file",
                "name": n,
                "bom-ref": n,
                "hashes": [{"alg": "SHA-256", "content": sha(d)}],
            }
            for n, d in FILES.items()
        ]
        + [{"type": "library", "name": "nohash", "bom-ref": "nohash", "version": "1"}],
    }
    path = tmp_path / "sbom.cdx.json"
    path.write_text(json.dumps(sbom))
    rules = default_catalogue().evidence_rules
    side, without = sbom_side(path, rules)
    assert without == 1 and side.kind == "sbom"
    result = compare(side, read_side(deployed(tmp_path), rules.archive_limits))
    assert result.ratio == 1.0
