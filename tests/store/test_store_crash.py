"""Crash safety: an import killed (SIGKILL) at random moments loses nothing committed and
leaves nothing half-written, on both databases. The moments are drawn from a fixed seed;
no timing is asserted, only the state of the record after each kill."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.modelio.dump import write_model
from fiveguard.modelio.generate import generate_model
from fiveguard.store import accounts, audit
from fiveguard.store.blobs import blob_holds
from fiveguard.store.database import Database
from fiveguard.store.tables import AuditEntry, Blob, ModelSnapshot, SnapshotFile

KILLS = 6
SITES = 20_000


def check_whole(db: Database) -> int:
    """Assert the record is whole; return how many snapshots it holds."""
    with db.transaction() as s:
        assert audit.verify(s).holds
        snapshots = s.execute(select(func.count()).select_from(ModelSnapshot)).scalar_one()
        imports = s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "snapshot.import")
        ).scalar_one()
        assert snapshots == imports  # every committed import is logged, and nothing else
        for digest in s.execute(select(Blob.digest)).scalars():
            assert blob_holds(s, digest)  # every chunk there and whole
        referenced = set(s.execute(select(SnapshotFile.digest)).scalars())
        assert set(s.execute(select(Blob.digest)).scalars()) == referenced  # no orphan blob
        for snapshot in s.execute(select(ModelSnapshot)).scalars():
            files = s.execute(
                select(func.count())
                .select_from(SnapshotFile)
                .where(SnapshotFile.snapshot_id == snapshot.id)
            ).scalar_one()
            assert files == 2  # the model and its site file, never one of them alone
    return int(snapshots)


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_the_record_whole(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(s, admin, "op", OrganisationKind.OPERATOR, country="XS")
        accounts.add_user(s, admin, "alice", "correct horse battery staple")
        accounts.add_member(s, admin, "alice", "op", Role.ANALYST)
    models = []
    for seed in range(KILLS + 1):
        target = tmp_path / f"m{seed}" / "model.yaml"
        target.parent.mkdir()
        write_model(generate_model(SITES, 3, 5, seed=seed), target)
        models.append(target)
    draw = random.Random(20261121)
    env = {
        **os.environ,
        "FIVEGUARD_DATABASE_URL": db.url.render_as_string(False),
        "FIVEGUARD_USER": "alice",
    }
    command = [sys.executable, "-m", "fiveguard", "store", "import", "--org", "op"]
    committed = killed = 0
    for model in models[:KILLS]:
        process = subprocess.Popen(
            [*command, str(model)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(draw.uniform(0.5, 6.0))  # a moment to kill at, not a measurement
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        code = process.wait()
        committed += code == 0
        killed += code == -signal.SIGKILL
        held = check_whole(db)
        assert held >= committed  # nothing committed was lost
    assert killed > 0  # the test did kill imports under way
    done = subprocess.run(
        [*command, str(models[-1])], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr  # the record is usable after every kill
    assert check_whole(db) >= committed + 1
