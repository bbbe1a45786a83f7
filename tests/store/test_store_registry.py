"""The product registry in the record: a file registry imported in one transaction and
exported back byte for byte, evidence held once and shared, every change refused where it
stands, and who sees which lab record (the access matrix of lab records)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_world import (
    AFTER_EMBARGO,
    BEFORE_EMBARGO,
    DEMO_REGISTRY,
    ORGS,
    RecordFacts,
    RegistryWorld,
    build,
    copy_demo,
    expected_visible,
    member,
)
from sqlalchemy import func, select

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Role, Tlp
from fiveguard.modelio.registry_files import read_registry
from fiveguard.store import accounts, audit, registry_records, sharing
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database
from fiveguard.store.tables import (
    AuditEntry,
    LabAttestationRow,
    LabRecordRow,
    NamedRecipient,
    Organisation,
    RegistryLabRow,
    RegistryVersionRow,
    Share,
    UserAccount,
)


@pytest.fixture
def world(db: Database) -> Iterator[RegistryWorld]:
    with pytest.MonkeyPatch.context() as patch:  # password hashing is tested elsewhere
        patch.setattr(accounts, "hash_password", lambda password: "not-a-hash")
        yield build(db)


def demo_files() -> dict[str, bytes]:
    return {
        p.relative_to(DEMO_REGISTRY).as_posix(): p.read_bytes()
        for p in DEMO_REGISTRY.rglob("*")
        if p.is_file()
    }


def rows(db: Database, table: type) -> int:  # type: ignore[type-arg]
    with db.transaction() as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_demo_registry_comes_back_byte_for_byte(world: RegistryWorld, tmp_path: Path) -> None:
    authority = world.members[("xcsa", Role.ANALYST)]
    with world.db.transaction() as s:
        written = registry_records.export_registry(s, authority, tmp_path / "out", AFTER_EMBARGO)
    exported = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes() for p in written}
    assert exported == demo_files()
    again = read_registry(tmp_path / "out")  # the file commands read it, checks and all
    assert set(again.registry.records) == set(read_registry(DEMO_REGISTRY).registry.records)
    with world.db.transaction() as s:  # versions are rows: evidence is about a version
        assert s.execute(select(func.count()).select_from(RegistryVersionRow)).scalar_one() > 20


def test_before_its_date_the_embargoed_finding_and_its_envelope_stay_with_the_lab(
    world: RegistryWorld,
) -> None:
    embargoed = "records/xec-korvath-smf-auth-bypass.yaml"
    with world.db.transaction() as s:
        authority = registry_records.registry_files(
            s, world.members[("xcsa", Role.ANALYST)], BEFORE_EMBARGO
        )
        lab = registry_records.registry_files(
            s, world.members[("xec", Role.VIEWER)], BEFORE_EMBARGO
        )
    assert embargoed not in authority
    envelopes = {n for n in demo_files() if n.startswith("attestations/")}
    assert len(envelopes & set(authority)) == len(envelopes) - 1
    assert embargoed not in lab  # RED: the lab's people were not named by the importer


def test_importing_again_writes_nothing_and_another_importer_shares_the_same_rows(
    world: RegistryWorld,
) -> None:
    records, envelopes = rows(world.db, LabRecordRow), rows(world.db, LabAttestationRow)
    with world.db.transaction() as s:
        same = registry_records.import_registry(
            s, world.members[("xcsa", Role.ANALYST)], read_registry(DEMO_REGISTRY)
        )
        other = registry_records.import_registry(
            s, world.members[("nra-y", Role.ANALYST)], read_registry(DEMO_REGISTRY)
        )
    assert same.added == dict.fromkeys(same.added, 0) and same.shared == 0
    assert other.added == dict.fromkeys(other.added, 0)
    assert other.shared == records + envelopes
    assert (rows(world.db, LabRecordRow), rows(world.db, LabAttestationRow)) == (
        records,
        envelopes,
    )
    with world.db.transaction() as s:
        actions = [e.action for e in s.execute(select(AuditEntry)).scalars()]
        seen = registry_records.list_lab_records(
            s, world.members[("nra-y", Role.VIEWER)], AFTER_EMBARGO
        )
    assert actions.count("registry.import") == 2  # the first import and the sharing one
    assert len(seen) == records - 3  # the RED ones: only the people who imported them


def test_a_changed_entry_is_refused_where_it_stands_and_nothing_is_written(
    world: RegistryWorld, tmp_path: Path
) -> None:
    root = copy_demo(tmp_path)
    path = root / "suppliers" / "valtaro.yaml"
    path.write_text(path.read_text().replace("name: ", "name: Other ", 1))
    before = rows(world.db, AuditEntry)
    with pytest.raises(InputError) as caught, world.db.transaction() as s:
        registry_records.import_registry(
            s, world.members[("op-x", Role.ANALYST)], read_registry(root)
        )
    assert "valtaro.yaml" in str(caught.value)
    assert "the record holds it with other content" in str(caught.value)
    assert rows(world.db, AuditEntry) == before


def test_a_product_may_gain_a_version_but_not_change_one(
    world: RegistryWorld, tmp_path: Path
) -> None:
    root = copy_demo(tmp_path)
    path = root / "products" / "valtaro.amf.yaml"
    text = path.read_text()
    path.write_text(text + "- version: '25.1'\n")
    versions = rows(world.db, RegistryVersionRow)
    with world.db.transaction() as s:
        registry_records.import_registry(
            s, world.members[("op-x", Role.ANALYST)], read_registry(root)
        )
    assert rows(world.db, RegistryVersionRow) == versions + 1
    path.write_text(text.replace("d142c8", "e142c8"))
    with (
        pytest.raises(InputError, match=r"version 24\.4 is in the record with other"),
        world.db.transaction() as s,
    ):
        registry_records.import_registry(
            s, world.members[("op-x", Role.ANALYST)], read_registry(root, check=False)
        )


def test_an_attested_record_edited_after_import_is_refused(
    world: RegistryWorld, tmp_path: Path
) -> None:
    root = copy_demo(tmp_path)
    path = root / "records" / "xec-korvath-config-drift.yaml"
    path.write_text(path.read_text().replace("between releases", "between versions", 1))
    with pytest.raises(InputError) as caught, world.db.transaction() as s:
        registry_records.import_registry(
            s, world.members[("nra-y", Role.ANALYST)], read_registry(root)
        )
    assert "xec-korvath-config-drift.yaml" in str(caught.value)
    assert "attestation" in str(caught.value)


def test_a_working_copy_is_kept_only_by_its_own_lab(world: RegistryWorld, tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    path = root / "records" / "xec-draft.yaml"
    path.write_text(
        "id: xec-draft\ntype: lab-finding\nlab: xec\ntitle: draft\ndate: 2026-11-01\n"
        "product: korvath.gnb\naffected: ['8.2']\nseverity: low\n"
        "history:\n- {date: 2026-11-01, state: open, by: xec}\n"
    )
    files = read_registry(root)
    with world.db.transaction() as s:
        other = registry_records.import_registry(s, world.members[("xtl", Role.ANALYST)], files)
        own = registry_records.import_registry(s, world.members[("xec", Role.ANALYST)], files)
    assert "xec-draft" in other.skipped and "not attested" in other.skipped["xec-draft"]
    assert own.added["records"] == 1
    with world.db.transaction() as s:
        by_lab = registry_records.list_lab_records(
            s, world.members[("xec", Role.VIEWER)], AFTER_EMBARGO
        )
        by_authority = registry_records.list_lab_records(
            s, world.members[("xcsa", Role.VIEWER)], AFTER_EMBARGO
        )
    assert "xec-draft" in {v.record_id for v in by_lab}
    assert "xec-draft" not in {v.record_id for v in by_authority}


@pytest.mark.parametrize(
    ("org", "role", "refusal"),
    [
        ("eu", Role.ORG_ADMIN, ForbiddenError),
        ("xcsa", Role.VIEWER, ForbiddenError),
        (None, None, ForbiddenError),
    ],
)
def test_who_may_not_import_a_registry(
    world: RegistryWorld, org: str | None, role: Role | None, refusal: type
) -> None:  # type: ignore[type-arg]
    principal = world.admin if org is None else world.members[(org, role)]  # type: ignore[index]
    with pytest.raises(refusal), world.db.transaction() as s:
        registry_records.import_registry(s, principal, read_registry(DEMO_REGISTRY))


def _facts(world: RegistryWorld) -> dict[int, RecordFacts]:
    with world.db.transaction() as s:
        out = {}
        for row in s.execute(select(LabRecordRow)).scalars():
            holder = s.get(Organisation, row.organisation_id)
            lab = s.get(RegistryLabRow, row.lab_id)
            assert holder is not None and lab is not None
            shared = s.execute(
                select(Organisation.name)
                .join(Share, Share.organisation_id == Organisation.id)
                .where(Share.object_kind == "lab-record", Share.object_id == row.id)
            ).scalars()
            named = s.execute(
                select(NamedRecipient.user_id).where(
                    NamedRecipient.object_kind == "lab-record", NamedRecipient.object_id == row.id
                )
            ).scalars()
            people = {
                name
                for name in s.execute(
                    select(UserAccount.name).where(UserAccount.id.in_(list(named)))
                ).scalars()
            }
            out[row.id] = RecordFacts(
                lab.entry_id,
                holder.name,
                Tlp(row.tlp),
                dt.date.fromisoformat(row.embargo_until) if row.embargo_until else None,
                frozenset(shared),
                frozenset(people),
            )
        return out


def test_the_access_matrix_of_lab_records(world: RegistryWorld) -> None:
    """Every role of every kind of organisation, before and after the embargo, after the
    authority addressed an AMBER+STRICT record to the coordinator and a RED one to the
    lab's analyst: lists, counts, reads and exports show exactly what the rules allow."""
    with world.db.transaction() as s:
        officer = world.members[("xcsa", Role.SIGNING_OFFICER)]
        listed = registry_records.list_lab_records(s, world.members[("xcsa", Role.ANALYST)])
        green = next(v for v in listed if v.tlp == Tlp.GREEN)
        red = next(v for v in listed if v.tlp == Tlp.RED and v.embargo_until is None)
        s.get(LabRecordRow, green.id).tlp = Tlp.AMBER_STRICT.value  # type: ignore[union-attr]
        sharing.share(s, officer, "lab-record", green.id, "eu", [])
        sharing.share(s, officer, "lab-record", red.id, "xec", [member("xec", Role.ANALYST)])
    facts = _facts(world)
    assert {f.tlp for f in facts.values()} == {Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED}
    principals = [world.admin, *world.members.values()]
    for today in (BEFORE_EMBARGO, AFTER_EMBARGO):
        for principal in principals:
            expected = {i for i, f in facts.items() if expected_visible(principal, f, today)}
            with world.db.transaction() as s:
                listed = registry_records.list_lab_records(s, principal, today)
                assert {v.id for v in listed} == expected, (principal.actor, today)
                assert registry_records.count_lab_records(s, principal, today) == len(expected)
                for ident in facts:
                    if ident in expected:
                        registry_records.read_lab_record(s, principal, ident, today)
                    else:
                        with pytest.raises(NotFoundError):
                            registry_records.read_lab_record(s, principal, ident, today)
            with world.db.transaction() as s:
                if principal.instance_admin:
                    with pytest.raises(ForbiddenError):
                        registry_records.registry_files(s, principal, today)
                    continue
                files = registry_records.registry_files(s, principal, today)
            records = {n.removeprefix("records/").removesuffix(".yaml") for n in files}
            shown = {
                v.record_id for v in listed
            }  # every visible record id is exported, and nothing else
            assert {r for r in records if not r.startswith(("products/", "suppliers/"))} >= shown
            assert {n for n in files if n.startswith("records/")} == {
                f"records/{r}.yaml" for r in shown
            }
            sees_entries = ORGS[principal.organisation or ""][0].value != "eu-coordinator"
            assert any(n.startswith("products/") for n in files) == (sees_entries or bool(shown))


def test_amber_reads_and_exports_are_audited_and_green_ones_are_not(
    world: RegistryWorld,
) -> None:
    viewer = world.members[("xcsa", Role.VIEWER)]
    with world.db.transaction() as s:
        listed = registry_records.list_lab_records(s, viewer, AFTER_EMBARGO)
        before = audit.count(s)
        green = next(v for v in listed if v.tlp == Tlp.GREEN)
        amber = next(v for v in listed if v.tlp == Tlp.AMBER)
        registry_records.read_lab_record(s, viewer, green.id, AFTER_EMBARGO)
        assert audit.count(s) == before
        registry_records.read_lab_record(s, viewer, amber.id, AFTER_EMBARGO)
        assert audit.count(s) == before + 1
    assert audit_holds(world)


def audit_holds(world: RegistryWorld) -> bool:
    with world.db.transaction() as s:
        return audit.verify(s).holds


def test_the_registry_commands_import_export_and_refuse_where_it_stands(
    db_url: str, tmp_path: Path
) -> None:
    from test_record_cli import Cli

    cli = Cli(db_url)
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
    ):
        assert cli(*args)[0] == 0, args
    code, out, _ = cli("registry", "import", str(DEMO_REGISTRY), "--user", "alice")
    assert code == 0 and "added 5 suppliers" in out and "4 attestation(s)" in out
    code, out, _ = cli("registry", "records", "--user", "alice", "--json")
    embargoed = dt.datetime.now(dt.UTC).date() <= dt.date(2027, 1, 31)
    assert code == 0 and len(json.loads(out)) == 13 - embargoed  # not before its date
    code, _, _ = cli("registry", "export", str(tmp_path / "out"), "--user", "alice")
    assert code == 0 and read_registry(tmp_path / "out").registry.labs
    code, _, err = cli("registry", "export", str(tmp_path / "out"), "--user", "alice")
    assert code == 2 and "expected a new or empty directory" in err
    root = copy_demo(tmp_path)
    (root / "labs" / "xec.yaml").write_text("id: xec\n")
    code, _, err = cli("registry", "import", str(root), "--user", "alice")
    assert code == 2 and "xec.yaml" in err and "Traceback" not in err


def test_store_assess_uses_the_records_registry_and_names_it(world: RegistryWorld) -> None:
    """The demo model names a registry the snapshot does not keep: the record's registry
    takes its place, its lab evidence reaches the assessment, the run keeps the registry's
    files by digest (so it is given again from the same files) and the labels they carry."""
    from fiveguard.app.record import assess_snapshot, reproduce_run
    from fiveguard.catalog import default_catalogue
    from fiveguard.store import snapshots

    catalogue = default_catalogue()
    analyst = world.members[("xcsa", Role.ANALYST)]
    with world.db.transaction() as s:
        snapshots.import_snapshot(
            s, analyst, DEMO_REGISTRY.parent / "model.yaml", catalogue, name="demo"
        )
        done = assess_snapshot(s, analyst, "demo", catalogue, trials=0)
    labs = done.assessment.model_dump(mode="json")["labs"]
    assert labs["registry"].startswith("the record's product registry as xcsa saw it on")
    assert "nesas-valtaro-amf-24.4" in {e["id"] for e in labs["evaluations"]}
    assert {f["id"] for f in labs["findings"]} >= {"xec-korvath-gnb-hardcoded-key"}
    assert done.run.tlp == Tlp.RED  # RED records of the registry went into it
    with world.db.transaction() as s:
        again = reproduce_run(s, analyst, done.run.id, catalogue)
    assert again.same, again.problem
