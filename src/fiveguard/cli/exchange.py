"""``fiveguard exchange``: export a national summary envelope, verify (and import) one,
re-share one, publish anonymised counts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from fiveguard.cli import common
from fiveguard.cli.app import app, console, settings
from fiveguard.cli.keyring import load as load_keyring_file
from fiveguard.cli.keyring import now
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from fiveguard.domain.parties import Tlp
    from fiveguard.exchange.keyring import VerifiedKeyring
    from fiveguard.exchange.state import ExchangeState
    from fiveguard.exchange.summary import Section
    from fiveguard.exchange.verify import Verified

exchange_app = typer.Typer(
    help="Signed national summaries between member states: export, verify, re-share, publish.",
    no_args_is_help=True,
)
app.add_typer(exchange_app, name="exchange")

KeyringOpt = Annotated[Path, typer.Option("--keyring", help="The keyring file (JSON).")]
AsOpt = Annotated[
    str | None, typer.Option("--as", help="The organisation importing (must be allowed to read).")
]
StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="State file of what was accepted and issued (sequences, the keyring pinned); "
        "created when missing, updated only on success.",
        dir_okay=False,
    ),
]
EnvelopeArg = Annotated[Path, typer.Argument(help="An envelope file.", show_default=False)]
MAX_ASSESSMENT_BYTES = 1 << 30


def parse_tlp(text: str, option: str) -> Tlp:
    from fiveguard.domain.parties import Tlp

    wanted = text.upper().removeprefix("TLP:")
    for label in Tlp:
        if label.value == wanted:
            return label
    raise InputError.at(
        f"unknown TLP label {text!r}; expected one of {', '.join(t.value for t in Tlp)}",
        COMMAND_LINE,
        path=option,
    )


def parse_section_labels(values: list[str]) -> dict[Section, Tlp]:
    from fiveguard.exchange.summary import Section

    out = {}
    for value in values:
        name, _, label = value.partition("=")
        try:
            section = Section(name)
        except ValueError:
            raise InputError.at(
                f"unknown section {name!r}; expected one of "
                f"{', '.join(s.value for s in Section)} (as SECTION=LABEL)",
                COMMAND_LINE,
                path="--section-tlp",
            ) from None
        out[section] = parse_tlp(label, "--section-tlp")
    return out


def verified_keyring(path: Path) -> VerifiedKeyring:
    from fiveguard.exchange.keyring import verify_keyring

    return verify_keyring(load_keyring_file(path), str(path))


def load_state(path: Path | None) -> ExchangeState | None:
    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.state import MAX_STATE_BYTES, ExchangeState, read_state

    if path is None:
        return None
    if not path.exists():
        return ExchangeState()
    return read_state(read_limited(path, MAX_STATE_BYTES, "state file"), str(path))


def origin_of(keys: list[Path], given: str | None) -> str:
    """``--origin``, else the organisation named by the public key file beside the first key."""
    if given is not None:
        return given
    from fiveguard.cli.keyring import read_public

    beside = keys[0].with_name(keys[0].name.removesuffix(".key") + ".pub.json")
    if not beside.exists():
        raise InputError.at(
            f"give --origin ORG: no public key file {str(beside)!r} beside the key says whose "
            "it is",
            COMMAND_LINE,
            path="--origin",
        )
    return read_public(beside).organisation


@exchange_app.command("export")
def export(
    ctx: typer.Context,
    model: Annotated[Path, typer.Argument(help="The national model (YAML).", show_default=False)],
    key: Annotated[list[Path], typer.Option("--key", help="A signing key (repeat for two).")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient organisation (repeat).")],
    tlp: Annotated[str, typer.Option("--tlp", help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")],
    out: Annotated[Path, typer.Option("--out", help="The envelope file to write.")],
    origin: Annotated[
        str | None, typer.Option("--origin", help="Signing organisation (default: the key's).")
    ] = None,
    keyring: Annotated[
        Path | None, typer.Option("--keyring", help="Check keys and recipients against it.")
    ] = None,
    assessment: Annotated[
        Path | None,
        typer.Option("--assessment", help="This assessment JSON of MODEL instead of assessing."),
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy preset or file.")] = None,
    trials: Annotated[
        int | None, typer.Option("--trials", min=0, help="Monte Carlo years (default: catalogue).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Monte Carlo seed.")] = 0,
    section_tlp: Annotated[
        list[str] | None,
        typer.Option("--section-tlp", help="A stricter label for a section: SECTION=LABEL."),
    ] = None,
    per_operator: Annotated[
        bool,
        typer.Option(
            "--per-operator",
            help="Include the per-operator register (TLP:AMBER+STRICT unless --section-tlp "
            "says stricter).",
        ),
    ] = False,
    sequence: Annotated[
        int | None, typer.Option("--sequence", min=1, help="Default: the state's next, else 1.")
    ] = None,
    supersedes: Annotated[
        str | None, typer.Option("--supersedes", help="Default: the state's last bundle.")
    ] = None,
    state: StateOpt = None,
) -> None:
    """Export a national summary envelope: the assessment's figures (never the inventory),
    signed, labelled and addressed, bound to the model snapshot by its digest.

    Example: `fiveguard exchange export national.yaml --key keys/XR-NCA-3fa1b2c4.key --to
    EU-COORD --tlp AMBER --out xr.dsse.json`
    """
    from fiveguard.app.exchange import export_national_summary
    from fiveguard.cli.keys import load_signing_key
    from fiveguard.exchange.files import write_files

    label = parse_tlp(tlp, "--tlp")
    labels = parse_section_labels(section_tlp or [])
    if out.exists() and out.is_dir():
        raise InputError.at(
            f"{str(out)!r} is a directory; expected a file", COMMAND_LINE, path="--out"
        )
    signing = [load_signing_key(k) for k in key]
    org = origin_of(key, origin)
    ring = verified_keyring(keyring) if keyring is not None else None
    known = load_state(state)
    loaded, cat = common.model(ctx, model)
    given = None
    if assessment is not None:
        from fiveguard.exchange.files import read_limited

        raw = read_limited(assessment, MAX_ASSESSMENT_BYTES, "assessment JSON")
        given = (raw, str(assessment))
    done = export_national_summary(
        loaded,
        model,
        cat,
        signing,
        origin=org,
        to=to,
        tlp=label,
        now=now(),
        section_tlp=labels,
        per_operator=per_operator,
        keyring=ring,
        state=known,
        sequence=sequence,
        supersedes=supersedes,
        assessment=given,
        policy=policy,
        catalogue_path=settings(ctx).catalog,
        trials=trials,
        seed=seed,
    )
    summary = done.summary
    files = {out: done.envelope.to_json()}
    if state is not None and done.state is not None:
        files[state] = done.state
    write_files(files)
    console.print(
        f"wrote {escape(str(out))}: the {summary.country} summary as of {summary.as_of}, "
        f"{summary.tlp.marking} to {escape(', '.join(summary.recipients))}, sequence "
        f"{summary.sequence} (bundle {summary.bundle_id}), signed by {len(signing)} key(s) "
        f"of {escape(org)}; model snapshot sha256:{done.digest}",
        soft_wrap=True,
    )
    if summary.federated is not None:
        console.print(
            f"federated Monte Carlo: the cross-border sources' impacts of "
            f"{summary.federated.trials:,} years under seed {summary.federated.seed} "
            "(every state of the coordinated run must use the same seed and trials)",
            soft_wrap=True,
        )


@exchange_app.command("sign")
def sign(
    envelope: EnvelopeArg,
    key: Annotated[list[Path], typer.Option("--key", help="A signing key (repeat for two).")],
    out: Annotated[Path, typer.Option("--out", help="The signed envelope file to write.")],
) -> None:
    """Sign an envelope prepared elsewhere — the payload a web app's outbox offers for
    download — over exactly its payload, keeping signatures already there; upload the
    result on the outbox page.

    Example: `fiveguard exchange sign outgoing-4.unsigned.dsse.json --key
    keys/XR-NCA-3fa1b2c4.key --out outgoing-4.dsse.json`
    """
    from fiveguard.cli.keys import load_signing_key
    from fiveguard.exchange.dsse import read_envelope, sign_envelope
    from fiveguard.exchange.files import read_limited, write_files
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    if out.exists() and out.is_dir():
        raise InputError.at(
            f"{str(out)!r} is a directory; expected a file", COMMAND_LINE, path="--out"
        )
    raw = read_limited(envelope, MAX_ENVELOPE_BYTES, "envelope")
    signed = read_envelope(raw, str(envelope), MAX_ENVELOPE_BYTES)
    for keyid, private in (load_signing_key(k) for k in key):
        signed = sign_envelope(signed, private, keyid)
    write_files({out: signed.to_json()})
    console.print(
        f"wrote {escape(str(out))}: {len(signed.signatures)} signature(s) over the payload of "
        f"{escape(str(envelope))}",
        soft_wrap=True,
    )


@exchange_app.command("verify")
def verify(
    envelope: EnvelopeArg,
    keyring: KeyringOpt,
    as_org: AsOpt = None,
    state: StateOpt = None,
) -> None:
    """Verify a national summary envelope, failing closed; with --state, import it (record
    its sequence so an older or replayed bundle from its origin is refused later).

    Exit code 0 and what was verified; exit code 2 and one located message per failure.

    Example: `fiveguard exchange verify xr.dsse.json --keyring keyring.json --as EU-COORD`
    """
    from fiveguard.app.exchange import verify_received
    from fiveguard.exchange.files import read_limited, write_files
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    ring = verified_keyring(keyring)
    known = load_state(state)
    raw = read_limited(envelope, MAX_ENVELOPE_BYTES, "envelope")
    checked, accepted = verify_received(
        raw, str(envelope), ring, now=now(), as_org=as_org, state=known
    )
    if state is not None and accepted is not None:
        write_files({state: accepted})
    print_verified(checked, ring)
    if state is not None:
        console.print(f"recorded as accepted in {escape(str(state))}", soft_wrap=True)


def print_verified(v: Verified, ring: VerifiedKeyring) -> None:
    s = v.summary
    org = ring.current.organisation(v.organisation)
    threshold = org.threshold if org else 0
    console.print(
        f"[green]verified[/green] {escape(v.file)}\n"
        f"  signed by {escape(v.organisation)}: {len(v.signers)} valid signature(s) of the "
        f"{threshold} required ({', '.join(k[:8] + '…' for k in v.signers)}), keyring version "
        f"{ring.current.version}\n"
        f"  summary of {s.country} as of {s.as_of}, issued {s.issued_at.isoformat()}, "
        f"sequence {s.sequence} (bundle {escape(s.bundle_id)}"
        + (f", supersedes {escape(s.supersedes)}" if s.supersedes else "")
        + ")\n"
        f"  {s.tlp.marking} to {escape(', '.join(s.recipients) or 'anyone')}"
        + "".join(f"; {sec.value} {lab.marking}" for sec, lab in s.section_tlp.items())
        + f"\n  model snapshot sha256:{v.statement.subject[0].digest['sha256']}",
        soft_wrap=True,
    )
    if s.reshared_from:
        r = s.reshared_from
        console.print(
            f"  re-shared from {escape(r.origin)}'s bundle {escape(r.bundle_id)} "
            f"(sequence {r.sequence}, {r.tlp.marking})",
            soft_wrap=True,
        )
    for note in v.notes:
        console.print(f"  note: {escape(note)}", soft_wrap=True)


@exchange_app.command("reshare")
def reshare(
    envelope: EnvelopeArg,
    keyring: KeyringOpt,
    as_org: Annotated[str, typer.Option("--as", help="The re-sharing organisation.")],
    key: Annotated[list[Path], typer.Option("--key", help="Its signing key (repeat for two).")],
    to: Annotated[list[str], typer.Option("--to", help="A new recipient (repeat).")],
    out: Annotated[Path, typer.Option("--out", help="The new envelope file.")],
    tlp: Annotated[
        str | None, typer.Option("--tlp", help="A stricter label (default: the original's).")
    ] = None,
    state: StateOpt = None,
) -> None:
    """Re-share a summary you received: a new envelope signed by you, naming the original.
    Refused for TLP:AMBER+STRICT and TLP:RED; sections labelled so are withheld.

    Example: `fiveguard exchange reshare xr.dsse.json --keyring keyring.json --as EU-COORD
    --key keys/EU-COORD-0a1b2c3d.key --to XA-NCA --out xr-for-xa.dsse.json`
    """
    from fiveguard.app.exchange import reshare_received
    from fiveguard.cli.keys import load_signing_key
    from fiveguard.exchange.files import read_limited, write_files
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    ring = verified_keyring(keyring)
    label = parse_tlp(tlp, "--tlp") if tlp else None
    raw = read_limited(envelope, MAX_ENVELOPE_BYTES, "envelope")
    done = reshare_received(
        raw,
        str(envelope),
        ring,
        lambda: [load_signing_key(k) for k in key],
        as_org=as_org,
        to=to,
        now=now(),
        tlp=label,
        state=load_state(state),
    )
    summary = done.summary
    files = {out: done.envelope.to_json()}
    if state is not None and done.state is not None:
        files[state] = done.state
    write_files(files)
    console.print(
        f"wrote {escape(str(out))}: {summary.country}'s summary re-shared by {escape(as_org)} "
        f"to {escape(', '.join(summary.recipients))} as {summary.tlp.marking}",
        soft_wrap=True,
    )
    for note in done.notes:
        console.print(f"  {escape(note)}", soft_wrap=True)


@exchange_app.command("publish")
def publish(
    envelopes: Annotated[list[Path], typer.Argument(help="Envelopes.", show_default=False)],
    keyring: KeyringOpt,
    as_org: Annotated[str, typer.Option("--as", help="The publishing organisation.")],
    out: Annotated[Path, typer.Option("--out", help="The TLP:CLEAR JSON file to write.")],
    min_cell: Annotated[
        int, typer.Option("--min-cell", min=2, help="Counts below this are suppressed.")
    ] = 3,
) -> None:
    """Publish anonymised TLP:CLEAR counts of states (measure status, risk levels, supplier
    profiles) from verified summaries: counts below --min-cell are suppressed, sections
    labelled AMBER+STRICT or RED are not counted, and both are listed.

    Example: `fiveguard exchange publish envelopes/*.dsse.json --keyring keyring.json --as
    EU-COORD --min-cell 3 --out counts.json`
    """
    from fiveguard.app.exchange import publish_states_counts
    from fiveguard.exchange.files import read_limited, write_files
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    ring = verified_keyring(keyring)
    inputs = [(str(p), read_limited(p, MAX_ENVELOPE_BYTES, "envelope")) for p in envelopes]
    publication = publish_states_counts(inputs, ring, as_org=as_org, min_cell=min_cell, now=now())
    write_files({out: (publication.model_dump_json(indent=2) + "\n").encode()})
    console.print(
        f"wrote {escape(str(out))}: TLP:CLEAR counts of {publication.states} state(s), "
        f"minimum cell size {min_cell}",
        soft_wrap=True,
    )
    for line in publication.withheld or ("nothing withheld",):
        console.print(f"  withheld: {escape(line)}", soft_wrap=True)
