"""Assessments of stored snapshots: recorded with everything needed to give them again,
and given again from the record with the same result, byte for byte; every difference
or bad input named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_record_cli import EXAMPLE, Cli, audit_rows

from fiveguard.app import record as app_record
from fiveguard.app.record import assess_snapshot, first_difference, reproduce_run
from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.store import accounts, assessments, audit, snapshots
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database

PASSWORD = "correct horse battery staple"


def people(db: Database) -> None:
    """An authority with an analyst and a viewer; an operator it supervises."""
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", PASSWORD, instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(
            s, admin, "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XS"
        )
        accounts.add_organisation(
            s, admin, "op-a", OrganisationKind.OPERATOR, country="XS", supervisor="nra"
        )
        for name, org, role in (
            ("alice", "nra", Role.ANALYST),
            ("vera", "nra", Role.VIEWER),
            ("otto", "op-a", Role.ANALYST),
        ):
            accounts.add_user(s, admin, name, PASSWORD)
            accounts.add_member(s, admin, name, org, role)


def test_a_stored_snapshot_is_assessed_recorded_and_reproduced(db: Database) -> None:
    people(db)
    catalogue = default_catalogue()
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snapshots.import_snapshot(s, alice, EXAMPLE, catalogue, name="national")
        done = assess_snapshot(
            s, alice, "national", catalogue, policy="BE-2020-07", trials=32, seed=7
        )
    run = done.run
    assert (run.policy, run.trials, run.seed, run.tlp) == ("BE-2020-07", 32, 7, Tlp.AMBER)
    assert run.catalogue_digest == done.assessment.metadata.catalogue_digest
    assert run.inputs["snapshot"] == done.snapshot.digest
    assert run.inputs["run"] == {
        "source": "record nra/national v1",
        "policy_origin": "preset",
        "catalogue": "packaged",
    }
    assert done.assessment.simulation is not None
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        stored = assessments.read_assessment_result(s, alice, run.id)
        again = reproduce_run(s, alice, run.id, catalogue)
    assert stored == done.assessment.model_dump(mode="json")
    assert stored["metadata"]["model"]["source"] == "record nra/national v1"
    assert again.same and again.result_digest == run.result_digest


def test_the_default_policy_and_trials_come_from_the_catalogue(db: Database) -> None:
    people(db)
    catalogue = default_catalogue()
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snapshots.import_snapshot(s, alice, EXAMPLE, catalogue, name="national")
        run = assess_snapshot(s, alice, "national", catalogue, trials=0).run
        assert run.policy == catalogue.assessment.default_policy
        assert run.inputs["run"]["policy_origin"] == "default preset"
        assert reproduce_run(s, alice, run.id, catalogue).same
        none = assess_snapshot(s, alice, "national", catalogue, policy="none", trials=0).run
        assert none.policy == "none" and reproduce_run(s, alice, none.id, catalogue).same


def test_an_authority_assesses_its_operators_snapshot_and_holds_the_run(db: Database) -> None:
    people(db)
    catalogue = default_catalogue()
    with db.transaction() as s:
        otto = accounts.act_as(s, "otto")
        snapshots.import_snapshot(s, otto, EXAMPLE, catalogue, name="net")
        alice = accounts.act_as(s, "alice")
        with pytest.raises(NotFoundError, match="no snapshot nra/net here"):
            assess_snapshot(s, alice, "net", catalogue, trials=0)
        run = assess_snapshot(s, alice, "net", catalogue, holder="op-a", trials=0).run
        assert run.organisation == "nra"
        # the operator sees its own snapshot, not the authority's run about it
        assert [r.id for r in assessments.list_assessments(s, otto)] == []
        with pytest.raises(NotFoundError):
            assess_snapshot(s, otto, "net", catalogue, holder="nra", trials=0)


def test_versions_are_chosen_and_a_missing_one_is_named(db: Database, tmp_path: Path) -> None:
    people(db)
    catalogue = default_catalogue()
    copy = tmp_path / "model.yaml"
    copy.write_text(EXAMPLE.read_text())
    (tmp_path / "sites.csv").write_bytes((EXAMPLE.parent / "sites.csv").read_bytes())
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snapshots.import_snapshot(s, alice, copy, catalogue, name="national")
        copy.write_text(EXAMPLE.read_text().replace("\nscope:", "\n# reviewed\nscope:"))
        second = snapshots.import_snapshot(s, alice, copy, catalogue, name="national")
        latest = assess_snapshot(s, alice, "national", catalogue, trials=0)
        first = assess_snapshot(s, alice, "national", catalogue, version=1, trials=0)
        assert latest.snapshot.id == second.id and first.snapshot.version == 1
        assert first.run.result_digest != latest.run.result_digest  # the source names v1
        with pytest.raises(NotFoundError, match="no snapshot nra/national v3 here"):
            assess_snapshot(s, alice, "national", catalogue, version=3, trials=0)


def test_refusals_come_before_anything_is_read_or_written(db: Database) -> None:
    people(db)
    catalogue = default_catalogue()
    with db.transaction() as s:
        snapshots.import_snapshot(s, accounts.act_as(s, "alice"), EXAMPLE, catalogue, name="n")
    with db.transaction() as s:
        before = audit.count(s)
        vera = accounts.act_as(s, "vera")
        with pytest.raises(ForbiddenError, match="does not allow to record an assessment"):
            assess_snapshot(s, vera, "n", catalogue, trials=0)
        alice = accounts.act_as(s, "alice")
        with pytest.raises(InputError, match="the record keeps no policy files"):
            assess_snapshot(s, alice, "n", catalogue, policy="mine.yaml", trials=0)
        with pytest.raises(InputError, match="expected at most"):
            assess_snapshot(s, alice, "n", catalogue, trials=10**9)
        assert audit.count(s) == before


def test_a_different_result_catalogue_or_version_is_named(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    people(db)
    catalogue = default_catalogue()
    with db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snapshots.import_snapshot(s, alice, EXAMPLE, catalogue, name="n")
        run = assess_snapshot(s, alice, "n", catalogue, trials=0).run
        other = Catalogue.model_validate(
            {
                **catalogue.model_dump(),
                "simulation": {
                    **catalogue.simulation.model_dump(),
                    "assess_trials": catalogue.simulation.assess_trials + 1,
                },
            }
        )
        found = reproduce_run(s, alice, run.id, other)
        assert not found.same and "give the same --catalog" in str(found.problem)
        real = app_record.national_assessment

        def drifted(*args, **kwargs):  # type: ignore[no-untyped-def]
            assessment, engine = real(*args, **kwargs)
            summary = assessment.summary.model_copy(update={"suppliers": 99})
            return assessment.model_copy(update={"summary": summary}), engine

        monkeypatch.setattr(app_record, "national_assessment", drifted)
        found = reproduce_run(s, alice, run.id, catalogue)
        assert found.problem == "the result differs from the recorded one at summary.suppliers"
        monkeypatch.setattr(app_record, "__version__", "9.9.9")
        found = reproduce_run(s, alice, run.id, catalogue)
        assert not found.same and "this is 9.9.9" in str(found.problem)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=2),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(JSON, JSON)
def test_first_difference_is_none_exactly_when_the_values_are_equal(a: object, b: object) -> None:
    assert (first_difference(a, b) is None) == (a == b)
    assert first_difference(a, a) is None


def test_first_difference_names_the_path() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == "a[1].b"
    assert first_difference({"a": [1]}, {"a": [1, 2]}) == "a (length)"
    assert first_difference({"a": 1}, {"a": 1, "c": 0}) == "c"
    assert first_difference({"a": 1}, {"a": 1}) is None
    assert first_difference(1, 2) == "(the whole result)"


@pytest.fixture
def cli(db_url: str) -> Cli:
    run = Cli(db_url)
    for args in (
        ("db", "upgrade"),
        ("user", "add", "admin", "--instance-admin"),
        ("org", "add", "nra", "--kind", "national-authority", "--country", "XS", "--user", "admin"),
        ("user", "add", "alice", "--org", "nra", "--role", "analyst", "--user", "admin"),
        ("user", "add", "vera", "--org", "nra", "--role", "viewer", "--user", "admin"),
        ("store", "import", str(EXAMPLE), "--name", "national", "--user", "alice"),
    ):
        code, _, err = run(*args)
        assert code == 0, err
    return run


def test_the_commands_assess_show_and_reproduce(cli: Cli) -> None:
    code, out, err = cli(
        "store", "assess", "national", "--trials", "16", "--seed", "2", "--user", "alice"
    )
    assert code == 0, err
    assert "recorded run 1: nra/national v1 (TLP:AMBER), policy UK-2020-01, 16 trials" in out
    code, out, _ = cli("store", "runs", "--user", "vera", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [1]
    code, out, _ = cli("store", "show-run", "1", "--user", "vera")
    assert code == 0 and "file sites.csv:" in out and "trials:    16, seed 2" in out
    before = audit_rows(cli)
    code, out, _ = cli("store", "show-run", "1", "--result", "--user", "vera")
    assert code == 0 and json.loads(out)["metadata"]["model"]["source"] == "record nra/national v1"
    assert audit_rows(cli) == before + 1  # an AMBER result read is audited
    code, out, err = cli("store", "reproduce", "1", "--user", "vera")
    assert code == 0 and "run 1 reproduced: the same result" in out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("store", "assess", "nowhere", "--user", "alice"), "MODEL_NAME: no snapshot nra/nowhere"),
        (("store", "assess", "national", "--user", "vera"), "does not allow to record"),
        (("store", "assess", "national", "--policy", "p.yaml", "--user", "alice"), "--policy:"),
        (("store", "assess", "national", "--tlp", "clear", "--user", "alice"), "--tlp:"),
        (("store", "show-run", "5", "--user", "alice"), "no assessment 5 here"),
        (("store", "reproduce", "5", "--user", "alice"), "no assessment 5 here"),
    ],
)
def test_bad_input_to_the_run_commands_is_one_message_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    before = audit_rows(cli)
    code, out, err = cli(*args)
    assert code == 2, out + err
    assert message in err and "Traceback" not in out + err
    assert audit_rows(cli) == before


@pytest.mark.slow
def test_a_model_with_a_product_registry_is_kept_with_it_and_reproduced(db: Database) -> None:
    from importlib import resources

    people(db)
    catalogue = default_catalogue()
    demo = resources.files("fiveguard.examples") / "demo" / "model.yaml"
    with resources.as_file(demo) as path, db.transaction() as s:
        alice = accounts.act_as(s, "alice")
        snap = snapshots.import_snapshot(s, alice, path, catalogue, name="demo")
        kept = {f.path for f in snap.files if f.role == "registry"}
        on_disk = {
            p.relative_to(path.parent).as_posix()
            for p in (path.parent / "registry").rglob("*")
            if p.is_file()
        }
        assert kept == on_disk and any(k.endswith(".dsse.json") for k in kept)
        done = assess_snapshot(s, alice, "demo", catalogue, trials=8)
        assert done.assessment.labs is not None
        assert done.assessment.labs.registry == "record nra/demo v1: registry"
        assert reproduce_run(s, alice, done.run.id, catalogue).same


def test_a_registry_outside_the_model_s_directory_is_refused(db: Database, tmp_path: Path) -> None:
    people(db)
    (tmp_path / "outside").mkdir()
    model = tmp_path / "net" / "model.yaml"
    model.parent.mkdir()
    model.write_text(EXAMPLE.read_text() + "\nregistry:\n  dir: ../outside\n")
    (model.parent / "sites.csv").write_bytes((EXAMPLE.parent / "sites.csv").read_bytes())
    with db.transaction() as s, pytest.raises(InputError) as caught:
        snapshots.import_snapshot(s, accounts.act_as(s, "alice"), model, default_catalogue())
    assert "registry.dir" in str(caught.value) and "outside the model's directory" in str(
        caught.value
    )
