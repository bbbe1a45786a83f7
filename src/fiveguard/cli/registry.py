"""``fiveguard registry …``: list, add to and check a product registry directory.

Every command names the registry with ``--registry DIR`` (or ``FIVEGUARD_REGISTRY``). An
entry is added only when the registry with it passes every check; otherwise the problems
are listed (exit code 2) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import app, console
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.registry import Lab, LabKind, RegistryProduct, RegistrySupplier

registry_app = typer.Typer(
    name="registry",
    help=(
        "The product registry shared by states, operators and labs: canonical suppliers, "
        "products, versions and labs.\n\nExample: `fiveguard registry list -r registry/`"
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
add_app = typer.Typer(
    name="add",
    help="Add a supplier, product, version or lab.\n\n"
    "Example: `fiveguard registry add lab xec --name 'Evaluation centre' "
    "--kind evaluation-centre -r registry/`",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
registry_app.add_typer(add_app, name="add")
app.add_typer(registry_app, name="registry")

RegistryOpt = Annotated[
    Path,
    typer.Option(
        "--registry",
        "-r",
        envvar="FIVEGUARD_REGISTRY",
        file_okay=False,
        help="The registry directory.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="Canonical id of the new entry.")]


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


def validated(model: type[Any], where: str, **fields: Any) -> Any:
    """A domain entry from command-line values; errors located at the options."""
    from pydantic import ValidationError

    try:
        return model.model_validate({k: v for k, v in fields.items() if v not in (None, ())})
    except ValidationError as exc:
        raise InputError(
            [
                InputError.at(
                    f"{'.'.join(str(p) for p in e['loc'])}: "
                    + e["msg"].removeprefix("Value error, "),
                    COMMAND_LINE,
                    path=where,
                ).problems[0]
                for e in exc.errors(include_url=False)
            ]
        ) from None


def _save(root: Path, section: str, entry: Any, *, replace: bool = False) -> None:
    from fiveguard.modelio.registry_files import read_registry, save_entries

    files = read_registry(root, new=not replace)
    held = getattr(files.registry, section)
    if entry.id in held and not replace:
        raise InputError.at(
            f"the registry has {section[:-1]} {entry.id!r} already", COMMAND_LINE, path="ID"
        )
    [written] = save_entries(files, {section: [entry]})
    console.print(f"[green]recorded[/green] {escape(str(written))}")


@add_app.command("supplier")
def add_supplier(
    ident: IdArg,
    name: Annotated[str, typer.Option("--name", help="The company's name.")],
    registry: RegistryOpt,
    lei: Annotated[str | None, typer.Option("--lei", help="ISO 17442 LEI.")] = None,
    registry_id: Annotated[
        str | None, typer.Option("--registry-id", help="Company registry id, e.g. FI:1234567-8.")
    ] = None,
    headquarters: Annotated[
        str | None, typer.Option("--headquarters", help="Country code.")
    ] = None,
) -> None:
    """Add a supplier.

    Example: `fiveguard registry add supplier valtaro --name "Valtaro Networks"
    --lei FGDEMOVALTARO0000067 -r registry/`
    """
    entry = validated(
        RegistrySupplier,
        "supplier",
        id=ident,
        name=name,
        lei=lei,
        registry_id=registry_id,
        headquarters=headquarters,
    )
    _save(registry, "suppliers", entry)


@add_app.command("product")
def add_product(
    ident: IdArg,
    supplier: Annotated[str, typer.Option("--supplier", help="Canonical supplier id.")],
    name: Annotated[str, typer.Option("--name", help="The product's name.")],
    version: Annotated[
        list[str], typer.Option("--version", help="A version (repeatable; at least one).")
    ],
    registry: RegistryOpt,
    kind: Annotated[str | None, typer.Option("--kind", help="Asset kind, e.g. core.amf.")] = None,
) -> None:
    """Add a product with its versions.

    Example: `fiveguard registry add product valtaro.core-amf --supplier valtaro
    --name "Valtaro Core AMF" --kind core.amf --version 24.2 --version 24.4 -r registry/`
    """
    entry = validated(
        RegistryProduct,
        "product",
        id=ident,
        supplier=supplier,
        name=name,
        kind=kind,
        versions=[{"version": v} for v in version],
    )
    _save(registry, "products", entry)


@add_app.command("version")
def add_version(
    ref: Annotated[str, typer.Argument(metavar="PRODUCT@VERSION")],
    registry: RegistryOpt,
    artefact: Annotated[
        list[str] | None,
        typer.Option("--artefact", metavar="NAME=SHA256", help="A build artefact and its digest."),
    ] = None,
    released: Annotated[
        dt.datetime | None, typer.Option("--released", formats=["%Y-%m-%d"], metavar="DATE")
    ] = None,
) -> None:
    """Add a version to a product, or artefact digests to a version it has.

    Example: `fiveguard registry add version valtaro.core-amf@24.4
    --artefact amf-24.4.tar=3f5c…(64 hex) -r registry/`
    """
    from fiveguard.modelio.registry_files import read_registry

    product_id, _, version = ref.partition("@")
    files = read_registry(registry)
    product = files.registry.products.get(product_id)
    if product is None or not version:
        raise InputError.at(
            f"expected PRODUCT@VERSION of a registry product, got {ref!r}",
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )
    digests = []
    for i, item in enumerate(artefact or ()):
        name, sep, digest = item.rpartition("=")
        if not sep or not name:
            raise InputError.at(
                f"expected NAME=SHA256, got {item!r}", COMMAND_LINE, path=f"--artefact[{i}]"
            )
        digests.append({"name": name, "sha256": digest})
    held = product.version(version)
    entry = {
        "version": version,
        "released": released.date().isoformat() if released else None,
        "artefacts": [*(a.model_dump() for a in (held.artefacts if held else ())), *digests],
    }
    if held is not None and held.released and not released:
        entry["released"] = held.released
    versions = [v.model_dump(exclude_defaults=True) for v in product.versions if v is not held]
    updated = validated(
        RegistryProduct,
        "--artefact",
        **{**product.model_dump(exclude_defaults=True), "versions": [*versions, entry]},
    )
    _save(registry, "products", updated, replace=True)


@add_app.command("lab")
def add_lab(
    ident: IdArg,
    name: Annotated[str, typer.Option("--name")],
    kind: Annotated[LabKind, typer.Option("--kind", help="What kind of centre it is.")],
    registry: RegistryOpt,
    country: Annotated[str | None, typer.Option("--country")] = None,
    accreditation: Annotated[str | None, typer.Option("--accreditation")] = None,
) -> None:
    """Add an evaluation lab or centre.

    Example: `fiveguard registry add lab xtl --name "Accredited test lab"
    --kind test-lab --accreditation "ISO/IEC 17025" -r registry/`
    """
    entry = validated(
        Lab, "lab", id=ident, name=name, kind=kind, country=country, accreditation=accreditation
    )
    _save(registry, "labs", entry)


@registry_app.command("check")
def check(registry: RegistryOpt) -> None:
    """Check every entry and record, and that each attested record is what its stored
    envelope holds. Exit code 0 when all is well, 2 with every problem listed.

    Example: `fiveguard registry check -r registry/`
    """
    from fiveguard.modelio.registry_files import attestation_integrity, read_registry

    files = read_registry(registry)
    broken = {k: v for k, v in attestation_integrity(files).items() if v is not None}
    if broken:
        raise InputError(
            [files.problem("records", k, ("attestation",), why) for k, why in broken.items()]
        )
    reg = files.registry
    console.print(
        f"{escape(files.label)}: {len(reg.suppliers)} suppliers, {len(reg.products)} products, "
        f"{len(reg.labs)} labs, {len(reg.records)} lab records "
        f"({sum(1 for r in reg.records.values() if r.attestation)} attested): no problems"
    )


@registry_app.command("list")
def list_registry(registry: RegistryOpt, json_out: JsonOpt = False) -> None:
    """List the registry's suppliers, products with their versions, labs and records.

    Example: `fiveguard registry list -r registry/ --json`
    """
    from fiveguard.modelio.registry_files import read_registry

    reg = read_registry(registry).registry
    if json_out:
        print_json(
            {
                section: [e.model_dump(mode="json", exclude_defaults=True) for e in held.values()]
                for section in ("suppliers", "products", "labs", "records")
                if (held := getattr(reg, section)) is not None
            }
        )
        return
    table = Table(title="Products", title_justify="left")
    for column in ("product", "supplier", "kind", "versions (artefact digests)"):
        table.add_column(column, overflow="fold")
    for p in reg.products.values():
        supplier = reg.suppliers.get(p.supplier)
        ident = f" LEI {supplier.lei}" if supplier and supplier.lei else ""
        table.add_row(
            escape(f"{p.id}: {p.name}"),
            escape(p.supplier + ident),
            escape(p.kind or "—"),
            escape(", ".join(f"{v.version} ({len(v.artefacts)})" for v in p.versions)),
        )
    console.print(table)
    labs = Table(title="Labs", title_justify="left")
    for column in ("lab", "kind", "records", "attested"):
        labs.add_column(column, overflow="fold")
    for lab in reg.labs.values():
        own = [r for r in reg.records.values() if r.lab == lab.id]
        labs.add_row(
            escape(f"{lab.id}: {lab.name}"),
            lab.kind.value,
            str(len(own)),
            str(sum(1 for r in own if r.attestation)),
        )
    console.print(labs)
