"""Changing a keyring: every change goes into a draft version that root keys then sign.

A change to a keyring whose latest version is in force starts version N+1 (a copy with
the change, issued now, unsigned); a change to a draft changes the draft and drops the
signatures it had gathered, since they no longer cover it. Each function returns the new
keyring and a sentence saying what it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.exchange.dsse import b64encode
from fiveguard.exchange.keyring import (
    KeyEntry,
    KeyringBody,
    KeyringFile,
    KeyStatus,
    Organisation,
    RootRole,
    SignatureEntry,
    SignedVersion,
    signed_message,
    version_in_force,
)
from fiveguard.exchange.keys import PublicKeyFile

MIN_KEYID_PREFIX = 8
"""Hexadecimal digits a key id given on the command line needs at least."""


def new_keyring(
    root_keys: Sequence[PublicKeyFile],
    threshold: int,
    now: dt.datetime,
    not_after: dt.datetime,
) -> KeyringFile:
    """Version 1, a draft: the root keys and their threshold, no organisation yet."""
    body = KeyringBody(
        version=1,
        issued_at=now,
        root=RootRole(
            threshold=threshold, keys=tuple(_entry(k, now, not_after) for k in root_keys)
        ),
    )
    return KeyringFile(versions=(SignedVersion(signed=body),))


def _entry(key: PublicKeyFile, not_before: dt.datetime, not_after: dt.datetime) -> KeyEntry:
    return KeyEntry(keyid=key.keyid, public=key.public, not_before=not_before, not_after=not_after)


def _draft(keyring: KeyringFile, now: dt.datetime) -> tuple[KeyringBody, list[SignedVersion], str]:
    """The body to change, the versions before it, and what happened to get it."""
    versions = list(keyring.versions)
    latest = versions[-1]
    if version_in_force(keyring) == len(versions):
        body = latest.signed.model_copy(
            update={"version": latest.signed.version + 1, "issued_at": now}
        )
        return body, versions, f"started draft version {body.version}"
    dropped = len(latest.signatures)
    note = f"changed draft version {latest.signed.version}"
    if dropped:
        note += f" (its {dropped} signature(s) no longer cover it and were dropped)"
    return latest.signed.model_copy(update={"issued_at": now}), versions[:-1], note


def _finish(before: list[SignedVersion], body: KeyringBody) -> KeyringFile:
    # validated again as a whole, so a change cannot produce an inconsistent keyring
    checked = KeyringBody.model_validate(body.model_dump())
    return KeyringFile(versions=(*before, SignedVersion(signed=checked)))


def add_organisation(
    keyring: KeyringFile, org: Organisation, now: dt.datetime
) -> tuple[KeyringFile, str]:
    body, before, note = _draft(keyring, now)
    if body.organisation(org.id) is not None:
        raise InputError.at(
            f"organisation {org.id!r} is in the keyring already", COMMAND_LINE, path="ORG"
        )
    body = body.model_copy(update={"organisations": (*body.organisations, org)})
    return _finish(before, body), f"{note}: added organisation {org.id}"


def add_key(
    keyring: KeyringFile,
    org_id: str | None,
    key: PublicKeyFile,
    not_before: dt.datetime,
    not_after: dt.datetime,
    now: dt.datetime,
) -> tuple[KeyringFile, str]:
    """Add a key to an organisation, or to the root when ``org_id`` is None."""
    body, before, note = _draft(keyring, now)
    if not_after <= not_before:
        raise InputError.at(
            "--not-after must be later than --not-before", COMMAND_LINE, path="--not-after"
        )
    entry = _entry(key, not_before, not_after)
    if org_id is None:
        root = body.root.model_copy(update={"keys": (*body.root.keys, entry)})
        body = body.model_copy(update={"root": root})
        whose = "the root"
    else:
        org = _org(body, org_id)
        if key.organisation != org_id:
            raise InputError.at(
                f"the public key file names organisation {key.organisation!r}, not {org_id!r}",
                COMMAND_LINE,
                path="PUBLIC_KEY",
            )
        body = _replace_org(body, org.model_copy(update={"keys": (*org.keys, entry)}))
        whose = org_id
    _check_new_key(keyring, key.keyid)
    return _finish(before, body), f"{note}: added key {key.keyid[:8]}… to {whose}"


def _check_new_key(keyring: KeyringFile, keyid: str) -> None:
    for version in keyring.versions:
        body = version.signed
        if keyid in {k.keyid for k in body.root.keys} or body.key_owner(keyid):
            raise InputError.at(
                f"key {keyid[:8]}… is in the keyring already (version {body.version}); a key "
                "is added once and never reused",
                COMMAND_LINE,
                path="PUBLIC_KEY",
            )


def set_threshold(
    keyring: KeyringFile, org_id: str | None, threshold: int, now: dt.datetime
) -> tuple[KeyringFile, str]:
    body, before, note = _draft(keyring, now)
    if threshold < 1:
        raise InputError.at(
            f"expected a threshold ≥ 1, got {threshold}", COMMAND_LINE, path="THRESHOLD"
        )
    if org_id is None:
        body = body.model_copy(
            update={"root": body.root.model_copy(update={"threshold": threshold})}
        )
    else:
        body = _replace_org(body, _org(body, org_id).model_copy(update={"threshold": threshold}))
    return _finish(before, body), f"{note}: threshold of {org_id or 'the root'} set to {threshold}"


def change_status(
    keyring: KeyringFile,
    keyid_prefix: str,
    status: KeyStatus,
    at: dt.datetime,
    now: dt.datetime,
    reason: str | None = None,
    compromised: bool = False,
) -> tuple[KeyringFile, str]:
    """Retire or revoke a key (of an organisation or of the root) from ``at`` on."""
    body, before, note = _draft(keyring, now)
    keys = [k for o in body.organisations for k in o.keys] + list(body.root.keys)
    matches = [k for k in keys if k.keyid.startswith(keyid_prefix.lower())]
    if len(keyid_prefix) < MIN_KEYID_PREFIX or len(matches) != 1:
        found = "no key" if not matches else f"{len(matches)} keys"
        raise InputError.at(
            f"{found} in the keyring with a key id starting {keyid_prefix!r}; give at least 8 "
            "hexadecimal digits naming one key",
            COMMAND_LINE,
            path="KEYID",
        )
    key = matches[0]
    if key.status is KeyStatus.REVOKED:
        raise InputError.at(f"key {key.keyid[:8]}… is revoked already", COMMAND_LINE, path="KEYID")
    update: dict[str, object] = {"status": status}
    if status is KeyStatus.REVOKED:
        update |= {
            "revoked_at": at,
            "retired_at": None,
            "reason": reason,
            "compromised": compromised,
        }
    else:
        update |= {"retired_at": at}
    changed = KeyEntry.model_validate(key.model_copy(update=update).model_dump())
    body = _swap_key(body, changed)
    return _finish(
        before, body
    ), f"{note}: key {key.keyid[:8]}… {status.value} from {at.isoformat()}"


def _swap_key(body: KeyringBody, changed: KeyEntry) -> KeyringBody:
    root = body.root.model_copy(
        update={"keys": tuple(changed if k.keyid == changed.keyid else k for k in body.root.keys)}
    )
    orgs = tuple(
        o.model_copy(
            update={"keys": tuple(changed if k.keyid == changed.keyid else k for k in o.keys)}
        )
        for o in body.organisations
    )
    return body.model_copy(update={"root": root, "organisations": orgs})


def _org(body: KeyringBody, org_id: str) -> Organisation:
    org = body.organisation(org_id)
    if org is None:
        known = ", ".join(o.id for o in body.organisations) or "none yet"
        raise InputError.at(
            f"no organisation {org_id!r} in the keyring (organisations: {known})",
            COMMAND_LINE,
            path="--org",
        )
    return org


def _replace_org(body: KeyringBody, org: Organisation) -> KeyringBody:
    return body.model_copy(
        update={"organisations": tuple(org if o.id == org.id else o for o in body.organisations)}
    )


def sign_keyring(
    keyring: KeyringFile, key: Ed25519PrivateKey, keyid: str
) -> tuple[KeyringFile, str]:
    """Sign the latest version with a root key of it or of the version before it."""
    versions = list(keyring.versions)
    latest = versions[-1]
    roots = {k.keyid for k in latest.signed.root.keys}
    if len(versions) > 1:
        roots |= {k.keyid for k in versions[-2].signed.root.keys}
    if keyid not in roots:
        raise InputError.at(
            f"key {keyid[:8]}… is not a root key of version {latest.signed.version} or of the "
            "version before it, so its signature would not count",
            COMMAND_LINE,
            path="--key",
        )
    sig = key.sign(signed_message(latest.signed))
    kept = tuple(s for s in latest.signatures if s.keyid != keyid)
    signed = SignedVersion(
        signed=latest.signed, signatures=(*kept, SignatureEntry(keyid=keyid, sig=b64encode(sig)))
    )
    return (
        KeyringFile(versions=(*versions[:-1], signed)),
        f"signed version {latest.signed.version} with root key {keyid[:8]}…",
    )
