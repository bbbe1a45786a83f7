"""The demo's registry and labs: what the assessment and the report show of them."""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from importlib import resources
from pathlib import Path

import pytest

from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment
from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model
from fiveguard.report import render_report

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "src" / "fiveguard" / "examples" / "demo"


@pytest.fixture(scope="module")
def demo() -> Assessment:
    catalogue = default_catalogue()
    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    return assess(model, catalogue, whatif=False)


def test_the_demo_shows_what_the_labs_found(demo: Assessment) -> None:
    labs = demo.labs
    assert labs is not None and labs.not_counted == {}
    assert {lab.id for lab in labs.labs} == {"xec", "xtl"}
    states = {f.id: (f.state, f.fixed_in) for f in labs.findings}
    assert states["xec-korvath-gnb-ngap-overflow"] == ("closed", "9.0")
    assert states["xec-korvath-gnb-hardcoded-key"] == ("vendor-responded", None)
    assert states["xec-korvath-gnb-debug-port"] == ("risk-accepted", None)
    [nesas] = [e for e in labs.evaluations if e.id == "nesas-valtaro-amf-24.4"]
    assert nesas.test_cases == {"pass": 5, "not-tested": 1, "not-applicable": 1}
    assert nesas.not_tested == ("TS 33.512 TC_NAS_INT_SELECTION_USE_AMF",)
    assert nesas.products == ("valtaro-amf@24.4",)


def test_the_demo_compares_this_years_review_with_last_years(demo: Assessment) -> None:
    assert demo.labs is not None
    [review] = demo.labs.audits
    assert (review.period, review.previous_period) == ("2026", "2025")
    areas = {a.area: a for a in review.areas}
    assert areas["third-party-components"].resolved_since == ("xec-korvath-components-untracked",)
    assert areas["build-integrity"].carried_over == ("xec-korvath-builds-not-reproducible",)
    assert "1 more unresolved than at the 2025 review (2)" in review.text


def test_an_embargoed_finding_counts_but_shows_its_severity_only(demo: Assessment) -> None:
    assert demo.labs is not None
    [hidden] = [f for f in demo.labs.findings if f.id == "xec-korvath-smf-auth-bypass"]
    assert hidden.title == "under embargo until 2027-01-31" and hidden.cvss_score is None
    [smf] = [v for v in demo.assurance.versions if v.product == "korvath-smf@9.1"]
    assert "open-findings" in smf.reasons
    html = render_report(demo)
    assert "N4 session establishment" not in html
    assert 'id="labs"' in html and "Engineering-practice review of korvath" in html


def test_lab_findings_move_the_vendors_quality_naming_the_record(demo: Assessment) -> None:
    korvath = next(s for s in demo.suppliers if s.id == "korvath")
    sources = {s.source for s in korvath.signals if s.kind == "finding-open-high"}
    assert "xec-korvath-gnb-hardcoded-key" in sources


def test_the_shipped_registry_is_what_the_script_builds(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_demo_registry", ROOT / "tools" / "make_demo_registry.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_registry"] = module
    spec.loader.exec_module(module)
    out = tmp_path / "registry"
    module.build(out)
    assert module.keyring_file() == (DEMO / "keyring.json").read_bytes()
    for section in ("suppliers", "products", "labs", "records", "attestations"):
        shipped = sorted(p.name for p in (DEMO / "registry" / section).iterdir())
        built = sorted(p.name for p in (out / section).iterdir())
        assert built == shipped, section
        _, mismatch, errors = filecmp.cmpfiles(
            out / section, DEMO / "registry" / section, built, shallow=False
        )
        assert (mismatch, errors) == ([], []), section
