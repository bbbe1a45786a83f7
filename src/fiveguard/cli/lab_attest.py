"""``fiveguard lab attest`` (sign what a lab found about a product version) and
``fiveguard lab import`` (verify a signed attestation and record it).

Both work under the exchange's keyring (``--keyring``): the lab is an organisation of kind
``evaluation-lab`` there, ``attest`` signs with its encrypted private key files (``--key``,
as ``fiveguard keys new`` writes them; the passphrase in ``FIVEGUARD_KEY_PASSPHRASE`` or a
prompt), and ``import`` accepts only what the keyring's keys of a lab signed while valid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from fiveguard.cli.app import console, err_console
from fiveguard.cli.exchange import StateOpt
from fiveguard.cli.lab import DateOpt, day, lab_app
from fiveguard.cli.record_common import DatabaseOpt, OrgOpt, UserOpt, acting, record
from fiveguard.cli.registry import RegistryOpt
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.lab import LabRecord
from fiveguard.domain.parties import Tlp
from fiveguard.domain.registry import Registry

if TYPE_CHECKING:
    from fiveguard.exchange.keyring import VerifiedKeyring
    from fiveguard.lab.attestation import Accepted

KeyringOpt = Annotated[
    Path,
    typer.Option("--keyring", dir_okay=False, help="The exchange's keyring (keyring.json)."),
]


@lab_app.command("attest")
def attest(
    as_org: Annotated[
        str, typer.Option("--as", help="The issuing lab: its keyring organisation and registry id.")
    ],
    product: Annotated[str, typer.Option("--product", help="Canonical product id.")],
    version: Annotated[list[str], typer.Option("--version", help="Version attested about.")],
    key: Annotated[
        list[Path],
        typer.Option("--key", dir_okay=False, help="A private key of the lab (repeat for two)."),
    ],
    keyring: KeyringOpt,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The envelope to write.")],
    registry: RegistryOpt,
    record: Annotated[
        list[str] | None,
        typer.Option("--record", help="A record to include (default: every one of the lab's)."),
    ] = None,
    tlp: Annotated[Tlp, typer.Option("--tlp", help="TLP 2.0 label.")] = Tlp.AMBER,
    recipient: Annotated[
        list[str] | None,
        typer.Option("--to", "--recipient", help="An organisation of the keyring it is for."),
    ] = None,
) -> None:
    """Sign the lab's evaluations and findings about product versions as an in-toto
    statement about the versions' artefact digests, in a DSSE envelope, with the lab's
    keys in the exchange's keyring. Findings under embargo are left out (and named) unless
    the label is RED; TLP:RED needs a named recipient (--to).

    Example: `fiveguard lab attest --as xec --product korvath.gnb --version 9.0
    --key xec-3fa1b2c4.key --keyring keyring.json --tlp AMBER --to xcsa
    --out korvath-gnb-9.0.dsse.json -r registry/`
    """
    from fiveguard.cli.exchange import verified_keyring
    from fiveguard.cli.keyring import now
    from fiveguard.cli.keys import load_signing_key
    from fiveguard.lab.attestation import build_statement, sign
    from fiveguard.lab.signing import lab_signer
    from fiveguard.modelio.registry_files import read_registry, write_files

    ring = verified_keyring(keyring).current
    issued = now()
    signer = lab_signer(ring, as_org, [load_signing_key(k) for k in key], issued)
    to = list(dict.fromkeys(recipient or []))
    unknown = [r for r in to if ring.organisation(r) is None]
    if unknown:
        raise InputError.at(
            f"not organisations of the keyring: {', '.join(unknown)}", COMMAND_LINE, path="--to"
        )
    reg = read_registry(registry).registry
    chosen = _records(reg, as_org, product, version, record or [], tlp, to)
    draft = build_statement(reg, as_org, product, version, chosen, issued, tlp, to)
    write_files({out: sign(draft, signer).to_json()})
    for withheld in draft.withheld:
        err_console.print(
            f"withheld: {escape(withheld.id)} is under embargo until {withheld.embargo_until}"
        )
    console.print(
        f"[green]signed[/green] {len(draft.statement.predicate.records)} record(s) about "
        f"{escape(product)} {escape(', '.join(version))} as {tlp.marking}"
        + (f" to {escape(', '.join(to))}" if to else "")
        + f", by {escape(as_org)} with {len(signer.keys)} key(s): {escape(str(out))}"
    )


def _records(
    reg: Registry,
    lab: str,
    product: str,
    versions: list[str],
    named: list[str],
    tlp: Tlp,
    recipients: list[str],
) -> list[LabRecord]:
    """The records to attest: those named, else every one of the lab's about the versions."""
    from fiveguard.lab.attestation import concerns

    if lab not in reg.labs:
        raise InputError.at(f"{lab!r} is not a lab of the registry", COMMAND_LINE, path="--as")
    if product not in reg.products:
        raise InputError.at(
            f"{product!r} is not a product of the registry", COMMAND_LINE, path="--product"
        )
    if tlp is Tlp.RED and not recipients:
        raise InputError.at(
            "TLP:RED is for named recipients only: give --to ORG", COMMAND_LINE, path="--tlp"
        )
    missing = [r for r in named if r not in reg.records]
    if missing:
        raise InputError.at(
            f"not records of the registry: {', '.join(missing)}", COMMAND_LINE, path="--record"
        )
    if named:
        return [reg.records[r] for r in named]
    entry = reg.products[product]
    return [r for r in reg.records.values() if r.lab == lab and concerns(r, entry, versions)]


@lab_app.command("import")
def import_command(
    envelope: Annotated[Path, typer.Argument(help="A lab's signed attestation (DSSE).")],
    keyring: KeyringOpt,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            "-r",
            envvar="FIVEGUARD_REGISTRY",
            file_okay=False,
            help="The registry directory; without it, the shared record (--database).",
        ),
    ] = None,
    as_org: Annotated[
        str | None,
        typer.Option("--as", help="The importing organisation (of the keyring; for TLP)."),
    ] = None,
    date: DateOpt = None,
    state: StateOpt = None,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Verify a lab's attestation under the exchange's keyring and record what it says in
    the registry, or, without --registry, in the shared record (as --user's organisation,
    whose name there is its id in the keyring). Refused, with every reason, when a
    signature does not verify, a key was not valid (expired, revoked, retired) when it was
    issued, the lab's threshold is not met, the signer is not an evaluation lab of the
    keyring or not the lab it names, the payload is not canonical or not the schema, the
    importer may not read it (TLP), the digests are not the registry's, or it is older than
    what is recorded; nothing is then written. With --state, the keyring is pinned: another
    keyring, or an older version of it, is refused.

    Example: `fiveguard lab import korvath-gnb-9.0.dsse.json --keyring keyring.json
    --as xcsa -r registry/`, or `fiveguard lab import korvath-gnb-9.0.dsse.json --keyring
    keyring.json --state lab-state.json --user alice` (into the record)
    """
    from fiveguard.cli.exchange import load_state, verified_keyring
    from fiveguard.cli.keyring import now
    from fiveguard.exchange.state import state_json
    from fiveguard.lab.keyring_pin import pin_problems, pinned
    from fiveguard.modelio.registry_files import write_files

    ring = verified_keyring(keyring)
    known = load_state(state)
    if state is not None and known is not None:
        problems = pin_problems(ring, known, str(state))
        if problems:
            raise InputError(problems)
    if as_org is not None and ring.current.organisation(as_org) is None:
        raise InputError.at(
            f"{as_org} is not an organisation of the keyring (version {ring.current.version})",
            COMMAND_LINE,
            path="--as",
        )
    if registry is None:
        accepted = _import_into_record(envelope, ring, day(date), as_org, user, org, database)
    else:
        accepted = _import_into_files(envelope, ring, registry, day(date), as_org, now())
    if state is not None and known is not None:
        write_files({state: state_json(pinned(known, ring))})
        console.print(
            f"keyring version {ring.current.version} pinned in {escape(str(state))}",
            soft_wrap=True,
        )
    p = accepted.predicate
    if p.withheld:
        console.print(
            f"the lab withheld {len(p.withheld)} finding(s) under embargo: "
            + escape(", ".join(f"{w.id} (until {w.embargo_until})" for w in p.withheld))
        )


def _import_into_files(
    envelope: Path,
    ring: VerifiedKeyring,
    registry: Path,
    today: dt.date,
    as_org: str | None,
    moment: dt.datetime,
) -> Accepted:
    from fiveguard.modelio.lab_files import import_attestation
    from fiveguard.modelio.registry_files import read_registry

    files = read_registry(registry)
    accepted, written = import_attestation(files, envelope, ring.current, today, as_org, now=moment)
    _verified(accepted)
    for path in written:
        console.print(f"  {escape(str(path))}")
    return accepted


def _import_into_record(
    envelope: Path,
    ring: VerifiedKeyring,
    today: dt.date,
    as_org: str | None,
    user: str | None,
    org: str | None,
    database: str | None,
) -> Accepted:
    from fiveguard.cli.keyring import now
    from fiveguard.lab.signing import MAX_ENVELOPE_BYTES
    from fiveguard.modelio.jsonsource import read_limited
    from fiveguard.modelio.yamlsource import display_name
    from fiveguard.store.registry_records import import_attestation

    name = display_name(envelope)
    raw = read_limited(envelope, MAX_ENVELOPE_BYTES, name)
    with record(database) as session:
        principal = acting(session, user, org)
        if as_org is not None and as_org != principal.organisation:
            raise InputError.at(
                f"{principal.actor} acts for {principal.organisation}, not {as_org}: the "
                "record imports as the user's organisation",
                COMMAND_LINE,
                path="--as",
            )
        found = import_attestation(
            session, principal, raw, name, ring.current, now_at=now(), verified_on=today
        )
    _verified(found.accepted)
    done = found.done
    console.print(
        f"  kept in the record for {escape(str(principal.organisation))}: "
        f"{done.added['records']} new record(s), {done.attestations} new attestation(s), "
        f"{done.shared} shared with you, {done.unchanged} already yours",
        soft_wrap=True,
    )
    return found.accepted


def _verified(accepted: Accepted) -> None:
    p = accepted.predicate
    console.print(
        f"[green]verified[/green]: signed by {escape(accepted.signed.organisation)} "
        f"({p.lab.name}), {p.tlp.marking}, issued {p.issued_at.isoformat()}; recorded "
        f"{len(p.records)} record(s) about {escape(p.product.id)} {escape(', '.join(p.versions))}"
    )
