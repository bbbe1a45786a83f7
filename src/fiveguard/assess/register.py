"""The risk register: R1–R9 per operator and nationally.

For each risk the catalogue names one rule for likelihood and one for impact
(:mod:`fiveguard.assess.register_rules`). The risk level is the catalogue's matrix at the
two; an analyst's override in the model replaces a computed likelihood or impact (both are
shown). Residual risk: the measures the risk calls for, with their status in the scope,
lower the likelihood by the catalogue's residual rule; impact is unchanged.
"""

from __future__ import annotations

from fiveguard.assess.measures import MeasureBook, measure_links
from fiveguard.assess.profiles import level_of
from fiveguard.assess.register_rules import RULES, Measured, RuleContext
from fiveguard.assess.results import (
    Fact,
    Judgement,
    MeasureLine,
    Register,
    RegisterEntry,
    ScaleEntry,
)
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import LevelRule, RiskRules
from fiveguard.domain.network import MeasureStatus, RiskOverride


def build_register(ctx: RuleContext) -> Register:
    """Every risk of the catalogue, nationally first, then for each operator."""
    catalogue = ctx.prep.catalogue
    rules = catalogue.assessment
    overrides = {(o.risk, o.operator): o for o in ctx.prep.model.document.overrides}
    memo: dict[tuple[str, str, int | None], Measured] = {}
    entries = []
    scopes: list[int | None] = [None, *range(ctx.prep.n_operators)]
    for risk_id, risk in catalogue.risks.items():
        risk_rules = rules.risks[risk_id]
        for scope in scopes:
            name = ctx.scope_name(scope)
            operator = None if scope is None else name
            entries.append(
                _entry(
                    ctx,
                    risk_id,
                    risk.title,
                    risk.area,
                    risk_rules,
                    scope,
                    overrides.get((risk_id, operator)),
                    memo,
                )
            )
    return Register(
        scale=tuple(
            ScaleEntry(level=s.level, likelihood=s.likelihood, impact=s.impact) for s in rules.scale
        ),
        matrix={
            lk.value: {im.value: lv.value for im, lv in row.items()}
            for lk, row in rules.matrix.cells.items()
        },
        matrix_text=rules.matrix.text,
        residual_text=rules.residual.text,
        measure_links=measure_links(catalogue),
        entries=tuple(entries),
    )


def _entry(
    ctx: RuleContext,
    risk_id: str,
    title: str,
    area: str,
    risk_rules: RiskRules,
    scope: int | None,
    override: RiskOverride | None,
    memo: dict[tuple[str, str, int | None], Measured],
) -> RegisterEntry:
    matrix = ctx.prep.catalogue.assessment.matrix
    likelihood = _judge(
        ctx,
        risk_id,
        "likelihood",
        risk_rules.likelihood,
        scope,
        memo,
        override.likelihood if override else None,
    )
    impact = _judge(
        ctx,
        risk_id,
        "impact",
        risk_rules.impact,
        scope,
        memo,
        override.impact if override else None,
    )
    name = ctx.scope_name(scope)
    measures = _measure_lines(ctx, risk_id, name, risk_rules.likelihood)
    coverage, lower_by = _coverage(ctx, measures)
    residual_likelihood = level_of(likelihood.effective.rank - lower_by)
    residual = matrix.level(residual_likelihood, impact.effective)
    counted = [m for m in measures if m.counted]
    reason = (
        f"coverage {coverage:.0%} of {len(counted)} counted measures lowers likelihood "
        f"by {lower_by}"
        if coverage is not None
        else "no measure counted, likelihood unchanged"
    )
    return RegisterEntry(
        risk=risk_id,
        title=title,
        area=area,
        scope=name,
        scope_name="National" if scope is None else ctx.prep.model.document.operators[scope].name,
        likelihood=likelihood,
        impact=impact,
        computed_level=matrix.level(likelihood.computed, impact.computed),
        level=matrix.level(likelihood.effective, impact.effective),
        override_rationale=override.rationale if override else None,
        measures=measures,
        coverage=coverage,
        residual_likelihood=residual_likelihood,
        residual=residual,
        residual_reason=(
            f"{reason}: residual likelihood {residual_likelihood.value}, "
            f"impact {impact.effective.value}"
        ),
    )


def _judge(
    ctx: RuleContext,
    risk_id: str,
    part: str,
    spec: LevelRule,
    scope: int | None,
    memo: dict[tuple[str, str, int | None], Measured],
    override: Level | None,
) -> Judgement:
    level, facts = _measure(ctx, risk_id, part, spec, scope, memo)
    if override is not None:
        facts = [
            *facts,
            Fact(
                text=f"the analyst's override ({override.value}) confirms the computed "
                f"{part} for {ctx.whose(scope)}"
                if override is level
                else f"the analyst's override sets the {part} for {ctx.whose(scope)} to "
                f"{override.value} (computed: {level.value})"
            ),
        ]
    return Judgement(
        rule=spec.rule,
        rule_text=spec.text,
        computed=level,
        override=override,
        effective=override or level,
        facts=tuple(facts),
    )


def _measure(
    ctx: RuleContext,
    risk_id: str,
    part: str,
    spec: LevelRule,
    scope: int | None,
    memo: dict[tuple[str, str, int | None], Measured],
) -> Measured:
    """Run a rule for a scope; national ``worst-operator`` takes the highest operator."""
    key = (risk_id, part, scope)
    if key in memo:
        return memo[key]
    rule = RULES[spec.rule]
    if scope is not None or spec.national == "pooled":
        result = rule(ctx, spec, scope)
    elif ctx.prep.n_operators == 0:
        result = (Level.LOW, [Fact(text="the model has no operators")])
    else:
        per = [_measure(ctx, risk_id, part, spec, k, memo) for k in range(ctx.prep.n_operators)]
        worst = max(range(len(per)), key=lambda k: per[k][0].rank)
        level, facts = per[worst]
        named = ctx.prep.operator_ids[worst]
        head = Fact(
            text=f"the {part} for the country is the highest among operators: {named} "
            f"({level.value}); "
            + ", ".join(f"{ctx.prep.operator_ids[k]} {per[k][0].value}" for k in range(len(per)))
            + f"; the facts below are {named}'s",
            refs=(named,),
        )
        # borrowed facts describe one operator's network: each says whose
        borrowed = [Fact(text=f"{named}: {f.text}", refs=f.refs) for f in facts]
        result = (level, [head, *borrowed])
    memo[key] = result
    return result


def _measure_lines(
    ctx: RuleContext, risk_id: str, scope: str, likelihood: LevelRule
) -> tuple[MeasureLine, ...]:
    catalogue = ctx.prep.catalogue
    credit = catalogue.assessment.residual.credit
    book: MeasureBook = ctx.measures
    lines = []
    for measure in catalogue.risk_measures.links.get(risk_id, ()):
        resolved = book.status(measure, scope)
        read = measure in likelihood.measures
        applicable = resolved.status != MeasureStatus.NOT_APPLICABLE.value
        lines.append(
            MeasureLine(
                measure=measure,
                title=catalogue.measures[measure].title,
                status=resolved.status,
                source=resolved.source,
                credit=credit.get(resolved.status, 0.0) if applicable and not read else None,
                counted=applicable and not read,
                evidence=resolved.evidence,
            )
        )
    return tuple(lines)


def _coverage(ctx: RuleContext, measures: tuple[MeasureLine, ...]) -> tuple[float | None, int]:
    counted = [m.credit or 0.0 for m in measures if m.counted]
    if not counted:
        return None, 0
    coverage = sum(counted) / len(counted)
    lower_by = max(
        (
            s.lower_by
            for s in ctx.prep.catalogue.assessment.residual.steps
            if coverage >= s.min_coverage - 1e-12
        ),
        default=0,
    )
    return coverage, lower_by
