"""The keyring: versions signed by root keys, rotation as in TUF, key status and windows."""

from __future__ import annotations

import datetime as dt

import pytest
from exchange_helpers import T0, T_END, Ring, make_ring, sign_latest, signer

from fiveguard.domain.errors import InputError
from fiveguard.exchange import keyring_edit
from fiveguard.exchange.keyring import (
    KeyringFile,
    KeyStatus,
    keyring_json,
    read_keyring,
    verify_keyring,
)

T1 = T0 + dt.timedelta(days=30)


def messages(keyring: KeyringFile) -> list[str]:
    with pytest.raises(InputError) as caught:
        verify_keyring(keyring, "ring.json")
    return [str(p) for p in caught.value.problems]


def test_signed_keyring_verifies_and_round_trips_through_its_file() -> None:
    ring = make_ring()
    again = read_keyring(keyring_json(ring.keyring), "ring.json")
    checked = verify_keyring(again, "ring.json")
    assert checked.current.version == 1
    assert [o.id for o in checked.current.organisations] == ["XA-NCA", "XB-NCA", "EU-COORD"]
    assert checked.draft is None


def test_unsigned_first_version_is_refused() -> None:
    ring = make_ring(root_count=2, root_threshold=2)
    unsigned = KeyringFile(
        versions=(ring.keyring.versions[0].model_copy(update={"signatures": ()}),)
    )
    assert messages(unsigned) == [
        "ring.json: versions[0]: version 1 is a draft, not in force: version 1 has 0 of the 2 "
        "signatures its own root requires"
    ]


def test_below_root_threshold_is_refused() -> None:
    ring = make_ring(root_count=2, root_threshold=2)
    one = ring.keyring.versions[0]
    half = KeyringFile(versions=(one.model_copy(update={"signatures": one.signatures[:1]}),))
    assert "1 of the 2 signatures its own root requires" in messages(half)[0]


def test_a_change_starts_a_draft_that_is_not_in_force_until_signed() -> None:
    ring = make_ring()
    changed, note = keyring_edit.set_threshold(ring.keyring, "XA-NCA", 1, T1)
    assert note == "started draft version 2: threshold of XA-NCA set to 1"
    checked = verify_keyring(changed, "ring.json")
    assert checked.current.version == 1
    assert checked.draft is not None and checked.draft.startswith("version 2 is a draft")
    signed = verify_keyring(sign_latest(Ring(changed, ring.signers), ring.signers["root"]), "r")
    assert signed.current.version == 2


def test_rotation_needs_the_previous_root() -> None:
    """Version 2 replaces the root key; signed only by the new key it is refused, signed by
    the old (version 1's root) and the new (its own root) it is accepted."""
    ring = make_ring()
    old = ring.first("root")
    new = signer("root")
    keyring, _ = keyring_edit.add_key(ring.keyring, None, new.public, T1, T_END, T1)
    keyring, _ = keyring_edit.change_status(
        keyring, old.keyid[:8], KeyStatus.RETIRED, T1 + dt.timedelta(days=1), T1
    )
    only_new, _ = keyring_edit.sign_keyring(keyring, new.key, new.keyid)
    # only the new key: a draft (nothing refused), version 1 stays in force
    checked = verify_keyring(only_new, "ring.json")
    assert checked.current.version == 1
    assert "0 of the 1 signatures version 1's root requires" in (checked.draft or "")
    both, _ = keyring_edit.sign_keyring(only_new, old.key, old.keyid)
    assert verify_keyring(both, "ring.json").current.version == 2
    # version 3 after the rotation: the retired old key alone no longer counts
    keyring3, _ = keyring_edit.set_threshold(both, "XA-NCA", 1, T1 + dt.timedelta(days=2))
    by_old, _ = keyring_edit.sign_keyring(keyring3, old.key, old.keyid)
    assert messages(by_old) == [
        "ring.json: versions[2]: version 3 has 0 of the 1 signatures version 2's root "
        f"requires (root key {old.keyid[:8]}…: retired on 2026-02-01, before issued_at) and 0 "
        f"of the 1 signatures its own root requires (root key {old.keyid[:8]}…: retired on "
        "2026-02-01, before issued_at)"
    ]
    by_both, _ = keyring_edit.sign_keyring(by_old, new.key, new.keyid)
    assert verify_keyring(by_both, "ring.json").current.version == 3


def test_forged_signature_is_refused_not_taken_for_a_draft() -> None:
    ring = make_ring()
    version = ring.keyring.versions[0]
    entry = version.signatures[0]
    forged = entry.model_copy(update={"sig": "A" * 86 + "=="})
    bad = KeyringFile(versions=(version.model_copy(update={"signatures": (forged,)}),))
    assert messages(bad) == [
        "ring.json: versions[0]: version 1 has 0 of the 1 signatures its own root requires "
        f"(root key {entry.keyid[:8]}…: signature does not verify)"
    ]


def test_changed_content_breaks_the_signature() -> None:
    ring = make_ring()
    version = ring.keyring.versions[0]
    org = version.signed.organisations[0].model_copy(update={"threshold": 1, "name": "Other"})
    body = version.signed.model_copy(
        update={"organisations": (org, *version.signed.organisations[1:])}
    )
    bad = KeyringFile(versions=(version.model_copy(update={"signed": body}),))
    assert "signature does not verify" in messages(bad)[0]


def test_version_numbers_must_count_up() -> None:
    ring = make_ring()
    first = ring.keyring.versions[0]
    skipped = first.model_copy(update={"signed": first.signed.model_copy(update={"version": 3})})
    assert messages(KeyringFile(versions=(first, skipped))) == [
        "ring.json: versions[1]: version 3 where version 2 was expected (versions count up "
        "from 1 by one)"
    ]


def test_revoking_needs_a_unique_key_id_prefix() -> None:
    ring = make_ring()
    with pytest.raises(InputError, match="no key in the keyring with a key id starting 'ffffffff'"):
        keyring_edit.change_status(ring.keyring, "ffffffff", KeyStatus.REVOKED, T1, T1, "x")
    with pytest.raises(InputError, match="give at least 8 hexadecimal digits"):
        keyring_edit.change_status(ring.keyring, "ab", KeyStatus.REVOKED, T1, T1, "x")


def test_a_key_is_never_added_twice() -> None:
    ring = make_ring()
    again = ring.first("XA-NCA").public
    with pytest.raises(InputError, match="is in the keyring already"):
        keyring_edit.add_key(ring.keyring, "XA-NCA", again, T0, T_END, T1)


def test_signing_with_a_key_that_is_not_root_is_refused() -> None:
    ring = make_ring()
    s = ring.first("XA-NCA")
    with pytest.raises(InputError, match="is not a root key of version 1"):
        keyring_edit.sign_keyring(ring.keyring, s.key, s.keyid)


def test_key_status_decides_signatures_by_their_time() -> None:
    ring = make_ring()
    changed, _ = keyring_edit.change_status(
        ring.keyring, ring.first("XA-NCA").keyid, KeyStatus.REVOKED, T1, T1, "laptop stolen"
    )
    key = changed.versions[-1].signed.organisations[0].keys[0]
    assert key.refusal_at(T1 - dt.timedelta(seconds=1)) is None
    assert key.refusal_at(T1) == "revoked on 2026-01-31 (laptop stolen), before issued_at"
    assert key.refusal_at(T0 - dt.timedelta(days=1)) == "not valid before 2026-01-01"
    assert (
        key.refusal_at(T_END + dt.timedelta(days=1))
        == "revoked on 2026-01-31 (laptop stolen), before issued_at"
    )
    compromised, _ = keyring_edit.change_status(
        ring.keyring, ring.first("XA-NCA").keyid, KeyStatus.REVOKED, T1, T1, "stolen", True
    )
    key = compromised.versions[-1].signed.organisations[0].keys[0]
    assert key.refusal_at(T0) == "revoked on 2026-01-31 as compromised (stolen)"


def test_keyring_file_problems_are_located() -> None:
    raw = b'{"fiveguard_keyring": 1, "versions": [{"signed": {"version": 0}, "extra": 1}]}'
    with pytest.raises(InputError) as caught:
        read_keyring(raw, "ring.json")
    found = [str(p) for p in caught.value.problems]
    assert "ring.json: versions[0].extra: unknown field" in found
    assert (
        "ring.json: versions[0].signed.version: Input should be greater than or equal to 1" in found
    )
    assert "ring.json: versions[0].signed.root: missing; this field is required" in found
