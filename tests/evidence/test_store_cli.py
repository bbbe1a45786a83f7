"""Recording evidence from the command line into a model's evidence directory, and the
model loader merging it: located problems, nothing written on bad input, round trips."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from evidence_samples import OSV_DIR, dumps, firmware_cdx
from typer.testing import CliRunner

from fiveguard.cli import app
from fiveguard.cli.app import console
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
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Table cells on one line each, so a test can read them."""
    monkeypatch.setattr(console, "_width", 300)


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


def test_bad_input_leaves_earlier_records_as_they_were(model_path: Path) -> None:
    """Recording again replaces a record, but only once the new input was read whole:
    a bad SBOM, VEX document, OSV record or archive (a link leaving it, a decompression
    bomb) exits 2 and every stored file keeps its bytes."""
    _record_all(model_path)
    root = model_path.parent
    stored = root / "evidence"
    before = {p.name: p.read_bytes() for p in stored.iterdir()}
    (root / "bad.cdx.json").write_bytes(
        dumps({**firmware_cdx(), "components": [{"type": "library", "name": "x", "purl": "?"}]})
    )
    (root / "osv-bad").mkdir()
    (root / "osv-bad" / "r.json").write_text('{"id": "X-1"}')
    link = tarfile.TarInfo("lib/escape")
    link.type, link.linkname = tarfile.SYMTYPE, "../../etc/shadow"
    with tarfile.open(root / "link.tar.gz", "w:gz") as archive:
        archive.addfile(link)
    with tarfile.open(root / "bomb.tar.bz2", "w:bz2") as archive:
        zeros = tarfile.TarInfo("zeros.img")
        zeros.size = 8 << 20
        archive.addfile(zeros, io.BytesIO(bytes(zeros.size)))
    (root / "tight.yaml").write_text(
        "evidence_rules:\n  archive_limits: {ratio_after_bytes: 1048576, max_ratio: 50}\n"
    )
    for args, message in (
        (["sbom", "fw@9.0", "bad.cdx.json"], "bad.cdx.json:"),
        (["vulns", "fw@9.0", "--osv", str(OSV_DIR), "--vex", "bad.cdx.json"], "bad.cdx.json:"),
        (["vulns", "fw@9.0", "--osv", "osv-bad"], "osv-bad/r.json:"),
        (["equivalence", "reviewed", "link.tar.gz", "-p", "fw@9.0"], "points outside the tree"),
        (["equivalence", "reviewed", "bomb.tar.bz2", "-p", "fw@9.0"], "decompression bomb"),
    ):
        code, out, err = _run("--catalog", "tight.yaml", "evidence", *args, "-m", "model.yaml")
        assert code == 2 and message in err and "Traceback" not in out + err, (args, err)
        assert {p.name: p.read_bytes() for p in stored.iterdir()} == before, args


def test_a_model_without_evidence_dirs_says_how_to_add_one(model_path: Path) -> None:
    model_path.write_text(MODEL.replace("evidence_dirs: evidence\n", ""))
    code, _, err = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")
    assert code == 2 and "evidence_dirs: evidence" in err


def test_every_evidence_command_has_an_example_in_its_help() -> None:
    for command in ("sbom", "vulns", "equivalence", "assurance"):
        code, out, _ = _run("evidence", command, "--help")
        assert code == 0 and "Example: fiveguard evidence " + command in " ".join(out.split())


def test_equivalence_json_gives_counts_and_paths_named_as_the_record_names_them(
    model_path: Path,
) -> None:
    _record_all(model_path)
    code, out, _ = _run("evidence", "equivalence", "reviewed", "deployed.tar.gz", "--json")
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("identical", "differing", "missing", "extra", "total")} == {
        "identical": 1,
        "differing": 0,
        "missing": 1,
        "extra": 0,
        "total": 2,
    }
    assert data["identical_paths"] == ["app"] and data["missing_paths"] == ["lib"]
    assert data["differing_paths"] == [] and data["extra_paths"] == []
    assert data["ratio"] == 0.5 and data["equivalent"] is False


def test_recorded_paths_are_relative_to_the_model_file_not_the_working_directory(
    model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    model = str(model_path)
    sbom = str(model_path.parent / "fw.cdx.json")
    assert _run("evidence", "sbom", "fw@9.0", sbom, "-m", model)[0] == 0
    code, _, err = _run("evidence", "vulns", "fw@9.0", "--osv", str(OSV_DIR), "-m", model)
    assert code == 0, err
    stored = model_path.parent / "evidence"
    record = json.loads((stored / "sbom-fw-9.0.json").read_text())
    assert record["link"] == "fw.cdx.json"
    scan = json.loads((stored / "vulns-fw-9.0.json").read_text())
    osv = Path(os.path.relpath(OSV_DIR, model_path.parent)).as_posix()
    assert scan["database"].startswith(f"{osv} (")
    assert (scan["link"], scan["sha256"]) == (record["link"], record["sha256"])
    side = model_path.parent / "build"
    side.mkdir()
    (side / "app").write_bytes(b"A")
    code, _, err = _run(
        "evidence", "equivalence", str(side), str(side), "-p", "fw@9.0", "-m", model
    )
    assert code == 0, err
    check = json.loads((stored / "equivalence-fw-9.0.json").read_text())
    assert check["reviewed"] == check["deployed"] == "directory build (1 paths)"


def test_a_reimported_sbom_makes_the_scan_stale_and_the_commands_say_so(
    model_path: Path, wide: None
) -> None:
    _record_all(model_path)
    code, out, _ = _run("evidence", "assurance", "model.yaml", "--json")
    assert json.loads(out)["stale_scans"] == []
    changed = firmware_cdx()
    changed["components"].pop()
    (model_path.parent / "fw.cdx.json").write_bytes(dumps(changed))
    code, out, _ = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")
    flat = " ".join(out.split())
    assert (
        code == 0
        and "the recorded scan vulns-fw-9.0 is now stale: made from an earlier SBOM" in flat
    )
    code, out, _ = _run("evidence", "assurance", "model.yaml", "--json")
    (stale,) = json.loads(out)["stale_scans"]
    assert stale["scan"] == "vulns-fw-9.0" and "run evidence vulns again" in stale["reason"]
    code, out, _ = _run("evidence", "assurance", "model.yaml")
    assert "scan vulns-fw-9.0 is stale" in " ".join(out.split())
    # the assessment still reads the stale scan, the best there is, and says so
    assert any("(from stale scan vulns-fw-9.0: made from an earlier SBOM" in r for r in _reasons())
    code, out, _ = _run("evidence", "vulns", "fw@9.0", "--osv", str(OSV_DIR), "-m", "model.yaml")
    assert code == 0 and "replaces vulns-fw-9.0, which was stale" in " ".join(out.split())
    code, out, _ = _run("evidence", "assurance", "model.yaml", "--json")
    assert json.loads(out)["stale_scans"] == []
    assert not any("stale" in r for r in _reasons())


def _reasons() -> list[str]:
    """The reasons of every assurance signal in the assessment of model.yaml."""
    code, out, err = _run("assess", "model.yaml", "--json", "--trials", "0")
    assert code == 0, err
    return [sig["reason"] for s in json.loads(out)["suppliers"] for sig in s["signals"]]


def test_vex_documents_given_later_override_earlier_ones_and_the_sbom(model_path: Path) -> None:
    def vex(state: str) -> str:
        name = f"{state}.vex.json"
        document = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "version": 1,
            "vulnerabilities": [
                {
                    "id": "CVE-2022-3786",
                    "analysis": {"state": state},
                    "affects": [{"ref": "openssl-3"}],
                }
            ],
        }
        (model_path.parent / name).write_bytes(dumps(document))
        return name

    def suppressed(*vex_files: str) -> bool:
        args = [a for f in vex_files for a in ("--vex", f)]
        code, out, err = _run(
            "evidence",
            "vulns",
            "fw@9.0",
            "--osv",
            str(OSV_DIR),
            "--sbom",
            "fw.cdx.json",
            "--json",
            *args,
        )
        assert code == 0, err
        match = next(
            m
            for m in json.loads(out)["matches"]
            if m["vulnerability"] == "CVE-2022-3786" and m["component"] == "openssl-3"
        )
        return bool(match.get("suppressed"))

    assert suppressed()  # the SBOM itself says not_affected
    assert not suppressed(vex("exploitable"))
    assert suppressed(vex("exploitable"), vex("resolved"))
    assert not suppressed(vex("resolved"), vex("exploitable"))


def test_text_from_files_is_printed_as_written_never_as_markup(
    model_path: Path, wide: None
) -> None:
    data = firmware_cdx()
    data["components"][0]["name"] = "a [/bold] b"
    data["components"][0]["supplier"] = {"name": "[red]Openssl Foundation\\"}
    (model_path.parent / "fw.cdx.json").write_bytes(dumps(data))
    code, out, err = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml")
    assert code == 0, err
    assert "a [/bold] b" in out and "[red]Openssl Foundation\\" in out
    code, out, err = _run("evidence", "vulns", "fw@9.0", "--osv", str(OSV_DIR), "-m", "model.yaml")
    assert code == 0, err
    assert "a [/bold] b 1.0.1f" in out
    code, out, err = _run("evidence", "assurance", "model.yaml")
    assert code == 0, err
    assert "end of support: a [/bold] b 1.0.1f (since 2016-12-31)" in out
    reviewed = model_path.parent / "odd"
    reviewed.mkdir()
    (reviewed / "[").mkdir()
    (reviewed / "[" / "bold]:100:").write_bytes(b"x")  # the path [/bold]:100:
    code, out, err = _run("evidence", "equivalence", "odd", "odd.sha256")
    assert code == 2  # the manifest is missing: the message is not markup either
    assert "odd.sha256" in err
    (model_path.parent / "odd.sha256").write_text(f"{'0' * 64}  other\n")
    code, out, err = _run("evidence", "equivalence", "odd", "odd.sha256")
    assert code == 0, err
    assert "[/bold]:100:" in out


def test_assurance_table_shows_every_kind_of_evidence_and_the_suppliers(
    model_path: Path, wide: None
) -> None:
    extra = (
        "  - {id: ev-cert-fw, type: certificate, title: Cert, scheme: National, identifier: C-1, "
        "products: [fw@9.1], valid_from: 2026-01-01, valid_to: 2027-01-01}\n"
        "  - {id: ev-old-cert, type: certificate, title: Old, scheme: National, identifier: C-0, "
        "products: [fw@9.1], valid_from: 2020-01-01, valid_to: 2021-01-01}\n"
        "  - {id: ev-isms-b, type: certificate, title: ISMS, subject: sup-b, scheme: ISO/IEC 27001, "
        "identifier: I-9, valid_from: 2025-01-01, valid_to: 2028-01-01}\n"
        "  - {id: ev-statement-b, type: assurance-statement, title: Board, subject: sup-b, "
        "level: limited, products: [amf@1.0]}\n"
        "  - {id: ev-failed-amf, type: evaluation, title: Failed, scheme: GSMA NESAS, "
        "products: [amf@1.0], result: fail, date: 2026-02-01}\n"
        "  - {id: ev-future-cert, type: certificate, title: Next, scheme: National, "
        "identifier: C-2, products: [amf@1.0], valid_from: 2027-01-01, valid_to: 2029-01-01}\n"
    )
    model_path.write_text(
        MODEL.replace("evidence_dirs: evidence\n", extra + "evidence_dirs: evidence\n")
    )
    code, out, err = _run("evidence", "assurance", "model.yaml")
    assert code == 0, err
    for text in (
        "evaluation: ev-eval-fw",
        "certificate: ev-cert-fw",
        "certificate expired: ev-old-cert",
        "evaluation failed: ev-failed-amf",
        "not yet valid: ev-future-cert",
        "open finding: ev-find-amf",
        "statement: limited (ev-statement-b)",
        "Suppliers",
        "ISO/IEC 27001 I-9: valid (ev-isms-b)",
        "Critical or sensitive assets at risk",
    ):
        assert text in out, text


def test_json_output_stays_one_document_when_recording(model_path: Path) -> None:
    code, out, err = _run("evidence", "sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml", "--json")
    assert code == 0 and json.loads(out)["link"] == "fw.cdx.json"
    assert "recorded evidence/sbom-fw-9.0.json" in err
    code, out, err = _run(
        "evidence", "vulns", "fw@9.0", "--osv", str(OSV_DIR), "-m", "model.yaml", "--json"
    )
    assert code == 0 and json.loads(out)["sbom"] == "sbom-fw-9.0"


def test_the_commands_run_with_every_connection_refused(
    model_path: Path, offline: tuple[dict[str, str], Path]
) -> None:
    """Nothing is fetched at run time: the installed ``fiveguard`` command imports, matches
    and compares under the socket-level guard the SBOM tools run under, and the guard
    logs no attempt. The OSV directory comes from ``FIVEGUARD_OSV_DIR``."""
    command = Path(sys.executable).parent / "fiveguard"
    if not command.exists():
        pytest.skip("the fiveguard command is not installed in this environment")
    base, _ = offline
    log = model_path.parent / "network.log"
    env = {**base, "FIVEGUARD_NETWORK_LOG": str(log), "FIVEGUARD_OSV_DIR": str(OSV_DIR)}
    (model_path.parent / "build").mkdir()
    (model_path.parent / "build" / "app").write_bytes(b"A")
    with tarfile.open(model_path.parent / "build.tar.xz", "w:xz") as archive:
        archive.add(model_path.parent / "build" / "app", "app")
    for args in (
        ["sbom", "fw@9.0", "fw.cdx.json", "-m", "model.yaml"],
        ["vulns", "fw@9.0", "-m", "model.yaml"],
        ["equivalence", "build", "build.tar.xz", "-p", "fw@9.0", "-m", "model.yaml"],
        ["assurance", "model.yaml"],
    ):
        done = subprocess.run(
            [str(command), "evidence", *args],
            check=False,
            cwd=model_path.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (args, done.stderr)
    names = sorted(p.name for p in (model_path.parent / "evidence").iterdir())
    assert names == ["equivalence-fw-9.0.json", "sbom-fw-9.0.json", "vulns-fw-9.0.json"]
    scan = json.loads((model_path.parent / "evidence" / "vulns-fw-9.0.json").read_text())
    assert scan["matches"]  # the database was found through the environment
    lines = log.read_text().splitlines()
    assert len(lines) == 4 and all(line.endswith(" guard active") for line in lines), lines


def test_product_without_a_model_is_refused_like_a_model_without_product(
    model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-p alone would record nothing and say nothing: refused, located, as -m alone is."""
    monkeypatch.delenv("FIVEGUARD_MODEL", raising=False)
    side = model_path.parent / "build"
    side.mkdir()
    (side / "app").write_bytes(b"A")
    code, out, err = _run("evidence", "equivalence", "build", "build", "-p", "fw@9.0")
    assert code == 2 and "Traceback" not in out + err
    assert "command line: --model MODEL (or FIVEGUARD_MODEL) is needed to record" in err
    code, _, err = _run("evidence", "equivalence", "build", "build", "-m", "model.yaml")
    assert code == 2 and "command line: --product PRODUCT@VERSION is needed" in err
    assert not (model_path.parent / "evidence").exists()


def test_assurance_counts_deployed_versions_as_assess_does_and_lists_the_others_apart(
    model_path: Path, wide: None, catalogue: Catalogue
) -> None:
    """fw@9.2 is declared but no asset runs it: the command counts the deployed versions
    needing attention as ``fiveguard assess`` does, and lists fw@9.2 apart."""
    from fiveguard.assess.assessment import assess

    model_path.write_text(
        MODEL.replace('versions: ["9.0", "9.1"]', 'versions: ["9.0", "9.1", "9.2"]')
    )
    assessed = assess(load_model(model_path, catalogue), catalogue, whatif=False)
    needing = len(assessed.assurance.versions)
    assert needing == 1  # amf@1.0: fw@9.0 and fw@9.1 have a valid evaluation, fw@9.2 runs nowhere
    code, out, err = _run("evidence", "assurance", "model.yaml")
    assert code == 0, err
    assert f"{needing} of 3 deployed versions needs attention" in out
    assert "1 more declared but not deployed, listed apart" in out
    assert "Declared but not deployed (no asset runs them" in out
    assert "fw@9.2 (not deployed)" in out
    code, out, _ = _run("evidence", "assurance", "model.yaml", "--json")
    assert json.loads(out)["counts"] == {
        "declared_versions": 4,
        "deployed_versions": 3,
        "deployed_needing_attention": needing,
        "not_deployed_needing_attention": 1,
    }
