"""The coordinated EU view from verified national summaries (pure: summaries in, view out).

- One summary per member state: the latest (highest sequence) of its origin; the earlier
  ones of the same origin must form an unbroken supersedes chain with it.
- What the view shows is decided per section by its TLP label and the view's audience
  (see :func:`visible`); what it cannot show is listed with the reason.
- Suppliers are joined on a canonical id: a mapping file's key, else the LEI, else the
  registry id, else the normalised name (listed for the analyst to confirm).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.parties import Tlp, most_restrictive
from fiveguard.exchange.coordinate_parts import (
    Used,
    common_mode,
    eu_shares,
    join_keys,
    join_suppliers,
    measure_view,
    risk_view,
)
from fiveguard.exchange.coordination import (
    Coordination,
    HighProfile,
    InputBundle,
    Withheld,
)
from fiveguard.exchange.federated_sum import federated_view
from fiveguard.exchange.mapping import SupplierMapping
from fiveguard.exchange.summary import NationalSummary, Section
from fiveguard.exchange.verify import OPEN_LABELS, Verified

SHOWN = (
    Section.SUPPLIERS,
    Section.REGISTER,
    Section.MEASURES,
    Section.DIVERSITY,
    Section.SIMULATION,
)
"""The sections the coordinated view draws on."""
METHOD = (
    "Inputs: one national summary per member state, the latest of its origin; every input "
    "was verified (signatures, threshold, keys, schema, origin, recipient) before use.",
    "Labels: a section is shown when its TLP label allows every member of the audience to "
    "see it (CLEAR and GREEN: anyone in the keyring; AMBER, AMBER+STRICT and RED: named "
    "recipients only); the view carries the most restrictive label of what it shows.",
    "Suppliers are joined on a mapping file's key, else the LEI, else the company registry "
    "id, else the name (case and spaces ignored), which is listed for checking.",
    "Factor scores are each state's score after assurance evidence, on low=1, medium=2, "
    "high=3; the median and range are over the states that scored the factor (an unknown "
    "score is left out, never read as low); states disagree when two steps apart.",
    "Measures: each state's national status; 'not reported' when its summary records "
    "nothing for the measure, distinct from 'not-started'.",
    "EU-wide shares add each state's national quantity per supplier (radio sites, people "
    "served, or assets for the core and management domains); HHI is the sum of squared "
    "percentage shares, 0-10,000, over the quantity that names a supplier.",
    "Cross-border common mode: each state's national what-if of the same supplier's (or "
    "product version's) fault, summed; states hit are those where it leaves people without "
    "service. The sum assumes the faults happen together, as a common-mode fault does. "
    "People unable to reach emergency services are summed over the states whose summary "
    "gives the figure for the fault; a state that gives none is listed as not reported "
    "and left out of the sum (unknown, not 0). Each figure of the fault (people without "
    "service, radio sites down, unable to reach emergency services, losing service in part, "
    "duration, user-hours, people without each service) also has its median and range over "
    "the states whose summary gives it, with how many do; the others are listed as not "
    "reported, never counted as 0.",
    "Federated Monte Carlo: each state simulated the same years under one shared seed, "
    "with every supplier's update and every product version's fault drawn from a stream "
    "keyed by its canonical id, so one supplier's event falls in the same year in every "
    "state; the states' per-year impacts of these sources are summed year by year. A "
    "state is hit in a year when one of its assets went down or was compromised.",
)


def visible(summary: NationalSummary, section: Section, audience: Sequence[str]) -> str | None:
    """None when every member of ``audience`` may see ``section``; else why not."""
    if summary.content(section) is None:
        return summary.withheld.get(section, "not in the summary")
    label = summary.label_of(section)
    if label in OPEN_LABELS:
        return None
    outside = [org for org in audience if org not in summary.recipients]
    if outside:
        return f"{label.marking}: {', '.join(outside)} not among the recipients"
    return None


def select(verified: Sequence[Verified]) -> tuple[list[Used], list[InputBundle]]:
    """The latest summary per state; the supersedes chain of each origin checked."""
    by_origin: dict[str, list[Verified]] = defaultdict(list)
    for v in verified:
        by_origin[v.summary.origin].append(v)
    problems: list[Problem] = []
    latest: dict[str, Verified] = {}
    notes: dict[int, str] = {}
    for origin, bundles in by_origin.items():
        bundles.sort(key=lambda v: v.summary.sequence)
        problems += _chain_problems(origin, bundles, notes)
        newest = bundles[-1]
        country = newest.summary.country
        rival = latest.get(country)
        if rival is None or _preferred(newest, rival):
            if rival is not None:
                notes[id(rival)] = f"another summary of {country} is used ({newest.file})"
            latest[country] = newest
        else:
            notes[id(newest)] = f"another summary of {country} is used ({rival.file})"
    if problems:
        raise InputError(problems)
    used = [Used(v.summary, v) for v in sorted(latest.values(), key=lambda v: v.summary.country)]
    return used, [_input(v, notes.get(id(v))) for v in verified]


def _chain_problems(origin: str, bundles: list[Verified], notes: dict[int, str]) -> list[Problem]:
    """An origin's bundles, by sequence: no sequence twice, each next one superseding the
    one before; each but the last noted as superseded."""
    problems = []
    for before, after in itertools.pairwise(bundles):
        a, b = before.summary, after.summary
        if a.sequence == b.sequence:
            problems.append(
                Problem(
                    Location(after.file, path="payload.predicate.sequence"),
                    f"{origin} sent sequence {b.sequence} twice ({before.file} and {after.file})",
                )
            )
        elif b.sequence == a.sequence + 1 and b.supersedes != a.bundle_id:
            problems.append(
                Problem(
                    Location(after.file, path="payload.predicate.supersedes"),
                    f"sequence {b.sequence} of {origin} supersedes {b.supersedes}, not "
                    f"{a.bundle_id} (sequence {a.sequence}, {before.file})",
                )
            )
        notes[id(before)] = f"superseded by sequence {b.sequence} ({after.file})"
    return problems


def _input(v: Verified, note: str | None) -> InputBundle:
    s = v.summary
    return InputBundle(
        country=s.country,
        origin=s.origin,
        bundle_id=s.bundle_id,
        sequence=s.sequence,
        issued_at=s.issued_at,
        as_of=s.as_of,
        tlp=s.tlp,
        section_tlp={k.value: t for k, t in s.section_tlp.items()},
        signers=v.signers,
        payload_sha256=v.payload_sha256,
        used=note is None,
        note=note,
    )


def _preferred(a: Verified, b: Verified) -> bool:
    """Whether ``a`` beats ``b`` for the same country: an original over a re-share, then
    the later issued."""
    a_original = a.summary.reshared_from is None
    b_original = b.summary.reshared_from is None
    if a_original != b_original:
        return a_original
    return a.summary.issued_at > b.summary.issued_at


def _shown(
    used: Sequence[Used], audience: Sequence[str]
) -> tuple[dict[tuple[str, Section], Tlp], list[Withheld]]:
    """The label each section of each summary is shown under, and what is withheld."""
    shown: dict[tuple[str, Section], Tlp] = {}
    withheld: list[Withheld] = []
    for u in used:
        for section in SHOWN:
            why = visible(u.summary, section, audience)
            label = u.summary.label_of(section)
            if why is None:
                shown[(u.summary.country, section)] = label
            else:
                withheld.append(
                    Withheld(
                        country=u.summary.country, section=section.value, tlp=label, reason=why
                    )
                )
    return shown, withheld


def coordinate(
    verified: Sequence[Verified],
    *,
    coordinator: str,
    audience: Sequence[str],
    now: dt.datetime,
    mapping: SupplierMapping | None = None,
    high_k: int = 2,
) -> Coordination:
    """The coordinated view of ``verified`` summaries for ``audience``."""
    used, inputs = select(verified)
    shown, withheld = _shown(used, audience)

    def show(u: Used, section: Section) -> Tlp | None:
        return shown.get((u.summary.country, section))

    keys = join_keys(used, mapping)
    suppliers, checks = join_suppliers(used, keys, show)
    risks, risk_rows = risk_view(used, show)
    measures, measure_rows, counts = measure_view(used, show)
    return Coordination(
        generated_at=now,
        coordinator=coordinator,
        audience=tuple(audience),
        tlp=most_restrictive(list(shown.values())),
        inputs=tuple(inputs),
        withheld=tuple(withheld),
        countries=tuple(u.summary.country for u in used),
        suppliers=suppliers,
        name_checks=checks,
        high_threshold=high_k,
        high_by_k=tuple(
            HighProfile(
                key=s.key,
                name=s.name,
                states=tuple(p.country for p in s.states if p.profile == "high"),
            )
            for s in suppliers
            if s.profiled_high_by >= high_k
        ),
        risks=risks,
        risk_matrix=risk_rows,
        measures=measures,
        measure_matrix=measure_rows,
        measure_counts=counts,
        shares=eu_shares(used, keys, show),
        common_mode=common_mode(used, keys, show),
        federated=federated_view(used, show),
        method=METHOD,
    )
