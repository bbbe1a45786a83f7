"""The briefing: where the country stands and what to decide, in a few plain sentences.

Built from an :class:`~fiveguard.assess.results.Assessment` alone (the JSON is enough):
each finding is one sentence carrying its number, with the section of the annex that
explains it and, where there is one, the decision it asks for. Findings are ranked by
severity, then by the people they concern; what-ifs are deduplicated so that one supplier
event is told once, with every concentration and dependency it stands for. The HTML
report opens with it and ``fiveguard assess --brief`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fiveguard.assess.context import NATIONAL, plural
from fiveguard.assess.fault_figures import emergency_people
from fiveguard.assess.results import Assessment, FaultImpact, VersionAttention, Violation

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, "unknown": 0}
BRIEF_FINDINGS = 10
"""How many findings the briefing shows: as many as fit two A4 pages beside its charts;
the rest are counted and left to the annex."""
NAMED_MEASURES = 4
"""Missing measures named in the briefing's sentence; the rest are counted."""
ATTENTION_FLOOR = "low"
"""Assurance reasons at this severity (catalogue ``evidence_rules.attention_severity``)
are grouped into one sentence rather than told version by version."""


@dataclass(frozen=True)
class BriefFinding:
    """One finding: a sentence with its number, how serious, how many people it concerns."""

    severity: str
    people: int
    text: str
    section: str
    decision: str | None = None


@dataclass(frozen=True)
class Briefing:
    """The briefing's text: a standing paragraph, ranked findings, decisions, what is left."""

    standing: str
    findings: tuple[BriefFinding, ...]
    more: int
    decisions: tuple[str, ...]

    @property
    def shown(self) -> tuple[BriefFinding, ...]:
        """The findings the briefing shows (the highest ranked)."""
        return self.findings[:BRIEF_FINDINGS]


def build_briefing(a: Assessment) -> Briefing:
    """The briefing of an assessment: every finding ranked, the first few shown."""
    names = _Names(a)
    found = [
        *_violation_findings(a, names),
        *_assurance_findings(a, names),
        *_supplier_event_findings(a, names),
        *_version_event_findings(a, names),
        *_register_findings(a),
        *_gap_findings(a, names),
    ]
    ranked = sorted(found, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), -f.people))
    shown = ranked[:BRIEF_FINDINGS]
    decisions = tuple(dict.fromkeys(f.decision for f in shown if f.decision))
    return Briefing(
        standing=_standing(a),
        findings=tuple(ranked),
        more=max(len(ranked) - BRIEF_FINDINGS, 0),
        decisions=decisions,
    )


class _Names:
    """Display names of suppliers and operators (ids when the assessment has no name)."""

    def __init__(self, a: Assessment) -> None:
        self.suppliers = {s.id: s.name for s in a.suppliers}
        self.profiles = {s.id: s.profile for s in a.suppliers}
        self.scopes = {e.scope: e.scope_name for e in a.risk_register.entries}

    def supplier(self, ident: str) -> str:
        return self.suppliers.get(ident, ident)

    def suppliers_of(self, idents: Iterable[str]) -> str:
        return _join([self.supplier(i) for i in idents])

    def operator(self, ident: str | None) -> str:
        if ident is None or ident == NATIONAL:
            return "the country"
        return self.scopes.get(ident, ident)


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _standing(a: Assessment) -> str:
    s = a.summary
    policy = a.violations.policy
    high = s.profiles.get("high", 0)
    parts = [
        f"{plural(s.operators, 'operator')} run {s.radio_sites:,} radio sites for "
        f"{s.population:,} residents with equipment from {plural(s.suppliers, 'supplier')}, "
        f"{high} of them with a high risk profile."
    ]
    if policy is not None:
        parts.append(
            f"Against {policy.id} the networks show {plural(s.violations, 'violation')}, "
            f"{s.in_transition:,} in transition and {s.unresolved:,} unresolved."
        )
    else:
        parts.append("No restriction policy was checked.")
    national = [e for e in a.risk_register.entries if e.scope == NATIONAL]
    high_left = [e.risk for e in national if e.residual.value == "high"]
    parts.append(
        f"{len(high_left)} of the {len(national)} risks stay high nationally after the "
        f"measures in place; {plural(s.missing_measures, 'toolbox measure')} "
        f"{'is' if s.missing_measures == 1 else 'are'} missing where expected."
    )
    if a.simulation is not None:
        people = next(
            (d for d in a.simulation.distributions if d.impact == "people_without_service"), None
        )
        if people is not None:
            parts.append(
                f"In one simulated year in twenty, {people.p95:,} people or more lose service "
                f"at some point ({a.simulation.trials:,} simulated years)."
            )
    return " ".join(parts)


# ---------------------------------------------------------------------------- policy


def _violation_findings(a: Assessment, names: _Names) -> list[BriefFinding]:
    """One finding per rule, suppliers and status: a cap broken in two networks is one
    finding naming both, with the people of both."""
    policy = a.violations.policy
    if policy is None:
        return []
    grouped: dict[tuple[str, tuple[str, ...], str], list[Violation]] = {}
    for v in a.violations.violations:
        grouped.setdefault((v.rule, v.suppliers, v.status), []).append(v)
    out = []
    for (_, suppliers, status), rows in grouped.items():
        who = names.suppliers_of(suppliers)
        text, decision = _violation_sentence(rows, who, names, policy.id)
        severity = {"violation": "high", "in-transition": "medium"}.get(status, "unknown")
        people = sum(v.people_depending for v in rows)
        out.append(BriefFinding(severity, people, text, "violations", decision))
    return out


def _violation_sentence(
    rows: Sequence[Violation], who: str, names: _Names, policy: str
) -> tuple[str, str]:
    v = rows[0]
    where = _join([names.operator(r.operator) for r in rows])
    people = sum(r.people_depending for r in rows)
    if v.deadline is None:
        due = ""
    elif v.status == "violation":
        due = f" (deadline {v.deadline}, passed)"
    else:
        due = f" by {v.deadline}"
    rule = f"rule {v.rule} of {policy}"
    if v.type == "cap" and v.max_share is not None:
        unit = "radio sites" if v.measure == "sites" else "people served"
        held = _join(
            [
                f"{r.share:.0%} of {names.operator(r.operator)}'s {unit}"
                + (f" ({r.excess:,} over)" if r.excess else "")
                for r in rows
                if r.share is not None
            ]
        )
        lead = {
            "violation": f"{who} holds {held}, above the {v.max_share:.0%} cap ({rule})",
            "in-transition": f"{who} holds {held}; the {v.max_share:.0%} cap ({rule}) "
            f"applies from {v.deadline}",
        }.get(v.status, f"Whether {who} stays under the cap ({rule}) in {where} is unresolved")
        return (
            f"{lead}; {people:,} people depend on those sites.",
            f"Require {where} to bring {who} below {v.max_share:.0%}{due}.",
        )
    assets = plural(sum(r.asset_count for r in rows), "asset")
    lead = {
        "violation": f"{who} equipment breaks {rule} in {where}: {assets}",
        "in-transition": f"{who} equipment in {where} must go{due} ({rule}): {assets}",
    }.get(v.status, f"Whether {who} equipment in {where} breaks {rule} is unresolved: {assets}")
    return (
        f"{lead}, on which {people:,} people depend.",
        f"Set how and by when {where} {'replace' if len(rows) > 1 else 'replaces'} {who} "
        f"equipment under {v.rule}{due}.",
    )


# ---------------------------------------------------------------------------- assurance


def _assurance_findings(a: Assessment, names: _Names) -> list[BriefFinding]:
    """Versions with a real problem, one finding per supplier; versions whose only reasons
    are at the floor severity (no valid evaluation, as packaged) are one finding together."""
    section = a.assurance
    floor = SEVERITY_RANK[ATTENTION_FLOOR]
    serious: dict[str, list[tuple[VersionAttention, list[str]]]] = {}
    rest = []
    for v in section.versions:
        why = [r for r in v.reasons if SEVERITY_RANK[section.reason_severity[r].value] > floor]
        if why:
            serious.setdefault(v.supplier, []).append((v, why))
        else:
            rest.append(v)
    out = []
    for supplier, versions in serious.items():
        told = _join(
            [
                f"{v.product} ({_join([section.reasons.get(r, r) for r in why])})"
                for v, why in versions
            ]
        )
        assets = sum(v.assets_at_risk for v, _ in versions)
        severity = max((v.severity.value for v, _ in versions), key=lambda s: SEVERITY_RANK[s])
        out.append(
            BriefFinding(
                severity,
                0,
                f"{names.supplier(supplier)}: {told}; "
                f"{plural(assets, 'critical or sensitive asset')} "
                f"{'runs' if assets == 1 else 'run'} {'it' if len(versions) == 1 else 'them'}.",
                "assurance",
                "Require fixes and new evaluations of "
                + _join([v.product for v, _ in versions])
                + ".",
            )
        )
    if rest:
        assets = sum(v.assets_at_risk for v in rest)
        reasons = _join(sorted({section.reasons.get(r, r) for v in rest for r in v.reasons}))
        verb = "has" if len(rest) == 1 else "have"
        out.append(
            BriefFinding(
                ATTENTION_FLOOR,
                0,
                f"{plural(len(rest), 'more deployed version')} {verb} {reasons}; "
                f"{plural(assets, 'critical or sensitive asset')} run them.",
                "assurance",
            )
        )
    return out


# ---------------------------------------------------------------------------- what-ifs


def _supplier_event_findings(a: Assessment, names: _Names) -> list[BriefFinding]:
    """One finding per supplier event, however many dependencies and concentrations the
    assessment found for that supplier; severity is the highest of their headlines."""
    dv = a.diversity
    events: dict[str, tuple[str, FaultImpact]] = {}
    facts: dict[str, list[str]] = {}
    for c in dv.national_concentration:
        facts.setdefault(c.supplier, []).append(f"{c.share:.0%} of {_lower(c.title)} nationally")
        if c.fault is not None:
            events.setdefault(c.fault.event, (c.supplier, c.fault))
    national = {(c.supplier, c.title) for c in dv.national_concentration}
    sole: dict[tuple[str, str], list[str]] = {}  # (supplier, domain) → operators it alone serves
    for d in dv.single_supplier:
        if d.fault is not None:
            events.setdefault(d.fault.event, (d.supplier, d.fault))
        if d.scope == NATIONAL and (d.supplier, d.title) in national:
            continue  # its national share already says it
        sole.setdefault((d.supplier, d.title), []).append(
            "the country" if d.scope == NATIONAL else names.operator(d.scope)
        )
    for (supplier, title), where in sole.items():
        owners = _join([f"{w}'s" for w in dict.fromkeys(where)])
        facts.setdefault(supplier, []).append(f"all of {owners} {_lower(title)}")
    severities = _headline_severities(a)
    population = a.summary.population
    out = []
    for supplier, fault in events.values():
        share = (
            f" ({fault.people_without_service / population:.0%} of residents)" if population else ""
        )
        held = _join(list(dict.fromkeys(facts.get(supplier, []))))
        name = names.supplier(supplier)
        out.append(
            BriefFinding(
                severities.get(supplier, "medium"),
                fault.people_without_service,
                f"If every {name} product failed at once, {fault.people_without_service:,} people"
                f"{share} would lose service{_emergency(fault)}; {name} supplies {held}.",
                "diversity",
                f"Decide whether the share of {name} needs a second supplier or a fallback.",
            )
        )
    return out


def _version_event_findings(a: Assessment, names: _Names) -> list[BriefFinding]:
    """Redundancy groups on one version: one finding per version event with people at stake;
    its severity is that of the assessment's headline naming the version."""
    operators: dict[str, list[str]] = {}
    products: dict[str, str] = {}
    faults: dict[str, FaultImpact] = {}
    for g in a.diversity.common_mode:
        if g.fault is None or g.fault.people_without_service == 0:
            continue
        operators.setdefault(g.fault.event, []).extend(names.operator(o) for o in g.operators)
        products[g.fault.event] = g.product
        faults[g.fault.event] = g.fault
    severities = _headline_severities(a)
    out = []
    for event, fault in faults.items():
        owners = list(dict.fromkeys(operators[event]))
        who = _join(owners)
        verb = "run" if len(owners) > 1 else "runs"
        product = products[event]
        out.append(
            BriefFinding(
                severities.get(product, "medium"),
                fault.people_without_service,
                f"{who} {verb} every member of a redundant group on {product}: one fault "
                f"of that version would leave {fault.people_without_service:,} people without "
                f"service{_emergency(fault)}.",
                "diversity",
                f"Ask {who} to mix versions in the group running {product}.",
            )
        )
    return out


def _emergency(fault: FaultImpact) -> str:
    """``, N unable to reach emergency services`` when any are: an authority reads it first."""
    people = emergency_people(fault)
    return f", {people:,} unable to reach emergency services" if people else ""


def _headline_severities(a: Assessment) -> dict[str, str]:
    """Per supplier, the highest severity of the summary's diversity findings naming it."""
    out: dict[str, str] = {}
    for f in a.summary.findings:
        if f.section != "diversity":
            continue
        for ref in f.refs:
            if SEVERITY_RANK.get(f.severity.value, 0) > SEVERITY_RANK.get(out.get(ref, ""), -1):
                out[ref] = f.severity.value
    return out


def _lower(title: str) -> str:
    return title[:1].lower() + title[1:] if title[:2] != title[:2].upper() else title


# ---------------------------------------------------------------------------- register, gaps


def _register_findings(a: Assessment) -> list[BriefFinding]:
    national = [e for e in a.risk_register.entries if e.scope == NATIONAL]
    high = [e for e in national if e.residual.value == "high"]
    if not high:
        return []
    listed = _join([e.risk for e in high])
    more = ""
    return [
        BriefFinding(
            "high",
            0,
            f"{len(high)} of the {len(national)} risks stay high nationally after the measures "
            f"in place: {listed}{more}.",
            "register",
        )
    ]


def _gap_findings(a: Assessment, names: _Names) -> list[BriefFinding]:
    urgent = [m for m in a.gaps.missing if m.highest_residual.value == "high"]
    if not urgent:
        return []
    first = urgent[:NAMED_MEASURES]
    more = [f"{len(urgent) - len(first)} more"] if len(urgent) > len(first) else []
    scope = {m.scope: "national" if m.scope == NATIONAL else names.operator(m.scope) for m in first}
    listed = _join([f"{m.measure} ({scope[m.scope]}, {m.status})" for m in first] + more)
    verb = "is" if len(urgent) == 1 else "are"
    return [
        BriefFinding(
            "high",
            0,
            f"{plural(len(urgent), 'toolbox measure')} that high risks call for {verb} not in "
            f"place: {listed}.",
            "gaps",
            "Put in place " + _join([m.measure for m in first] + more) + ".",
        )
    ]
