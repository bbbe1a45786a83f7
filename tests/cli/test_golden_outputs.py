"""The commands' outputs, byte for byte, against outputs kept in tests/cli/golden/:
the terminal text (stdout and stderr), the JSON and the files written, for validate,
whatif, simulate, assess, demo, the exchange (export, verify, coordinate) and the SBOM
import. Moving the orchestration of a command into :mod:`fiveguard.app` must not change
what it prints or writes.

What differs from run to run by design is masked before comparing: the temporary
directory and the package's (and the padding that follows them), times of day, bundle
UUIDs, elapsed seconds, and what is derived from the time (signatures and digests of
signed payloads). When an output is meant to change,
regenerate the kept outputs and review the diff:

    FIVEGUARD_UPDATE_GOLDEN=1 pytest tests/cli/test_golden_outputs.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("FIVEGUARD_UPDATE_GOLDEN") == "1"
SMALL = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PASSPHRASE = "golden outputs passphrase, not a secret"
MASKS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"), "<TIME>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<UUID>"),
    (re.compile(r"\b\d+(\.\d+)? ?s\b(?= *(\n|$|\)|,))"), "<SECONDS>"),
    (re.compile(r"in \d+(\.\d+)? ?(s|seconds|ms)\b"), "in <SECONDS>"),
    (re.compile(r"[^\s'\"(]*fiveguard/examples/"), "<PACKAGE>/examples/"),
)
TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
SIGNED_FIELDS = re.compile(r'"(sig|payload|payload_sha256|sha256)": "[^"]*"')


def _key(name: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


class Run:
    """The commands run in one directory, their outputs collected by name."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.outputs: dict[str, str] = {}
        self.runner = CliRunner()

    def __call__(self, name: str, *args: str) -> None:
        result = self.runner.invoke(
            app, list(args), env={"COLUMNS": "200", "FIVEGUARD_KEY_PASSPHRASE": PASSPHRASE}
        )
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.outputs[name] = (
            f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        )

    def file(self, name: str, path: Path) -> None:
        self.outputs[name] = path.read_text(encoding="utf-8")

    def masked(self) -> dict[str, str]:
        out = {}
        for name, produced in self.outputs.items():
            text = produced.replace(str(self.where.resolve()), "<TMP>")
            text = text.replace(str(self.where), "<TMP>")
            text = text.replace(str(SMALL.parent.resolve()), "<EXAMPLES>")
            for pattern, mask in MASKS:
                text = pattern.sub(mask, text)
            text = TRAILING_SPACE.sub("", text)  # padding to a path's length, masked
            out[name] = SIGNED_FIELDS.sub(lambda m: f'"{m.group(1)}": "<SIGNED>"', text)
        return out


def model_commands(run: Run) -> None:
    small = str(SMALL)
    run("validate", "validate", small)
    run("validate-json", "validate", small, "--json")
    run("whatif", "whatif", small, "-e", "supplier-update:nordvik", "--mode", "sabotage")
    run("whatif-json", "whatif", small, "-e", "supplier-update:eastwave", "-e", "region-power:R1")
    run(
        "simulate-json",
        "simulate",
        small,
        "--trials",
        "300",
        "--seed",
        "3",
        "--workers",
        "1",
        "--json",
    )
    run("simulate", "simulate", small, "--trials", "300", "--seed", "3", "--workers", "1")
    run("assess", "assess", small, "--trials", "64", "--seed", "1")
    run("assess-json", "assess", small, "--trials", "0", "--policy", "BE-2020-07", "--json")
    out = run.where / "assessed"
    run("assess-out", "assess", small, "--trials", "32", "--seed", "2", "--out", str(out))
    run.file("assess-out-assessment.json", out / "assessment.json")
    run.file("assess-out-report.html", out / "report.html")
    demo = run.where / "demo"
    run("demo", "demo", "--out", str(demo))


def exchange_commands(run: Run) -> None:
    """A keyring of fixed keys (so the output names the same key ids every time)."""
    import datetime as dt

    from fiveguard.domain.parties import OrganisationKind
    from fiveguard.exchange import keyring_edit, keys
    from fiveguard.exchange.keyring import Organisation, keyring_json

    start, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    root = _key("root")
    root_public = keys.describe("root", root)
    ring = keyring_edit.new_keyring([root_public], 1, start, end)
    for org_id, kind, country in (
        ("XS-NCA", OrganisationKind.NATIONAL_AUTHORITY, "XS"),
        ("EU-COORD", OrganisationKind.EU_COORDINATOR, None),
    ):
        org = Organisation(id=org_id, name=org_id, kind=kind, country=country, threshold=1)
        ring, _ = keyring_edit.add_organisation(ring, org, start)
        public = keys.describe(org_id, _key(org_id))
        ring, _ = keyring_edit.add_key(ring, org_id, public, start, end, start)
        (run.where / f"{org_id}.key").write_bytes(
            keys.private_pem(_key(org_id), PASSPHRASE.encode())
        )
        (run.where / f"{org_id}.pub.json").write_text(public.model_dump_json(indent=2))
    ring, _ = keyring_edit.sign_keyring(ring, root, root_public.keyid)
    keyring = run.where / "keyring.json"
    keyring.write_bytes(keyring_json(ring))
    envelope = run.where / "xs.dsse.json"
    run(
        "exchange-export",
        "exchange", "export", str(SMALL), "--key", str(run.where / "XS-NCA.key"),
        "--to", "EU-COORD", "--tlp", "AMBER", "--out", str(envelope),
        "--keyring", str(keyring), "--trials", "32", "--seed", "1",
    )  # fmt: skip
    data = json.loads(envelope.read_text())
    run.outputs["exchange-envelope-statement"] = json.dumps(
        json.loads(__import__("base64").b64decode(data["payload"])), indent=1, sort_keys=True
    )
    run(
        "exchange-verify",
        "exchange",
        "verify",
        str(envelope),
        "--keyring",
        str(keyring),
        "--as",
        "EU-COORD",
    )
    run(
        "coordinate-json",
        "coordinate",
        str(envelope),
        "--keyring",
        str(keyring),
        "--as",
        "EU-COORD",
        "--json",
    )
    run("coordinate", "coordinate", str(envelope), "--keyring", str(keyring), "--as", "EU-COORD", "--out", str(run.where / "eu"))  # fmt: skip


SBOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "metadata": {
        "component": {"type": "application", "name": "Nordvik Core AMF", "version": "5.2"}
    },
    "components": [
        {
            "type": "library",
            "name": "openssl",
            "version": "3.0.7",
            "purl": "pkg:generic/openssl@3.0.7",
        },
        {"type": "library", "name": "zlib", "version": "1.2.13", "purl": "pkg:generic/zlib@1.2.13"},
    ],
}


def evidence_commands(run: Run) -> None:
    import shutil

    model = run.where / "net" / "model.yaml"
    model.parent.mkdir()
    model.write_text(SMALL.read_text() + "\nevidence_dirs: [evidence]\n")
    shutil.copy(SMALL.parent / "sites.csv", model.parent / "sites.csv")
    sbom = run.where / "amf.cdx.json"
    sbom.write_text(json.dumps(SBOM, indent=1))
    run("evidence-sbom", "evidence", "sbom", "nv-amf@5.2", str(sbom))
    run("evidence-sbom-json", "evidence", "sbom", "nv-amf@5.2", str(sbom), "--json")
    run("evidence-sbom-model", "evidence", "sbom", "nv-amf@5.2", str(sbom), "-m", str(model))
    for record in sorted((model.parent / "evidence").iterdir()):
        run.file(f"evidence-record-{record.name}", record)
    run("evidence-assurance", "evidence", "assurance", str(model))


SCENARIOS: dict[str, Callable[[Run], None]] = {
    "model": model_commands,
    "evidence": evidence_commands,
    "exchange": exchange_commands,
}


@pytest.fixture
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both consoles 200 columns wide, whatever another test left them at."""
    from fiveguard.cli.app import console, err_console

    for terminal in (console, err_console):
        monkeypatch.setattr(terminal, "_width", 200)


@pytest.mark.usefixtures("wide_consoles")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_outputs_are_byte_identical_to_the_kept_ones(scenario: str, tmp_path: Path) -> None:
    run = Run(tmp_path)
    SCENARIOS[scenario](run)
    produced = run.masked()
    if UPDATE:
        for name, text in produced.items():
            (GOLDEN / f"{name}.txt").write_text(text, encoding="utf-8")
    for name, text in produced.items():
        kept = GOLDEN / f"{name}.txt"
        assert kept.is_file(), f"no kept output {kept.name}: run with FIVEGUARD_UPDATE_GOLDEN=1"
        assert text == kept.read_text(encoding="utf-8"), f"{name} differs from {kept.name}"
