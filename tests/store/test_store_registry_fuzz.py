"""Fuzz: a registry whose files were damaged at random is either imported or refused with
located problems, and a refusal writes nothing; no other exception escapes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_world import DEMO_REGISTRY, RegistryWorld, build
from sqlalchemy import func, select

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Role
from fiveguard.modelio.registry_files import read_registry
from fiveguard.store import accounts, migrate, registry_records
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
from fiveguard.store.tables import AuditEntry, Blob, LabRecordRow, RegistryVersionRow

FILES = sorted(p.relative_to(DEMO_REGISTRY) for p in DEMO_REGISTRY.rglob("*.yaml"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryWorld]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/fiveguard.db"
    db = connect(database_url(url), create=True)
    migrate.upgrade(db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hash_password", lambda password: "not-a-hash")
        yield build(db)
    db.close()


def counts(world: RegistryWorld) -> tuple[int, ...]:
    with world.db.transaction() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (AuditEntry, Blob, LabRecordRow, RegistryVersionRow)
        )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(FILES),
    st.integers(0, 10_000),
    st.sampled_from(["flip", "delete", "insert"]),
    st.binary(min_size=1, max_size=8),
)
def test_a_damaged_registry_is_imported_or_refused_whole(
    world: RegistryWorld,
    tmp_path_factory: pytest.TempPathFactory,
    file: Path,
    at: int,
    op: str,
    junk: bytes,
) -> None:
    root = Path(shutil.copytree(DEMO_REGISTRY, tmp_path_factory.mktemp("reg") / "registry"))
    data = bytearray((root / file).read_bytes())
    at %= max(len(data), 1)
    if op == "flip":
        data[at] = junk[0]
    elif op == "delete":
        del data[at : at + len(junk)]
    else:
        data[at:at] = junk
    (root / file).write_bytes(bytes(data))
    before = counts(world)
    try:
        files = read_registry(root)
        with world.db.transaction() as s:
            registry_records.import_registry(s, world.members[("op-x", Role.ANALYST)], files)
    except InputError as exc:
        assert exc.problems and all(p.location.file for p in exc.problems)
        assert counts(world) == before  # refused: nothing written
