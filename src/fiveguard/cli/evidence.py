"""``fiveguard evidence …``: import SBOMs, match them against OSV records, check binary
equivalence, and show what the assurance evidence says.

With ``--model MODEL`` (or ``FIVEGUARD_MODEL``) a command checks PRODUCT@VERSION against the
model and records its result in the model's first evidence directory (``evidence_dirs``),
where every later load of the model finds it. Without it, the command only reports. Bad
input of any kind exits with code 2, located messages, and nothing recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import app, console
from fiveguard.domain.base import PRODUCT_REF_PATTERN, split_product_ref
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.evidence import Sbom
from fiveguard.domain.model import NetworkModel

if TYPE_CHECKING:
    pass

evidence_app = typer.Typer(
    name="evidence",
    help=(
        "Assurance evidence: SBOMs, known vulnerabilities (offline, OSV), binary equivalence.\n\n"
        "Example: [bold]fiveguard evidence sbom ve-core@5.2 core-5.2.cdx.json "
        "--model national.yaml[/bold]"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(evidence_app, name="evidence")

COMMAND_LINE = "command line"

ProductArg = Annotated[
    str, typer.Argument(metavar="PRODUCT@VERSION", help="The product version, e.g. ve-core@5.2.")
]
ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        "-m",
        envvar="FIVEGUARD_MODEL",
        dir_okay=False,
        help="Model file: check PRODUCT@VERSION against it and record the result in its "
        "evidence directory.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AsOfOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Date of the check (default: the model's as_of, else today).",
    ),
]


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def _product(ref: str) -> str:
    if not re.fullmatch(PRODUCT_REF_PATTERN, ref):
        raise InputError.at(
            f"expected PRODUCT@VERSION, e.g. ve-core@5.2, got {ref!r}",
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )
    return ref


def _declared(model: NetworkModel, ref: str) -> None:
    product_id, version = split_product_ref(ref)
    product = model.products.get(product_id)
    if product is None:
        raise InputError.at(
            f"{product_id!r} is not a product of {model.source}; products: "
            + ", ".join(sorted(model.products)),
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )
    if version not in product.versions:
        raise InputError.at(
            f"version {version!r} of {product_id!r} is not declared in {model.source}; "
            f"declared versions: {', '.join(product.versions)}",
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )


def _as_of(given: dt.datetime | None, model: NetworkModel | None) -> dt.date:
    if given is not None:
        return given.date()
    if model is not None:
        return model.document.scope.as_of
    return dt.date.today()  # the CLI is the edge: engines never read the clock


def _store(model_path: Path, model: NetworkModel, ident: str) -> Path:
    """The evidence directory a record goes to; refuses an id the model file itself uses."""
    from fiveguard.modelio.evidence_store import RECORD_SUFFIX, model_evidence_dirs

    dirs = model_evidence_dirs(model_path)
    if not dirs:
        raise InputError.at(
            "the model names no evidence directory to record in: add a line "
            "'evidence_dirs: evidence' (a directory beside the model file)",
            model.source,
        )
    taken = {r.id for r in model.document.evidence}
    stored = any((d / f"{ident}{RECORD_SUFFIX}").exists() for d in dirs)
    if ident in taken and not stored:
        raise InputError.at(
            f"the model already has an evidence record {ident!r}; remove or rename it to "
            "record this result",
            model.source,
        )
    return dirs[0]


def _loaded(ctx: typer.Context, path: Path | None) -> tuple[NetworkModel | None, Catalogue]:
    if path is None:
        return None, common.catalogue(ctx)
    return common.model(ctx, path)


def _recorded(path: Path) -> None:
    console.print(f"[green]recorded[/green] {escape(str(path))}")


# ---------------------------------------------------------------------------- sbom


@evidence_app.command("sbom")
def sbom(
    ctx: typer.Context,
    product: ProductArg,
    file: Annotated[Path, typer.Argument(help="CycloneDX (JSON/XML) or SPDX (JSON/tag-value).")],
    model: ModelOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import an SBOM of a product version: CycloneDX 1.4–1.6 or SPDX 2.3.

    Example: [bold]fiveguard evidence sbom ve-core@5.2 core-5.2.cdx.json -m national.yaml[/bold]
    """
    from fiveguard.evidence.sbom import read_sbom
    from fiveguard.modelio.evidence_store import write_record

    _product(product)
    loaded, cat = _loaded(ctx, model)
    if loaded is not None:
        _declared(loaded, product)
    record = read_sbom(file, product, cat.evidence_rules)
    target = _store(model, loaded, record.id) if model and loaded else None
    if target is not None:
        written = write_record(target, record)
    if json_out:
        _print_json(record.model_dump(mode="json", exclude_defaults=True))
    else:
        _print_sbom(record)
    if target is not None:
        _recorded(written)


def _print_sbom(record: Sbom) -> None:
    components = record.all_components()
    console.print(
        f"{escape(record.product)}: {record.format} {escape(record.spec_version)} "
        f"({record.encoding}), {len(components)} components, "
        f"{len(record.dependencies)} dependency entries, {len(record.vex)} VEX statements"
    )
    table = Table(title="Components", title_justify="left")
    for column in ("name", "version", "purl / CPE", "supplier", "hashes"):
        table.add_column(column)
    for c in components[:40]:
        table.add_row(
            escape(c.name),
            escape(c.version or "—"),
            escape(c.purl or c.cpe or "—"),
            escape(c.supplier or "—"),
            str(len(c.hashes)),
        )
    console.print(table)
    if len(components) > 40:
        console.print(f"… and {len(components) - 40} more (--json lists them all)")


# ---------------------------------------------------------------------------- vulns


@evidence_app.command("vulns")
def vulns(
    ctx: typer.Context,
    product: ProductArg,
    osv: Annotated[
        Path,
        typer.Option(
            "--osv",
            envvar="FIVEGUARD_OSV_DIR",
            file_okay=False,
            help="Local directory of OSV records (JSON or YAML); nothing is fetched.",
        ),
    ],
    model: ModelOpt = None,
    sbom_file: Annotated[
        Path | None,
        typer.Option(
            "--sbom", dir_okay=False, help="Scan this SBOM file instead of the recorded one."
        ),
    ] = None,
    vex: Annotated[
        list[Path] | None,
        typer.Option("--vex", dir_okay=False, help="CycloneDX VEX document(s) to honour."),
    ] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Match the components of a product version against OSV records, offline.

    Example: [bold]fiveguard evidence vulns ve-core@5.2 --osv ./osv -m national.yaml[/bold]
    """
    from fiveguard.evidence.matching import scan
    from fiveguard.evidence.osv import load_osv_directory
    from fiveguard.evidence.sbom import read_sbom
    from fiveguard.modelio.evidence_store import write_record

    _product(product)
    loaded, cat = _loaded(ctx, model)
    rules = cat.evidence_rules
    if loaded is not None:
        _declared(loaded, product)
    if sbom_file is not None:
        sbom_record = read_sbom(sbom_file, product, rules)
    elif loaded is not None:
        held = [r for r in loaded.document.evidence if isinstance(r, Sbom) and r.product == product]
        if not held:
            raise InputError.at(
                f"no SBOM is recorded for {product}: import one with "
                f"'fiveguard evidence sbom {product} FILE --model {model}', or give --sbom FILE",
                COMMAND_LINE,
            )
        sbom_record = max(held, key=lambda r: r.date or dt.date.min)
    else:
        raise InputError.at(
            f"nothing to scan: give --sbom FILE, or --model MODEL holding an SBOM of {product}",
            COMMAND_LINE,
        )
    database = load_osv_directory(osv, rules)
    statements = [s for path in vex or () for s in read_sbom(path, product, rules).vex]
    record = scan(sbom_record, database, rules, _as_of(as_of, loaded), statements)
    if sbom_file is not None:
        record = record.model_copy(update={"sbom": None})
    target = _store(model, loaded, record.id) if model and loaded else None
    if target is not None:
        written = write_record(target, record)
    if json_out:
        _print_json(record.model_dump(mode="json", exclude_defaults=True))
    else:
        _print_scan(record)
    if target is not None:
        _recorded(written)


def _print_scan(record: Any) -> None:
    console.print(escape(record.title) + f" (OSV: {escape(record.database)})")
    if record.matches:
        table = Table(title="Matches", title_justify="left")
        for column in ("vulnerability", "severity", "component", "fixed in", "by", "VEX"):
            table.add_column(column)
        for m in record.matches:
            vex = "—" if m.vex is None else m.vex.value + (" (suppressed)" if m.suppressed else "")
            table.add_row(
                escape(m.vulnerability + (f" ({', '.join(m.aliases[:2])})" if m.aliases else "")),
                m.severity.value + (f" {m.score:.1f}" if m.score is not None else ""),
                escape(f"{m.name} {m.version or ''}"),
                escape(", ".join(m.fixed) or "—"),
                m.matched_by,
                escape(vex),
            )
        console.print(table)
    for eos in record.end_of_support:
        console.print(
            escape(f"end of support {eos.date}: {eos.name} {eos.version or ''} ({eos.source})")
        )


# ---------------------------------------------------------------------------- equivalence


@evidence_app.command("equivalence")
def equivalence(
    ctx: typer.Context,
    reviewed: Annotated[Path, typer.Argument(help="Reviewed build: directory, tar or manifest.")],
    deployed: Annotated[Path, typer.Argument(help="Deployed build, in any of the same forms.")],
    product: Annotated[
        str | None,
        typer.Option("--product", "-p", metavar="PRODUCT@VERSION", help="Record it for this."),
    ] = None,
    model: ModelOpt = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Compare a reviewed and a deployed build file by file (SHA-256, streamed).

    Exit code 0 when the check ran (see the verdict), 2 for bad input.

    Example: [bold]fiveguard evidence equivalence reviewed.tar.gz deployed/
    -p ve-core@5.2 -m national.yaml[/bold]
    """
    from fiveguard.evidence.equivalence import compare, equivalence_record, read_side
    from fiveguard.modelio.evidence_store import write_record

    if product is not None:
        _product(product)
    loaded, cat = _loaded(ctx, model)
    if loaded is not None:
        if product is None:
            raise InputError.at(
                "--product PRODUCT@VERSION is needed to record the result", COMMAND_LINE
            )
        _declared(loaded, product)
    limits = cat.evidence_rules.archive_limits
    comparison = compare(read_side(reviewed, limits), read_side(deployed, limits))
    record = None
    if product is not None:
        record = equivalence_record(comparison, product, _as_of(as_of, loaded))
    target = _store(model, loaded, record.id) if model and loaded and record else None
    if target is not None and record is not None:
        written = write_record(target, record)
    equivalent = comparison.ratio >= cat.evidence_rules.equivalence_min_ratio
    if json_out:
        _print_json(
            {
                "reviewed": comparison.reviewed.describe(),
                "deployed": comparison.deployed.describe(),
                "identical": len(comparison.identical),
                "differing": comparison.differing,
                "missing": comparison.missing,
                "extra": comparison.extra,
                "ratio": comparison.ratio,
                "equivalent": equivalent,
            }
        )
    else:
        verdict = "[green]equivalent[/green]" if equivalent else "[red]not equivalent[/red]"
        console.print(
            f"{verdict}: {len(comparison.identical):,} identical, {len(comparison.differing):,} "
            f"differing, {len(comparison.missing):,} missing, {len(comparison.extra):,} extra "
            f"— equivalence ratio {comparison.ratio:.2%}"
        )
        for label, paths in (
            ("differing", comparison.differing),
            ("missing", comparison.missing),
            ("extra", comparison.extra),
        ):
            for path in paths[:20]:
                console.print(f"  {label:9} {escape(path)}")
            if len(paths) > 20:
                console.print(f"  … {len(paths) - 20:,} more {label} (--json lists them all)")
    if target is not None:
        _recorded(written)


# ---------------------------------------------------------------------------- assurance


@evidence_app.command("assurance")
def assurance(
    ctx: typer.Context,
    model: Annotated[Path, typer.Argument(help="The national model (YAML).")],
    json_out: JsonOpt = False,
) -> None:
    """Product versions needing attention, and the critical or sensitive assets running them.

    A version needs attention with open critical/high findings, no valid evaluation or
    certificate, vulnerable or unsupported components, or failed binary equivalence.

    Example: [bold]fiveguard evidence assurance national.yaml[/bold]
    """
    from fiveguard.evidence.assurance import REASONS, assess_assurance

    loaded, cat = common.model(ctx, model)
    report = assess_assurance(loaded, cat)
    if json_out:
        _print_json(report.model_dump(mode="json"))
        return
    table = Table(title=f"Product versions needing attention (as of {report.as_of})")
    for column in ("product version", "supplier", "assets", "reasons", "evidence"):
        table.add_column(column)
    for v in report.versions:
        if not v.reasons:
            continue
        evidence = [*v.open_findings, *v.vulnerable_components[:3], *v.end_of_support[:2]]
        if v.equivalence_ratio is not None:
            evidence.append(f"equivalence {v.equivalence_ratio:.1%} ({v.equivalence})")
        table.add_row(
            escape(v.product),
            escape(v.supplier),
            f"{v.deployed_assets:,}",
            escape("; ".join(REASONS[r] for r in v.reasons)),
            escape("\n".join(evidence) or "—"),
        )
    console.print(table)
    by_version: dict[str, list[str]] = {}
    for asset in report.assets_at_risk:
        by_version.setdefault(asset.product, []).append(asset.asset)
    at_risk = Table(title=f"Critical or sensitive assets at risk: {len(report.assets_at_risk):,}")
    for column in ("product version", "assets", "examples"):
        at_risk.add_column(column)
    for product, assets in by_version.items():
        at_risk.add_row(escape(product), f"{len(assets):,}", escape(", ".join(assets[:4])))
    console.print(at_risk)
