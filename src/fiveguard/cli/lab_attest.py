"""``fiveguard lab attest`` (sign what a lab found about a product version) and
``fiveguard lab import`` (verify a signed attestation and record it).

Until the exchange's keyring signs and verifies lab attestations, ``attest`` signs with an
Ed25519 PKCS#8 key file (``--key``; its passphrase in ``FIVEGUARD_KEY_PASSPHRASE``) and
``import`` trusts the public keys of a file (``--trust``), each as ``fiveguard keys new``
writes them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from fiveguard.cli.app import console, err_console
from fiveguard.cli.lab import DateOpt, day, lab_app
from fiveguard.cli.registry import RegistryOpt
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.lab import LabRecord
from fiveguard.domain.parties import Tlp
from fiveguard.domain.registry import Registry


@lab_app.command("attest")
def attest(
    lab: Annotated[str, typer.Option("--lab", help="The issuing lab (a registry lab id).")],
    product: Annotated[str, typer.Option("--product", help="Canonical product id.")],
    version: Annotated[list[str], typer.Option("--version", help="Version attested about.")],
    key: Annotated[Path, typer.Option("--key", dir_okay=False, help="The lab's private key.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The envelope to write.")],
    registry: RegistryOpt,
    record: Annotated[
        list[str] | None,
        typer.Option("--record", help="A record to include (default: every one of the lab's)."),
    ] = None,
    tlp: Annotated[Tlp, typer.Option("--tlp", help="TLP 2.0 label.")] = Tlp.AMBER,
    recipient: Annotated[
        list[str] | None, typer.Option("--recipient", help="An organisation it is for.")
    ] = None,
) -> None:
    """Sign the lab's evaluations and findings about product versions as an in-toto
    statement about the versions' artefact digests, in a DSSE envelope. Findings under
    embargo are left out (and named) unless the label is RED.

    Example: `fiveguard lab attest --lab xec --product korvath.gnb --version 9.0
    --key xec.pem --tlp AMBER --out korvath-gnb-9.0.dsse.json -r registry/`
    """
    from fiveguard.lab.attestation import build_statement, sign
    from fiveguard.modelio.lab_files import read_signer
    from fiveguard.modelio.registry_files import read_registry, write_files

    reg = read_registry(registry).registry
    chosen = _records(reg, lab, product, version, record or [], tlp, recipient or [])
    signer = read_signer(key, lab)
    issued = dt.datetime.now(dt.UTC).replace(microsecond=0)
    draft = build_statement(reg, lab, product, version, chosen, issued, tlp, recipient or ())
    write_files({out: sign(draft, signer).to_json()})
    for withheld in draft.withheld:
        err_console.print(
            f"withheld: {escape(withheld.id)} is under embargo until {withheld.embargo_until}"
        )
    console.print(
        f"[green]signed[/green] {len(draft.statement.predicate.records)} record(s) about "
        f"{escape(product)} {escape(', '.join(version))} as {tlp.marking}: {escape(str(out))}"
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
        raise InputError.at(f"{lab!r} is not a lab of the registry", COMMAND_LINE, path="--lab")
    if product not in reg.products:
        raise InputError.at(
            f"{product!r} is not a product of the registry", COMMAND_LINE, path="--product"
        )
    if tlp is Tlp.RED and not recipients:
        raise InputError.at(
            "TLP:RED is for named recipients only: give --recipient", COMMAND_LINE, path="--tlp"
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
    trust: Annotated[
        Path, typer.Option("--trust", dir_okay=False, help="Public keys trusted to sign.")
    ],
    registry: RegistryOpt,
    as_org: Annotated[
        str | None, typer.Option("--as", help="The importing organisation (for recipients).")
    ] = None,
    date: DateOpt = None,
) -> None:
    """Verify a lab's attestation and record what it says in the registry. Refused, with
    every reason, when a signature does not verify, the signer is not the lab, the payload
    is not canonical or not the schema, the importer is not a recipient, the digests are
    not the registry's, or it is older than what is recorded; nothing is then written.

    Example: `fiveguard lab import korvath-gnb-9.0.dsse.json --trust labs.keys.yaml
    -r registry/`
    """
    from fiveguard.modelio.lab_files import import_attestation, read_trust
    from fiveguard.modelio.registry_files import read_registry

    verifier = read_trust(trust)
    files = read_registry(registry)
    accepted, written = import_attestation(files, envelope, verifier, day(date), as_org)
    p = accepted.predicate
    console.print(
        f"[green]verified[/green]: signed by {escape(accepted.signed.organisation)} "
        f"({p.lab.name}), {p.tlp.marking}, issued {p.issued_at.isoformat()}; recorded "
        f"{len(p.records)} record(s) about {escape(p.product.id)} {escape(', '.join(p.versions))}"
    )
    for path in written:
        console.print(f"  {escape(str(path))}")
    if p.withheld:
        console.print(
            f"the lab withheld {len(p.withheld)} finding(s) under embargo: "
            + escape(", ".join(f"{w.id} (until {w.embargo_until})" for w in p.withheld))
        )
