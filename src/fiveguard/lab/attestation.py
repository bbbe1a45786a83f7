"""Lab attestations: an in-toto Statement v1 about a product version's artefact digests,
whose predicate carries what a lab recorded about it, serialised by RFC 8785 and signed
in a DSSE envelope under the exchange's keyring (:mod:`fiveguard.lab.signing`).

:func:`build_statement` makes the statement a lab signs; :func:`accept` makes every check
an importer makes of a signed one, failing closed: the envelope's shape, the payload
type, the payload's canonical form and schema, the signatures (keys of the keyring valid
at ``issued_at``, the lab's threshold met, the signer an evaluation lab), not issued in
the future, the signer is the lab the predicate names, the importer may read it (an
organisation of the keyring; a recipient when the label is AMBER, AMBER+STRICT or RED and
names some; TLP:RED always names them), the subjects are the registry's digests of the
version, embargoed findings travel only under TLP:RED, and nothing older than what is
recorded replaces it. Every failure is a located problem; nothing is accepted unless
every check passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fiveguard.domain.base import Identifier, Version
from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem, dotted
from fiveguard.domain.lab import AttestedBy, LabFinding, LabRecord, PracticeReview, versions_of
from fiveguard.domain.parties import Tlp
from fiveguard.domain.registry import Lab, Registry, RegistryProduct, RegistrySupplier
from fiveguard.exchange.dsse import Envelope
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import KeyringBody
from fiveguard.exchange.verify import CLOCK_SKEW, OPEN_LABELS
from fiveguard.lab.signing import PAYLOAD_TYPE, LabSigner, Signed, read_envelope, verify_signatures

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://fiveguard.invalid/lab/attestation/v1"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Subject(_Strict):
    """An artefact of the version: ``PRODUCT@VERSION/NAME`` and its SHA-256."""

    name: Annotated[str, Field(min_length=1, max_length=800)]
    digest: dict[Literal["sha256"], Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]]


class Withheld(_Strict):
    """A finding left out because it is under embargo."""

    id: Identifier
    embargo_until: dt.date


class LabPredicate(_Strict):
    """What a lab attests about versions of one product."""

    lab: Lab
    supplier: RegistrySupplier
    product: RegistryProduct
    versions: tuple[Version, ...] = Field(min_length=1)
    issued_at: dt.datetime
    tlp: Tlp
    recipients: tuple[Identifier, ...] = Field(
        default=(), description="Organisations it is addressed to; none: the label's community."
    )
    records: tuple[LabRecord, ...] = Field(min_length=1)
    withheld: tuple[Withheld, ...] = ()

    @model_validator(mode="after")
    def _records_plain(self) -> LabPredicate:
        if any(r.attestation is not None for r in self.records):
            raise ValueError("records travel without an attestation field: the envelope is it")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at needs a time zone, e.g. 2026-09-01T10:00:00Z")
        return self


class LabStatement(_Strict):
    """An in-toto Statement v1 with a lab attestation predicate."""

    type_: Literal["https://in-toto.io/Statement/v1"] = Field(alias="_type")
    subject: tuple[Subject, ...] = Field(min_length=1)
    predicateType: Literal["https://fiveguard.invalid/lab/attestation/v1"]  # noqa: N815
    predicate: LabPredicate


def concerns(record: LabRecord, product: RegistryProduct, versions: Sequence[str]) -> bool:
    """Whether ``record`` is about one of ``versions`` of ``product`` (a practice review:
    about its supplier)."""
    if isinstance(record, PracticeReview):
        return record.supplier == product.supplier
    if record.product != product.id:
        return False
    _, held = versions_of(record)
    return any(v in held for v in versions)


@dataclass(frozen=True)
class Draft:
    """A statement ready to sign, and what was left out of it."""

    statement: LabStatement
    withheld: tuple[Withheld, ...]

    def payload(self) -> bytes:
        return canonical(self.statement.model_dump(mode="json", by_alias=True, exclude_none=True))


def build_statement(
    registry: Registry,
    lab: str,
    product: str,
    versions: Sequence[str],
    records: Sequence[LabRecord],
    issued_at: dt.datetime,
    tlp: Tlp,
    recipients: Sequence[str] = (),
) -> Draft:
    """The statement of ``records`` about ``versions`` of ``product``, issued by ``lab``.

    Refused (InputError at the command line's names): a version the registry does not list
    or whose artefact digests it does not know, a record of another lab or not about these
    versions. Findings under embargo on ``issued_at`` are left out unless the label is RED.
    """
    entry = registry.products[product]
    subjects, problems = _subjects_of(entry, versions)
    kept, withheld, more = _chosen(records, lab, entry, versions, issued_at.date(), tlp)
    problems += more
    if problems:
        raise InputError(problems)
    predicate = LabPredicate(
        lab=registry.labs[lab],
        supplier=registry.suppliers[entry.supplier],
        product=entry,
        versions=tuple(versions),
        issued_at=issued_at,
        tlp=tlp,
        recipients=tuple(recipients),
        records=tuple(kept),
        withheld=tuple(withheld),
    )
    statement = LabStatement.model_validate(
        {
            "_type": STATEMENT_TYPE,
            "subject": subjects,
            "predicateType": PREDICATE_TYPE,
            "predicate": predicate,
        }
    )
    return Draft(statement, tuple(withheld))


def _subjects_of(
    entry: RegistryProduct, versions: Sequence[str]
) -> tuple[list[Subject], list[Problem]]:
    """The artefacts of each version as subjects; a version without a digest is a problem."""
    subjects: list[Subject] = []
    problems: list[Problem] = []
    for version in versions:
        known = entry.version(version)
        if known is None or not known.artefacts:
            problems.append(
                Problem(
                    Location(COMMAND_LINE, path="--version"),
                    f"the registry knows no artefact digest of {entry.id}@{version}: an "
                    "attestation is about the digests of what was evaluated; add them with "
                    f"'fiveguard registry add version {entry.id}@{version} "
                    "--artefact NAME=SHA256'",
                )
            )
            continue
        subjects += [
            Subject(name=f"{entry.id}@{version}/{a.name}", digest={"sha256": a.sha256})
            for a in known.artefacts
        ]
    return subjects, problems


def _chosen(
    records: Sequence[LabRecord],
    lab: str,
    entry: RegistryProduct,
    versions: Sequence[str],
    issued: dt.date,
    tlp: Tlp,
) -> tuple[list[LabRecord], list[Withheld], list[Problem]]:
    """The records that travel, those withheld under embargo, and records that cannot."""
    kept: list[LabRecord] = []
    withheld: list[Withheld] = []
    problems: list[Problem] = []
    for record in records:
        if record.lab != lab or not concerns(record, entry, versions):
            problems.append(
                Problem(
                    Location(COMMAND_LINE, path=record.id),
                    f"record {record.id} is not lab {lab}'s about {entry.id} "
                    + ", ".join(versions),
                )
            )
            continue
        embargo = record.embargo_until if isinstance(record, LabFinding) else None
        if embargo is not None and embargo > issued and tlp is not Tlp.RED:
            withheld.append(Withheld(id=record.id, embargo_until=embargo))
            continue
        kept.append(record.model_copy(update={"attestation": None}))
    if not kept and not problems:
        problems.append(
            Problem(Location(COMMAND_LINE), "nothing to attest: every record is under embargo")
        )
    return kept, withheld, problems


def sign(draft: Draft, signer: LabSigner) -> Envelope:
    """The signed envelope of a statement."""
    return signer.sign(draft.payload(), PAYLOAD_TYPE)


# ---------------------------------------------------------------------------- import


@dataclass(frozen=True)
class Accepted:
    """A verified attestation: the statement, who signed it, the payload's digest."""

    statement: LabStatement
    signed: Signed
    payload_sha256: str

    @property
    def predicate(self) -> LabPredicate:
        return self.statement.predicate

    def records(self, envelope_path: str, today: dt.date) -> list[LabRecord]:
        """The records, each stamped with where it came from."""
        stamp = AttestedBy(
            signer=self.signed.organisation,
            keyids=self.signed.keyids,
            envelope=envelope_path,
            payload_sha256=self.payload_sha256,
            verified_on=today,
            issued_at=self.predicate.issued_at,
            tlp=self.predicate.tlp,
        )
        return [r.model_copy(update={"attestation": stamp}) for r in self.predicate.records]


def read_statement(envelope: Envelope, file: str) -> LabStatement:
    """The statement of an envelope: payload type, canonical JSON, schema."""
    if envelope.payload_type != PAYLOAD_TYPE:
        raise InputError.at(
            f"payload type {envelope.payload_type!r}; expected {PAYLOAD_TYPE!r}",
            file,
            path="payloadType",
        )
    try:
        data = json.loads(envelope.payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError.at(f"the payload is not JSON: {exc}", file, path="payload") from None
    try:
        same = canonical(data) == envelope.payload
    except Exception as exc:
        raise InputError.at(
            f"the payload cannot be canonical: {exc}", file, path="payload"
        ) from None
    if not same:
        raise InputError.at("the payload is not in RFC 8785 canonical form", file, path="payload")
    try:
        return LabStatement.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Problem(
                    Location(file, path=dotted(("payload", *e["loc"]))),
                    e["msg"].removeprefix("Value error, "),
                )
                for e in exc.errors(include_url=False)
            ]
        ) from None


def accept(
    raw: bytes,
    file: str,
    keyring: KeyringBody,
    registry: Registry,
    *,
    now: dt.datetime,
    importer: str | None = None,
    no_importer: str = "say who imports it (--as ORG)",
) -> Accepted:
    """Every check of an imported envelope (see the module's docstring); raise InputError
    listing every failure found. ``no_importer`` ends the message refusing an envelope
    for want of an importer of the keyring: what the user can do about it where the
    importer comes from (``--as`` on the command line by default)."""
    envelope = read_envelope(raw, file)
    problems: list[Problem] = []
    statement: LabStatement | None = None
    try:
        statement = read_statement(envelope, file)
    except InputError as exc:
        problems += exc.problems
    issued = statement.predicate.issued_at if statement is not None else None
    signed, refused = verify_signatures(envelope, keyring, issued, file)
    problems = refused + problems
    if statement is None or signed is None:
        raise InputError(problems or [Problem(Location(file), "not accepted")])
    p = statement.predicate

    def fail(path: str, message: str) -> None:
        problems.append(Problem(Location(file, path=path), message))

    if p.issued_at > now + CLOCK_SKEW:
        fail(
            "payload.predicate.issued_at",
            f"issued_at {p.issued_at.isoformat()} is in the future (now {now.isoformat()})",
        )
    if signed.organisation != p.lab.id:
        fail("payload.predicate.lab", f"signed by {signed.organisation}, but issued as {p.lab.id}")
    if p.lab.id not in registry.labs:
        fail("payload.predicate.lab", f"lab {p.lab.id} is not in the registry: add it first")
    problems += _reader_problems(p, importer, keyring, file, no_importer)
    _subjects(statement, registry, fail)
    for i, record in enumerate(p.records):
        embargo = record.embargo_until if isinstance(record, LabFinding) else None
        if embargo is not None and embargo > p.issued_at.date() and p.tlp is not Tlp.RED:
            fail(
                f"payload.predicate.records[{i}]",
                f"under embargo until {embargo}, sent as {p.tlp.marking}: "
                "an embargoed finding travels only under TLP:RED",
            )
        held = registry.records.get(record.id)
        stamp = held.attestation if held is not None else None
        if stamp is not None and stamp.issued_at > p.issued_at:
            fail(
                f"payload.predicate.records[{i}]",
                f"{record.id} is recorded from an attestation issued "
                f"{stamp.issued_at.isoformat()}, later than this one: an "
                "older attestation never replaces a newer one",
            )
    if problems:
        raise InputError(problems)
    return Accepted(statement, signed, hashlib.sha256(envelope.payload).hexdigest())


def _reader_problems(
    p: LabPredicate,
    importer: str | None,
    keyring: KeyringBody,
    file: str,
    no_importer: str = "say who imports it (--as ORG)",
) -> list[Problem]:
    """The exchange's TLP rules for who may import: TLP:CLEAR and GREEN any organisation of
    the keyring; AMBER and AMBER+STRICT the named recipients, else (none named) the
    keyring's organisations; TLP:RED only its named recipients."""
    where = Location(file, path="payload.predicate.recipients")
    if importer is not None and keyring.organisation(importer) is None:
        return [
            Problem(
                Location(COMMAND_LINE, path="--as"),
                f"{importer} is not an organisation of the keyring (version {keyring.version})",
            )
        ]
    if p.tlp is Tlp.RED and not p.recipients:
        return [Problem(where, "TLP:RED names its recipients; none are named")]
    if p.tlp in OPEN_LABELS:
        return []
    if p.recipients and importer not in p.recipients:
        return [
            Problem(
                where,
                f"{p.tlp.marking}, addressed to {', '.join(p.recipients)}"
                + (f", not {importer}" if importer else f": {no_importer}"),
            )
        ]
    if importer is None:
        return [
            Problem(
                Location(file, path="payload.predicate.tlp"),
                f"{p.tlp.marking} is for the keyring's organisations: {no_importer}",
            )
        ]
    return []


def _subjects(
    statement: LabStatement, registry: Registry, report: Callable[[str, str], None]
) -> None:
    p = statement.predicate
    entry = registry.products.get(p.product.id)
    if entry is None:
        report("payload.predicate.product", f"{p.product.id} is not a product of the registry")
        return
    for version in p.versions:
        known = entry.version(version)
        if known is None:
            report(
                "payload.predicate.versions", f"the registry has no version {version} of {entry.id}"
            )
            continue
        mine = {f"{entry.id}@{version}/{a.name}": a.sha256 for a in known.artefacts}
        theirs = {
            s.name: s.digest["sha256"]
            for s in statement.subject
            if s.name.startswith(f"{entry.id}@{version}/")
        }
        for name, digest in theirs.items():
            if mine and mine.get(name) != digest:
                report(
                    "payload.subject",
                    f"{name} has digest {digest[:12]}…, not the registry's "
                    f"{(mine.get(name) or 'none')[:12]}…: not the build the registry knows",
                )
        if not theirs:
            report("payload.subject", f"no subject names an artefact of {entry.id}@{version}")


def envelope_holds(
    records: Sequence[LabRecord], name: str, raw: bytes, file: str
) -> dict[str, str | None]:
    """For each record imported from the stored envelope ``name`` (its bytes ``raw``): None
    when the envelope still holds it as imported, else why not. The payload digest must be
    the one recorded, and the record exactly the payload's. The envelope is read once."""
    try:
        envelope = read_envelope(raw, file)
        statement = read_statement(envelope, file)
    except InputError as exc:
        why = f"its envelope {name} cannot be read: {exc.problems[0].message}"
        return {r.id: why for r in records}
    digest = hashlib.sha256(envelope.payload).hexdigest()
    held = {r.id: r for r in statement.predicate.records}
    out: dict[str, str | None] = {}
    for record in records:
        stamp = record.attestation
        if stamp is None or stamp.payload_sha256 != digest:
            out[record.id] = f"its envelope {name} is not the one imported (payload digest differs)"
        elif held.get(record.id) != record.model_copy(update={"attestation": None}):
            out[record.id] = (
                f"it differs from the record in its envelope {name}: edited since import"
            )
        else:
            out[record.id] = None
    return out
