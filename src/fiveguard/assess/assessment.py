"""The assessment entry point: a model, the catalogue and a policy in; an Assessment out.

``assess`` is a pure function: it reads no file, database or clock (the assessment date is
the model's ``scope.as_of``), so the same inputs always give the same result. It uses the
simulation engine for the what-if impacts of its diversity findings
(:mod:`fiveguard.assess.engine`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fiveguard import __version__
from fiveguard.assess.assurance_section import assurance_section
from fiveguard.assess.context import Prepared
from fiveguard.assess.diversity import assess_diversity
from fiveguard.assess.engine import Engine, attach_fault_impacts, prepare_engine
from fiveguard.assess.findings import count_levels, headline_findings
from fiveguard.assess.gaps import build_gaps
from fiveguard.assess.lab_section import labs_section
from fiveguard.assess.measures import MeasureBook
from fiveguard.assess.profiles import assess_suppliers
from fiveguard.assess.register import build_register
from fiveguard.assess.register_rules import RuleContext
from fiveguard.assess.restrictions import check_policy
from fiveguard.assess.results import (
    Assessment,
    AssuranceSignal,
    Marking,
    Metadata,
    ModelInfo,
    Summary,
)
from fiveguard.assess.signals import evidence_signals
from fiveguard.catalog.rule_checks import as_text_path, assessment_checks
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Scope


def assess(
    model: NetworkModel,
    catalogue: Catalogue,
    policy: RestrictionPolicy | None = None,
    *,
    policy_origin: str = "preset",
    catalogue_label: str = "packaged",
    extra_signals: Sequence[AssuranceSignal] = (),
    engine: Engine | None = None,
    whatif: bool = True,
) -> Assessment:
    """Assess ``model`` against ``catalogue`` and restriction ``policy`` (none: not checked).

    Assurance signals come from the model's evidence records, vulnerability scans
    included; ``extra_signals`` adds signals from other sources (see
    :class:`fiveguard.assess.signals.SignalFactory`), which move product quality exactly
    as evidence signals do. ``engine`` is the model prepared for the simulation (made here
    when not given); ``whatif=False`` leaves out the what-if impacts of the diversity
    findings. Raises :class:`InputError` when the catalogue's assessment rules refer to
    risks, measures or policies it lacks, or its simulation parameters are bad.
    """
    problems = rule_problems(catalogue)
    if problems:
        raise InputError(problems)
    prep = Prepared(model, catalogue)
    signals = (*evidence_signals(model, catalogue), *extra_signals)
    suppliers, levels = assess_suppliers(prep, signals)
    violations = check_policy(prep, levels, policy, policy_origin)
    diversity = assess_diversity(prep)
    if whatif:
        ready = engine if engine is not None else prepare_engine(model, catalogue)
        diversity = attach_fault_impacts(model, catalogue, diversity, ready)
    assurance = assurance_section(prep)
    book = MeasureBook(model)
    context = RuleContext(prep, levels, suppliers, signals, diversity, book)
    register = build_register(context)
    gaps = build_gaps(prep, book, register)
    table = model.table
    summary = Summary(
        operators=prep.n_operators,
        suppliers=prep.n_suppliers,
        assets=len(table),
        radio_sites=int(table.sites[prep.radio & ~table.repeats_site()].sum()),
        population=prep.national_population,
        profiles=count_levels([s.profile for s in suppliers]),
        violations=sum(1 for v in violations.violations if v.status == "violation"),
        in_transition=sum(1 for v in violations.violations if v.status == "in-transition"),
        unresolved=sum(1 for v in violations.violations if v.status == "unresolved"),
        register_levels=count_levels([e.level.value for e in register.entries]),
        residual_levels=count_levels([e.residual.value for e in register.entries]),
        missing_measures=len(gaps.missing),
        findings=headline_findings(
            suppliers,
            assurance,
            violations,
            diversity,
            register,
            gaps,
            catalogue.assessment.headline_severity,
        ),
    )
    document = model.document
    metadata = Metadata(
        fiveguard_version=__version__,
        marking=marking_of(document.scope),
        model=ModelInfo(
            source=model.source,
            country=document.scope.country,
            name=document.scope.name,
            as_of=document.scope.as_of,
            assets=len(document.assets),
            site_rows=len(model.sites),
        ),
        catalogue=catalogue_label,
        catalogue_digest=catalogue_digest(catalogue),
        policy=policy.id if policy else None,
        profile_rule=catalogue.assessment.profile.id,
    )
    return Assessment(
        metadata=metadata,
        summary=summary,
        suppliers=suppliers,
        assurance=assurance,
        violations=violations,
        diversity=diversity,
        risk_register=register,
        gaps=gaps,
        labs=labs_section(model),
    )


def catalogue_digest(catalogue: Catalogue) -> str:
    """SHA-256 of the catalogue's canonical JSON: names exactly the rules in force."""
    return hashlib.sha256(catalogue.model_dump_json().encode("utf-8")).hexdigest()


def rule_problems(catalogue: Catalogue) -> list[Problem]:
    """Cross-references of ``assessment`` the types cannot check, as located problems.

    The catalogue loader reports these at their line; this guards catalogues built in code.
    """
    return [
        Problem(Location(file="catalogue", path=as_text_path(paths[0])), message)
        for paths, message in assessment_checks(catalogue)
    ]


def marking_of(scope: Scope) -> Marking:
    """The marking of an assessment of a model with this scope: its TLP label and
    classification as printed on every page, or NOT MARKED when it gives neither."""
    parts = [scope.tlp.marking] if scope.tlp is not None else []
    if scope.classification:
        parts.append(scope.classification)
    return Marking(
        classification=scope.classification,
        tlp=scope.tlp.value if scope.tlp is not None else None,
        author=scope.author,
        organisation=scope.organisation,
        text=" · ".join(parts) or "NOT MARKED",
    )
