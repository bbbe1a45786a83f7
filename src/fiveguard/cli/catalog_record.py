"""``fiveguard catalog incidents`` and ``fiveguard catalog simulation``: the incident
record the simulation's rates are checked against, and every simulation parameter with
its value, the record's interval, derivation and source."""

from __future__ import annotations

import typer
from rich.table import Table

from fiveguard.catalog.parameters import parameter_rows
from fiveguard.catalog.rates import derived_rates, derived_shares
from fiveguard.cli.app import console
from fiveguard.cli.catalog import JsonFlag, _e, _print_json, _sections, catalog_app
from fiveguard.cli.common import catalogue as _catalogue
from fiveguard.domain.catalogue import Incident


@catalog_app.command("incidents")
def incidents(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Real outages (date, country, operator, cause, element, supplier, users affected,
    duration, source), the exposures they are divided by and the rates derived from them.

    Example: `fiveguard catalog incidents --json`
    """
    catalogue = _catalogue(ctx)
    record = catalogue.incidents
    if as_json:
        _print_json(_sections(catalogue, "incidents"))
        return
    table = Table(
        title=f"Incident record {record.window_start.year}–{record.window_end.year}",
        caption=_e(f"Completeness: {record.completeness}"),
    )
    table.add_column("Date", no_wrap=True)
    table.add_column("Country", no_wrap=True)
    table.add_column("Operator")
    table.add_column("Cause", no_wrap=True)
    table.add_column("Element (supplier)")
    table.add_column("Users", no_wrap=True, justify="right")
    table.add_column("Hours", no_wrap=True, justify="right")
    for incident in record.records:
        table.add_row(
            incident.date.isoformat(),
            incident.country,
            _e(incident.operator),
            incident.cause + ("" if incident.scope == "whole-operator" else " (partial)"),
            _e(_element(incident)),
            _users(incident),
            f"{incident.duration_hours:g}"
            if incident.duration_hours is not None
            else "not reported",
        )
    console.print(table)
    exposures = Table(title="Exposure")
    for column in ("Exposure", "Value", "Basis", "Source"):
        exposures.add_column(column, overflow="fold")
    for exposure in record.exposures.values():
        judged = " (judgement)" if exposure.judgement else ""
        exposures.add_row(
            exposure.id,
            f"{exposure.value:g} {exposure.unit}{judged}",
            _e(exposure.basis),
            _e(exposure.source),
        )
    console.print(exposures)
    derived = Table(title=f"Rates derived from the record ({record.interval:.0%} intervals)")
    for column in ("Rate", "Informs", "Derivation"):
        derived.add_column(column, overflow="fold")
    for rate in derived_rates(record).values():
        derived.add_row(rate.rule.id, _e(rate.rule.informs), _e(rate.derivation()))
    for share in derived_shares(record).values():
        derived.add_row(share.rule.id, _e(share.rule.informs), _e(share.derivation()))
    console.print(derived)
    console.print("Sources, by incident:")
    for incident in record.records:
        console.print(f"  {incident.id}: {_e(incident.source)}", highlight=False)


@catalog_app.command("simulation")
def simulation(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every simulation parameter: its value, what the incident record says of it (mean
    and interval), how it was set and its source.

    Example: `fiveguard catalog simulation --json`
    """
    catalogue = _catalogue(ctx)
    rows = parameter_rows(catalogue)
    if as_json:
        _print_json({"parameters": [row.as_json() for row in rows]})
        return
    table = Table(
        title="Simulation parameters",
        caption=_e(
            "Record: what the incident record says of the parameter, as an annual probability "
            f"at its posterior mean with the {catalogue.incidents.interval:.0%} interval; "
            "`fiveguard catalog incidents` shows the record and `--json` the whole derivation."
        ),
    )
    for column in ("Parameter", "Value", "Record", "Derivation", "Source"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row.parameter.removeprefix("simulation."),
            _e(row.value),
            _e(row.record) or "—",
            _e(row.derivation),
            _e(row.source),
        )
    console.print(table)


def _element(incident: Incident) -> str:
    element = incident.element or "not reported"
    return element + (f" ({incident.supplier})" if incident.supplier else "")


def _users(incident: Incident) -> str:
    if incident.users_affected is None:
        return "not reported"
    return f"{incident.users_affected:,}"
