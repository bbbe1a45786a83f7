"""``fiveguard evidence …``: import SBOMs, match them against OSV records, check binary
equivalence, and show what the assurance evidence says.

With ``--model MODEL`` (or ``FIVEGUARD_MODEL``) a command checks PRODUCT@VERSION against the
model and records its result in the model's first evidence directory (``evidence_dirs``),
where every later load of the model finds it; paths in a record (the SBOM file, the OSV
directory) are relative to the model file. Without it, the command only reports. Bad
input of any kind exits with code 2, located messages, and nothing recorded. Every text
from a model or an input file is printed as written, never read as Rich markup.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.app.evidence import check_declared as _declared
from fiveguard.app.evidence import check_product_ref as _product
from fiveguard.app.evidence import evidence_dir as _store
from fiveguard.app.evidence import relative_to_model as _beside
from fiveguard.cli import common
from fiveguard.cli.app import app, console, err_console
from fiveguard.cli.terminal import escape_controls
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.evidence import Sbom, VulnerabilityScan
from fiveguard.domain.model import NetworkModel

if TYPE_CHECKING:
    from fiveguard.evidence.assurance import AssuranceReport, VersionAssurance

evidence_app = typer.Typer(
    name="evidence",
    help=(
        "Assurance evidence: SBOMs, known vulnerabilities (offline, OSV), binary equivalence.\n\n"
        "Example: `fiveguard evidence sbom ve-core@5.2 core-5.2.cdx.json "
        "--model national.yaml`"
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(evidence_app, name="evidence")

COMPONENTS_SHOWN = 40
"""Components listed in the table of an imported SBOM; --json lists them all."""
PATHS_SHOWN = 20
"""Paths of each kind listed after an equivalence check; --json lists them all."""

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
        metavar="DATE",
        help="Date of the check (default: the model's as_of, else today).",
    ),
]


def _print_json(payload: Any) -> None:
    typer.echo(escape_controls(json.dumps(payload, indent=2, ensure_ascii=False)))


def _as_of(given: dt.datetime | None, model: NetworkModel | None) -> dt.date:
    if given is not None:
        return given.date()
    if model is not None:
        return model.document.scope.as_of
    return dt.date.today()  # the CLI is the edge: engines never read the clock


def _loaded(ctx: typer.Context, path: Path | None) -> tuple[NetworkModel | None, Catalogue]:
    if path is None:
        return None, common.catalogue(ctx)
    return common.model(ctx, path)


def _recorded(path: Path, json_out: bool) -> None:
    """Where the record went; on stderr under --json, so stdout stays one JSON document."""
    (err_console if json_out else console).print(f"[green]recorded[/green] {escape(str(path))}")


def _note(text: str, json_out: bool) -> None:
    (err_console if json_out else console).print(f"[yellow]note[/yellow]: {escape(text)}")


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

    Example: `fiveguard evidence sbom ve-core@5.2 core-5.2.cdx.json -m national.yaml`
    """
    from fiveguard.app.evidence import import_sbom

    _product(product)
    loaded, cat = _loaded(ctx, model)
    done = import_sbom(product, file, cat, model=loaded, model_path=model)
    if json_out:
        _print_json(done.record.model_dump(mode="json", exclude_defaults=True))
    else:
        _print_sbom(done.record)
    if done.written is not None:
        _recorded(done.written, json_out)
        for note in done.stale:
            _note(note, json_out)


def _print_sbom(record: Sbom) -> None:
    components = record.all_components()
    console.print(
        f"{escape(record.product)}: {record.format} {escape(record.spec_version)} "
        f"({record.encoding}), {len(components)} components, "
        f"{len(record.dependencies)} with their dependencies listed, "
        f"{len(record.vex)} VEX statements"
    )
    table = Table(title="Components", title_justify="left")
    for column in ("name", "version", "purl / CPE", "supplier", "hashes"):
        table.add_column(column)
    for c in components[:COMPONENTS_SHOWN]:
        table.add_row(
            escape(c.name),
            escape(c.version or "—"),
            escape(c.purl or c.cpe or "—"),
            escape(c.supplier or "—"),
            str(len(c.hashes)),
        )
    console.print(table)
    if len(components) > COMPONENTS_SHOWN:
        more = len(components) - COMPONENTS_SHOWN
        console.print(f"… and {more} more (--json lists them all)")


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
        typer.Option(
            "--vex",
            dir_okay=False,
            metavar="FILE",
            help="CycloneDX VEX document to honour (repeatable). It overrides the SBOM's own "
            "statements; a later document overrides an earlier one.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Match the components of a product version against OSV records, offline.

    Example: `fiveguard evidence vulns ve-core@5.2 --osv ./osv -m national.yaml`
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
    if sbom_file is not None and model is not None:
        sbom_record = sbom_record.model_copy(update={"link": _beside(sbom_file, model)[:2000]})
    database = load_osv_directory(osv, rules)
    # later documents override earlier ones, and all override the SBOM's own statements
    statements = [s for path in vex or () for s in read_sbom(path, product, rules).vex]
    label = _beside(osv, model) if model is not None else None
    record = scan(sbom_record, database, rules, _as_of(as_of, loaded), statements, label)
    if sbom_file is not None:
        record = record.model_copy(update={"sbom": None})
    target = _store(model, loaded, record.id) if model and loaded else None
    if target is not None:
        written = write_record(target, record)
    if json_out:
        _print_json(record.model_dump(mode="json", exclude_defaults=True))
    else:
        _print_scan(record)
    if target is not None and loaded is not None:
        _recorded(written, json_out)
        _replaced_stale(loaded.document.evidence, record, json_out)


def _replaced_stale(evidence: Sequence[object], record: VulnerabilityScan, json_out: bool) -> None:
    """Say so when the scan just recorded replaces one made from an earlier SBOM."""
    from fiveguard.evidence.matching import stale_scan

    for earlier in evidence:
        if isinstance(earlier, VulnerabilityScan) and earlier.id == record.id:
            reason = stale_scan(earlier, evidence)
            if reason is not None:
                _note(f"replaces {earlier.id}, which was stale: {reason}", json_out)


def _print_scan(record: VulnerabilityScan) -> None:
    console.print(escape(record.title) + f" (OSV: {escape(record.database)})")
    source = record.sbom or "SBOM file"
    if record.link or record.sha256:
        source += f" {record.link or ''} (sha256 {(record.sha256 or '?')[:12]}…)"
    console.print(f"scanned: {escape(source)}")
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

    Example: `fiveguard evidence equivalence reviewed.tar.gz deployed/
    -p ve-core@5.2 -m national.yaml`
    """
    from fiveguard.evidence.equivalence import compare, equivalence_record, read_side
    from fiveguard.modelio.evidence_store import write_record

    if product is not None:
        _product(product)
        if model is None:  # a result for a product goes nowhere without a model to hold it
            raise InputError.at(
                "--model MODEL (or FIVEGUARD_MODEL) is needed to record the result for "
                f"{product}; leave out --product to only compare",
                COMMAND_LINE,
            )
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
        labels = (_beside(reviewed, model), _beside(deployed, model)) if model else None
        record = equivalence_record(comparison, product, _as_of(as_of, loaded), labels=labels)
    target = _store(model, loaded, record.id) if model and loaded and record else None
    if target is not None and record is not None:
        written = write_record(target, record)
    equivalent = comparison.ratio >= cat.evidence_rules.equivalence_min_ratio
    if json_out:
        _print_json(
            {
                "reviewed": comparison.reviewed.describe(),
                "deployed": comparison.deployed.describe(),
                "ratio": comparison.ratio,
                "equivalent": equivalent,
                "total": comparison.total,
                **{kind: len(paths) for kind, paths in _kinds(comparison)},
                **{f"{kind}_paths": paths for kind, paths in _kinds(comparison)},
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
            for path in paths[:PATHS_SHOWN]:
                console.print(f"  {label:9} {escape(path)}")
            if len(paths) > PATHS_SHOWN:
                more = len(paths) - PATHS_SHOWN
                console.print(f"  … {more:,} more {label} (--json lists them all)")
    if target is not None:
        _recorded(written, json_out)


def _kinds(comparison: Any) -> list[tuple[str, list[str]]]:
    """Each kind of path of a comparison, named as the equivalence record names them."""
    return [
        ("identical", comparison.identical),
        ("differing", comparison.differing),
        ("missing", comparison.missing),
        ("extra", comparison.extra),
    ]


# ---------------------------------------------------------------------------- assurance


@evidence_app.command("assurance")
def assurance(
    ctx: typer.Context,
    model: Annotated[Path, typer.Argument(help="The national model (YAML).")],
    json_out: JsonOpt = False,
) -> None:
    """Product versions needing attention, and the critical or sensitive assets running them.

    A version needs attention with open critical/high findings, a failed evaluation, no
    valid evaluation or certificate, vulnerable or unsupported components, or failed
    binary equivalence.
    Deployed versions (some asset runs them) are listed as `fiveguard assess` lists them;
    versions the model declares but no asset runs are listed apart.

    Example: `fiveguard evidence assurance national.yaml`
    """
    from fiveguard.evidence.assurance import assess_assurance, deployed_versions

    loaded, cat = common.model(ctx, model)
    report = assess_assurance(loaded, cat)
    stale = _stale_scans(loaded)
    if json_out:
        deployed = deployed_versions(report.versions)
        payload = report.model_dump(mode="json")
        payload["stale_scans"] = [{"scan": k, "reason": v} for k, v in stale.items()]
        payload["counts"] = {
            "declared_versions": len(report.versions),
            "deployed_versions": len(deployed),
            "deployed_needing_attention": sum(1 for v in deployed if v.reasons),
            "not_deployed_needing_attention": sum(
                1 for v in report.versions if v.reasons and not v.deployed_assets
            ),
        }
        _print_json(payload)
        return
    _print_versions(report, stale)
    _print_suppliers(report)
    _print_assets_at_risk(report)


def _stale_scans(model: NetworkModel) -> dict[str, str]:
    """Scan record id → why it no longer describes its product version's recorded SBOM."""
    from fiveguard.evidence.matching import stale_scan

    evidence = model.document.evidence
    out = {}
    for record in evidence:
        if isinstance(record, VulnerabilityScan):
            reason = stale_scan(record, evidence)
            if reason is not None:
                out[record.id] = reason
    return out


def _print_versions(report: AssuranceReport, stale: dict[str, str]) -> None:
    """Deployed versions first, as ``fiveguard assess`` counts them; then, apart, the
    versions the model declares but no asset runs (they move nothing in the assessment)."""
    from fiveguard.evidence.assurance import deployed_versions

    deployed = deployed_versions(report.versions)
    idle = [v for v in report.versions if not v.deployed_assets]
    attention = sum(1 for v in deployed if v.reasons)
    title = (
        f"Product versions as of {report.as_of}: {attention:,} of "
        f"{_count(len(deployed), 'deployed version')} {'needs' if attention == 1 else 'need'} "
        "attention"
    )
    if idle:
        title += f"; {len(idle):,} more declared but not deployed, listed apart"
    _version_table(title, deployed, stale, assets=True)
    if idle:
        waiting = sum(1 for v in idle if v.reasons)
        _version_table(
            f"Declared but not deployed (no asset runs them; the assessment does not list "
            f"them): {waiting:,} of {_count(len(idle), 'version')} would need attention",
            idle,
            stale,
            assets=False,
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _version_table(
    title: str, versions: Sequence[VersionAssurance], stale: dict[str, str], *, assets: bool
) -> None:
    from fiveguard.evidence.assurance import REASONS

    table = Table(title=title, title_justify="left")
    columns = ("product version", "supplier", *(("assets",) if assets else ()), "evidence")
    for column in (*columns, "needs attention"):
        table.add_column(column, overflow="fold")  # ids are cut nowhere
    for v in versions:
        table.add_row(
            escape(v.product),
            escape(v.supplier),
            *((f"{v.deployed_assets:,}",) if assets else ()),
            escape("\n".join(_version_evidence(v, stale)) or "—"),
            escape("; ".join(REASONS.get(r, r) for r in v.reasons) or "—"),
        )
    console.print(table)


def _version_evidence(v: VersionAssurance, stale: dict[str, str]) -> list[str]:
    """One line per piece of evidence on a product version, the long lists cut short."""
    lines = [f"evaluation: {e}" for e in v.valid_evaluations]
    lines += [f"evaluation expired: {e}" for e in v.expired_evaluations]
    lines += [f"evaluation failed: {e}" for e in v.failed_evaluations]
    lines += [f"certificate: {c}" for c in v.valid_certificates]
    lines += [f"certificate expired: {c}" for c in v.expired_certificates]
    lines += [f"not yet valid: {r}" for r in v.not_yet_valid]
    lines += [f"open finding: {f}" for f in v.open_findings]
    lines += _some("vulnerable", v.vulnerable_components, 3)
    lines += _some("end of support", v.end_of_support, 2)
    if v.scan is not None and v.scan in stale:
        lines.append(f"scan {v.scan} is stale: {stale[v.scan]}")
    if v.equivalence_ratio is not None:
        lines.append(f"equivalence {v.equivalence_ratio:.1%} ({v.equivalence})")
    lines += [f"statement: {s}" for s in v.statements]
    return lines


def _some(label: str, items: Sequence[str], shown: int) -> list[str]:
    lines = [f"{label}: {item}" for item in items[:shown]]
    if len(items) > shown:
        lines.append(f"{label}: … {len(items) - shown} more (--json lists them all)")
    return lines


def _print_suppliers(report: AssuranceReport) -> None:
    idle = {v.product for v in report.versions if not v.deployed_assets}
    table = Table(title="Suppliers", title_justify="left")
    for column in ("supplier", "versions", "needing attention", "process certificates"):
        table.add_column(column, overflow="fold")
    table.add_column("statements", overflow="fold")
    for s in report.suppliers:
        own_idle = sum(
            1 for v in report.versions if v.supplier == s.supplier and not v.deployed_assets
        )
        table.add_row(
            escape(s.supplier),
            f"{s.versions:,}" + (f" ({own_idle:,} not deployed)" if own_idle else ""),
            escape(
                _first_few(
                    [
                        p + (" (not deployed)" if p in idle else "")
                        for p in s.versions_needing_attention
                    ],
                    4,
                )
            ),
            escape("\n".join(s.process_certificates) or "—"),
            escape("\n".join(s.statements) or "—"),
        )
    console.print(table)


def _first_few(items: Sequence[str], shown: int) -> str:
    if not items:
        return "—"
    more = [f"… {len(items) - shown} more"] if len(items) > shown else []
    return "\n".join([*items[:shown], *more])


def _print_assets_at_risk(report: AssuranceReport) -> None:
    by_version: dict[str, list[str]] = {}
    for asset in report.assets_at_risk:
        by_version.setdefault(asset.product, []).append(asset.asset)
    at_risk = Table(
        title=f"Critical or sensitive assets at risk: {len(report.assets_at_risk):,}",
        title_justify="left",
    )
    for column in ("product version", "assets", "examples"):
        at_risk.add_column(column, overflow="fold")
    for product, assets in by_version.items():
        at_risk.add_row(escape(product), f"{len(assets):,}", escape(", ".join(assets[:4])))
    console.print(at_risk)
