"""The base-rate tables of docs/calibration.md: rendered from simulated countries, and the
figures they were rendered from kept as a record (docs/base-rates.json), so a test can
check that the doc's tables are what the code makes of those figures without running the
full-size simulation again."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from fiveguard.calibration.base_rates import (
    TARGET_FACTOR,
    CauseRun,
    CountryRates,
    EuLikeCountry,
    Tally,
    comparisons,
)
from fiveguard.domain.catalogue import Catalogue

START, END = "<!-- base-rate-tables -->", "<!-- /base-rate-tables -->"
"""The markers around the tables in docs/calibration.md."""


def to_record(countries: Sequence[CountryRates], seed: int) -> dict[str, Any]:
    """The figures of ``countries`` as plain JSON data (every tally, exactly)."""
    return {
        "seed": seed,
        "countries": [
            {
                **dataclasses.asdict(c.country),
                "population": c.population,
                "trials": c.trials,
                "causes": [
                    {"source": r.source, "cause": r.cause, **dataclasses.asdict(r.counted)}
                    for r in c.causes
                ],
            }
            for c in countries
        ],
    }


def from_record(data: dict[str, Any]) -> tuple[list[CountryRates], int]:
    """The countries and the seed of a record written by :func:`to_record`."""
    tally_fields = [f.name for f in dataclasses.fields(Tally)]
    countries = []
    for c in data["countries"]:
        runs = tuple(
            CauseRun(
                source=r["source"],
                cause=r["cause"],
                trials=c["trials"],
                counted=Tally(**{name: r[name] for name in tally_fields}),
            )
            for r in c["causes"]
        )
        country = EuLikeCountry(c["name"], c["sites"], c["operators"])
        countries.append(CountryRates(country, c["population"], c["trials"], runs))
    return countries, int(data["seed"])


def dumps(countries: Sequence[CountryRates], seed: int) -> str:
    """The record as the text of docs/base-rates.json."""
    return json.dumps(to_record(countries, seed), indent=2) + "\n"


def _storms(catalogue: Catalogue) -> str:
    """Whether the run samples signalling storms, in words."""
    rule = catalogue.simulation.storms
    if rule is None or (rule.trigger_share is None and not rule.trigger_kinds):
        return "not sampled (the catalogue triggers none)"
    on = [f"{rule.trigger_share:g} of an operator's customers"] if rule.trigger_share else []
    on += [", ".join(rule.trigger_kinds)] if rule.trigger_kinds else []
    return f"sampled (triggered by {' or '.join(on)} down)"


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:.2g}"


def render_tables(catalogue: Catalogue, countries: Sequence[CountryRates], seed: int) -> str:
    """The three tables: per country, per cause (pooled), and every figure beside ENISA's."""
    trials = {c.trials for c in countries}
    lines = [
        f"{'/'.join(f'{t:,}' for t in sorted(trials))} simulated years per source and "
        f"country, seed {seed}. Whole base: the people without service against all "
        "subscribers; per service: the people losing mobile voice or mobile data, each "
        "against the mobile customers. Fixed services: none (the generated countries have "
        f"no wireline access). Signalling storms: {_storms(catalogue)}.",
        "",
        "| country | people | reported incidents per year (whole base / per service) "
        "| users per reported incident (whole base / per service) "
        "| users affected per capita (whole base / per service) "
        "| user-hours per capita (whole base / per service) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in countries:
        per, service_per = c.users_per_incident, c.service_users_per_incident
        lines.append(
            f"| {c.country.name} | {c.population:,} | {c.incidents_per_year:.2g} / "
            f"{c.service_incidents_per_year:.2g} | {_n(per)} / {_n(service_per)} | "
            f"{c.users_affected_per_capita:.2g} / {c.service_users_affected_per_capita:.2g} | "
            f"{c.user_hours_per_capita:.2g} / {c.service_user_hours_per_capita:.2g} |"
        )
    lines += [
        "",
        "| source | ENISA cause | incidents per country-year | reported per country-year "
        "| reported per service per country-year "
        "| users per reported incident | hours per reported user |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for i, run in enumerate(countries[0].causes):
        runs = [c.causes[i] for c in countries]
        total = sum((r.counted for r in runs), Tally())
        years = sum(r.trials for r in runs)
        per = total.reported_people / total.reported if total.reported else None
        hours = total.reported_user_hours / total.reported_people if total.reported_people else None
        lines.append(
            f"| {run.source} | {run.cause} | {total.incidents / years:.2g} | "
            f"{total.reported / years:.2g} | {total.service_reported / years:.2g} | {_n(per)} | "
            f"{_g(hours)} |"
        )
    lines += ["", "| figure | year | simulated | ENISA | ratio |"]
    lines += ["| --- | --- | --- | --- | --- |"]
    for row in comparisons(catalogue, countries):
        mark = "" if row.within in (None, True) else f" **beyond {TARGET_FACTOR:g}×**"
        lines.append(
            f"| {row.metric} | {row.year} | {_g(row.simulated)} | {row.enisa:.2g} "
            f"({row.basis}) | {_g(row.ratio)}{mark} |"
        )
    return "\n".join(lines)


def replace_tables(text: str, tables: str) -> str:
    """``text`` (docs/calibration.md) with the part between the markers set to ``tables``."""
    start, end = text.index(START) + len(START), text.index(END)
    return f"{text[:start]}\n{tables}\n{text[end:]}"


def tables_in(text: str) -> str:
    """The part of ``text`` between the markers, as :func:`replace_tables` writes it."""
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip("\n")
