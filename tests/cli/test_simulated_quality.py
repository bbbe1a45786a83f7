"""The simulation takes product quality after assurance evidence, as the assessment does.

One supplier scored medium on product quality, one product version deployed; an open
critical finding on that version raises its product quality to high. Its product-fault
source must then have the catalogue's probability for high, in ``fiveguard simulate`` and
in the Monte Carlo of ``fiveguard assess``, with the derivation naming the evidence;
without the finding, nothing changes.
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


def test_the_assessment_hands_the_raised_level_and_its_evidence_on(tmp_path: Path) -> None:
    cat = default_catalogue()
    model = load_model(write(tmp_path, evidence=True), cat)
    expected = {"s": (Level.HIGH, "raised from medium by f1")}
    assert assessed_quality(model, cat) == expected
    assert quality_for_simulation(assess(model, cat, None, whatif=False).suppliers) == expected
    plain = load_model(write(tmp_path, evidence=False), cat)
    assert assessed_quality(plain, cat) == {}


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


@pytest.mark.parametrize("evidence", [True, False])
def test_simulate_uses_product_quality_after_evidence(tmp_path: Path, evidence: bool) -> None:
    path = write(tmp_path, evidence)
    code, out, err = invoke("simulate", str(path), "--trials", "256", "--workers", "1", "--json")
    assert code == 0, err
    source = fault_source(json.loads(out)["events"])
    step = next(s for s in source["derivation"] if s["parameter"] == STEP)
    if evidence:
        assert source["annual_probability"] == pytest.approx(rates().high)
        assert step["value"] == "high (after assurance evidence: raised from medium by f1)"
    else:
        assert source["annual_probability"] == pytest.approx(rates().medium)
        assert step["value"] == "medium"
        assert step["note"].startswith("the supplier's score")


@pytest.mark.parametrize("evidence", [True, False])
def test_the_assessment_simulates_product_quality_after_evidence(
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
    step = next(s for s in source.derivation if s.parameter == STEP)
    factor = next(
        f for f in json.loads(out)["suppliers"][0]["factors"] if f["factor"] == "product_quality"
    )
    assert factor["effective"] == ("high" if evidence else "medium")
    if evidence:
        assert source.annual_probability == pytest.approx(rates().high)
        assert "after assurance evidence: raised from medium by f1" in step.value
    else:
        assert source.annual_probability == pytest.approx(rates().medium)
        assert step.value == "medium"
