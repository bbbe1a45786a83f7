"""Markings and provenance: the scope's marking reaches every page, the inputs their digests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.assess.assessment import assess, marking_of
from fiveguard.cli.app import app
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.network import Scope
from fiveguard.report import render_report
from fiveguard.report.provenance import input_files
from model_texts import BASE_YAML

MARKED = BASE_YAML.replace(
    "scope: {country: XR, name: Test model, as_of: 2026-06-30}",
    "scope: {country: XR, name: Test model, as_of: 2026-06-30, tlp: AMBER+STRICT, "
    "classification: RESTRICTED, author: A. Analyst, organisation: National Agency}",
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_marking_joins_tlp_and_classification_or_says_not_marked() -> None:
    scope = Scope.model_validate(
        {"country": "XR", "name": "x", "as_of": "2026-01-01", "tlp": "RED", "classification": "S"}
    )
    assert marking_of(scope).text == "TLP:RED · S"
    bare = Scope.model_validate({"country": "XR", "name": "x", "as_of": "2026-01-01"})
    assert marking_of(bare).text == "NOT MARKED"
    assert marking_of(bare).tlp is None


def test_scope_refuses_a_label_outside_tlp_2() -> None:
    with pytest.raises(ValueError, match="tlp"):
        Scope.model_validate({"country": "XR", "name": "x", "as_of": "2026-01-01", "tlp": "WHITE"})


def test_input_files_digest_model_sites_and_policy(write_model, tmp_path: Path) -> None:
    path = write_model(MARKED)
    policy = tmp_path / "policy.yaml"
    policy.write_text("id: p\n", encoding="utf-8")
    inputs = input_files(path, policy=policy)
    roles = [(f.role, Path(f.path).name) for f in inputs]
    assert roles == [("model", "model.yaml"), ("site file", "sites.csv"), ("policy", "policy.yaml")]
    by_name = {Path(f.path).name: f for f in inputs}
    assert by_name["sites.csv"].sha256 == _sha(tmp_path / "sites.csv")
    assert by_name["model.yaml"].size == path.stat().st_size


def test_input_files_list_every_file_of_evidence_dirs_in_order(write_model, tmp_path) -> None:
    path = write_model(MARKED + "evidence_dirs: [ev]\n")
    (tmp_path / "ev" / "sub").mkdir(parents=True)
    (tmp_path / "ev" / "b.json").write_text("{}", encoding="utf-8")
    (tmp_path / "ev" / "sub" / "a.json").write_text("[]", encoding="utf-8")
    inputs = [f for f in input_files(path) if f.role == "evidence"]
    assert [f.path for f in inputs] == ["ev/b.json", "ev/sub/a.json"]
    assert inputs[1].sha256 == _sha(tmp_path / "ev" / "sub" / "a.json")


def test_report_shows_the_marking_on_top_bottom_cover_and_provenance(
    write_model, load, catalogue: Catalogue
) -> None:
    path = write_model(MARKED)
    assessment = assess(load(path), catalogue)
    html = render_report(assessment)
    assert html.count("TLP:AMBER+STRICT · RESTRICTED") >= 4  # top, bottom, cover, provenance
    assert "By A. Analyst, National Agency" in html
    assert 'class="paged"' not in html
    assert 'class="paged"' in render_report(assessment, paged=True)


def test_assess_records_every_input_with_its_digest(write_model, tmp_path: Path) -> None:
    path = write_model(MARKED)
    result = CliRunner().invoke(app, ["assess", str(path), "--json", "--trials", "0"])
    assert result.exit_code == 0, result.output
    metadata = json.loads(result.output)["metadata"]
    assert metadata["marking"]["text"] == "TLP:AMBER+STRICT · RESTRICTED"
    assert metadata["marking"]["organisation"] == "National Agency"
    digests = {Path(f["path"]).name: f["sha256"] for f in metadata["inputs"]}
    assert digests == {"model.yaml": _sha(path), "sites.csv": _sha(tmp_path / "sites.csv")}
    report = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(path), "--out", str(report), "--trials", "0"])
    assert result.exit_code == 0, result.output
    assert _sha(path) in (report / "report.html").read_text(encoding="utf-8")


def test_pdf_without_out_or_renderer_is_a_located_problem(
    write_model, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_model(MARKED)
    result = CliRunner().invoke(app, ["assess", str(path), "--pdf"])
    assert result.exit_code == 2
    assert "--pdf" in result.stderr and "give --out" in result.stderr
    monkeypatch.setenv("FIVEGUARD_CHROMIUM", "/nonexistent/chromium")
    result = CliRunner().invoke(app, ["assess", str(path), "--pdf", "--out", "out"])
    assert result.exit_code == 2
    assert "no Chromium at FIVEGUARD_CHROMIUM=/nonexistent/chromium" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not Path("out").exists()  # nothing written, no directory made
