"""Fuzzing every new reader: registry entries, evaluation files, signed attestations, trust
lists and build provenance. Whatever the mutated input, the only failure is an InputError
whose every problem names the file; a changed attestation is never accepted as another."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.evidence.provenance import read_provenance
from fiveguard.lab.attestation import accept, build_statement, sign
from fiveguard.modelio.lab_files import read_evaluation
from fiveguard.modelio.registry_files import entry_yaml, read_registry
from lab_world import event, finding, registry, signer, write_registry

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ISSUED = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
NOW = ISSUED + dt.timedelta(days=1)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.sampled_from(["2026-02-30", "CVSS:3.1/AV:N", "TS 33.999", "9.0", "open", "fixed"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=5,
)


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
            del data[at : at + draw(st.integers(1, 32))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mutated_data(draw: st.DrawFn, seed: Any) -> Any:
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while isinstance(node, dict | list) and node:
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            key, child = draw(st.sampled_from(children))
            if not isinstance(child, dict | list) or not child or draw(st.booleans()):
                if isinstance(node, dict) and draw(st.integers(0, 3)) == 0:
                    del node[key]
                else:
                    node[key] = draw(values)
                break
            node = child
    return data


def only_located(run: Any, name: str) -> Any:
    try:
        return run()
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file is not None and name in problem.location.file, problem
            str(problem).encode("utf-8")
    return None


FINDING = finding(
    "f-1",
    event("2025-03-01", "open"),
    event("2025-04-01", "fixed", fixed_in="9.1"),
    event("2025-05-01", "retested", retest_passed=True),
    event("2025-05-02", "closed"),
    cvss="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    area="build-integrity",
)
FINDING_DATA = yaml.safe_load(entry_yaml(FINDING))


@FUZZ
@given(st.data())
def test_registry_record_files_fail_only_where_they_are(
    tmp_path_factory: Any, data: st.DataObject
) -> None:
    root = write_registry(tmp_path_factory.mktemp("reg"))
    path = root / "records" / "f-1.yaml"
    path.parent.mkdir(exist_ok=True)
    if data.draw(st.booleans()):
        path.write_bytes(data.draw(mutated_bytes(entry_yaml(FINDING).encode())))
    else:
        path.write_text(yaml.safe_dump(data.draw(mutated_data(FINDING_DATA))))
    only_located(lambda: read_registry(root), "reg")


EVALUATION = {
    "id": "e-1",
    "lab": "xec",
    "title": "NESAS",
    "date": "2026-01-01",
    "scheme": {"kind": "nesas", "name": "GSMA NESAS", "version": "2.0"},
    "product": "korvath.gnb",
    "versions": ["9.0"],
    "scas": ["TS 33.117"],
    "test_cases": [{"spec": "TS 33.117", "id": "TC_X", "result": "pass"}],
    "result": "pass",
}


@FUZZ
@given(st.data())
def test_evaluation_files_fail_only_where_they_are(
    tmp_path_factory: Any, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("ev") / "eval.yaml"
    if data.draw(st.booleans()):
        path.write_bytes(data.draw(mutated_bytes(yaml.safe_dump(EVALUATION).encode())))
    else:
        path.write_text(json.dumps(data.draw(mutated_data(EVALUATION))))
    only_located(lambda: read_evaluation(path), "eval.yaml")


def _envelope() -> bytes:
    reg = registry()
    draft = build_statement(
        reg, "xec", "korvath.gnb", ["9.0"], [finding(affected=("9.0",))], ISSUED, Tlp.AMBER
    )
    made, _ = signer()
    return sign(draft, made).to_json()


ENVELOPE = _envelope()


@FUZZ
@given(mutated_bytes(ENVELOPE))
def test_a_mutated_envelope_is_refused_or_says_the_same(raw: bytes) -> None:
    _, trust = signer()
    original = accept(ENVELOPE, "env.json", trust, registry(), now=NOW, importer="xcsa")
    accepted = only_located(
        lambda: accept(raw, "env.json", trust, registry(), now=NOW, importer="xcsa"), "env.json"
    )
    if accepted is not None:  # only layout outside the signed payload may have changed
        assert accepted.payload_sha256 == original.payload_sha256


@FUZZ
@given(st.data())
def test_a_resigned_mutated_statement_fails_only_with_located_problems(data: st.DataObject) -> None:
    import base64

    made, trust = signer()
    statement = json.loads(base64.b64decode(json.loads(ENVELOPE)["payload"]))
    mutated = data.draw(mutated_data(statement))
    try:
        from fiveguard.exchange.jsonio import canonical

        payload = canonical(mutated)
    except Exception:
        return
    raw = made.sign(payload).to_json()
    only_located(
        lambda: accept(raw, "env.json", trust, registry(), now=NOW, importer="xcsa"), "env.json"
    )


PROVENANCE = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "bin/amf", "digest": {"sha256": "c" * 64}}],
    "predicateType": "https://slsa.dev/provenance/v1",
    "predicate": {"buildDefinition": {}},
}


@FUZZ
@given(st.data())
def test_provenance_fails_only_where_it_is(tmp_path_factory: Any, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("prov") / "prov.json"
    if data.draw(st.booleans()):
        path.write_bytes(data.draw(mutated_bytes(json.dumps(PROVENANCE).encode())))
    else:
        path.write_text(json.dumps(data.draw(mutated_data(PROVENANCE))))
    only_located(lambda: read_provenance(path), "prov.json")


def test_the_fuzzers_seeds_are_valid(tmp_path: Path) -> None:
    """The seeds pass, so a mutation is what a refusal is about."""
    path = tmp_path / "eval.yaml"
    path.write_text(yaml.safe_dump(EVALUATION))
    assert read_evaluation(path).id == "e-1"
    _, trust = signer()
    assert accept(ENVELOPE, "env.json", trust, registry(), now=NOW, importer="xcsa")
    prov = tmp_path / "prov.json"
    prov.write_text(json.dumps(PROVENANCE))
    assert read_provenance(prov).entries == {"bin/amf": "c" * 64}
