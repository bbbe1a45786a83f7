"""Recording evidence from the command line into a model's evidence directory, and the
model loader merging it: located problems, nothing written on bad input, round trips."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from evidence_samples import OSV_DIR, dumps, firmware_cdx
from typer.testing import CliRunner

from fiveguard.cli import app
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.evidence import Equivalence, Sbom, VulnerabilityScan
from fiveguard.evidence.assurance import assess_assurance, signal_specs
from fiveguard.modelio.dump import write_model
from fiveguard.modelio.load import load_model

MODEL = """\
fiveguard: 1
scope: {country: XR, name: Evidence test, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 100000}
suppliers:
  - {id: sup-a, name: Supplier A, headquarters: SE, ownership: listed}
  - {id: sup-b, name: Supplier B, headquarters: XT, ownership: private}
products:
  - {id: fw, supplier: sup-a, name: Radio firmware, kind: ran.gnb, versions: ["9.0", "9.1"]}
  - {id: amf, supplier: sup-b, name: AMF, kind: core.amf, versions: ["1.0"]}
operators:
  - {id: op-a, name: Operator A, subscribers: 50000}
assets:
  - {id: a.amf, operator: op-a, kind: core.amf, product: amf@1.0}
  - {id: a.ran-base, operator: op-a, kind: ran.gnb, product: fw@9.0, region: R1, sites: 3, population: 9000, sensitive: true}
  - {id: a.ran-town, operator: op-a, kind: ran.gnb, product: fw@9.0, region: R1, sites: 5, population: 20000}
  - {id: a.ran-new, operator: op-a, kind: ran.gnb, product: fw@9.1, region: R1, sites: 2, population: 3000, sensitive: true}
evidence:
  - {id: ev-eval-fw, type: evaluation, title: NESAS fw, scheme: GSMA NESAS, products: [fw@9.0, fw@9.1], result: pass, date: 2026-01-10}
  - {id: ev-find-amf, type: finding, title: Hard-coded key, severity: critical, status: open, affected: [amf@1.0], source: source-review}
evidence_dirs: evidence
"""

runner = CliRunner()


@pytest.fixture
def model_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "model.yaml"
    path.write_text(MODEL)
    (tmp_path / "fw.cdx.json").write_bytes(dumps(firmware_cdx()))
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _record_all(model_path: Path) -> None:
    assert _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")[0] == 0
    code, _, err = _run("evidence", "vulns", "fw@9.0", "--osv", str(OSV_DIR), "-m", "model.yaml")
    assert code == 0, err
    reviewed = model_path.parent / "reviewed"
    reviewed.mkdir()
    (reviewed / "app").write_bytes(b"A")
    (reviewed / "lib").write_bytes(b"B")
    with tarfile.open(model_path.parent / "deployed.tar.gz", "w:gz") as archive:
        archive.add(reviewed / "app", "app")
    code, _, err = _run(
        "evidence", "equivalence", "reviewed", "deployed.tar.gz", "-p", "fw@9.0", "-m", "model.yaml"
    )
    assert code == 0, err


def test_records_land_in_the_evidence_directory_and_join_the_model(
    model_path: Path, catalogue: Catalogue
) -> None:
    _record_all(model_path)
    names = sorted(p.name for p in (model_path.parent / "evidence").iterdir())
    assert names == ["equivalence-fw-9.0.json", "sbom-fw-9.0.json", "vulns-fw-9.0.json"]
    model = load_model(model_path, catalogue)
    kinds = {type(r) for r in model.document.evidence}
    assert {Sbom, VulnerabilityScan, Equivalence} <= kinds
    assert model.document.evidence_dirs == ()  # the loaded model is self-contained
    scan = next(r for r in model.document.evidence if isinstance(r, VulnerabilityScan))
    assert scan.sbom == "sbom-fw-9.0" and scan.date is not None and str(scan.date) == "2026-06-30"
    equivalence = next(r for r in model.document.evidence if isinstance(r, Equivalence))
    assert (equivalence.identical, equivalence.missing) == (1, 1)


def test_written_back_model_carries_the_records_inline_and_loads_equal(
    model_path: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    _record_all(model_path)
    model = load_model(model_path, catalogue)
    out = tmp_path / "copy" / "model.yaml"
    write_model(model, out)
    assert load_model(out, catalogue) == model


def test_assurance_lists_versions_and_critical_or_sensitive_assets(
    model_path: Path, catalogue: Catalogue
) -> None:
    _record_all(model_path)
    report = assess_assurance(load_model(model_path, catalogue), catalogue)
    versions = {v.product: v for v in report.versions}
    fw = versions["fw@9.0"]
    assert set(fw.reasons) == {"vulnerable-components", "end-of-support", "failed-equivalence"}
    assert fw.equivalence_ratio == 0.5 and fw.valid_evaluations == ("ev-eval-fw",)
    assert any("CVE-2014-0160" in v for v in fw.vulnerable_components)
    assert not any("CVE-2022-3786" in v for v in fw.vulnerable_components)  # VEX suppressed
    assert versions["fw@9.1"].reasons == ()
    assert set(versions["amf@1.0"].reasons) == {"open-findings", "no-valid-evaluation"}
    at_risk = {(a.asset, a.product) for a in report.assets_at_risk}
    # the AMF is critical; radio is standard, so only the sensitive-site radio counts
    assert at_risk == {("a.amf", "amf@1.0"), ("a.ran-base", "fw@9.0")}
    kinds = {s.kind for s in signal_specs(load_model(model_path, catalogue), catalogue)}
    assert kinds == {
        "vulnerable-component-critical",
        "vulnerable-component-high",
        "component-end-of-support",
    }


def test_assurance_command_prints_table_and_json(model_path: Path) -> None:
    _record_all(model_path)
    code, out, _ = _run("evidence", "assurance", "model.yaml")
    assert code == 0 and "fw@9.0" in out and "a.ran-base" in out
    code, out, _ = _run("evidence", "assurance", "model.yaml", "--json")
    data = json.loads(out)
    assert {a["asset"] for a in data["assets_at_risk"]} == {"a.amf", "a.ran-base"}


def test_json_outputs_of_each_command(model_path: Path) -> None:
    code, out, _ = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "--json")
    assert code == 0 and json.loads(out)["type"] == "sbom"
    assert not (model_path.parent / "evidence").exists()  # no --model: nothing recorded
    code, out, _ = _run(
        "evidence",
        "vulns",
        "fw@9.0",
        "--osv",
        str(OSV_DIR),
        "--sbom",
        "fw.cdx.json",
        "--json",
        "--as-of",
        "2026-01-01",
    )
    data = json.loads(out)
    assert code == 0 and data["date"] == "2026-01-01"
    assert {"CVE-2014-0160", "CVE-2022-3602"} <= {m["vulnerability"] for m in data["matches"]}


def test_stored_record_problems_are_located_in_their_file(
    model_path: Path, catalogue: Catalogue
) -> None:
    _record_all(model_path)
    stored = model_path.parent / "evidence" / "sbom-fw-9.0.json"
    data = json.loads(stored.read_text())
    data["product"] = "fw@7.7"
    stored.write_text(json.dumps(data, indent=1))
    (model_path.parent / "evidence" / "broken.json").write_text('{"id": "x",\n "type": }')
    with pytest.raises(InputError) as caught:
        load_model(model_path, catalogue)
    problems = [str(p) for p in caught.value.problems]
    line = next(i for i, t in enumerate(stored.read_text().splitlines(), 1) if '"product"' in t)
    assert (
        f"evidence/sbom-fw-9.0.json:{line}:13: product: version '7.7' of 'fw' is not declared; declared versions: 9.0, 9.1"
        in problems
    )
    assert any(p.startswith("evidence/broken.json:2:10: JSON syntax error") for p in problems)


def test_duplicate_ids_between_model_and_store_are_reported(
    model_path: Path, catalogue: Catalogue
) -> None:
    (model_path.parent / "evidence").mkdir()
    record = {"id": "ev-eval-fw", "type": "document", "title": "dup"}
    (model_path.parent / "evidence" / "dup.json").write_text(json.dumps(record))
    with pytest.raises(InputError) as caught:
        load_model(model_path, catalogue)
    assert [str(p) for p in caught.value.problems] == [
        "evidence/dup.json:1:8: id: duplicate id 'ev-eval-fw': the model file has it too"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sbom", "fw@9.0", "bad.json"], "bad.json:1:2: JSON syntax error"),
        (["sbom", "fw@8.0", "fw.cdx.json"], "version '8.0' of 'fw' is not declared"),
        (["sbom", "fw", "fw.cdx.json"], "expected PRODUCT@VERSION"),
        (["vulns", "fw@9.0", "--osv", "osv-bad"], "osv-bad/r.json:1:1"),
        (["vulns", "fw@9.0", "--osv", "missing-dir"], "OSV directory not found"),
        (["equivalence", "evil.tar", "fw.cdx.json", "-p", "fw@9.0"], "path traversal"),
        (["equivalence", "bad.sha256", "bad.sha256", "-p", "fw@9.0"], "bad.sha256:1:1"),
    ],
)
def test_bad_input_exits_2_located_and_records_nothing(
    model_path: Path, args: list[str], message: str
) -> None:
    root = model_path.parent
    (root / "bad.json").write_text("{oops")
    (root / "osv-bad").mkdir()
    (root / "osv-bad" / "r.json").write_text("[1, 2]")
    (root / "bad.sha256").write_text("not a digest line\n")
    with tarfile.open(root / "evil.tar", "w") as archive:
        info = tarfile.TarInfo("../../etc/evil")
        archive.addfile(info)
    if args[0] == "vulns":
        assert _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")[0] == 0
    before = (
        sorted(p.name for p in (root / "evidence").iterdir())
        if (root / "evidence").exists()
        else []
    )
    code, out, err = _run("evidence", *args, "-m", "model.yaml")
    assert code == 2
    assert message in err and "Traceback" not in err + out
    after = (
        sorted(p.name for p in (root / "evidence").iterdir())
        if (root / "evidence").exists()
        else []
    )
    assert after == before


def test_a_model_without_evidence_dirs_says_how_to_add_one(model_path: Path) -> None:
    model_path.write_text(MODEL.replace("evidence_dirs: evidence\n", ""))
    code, _, err = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")
    assert code == 2 and "evidence_dirs: evidence" in err


def test_every_evidence_command_has_an_example_in_its_help() -> None:
    for command in ("sbom", "vulns", "equivalence", "assurance"):
        code, out, _ = _run("evidence", command, "--help")
        assert code == 0 and "Example: fiveguard evidence " + command in " ".join(out.split())
