"""``fiveguard coordinate``: the coordinated EU view from verified national summaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from fiveguard.cli.app import app, console
from fiveguard.cli.exchange import load_state, verified_keyring
from fiveguard.cli.keyring import now
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from fiveguard.exchange.coordination import Coordination
    from fiveguard.exchange.mapping import SupplierMapping

JSON_NAME = "coordination.json"
REPORT_NAME = "report.html"
PDF_NAME = "report.pdf"


@app.command("coordinate")
def coordinate_command(
    envelopes: Annotated[
        list[Path], typer.Argument(help="National summary envelopes.", show_default=False)
    ],
    keyring: Annotated[Path, typer.Option("--keyring", help="The keyring file (JSON).")],
    as_org: Annotated[str, typer.Option("--as", help="The coordinating organisation.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help=f"Write {JSON_NAME} and {REPORT_NAME} here.", file_okay=False),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the view as JSON.")] = False,
    audience: Annotated[
        list[str] | None,
        typer.Option(
            "--for",
            help="Another organisation the view will be shown to (repeat); sections its "
            "labels do not let them see are withheld.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Supplier mapping file (YAML or JSON).")
    ] = None,
    high_k: Annotated[
        int, typer.Option("--high-k", min=1, help="List suppliers profiled high by ≥ k states.")
    ] = 2,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Check sequences against this state file (read only)."),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help=f"Also write {PDF_NAME} into --out: the label and page numbers on every "
            "page, the view's JSON attached (needs Chromium).",
        ),
    ] = False,
) -> None:
    """Verify every envelope (refusing the run on any failure, every failure listed) and
    build the coordinated view: supplier profiles across states, R1–R9 and toolbox
    measures by state, EU-wide shares and HHI, cross-border common-mode exposure.

    Example: `fiveguard coordinate envelopes/*.dsse.json --keyring keyring.json --as
    EU-COORD --out coordinated/`
    """
    from fiveguard.app.coordination import coordinate_envelopes
    from fiveguard.exchange.files import read_limited, write_files
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    if out is None and not json_out:
        raise InputError.at("give --out DIR, --json, or both", COMMAND_LINE, path="--out")
    if out is not None and out.exists() and not out.is_dir():
        raise InputError.at(f"{str(out)!r} is not a directory", COMMAND_LINE, path="--out")
    if pdf:
        from fiveguard.cli.assess import check_pdf_renderer

        check_pdf_renderer(out)
    ring = verified_keyring(keyring)
    known = load_state(state) if state is not None and state.exists() else None
    chosen = _mapping(mapping)
    inputs = [(str(p), read_limited(p, MAX_ENVELOPE_BYTES, "envelope")) for p in envelopes]
    view = coordinate_envelopes(
        inputs,
        ring,
        coordinator=as_org,
        now=now(),
        audience=audience or [],
        mapping=chosen,
        high_k=high_k,
        state=known,
    )
    text = view.model_dump_json(indent=2) + "\n"
    if out is not None:
        from fiveguard.report.coordination import render_coordination

        files = {
            out / JSON_NAME: text.encode(),
            out / REPORT_NAME: render_coordination(view).encode(),
        }
        if pdf:
            from fiveguard.report.coordination import coordination_pdf
            from fiveguard.report.pdf import NoRendererError

            try:
                files[out / PDF_NAME] = coordination_pdf(view)
            except NoRendererError as exc:
                raise InputError.at(str(exc), COMMAND_LINE, path="--pdf") from None
        write_files(files)
    if json_out:
        typer.echo(text, nl=False)
        return
    used = [i for i in view.inputs if i.used]
    console.print(
        f"coordinated view of {len(view.countries)} member states "
        f"({', '.join(view.countries)}) from {len(used)} verified summaries; "
        f"{view.tlp.marking} for {escape(', '.join(view.audience))}; "
        f"{len(view.suppliers)} suppliers, {len(view.withheld)} section(s) withheld",
        soft_wrap=True,
    )
    for line in common_mode_lines(view):
        console.print(escape(line), soft_wrap=True)
    f = view.federated
    if f is not None:
        people = next(i for i in f.impacts if i.impact == "people_without_service")
        every = f.states_hit[-1]
        console.print(
            f"federated Monte Carlo: {f.trials:,} years under seed {f.seed}, "
            f"{len(f.states)} state(s) summed year by year"
            + (f", {len(f.not_included)} without vectors" if f.not_included else "")
            + f"; EU people without service per year mean {people.mean:,.1f}, "
            f"P99 {people.p99:,}; all {every.states} states hit together in "
            f"{every.probability:.2%} of the years ({every.if_independent:.2%} were they "
            "independent)",
            soft_wrap=True,
        )
    if out is not None:
        console.print(
            f"report: [bold]{escape(str((out / REPORT_NAME).resolve()))}[/bold]\n"
            f"JSON:   {escape(str((out / JSON_NAME).resolve()))}",
            soft_wrap=True,
        )


COMMON_MODE_SHOWN = 3
"""Cross-border faults the terminal names (the worst first); the report shows them all."""
TERMINAL_FIGURES = ("people_without_service", "people_unable_to_reach_emergency")
"""The figures whose median and range across states the terminal gives per fault (the
report gives every one)."""


def common_mode_lines(view: Coordination) -> list[str]:
    """The worst cross-border faults (deployed in two or more states), each with people
    without service and people unable to reach emergency services, summed over the
    states, then their median and range per state over the states reporting them; states
    that sent no emergency figure are named as not reported."""
    across = [c for c in view.common_mode if c.states_deploying > 1]
    if not across:
        return []
    lines = [
        f"cross-border faults (deployed in 2 or more states): {len(across)}; the worst, "
        "summed over the states:"
    ]
    for c in across[:COMMON_MODE_SHOWN]:
        name = c.supplier + (f" {c.product} {c.version}" if c.version else "")
        if c.people_unable_to_reach_emergency is None:
            emergency = "people unable to reach emergency services not reported"
        else:
            emergency = f"{c.people_unable_to_reach_emergency:,} unable to reach emergency services"
            if c.emergency_not_reported:
                reporting = c.states_deploying - len(c.emergency_not_reported)
                emergency += (
                    f" in the {reporting} state{'s' if reporting > 1 else ''} reporting it "
                    f"(not reported: {', '.join(c.emergency_not_reported)})"
                )
        lines.append(
            f"  {name}: {c.states_deploying} states, {c.people_without_service:,} people "
            f"without service, {emergency}"
        )
        per_state = [a for a in c.across if a.figure in TERMINAL_FIGURES]
        if per_state:
            lines.append("    per state: " + "; ".join(a.text() for a in per_state))
    return lines


def _mapping(path: Path | None) -> SupplierMapping | None:
    if path is None:
        return None
    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.mapping import MAX_MAPPING_BYTES, read_mapping

    return read_mapping(read_limited(path, MAX_MAPPING_BYTES, "mapping file"), str(path))
