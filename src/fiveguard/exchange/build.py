"""Making a national summary from an assessment, and the statement and envelope around it.

:func:`build_summary` reads the assessment's result types and the model's measure records,
runs the what-if of every supplier's and every deployed product version's fault on the
compiled network, and keeps only figures: :func:`find_inventory` then checks every text of
the result against the model's asset and site ids, so an id written into a rationale
cannot leave the country by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fiveguard.assess.context import NATIONAL
from fiveguard.assess.fault_figures import checks_of, losses_of
from fiveguard.assess.results import Assessment, RegisterEntry, SupplierAssessment
from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.dsse import PAYLOAD_TYPE_INTOTO, Envelope
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.summary import (
    SUBJECT_NAME,
    AssessmentInfo,
    DomainShares,
    FactorLine,
    FaultLine,
    FederatedSection,
    MeasureLine,
    MonteCarloLine,
    NationalSummary,
    PolicyResult,
    RegisterLine,
    RuleCount,
    Section,
    ServiceLine,
    ShareLine,
    SimulationResult,
    Statement,
    Subject,
    SupplierLine,
    ThresholdLine,
    WhatIfFigures,
)
from fiveguard.simulate import CompiledNetwork
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.metrics import ASSETS_DOWN, PEOPLE, SITES, TrialImpacts
from fiveguard.simulate.timing import incident_time
from fiveguard.simulate.whatif import impact_at, scenario_impacts

OPERATOR_REGISTER_DEFAULT = Tlp.AMBER_STRICT
"""Per-operator register entries are sent only on request, and then at least this label."""


@dataclass(frozen=True)
class Addressing:
    """Who sends a summary, to whom, under which label, and where it sits in the sequence."""

    bundle_id: str
    origin: str
    sequence: int
    issued_at: dt.datetime
    recipients: tuple[str, ...]
    tlp: Tlp
    supersedes: str | None = None
    section_tlp: Mapping[Section, Tlp] = field(default_factory=dict)
    per_operator: bool = False


def build_summary(
    model: NetworkModel,
    assessment: Assessment,
    compiled: CompiledNetwork,
    to: Addressing,
    *,
    catalogue: Catalogue,
    federated: FederatedSection | None = None,
) -> NationalSummary:
    """The national summary of ``assessment`` (of ``model``, under ``catalogue``),
    addressed as ``to`` says, with the federated Monte Carlo's vectors when ``federated``
    gives them."""
    labels = dict(to.section_tlp)
    if to.per_operator:
        labels.setdefault(
            Section.REGISTER_OPERATORS,
            max(OPERATOR_REGISTER_DEFAULT, to.tlp, key=lambda t: t.rank),
        )
    else:
        labels.pop(Section.REGISTER_OPERATORS, None)
    entries = assessment.risk_register.entries
    meta = assessment.metadata
    return NationalSummary(
        bundle_id=to.bundle_id,
        origin=to.origin,
        country=model.document.scope.country,
        sequence=to.sequence,
        supersedes=to.supersedes,
        issued_at=to.issued_at,
        as_of=model.document.scope.as_of,
        recipients=to.recipients,
        tlp=to.tlp,
        section_tlp=labels,
        assessment=AssessmentInfo(
            fiveguard_version=meta.fiveguard_version,
            catalogue_digest=meta.catalogue_digest,
            profile_rule=meta.profile_rule,
            policy=meta.policy,
        ),
        suppliers=tuple(_supplier(s, model) for s in assessment.suppliers),
        risk_register=tuple(_register(e) for e in entries if e.scope == NATIONAL),
        register_operators=(
            tuple(_register(e) for e in entries if e.scope != NATIONAL) if to.per_operator else None
        ),
        measures=_measures(model, assessment),
        diversity=_diversity(assessment),
        policy=_policy(assessment),
        simulation=_simulation(model, catalogue, assessment, compiled),
        federated=federated,
    )


def _supplier(s: SupplierAssessment, model: NetworkModel) -> SupplierLine:
    declared = model.suppliers.get(s.id)
    return SupplierLine(
        ref=s.id,
        name=s.name,
        lei=declared.lei if declared else None,
        registry_id=declared.registry_id if declared else None,
        headquarters=s.headquarters,
        ownership=s.ownership,
        profile=s.profile,
        lowest=s.lowest,
        highest=s.highest,
        step=s.step,
        factors=tuple(
            FactorLine(
                factor=f.factor,
                criterion=f.criterion,
                scored=f.scored,
                effective=f.effective,
                rationale=f.rationale,
                evidence_count=len(f.evidence),
            )
            for f in s.factors
        ),
        radio_sites=s.footprint.radio_sites,
        people=s.footprint.population,
        operators=len(s.footprint.operators),
        domains=s.footprint.domains,
    )


def _register(e: RegisterEntry) -> RegisterLine:
    return RegisterLine(
        risk=e.risk,
        title=e.title,
        scope=e.scope,
        scope_name=e.scope_name,
        likelihood=e.likelihood.effective,
        impact=e.impact.effective,
        level=e.level,
        residual=e.residual,
        coverage=e.coverage,
    )


def _measures(model: NetworkModel, assessment: Assessment) -> tuple[MeasureLine, ...]:
    national = {r.measure: r for r in model.document.measures if r.operator is None}
    out = []
    for row in assessment.gaps.rows:
        record = national.get(row.measure)
        evidence: set[str] = set(record.evidence) if record is not None else set()
        if record is None:
            for r in model.document.measures:
                if r.measure == row.measure:
                    evidence.update(r.evidence)
        out.append(
            MeasureLine(
                measure=row.measure,
                category=row.category,
                title=row.title,
                status=row.statuses[0],
                source=row.sources[0],
                since=record.date if record is not None else None,
                evidence_count=len(evidence),
            )
        )
    return tuple(out)


def _diversity(assessment: Assessment) -> tuple[DomainShares, ...]:
    return tuple(
        DomainShares(
            group=t.group,
            title=t.title,
            weight=t.weight,
            total=t.total,
            unattributed_share=t.unattributed_share,
            hhi=t.hhi,
            band=t.band,
            shares=tuple(
                ShareLine(supplier=s.supplier, share=s.share, quantity=s.quantity) for s in t.shares
            ),
        )
        for t in assessment.diversity.tables
        if t.scope == NATIONAL and t.kind is None
    )


def _policy(assessment: Assessment) -> PolicyResult:
    checked = assessment.violations
    rules = []
    for rule in checked.rules:
        found = [v for v in checked.violations if v.rule == rule.rule]
        rules.append(
            RuleCount(
                rule=rule.rule,
                type=rule.type,
                status=rule.status,
                violations=rule.violations,
                assets=sum(v.asset_count for v in found),
                radio_sites=sum(v.quantity.sites for v in found),
                people=sum(v.people_depending for v in found),
            )
        )
    return PolicyResult(
        policy=checked.policy.id if checked.policy else None,
        title=checked.policy.title if checked.policy else None,
        rules=tuple(rules),
    )


def _simulation(
    model: NetworkModel, catalogue: Catalogue, assessment: Assessment, compiled: CompiledNetwork
) -> SimulationResult:
    used = sorted({compiled.suppliers[i] for i in compiled.class_supplier.tolist() if i >= 0})
    versions = sorted({compiled.versions[i] for i in compiled.class_version.tolist() if i >= 0})
    scenarios = [[Event(EventType.SUPPLIER_FAULT, s)] for s in used]
    scenarios += [[Event(EventType.PRODUCT_FAULT, v)] for v in versions]
    impacts = scenario_impacts(model, compiled, scenarios) if scenarios else None
    lines: list[FaultLine] = []
    for i, scenario in enumerate(scenarios):
        assert impacts is not None
        event = scenario[0]
        national = impacts.national[i]
        hit = [compiled.services[k] for k in impacts.services[i].nonzero()[0].tolist()]
        product = supplier = event.target
        name = kind = version = None
        if event.type is EventType.PRODUCT_FAULT:
            product, version = split_product_ref(event.target)
            declared = model.products[product]
            supplier, name, kind = declared.supplier, declared.name, declared.kind
        lines.append(
            FaultLine(
                event=str(event),
                supplier=supplier,
                product=name,
                kind=kind,
                version=version,
                people_without_service=int(national[PEOPLE]),
                sites_down=int(national[SITES]),
                assets_down=int(national[ASSETS_DOWN]),
                critical_services=tuple(hit),
                figures=_figures(model, catalogue, compiled, impacts, i, scenario),
            )
        )
    mc = assessment.simulation
    return SimulationResult(
        supplier_faults=tuple(x for x in lines if x.version is None),
        version_faults=tuple(x for x in lines if x.version is not None),
        monte_carlo=(
            MonteCarloLine(
                trials=mc.trials,
                seed=mc.seed,
                distributions=mc.distributions,
                people_thresholds=mc.people_thresholds,
            )
            if mc is not None
            else None
        ),
        note=(
            f"Monte Carlo of {mc.trials:,} simulated years, seed {mc.seed}; what-ifs on the "
            "same network"
            if mc is not None
            else "No Monte Carlo ran for this assessment (trials 0): only the what-ifs are "
            "given; the distribution is unknown, not zero"
        ),
    )


def _figures(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    impacts: TrialImpacts,
    trial: int,
    events: Sequence[Event],
) -> WhatIfFigures:
    """A fault's figures from its scenario in the what-ifs of every fault (``trial`` of
    ``impacts``), as counts, no operator named: as ``fiveguard whatif`` and the
    assessment's cited faults give them (the same propagation, the same rules), without
    propagating each fault again."""
    impact = impact_at(compiled, impacts, trial, catalogue)
    storms = (
        [o for k, o in enumerate(compiled.operators) if impacts.storms[trial, k]]
        if impacts.storms is not None
        else []
    )
    time = incident_time(model, catalogue, events, impact, storms=storms)
    services = losses_of(impact.people_without_service_by_service, catalogue)
    emergency = [s.people for s in services if s.emergency]
    return WhatIfFigures(
        services=tuple(
            ServiceLine(service=s.service, title=s.title, emergency=s.emergency, people=s.people)
            for s in services
        ),
        people_unable_to_reach_emergency=sum(emergency) if emergency else None,
        people_partial_service=(
            int(impacts.partial_by_operator[trial].sum())
            if impacts.partial_by_operator is not None
            else 0
        ),
        hours=time.hours if time else None,
        user_hours=time.user_hours if time else None,
        reporting=tuple(
            ThresholdLine(
                threshold=c.threshold,
                authority=c.authority,
                per=c.per,
                crossed=c.crossed,
                nationally=any(x.who == "national" for x in c.crossings),
                operators=sum(1 for x in c.crossings if x.who != "national"),
            )
            for c in checks_of(time, catalogue)
        ),
    )


# ---------------------------------------------------------------------------- inventory guard

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{path}.{key}" if path else str(key))
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def find_inventory(data: Any, ids: Mapping[str, int] | set[str]) -> list[tuple[str, str]]:
    """Every (path, id) where a text of ``data`` names an asset or site id of ``ids``."""
    found = []
    for path, text in _strings(data, ""):
        for token in _TOKEN.findall(text):
            for candidate in {token, token.rstrip(".:-"), token.split("@", 1)[0]}:
                if candidate in ids:
                    found.append((path, candidate))
    return found


def check_no_inventory(summary: NationalSummary, model: NetworkModel, file: str) -> None:
    """Refuse a summary any of whose texts names an asset or site of the model."""
    found = find_inventory(summary.model_dump(mode="json"), model.table.position)
    if found:
        raise InputError(
            [
                Problem(
                    Location(file, path=path),
                    f"names the asset or site {ident!r}; a summary never carries the "
                    "inventory: rewrite this text in the model without it",
                )
                for path, ident in found
            ]
        )


# ---------------------------------------------------------------------------- statement


def snapshot_digest(files: Sequence[tuple[str, str, str]]) -> str:
    """SHA-256 binding a summary to its model snapshot: of the canonical JSON list of
    every file's role, name and SHA-256 hex digest (the model file, its site files, its evidence
    records, the catalogue override), sorted; the files themselves never leave."""
    import hashlib

    manifest = sorted([role, name, digest] for role, name, digest in files)
    return hashlib.sha256(canonical(manifest)).hexdigest()


def statement_payload(summary: NationalSummary, digest: str) -> bytes:
    """The in-toto Statement around ``summary``, in RFC 8785 form."""
    statement = Statement(
        subject=(Subject(name=SUBJECT_NAME, digest={"sha256": digest}),), predicate=summary
    )
    return canonical(statement.model_dump(mode="json", by_alias=True, exclude_none=False))


def unsigned_envelope(summary: NationalSummary, digest: str) -> Envelope:
    return Envelope(statement_payload(summary, digest), PAYLOAD_TYPE_INTOTO)
