"""Fuzzing an override of the incident record: whatever the text, a catalogue or located
problems, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.catalog import load_catalogue
from fiveguard.catalog.parameters import parameter_rows
from fiveguard.domain.errors import InputError

SEED_TEXT = """\
incidents:
  interval: 0.8
  records:
    - id: x-2019
      date: 2019-03-01
      country: GB
      operator: Operator X
      cause: change-error
      cause_detail: a change
      event: shared
      scope: whole-operator
      users_affected: 1000
      duration_hours: 2.5
      source: a report
  exposures:
    ops:
      title: operators
      unit: operator-years
      value: 10.0
      basis: counted
      source: a list
  rates:
    change-error-outage:
      exposure: ops
      select: {causes: [change-error], countries: [GB], scopes: [whole-operator], count_by: event}
      prior: {name: flat, shape: 1.0, rate: 0.0}
simulation:
  product_fault:
    record_rate: change-error-outage
"""
SPECIAL = [*":{}[]-#&*!|>'\"%@`,\t\n ;=?\\", "true", "null", "-1", "0", "1e999", "~", "XX"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(SPECIAL))
            cut = at + (1 if action == "replace" else 0)
            lines[i] = line[:at] + piece + line[cut:]
    return "".join(lines)


@FUZZ
@given(mutated(SEED_TEXT))
def test_a_mutated_record_override_loads_or_gives_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "override.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            catalogue = load_catalogue(path)
        except InputError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.location.file and problem.message, problem
            return
    # a catalogue that loads derives every rate and shows every parameter
    assert parameter_rows(catalogue)
