"""The envelope, byte for byte against securesystemslib (the reference DSSE implementation),
and the strict reading of envelope files."""

from __future__ import annotations

import json

import pytest
from securesystemslib.dsse import Envelope as ReferenceEnvelope
from securesystemslib.signer import CryptoSigner

from fiveguard.domain.errors import InputError
from fiveguard.exchange import dsse, keys

PAYLOAD = b'{"_type":"https://in-toto.io/Statement/v1","x":"\xc3\xa9"}'


def test_pae_matches_the_reference_byte_for_byte() -> None:
    for payload_type, payload in [
        (dsse.PAYLOAD_TYPE_INTOTO, PAYLOAD),
        ("", b""),
        ("type with spaces é", b"\x00\x01 binary"),
    ]:
        reference = ReferenceEnvelope(payload, payload_type, {})
        assert dsse.pae(payload_type, payload) == reference.pae()


def test_pae_is_the_documented_encoding() -> None:
    assert dsse.pae("t", b"ab") == b"DSSEv1 1 t 2 ab"


def test_key_ids_agree_with_securesystemslib() -> None:
    key = keys.new_key()
    assert keys.describe("XA-NCA", key).keyid == CryptoSigner(key).public_key.keyid


def test_our_signature_verifies_with_the_reference_and_is_identical() -> None:
    key = keys.new_key()
    keyid = keys.describe("XA-NCA", key).keyid
    ours = dsse.sign_envelope(dsse.unsigned(PAYLOAD), key, keyid)
    reference = ReferenceEnvelope(PAYLOAD, dsse.PAYLOAD_TYPE_INTOTO, {})
    signer = CryptoSigner(key)
    reference.sign(signer)
    # Ed25519 is deterministic: the same key over the same PAE gives the same bytes
    assert reference.signatures[keyid].signature == ours.signatures[0].sig.hex()
    # the reference reads our JSON and verifies our signature
    parsed = ReferenceEnvelope.from_dict(json.loads(ours.to_json()))
    assert parsed.verify([signer.public_key], 1) == {keyid: signer.public_key}
    # and our JSON is the reference's, canonicalised
    assert json.loads(ours.to_json()) == reference.to_dict()


def test_reference_signature_verifies_with_ours() -> None:
    key = keys.new_key()
    signer = CryptoSigner(key)
    reference = ReferenceEnvelope(PAYLOAD, dsse.PAYLOAD_TYPE_INTOTO, {})
    reference.sign(signer)
    data = reference.to_dict()
    ours = dsse.envelope_from_data(data, "ref.json")
    public = keys.public_key(signer.public_key.keyval["public"])
    assert dsse.signature_valid(public, ours.signatures[0], ours.signed_bytes())
    assert not dsse.signature_valid(public, ours.signatures[0], dsse.pae("other", PAYLOAD))


def test_written_envelope_reads_back() -> None:
    key = keys.new_key()
    envelope = dsse.sign_envelope(dsse.unsigned(PAYLOAD), key, keys.describe("X", key).keyid)
    assert dsse.read_envelope(envelope.to_json(), "e.json", 1 << 20) == envelope


def _problems(raw: bytes) -> list[str]:
    with pytest.raises(InputError) as caught:
        dsse.read_envelope(raw, "e.json", 1 << 20)
    return [str(p) for p in caught.value.problems]


def test_non_canonical_json_is_refused_with_its_position() -> None:
    envelope = dsse.unsigned(PAYLOAD)
    pretty = json.dumps(envelope.to_data(), indent=1).encode()
    (message,) = _problems(pretty)
    assert message.startswith("e.json:1:2: not in the canonical form")


def test_duplicate_keys_are_refused_with_their_path() -> None:
    raw = b'{"payload":"","payloadType":"a","payloadType":"b","signatures":[]}'
    assert _problems(raw) == [
        "e.json: key 'payloadType' appears twice in one object; expected each key once"
    ]


def test_non_canonical_base64_is_refused() -> None:
    # "QR==" decodes to the same byte as "QQ==": only the canonical spelling is read
    raw = b'{"payload":"QR==","payloadType":"t","signatures":[]}'
    assert _problems(raw) == ["e.json: payload: expected standard padded base64"]


def test_unknown_and_missing_fields_are_each_located() -> None:
    raw = b'{"extra":1,"payload":"","signatures":[{"keyid":"ab","sig":""}]}'
    assert _problems(raw) == [
        "e.json: extra: unknown field of a DSSE envelope; expected payload, payloadType, signatures",
        "e.json: payloadType: missing; a DSSE envelope has payload, payloadType and signatures",
        "e.json: signatures[0].keyid: expected a key id: 64 lower-case hexadecimal digits",
    ]


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match=r"too large: 2,000 bytes \(limit 1,000\)"):
        dsse.read_envelope(b" " * 2000, "e.json", 1000)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(InputError, match="nested deeper than 64 levels"):
        dsse.read_envelope(b"[" * 100 + b"]" * 100, "e.json", 1 << 20)


def test_nan_is_refused() -> None:
    with pytest.raises(InputError, match="NaN is not JSON"):
        dsse.read_envelope(b'{"payload":NaN}', "e.json", 1 << 20)


def test_invalid_utf8_is_located() -> None:
    with pytest.raises(InputError, match=r"e.json:1:3: not UTF-8 text: byte 0xff"):
        dsse.read_envelope(b'{"\xff":1}', "e.json", 1 << 20)
