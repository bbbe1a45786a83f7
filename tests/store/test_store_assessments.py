"""Assessment runs: recorded with the digests of their inputs, catalogue, policy and
seed, so the result is reproduced exactly from what the record keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.assess.assessment import assess
from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.modelio.load import load_model
from fiveguard.store import accounts, assessments, snapshots
from fiveguard.store.database import Database

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


def analyst(db: Database) -> None:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(
            s, admin, "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XS"
        )
        accounts.add_user(s, admin, "alice", "correct horse battery staple")
        accounts.add_member(s, admin, "alice", "nra", Role.ANALYST)


def test_a_recorded_assessment_is_reproduced_from_the_record(db: Database, tmp_path: Path) -> None:
    analyst(db)
    catalogue = default_catalogue()
    result = assess(load_model(EXAMPLE, catalogue), catalogue, None)
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snap = snapshots.import_snapshot(s, alice, EXAMPLE, catalogue)
        run = assessments.record_assessment(
            s,
            alice,
            snap.id,
            result,
            catalogue_digest=result.metadata.catalogue_digest,
            policy=None,
            seed=None,
            trials=0,
        )
    assert run.inputs["snapshot"] == snap.digest
    assert set(run.inputs["files"]) == {"model.yaml", "sites.csv"}
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        kept = assessments.get_assessment(s, alice, run.id)
        model_path = snapshots.export_snapshot(s, alice, kept.snapshot_id, tmp_path / "again")
        stored = assessments.read_assessment_result(s, alice, run.id)
    assert kept.catalogue_digest == result.metadata.catalogue_digest
    again = assess(load_model(model_path, catalogue), catalogue, None)
    reproduced = again.model_dump(mode="json")
    # the one difference: where the model was read from
    assert reproduced["metadata"]["model"].pop("source") != stored["metadata"]["model"].pop(
        "source"
    )
    assert stored == reproduced
    assert (tmp_path / "again" / "sites.csv").read_bytes() == (
        EXAMPLE.parent / "sites.csv"
    ).read_bytes()


def test_a_run_is_at_least_as_restricted_as_its_snapshot(db: Database) -> None:
    analyst(db)
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snap = snapshots.import_snapshot(
            s, alice, EXAMPLE, default_catalogue(), tlp=Tlp.AMBER_STRICT
        )
        with pytest.raises(InputError, match="carries at least that label"):
            assessments.record_assessment(
                s,
                alice,
                snap.id,
                {},
                catalogue_digest="0" * 64,
                policy=None,
                seed=1,
                trials=0,
                tlp=Tlp.GREEN,
            )
        assert (
            assessments.record_assessment(
                s, alice, snap.id, {}, catalogue_digest="0" * 64, policy=None, seed=1, trials=0
            ).tlp
            == Tlp.AMBER_STRICT
        )


def test_versions_and_deduplicated_blobs(db: Database, tmp_path: Path) -> None:
    analyst(db)
    copy = tmp_path / "model.yaml"
    copy.write_text(EXAMPLE.read_text())
    (tmp_path / "sites.csv").write_bytes((EXAMPLE.parent / "sites.csv").read_bytes())
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        first = snapshots.import_snapshot(s, alice, copy, default_catalogue())
    copy.write_text(EXAMPLE.read_text().replace("\nscope:", "\n# reviewed\nscope:"))
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        second = snapshots.import_snapshot(s, alice, copy, default_catalogue())
    assert (first.version, second.version) == (1, 2) and first.digest != second.digest
    sites = {f.path: f.digest for f in first.files}["sites.csv"]
    assert {f.path: f.digest for f in second.files}["sites.csv"] == sites  # stored once
