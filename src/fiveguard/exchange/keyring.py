"""The keyring: which organisations take part, their kind and country, how many of their
keys must sign (the threshold), and their keys with validity windows and status.

The keyring is itself signed, by root keys, and versioned. Its file keeps every version::

    {"fiveguard_keyring": 1, "versions": [{"signed": {...}, "signatures": [...]}, ...]}

Version 1 must carry the signatures of its own root threshold; each later version N+1
those of version N's root threshold *and* of its own (the rule of TUF's root rotation),
so whoever held the root yesterday vouches for who holds it today. Signatures are
Ed25519 over DSSE's pre-authentication encoding of the version's ``signed`` object in
RFC 8785 form, with the payload type :data:`KEYRING_PAYLOAD_TYPE`. The latest version, if
it lacks signatures, is a draft: it is not in force until signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from fiveguard.domain.base import CountryCode, Identifier, Text
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.parties import OrganisationKind
from fiveguard.exchange.dsse import Signature, b64decode_strict, b64encode, pae, signature_valid
from fiveguard.exchange.jsonio import canonical, parse_strict, validation_problems
from fiveguard.exchange.keys import keyid_of, public_key

KEYRING_PAYLOAD_TYPE = "application/vnd.fiveguard.keyring+json"
MAX_KEYRING_BYTES = 4 * 1024 * 1024
"""A keyring of every EU member state with dozens of keys each stays far below this."""

Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KeyStatus(StrEnum):
    """Where a key is in its life: in use, retired from use, or revoked."""

    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


class KeyEntry(_Strict):
    """One Ed25519 public key, when it may sign, and its status."""

    keyid: Hex64
    keytype: Literal["ed25519"] = "ed25519"
    scheme: Literal["ed25519"] = "ed25519"
    public: Hex64
    not_before: AwareDatetime
    not_after: AwareDatetime
    status: KeyStatus = KeyStatus.ACTIVE
    retired_at: AwareDatetime | None = Field(
        default=None, description="Signatures made from this time on do not count."
    )
    revoked_at: AwareDatetime | None = Field(
        default=None, description="Signatures made from this time on do not count."
    )
    reason: Text | None = Field(default=None, description="Why the key was revoked.")
    compromised: bool = Field(
        default=False,
        description="The private key is known or suspected to be in others' hands: no "
        "signature by it counts, whatever its date (an attacker can backdate).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> KeyEntry:
        if keyid_of(self.public) != self.keyid:
            raise ValueError(f"keyid {self.keyid[:8]}… is not the key id of its public key")
        if self.not_after <= self.not_before:
            raise ValueError("not_after must be later than not_before")
        if (self.status is KeyStatus.RETIRED) != (self.retired_at is not None):
            raise ValueError("a retired key has retired_at, and only a retired key has it")
        if (self.status is KeyStatus.REVOKED) != (self.revoked_at is not None):
            raise ValueError("a revoked key has revoked_at, and only a revoked key has it")
        if self.status is KeyStatus.REVOKED and not self.reason:
            raise ValueError("a revoked key needs a reason")
        if self.compromised and self.status is not KeyStatus.REVOKED:
            raise ValueError("a compromised key must be revoked")
        return self

    def refusal_at(self, when: dt.datetime) -> str | None:
        """Why a signature made at ``when`` does not count; None when it does."""
        if self.status is KeyStatus.REVOKED and self.revoked_at is not None:
            if self.compromised:
                return f"revoked on {_day(self.revoked_at)} as compromised ({self.reason})"
            if when >= self.revoked_at:
                return f"revoked on {_day(self.revoked_at)} ({self.reason}), before issued_at"
        if self.status is KeyStatus.RETIRED and self.retired_at and when >= self.retired_at:
            return f"retired on {_day(self.retired_at)}, before issued_at"
        if when < self.not_before:
            return f"not valid before {_day(self.not_before)}"
        if when > self.not_after:
            return f"expired on {_day(self.not_after)}, before issued_at"
        return None


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


class Organisation(_Strict):
    """An organisation taking part in the exchange, and the keys that sign for it."""

    id: Identifier
    name: Text
    kind: OrganisationKind
    country: CountryCode | None = Field(
        default=None, description="Its member state; none for an EU-level organisation."
    )
    threshold: int = Field(ge=1, description="Signatures by distinct keys an envelope needs.")
    keys: tuple[KeyEntry, ...] = ()

    def shortfall(self) -> str | None:
        """Why no envelope of this organisation can be accepted now, if none can."""
        usable = [k for k in self.keys if k.status is KeyStatus.ACTIVE]
        if len(usable) < self.threshold:
            return (
                f"{self.id} requires {self.threshold} signatures but has {len(usable)} active "
                "key(s): none of its envelopes can be accepted"
            )
        return None


class RootRole(_Strict):
    """The keys that sign the keyring itself, and how many must."""

    threshold: int = Field(ge=1)
    keys: tuple[KeyEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> RootRole:
        if self.threshold > len(self.keys):
            raise ValueError(f"threshold {self.threshold} but only {len(self.keys)} root key(s)")
        return self


class KeyringBody(_Strict):
    """One version of the keyring: what its root keys sign."""

    type: Literal["fiveguard-keyring"] = "fiveguard-keyring"
    version: int = Field(ge=1)
    issued_at: AwareDatetime
    root: RootRole
    organisations: tuple[Organisation, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> KeyringBody:
        ids = [o.id for o in self.organisations]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"organisation id(s) listed twice: {', '.join(twice)}")
        keyids = [k.keyid for o in self.organisations for k in o.keys]
        keyids += [k.keyid for k in self.root.keys]
        shared = sorted({k[:8] for k in keyids if keyids.count(k) > 1})
        if shared:
            raise ValueError(
                f"key(s) {', '.join(s + '…' for s in shared)} listed twice; a key belongs to "
                "one organisation or to the root, once"
            )
        return self

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def key_owner(self, keyid: str) -> tuple[Organisation, KeyEntry] | None:
        """The organisation holding ``keyid``, and the key (root keys are not looked up)."""
        for org in self.organisations:
            for key in org.keys:
                if key.keyid == keyid:
                    return org, key
        return None


class SignatureEntry(_Strict):
    keyid: Hex64
    sig: str


class SignedVersion(_Strict):
    signed: KeyringBody
    signatures: tuple[SignatureEntry, ...] = ()


class KeyringFile(_Strict):
    fiveguard_keyring: Literal[1] = 1
    versions: tuple[SignedVersion, ...] = Field(min_length=1)


def body_bytes(body: KeyringBody) -> bytes:
    """What root keys sign for a version: its ``signed`` object in RFC 8785 form."""
    return canonical(body.model_dump(mode="json"))


def signed_message(body: KeyringBody) -> bytes:
    return pae(KEYRING_PAYLOAD_TYPE, body_bytes(body))


def keyring_json(keyring: KeyringFile) -> bytes:
    """The keyring file as fiveguard writes it: readable, keys in a stable order."""
    import json

    return (
        json.dumps(keyring.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def anchor_digest(keyring: KeyringFile) -> str:
    """SHA-256 of version 1's signed body: the keyring's identity, to compare out of band
    (by telephone, on paper) and to pin on first use."""
    return hashlib.sha256(body_bytes(keyring.versions[0].signed)).hexdigest()


def read_keyring(raw: bytes, file: str) -> KeyringFile:
    """Parse and type-check a keyring file (not its signatures: see :func:`verify_keyring`)."""
    data = parse_strict(raw, file, MAX_KEYRING_BYTES)
    try:
        return KeyringFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, file)) from None


# ---------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class VersionCheck:
    """How one version's signatures came out against one root."""

    root_version: int
    valid: tuple[str, ...]
    threshold: int
    refused: tuple[str, ...]

    @property
    def met(self) -> bool:
        return len(self.valid) >= self.threshold


def check_version(version: SignedVersion, root_body: KeyringBody) -> VersionCheck:
    """The signatures of ``version`` that ``root_body``'s root keys make, at its issued_at."""
    message = signed_message(version.signed)
    keys = {k.keyid: k for k in root_body.root.keys}
    valid: list[str] = []
    refused: list[str] = []
    for entry in version.signatures:
        key = keys.get(entry.keyid)
        if key is None:
            continue
        sig = b64decode_strict(entry.sig)
        if sig is None or not signature_valid(
            public_key(key.public), Signature(entry.keyid, sig), message
        ):
            refused.append(f"root key {entry.keyid[:8]}…: signature does not verify")
            continue
        why = key.refusal_at(version.signed.issued_at)
        if why is not None:
            refused.append(f"root key {entry.keyid[:8]}…: {why}")
            continue
        if entry.keyid not in valid:
            valid.append(entry.keyid)
    return VersionCheck(root_body.version, tuple(valid), root_body.root.threshold, tuple(refused))


@dataclass(frozen=True)
class VerifiedKeyring:
    """A keyring whose chain verified: the version in force and what was noted on the way."""

    current: KeyringBody
    anchor: str
    versions: int
    draft: str | None = None

    @property
    def notes(self) -> tuple[str, ...]:
        """What the administrator should know: a pending draft, organisations short of keys."""
        found = [o.shortfall() for o in self.current.organisations]
        return tuple(n for n in (self.draft, *found) if n)


def verify_keyring(keyring: KeyringFile, file: str) -> VerifiedKeyring:
    """Check the chain of versions; the latest fully signed one is in force. A draft at the
    end is reported, not used; any other failure refuses the keyring, every one listed."""
    problems: list[Problem] = []
    previous: KeyringBody | None = None
    in_force: KeyringBody | None = None
    draft: str | None = None
    count = len(keyring.versions)
    for i, version in enumerate(keyring.versions):
        body = version.signed
        where = Location(file, path=f"versions[{i}]")
        order = _order_problem(body, previous, i)
        if order:
            problems.append(Problem(where, order))
            break
        checks = [check_version(version, body)]
        if previous is not None:
            checks.insert(0, check_version(version, previous))
        unmet = [c for c in checks if not c.met]
        if not unmet:
            in_force, previous = body, body
            continue
        text = _unmet_text(body.version, unmet)
        if i == count - 1 and not any(c.refused for c in checks):
            draft = f"version {body.version} is a draft, not in force: {text}"
        else:
            problems.append(Problem(where, text))
        break
    if not problems and in_force is None:
        problems.append(
            Problem(Location(file, path="versions[0]"), draft or "no version is signed")
        )
    if problems:
        raise InputError(problems)
    assert in_force is not None
    return VerifiedKeyring(in_force, anchor_digest(keyring), count, draft)


def _order_problem(body: KeyringBody, previous: KeyringBody | None, index: int) -> str | None:
    if body.version != index + 1:
        return (
            f"version {body.version} where version {index + 1} was expected (versions count "
            "up from 1 by one)"
        )
    if previous is not None and body.issued_at < previous.issued_at:
        return (
            f"version {body.version} issued at {body.issued_at.isoformat()}, before version "
            f"{previous.version} ({previous.issued_at.isoformat()})"
        )
    return None


def _unmet_text(version: int, unmet: list[VersionCheck]) -> str:
    parts = []
    for check in unmet:
        whose = (
            "its own root"
            if check.root_version == version
            else f"version {check.root_version}'s root"
        )
        part = f"{len(check.valid)} of the {check.threshold} signatures {whose} requires"
        if check.refused:
            part += f" ({'; '.join(check.refused)})"
        parts.append(part)
    return f"version {version} has " + " and ".join(parts)


def version_in_force(keyring: KeyringFile) -> int:
    """The number of leading versions that verify (0 when none does)."""
    previous: KeyringBody | None = None
    good = 0
    for i, version in enumerate(keyring.versions):
        if _order_problem(version.signed, previous, i):
            break
        checks = [check_version(version, version.signed)]
        if previous is not None:
            checks.append(check_version(version, previous))
        if not all(c.met for c in checks):
            break
        good, previous = i + 1, version.signed
    return good


def signature_entry(keyid: str, sig: bytes) -> dict[str, Any]:
    return {"keyid": keyid, "sig": b64encode(sig)}
