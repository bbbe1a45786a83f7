"""The simulation reads the assessment's assurance evidence by its own rule.

One supplier scored medium on product quality, one product version deployed. An open
critical finding on that version raises product quality to high in the assessment's
profile, but it is security evidence: in ``fiveguard simulate`` and in the Monte Carlo of
``fiveguard assess`` the version's fault rate stays at medium (its derivation says why)
and the supplier's update rate doubles. A failed evaluation of one version raises that
version's fault rate, not another version's. Without evidence nothing changes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # registers the commands
import fiveguard.simulate
from fiveguard.assess.assessment import assess
from fiveguard.assess.quality import assessed_quality, quality_for_simulation
from fiveguard.catalog import default_catalogue
from fiveguard.catalog.rates import annual_probability, posterior_mean
from fiveguard.cli.app import app
from fiveguard.domain.base import Level
from fiveguard.modelio.load import load_model
from fiveguard.simulate import SimulationResult, prepare
from fiveguard.simulate.sources import fault_reach

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SOURCE = "product-fault:g@1"
STEP = "simulation.product_fault.factor = product_quality"

MODEL = """\
fiveguard: 1
scope: {country: XW, name: Quality, as_of: 2026-06-30}
regions:
  - {id: N, name: North, population: 5000}
suppliers:
  - id: s
    name: S
    headquarters: SE
    ownership: listed
    profile:
      product_quality: {score: medium, rationale: reviewed}
products:
  - {id: g, supplier: s, name: G, kind: ran.gnb, versions: ["1"]}
operators:
  - {id: op, name: Op, subscribers: 1000}
assets:
  - {id: r1, operator: op, kind: ran.gnb, product: g@1, region: N, sites: 1, population: 1000}
"""

FINDING = """\
evidence:
  - id: f1
    type: finding
    title: hard-coded key
    severity: critical
    status: open
    affected: ["g@1"]
    source: source-review
"""


def write(tmp_path: Path, evidence: bool) -> Path:
    path = tmp_path / ("with.yaml" if evidence else "without.yaml")
    path.write_text(MODEL + (FINDING if evidence else ""), encoding="utf-8")
    return path


def rates() -> Any:
    """A version's fault probability at each level: the record's scale and reach applied."""
    cat = default_catalogue()
    fault = cat.simulation.product_fault
    assert fault.record_rate is not None
    record = cat.incidents
    medium = annual_probability(posterior_mean(record, record.rates[fault.record_rate]))
    levels = fault.annual_probability
    return SimpleNamespace(
        **{
            name: min(1.0, getattr(levels, name) / levels.medium * medium / fault_reach(cat))
            for name in ("low", "medium", "high")
        }
    )


def fault_source(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["source"] == SOURCE)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def test_the_assessment_hands_its_signals_on(tmp_path: Path) -> None:
    cat = default_catalogue()
    model = load_model(write(tmp_path, evidence=True), cat)
    handed = assessed_quality(model, cat)
    assert [(e.source, e.kind, e.supplier, e.versions, e.direction) for e in handed.signals] == [
        ("f1", "finding-open-critical", "s", ("g@1",), "raise")
    ]
    assert quality_for_simulation(assess(model, cat, None, whatif=False).suppliers) == handed
    plain = load_model(write(tmp_path, evidence=False), cat)
    assert assessed_quality(plain, cat).signals == ()


def test_prepare_takes_the_given_level_and_says_why(tmp_path: Path) -> None:
    cat = default_catalogue()
    model = load_model(write(tmp_path, evidence=False), cat)
    plain = prepare(model, cat)
    assert plain.sources.fault_probability.tolist() == pytest.approx([rates().medium])
    assert plain.sources.fault_steps[0][0].note.startswith("the supplier's score")
    moved = plain.with_quality({"s": (Level.HIGH, "raised from medium by ev-1")})
    assert moved.compiled is plain.compiled
    assert moved.sources.fault_probability.tolist() == pytest.approx([rates().high])
    step = moved.sources.fault_steps[0][0]
    assert step.value == "high (after assurance evidence: raised from medium by ev-1)"
    assert moved.sources.fault_steps[0][1].parameter.endswith("annual_probability.high")
    other = prepare(model, cat, {"elsewhere": (Level.HIGH, "raised")})
    assert other.sources.fault_probability.tolist() == pytest.approx([rates().medium])


def update_source(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["source"] == "supplier-update:s")


@pytest.mark.parametrize("evidence", [True, False])
def test_a_finding_moves_the_update_rate_and_not_the_fault_rate(
    tmp_path: Path, evidence: bool
) -> None:
    path = write(tmp_path, evidence)
    code, out, err = invoke("simulate", str(path), "--trials", "256", "--workers", "1", "--json")
    assert code == 0, err
    events = json.loads(out)["events"]
    source = fault_source(events)
    assert source["annual_probability"] == pytest.approx(rates().medium)
    step = next(s for s in source["derivation"] if s["parameter"] == STEP)
    assert step["value"] == "medium"
    update = update_source(events)
    base = default_catalogue().simulation.supplier_update.annual_probability.high  # unscored
    kept = [s for s in source["derivation"] if "not moving its faults" in s["parameter"]]
    moved = [s for s in update["derivation"] if s["parameter"].startswith("simulation.evidence")]
    if evidence:
        assert "f1 (finding-open-critical)" in kept[0]["note"]
        assert update["annual_probability"] == pytest.approx(2 * base)
        assert moved[0]["parameter"] == "simulation.evidence.security_raise"
        assert moved[0]["value"] == f"× 2 ({base:g} → {2 * base:.3g})"
        assert "f1 (finding-open-critical)" in moved[0]["note"]
    else:
        assert not kept and not moved
        assert update["annual_probability"] == pytest.approx(base)


EVALUATED = MODEL.replace('versions: ["1"]', 'versions: ["1", "2"]') + (
    "  - {id: r2, operator: op, kind: ran.gnb, product: g@2, region: N, sites: 1, "
    "population: 1000}\n"
    "evidence:\n"
    "  - {id: ev-1, type: evaluation, title: NESAS, scheme: NESAS, result: fail, "
    "products: [g@1]}\n"
)


def test_a_failed_evaluation_raises_the_fault_rate_of_that_version_only(tmp_path: Path) -> None:
    path = tmp_path / "evaluated.yaml"
    path.write_text(EVALUATED, encoding="utf-8")
    code, out, err = invoke("simulate", str(path), "--trials", "256", "--workers", "1", "--json")
    assert code == 0, err
    events = {e["source"]: e for e in json.loads(out)["events"]}
    one, two = events["product-fault:g@1"], events["product-fault:g@2"]
    assert one["annual_probability"] == pytest.approx(rates().high)
    assert two["annual_probability"] == pytest.approx(rates().medium)
    [step] = [
        s for s in one["derivation"] if s["parameter"] == "assurance evidence on g@1's faults"
    ]
    assert step["value"].startswith("× 2 (medium ")
    assert "ev-1 (evaluation-failed)" in step["note"]
    assert not any("assurance evidence" in s["parameter"] for s in two["derivation"])


@pytest.mark.parametrize("evidence", [True, False])
def test_the_assessment_simulates_with_the_same_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, evidence: bool
) -> None:
    runs: list[SimulationResult] = []
    original = fiveguard.simulate.simulate

    def spy(*args: Any, **kwargs: Any) -> SimulationResult:
        runs.append(original(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(fiveguard.simulate, "simulate", spy)
    path = write(tmp_path, evidence)
    code, out, err = invoke("assess", str(path), "--trials", "256", "--policy", "none", "--json")
    assert code == 0, err
    (result,) = runs
    source = next(e for e in result.events if e.source == SOURCE)
    update = next(e for e in result.events if e.source == "supplier-update:s")
    factor = next(
        f for f in json.loads(out)["suppliers"][0]["factors"] if f["factor"] == "product_quality"
    )
    # the profile still reads the finding; the fault rate does not
    assert factor["effective"] == ("high" if evidence else "medium")
    assert source.annual_probability == pytest.approx(rates().medium)
    base = default_catalogue().simulation.supplier_update.annual_probability.high
    assert update.annual_probability == pytest.approx(2 * base if evidence else base)


def test_an_unknown_signal_kind_in_the_evidence_rule_is_located(tmp_path: Path) -> None:
    from fiveguard.catalog import load_catalogue
    from fiveguard.domain.errors import InputError

    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  evidence:\n    availability_signals: [evaluation-passed, cve-seen]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    [problem] = [str(p) for p in caught.value.problems]
    assert "override.yaml:3:" in problem
    assert "unknown signal kind 'cve-seen'" in problem
