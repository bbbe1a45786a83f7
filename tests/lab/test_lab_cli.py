"""The lab and registry commands, tried as a lab and an authority would use them: every
step works, and bad input is a located message, exit code 2, nothing written."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import keyring_json
from fiveguard.exchange.keys import private_pem
from lab_world import keyring_file, seeded_key

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DEMO = Path(__file__).parents[2] / "src" / "fiveguard" / "examples" / "demo"
DIGEST = hashlib.sha256(b"gnb 9.0 image").hexdigest()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err + out
    return out


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lab's registry with a supplier, a product with a digest, and the lab."""
    monkeypatch.chdir(tmp_path)
    reg = "reg"
    ok(
        "registry",
        "add",
        "supplier",
        "korvath",
        "--name",
        "Korvath",
        "--lei",
        "FGDEMOKORVATH0000080",
        "-r",
        reg,
    )
    ok(
        "registry",
        "add",
        "product",
        "korvath.gnb",
        "--supplier",
        "korvath",
        "--name",
        "gNB",
        "--kind",
        "ran.gnb",
        "--version",
        "8.2",
        "--version",
        "9.0",
        "-r",
        reg,
    )
    ok(
        "registry",
        "add",
        "version",
        "korvath.gnb@9.0",
        "--artefact",
        f"gnb-9.0.img={DIGEST}",
        "-r",
        reg,
    )
    ok("registry", "add", "version", "korvath.gnb@9.1", "-r", reg)
    ok(
        "registry",
        "add",
        "lab",
        "xec",
        "--name",
        "Evaluation centre",
        "--kind",
        "evaluation-centre",
        "-r",
        reg,
    )
    return tmp_path / reg


def add_finding(ident: str, affected: str, severity: str) -> str:
    """A finding of lab xec about korvath.gnb, found on 2026-01-01."""
    words = f"lab finding add {ident} --lab xec --product korvath.gnb --affected {affected}"
    words += f" --title T --severity {severity} --date 2026-01-01 -r reg"
    return ok(*words.split())


PASS = "test passphrase, not a secret"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", PASS)


def key_files(
    tmp_path: Path, org: str = "xec", **key_changes: dict[str, object]
) -> tuple[Path, Path]:
    """``org``'s encrypted private key (of the test keyring: labs xec and xtl, authority
    xcsa, operator xop) and the keyring file."""
    pem = tmp_path / f"{org}.key"
    pem.write_bytes(private_pem(seeded_key(org.encode()), PASS.encode()))
    ring = tmp_path / "keyring.json"
    ring.write_bytes(keyring_json(keyring_file(**key_changes)))
    return pem, ring


def attest(pem: Path, ring: Path, *more: str, version: str = "9.0", lab: str = "xec") -> list[str]:
    return ["lab", "attest", "--as", lab, "--product", "korvath.gnb", "--version", version,
            "--key", str(pem), "--keyring", str(ring), "--out", "att.json", "-r", "reg",
            *more]  # fmt: skip


def test_a_lab_records_attests_and_an_authority_imports(lab: Path, tmp_path: Path) -> None:
    evaluation = tmp_path / "eval.yaml"
    evaluation.write_text(
        "id: nesas-gnb-9.0\nlab: xec\ntitle: NESAS evaluation of gNB 9.0\ndate: 2026-05-01\n"
        "scheme: {kind: nesas, name: GSMA NESAS, version: '2.0'}\nproduct: korvath.gnb\n"
        "versions: ['9.0']\nscas: [TS 33.117, TS 33.511]\nresult: pass-with-findings\n"
        "test_cases:\n  - {spec: TS 33.117, id: TC_BVT_PORT_SCANNING, result: pass}\n"
        "  - {spec: TS 33.511, id: TC_UP_INT_GNB, result: fail}\n"
    )
    ok("lab", "evaluation", "add", str(evaluation), "-r", "reg")
    shown = ok("lab", "evaluation", "show", "nesas-gnb-9.0", "-r", "reg")
    assert "Test cases: 1 pass, 1 fail" in shown
    ok(
        "lab",
        "finding",
        "add",
        "f-key",
        "--lab",
        "xec",
        "--product",
        "korvath.gnb",
        "--affected",
        "9.0",
        "--title",
        "Fixed key",
        "--severity",
        "high",
        "--cwe",
        "CWE-321",
        "--cvss",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "--date",
        "2026-05-01",
        "-r",
        "reg",
    )
    ok(
        "lab",
        "finding",
        "update",
        "f-key",
        "--state",
        "fixed",
        "--fixed-in",
        "9.1",
        "--date",
        "2026-06-01",
        "-r",
        "reg",
    )
    listed = json.loads(ok("lab", "finding", "list", "--json", "-r", "reg"))
    assert [(f["id"], f["state"], f["cvss_score"]) for f in listed] == [("f-key", "fixed", 9.8)]
    pem, ring = key_files(tmp_path)
    out = ok(*attest(pem, ring))
    assert "signed 2 record(s)" in out
    # the authority's registry knows the product and the lab, not the records
    authority = tmp_path / "authority"
    shutil.copytree(lab, authority, ignore=shutil.ignore_patterns("records"))
    code, _, err = run("lab", "import", "att.json", "--keyring", str(ring), "-r", str(authority))
    assert code == 2 and "TLP:AMBER is for the keyring's organisations: say who imports it" in err
    code, _, err = run(
        "lab", "import", "att.json", "--keyring", str(ring), "--as", "XZ", "-r", str(authority)
    )
    assert code == 2 and "command line: --as: XZ is not an organisation of the keyring" in err
    assert not (authority / "records").exists()
    imported = ok(
        "lab", "import", "att.json", "--keyring", str(ring), "--as", "xcsa", "-r", str(authority)
    )
    assert "verified: signed by xec" in imported
    ok("registry", "check", "-r", str(authority))
    records = sorted(p.name for p in (authority / "records").iterdir())
    assert records == ["f-key.yaml", "nesas-gnb-9.0.yaml"]
    # an attested finding is changed by its lab, through a new attestation
    code, _, err = run(
        "lab",
        "finding",
        "update",
        "f-key",
        "--state",
        "retested",
        "--retest",
        "passed",
        "-r",
        str(authority),
    )
    assert code == 2 and "came from an attestation by xec" in err


def test_closing_an_unretested_finding_is_refused_and_writes_nothing(lab: Path) -> None:
    add_finding("f-1", "9.0", "medium")
    before = files(lab)
    code, _, err = run(
        "lab", "finding", "update", "f-1", "--state", "closed", "--date", "2026-02-01", "-r", "reg"
    )
    assert code == 2
    assert "command line: --state: open cannot become closed" in err
    assert files(lab) == before


def test_a_tampered_attestation_is_refused_and_nothing_is_recorded(
    lab: Path, tmp_path: Path
) -> None:
    add_finding("f-1", "9.0", "high")
    pem, ring = key_files(tmp_path)
    ok(*attest(pem, ring))
    envelope = json.loads((tmp_path / "att.json").read_text())
    envelope["payloadType"] = "application/json"
    (tmp_path / "att.json").write_bytes(canonical(envelope))
    before = files(lab)
    code, _, err = run(
        "lab", "import", "att.json", "--keyring", str(ring), "--as", "xcsa", "-r", "reg"
    )
    assert code == 2 and "att.json: signatures[0]: signature by key" in err
    assert files(lab) == before


def test_bad_input_is_located(lab: Path, tmp_path: Path) -> None:
    bad = tmp_path / "eval.yaml"
    bad.write_text(
        "id: e\nlab: xec\ntitle: T\ndate: 2026-13-01\nscheme: {kind: nesas, name: N}\nproduct: korvath.gnb\nversions: ['7']\n"
    )
    code, _, err = run("lab", "evaluation", "add", str(bad), "-r", "reg")
    assert code == 2
    assert "eval.yaml:4:7: date: not a valid date" in err
    assert "eval.yaml:5:9: scheme: a nesas scheme names its version" in err
    code, _, err = run(
        "registry",
        "add",
        "supplier",
        "x",
        "--name",
        "X",
        "--lei",
        "FGDEMOKORVATH0000081",
        "-r",
        "reg",
    )
    assert code == 2 and "check digits" in err and "command line: supplier" in err
    code, _, err = run(
        "lab",
        "finding",
        "add",
        "f-2",
        "--lab",
        "xec",
        "--product",
        "korvath.gnb",
        "--affected",
        "7.0",
        "--title",
        "T",
        "--severity",
        "high",
        "-r",
        "reg",
    )
    assert code == 2 and "records/f-2.yaml: affected[0]: korvath.gnb has no version '7.0'" in err
    assert not (lab / "records" / "f-2.yaml").exists()
    code, _, err = run("lab", "audit", "nothing", "-r", "reg")
    assert code == 2 and "'nothing' is not a practice review" in err


def test_an_evaluation_file_cannot_claim_an_attestation(lab: Path, tmp_path: Path) -> None:
    forged = tmp_path / "eval.yaml"
    forged.write_text(
        "id: e\nlab: xec\ntitle: T\ndate: 2026-01-01\nscheme: {kind: nesas, name: N, version: '1'}\n"
        "product: korvath.gnb\nversions: ['9.0']\nresult: pass\n"
        "attestation: {signer: xec, keyids: ['"
        + "a"
        * 64
        + "'], envelope: attestations/x.dsse.json,\n"
        "  payload_sha256: '"
        + "b" * 64
        + "', issued_at: 2026-01-01T00:00:00Z, verified_on: 2026-01-02, tlp: AMBER}\n"
    )
    code, _, err = run("lab", "evaluation", "add", str(forged), "-r", "reg")
    assert code == 2 and "eval.yaml:9:14: attestation: set by `fiveguard lab import`" in err
    assert not (lab / "records").exists()


def test_attesting_a_version_without_digest_is_refused(lab: Path, tmp_path: Path) -> None:
    add_finding("f-1", "8.2", "high")
    pem, ring = key_files(tmp_path)
    code, _, err = run(*attest(pem, ring, version="8.2"))
    assert code == 2 and "knows no artefact digest of korvath.gnb@8.2" in err
    assert not (tmp_path / "att.json").exists()


def test_audit_of_the_demo_registry(tmp_path: Path) -> None:
    out = json.loads(
        ok("lab", "audit", "xec-korvath-practice-2026", "--json", "-r", str(DEMO / "registry"))
    )
    assert out["previous_period"] == "2025" and out["totals"]["unresolved"] == 3
    table = ok("lab", "audit", "xec-korvath-practice-2026", "-r", str(DEMO / "registry"))
    assert "By area, 2026" in table and "carried over" in table
    assert "no problems" in ok("registry", "check", "-r", str(DEMO / "registry"))
    assert "korvath.gnb" in ok("registry", "list", "-r", str(DEMO / "registry"))


def test_the_demo_attestations_verify_with_the_shipped_keyring(tmp_path: Path) -> None:
    authority = tmp_path / "reg"
    shutil.copytree(DEMO / "registry", authority)
    envelope = next((authority / "attestations").glob("*.dsse.json"))
    out = ok(
        "lab",
        "import",
        str(envelope),
        "--keyring",
        str(DEMO / "keyring.json"),
        "--as",
        "xcsa",
        "-r",
        str(authority),
    )
    assert "verified" in out


def test_registry_check_names_an_edited_attested_record(tmp_path: Path) -> None:
    authority = tmp_path / "reg"
    shutil.copytree(DEMO / "registry", authority)
    record = authority / "records" / "xec-korvath-gnb-hardcoded-key.yaml"
    record.write_text(record.read_text().replace("severity: high", "severity: low"))
    code, _, err = run("registry", "check", "-r", str(authority))
    assert (
        code == 2 and "xec-korvath-gnb-hardcoded-key.yaml" in err and "edited since import" in err
    )


def test_equivalence_against_provenance_is_recorded_with_the_lab(lab: Path, tmp_path: Path) -> None:
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    (deployed / "gnb.bin").write_bytes(b"gnb")
    (deployed / "extra.bin").write_bytes(b"unexpected")
    provenance = tmp_path / "prov.json"
    provenance.write_text(
        json.dumps(
            {
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [
                    {"name": "gnb.bin", "digest": {"sha256": hashlib.sha256(b"gnb").hexdigest()}}
                ],
                "predicateType": "https://slsa.dev/provenance/v1",
                "predicate": {},
            }
        )
    )
    out = ok(
        "lab",
        "equivalence",
        str(provenance),
        str(deployed),
        "--against",
        "provenance",
        "--id",
        "eq-1",
        "--lab",
        "xec",
        "--product",
        "korvath.gnb@9.0",
        "--date",
        "2026-03-01",
        "-r",
        "reg",
    )
    assert "1 identical, 0 differing, 0 missing, 1 extra" in out
    record = (lab / "records" / "eq-1.yaml").read_text()
    assert "method: provenance" in record and "extra_paths:\n- extra.bin" in record
    code, _, err = run(
        "lab",
        "equivalence",
        str(provenance),
        str(deployed),
        "--against",
        "nonsense",
        "--id",
        "eq-2",
        "--lab",
        "xec",
        "--product",
        "korvath.gnb@9.0",
        "-r",
        "reg",
    )
    assert code == 2 and "--against: expected tree, provenance or sbom" in err


def test_a_registry_that_cannot_be_made_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a directory")
    code, _, err = run(
        "registry", "add", "lab", "x", "--name", "X", "--kind", "test-lab", "-r", "afile/reg"
    )
    assert code == 2 and "afile/reg/labs/x.yaml: cannot write here" in err
    code, _, err = run(
        "registry", "add", "lab", "x", "--name", "X", "--kind", "test-lab", "-r", "new/reg"
    )
    assert code == 0 and (tmp_path / "new" / "reg" / "labs" / "x.yaml").is_file()


def test_attesting_needs_a_lab_of_the_keyring_and_its_valid_key(lab: Path, tmp_path: Path) -> None:
    add_finding("f-1", "9.0", "high")
    before = files(lab)
    pem, ring = key_files(tmp_path, "xop")
    code, _, err = run(*attest(pem, ring, lab="xop"))
    assert code == 2
    assert "--as: xop is an operator in the keyring; a lab attestation is signed by an" in err
    pem, ring = key_files(tmp_path, "xtl")
    code, _, err = run(*attest(pem, ring))
    assert code == 2 and "is not a key of xec in the keyring" in err
    expired = {"not_after": "2026-02-01T00:00:00Z"}
    pem, ring = key_files(tmp_path, xec=expired)
    code, _, err = run(*attest(pem, ring))
    assert code == 2 and "of xec: expired on 2026-02-01, before now" in err
    assert not (tmp_path / "att.json").exists()
    assert files(lab) == before


def test_red_goes_to_named_recipients_of_the_keyring_only(lab: Path, tmp_path: Path) -> None:
    add_finding("f-1", "9.0", "high")
    pem, ring = key_files(tmp_path)
    code, _, err = run(*attest(pem, ring, "--tlp", "RED"))
    assert code == 2 and "--tlp: TLP:RED is for named recipients only: give --to ORG" in err
    code, _, err = run(*attest(pem, ring, "--tlp", "RED", "--to", "XZ"))
    assert code == 2 and "--to: not organisations of the keyring: XZ" in err
    assert "to xcsa" in ok(*attest(pem, ring, "--tlp", "RED", "--to", "xcsa"))
    authority = tmp_path / "authority"
    shutil.copytree(lab, authority, ignore=shutil.ignore_patterns("records"))
    args = ["lab", "import", "att.json", "--keyring", str(ring), "-r", str(authority)]
    code, _, err = run(*args, "--as", "xop")
    assert code == 2 and "TLP:RED, addressed to xcsa, not xop" in " ".join(err.split())
    assert not (authority / "records").exists()
    assert "verified: signed by xec" in ok(*args, "--as", "xcsa")
