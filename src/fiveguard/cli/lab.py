"""``fiveguard lab …``: what an evaluation lab records in the product registry.

Evaluations (with their SCAS test cases) and engineering-practice reviews, binary
equivalence against a reviewed tree or the vendor's build provenance, findings and their
lifecycle (``lab finding``), the annual audit, and signed attestations (``lab attest``,
``lab import``: :mod:`fiveguard.cli.lab_attest`). Every record is checked against the
registry before anything is written; bad input exits with code 2 and located messages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import app, console
from fiveguard.cli.registry import JsonOpt, RegistryOpt, print_json, validated
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.lab import LabEquivalence, LabEvaluation, PracticeReview

if TYPE_CHECKING:
    from fiveguard.domain.catalogue import Catalogue
    from fiveguard.evidence.equivalence import FileTree

lab_app = typer.Typer(
    name="lab",
    help=(
        "Evaluation labs: evaluations with SCAS test cases, findings and their lifecycle, "
        "annual engineering reviews, equivalence, signed attestations.\n\n"
        "Example: `fiveguard lab finding list -r registry/`"
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
evaluation_app = typer.Typer(
    name="evaluation",
    help="Record or show an evaluation.\n\nExample: `fiveguard lab evaluation show ID -r reg/`",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
review_app = typer.Typer(
    name="review",
    help="Record an engineering-practice review.\n\n"
    "Example: `fiveguard lab review add rev-2026 --lab xec --supplier korvath --period 2026 "
    "--date 2026-07-15 --title 'Annual review' --previous rev-2025 -r registry/`",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
lab_app.add_typer(evaluation_app, name="evaluation")
lab_app.add_typer(review_app, name="review")
app.add_typer(lab_app, name="lab")

DateOpt = Annotated[
    dt.datetime | None,
    typer.Option("--date", formats=["%Y-%m-%d"], metavar="DATE", help="Default: today."),
]


def day(given: dt.datetime | None) -> dt.date:
    """A date option, else today (the command line is the edge: engines read no clock)."""
    return given.date() if given is not None else dt.date.today()


def save_record(registry: Path, record: object, *, replace: bool = False) -> None:
    from fiveguard.modelio.registry_files import read_registry, save_entries

    files = read_registry(registry)
    ident = getattr(record, "id")  # noqa: B009
    if ident in files.registry.records and not replace:
        raise InputError.at(f"the registry has a record {ident!r} already", COMMAND_LINE, path="ID")
    [written] = save_entries(files, {"records": [record]})  # type: ignore[list-item]
    console.print(f"[green]recorded[/green] {escape(str(written))}")


# ---------------------------------------------------------------------------- evaluations


@evaluation_app.command("add")
def evaluation_add(
    file: Annotated[Path, typer.Argument(help="The evaluation as YAML (or JSON).")],
    registry: RegistryOpt,
) -> None:
    """Record an evaluation written as YAML: scheme and version, scope (product, versions,
    SCAS specifications), per-test-case results, result, dates.

    Example: `fiveguard lab evaluation add nesas-amf-24.4.yaml -r registry/`
    """
    from fiveguard.modelio.lab_files import read_evaluation

    save_record(registry, read_evaluation(file))


@evaluation_app.command("show")
def evaluation_show(
    ident: Annotated[str, typer.Argument(metavar="ID")],
    registry: RegistryOpt,
    json_out: JsonOpt = False,
) -> None:
    """Show an evaluation and its test cases.

    Example: `fiveguard lab evaluation show nesas-valtaro-amf-24.4 -r registry/`
    """
    from fiveguard.modelio.registry_files import read_registry

    record = read_registry(registry).registry.records.get(ident)
    if not isinstance(record, LabEvaluation):
        raise InputError.at(f"{ident!r} is not an evaluation of the registry", COMMAND_LINE)
    if json_out:
        print_json(record.model_dump(mode="json", exclude_defaults=True))
        return
    scheme = record.scheme
    console.print(
        escape(
            f"{record.id}: {record.title}\n{scheme.name} {scheme.version or ''} "
            f"({scheme.kind.value}) by {record.lab} on {record.date}; "
            f"{record.product} {', '.join(record.versions)}; result "
            f"{record.result.value if record.result else '—'}"
            + (f", valid until {record.valid_until}" if record.valid_until else "")
            + (f"; attested by {record.attestation.signer}" if record.attestation else "")
        )
    )
    counts: dict[str, int] = {}
    for case in record.test_cases:
        counts[case.result.value] = counts.get(case.result.value, 0) + 1
    table = Table(
        title="Test cases: " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "none"),
        title_justify="left",
    )
    for column in ("specification", "test case", "result", "note"):
        table.add_column(column, overflow="fold")
    for case in record.test_cases:
        table.add_row(case.spec, escape(case.id), case.result.value, escape(case.note or ""))
    console.print(table)


# ---------------------------------------------------------------------------- reviews


@review_app.command("add")
def review_add(
    ident: Annotated[str, typer.Argument(metavar="ID")],
    lab: Annotated[str, typer.Option("--lab")],
    supplier: Annotated[str, typer.Option("--supplier", help="Canonical supplier id.")],
    period: Annotated[str, typer.Option("--period", help="What it covers, e.g. 2026.")],
    title: Annotated[str, typer.Option("--title")],
    registry: RegistryOpt,
    previous: Annotated[str | None, typer.Option("--previous", help="Last review.")] = None,
    area: Annotated[list[str] | None, typer.Option("--area", help="Area examined.")] = None,
    assurance: Annotated[
        str | None, typer.Option("--assurance", help="full, reasonable, limited or none.")
    ] = None,
    date: DateOpt = None,
) -> None:
    """Record an engineering-practice review (its findings name it with --review).

    Example: `fiveguard lab review add rev-2026 --lab xec --supplier korvath --period 2026
    --title "Annual review" --previous rev-2025 --assurance limited -r registry/`
    """
    record = validated(
        PracticeReview,
        "review",
        id=ident,
        type="practice-review",
        lab=lab,
        title=title,
        date=day(date),
        supplier=supplier,
        period=period,
        previous=previous,
        areas=tuple(area or ()),
        assurance=assurance,
    )
    save_record(registry, record)


# ---------------------------------------------------------------------------- equivalence


def _reference_side(reference: Path, method: str, cat: Catalogue) -> FileTree:
    """What the deployed build is checked against, read as ``--against`` says."""
    from fiveguard.evidence.equivalence import read_side
    from fiveguard.evidence.provenance import read_provenance, sbom_side

    if method == "provenance":
        return read_provenance(reference)
    if method == "sbom":
        return sbom_side(reference, cat.evidence_rules)[0]
    if method == "tree":
        return read_side(reference, cat.evidence_rules.archive_limits)
    raise InputError.at(
        f"expected tree, provenance or sbom, got {method!r}", COMMAND_LINE, path="--against"
    )


@lab_app.command("equivalence")
def equivalence(
    ctx: typer.Context,
    reference: Annotated[
        Path, typer.Argument(help="Reviewed tree, the vendor's provenance, or its SBOM.")
    ],
    deployed: Annotated[Path, typer.Argument(help="Deployed build: directory, tar, manifest.")],
    ident: Annotated[str, typer.Option("--id", help="Id of the record.")],
    lab: Annotated[str, typer.Option("--lab")],
    product: Annotated[str, typer.Option("--product", metavar="PRODUCT@VERSION")],
    registry: RegistryOpt,
    method: Annotated[
        str, typer.Option("--against", help="tree, provenance (SLSA v1) or sbom.")
    ] = "tree",
    date: DateOpt = None,
) -> None:
    """Check a deployed build against what was reviewed or what the vendor says it built,
    and record the result with the lab and date.

    Example: `fiveguard lab equivalence provenance.intoto.jsonl deployed/ --against
    provenance --id eq-amf-24.4 --lab xec --product valtaro.core-amf@24.4 -r registry/`
    """
    from fiveguard.cli import common
    from fiveguard.evidence.equivalence import SAMPLE_PATHS, compare, read_side
    from fiveguard.modelio.yamlsource import display_name

    cat = common.catalogue(ctx)
    limits = cat.evidence_rules.archive_limits
    side = _reference_side(reference, method, cat)
    result = compare(side, read_side(deployed, limits))
    product_id, _, version = product.partition("@")
    record = validated(
        LabEquivalence,
        "--product",
        id=ident,
        type="lab-equivalence",
        lab=lab,
        title=f"Binary equivalence of {product}: {result.ratio:.1%} identical",
        date=day(date),
        product=product_id,
        version=version,
        method=method,
        reference=side.describe(display_name(reference))[:500],
        deployed=result.deployed.describe()[:500],
        identical=len(result.identical),
        differing=len(result.differing),
        missing=len(result.missing),
        extra=len(result.extra),
        differing_paths=tuple(result.differing[:SAMPLE_PATHS]),
        missing_paths=tuple(result.missing[:SAMPLE_PATHS]),
        extra_paths=tuple(result.extra[:SAMPLE_PATHS]),
    )
    console.print(
        f"{len(result.identical):,} identical, {len(result.differing):,} differing, "
        f"{len(result.missing):,} missing, {len(result.extra):,} extra — "
        f"{result.ratio:.2%} against the {method}"
    )
    save_record(registry, record, replace=True)
