"""The demo's recorded evidence: current with its SBOM and OSV records, and it changes what
the assessment says about Valtaro Core AMF 24.2 and the assets running it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.examples
from fiveguard.assess.assessment import assess
from fiveguard.catalog import default_catalogue
from fiveguard.cli import app
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.evidence import Sbom, VulnerabilityScan
from fiveguard.evidence.assurance import assess_assurance, signal_specs
from fiveguard.modelio.load import load_model

DEMO = Path(next(iter(fiveguard.examples.__path__))) / "demo"
PRODUCT = "valtaro-amf@24.2"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default_catalogue()


def test_recorded_demo_evidence_is_what_the_commands_produce_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands in the demo model's last comment, run on a copy of the demo from
    another working directory, write exactly the recorded files: the records name their
    sources relative to the model file."""
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns("evidence", "__pycache__"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    model = str(copy / "model.yaml")
    for command in (
        ["sbom", PRODUCT, str(copy / "sbom" / "valtaro-amf-24.2.cdx.json"), "-m", model],
        ["vulns", PRODUCT, "--osv", str(copy / "osv"), "-m", model],
    ):
        result = CliRunner().invoke(app, ["evidence", *command])
        assert result.exit_code == 0, result.stderr
    made = sorted(p.name for p in (copy / "evidence").iterdir())
    assert made == sorted(p.name for p in (DEMO / "evidence").iterdir())
    for name in made:
        assert (copy / "evidence" / name).read_text() == (DEMO / "evidence" / name).read_text(), (
            f"demo record {name} is stale: re-run the commands in the demo model's last comment"
        )


def test_demo_model_carries_the_records_and_they_flag_the_amf(catalogue: Catalogue) -> None:
    demo = load_model(DEMO / "model.yaml", catalogue)
    assert demo.document.scope.as_of == dt.date(2026, 9, 30)
    kinds = {type(r) for r in demo.document.evidence}
    assert {Sbom, VulnerabilityScan} <= kinds
    report = assess_assurance(demo, catalogue)
    amf = next(v for v in report.versions if v.product == PRODUCT)
    assert set(amf.reasons) == {"vulnerable-components", "end-of-support"}
    assert {a.asset for a in report.assets_at_risk if a.product == PRODUCT} == {
        "xtel.amf-1",
        "meridian.amf-1",
        "meridian.amf-2",
    }
    specs = signal_specs(demo, catalogue)
    assert [(s.kind, s.products) for s in specs if s.kind.startswith("vulnerable")] == [
        ("vulnerable-component-high", (PRODUCT,))
    ]


def test_without_its_evidence_directory_the_amf_is_not_flagged(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    text = (DEMO / "model.yaml").read_text().replace("evidence_dirs: evidence\n", "")
    (tmp_path / "model.yaml").write_text(text)
    (tmp_path / "sites.csv").symlink_to(DEMO / "sites.csv")
    (tmp_path / "registry").symlink_to(DEMO / "registry")
    report = assess_assurance(load_model(tmp_path / "model.yaml", catalogue), catalogue)
    amf = next(v for v in report.versions if v.product == PRODUCT)
    assert amf.reasons == ()
    assert not any(a.product == PRODUCT for a in report.assets_at_risk)


def test_the_recorded_scan_changes_the_demo_assessment(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """With its evidence directory, the assessment moves Valtaro's product quality up a
    step on the scan's signals and lists the AMFs running 24.2; without it, neither."""
    text = (DEMO / "model.yaml").read_text()
    (tmp_path / "model.yaml").write_text(text.replace("evidence_dirs: evidence\n", ""))
    (tmp_path / "sites.csv").symlink_to(DEMO / "sites.csv")
    (tmp_path / "registry").symlink_to(DEMO / "registry")
    policy = catalogue.policies["UK-2020-01"]

    def valtaro_quality(model_path: Path) -> tuple[object, object, tuple[str, ...], set[str]]:
        result = assess(load_model(model_path, catalogue), catalogue, policy)
        valtaro = next(s for s in result.suppliers if s.id == "valtaro")
        quality = next(f for f in valtaro.factors if f.factor == "product_quality")
        amfs = {d.asset for d in result.assurance.declared if d.product == PRODUCT}
        return quality.scored, quality.effective, quality.moved_by, amfs

    assert valtaro_quality(tmp_path / "model.yaml") == (Level.LOW, Level.LOW, (), set())
    assert valtaro_quality(DEMO / "model.yaml") == (
        Level.LOW,
        Level.MEDIUM,
        (
            "vulns-valtaro-amf-24.2:vulnerable-component-high",
            "vulns-valtaro-amf-24.2:component-end-of-support",
        ),
        {"xtel.amf-1", "meridian.amf-1", "meridian.amf-2"},
    )


def test_demo_sbom_is_a_cyclonedx_document() -> None:
    data = json.loads((DEMO / "sbom" / "valtaro-amf-24.2.cdx.json").read_text())
    assert data["bomFormat"] == "CycloneDX" and data["specVersion"] == "1.5"
