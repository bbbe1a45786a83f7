"""Verifying a national summary envelope, failing closed, in this order:

1. size and strict JSON (canonical form, no duplicate keys), DSSE's shape;
2. signatures over the PAE by keys of the keyring in force, the organisation's threshold
   met by distinct keys, each key valid at ``issued_at`` and not revoked before it;
3. the payload type; 4. the schema of the statement and its predicate;
5. the predicate's origin is the signing organisation, of a kind that may sign it (a
   national authority issues its state's summary; an authority or the EU coordinator
   re-shares one), and of the summary's country;
6. the importing organisation is a recipient, or the label lets it read;
7. the sequence is greater than the last accepted from that origin, and the supersedes
   chain is consistent with it.

Every failure found is reported, each located (file and field); nothing is accepted
unless every check passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.exchange.dsse import PAYLOAD_TYPE_INTOTO, Envelope, read_envelope, signature_valid
from fiveguard.exchange.jsonio import parse_strict, validation_problems
from fiveguard.exchange.keyring import KeyringBody, Organisation, VerifiedKeyring
from fiveguard.exchange.keys import public_key
from fiveguard.exchange.state import BundleRecord, ExchangeState
from fiveguard.exchange.summary import NationalSummary, Statement

MAX_ENVELOPE_BYTES = 16 * 1024 * 1024
"""A national summary is tens of kilobytes; a file this large is refused unread."""
CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far in the future an issued_at may be before it is refused."""
OPEN_LABELS = (Tlp.CLEAR, Tlp.GREEN)
"""Labels any organisation of the keyring (the community) may read without being named."""
ISSUERS = (OrganisationKind.NATIONAL_AUTHORITY,)
"""Kinds of organisation that may issue a national summary."""
RESHARERS = (OrganisationKind.NATIONAL_AUTHORITY, OrganisationKind.EU_COORDINATOR)
"""Kinds of organisation that may re-share a summary they received."""


@dataclass(frozen=True)
class Verified:
    """An accepted envelope: what it says, who signed it, and what was noted."""

    file: str
    envelope: Envelope
    statement: Statement
    signers: tuple[str, ...]
    organisation: str
    payload_sha256: str
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> NationalSummary:
        return self.statement.predicate


@dataclass
class _Checks:
    file: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, message: str, path: str | None = None) -> None:
        self.problems.append(Problem(Location(self.file, path=path), message))


def short(keyid: str) -> str:
    return f"{keyid[:8]}…"


def verify_envelope(
    raw: bytes,
    file: str,
    keyring: VerifiedKeyring,
    *,
    now: dt.datetime,
    as_org: str | None = None,
    state: ExchangeState | None = None,
) -> Verified:
    """Verify an envelope's bytes; raise InputError listing every failure."""
    envelope = read_envelope(raw, file, MAX_ENVELOPE_BYTES)
    checks = _Checks(file)
    ring = keyring.current
    _keyring_pinned(keyring, state, checks)
    statement = _statement(envelope, checks)
    issued_at = statement.predicate.issued_at if statement else None
    org, signers = _signatures(envelope, ring, issued_at, checks)
    if statement is not None:
        summary = statement.predicate
        if summary.issued_at > now + CLOCK_SKEW:
            checks.fail(
                f"issued_at {summary.issued_at.isoformat()} is in the future (now "
                f"{now.isoformat()})",
                "payload.predicate.issued_at",
            )
        _origin(summary, org, ring, checks)
        _recipient(summary, as_org, ring, checks)
        if state is not None:
            _sequence(summary, state, checks)
    if checks.problems or statement is None or org is None:
        raise InputError(checks.problems or [Problem(Location(file), "not accepted")])
    return Verified(
        file,
        envelope,
        statement,
        signers,
        org,
        hashlib.sha256(envelope.payload).hexdigest(),
        tuple(checks.notes),
    )


def _keyring_pinned(keyring: VerifiedKeyring, state: ExchangeState | None, c: _Checks) -> None:
    if state is None:
        c.notes.append("no state file: replays are not checked against earlier imports")
        return
    if state.keyring_anchor is not None and state.keyring_anchor != keyring.anchor:
        c.fail(
            f"the keyring is not the one trusted before: its anchor {keyring.anchor[:16]}… "
            f"differs from {state.keyring_anchor[:16]}… in the state file (a wrong keyring, or "
            "a substituted one)"
        )
    if keyring.current.version < state.keyring_version:
        c.fail(
            f"the keyring's version in force ({keyring.current.version}) is older than version "
            f"{state.keyring_version} used before: a rolled-back keyring is refused"
        )
    if keyring.draft:
        c.notes.append(f"keyring: {keyring.draft}")


def _statement(envelope: Envelope, c: _Checks) -> Statement | None:
    if envelope.payload_type != PAYLOAD_TYPE_INTOTO:
        c.fail(
            f"payload type {envelope.payload_type!r}; expected {PAYLOAD_TYPE_INTOTO!r} (an "
            "in-toto Statement)",
            "payloadType",
        )
        return None
    try:
        data = parse_strict(envelope.payload, f"{c.file}: payload", MAX_ENVELOPE_BYTES)
    except InputError as exc:
        c.problems.extend(exc.problems)
        return None
    try:
        return Statement.model_validate(data)
    except ValidationError as exc:
        c.problems.extend(validation_problems(exc, c.file, ("payload",)))
        return None


def _signatures(
    envelope: Envelope, ring: KeyringBody, issued_at: dt.datetime | None, c: _Checks
) -> tuple[str | None, tuple[str, ...]]:
    """The signing organisation when its threshold is met, and the keys that counted."""
    if not envelope.signatures:
        c.fail("unsigned: the envelope carries no signature", "signatures")
        return None, ()
    signed = envelope.signed_bytes()
    valid: dict[str, list[str]] = {}
    for i, sig in enumerate(envelope.signatures):
        where = f"signatures[{i}]"
        owner = ring.key_owner(sig.keyid)
        if owner is None:
            c.fail(
                f"signature by key {short(sig.keyid)}: not a key of any organisation in the "
                f"keyring (version {ring.version})",
                where,
            )
            continue
        org, key = owner
        if not signature_valid(public_key(key.public), sig, signed):
            c.fail(
                f"signature by key {short(sig.keyid)} ({org.id}) does not verify: the "
                "envelope was changed after it was signed",
                where,
            )
            continue
        if issued_at is not None:
            why = key.refusal_at(issued_at)
            if why is not None:
                c.fail(f"signature by key {short(sig.keyid)} ({org.id}) {why}", where)
                continue
        valid.setdefault(org.id, []).append(sig.keyid)
    if len(valid) > 1:
        c.fail(
            f"signed by keys of {len(valid)} organisations ({', '.join(sorted(valid))}); an "
            "envelope is signed by one organisation (a re-share is a new envelope)",
            "signatures",
        )
        return None, ()
    if not valid:
        return None, ()
    org_id, keyids = next(iter(valid.items()))
    signer = ring.organisation(org_id)
    assert signer is not None
    if len(keyids) < signer.threshold:
        c.fail(
            f"{org_id} requires {signer.threshold} signatures by distinct keys; "
            f"{len(keyids)} valid ({', '.join(short(k) for k in keyids)})",
            "signatures",
        )
        return None, ()
    return org_id, tuple(keyids)


def check_signatures(
    envelope: Envelope, ring: KeyringBody, issued_at: dt.datetime | None, file: str
) -> tuple[str | None, tuple[str, ...], list[Problem]]:
    """The rules of step 2 for any envelope signed under the keyring (a lab's attestation
    as well as a summary): the signing organisation when one organisation's threshold is met
    by keys valid at ``issued_at``, the keys that counted, and every problem found."""
    checks = _Checks(file)
    org, keyids = _signatures(envelope, ring, issued_at, checks)
    return org, keyids, checks.problems


def _origin(summary: NationalSummary, org: str | None, ring: KeyringBody, c: _Checks) -> None:
    if org is not None and summary.origin != org:
        c.fail(
            f"the predicate names {summary.origin} as its origin, but {org} signed it",
            "payload.predicate.origin",
        )
    signer = ring.organisation(org) if org else None
    source = summary.reshared_from
    if signer is not None:
        _signer_kind(signer, source is not None, c)
    if source is not None:
        if source.tlp in (Tlp.AMBER_STRICT, Tlp.RED):
            c.fail(
                f"re-shared from {source.origin}'s {source.tlp.marking} bundle "
                f"{source.bundle_id}: that label forbids re-sharing",
                "payload.predicate.reshared_from",
            )
        if summary.tlp.rank < source.tlp.rank:
            c.fail(
                f"re-shared as {summary.tlp.marking}, less restrictive than the original's "
                f"{source.tlp.marking}",
                "payload.predicate.tlp",
            )
        return
    if signer is None:
        return
    if signer.country is not None and signer.country != summary.country:
        c.fail(
            f"{signer.id} is an organisation of {signer.country} and may not issue the "
            f"summary of {summary.country}",
            "payload.predicate.country",
        )


def _signer_kind(signer: Organisation, reshare: bool, c: _Checks) -> None:
    why = signer_kind_refusal(signer, reshare=reshare)
    if why is not None:
        c.fail(why, "signatures")


def signer_kind_refusal(signer: Organisation, *, reshare: bool) -> str | None:
    """Why ``signer`` may not sign a national summary (or a re-share); None when it may."""
    allowed = RESHARERS if reshare else ISSUERS
    if signer.kind in allowed:
        return None
    what = "re-share a national summary" if reshare else "issue a national summary"
    kinds = " or ".join(allowed_kind.value for allowed_kind in allowed)
    return (
        f"{signer.id} is {_article(signer.kind.value)} {signer.kind.value} in the keyring and "
        f"may not {what}; only {_article(kinds)} {kinds} may"
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _recipient(summary: NationalSummary, as_org: str | None, ring: KeyringBody, c: _Checks) -> None:
    unknown = [r for r in summary.recipients if ring.organisation(r) is None]
    if unknown:
        c.notes.append(f"recipients not in the keyring: {', '.join(unknown)}")
    if as_org is None:
        c.notes.append("no --as: whether you may read it was not checked")
        return
    if ring.organisation(as_org) is None:
        c.fail(f"{as_org} (--as) is not an organisation of the keyring")
        return
    if as_org in summary.recipients or summary.tlp in OPEN_LABELS:
        return
    c.fail(
        f"{as_org} is not a recipient of this {summary.tlp.marking} bundle (recipients: "
        f"{', '.join(summary.recipients)}); only they may read it",
        "payload.predicate.recipients",
    )


def _sequence(summary: NationalSummary, state: ExchangeState, c: _Checks) -> None:
    last = state.accepted.get(summary.origin)
    if last is None:
        return
    where = "payload.predicate.sequence"
    if summary.sequence <= last.sequence:
        c.fail(
            f"sequence {summary.sequence} from {summary.origin} is not greater than "
            f"{last.sequence}, accepted on {last.at.date()} (bundle {last.bundle_id}): a "
            "replay or an older bundle",
            where,
        )
        return
    if summary.supersedes is None:
        c.fail(
            f"supersedes nothing, but {summary.origin}'s bundle {last.bundle_id} (sequence "
            f"{last.sequence}) was accepted before",
            "payload.predicate.supersedes",
        )
    elif summary.sequence == last.sequence + 1 and summary.supersedes != last.bundle_id:
        c.fail(
            f"sequence {summary.sequence} follows {last.sequence} but supersedes "
            f"{summary.supersedes}, not {last.bundle_id} (the bundle accepted at "
            f"{last.sequence})",
            "payload.predicate.supersedes",
        )


def record_accepted(
    state: ExchangeState, verified: Verified, keyring: VerifiedKeyring, now: dt.datetime
) -> ExchangeState:
    """``state`` after accepting ``verified``: its origin's last bundle, the keyring pinned."""
    summary = verified.summary
    accepted = dict(state.accepted)
    accepted[summary.origin] = BundleRecord(
        sequence=summary.sequence,
        bundle_id=summary.bundle_id,
        payload_sha256=verified.payload_sha256,
        at=now,
    )
    return state.model_copy(
        update={
            "accepted": accepted,
            "keyring_anchor": keyring.anchor,
            "keyring_version": max(state.keyring_version, keyring.current.version),
        }
    )


def verify_all(
    inputs: Sequence[tuple[str, bytes]],
    keyring: VerifiedKeyring,
    *,
    now: dt.datetime,
    as_org: str | None,
    state: ExchangeState | None = None,
) -> list[Verified]:
    """Verify every envelope; raise one InputError listing every failure of every input."""
    verified: list[Verified] = []
    problems: list[Problem] = []
    for file, raw in inputs:
        try:
            verified.append(
                verify_envelope(raw, file, keyring, now=now, as_org=as_org, state=state)
            )
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return verified
