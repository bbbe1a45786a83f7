"""Fuzzing every reader of the exchange: envelopes, keyrings, mapping files, state files.
Whatever the bytes, the only outcomes are the value or located problems — never a
traceback — and a mutated envelope is never accepted."""

from __future__ import annotations

import datetime as dt
import json

from exchange_helpers import ISSUED, Ring, make_ring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.domain.errors import InputError
from fiveguard.exchange.keyring import keyring_json, read_keyring, verify_keyring
from fiveguard.exchange.mapping import read_mapping
from fiveguard.exchange.state import ExchangeState, read_state, state_json
from fiveguard.exchange.verify import verify_envelope

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SPECIAL = [b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\x00", b"\xff", b"\xc3", b" ",
           b"\n", b"null", b"true", b"1e999", b"-0", b"NaN", b"\\u0000", b"\\ud800", b"=="]  # fmt: skip
RING = make_ring({"XS-NCA": 1, "EU-COORD": 1})
MAPPING = (
    b"fiveguard_supplier_mapping: 1\nsuppliers:\n"
    b"  - {country: XS, ref: nordvik, canonical: 'lei:5493001KJTIIGC8Y1R12'}\n"
    b"  - {country: XA, ref: eastwave, canonical: 'name:eastwave'}\n"
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few edits: bytes flipped, deleted, inserted, or cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "cut", "duplicate"]))
        if action == "flip":
            out[i] ^= draw(st.integers(1, 255))
        elif action == "delete":
            del out[i : i + draw(st.integers(1, 8))]
        elif action == "insert":
            out[i:i] = draw(st.sampled_from(SPECIAL))
        elif action == "cut":
            del out[i:]
        else:
            j = draw(st.integers(i, min(len(out), i + 40)))
            out[j:j] = out[i:j]
    return bytes(out)


def outcome(read, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    try:
        read(raw)
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file, problem
            assert problem.message, problem


@FUZZ
@given(st.data())
def test_mutated_envelopes_are_refused_with_located_problems(
    envelope: bytes, ring: Ring, data: st.DataObject
) -> None:
    raw = data.draw(mutated(envelope))
    keyring = verify_keyring(ring.keyring, "ring.json")
    now = ISSUED + dt.timedelta(days=1)
    try:
        verify_envelope(raw, "e.json", keyring, now=now, as_org="EU-COORD")
    except InputError as exc:
        assert exc.problems and all(p.location.file for p in exc.problems)
        return
    assert raw == envelope, "a changed envelope was accepted"


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_an_envelope(raw: bytes) -> None:
    keyring = verify_keyring(RING.keyring, "ring.json")
    try:
        verify_envelope(raw, "e.json", keyring, now=ISSUED)
    except InputError as exc:
        assert exc.problems
        return
    raise AssertionError("random bytes were accepted")


@FUZZ
@given(mutated(keyring_json(RING.keyring)))
def test_mutated_keyrings(raw: bytes) -> None:
    def read_and_verify(data: bytes) -> None:
        verify_keyring(read_keyring(data, "ring.json"), "ring.json")

    outcome(read_and_verify, raw)


@FUZZ
@given(mutated(MAPPING))
def test_mutated_mapping_files(raw: bytes) -> None:
    outcome(lambda data: read_mapping(data, "map.yaml"), raw)


@FUZZ
@given(mutated(json.dumps({"fiveguard_supplier_mapping": 1, "suppliers": []}).encode()))
def test_mutated_mapping_files_in_json(raw: bytes) -> None:
    outcome(lambda data: read_mapping(data, "map.json"), raw)


@FUZZ
@given(mutated(state_json(ExchangeState())))
def test_mutated_state_files(raw: bytes) -> None:
    outcome(lambda data: read_state(data, "state.json"), raw)
