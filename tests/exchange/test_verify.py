"""Verification fails closed: every check, its order, and its located message."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope, make_ring, sign_payload

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange import keyring_edit
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import KeyStatus, verify_keyring
from fiveguard.exchange.state import ExchangeState
from fiveguard.exchange.verify import Verified, record_accepted, verify_envelope

NOW = ISSUED + dt.timedelta(days=1)


def check(raw: bytes, ring: Ring, **options: object) -> Verified:
    keyring = verify_keyring(ring.keyring, "ring.json")
    return verify_envelope(raw, "xs.dsse.json", keyring, now=NOW, **options)  # type: ignore[arg-type]


def refused(raw: bytes, ring: Ring, **options: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        check(raw, ring, **options)
    return [str(p) for p in caught.value.problems]


def payload_of(raw: bytes) -> dict:
    return json.loads(base64.b64decode(json.loads(raw)["payload"]))


def test_exported_envelope_verifies_for_its_recipient(envelope: bytes, ring: Ring) -> None:
    verified = check(envelope, ring, as_org="EU-COORD", state=ExchangeState())
    assert verified.organisation == "XS-NCA"
    assert len(verified.signers) == 2
    summary = verified.summary
    assert (summary.country, summary.tlp, summary.recipients) == ("XS", Tlp.AMBER, ("EU-COORD",))
    assert summary.suppliers and summary.measures and summary.simulation
    assert [line.measure for line in summary.measures][:2] == ["SM01", "SM02"]


def test_the_statement_is_in_toto_v1_with_the_snapshot_digest(envelope: bytes) -> None:
    statement = payload_of(envelope)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://fiveguard.invalid/exchange/national-summary/v1"
    (subject,) = statement["subject"]
    assert subject["name"] == "fiveguard-model-snapshot"
    assert len(subject["digest"]["sha256"]) == 64
    # the payload is RFC 8785 canonical JSON
    assert base64.b64decode(json.loads(envelope)["payload"]) == canonical(statement)


def test_unsigned_envelope_is_refused(envelope: bytes, ring: Ring) -> None:
    data = json.loads(envelope)
    data["signatures"] = []
    assert refused(canonical(data), ring) == [
        "xs.dsse.json: signatures: unsigned: the envelope carries no signature"
    ]


def test_below_threshold_is_refused(envelope: bytes, ring: Ring) -> None:
    data = json.loads(envelope)
    data["signatures"] = data["signatures"][:1]
    keyid = data["signatures"][0]["keyid"]
    assert refused(canonical(data), ring) == [
        f"xs.dsse.json: signatures: XS-NCA requires 2 signatures by distinct keys; 1 valid "
        f"({keyid[:8]}…)"
    ]


def test_truncated_envelope_is_a_located_syntax_error(envelope: bytes, ring: Ring) -> None:
    (message,) = refused(envelope[: len(envelope) // 2], ring)
    assert message.startswith("xs.dsse.json:1:") and "JSON syntax error" in message


def test_wrong_keyring_is_refused(envelope: bytes) -> None:
    other = make_ring({"XS-NCA": 2, "EU-COORD": 1})
    found = refused(envelope, other)
    assert len(found) == 2
    assert all("not a key of any organisation in the keyring (version 1)" in m for m in found)


def test_revoked_key_is_refused_with_the_date(envelope: bytes, ring: Ring) -> None:
    victim = ring.signers["XS-NCA"][0]
    revoked_at = ISSUED - dt.timedelta(days=60)
    changed, _ = keyring_edit.change_status(
        ring.keyring, victim.keyid, KeyStatus.REVOKED, revoked_at, ISSUED, "laptop stolen"
    )
    changed = _sign(changed, ring)
    found = refused(envelope, Ring(changed, ring.signers))
    assert (
        f"xs.dsse.json: signatures[0]: signature by key {victim.keyid[:8]}… (XS-NCA) revoked on "
        f"2026-05-02 (laptop stolen), before issued_at"
    ) in found
    assert any("XS-NCA requires 2 signatures by distinct keys; 1 valid" in m for m in found)


def test_revocation_after_issue_keeps_the_signature(envelope: bytes, ring: Ring) -> None:
    victim = ring.signers["XS-NCA"][0]
    changed, _ = keyring_edit.change_status(
        ring.keyring, victim.keyid, KeyStatus.REVOKED, NOW, NOW, "rotated"
    )
    assert check(envelope, Ring(_sign(changed, ring), ring.signers)).organisation == "XS-NCA"


def test_expired_key_is_refused(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    late = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    raw = export_envelope(
        small_model, catalogue, [ring.first("XA-NCA")], addressing("XA-NCA", issued_at=late)
    )
    keyring = verify_keyring(ring.keyring, "r")
    with pytest.raises(InputError) as caught:
        verify_envelope(raw, "x.json", keyring, now=late)
    found = [str(p) for p in caught.value.problems]
    keyid = ring.first("XA-NCA").keyid
    assert (
        f"x.json: signatures[0]: signature by key {keyid[:8]}… (XA-NCA) expired on 2030-01-01, before issued_at"
        in found
    )


def test_replayed_sequence_is_refused(envelope: bytes, ring: Ring) -> None:
    keyring = verify_keyring(ring.keyring, "ring.json")
    first = check(envelope, ring, state=ExchangeState())
    state = record_accepted(ExchangeState(), first, keyring, NOW)
    assert refused(envelope, ring, state=state) == [
        "xs.dsse.json: payload.predicate.sequence: sequence 1 from XS-NCA is not greater than "
        f"1, accepted on {NOW.date()} (bundle bundle-XS-NCA-1): a replay or an older bundle"
    ]


def test_supersedes_chain_must_follow_the_last_accepted(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring, envelope: bytes
) -> None:
    keyring = verify_keyring(ring.keyring, "ring.json")
    state = record_accepted(ExchangeState(), check(envelope, ring), keyring, NOW)
    signers = ring.signers["XS-NCA"]
    wrong = export_envelope(
        small_model,
        catalogue,
        signers,
        addressing("XS-NCA", bundle_id="bundle-XS-NCA-2", sequence=2, supersedes="bundle-other"),
    )
    assert refused(wrong, ring, state=state) == [
        "xs.dsse.json: payload.predicate.supersedes: sequence 2 follows 1 but supersedes "
        "bundle-other, not bundle-XS-NCA-1 (the bundle accepted at 1)"
    ]
    right = export_envelope(
        small_model,
        catalogue,
        signers,
        addressing("XS-NCA", bundle_id="bundle-XS-NCA-2", sequence=2, supersedes="bundle-XS-NCA-1"),
    )
    assert check(right, ring, state=state).summary.sequence == 2


def test_not_a_recipient_is_refused(envelope: bytes, ring: Ring) -> None:
    assert refused(envelope, ring, as_org="XA-NCA") == [
        "xs.dsse.json: payload.predicate.recipients: XA-NCA is not a recipient of this "
        "TLP:AMBER bundle (recipients: EU-COORD); only they may read it"
    ]


def test_green_may_be_read_by_the_community(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    raw = export_envelope(
        small_model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA", tlp=Tlp.GREEN)
    )
    assert check(raw, ring, as_org="XA-NCA").summary.tlp is Tlp.GREEN


def test_origin_must_be_the_signer(envelope: bytes, ring: Ring) -> None:
    raw = sign_payload(base64.b64decode(json.loads(envelope)["payload"]), [ring.first("XA-NCA")])
    assert refused(raw, ring) == [
        "xs.dsse.json: payload.predicate.origin: the predicate names XS-NCA as its origin, but "
        "XA-NCA signed it",
        "xs.dsse.json: payload.predicate.country: XA-NCA is an organisation of XA and may not "
        "issue the summary of XS",
    ]


def test_payload_type_is_checked(envelope: bytes, ring: Ring) -> None:
    payload = base64.b64decode(json.loads(envelope)["payload"])
    raw = sign_payload(payload, ring.signers["XS-NCA"], "application/json")
    assert refused(raw, ring) == [
        "xs.dsse.json: payloadType: payload type 'application/json'; expected "
        "'application/vnd.in-toto+json' (an in-toto Statement)"
    ]


def test_schema_violations_are_located(envelope: bytes, ring: Ring) -> None:
    statement = payload_of(envelope)
    statement["predicate"]["tlp"] = "PURPLE"
    del statement["predicate"]["sequence"]
    statement["predicate"]["coordinates"] = [50.8, 4.3]
    raw = sign_payload(canonical(statement), ring.signers["XS-NCA"])
    found = refused(raw, ring)
    assert "xs.dsse.json: payload.predicate.sequence: missing; this field is required" in found
    assert "xs.dsse.json: payload.predicate.coordinates: unknown field" in found
    assert any(
        m.startswith("xs.dsse.json: payload.predicate.tlp: Input should be 'CLEAR'") for m in found
    )


def test_duplicate_keys_in_the_signed_payload_are_refused(envelope: bytes, ring: Ring) -> None:
    payload = base64.b64decode(json.loads(envelope)["payload"])
    doubled = payload.replace(b'"sequence":1', b'"sequence":1,"sequence":9', 1)
    raw = sign_payload(doubled, ring.signers["XS-NCA"])
    assert refused(raw, ring) == [
        "xs.dsse.json: payload: predicate: key 'sequence' appears twice in one object; "
        "expected each key once"
    ]


def test_issued_in_the_future_is_refused(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    raw = export_envelope(
        small_model,
        catalogue,
        ring.signers["XS-NCA"],
        addressing("XS-NCA", issued_at=NOW + dt.timedelta(days=2)),
    )
    assert refused(raw, ring) == [
        f"xs.dsse.json: payload.predicate.issued_at: issued_at {(NOW + dt.timedelta(days=2)).isoformat()} "
        f"is in the future (now {NOW.isoformat()})"
    ]


def test_a_pinned_keyring_cannot_be_swapped(envelope: bytes, ring: Ring) -> None:
    keyring = verify_keyring(ring.keyring, "ring.json")
    state = ExchangeState(keyring_anchor="0" * 64)
    with pytest.raises(InputError, match="the keyring is not the one trusted before"):
        verify_envelope(envelope, "x", keyring, now=NOW, state=state)
    rolled = ExchangeState(keyring_anchor=keyring.anchor, keyring_version=5)
    with pytest.raises(InputError, match="a rolled-back keyring is refused"):
        verify_envelope(envelope, "x", keyring, now=NOW, state=rolled)


def _sign(keyring, ring: Ring):  # type: ignore[no-untyped-def]
    for root in ring.signers["root"]:
        keyring, _ = keyring_edit.sign_keyring(keyring, root.key, root.keyid)
    return keyring


@pytest.mark.parametrize(
    ("org", "kind"), [("XS-OP", "an operator"), ("XS-LAB", "an evaluation-lab")]
)
def test_a_summary_signed_by_an_operator_or_a_lab_is_refused(
    small_model: NetworkModel, catalogue: Catalogue, org: str, kind: str
) -> None:
    # the signer is of the summary's country and names itself as origin: only its kind fails
    ring = make_ring({org: 1, "EU-COORD": 1})
    raw = export_envelope(small_model, catalogue, ring.signers[org], addressing(org))
    assert refused(raw, ring, as_org="EU-COORD") == [
        f"xs.dsse.json: signatures: {org} is {kind} in the keyring and may not issue a "
        "national summary; only a national-authority may"
    ]


def test_a_summary_signed_by_the_eu_coordinator_is_refused(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    ring = make_ring({"EU-COORD": 1, "XA-NCA": 1})
    raw = export_envelope(small_model, catalogue, ring.signers["EU-COORD"], addressing("EU-COORD"))
    messages = refused(raw, ring, as_org="EU-COORD")
    assert (
        "xs.dsse.json: signatures: EU-COORD is an eu-coordinator in the keyring and may not "
        "issue a national summary; only a national-authority may"
    ) in messages
