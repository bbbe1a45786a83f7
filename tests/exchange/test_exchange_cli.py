"""``fiveguard exchange export`` and ``verify`` as an authority and the EU level run them."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from exchange_helpers import SMALL_MODEL, Ring, Signer, make_ring
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.exchange import keys
from fiveguard.exchange.keyring import keyring_json

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PASS = "test passphrase, not a secret"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", PASS)


def write_key(s: Signer, folder: Path) -> Path:
    path = folder / f"{s.organisation}-{s.keyid[:8]}.key"
    path.write_bytes(keys.private_pem(s.key, PASS.encode()))
    path.with_name(path.name.removesuffix(".key") + ".pub.json").write_text(
        s.public.model_dump_json()
    )
    return path


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ring, Path]:
    ring = make_ring({"XS-NCA": 1, "XA-NCA": 1, "EU-COORD": 1, "XS-OP": 1})
    folder = tmp_path_factory.mktemp("exchange")
    (folder / "ring.json").write_bytes(keyring_json(ring.keyring))
    for org in ("XS-NCA", "XA-NCA", "XS-OP"):
        write_key(ring.first(org), folder)
    return ring, folder


def export_args(folder: Path, ring: Ring, out: Path, *more: str) -> list[str]:
    key = next(folder.glob("XS-NCA-*.key"))
    return ["exchange", "export", str(SMALL_MODEL), "--key", str(key), "--to", "EU-COORD",
            "--tlp", "amber", "--out", str(out), "--trials", "0", *more]  # fmt: skip


def test_export_then_verify_as_the_recipient(setting: tuple[Ring, Path], tmp_path: Path) -> None:
    ring, folder = setting
    out = tmp_path / "xs.dsse.json"
    state = tmp_path / "in.json"
    code, stdout, err = run(*export_args(folder, ring, out, "--keyring", str(folder / "ring.json")))
    assert code == 0, err
    assert "TLP:AMBER to EU-COORD, sequence 1" in stdout
    args = ["exchange", "verify", str(out), "--keyring", str(folder / "ring.json")]
    code, stdout, err = run(*args, "--as", "EU-COORD", "--state", str(state))
    assert code == 0, err
    assert "verified" in stdout and "signed by XS-NCA: 1 valid signature(s) of the 1" in stdout
    assert json.loads(state.read_text())["accepted"]["XS-NCA"]["sequence"] == 1
    before = state.read_bytes()
    code, _, err = run(*args, "--as", "EU-COORD", "--state", str(state))
    assert code == 2
    assert "a replay or an older bundle" in err and "Traceback" not in err
    assert state.read_bytes() == before
    code, _, err = run(*args, "--as", "XA-NCA")
    assert code == 2 and "XA-NCA is not a recipient of this TLP:AMBER bundle" in err


def test_export_state_counts_the_sequence_up(setting: tuple[Ring, Path], tmp_path: Path) -> None:
    ring, folder = setting
    state = tmp_path / "out-state.json"
    for n in (1, 2):
        code, stdout, err = run(
            *export_args(folder, ring, tmp_path / f"{n}.json", "--state", str(state))
        )
        assert code == 0, err
        assert f"sequence {n}" in stdout
    issued = json.loads(state.read_text())["issued"]["XS-NCA"]
    assert issued["sequence"] == 2
    second = json.loads((tmp_path / "2.json").read_text())
    predicate = json.loads(base64.b64decode(second["payload"]))["predicate"]
    assert predicate["supersedes"] is not None and predicate["sequence"] == 2


def test_export_with_a_recipient_outside_the_keyring_writes_nothing(
    setting: tuple[Ring, Path], tmp_path: Path
) -> None:
    ring, folder = setting
    out = tmp_path / "x.json"
    args = export_args(folder, ring, out, "--keyring", str(folder / "ring.json"), "--to", "XZ")
    code, _, err = run(*args)
    assert code == 2
    assert "command line: --to: XZ is not an organisation of the keyring" in err
    assert not out.exists()


def test_export_by_another_state_than_the_model_is_refused(
    setting: tuple[Ring, Path], tmp_path: Path
) -> None:
    _, folder = setting
    key = next(folder.glob("XA-NCA-*.key"))
    args = ["exchange", "export", str(SMALL_MODEL), "--key", str(key), "--to", "EU-COORD",
            "--tlp", "AMBER", "--out", str(tmp_path / "x.json"), "--keyring",
            str(folder / "ring.json")]  # fmt: skip
    code, _, err = run(*args)
    assert code == 2
    assert "--origin: XA-NCA is an organisation of XA; the model is of XS" in err


def test_export_by_an_operator_is_refused_before_signing(
    setting: tuple[Ring, Path], tmp_path: Path
) -> None:
    _, folder = setting
    key = next(folder.glob("XS-OP-*.key"))
    out = tmp_path / "x.json"
    args = ["exchange", "export", str(SMALL_MODEL), "--key", str(key), "--to", "EU-COORD",
            "--tlp", "AMBER", "--out", str(out), "--trials", "0", "--keyring",
            str(folder / "ring.json")]  # fmt: skip
    code, _, err = run(*args)
    assert code == 2, err
    assert (
        "--origin: XS-OP is an operator in the keyring and may not issue a national summary; "
        "only a national-authority may"
    ) in " ".join(err.split())
    assert not out.exists()


def test_a_100_mb_file_is_refused_unread(setting: tuple[Ring, Path], tmp_path: Path) -> None:
    _, folder = setting
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    code, _, err = run("exchange", "verify", str(big), "--keyring", str(folder / "ring.json"))
    assert code == 2
    assert "envelope too large: 104,857,600 bytes (limit 16,777,216); nothing was read" in err


def test_bad_tlp_label_is_a_located_problem(setting: tuple[Ring, Path], tmp_path: Path) -> None:
    ring, folder = setting
    args = export_args(folder, ring, tmp_path / "x.json")
    args[args.index("amber")] = "orange"
    code, _, err = run(*args)
    assert code == 2
    assert "command line: --tlp: unknown TLP label 'orange'; expected one of CLEAR, GREEN" in err
