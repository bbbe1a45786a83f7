"""Comparing two assessments: matching by subject, phase-out against deadlines, the command."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment, Violation
from fiveguard.cli.app import app
from fiveguard.compare import ComparisonError, compare_assessments
from fiveguard.compare.phase_out import phase_out
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.schema import schema_json

NOW = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def demo(catalogue: Catalogue) -> Assessment:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    return assess(model, catalogue, catalogue.policies["UK-2020-01"])


def dated(a: Assessment, as_of: dt.date, violations: tuple[Violation, ...]) -> Assessment:
    """``a`` as if assessed on ``as_of`` with these policy findings."""
    model = a.metadata.model.model_copy(update={"as_of": as_of})
    return a.model_copy(
        update={
            "metadata": a.metadata.model_copy(update={"model": model}),
            "violations": a.violations.model_copy(update={"violations": violations}),
        }
    )


def finding(
    template: Violation, assets: int, deadline: dt.date | None, **more: object
) -> Violation:
    return template.model_copy(
        update={"asset_count": assets, "deadline": deadline, "type": "exclude", **more}
    )


def test_findings_are_matched_by_rule_operator_and_suppliers(demo: Assessment) -> None:
    a, b, c, _ = demo.violations.violations
    old = dated(demo, dt.date(2025, 9, 30), (a, b))
    new = dated(demo, NOW, (c, b.model_copy(update={"asset_count": b.asset_count + 5})))
    changes = {(v.rule, v.operator): v.change for v in compare_assessments(old, new).violations}
    assert changes == {
        (a.rule, a.operator): "resolved",
        (b.rule, b.operator): "worse",
        (c.rule, c.operator): "new",
    }


def test_phase_out_on_track_behind_overdue_and_done(demo: Assessment) -> None:
    t = demo.violations.violations[0]
    later = dt.date(2027, 12, 31)
    soon = dt.date(2027, 1, 31)
    old = dated(
        demo,
        NOW - dt.timedelta(days=365),
        (
            finding(t, 100, later, operator="a"),
            finding(t, 100, soon, operator="b"),
            finding(t, 100, dt.date(2026, 1, 1), operator="c"),
            finding(t, 10, later, operator="d"),
        ),
    )
    new = dated(
        demo,
        NOW,
        (
            finding(t, 50, later, operator="a"),  # 50 a year: done 2027-09-30
            finding(t, 50, soon, operator="b"),
            finding(t, 40, dt.date(2026, 1, 1), operator="c"),
        ),
    )
    status = {p.operator: p for p in phase_out(old, new)}
    assert status["a"].status == "on-track"
    assert status["a"].projected == dt.date(2027, 9, 30)
    assert status["a"].removed_per_year == pytest.approx(50)
    assert status["b"].status == "behind"
    assert status["c"].status == "overdue"
    assert status["d"].status == "done"
    assert "after the deadline 2027-01-31" in status["b"].text


@settings(max_examples=200, deadline=None)
@given(
    was=st.integers(0, 10_000),
    now=st.integers(0, 10_000),
    days=st.integers(0, 3_000),
    to_deadline=st.integers(-1_000, 5_000),
)
def test_phase_out_status_matches_a_plain_reference(
    demo: Assessment, was: int, now: int, days: int, to_deadline: int
) -> None:
    t = demo.violations.violations[0]
    deadline = NOW + dt.timedelta(days=to_deadline)
    old = dated(demo, NOW - dt.timedelta(days=days), (finding(t, was, deadline),) if was else ())
    new = dated(demo, NOW, (finding(t, now, deadline),) if now else ())
    if not was and not now:
        assert phase_out(old, new) == ()
        return
    (p,) = phase_out(old, new)
    removed = was - now
    if now == 0:
        expected = "done"
    elif to_deadline < 0:
        expected = "overdue"
    elif removed < 0:
        expected = "growing"
    elif removed == 0 or days == 0:
        expected = "no-progress"
    else:
        needed = -(
            -Fraction(now * days, removed).numerator // Fraction(now * days, removed).denominator
        )
        on_time = needed <= to_deadline and needed <= 100 * 365
        expected = "on-track" if on_time else "behind"
    assert p.status == expected


def test_different_countries_or_order_are_refused(demo: Assessment) -> None:
    older = dated(demo, dt.date(2025, 1, 1), ())
    with pytest.raises(ComparisonError, match="before OLD"):
        compare_assessments(demo, older)
    other = demo.model_copy(
        update={
            "metadata": demo.metadata.model_copy(
                update={"model": demo.metadata.model.model_copy(update={"country": "XY"})}
            )
        }
    )
    with pytest.raises(ComparisonError, match="different countries"):
        compare_assessments(older, other)


def test_measures_risks_and_shares_that_moved(demo: Assessment) -> None:
    rows = list(demo.gaps.rows)
    first = rows[0].model_copy(update={"statuses": ("planned", *rows[0].statuses[1:])})
    entries = list(demo.risk_register.entries)
    e = entries[0]
    entries[0] = e.model_copy(update={"residual": type(e.residual)("low")})
    tables = list(demo.diversity.tables)
    t = tables[0]
    moved = t.shares[0].model_copy(update={"share": t.shares[0].share - 0.1})
    tables[0] = t.model_copy(update={"shares": (moved, *t.shares[1:])})
    old = dated(demo, dt.date(2025, 9, 30), demo.violations.violations).model_copy(
        update={
            "gaps": demo.gaps.model_copy(update={"rows": (first, *rows[1:])}),
            "risk_register": demo.risk_register.model_copy(update={"entries": tuple(entries)}),
            "diversity": demo.diversity.model_copy(update={"tables": tuple(tables)}),
        }
    )
    c = compare_assessments(old, demo)
    assert [(m.measure, m.scope, m.old, m.new, m.direction) for m in c.measures] == [
        (rows[0].measure, demo.gaps.scopes[0], "planned", rows[0].statuses[0], "forward")
    ]
    assert [(r.risk, r.direction) for r in c.risks] == [(e.risk, "up")]
    assert c.shares[0].supplier == t.shares[0].supplier
    assert c.shares[0].new_share - c.shares[0].old_share == pytest.approx(0.1)


# ---------------------------------------------------------------------------- the command


def _write(path: Path, a: Assessment) -> Path:
    path.write_text(a.model_dump_json(indent=2), encoding="utf-8")
    return path


def test_compare_command_prints_writes_and_matches_its_schema(
    demo: Assessment, tmp_path: Path
) -> None:
    old = _write(tmp_path / "old.json", dated(demo, dt.date(2025, 9, 30), ()))
    new = _write(tmp_path / "new.json", demo)
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    jsonschema.validate(document, json.loads(schema_json("comparison")))
    assert {v["change"] for v in document["violations"]} == {"new"}
    out = tmp_path / "changes"
    result = runner.invoke(app, ["compare", str(old), str(new), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Phase-out against each deadline" in result.output
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert "Changes since 2025-09-30" in html and "<svg" in html
    assert demo.metadata.marking.text in html


def test_compare_command_locates_bad_input(tmp_path: Path, demo: Assessment) -> None:
    good = _write(tmp_path / "good.json", demo)
    broken = tmp_path / "broken.json"
    broken.write_text('{"metadata": {', encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(broken), str(good)])
    assert result.exit_code == 2
    assert "broken.json:1:" in result.output + result.stderr
    data = json.loads(demo.model_dump_json())
    data["summary"]["operators"] = "three"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(data, indent=1), encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(wrong), str(good)])
    assert result.exit_code == 2
    assert "wrong.json:" in result.stderr and "summary.operators" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(good),
            str(_write(tmp_path / "o.json", dated(demo, dt.date(2020, 1, 1), ()))),
        ],
    )
    assert result.exit_code == 2 and "give the older assessment first" in result.stderr


def test_published_comparison_schema_matches_the_code() -> None:
    root = Path(__file__).parents[2]
    published = (root / "docs" / "schema" / "comparison.schema.json").read_text(encoding="utf-8")
    assert published == schema_json("comparison")


def test_assess_previous_adds_the_changes_section_and_comparison_json(
    write_model, tmp_path: Path
) -> None:
    from model_texts import BASE_YAML

    runner = CliRunner()
    path = write_model()
    result = runner.invoke(app, ["assess", str(path), "--json", "--trials", "0"])
    assert result.exit_code == 0, result.output
    old = tmp_path / "old.json"
    old.write_text(result.output, encoding="utf-8")
    write_model(BASE_YAML.replace("as_of: 2026-06-30", "as_of: 2027-06-30"))
    out = tmp_path / "out"
    args = ["assess", str(path), "--previous", str(old), "--out", str(out), "--trials", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="changes"' in html and "Changes since 2026-06-30" in html
    assert html.index('id="briefing"') < html.index('id="changes"') < html.index('id="summary"')
    comparison = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert comparison["days"] == 365
    result = runner.invoke(app, ["assess", str(path), "--previous", str(path)])
    assert result.exit_code == 2 and "model.yaml:1:" in result.stderr


def test_compare_phase_out_as_csv(demo: Assessment, tmp_path: Path) -> None:
    old = _write(tmp_path / "old.json", dated(demo, dt.date(2025, 9, 30), ()))
    new = _write(tmp_path / "new.json", demo)
    result = CliRunner().invoke(app, ["compare", str(old), str(new), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "rule,operator,to remove,then,now,deadline,status"
    assert len(lines) == 1 + len(demo.violations.violations)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_violation_changes_match_a_plain_reference(demo: Assessment, data) -> None:
    """Any findings on either side, with any counts: every finding of either side once,
    classified as a plain comparison of the two sides classifies it."""
    every = demo.violations.violations
    weight = {"violation": 2, "in-transition": 1, "unresolved": 1}

    def side() -> tuple[Violation, ...]:
        picked = sorted(data.draw(st.sets(st.sampled_from(range(len(every))))))
        return tuple(
            every[i].model_copy(
                update={
                    "asset_count": data.draw(st.integers(0, 50)),
                    "people_depending": data.draw(st.integers(0, 1000)),
                    "status": data.draw(st.sampled_from(sorted(weight))),
                }
            )
            for i in picked
        )

    old_side, new_side = side(), side()
    changes = compare_assessments(
        dated(demo, dt.date(2025, 1, 1), old_side), dated(demo, NOW, new_side)
    ).violations
    before = {(v.rule, v.operator): v for v in old_side}
    after = {(v.rule, v.operator): v for v in new_side}
    expected = {}
    for key in set(before) | set(after):
        if key not in after:
            expected[key] = "resolved"
        elif key not in before:
            expected[key] = "new"
        else:
            o, n = before[key], after[key]
            was = (weight[o.status], o.asset_count, o.people_depending)
            now = (weight[n.status], n.asset_count, n.people_depending)
            expected[key] = "unchanged" if was == now else ("worse" if now > was else "better")
    assert {(c.rule, c.operator): c.change for c in changes} == expected
    assert len(changes) == len(expected)
