"""Lab attestations verified into the record (``lab import`` without ``--registry``): the
same checks as into files, the same files out again, held once, and a keyring pinned with
``--state`` (another keyring, or an older version of it, refused)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_world import AFTER_EMBARGO, DEMO_REGISTRY, RegistryWorld, build
from sqlalchemy import func, select

from fiveguard.cli.exchange import verified_keyring
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Role
from fiveguard.modelio.registry_files import read_registry
from fiveguard.store import accounts, registry_records
from fiveguard.store.database import Database
from fiveguard.store.tables import AuditEntry, LabAttestationRow, LabRecordRow

KEYRING = DEMO_REGISTRY.parent / "keyring.json"
VERIFIED = dt.date(2026, 9, 1)  # the day the demo's attestations were verified
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)


def envelopes() -> list[Path]:
    """The demo's envelopes in the order they were imported: the lab's AMBER findings
    before the RED attestation that replaces two of them."""

    def order(path: Path) -> tuple[str, int]:
        payload = json.loads(base64.b64decode(json.loads(path.read_bytes())["payload"]))
        tlp = payload["predicate"]["tlp"]
        return payload["predicate"]["issued_at"], tlp == "RED"

    return sorted((DEMO_REGISTRY / "attestations").glob("*.dsse.json"), key=order)


def label_of(path: Path) -> str:
    payload = json.loads(base64.b64decode(json.loads(path.read_bytes())["payload"]))
    return str(payload["predicate"]["tlp"])


def entries_only(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(DEMO_REGISTRY, tmp_path / "entries"))
    shutil.rmtree(root / "records")
    shutil.rmtree(root / "attestations")
    return root


@pytest.fixture
def world(db: Database, tmp_path: Path) -> Iterator[RegistryWorld]:
    """Organisations of every kind with the demo's registry entries, no lab record yet."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hash_password", lambda password: "not-a-hash")
        patch.setattr("registry_world.DEMO_REGISTRY", entries_only(tmp_path))
        yield build(db)


def test_attestations_imported_into_the_record_export_as_the_demo_registry(
    world: RegistryWorld, tmp_path: Path
) -> None:
    ring = verified_keyring(KEYRING).current
    analyst = world.members[("xcsa", Role.ANALYST)]
    for path in envelopes():
        with world.db.transaction() as s:
            found = registry_records.import_attestation(
                s, analyst, path.read_bytes(), path.name, ring, now_at=NOW, verified_on=VERIFIED
            )
        assert found.done.attestations == 1
        assert found.accepted.signed.organisation in ("xec", "xtl")
    with world.db.transaction() as s:
        written = registry_records.export_registry(s, analyst, tmp_path / "out", AFTER_EMBARGO)
    exported = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes() for p in written}
    demo = {
        p.relative_to(DEMO_REGISTRY).as_posix(): p.read_bytes()
        for p in DEMO_REGISTRY.rglob("*")
        if p.is_file()
    }
    assert exported == demo  # exactly what `lab import -r registry/` wrote
    with world.db.transaction() as s:
        actions = [e.action for e in s.execute(select(AuditEntry)).scalars()]
    assert actions.count("attestation.import") == 4


def test_the_same_attestation_is_held_once_and_shared_with_its_lab(world: RegistryWorld) -> None:
    ring = verified_keyring(KEYRING).current
    path = envelopes()[0]
    for who in (("xcsa", Role.ANALYST), ("xec", Role.ANALYST)):
        with world.db.transaction() as s:
            registry_records.import_attestation(
                s,
                world.members[who],
                path.read_bytes(),
                path.name,
                ring,
                now_at=NOW,
                verified_on=VERIFIED + dt.timedelta(days=len(who[0])),
            )
    with world.db.transaction() as s:
        assert s.execute(select(func.count()).select_from(LabAttestationRow)).scalar_one() == 1
        records = s.execute(select(func.count()).select_from(LabRecordRow)).scalar_one()
        payload = json.loads(base64.b64decode(json.loads(path.read_bytes())["payload"]))
        assert records == len(payload["predicate"]["records"])


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (("op-x", Role.ANALYST), "TLP:AMBER is for the keyring's organisations"),
        (("xcsa", Role.VIEWER), "does not allow to import a lab attestation"),
        (("eu", Role.ORG_ADMIN), "lab attestations are imported by authorities"),
    ],
)
def test_who_may_not_import_an_attestation_into_the_record(
    world: RegistryWorld, who: tuple[str, Role], message: str
) -> None:
    ring = verified_keyring(KEYRING).current
    path = next(p for p in envelopes() if label_of(p) == "AMBER")
    with pytest.raises(InputError) as caught, world.db.transaction() as s:
        registry_records.import_attestation(
            s,
            world.members[who],
            path.read_bytes(),
            path.name,
            ring,
            now_at=NOW,
            verified_on=VERIFIED,
        )
    assert message in str(caught.value)


def test_a_forged_envelope_writes_nothing(world: RegistryWorld) -> None:
    ring = verified_keyring(KEYRING).current
    path = envelopes()[0]
    envelope = json.loads(path.read_bytes())
    signature = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    signature[0] ^= 1
    envelope["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
    forged = json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
    with world.db.transaction() as s:
        before = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    with pytest.raises(InputError), world.db.transaction() as s:
        registry_records.import_attestation(
            s,
            world.members[("xcsa", Role.ANALYST)],
            forged,
            path.name,
            ring,
            now_at=NOW,
            verified_on=VERIFIED,
        )
    with world.db.transaction() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before
        assert s.execute(select(func.count()).select_from(LabRecordRow)).scalar_one() == 0


def test_lab_import_pins_the_keyring_in_its_state_file(db_url: str, tmp_path: Path) -> None:
    from test_record_cli import Cli

    cli = Cli(db_url)
    registry = entries_only(tmp_path)
    for args in (
        ("db", "upgrade"),
        ("user", "add", "admin", "--instance-admin"),
        (
            "org",
            "add",
            "xcsa",
            "--kind",
            "national-authority",
            "--country",
            "XA",
            "--user",
            "admin",
        ),
        ("user", "add", "alice", "--org", "xcsa", "--role", "analyst", "--user", "admin"),
        ("registry", "import", str(registry), "--user", "alice"),
    ):
        assert cli(*args)[0] == 0, args
    state = tmp_path / "lab-state.json"
    first, second = envelopes()[:2]
    base = ("lab", "import", "--keyring", str(KEYRING), "--state", str(state), "--user", "alice")
    code, out, err = cli(*base[:2], str(first), *base[2:])
    assert code == 0, err
    assert "signed by x" in out and "kept in the record for xcsa" in out
    pinned = json.loads(state.read_text())
    ring = verified_keyring(KEYRING)
    assert (pinned["keyring_anchor"], pinned["keyring_version"]) == (
        ring.anchor,
        ring.current.version,
    )
    for key, value, message in (
        ("keyring_version", ring.current.version + 1, "a rolled-back keyring is refused"),
        ("keyring_anchor", "0" * 64, "is not the one trusted before"),
    ):
        state.write_text(json.dumps({**pinned, key: value}))
        code, _, err = cli(*base[:2], str(second), *base[2:])
        assert code == 2 and message in err and f"{state.name}: keyring" in err
    code, _, err = cli(
        "lab", "import", str(second), "--keyring", str(KEYRING), "--user", "alice", "--as", "xec"
    )
    assert code == 2 and "--as" in err and "acts for xcsa, not xec" in err
    # the pinned keyring works for a file registry just the same
    state.write_text(json.dumps(pinned))
    files = tmp_path / "files"
    shutil.copytree(registry, files)
    code, out, err = cli(
        "lab",
        "import",
        str(first),
        "--keyring",
        str(KEYRING),
        "-r",
        str(files),
        "--as",
        "xcsa",
        "--state",
        str(state),
    )
    assert code == 0, err
    assert read_registry(files).registry.records


def test_an_importer_outside_the_keyring_is_told_what_the_record_used_not_as(
    world: RegistryWorld,
) -> None:
    ring = verified_keyring(KEYRING).current
    path = next(p for p in envelopes() if label_of(p) == "AMBER")
    principal = world.members[("op-x", Role.ANALYST)]
    with pytest.raises(InputError) as caught, world.db.transaction() as s:
        registry_records.import_attestation(
            s, principal, path.read_bytes(), path.name, ring, now_at=NOW, verified_on=VERIFIED
        )
    message = str(caught.value)
    assert (
        f"the record imports as {principal.actor}'s organisation, op-x, which is not an "
        f"organisation of the keyring (version {ring.version})"
    ) in message
    assert "--as" not in message
