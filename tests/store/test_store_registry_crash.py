"""Crash safety of a registry import: killed (SIGKILL) at random moments, it leaves the
record with the whole registry or none of it, on both databases. The moments are drawn
from a fixed seed; no timing is asserted, only the state of the record after each kill."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from registry_world import DEMO_REGISTRY
from sqlalchemy import func, select

from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.store import accounts, audit
from fiveguard.store.database import Database
from fiveguard.store.tables import (
    AuditEntry,
    LabAttestationRow,
    LabRecordRow,
    RegistryProductRow,
    RegistryVersionRow,
)

KILLS = 5
WHOLE = (35, 13, 4)  # the demo's products, lab records and attestations


def held(db: Database) -> tuple[int, int, int]:
    """The record's products, lab records and attestations, after checking it is whole."""
    with db.transaction() as s:
        assert audit.verify(s).holds
        counts = tuple(
            int(s.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (RegistryProductRow, LabRecordRow, LabAttestationRow)
        )
        imports = s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "registry.import")
        ).scalar_one()
        versions = s.execute(select(func.count()).select_from(RegistryVersionRow)).scalar_one()
    assert counts in ((0, 0, 0), WHOLE)  # all of it, or none of it
    assert imports == (counts != (0, 0, 0))  # committed and logged together, once
    assert (versions > 0) == (counts != (0, 0, 0))
    return counts  # type: ignore[return-value]


@pytest.mark.slow
def test_a_registry_import_killed_at_any_moment_leaves_all_of_it_or_none(db: Database) -> None:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(
            s, admin, "xcsa", OrganisationKind.NATIONAL_AUTHORITY, country="XA"
        )
        accounts.add_user(s, admin, "alice", "correct horse battery staple")
        accounts.add_member(s, admin, "alice", "xcsa", Role.ANALYST)
    draw = random.Random(20261207)
    env = {
        **os.environ,
        "FIVEGUARD_DATABASE_URL": db.url.render_as_string(False),
        "FIVEGUARD_USER": "alice",
    }
    command = [sys.executable, "-m", "fiveguard", "registry", "import", str(DEMO_REGISTRY)]
    killed = 0
    for _ in range(KILLS):
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(draw.uniform(0.5, 4.0))  # a moment to kill at, not a measurement
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        killed += process.wait() == -signal.SIGKILL
        held(db)
    assert killed > 0  # the test did kill imports under way
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # the record is usable after every kill
    assert held(db) == WHOLE
