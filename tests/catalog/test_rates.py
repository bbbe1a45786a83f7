"""Rates and shares derived from the incident record, against plain reference
implementations: the incomplete gamma function by its power series, the incomplete beta
function by quadrature, and counting by a loop over the records."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.catalog import default_catalogue
from fiveguard.catalog.rates import (
    annual_probability,
    beta_interval,
    derive_rate,
    derive_share,
    gamma_interval,
)
from fiveguard.domain.catalogue import (
    CAUSE_CLASSES,
    BetaPrior,
    Exposure,
    GammaPrior,
    Incident,
    IncidentRecord,
    IncidentSelection,
    RateRule,
    ShareRule,
)

# ---------------------------------------------------------------------------- references


def gamma_cdf(shape: float, x: float) -> float:
    """Regularised lower incomplete gamma P(shape, x) by its power series."""
    if x <= 0:
        return 0.0
    term = 1.0 / shape
    total = term
    n = 0
    while term > total * 1e-16:
        n += 1
        term *= x / (shape + n)
        total += term
        assert n < 100_000
    return math.exp(shape * math.log(x) - x - math.lgamma(shape)) * total


def beta_cdf(alpha: float, beta: float, x: float) -> float:
    """Regularised incomplete beta I_x(alpha, beta) by its power series
    x^a (1-x)^b / (a B(a, b)) · Σ_n t_n, t_0 = 1, t_n = t_(n-1) · x (a+b+n-1) / (a+n),
    taken where it converges fast (x ≤ 1/2) and by symmetry elsewhere."""
    if x > 0.5:
        return 1.0 - beta_cdf(beta, alpha, 1.0 - x)
    if x <= 0:
        return 0.0
    term, total, n = 1.0, 1.0, 0
    while term > total * 1e-17:
        term *= x * (alpha + beta + n) / (alpha + n + 1)
        total += term
        n += 1
        assert n < 1_000_000
    log_b = math.lgamma(alpha) + math.lgamma(beta) - math.lgamma(alpha + beta)
    log_front = alpha * math.log(x) + beta * math.log1p(-x) - math.log(alpha) - log_b
    return math.exp(log_front) * total


# ---------------------------------------------------------------------------- intervals


@settings(max_examples=150)
@given(
    shape=st.floats(0.5, 60.0),
    exposure=st.floats(1.0, 5000.0),
    level=st.floats(0.5, 0.98),
)
def test_gamma_interval_leaves_the_stated_mass_in_each_tail(
    shape: float, exposure: float, level: float
) -> None:
    low, high = gamma_interval(shape, exposure, level)
    tail = (1 - level) / 2
    assert 0 < low < shape / exposure * 10
    assert math.isclose(gamma_cdf(shape, low * exposure), tail, rel_tol=1e-6, abs_tol=1e-9)
    assert math.isclose(gamma_cdf(shape, high * exposure), 1 - tail, rel_tol=1e-6)


@settings(max_examples=100)
@given(
    alpha=st.floats(0.5, 30.0),
    beta=st.floats(0.5, 30.0),
    level=st.floats(0.5, 0.98),
)
def test_beta_interval_leaves_the_stated_mass_in_each_tail(
    alpha: float, beta: float, level: float
) -> None:
    low, high = beta_interval(alpha, beta, level)
    tail = (1 - level) / 2
    assert 0 <= low < high <= 1
    assert math.isclose(beta_cdf(alpha, beta, low), tail, rel_tol=1e-6, abs_tol=1e-9)
    assert math.isclose(beta_cdf(alpha, beta, high), 1 - tail, rel_tol=1e-6)


@given(rate=st.floats(0.0, 20.0))
def test_an_annual_rate_becomes_the_chance_of_at_least_one_event(rate: float) -> None:
    assert math.isclose(annual_probability(rate), 1 - math.exp(-rate), abs_tol=1e-15)
    assert annual_probability(rate) <= rate + 1e-15


# ---------------------------------------------------------------------------- counting

COUNTRIES = ("GB", "FR", "JP")
SCOPES = ("whole-operator", "partial")
incident_rows = st.lists(
    st.tuples(
        st.sampled_from(CAUSE_CLASSES),
        st.sampled_from(COUNTRIES),
        st.sampled_from(SCOPES),
        st.one_of(st.none(), st.integers(0, 3)),
    ),
    min_size=1,
    max_size=25,
)


def build(rows: list[tuple[str, str, str, int | None]]) -> IncidentRecord:
    # one event keeps one cause: an event's rows take the cause of its first row
    first_cause: dict[int, str] = {}
    incidents = []
    for index, (drawn, country, scope, event) in enumerate(rows):
        cause = drawn if event is None else first_cause.setdefault(event, drawn)
        incidents.append(
            Incident.model_validate(
                {
                    "id": f"i{index}",
                    "date": dt.date(2020, 1, 1),
                    "country": country,
                    "operator": f"operator {index}",
                    "cause": cause,
                    "cause_detail": "x",
                    "event": None if event is None else f"e{event}",
                    "scope": scope,
                    "source": "x",
                }
            )
        )
    return IncidentRecord(
        source="x",
        window_start=dt.date(2012, 1, 1),
        window_end=dt.date(2025, 12, 31),
        completeness="x",
        interval=0.9,
        records=tuple(incidents),
        exposures={
            "ops": Exposure(
                id="ops", title="x", unit="operator-years", value=120.0, basis="x", source="x"
            )
        },
        rates={},
    )


@settings(max_examples=200)
@given(
    rows=incident_rows,
    causes=st.sets(st.sampled_from(CAUSE_CLASSES), min_size=1),
    countries=st.sets(st.sampled_from(COUNTRIES), min_size=1),
    scopes=st.sets(st.sampled_from(SCOPES), min_size=1),
    count_by=st.sampled_from(["event", "operator"]),
    prior_shape=st.floats(0.1, 3.0),
    prior_rate=st.floats(0.0, 50.0),
)
def test_a_rate_counts_what_a_loop_over_the_records_counts(
    rows: list[tuple[str, str, str, int | None]],
    causes: set[str],
    countries: set[str],
    scopes: set[str],
    count_by: str,
    prior_shape: float,
    prior_rate: float,
) -> None:
    record = build(rows)
    selection = IncidentSelection.model_validate(
        {
            "causes": sorted(causes),
            "countries": sorted(countries),
            "scopes": sorted(scopes),
            "count_by": count_by,
        }
    )
    rule = RateRule(
        id="r",
        title="x",
        informs="x",
        relation="x",
        select=selection,
        exposure="ops",
        prior=GammaPrior(name="p", shape=prior_shape, rate=prior_rate),
    )
    derived = derive_rate(record, rule)
    events: set[str] = set()
    hits = 0
    for incident in record.records:
        if incident.cause in causes and incident.country in countries and incident.scope in scopes:
            hits += 1
            events.add(incident.event or incident.id)
    expected = len(events) if count_by == "event" else hits
    assert derived.count == expected
    assert derived.shape == prior_shape + expected
    assert derived.rate == prior_rate + 120.0
    assert math.isclose(derived.mean, (prior_shape + expected) / (prior_rate + 120.0))
    assert derived.low <= derived.mean <= derived.high


@settings(max_examples=200)
@given(rows=incident_rows)
def test_a_share_counts_the_events_that_reached_several_operators(
    rows: list[tuple[str, str, str, int | None]],
) -> None:
    record = build(rows)
    rule = ShareRule(
        id="s",
        title="x",
        informs="x",
        relation="x",
        of=IncidentSelection.model_validate(
            {
                "causes": list(CAUSE_CLASSES),
                "countries": list(COUNTRIES),
                "scopes": list(SCOPES),
                "count_by": "event",
            }
        ),
        prior=BetaPrior(name="p", alpha=0.5, beta=0.5),
    )
    derived = derive_share(record, rule)
    operators: dict[str, int] = {}
    for incident in record.records:
        key = incident.event or incident.id
        operators[key] = operators.get(key, 0) + 1
    shared = sum(1 for n in operators.values() if n > 1)
    assert len(derived.events) == len(operators)
    assert len(derived.shared) == shared
    assert derived.alpha == 0.5 + shared
    assert derived.beta == 0.5 + len(operators) - shared


def test_the_shipped_record_derives_every_rate_with_an_interval_around_its_mean() -> None:
    record = default_catalogue().incidents
    for rule in record.rates.values():
        derived = derive_rate(record, rule)
        assert 0 < derived.low < derived.mean < derived.high
        assert rule.id in {r.id for r in record.rates.values()}
        assert derived.exposure.unit in derived.derivation()
    for share in record.shares.values():
        derived_share = derive_share(record, share)
        assert 0 < derived_share.low < derived_share.mean < derived_share.high < 1
