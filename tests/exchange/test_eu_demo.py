"""``fiveguard demo --eu`` and ``fiveguard coordinate`` as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eu") / "demo"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("FIVEGUARD_KEY_PASSPHRASE", raising=False)
        code, stdout, err = run("demo", "--eu", "--out", str(out))
    assert code == 0, err
    assert "EU demo: 3 member states (XA, XB, XR) signed TLP:AMBER summaries" in stdout
    return out


def test_the_eu_demo_writes_keyring_envelopes_and_the_coordinated_view(demo: Path) -> None:
    assert sorted(p.name for p in (demo / "envelopes").iterdir()) == [
        "XA.dsse.json",
        "XB.dsse.json",
        "XR.dsse.json",
    ]
    view = json.loads((demo / "coordinated" / "coordination.json").read_text())
    assert view["tlp"] == "AMBER" and view["countries"] == ["XA", "XB", "XR"]
    keys = {s["key"]: s for s in view["suppliers"]}
    korvath = keys["lei:FGDEMOKORVATH0000080"]
    assert [p["country"] for p in korvath["states"]] == ["XA", "XB", "XR"]
    assert any(f["disagreement"] for f in korvath["factors"])
    assert any(c["problem"] == "one lei, different names" for c in view["name_checks"])
    # one product version deployed in all three states: its fault crosses borders
    crossing = [c for c in view["common_mode"] if c["kind"] == "version" and c["states_hit"] == 3]
    assert crossing and crossing[0]["people_without_service"] == sum(
        s["people_without_service"] for s in crossing[0]["by_state"]
    )
    assert (demo / "coordinated" / "report.html").read_text().count("TLP:AMBER") >= 3


def test_demo_keys_are_encrypted_and_the_generated_passphrase_is_private(demo: Path) -> None:
    secret = demo / "keys" / "passphrase.txt"
    assert secret.stat().st_mode & 0o777 == 0o600
    for key in (demo / "keys").glob("*.key"):
        assert key.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_demo_envelopes_verify_and_refuse_a_wrong_reader(demo: Path) -> None:
    ring = str(demo / "keyring.json")
    code, out, err = run("exchange", "verify", str(demo / "envelopes" / "XA.dsse.json"),
                         "--keyring", ring, "--as", "EU-COORD")  # fmt: skip
    assert code == 0, err
    assert "signed by XA-NCA" in out
    code, _, err = run("exchange", "verify", str(demo / "envelopes" / "XA.dsse.json"),
                       "--keyring", ring, "--as", "XB-NCA")  # fmt: skip
    assert code == 2 and "XB-NCA is not a recipient of this TLP:AMBER bundle" in err


def test_coordinate_refuses_the_run_listing_every_failure_and_writes_nothing(
    demo: Path, tmp_path: Path
) -> None:
    envelopes = demo / "envelopes"
    bad = tmp_path / "bad.dsse.json"
    data = json.loads((envelopes / "XA.dsse.json").read_text())
    data["signatures"] = []
    bad.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True))
    cut = tmp_path / "cut.dsse.json"
    cut.write_bytes((envelopes / "XB.dsse.json").read_bytes()[:500])
    out = tmp_path / "view"
    code, _, err = run("coordinate", str(envelopes / "XR.dsse.json"), str(bad), str(cut),
                       "--keyring", str(demo / "keyring.json"), "--as", "EU-COORD",
                       "--out", str(out))  # fmt: skip
    assert code == 2
    assert f"{bad}: signatures: unsigned: the envelope carries no signature" in err
    assert f"{cut}:1:" in err and "JSON syntax error" in err
    assert "error: 2 problems found." in err
    assert not out.exists()


def test_coordinate_writes_the_view(demo: Path, tmp_path: Path) -> None:
    envelopes = sorted(str(p) for p in (demo / "envelopes").iterdir())
    out = tmp_path / "view"
    code, stdout, err = run("coordinate", *envelopes, "--keyring", str(demo / "keyring.json"),
                            "--as", "EU-COORD", "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert "coordinated view of 3 member states (XA, XB, XR)" in stdout
    assert "3 state(s) summed year by year" in stdout
    assert (out / "coordination.json").exists() and (out / "report.html").exists()


def test_the_demo_states_simulate_the_same_years(demo: Path) -> None:
    view = json.loads((demo / "coordinated" / "coordination.json").read_text())
    federated = view["federated"]
    assert [s["country"] for s in federated["states"]] == ["XA", "XB", "XR"]
    assert federated["not_included"] == []
    # suppliers shared by LEI hit the states in the same years: all three together far
    # more often than independent states would be
    every = federated["states_hit"][-1]
    assert every["states"] == 3
    assert every["probability"] > 1.5 * every["if_independent"]
    # docs/exchange.md quotes the demo's figures
    none = federated["states_hit"][0]
    doc = (Path(__file__).parents[2] / "docs" / "exchange.md").read_text(encoding="utf-8")
    quoted = re.search(
        r"\(([\d.]+) % of the years against\s+([\d.]+) %\), and none is hit in (\d+) % "
        r"against (\d+) %",
        doc,
    )
    assert quoted is not None
    figures = [every["probability"], every["if_independent"], none["probability"],
               none["if_independent"]]  # fmt: skip
    for text, value in zip(quoted.groups(), figures, strict=True):
        assert float(text) == float(f"{100 * value:.2g}")
    assert "Federated Monte Carlo" in (demo / "coordinated" / "report.html").read_text()


def test_running_the_eu_demo_again_replaces_its_files(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again"
    shutil.copytree(demo, copy)
    (copy / "notes.txt").write_text("mine")
    code, _, err = run("demo", "--eu", "--out", str(copy))
    assert code == 0, err
    assert (copy / "notes.txt").read_text() == "mine"
    assert len(list((copy / "keys").glob("*.key"))) == 5


def test_reshare_and_publish_from_the_demo(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "FIVEGUARD_KEY_PASSPHRASE", (demo / "keys" / "passphrase.txt").read_text().strip()
    )
    ring = str(demo / "keyring.json")
    key = str(next((demo / "keys").glob("EU-COORD-*.key")))
    shared = tmp_path / "xa-for-xb.dsse.json"
    code, out, err = run("exchange", "reshare", str(demo / "envelopes" / "XA.dsse.json"),
                         "--keyring", ring, "--as", "EU-COORD", "--key", key, "--to", "XB-NCA",
                         "--out", str(shared))  # fmt: skip
    assert code == 0, err
    assert "XA's summary re-shared by EU-COORD to XB-NCA as TLP:AMBER" in out
    code, out, err = run("exchange", "verify", str(shared), "--keyring", ring, "--as", "XB-NCA")
    assert code == 0, err
    assert "re-shared from XA-NCA's bundle" in out
    counts = tmp_path / "counts.json"
    envelopes = sorted(str(p) for p in (demo / "envelopes").iterdir())
    code, out, err = run("exchange", "publish", *envelopes, "--keyring", ring, "--as",
                         "EU-COORD", "--min-cell", "2", "--out", str(counts))  # fmt: skip
    assert code == 0, err
    assert "TLP:CLEAR counts of 3 state(s), minimum cell size 2" in out
    assert "withheld:" in out
    assert json.loads(counts.read_text())["tlp"] == "CLEAR"
