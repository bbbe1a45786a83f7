"""``fiveguard lab finding add|update|list`` and ``fiveguard lab audit``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import console
from fiveguard.cli.lab import DateOpt, day, lab_app, save_record
from fiveguard.cli.registry import JsonOpt, RegistryOpt, print_json, validated
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.lab import FindingEvent, FindingState, LabFinding, PracticeReview

finding_app = typer.Typer(
    name="finding",
    help="Record findings and every change of their state.\n\n"
    "Example: `fiveguard lab finding list --state open -r registry/`",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
lab_app.add_typer(finding_app, name="finding")

IdArg = Annotated[str, typer.Argument(metavar="ID")]


@finding_app.command("add")
def finding_add(
    ident: IdArg,
    lab: Annotated[str, typer.Option("--lab")],
    product: Annotated[str, typer.Option("--product", help="Canonical product id.")],
    affected: Annotated[list[str], typer.Option("--affected", help="Affected version.")],
    title: Annotated[str, typer.Option("--title")],
    severity: Annotated[str, typer.Option("--severity", help="critical … advisory.")],
    registry: RegistryOpt,
    cwe: Annotated[str | None, typer.Option("--cwe", help="E.g. CWE-798.")] = None,
    cvss: Annotated[str | None, typer.Option("--cvss", help="A CVSS v3.x vector.")] = None,
    component: Annotated[str | None, typer.Option("--component", help="Component or file.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Engineering area.")] = None,
    evaluation: Annotated[str | None, typer.Option("--evaluation")] = None,
    review: Annotated[str | None, typer.Option("--review")] = None,
    embargo_until: Annotated[
        dt.datetime | None, typer.Option("--embargo-until", formats=["%Y-%m-%d"], metavar="DATE")
    ] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    date: DateOpt = None,
) -> None:
    """Record a new finding, open on its date.

    Example: `fiveguard lab finding add f-creds --lab xec --product korvath.gnb
    --affected 8.2 --affected 9.0 --severity high --cwe CWE-798
    --cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H --title "Fixed password" -r registry/`
    """
    when = day(date)
    record = validated(
        LabFinding,
        "finding",
        id=ident,
        type="lab-finding",
        lab=lab,
        title=title,
        date=when,
        product=product,
        affected=tuple(affected),
        severity=severity,
        cwe=cwe,
        cvss=cvss,
        component=component,
        area=area,
        evaluation=evaluation,
        review=review,
        embargo_until=embargo_until.date() if embargo_until else None,
        note=note,
        history=({"date": when, "state": "open", "note": note},),
    )
    save_record(registry, record)


@finding_app.command("update")
def finding_update(
    ident: IdArg,
    state: Annotated[FindingState, typer.Option("--state", help="The new state.")],
    registry: RegistryOpt,
    by: Annotated[str | None, typer.Option("--by", help="Who made the change.")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    fixed_in: Annotated[str | None, typer.Option("--fixed-in", help="fixed: the version.")] = None,
    retest: Annotated[
        str | None, typer.Option("--retest", help="retested: passed or failed.")
    ] = None,
    accepted_by: Annotated[str | None, typer.Option("--accepted-by")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    date: DateOpt = None,
) -> None:
    """Change a finding's state; the change joins its history. Refused when the lifecycle
    does not allow it (closing an unretested finding, a fix in an affected version …).

    Example: `fiveguard lab finding update f-creds --state fixed --fixed-in 9.1
    --by vendor -r registry/`
    """
    from fiveguard.lab.lifecycle import with_change
    from fiveguard.modelio.registry_files import read_registry

    record = read_registry(registry).registry.records.get(ident)
    if not isinstance(record, LabFinding):
        raise InputError.at(f"{ident!r} is not a finding of the registry", COMMAND_LINE, path="ID")
    if record.attestation is not None:
        raise InputError.at(
            f"{ident} came from an attestation by {record.attestation.signer}: only its lab "
            "changes it, and a new attestation brings the change",
            COMMAND_LINE,
            path="ID",
        )
    if retest not in (None, "passed", "failed"):
        raise InputError.at(
            f"expected passed or failed, got {retest!r}", COMMAND_LINE, path="--retest"
        )
    change = validated(
        FindingEvent,
        "--state",
        date=day(date),
        state=state,
        by=by,
        note=note,
        fixed_in=fixed_in,
        retest_passed=None if retest is None else retest == "passed",
        accepted_by=accepted_by,
        reason=reason,
    )
    try:
        updated = with_change(record, change)
    except ValueError as exc:
        raise InputError.at(str(exc), COMMAND_LINE, path="--state") from None
    save_record(registry, updated, replace=True)


@finding_app.command("list")
def finding_list(
    registry: RegistryOpt,
    lab: Annotated[str | None, typer.Option("--lab")] = None,
    product: Annotated[str | None, typer.Option("--product")] = None,
    state: Annotated[FindingState | None, typer.Option("--state")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List findings with their state, CVSS base score and last change.

    Example: `fiveguard lab finding list --product korvath.gnb --state open -r registry/`
    """
    from fiveguard.evidence.cvss import cvss3_base_score
    from fiveguard.modelio.registry_files import read_registry

    findings = [
        f
        for f in read_registry(registry).registry.of_type(LabFinding)
        if (lab is None or f.lab == lab)
        and (product is None or f.product == product)
        and (state is None or f.state is state)
    ]
    if json_out:
        print_json(
            [
                {
                    **f.model_dump(mode="json", exclude_defaults=True),
                    "state": f.state.value,
                    "cvss_score": cvss3_base_score(f.cvss) if f.cvss else None,
                }
                for f in findings
            ]
        )
        return
    table = Table(title=f"Findings: {len(findings)}", title_justify="left")
    for column in ("finding", "product", "severity", "CVSS", "state", "last change"):
        table.add_column(column, overflow="fold")
    for f in findings:
        score = cvss3_base_score(f.cvss) if f.cvss else None
        last = f.history[-1]
        table.add_row(
            escape(f"{f.id}: {f.title}"),
            escape(f"{f.product} {', '.join(f.affected)}"),
            f.severity.value,
            f"{score:.1f}" if score is not None else "—",
            f.state.value + (f" (fixed in {last.fixed_in})" if last.fixed_in else ""),
            escape(f"{last.date}" + (f" by {last.by}" if last.by else "")),
        )
    console.print(table)


@lab_app.command("audit")
def audit_command(
    review: Annotated[str, typer.Argument(metavar="REVIEW", help="A practice review's id.")],
    registry: RegistryOpt,
    json_out: JsonOpt = False,
) -> None:
    """An engineering-practice review's findings by area, compared with the previous
    review's: how many, of what priority, resolved or not.

    Example: `fiveguard lab audit korvath-review-2026 -r registry/`
    """
    from fiveguard.lab.audit import audit
    from fiveguard.modelio.registry_files import read_registry

    reg = read_registry(registry).registry
    reviews = reg.reviews()
    chosen = reviews.get(review)
    if not isinstance(chosen, PracticeReview):
        raise InputError.at(
            f"{review!r} is not a practice review; reviews: {', '.join(reviews) or 'none'}",
            COMMAND_LINE,
            path="REVIEW",
        )
    result = audit(chosen, reviews, reg.of_type(LabFinding))
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    console.print(escape(result.text))
    table = Table(title=f"By area, {result.period}", title_justify="left")
    for column in ("area", "raised", "unresolved", "resolved", "accepted", "since last review"):
        table.add_column(column, overflow="fold")
    for a in result.areas:
        since = "—"
        if a.before is not None:
            since = (
                f"{a.before.unresolved} unresolved then; {len(a.resolved_since)} resolved, "
                f"{len(a.carried_over)} carried over"
            )
        severities = ", ".join(f"{n} {k}" for k, n in a.now.unresolved_by_severity.items())
        table.add_row(
            escape(a.area),
            str(a.now.raised),
            f"{a.now.unresolved}" + (f" ({severities})" if severities else ""),
            str(a.now.resolved),
            str(a.now.accepted),
            since,
        )
    console.print(table)
