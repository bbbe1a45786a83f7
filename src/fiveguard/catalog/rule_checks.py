"""Cross-references of the assessment rules and simulation parameters.

Types cannot check that a rule names a risk, measure, policy, asset kind, tag or supplier
factor the catalogue has. These checks run when the catalogue loads, so a mistake in a
user's override is reported at its line; the engines run them again on catalogues built
in code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fiveguard.domain.catalogue import Catalogue, IncidentSelection
from fiveguard.domain.network import PROFILE_FACTORS
from fiveguard.modelio.yamlsource import PathKey

Check = tuple[Sequence[PathKey], str]

RESIDUAL_STATUSES = frozenset(
    {"implemented", "in-progress", "planned", "not-started", "unrecorded"}
)


def assessment_checks(catalogue: Catalogue) -> Iterator[Check]:
    """Problems of ``assessment``: its policy, risks, measures, groups and statuses."""
    rules = catalogue.assessment
    if rules.default_policy is not None and rules.default_policy not in catalogue.policies:
        yield (
            [("assessment", "default_policy")],
            f"unknown policy {rules.default_policy!r}; presets: {', '.join(catalogue.policies)}",
        )
    for risk in catalogue.risks:
        if risk not in rules.risks:
            yield [("assessment", "risks")], f"risk {risk} has no likelihood and impact rules"
    for risk, pair in rules.risks.items():
        if risk not in catalogue.risks:
            yield [("assessment", "risks", risk)], f"unknown risk {risk!r}"
        for part in ("likelihood", "impact"):
            for index, measure in enumerate(getattr(pair, part).measures):
                if measure not in catalogue.measures:
                    yield (
                        [("assessment", "risks", risk, part, "measures", index)],
                        f"unknown measure {measure!r}",
                    )
    tags = {tag for kind in catalogue.asset_kinds.values() for tag in kind.tags}
    for index, group in enumerate(rules.diversity.groups):
        at = ("assessment", "diversity", "groups", index, "targets")
        for j, kind in enumerate(group.targets.kinds):
            if kind not in catalogue.asset_kinds:
                yield [(*at, "kinds", j)], f"unknown asset kind {kind!r}"
        for j, tag in enumerate(group.targets.tags):
            if tag not in tags:
                yield [(*at, "tags", j)], f"no asset kind has the tag {tag!r}"
    for status in rules.residual.credit:
        if status not in RESIDUAL_STATUSES:
            yield (
                [("assessment", "residual", "credit", status)],
                f"unknown status {status!r}; expected one of "
                + ", ".join(sorted(RESIDUAL_STATUSES)),
            )


def simulation_checks(catalogue: Catalogue) -> Iterator[Check]:
    """Problems of ``simulation``: supplier factors, measures, level thresholds."""
    params = catalogue.simulation
    words = ", ".join(PROFILE_FACTORS)
    for index, factor in enumerate(params.supplier_update.factors):
        if factor not in PROFILE_FACTORS:
            yield (
                [("simulation", "supplier_update", "factors", index)],
                f"unknown factor {factor!r}; a supplier profile has: {words}",
            )
    if params.product_fault.factor not in PROFILE_FACTORS:
        yield (
            [("simulation", "product_fault", "factor")],
            f"unknown factor {params.product_fault.factor!r}; a supplier profile has: {words}",
        )
    for effect_id, effect in params.measure_effects.items():
        if effect.measure not in catalogue.measures:
            yield (
                [("simulation", "measure_effects", effect_id, "measure")],
                f"unknown measure {effect.measure!r}",
            )
    record_rate = params.product_fault.record_rate
    if record_rate is not None and record_rate not in catalogue.incidents.rates:
        yield (
            [("simulation", "product_fault", "record_rate")],
            f"unknown rate {record_rate!r}; the incident record has: "
            + ", ".join(catalogue.incidents.rates),
        )
    power_rate = params.power_loss.record_rate
    if power_rate is not None:
        rule = catalogue.incidents.rates.get(power_rate)
        exposure = None if rule is None else catalogue.incidents.exposures.get(rule.exposure)
        if rule is None:
            yield (
                [("simulation", "power_loss", "record_rate")],
                f"unknown rate {power_rate!r}; the incident record has: "
                + ", ".join(catalogue.incidents.rates),
            )
        elif exposure is not None and exposure.unit != "million-people-years":
            yield (
                [("simulation", "power_loss", "record_rate")],
                f"rate {power_rate!r} is per {exposure.unit}; a power area's probability "
                "needs a rate per million-people-years",
            )
    for section in ("change_push", "limit_reached"):
        group = getattr(params, section)
        if group is not None and group.record_rate not in catalogue.incidents.rates:
            yield (
                [("simulation", section, "record_rate")],
                f"unknown rate {group.record_rate!r}; the incident record has: "
                + ", ".join(catalogue.incidents.rates),
            )
    if params.evidence is not None:
        kinds = catalogue.assessment.assurance.signals
        for index, kind in enumerate(params.evidence.availability_signals):
            if kind not in kinds:
                yield (
                    [("simulation", "evidence", "availability_signals", index)],
                    f"unknown signal kind {kind!r}; known kinds: {', '.join(kinds)}",
                )
    reach_share = params.product_fault.reach_share
    if reach_share is not None and reach_share not in catalogue.incidents.shares:
        yield (
            [("simulation", "product_fault", "reach_share")],
            f"unknown share {reach_share!r}; the incident record has: "
            + (", ".join(catalogue.incidents.shares) or "none"),
        )
    if params.supplier_update.medium_from > params.supplier_update.high_from:
        yield (
            [("simulation", "supplier_update", "medium_from")],
            "medium_from is above high_from",
        )


def incident_checks(catalogue: Catalogue) -> Iterator[Check]:
    """Problems of ``incidents``: countries, dates outside the window, events whose records
    disagree on their cause, rates naming an unknown exposure."""
    record = catalogue.incidents
    names = catalogue.countries.names
    causes: dict[str, tuple[int, str]] = {}
    for index, incident in enumerate(record.records):
        at = ("incidents", "records", index)
        if incident.country not in names:
            yield [(*at, "country")], f"unknown country code {incident.country!r}"
        if not record.window_start <= incident.date <= record.window_end:
            yield (
                [(*at, "date")],
                f"{incident.date} is outside the record's window "
                f"({record.window_start} to {record.window_end})",
            )
        first = causes.setdefault(incident.event_id, (index, incident.cause))
        if first[1] != incident.cause:
            yield (
                [(*at, "cause")],
                f"event {incident.event_id!r} has cause {first[1]!r} in records[{first[0]}] "
                f"but {incident.cause!r} here; one event has one cause",
            )
    for rate_id, rate in record.rates.items():
        if rate.exposure not in record.exposures:
            yield (
                [("incidents", "rates", rate_id, "exposure")],
                f"unknown exposure {rate.exposure!r}; known: {', '.join(record.exposures)}",
            )
    for index, year in enumerate(record.enisa):
        exposure = record.exposures.get(year.population) if year.population else None
        if year.population is not None and (
            exposure is None or exposure.unit != "million-people-years"
        ):
            yield (
                [("incidents", "enisa", index, "population")],
                f"unknown population {year.population!r}; the exposures in "
                "million-people-years are: "
                + (
                    ", ".join(
                        e for e, x in record.exposures.items() if x.unit == "million-people-years"
                    )
                    or "none"
                ),
            )
    selections: list[tuple[PathKey, IncidentSelection | None]] = [
        (("incidents", "rates", rate_id, "select"), rate.select)
        for rate_id, rate in record.rates.items()
    ]
    selections.extend(
        (("incidents", "shares", share_id, "of"), share.of)
        for share_id, share in record.shares.items()
    )
    for where, selection in selections:
        if selection is None:
            continue
        for index, code in enumerate(selection.countries):
            if code not in names:
                yield [(*where, "countries", index)], f"unknown country code {code!r}"


def as_text_path(path: PathKey) -> str:
    """``('simulation', 'factors', 1)`` → ``simulation.factors[1]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
