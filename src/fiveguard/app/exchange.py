"""The exchange's use cases: export a national summary (assess or take an assessment,
summarise, check that no inventory leaves, bind to the model snapshot, sign), verify a
received one, re-share it, and publish anonymised counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.app.national import national_assessment
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.build import (
    Addressing,
    build_summary,
    check_no_inventory,
    snapshot_digest,
    unsigned_envelope,
)
from fiveguard.exchange.dsse import Envelope, sign_envelope
from fiveguard.exchange.files import model_snapshot
from fiveguard.exchange.keyring import VerifiedKeyring
from fiveguard.exchange.state import ExchangeState
from fiveguard.exchange.summary import NationalSummary, Section
from fiveguard.exchange.tlp import Publication
from fiveguard.exchange.verify import Verified


def export_summary(
    model: NetworkModel,
    catalogue: Catalogue,
    model_path: Path,
    to: Addressing,
    signing: Sequence[tuple[str, Ed25519PrivateKey]],
    *,
    assessment: Assessment | None = None,
    policy: RestrictionPolicy | None = None,
    policy_origin: str = "preset",
    catalogue_path: Path | None = None,
    trials: int = 0,
    seed: int = 0,
) -> tuple[Envelope, NationalSummary, str]:
    """The signed envelope of ``model``'s national summary, the summary, and the snapshot
    digest it is bound to. Raises InputError when a text would carry the inventory.

    With ``trials`` > 0 the summary carries the federated section: per simulated year,
    the impacts of the cross-border sources under ``seed`` (the seed every state shares).
    """
    from fiveguard.assess.engine import prepare_engine

    label = f"packaged, with {catalogue_path} merged over it" if catalogue_path else "packaged"
    if assessment is None:
        assessment, engine = national_assessment(
            model,
            catalogue,
            policy,
            policy_origin=policy_origin,
            catalogue_label=label,
            trials=trials,
            seed=seed,
        )
    else:
        engine = prepare_engine(model, catalogue)
    federated = None
    if trials > 0:
        from fiveguard.assess.quality import quality_for_simulation
        from fiveguard.exchange.federated import federated_section

        ready = engine.with_quality(quality_for_simulation(assessment.suppliers))
        federated = federated_section(ready, trials, seed)
    summary = build_summary(
        model, assessment, engine.compiled, to, catalogue=catalogue, federated=federated
    )
    check_no_inventory(summary, model, str(model_path))
    document = model.document
    digest = snapshot_digest(
        model_snapshot(model_path, document.sites, document.evidence_dirs, catalogue_path)
    )
    envelope = unsigned_envelope(summary, digest)
    for keyid, key in signing:
        envelope = sign_envelope(envelope, key, keyid)
    return envelope, summary, digest


# ---------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class Exported:
    """A signed national summary envelope, the summary, the snapshot digest it is bound
    to, and the state file's bytes after issuing it (None without a state)."""

    envelope: Envelope
    summary: NationalSummary
    digest: str
    state: bytes | None


def export_national_summary(
    model: NetworkModel,
    model_path: Path,
    catalogue: Catalogue,
    signing: Sequence[tuple[str, Ed25519PrivateKey]],
    *,
    origin: str,
    to: Sequence[str],
    tlp: Tlp,
    now: dt.datetime,
    section_tlp: Mapping[Section, Tlp] | None = None,
    per_operator: bool = False,
    keyring: VerifiedKeyring | None = None,
    state: ExchangeState | None = None,
    sequence: int | None = None,
    supersedes: str | None = None,
    assessment: tuple[bytes, str] | None = None,
    policy: str | None = None,
    catalogue_path: Path | None = None,
    trials: int | None = None,
    seed: int = 0,
) -> Exported:
    """``fiveguard exchange export``: check keys and recipients against ``keyring`` (what
    the recipient's verification would refuse), assess ``model`` (or read ``assessment``,
    its bytes and file name), address, summarise and sign; the sequence and what it
    supersedes follow ``state`` unless given."""
    from fiveguard.app.choices import chosen_trials, resolve_policy

    last = state.issued.get(origin) if state else None
    if keyring is not None:
        check_against_keyring(keyring, origin, [k for k, _ in signing], tuple(to), model)
    chosen, policy_origin = resolve_policy(policy, catalogue)
    given = None
    if assessment is not None:
        from fiveguard.app.national import read_assessment

        given = read_assessment(assessment[0], assessment[1], model)
    addressing = Addressing(
        bundle_id=str(uuid.uuid4()),
        origin=origin,
        sequence=sequence or (last.sequence + 1 if last else 1),
        supersedes=supersedes or (last.bundle_id if last else None),
        issued_at=now,
        recipients=tuple(dict.fromkeys(to)),
        tlp=tlp,
        section_tlp=dict(section_tlp or {}),
        per_operator=per_operator,
    )
    envelope, summary, digest = export_summary(
        model,
        catalogue,
        model_path,
        addressing,
        signing,
        assessment=given,
        policy=chosen,
        policy_origin=policy_origin,
        catalogue_path=catalogue_path,
        trials=chosen_trials(trials, catalogue.simulation.assess_trials, catalogue),
        seed=seed,
    )
    issued = issued_state(state, summary, envelope.payload) if state is not None else None
    return Exported(envelope, summary, digest, issued)


def issued_state(known: ExchangeState, summary: NationalSummary, payload: bytes) -> bytes:
    """The state file's bytes after issuing ``summary`` (its origin's sequence recorded)."""
    from fiveguard.exchange.state import BundleRecord, record_issued, state_json

    bundle = BundleRecord(
        sequence=summary.sequence,
        bundle_id=summary.bundle_id,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        at=summary.issued_at,
    )
    return state_json(record_issued(known, summary.origin, bundle))


def check_against_keyring(
    ring: VerifiedKeyring,
    org: str,
    keyids: list[str],
    recipients: tuple[str, ...],
    model: NetworkModel | None,
    *,
    reshare: bool = False,
) -> None:
    """Catch at export what the recipient's verification would refuse."""
    from fiveguard.exchange.verify import signer_kind_refusal

    body = ring.current
    problems = []

    def bad(option: str, message: str) -> None:
        problems.append(Problem(Location(COMMAND_LINE, path=option), message))

    signer = body.organisation(org)
    if signer is None:
        bad("--origin", f"{org} is not an organisation of the keyring")
    else:
        kind_refusal = signer_kind_refusal(signer, reshare=reshare)
        if kind_refusal is not None:
            bad("--as" if reshare else "--origin", kind_refusal)
        mine = {k.keyid for k in signer.keys}
        for keyid in keyids:
            if keyid not in mine:
                bad("--key", f"key {keyid[:8]}… is not a key of {org} in the keyring")
        if len(set(keyids)) < signer.threshold:
            bad(
                "--key",
                f"{org} requires {signer.threshold} signatures by distinct keys; give --key "
                f"{signer.threshold} times",
            )
        country = model.document.scope.country if model is not None else None
        if country is not None and signer.country is not None and signer.country != country:
            bad(
                "--origin",
                f"{org} is an organisation of {signer.country}; the model is of {country}",
            )
    for r in recipients:
        if body.organisation(r) is None:
            bad("--to", f"{r} is not an organisation of the keyring")
    if problems:
        raise InputError(problems)


def verify_received(
    raw: bytes,
    file: str,
    keyring: VerifiedKeyring,
    *,
    now: dt.datetime,
    as_org: str | None = None,
    state: ExchangeState | None = None,
) -> tuple[Verified, bytes | None]:
    """``fiveguard exchange verify``: the envelope verified, failing closed, and with a
    ``state`` the state file's bytes after accepting it."""
    from fiveguard.exchange.state import state_json
    from fiveguard.exchange.verify import record_accepted, verify_envelope

    checked = verify_envelope(raw, file, keyring, now=now, as_org=as_org, state=state)
    if state is None:
        return checked, None
    return checked, state_json(record_accepted(state, checked, keyring, now))


@dataclass(frozen=True)
class Reshared:
    envelope: Envelope
    summary: NationalSummary
    notes: tuple[str, ...]
    state: bytes | None


def reshare_received(
    raw: bytes,
    file: str,
    keyring: VerifiedKeyring,
    signing: Callable[[], Sequence[tuple[str, Ed25519PrivateKey]]],
    *,
    as_org: str,
    to: Sequence[str],
    now: dt.datetime,
    tlp: Tlp | None = None,
    state: ExchangeState | None = None,
) -> Reshared:
    """``fiveguard exchange reshare``: verify a received envelope and re-share it as a new
    envelope signed by ``as_org`` (refused where its label forbids). ``signing`` gives the
    keys once the envelope is verified (a passphrase is asked for only then)."""
    from fiveguard.exchange.build import statement_payload
    from fiveguard.exchange.dsse import PAYLOAD_TYPE_INTOTO
    from fiveguard.exchange.tlp import reshare_summary
    from fiveguard.exchange.verify import verify_envelope

    original = verify_envelope(raw, file, keyring, now=now, as_org=as_org)
    keys = signing()
    check_against_keyring(keyring, as_org, [k for k, _ in keys], tuple(to), None, reshare=True)
    last = state.issued.get(as_org) if state else None
    summary, notes = reshare_summary(
        original,
        resharer=as_org,
        recipients=list(to),
        bundle_id=str(uuid.uuid4()),
        sequence=last.sequence + 1 if last else 1,
        supersedes=last.bundle_id if last else None,
        issued_at=now,
        tlp=tlp,
    )
    digest = original.statement.subject[0].digest["sha256"]
    new = Envelope(statement_payload(summary, digest), PAYLOAD_TYPE_INTOTO)
    for keyid, private in keys:
        new = sign_envelope(new, private, keyid)
    issued = issued_state(state, summary, new.payload) if state is not None else None
    return Reshared(new, summary, tuple(notes), issued)


def publish_states_counts(
    inputs: Sequence[tuple[str, bytes]],
    keyring: VerifiedKeyring,
    *,
    as_org: str,
    min_cell: int,
    now: dt.datetime,
) -> Publication:
    """``fiveguard exchange publish``: anonymised TLP:CLEAR counts from verified summaries."""
    from fiveguard.exchange.coordinate import select
    from fiveguard.exchange.tlp import publish_counts
    from fiveguard.exchange.verify import verify_all

    verified = verify_all(inputs, keyring, now=now, as_org=as_org)
    used, _ = select(verified)
    return publish_counts([u.summary for u in used], publisher=as_org, min_cell=min_cell, now=now)
