"""Where the Traffic Light Protocol is enforced beyond verification: re-sharing a summary
and publishing anonymised counts.

- Re-sharing is a new envelope, signed by the re-sharer, naming the bundle it came from.
  TLP:AMBER+STRICT and TLP:RED bundles may not be re-shared at all; sections labelled so
  inside a re-shareable bundle are withheld from the new one, and it says so.
- Publishing turns summaries into TLP:CLEAR counts of states (per measure status, per
  risk level, per supplier profile level), suppressing every count below a minimum cell
  size, and never counting a section labelled AMBER+STRICT or RED.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.summary import (
    SECTION_FIELDS,
    TRAVELS_WITH,
    NationalSummary,
    Reshare,
    Section,
)
from fiveguard.exchange.verify import Verified

NOT_RESHAREABLE = (Tlp.AMBER_STRICT, Tlp.RED)
"""Labels whose information stays with the named recipients' organisations or persons."""


def reshare_refusal(label: Tlp) -> str | None:
    if label is Tlp.RED:
        return "TLP:RED may not be re-shared: it goes to the named recipients only"
    if label is Tlp.AMBER_STRICT:
        return (
            "TLP:AMBER+STRICT may not be re-shared: it stays within the recipients' organisations"
        )
    return None


def reshare_summary(
    original: Verified,
    *,
    resharer: str,
    recipients: Sequence[str],
    bundle_id: str,
    sequence: int,
    issued_at: dt.datetime,
    supersedes: str | None = None,
    tlp: Tlp | None = None,
) -> tuple[NationalSummary, list[str]]:
    """The re-shared summary and what was withheld from it. Raises InputError when the
    label forbids re-sharing, or ``tlp`` would be less restrictive than the original's."""
    summary = original.summary
    refusal = reshare_refusal(summary.tlp)
    if refusal:
        raise InputError.at(
            f"{refusal} ({original.file}, bundle {summary.bundle_id})", original.file
        )
    label = tlp or summary.tlp
    if label.rank < summary.tlp.rank:
        raise InputError.at(
            f"{label.marking} is less restrictive than the original's {summary.tlp.marking}; a "
            "re-share keeps the label or makes it stricter",
            COMMAND_LINE,
            path="--tlp",
        )
    update, withheld, notes = _strict_sections(summary)
    labels = {
        s: t for s, t in summary.section_tlp.items() if s not in withheld and t.rank > label.rank
    }
    shared = summary.model_copy(
        update={
            **update,
            "bundle_id": bundle_id,
            "origin": resharer,
            "sequence": sequence,
            "supersedes": supersedes,
            "issued_at": issued_at,
            "recipients": tuple(dict.fromkeys(recipients)),
            "tlp": label,
            "section_tlp": labels,
            "withheld": withheld,
            "reshared_from": Reshare(
                origin=summary.origin,
                bundle_id=summary.bundle_id,
                sequence=summary.sequence,
                tlp=summary.tlp,
                payload_sha256=original.payload_sha256,
            ),
        }
    )
    return NationalSummary.model_validate(shared.model_dump(mode="json", by_alias=True)), notes


def _strict_sections(
    summary: NationalSummary,
) -> tuple[dict[str, object], dict[Section, str], list[str]]:
    """The sections a re-share leaves out (labelled AMBER+STRICT or RED), as a model
    update, the summary's withheld sections with them, and notes saying so."""
    update: dict[str, object] = {}
    withheld: dict[Section, str] = dict(summary.withheld)
    notes = []
    for section in Section:
        why = reshare_refusal(summary.label_of(section))
        for attribute in TRAVELS_WITH.get(section, ()) if why else ():
            update[attribute] = None
        if summary.content(section) is not None and why:
            update[SECTION_FIELDS[section]] = None
            withheld[section] = why
            notes.append(f"withheld {section.value}: {why}")
    return update, withheld, notes


# ---------------------------------------------------------------------------- publishing


class CountLine(BaseModel):
    """States per value of one row; a count below the minimum cell size is null."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: str
    counts: dict[str, int | None]


class Publication(BaseModel):
    """Anonymised counts of states, published as TLP:CLEAR."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tlp: Tlp = Tlp.CLEAR
    generated_at: AwareDatetime
    published_by: str
    min_cell: int = Field(ge=1)
    states: int = Field(description="Member states whose summaries were counted.")
    measures: tuple[CountLine, ...] = Field(description="States per national measure status.")
    risks: tuple[CountLine, ...] = Field(description="States per national risk level.")
    supplier_profiles: CountLine = Field(description="(State, supplier) pairs per profile.")
    withheld: tuple[str, ...] = Field(description="What was left out, and why.")


MEASURE_STATUSES = ("implemented", "in-progress", "planned", "not-started", "not-applicable")
LEVELS = ("low", "medium", "high")


def publish_counts(
    summaries: Sequence[NationalSummary], *, publisher: str, min_cell: int, now: dt.datetime
) -> Publication:
    """Counts of states from ``summaries``; sections labelled AMBER+STRICT or RED are not
    counted, and every count below ``min_cell`` is suppressed (null), both listed."""
    tally = _Tally()
    for s in summaries:
        tally.add(s)
    lines = _Suppressor(min_cell)
    measure_lines = tuple(lines.cut(k, v) for k, v in sorted(tally.measures.items()))
    risk_lines = tuple(
        lines.cut(k, v) for k, v in sorted(tally.risks.items(), key=lambda kv: int(kv[0][1:]))
    )
    profile_line = lines.cut("suppliers", tally.profiles)
    withheld = [
        f"{name} of {n} state(s), {why}: not counted" for (name, why), n in tally.left_out.items()
    ]
    if lines.suppressed:
        withheld.append(
            f"{lines.suppressed} count(s) between 1 and {min_cell - 1}: suppressed (null)"
        )
    return Publication(
        generated_at=now,
        published_by=publisher,
        min_cell=min_cell,
        states=len(summaries),
        measures=measure_lines,
        risks=risk_lines,
        supplier_profiles=profile_line,
        withheld=tuple(withheld),
    )


class _Tally:
    """States per measure status, per risk level, and (state, supplier) pairs per profile,
    from the sections a publication may count."""

    def __init__(self) -> None:
        self.measures: dict[str, dict[str, int]] = {}
        self.risks: dict[str, dict[str, int]] = {}
        self.profiles = dict.fromkeys((*LEVELS, "unknown"), 0)
        self.left_out: Counter[tuple[str, str]] = Counter()

    def usable(self, s: NationalSummary, section: Section) -> bool:
        label = s.label_of(section)
        if s.content(section) is None:
            self.left_out[(section.value, "absent from the summary")] += 1
            return False
        if label in NOT_RESHAREABLE:
            self.left_out[(section.value, f"labelled {label.marking}")] += 1
            return False
        return True

    def add(self, s: NationalSummary) -> None:
        if self.usable(s, Section.MEASURES):
            for m in s.measures or ():
                status = m.status if m.status in MEASURE_STATUSES else "not reported"
                row = self.measures.setdefault(
                    m.measure, dict.fromkeys((*MEASURE_STATUSES, "not reported"), 0)
                )
                row[status] += 1
        if self.usable(s, Section.REGISTER):
            for e in s.risk_register or ():
                self.risks.setdefault(e.risk, dict.fromkeys(LEVELS, 0))[e.level.value] += 1
        if self.usable(s, Section.SUPPLIERS):
            for sup in s.suppliers or ():
                self.profiles[sup.profile] += 1


class _Suppressor:
    """Rows of counts with every count from 1 to ``min_cell`` − 1 replaced by null."""

    def __init__(self, min_cell: int) -> None:
        self.min_cell = min_cell
        self.suppressed = 0

    def cut(self, row: str, counts: dict[str, int]) -> CountLine:
        out: dict[str, int | None] = {}
        for key, n in counts.items():
            small = 0 < n < self.min_cell
            self.suppressed += small
            out[key] = None if small else n
        return CountLine(row=row, counts=out)
