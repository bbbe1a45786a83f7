"""The access matrix: every use-case function, for every role of every kind of
organisation, on its own and on foreign objects of every kind and TLP label; and the
instance administrator and tokens. Zero leaks, through gets, lists and counts alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from store_databases import drop_postgres_database, new_postgres_database
from store_world import EXAMPLE, ORGS, World, build, expected_visible, member

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.store import (
    accounts,
    assessments,
    audit,
    envelopes,
    evidence_records,
    migrate,
    sharing,
    slices,
    snapshots,
)
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
from fiveguard.store.principal import Principal

PRINCIPALS = [
    *[(org, role) for org in ORGS for role in Role],
    ("admin", None),
    ("token", "read"),
    ("token", "import"),
]
IDS = [f"{a}-{b.value if isinstance(b, Role) else b}" for a, b in PRINCIPALS]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('access')}/fiveguard.db"
    else:
        url = new_postgres_database()
    db = connect(database_url(url), create=True)
    migrate.upgrade(db)
    with pytest.MonkeyPatch.context() as patch:  # hashing is tested elsewhere; 30 users here
        patch.setattr(accounts, "hash_password", lambda password: "not-a-hash")
        yield build(db)
    db.close()
    if request.param != "sqlite":
        drop_postgres_database(url)


def principal_of(world: World, who: tuple[str, Any]) -> Principal:
    if who[0] == "admin":
        return world.admin
    if who[0] == "token":
        return world.tokens[who[1]]
    return world.members[who]


def in_rollback(world: World) -> Iterator[Session]:
    with world.db._sessions() as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


@pytest.fixture
def session(world: World) -> Iterator[Session]:
    yield from in_rollback(world)


def missing_message(call: Callable[[int], Any], ident: int) -> str:
    with pytest.raises(NotFoundError) as caught:
        call(ident)
    return str(caught.value)


READERS: dict[
    str, tuple[Callable[..., list[Any]], Callable[..., int], list[Callable[..., Any]]]
] = {
    "snapshot": (snapshots.list_snapshots, snapshots.count_snapshots, [snapshots.get_snapshot]),
    "assessment": (
        assessments.list_assessments,
        assessments.count_assessments,
        [assessments.get_assessment, assessments.read_assessment_result],
    ),
    "evidence": (
        evidence_records.list_evidence,
        evidence_records.count_evidence,
        [evidence_records.read_evidence],
    ),
    "envelope": (envelopes.list_envelopes, envelopes.count_envelopes, [envelopes.read_envelope]),
    "slice": (slices.list_slices, slices.count_slices, [slices.get_slice]),
}


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
@pytest.mark.parametrize("kind", list(READERS))
def test_reads_lists_and_counts_show_exactly_what_the_rules_allow(
    world: World, session: Session, who: tuple[str, Any], kind: str, tmp_path: Path
) -> None:
    principal = principal_of(world, who)
    lister, counter, getters = READERS[kind]
    expected = {o.id for o in world.of(kind) if expected_visible(world, principal, o)}
    assert {v.id for v in lister(session, principal)} == expected
    assert counter(session, principal) == len(expected)
    for getter in getters:
        never = 10_000_000
        absent = missing_message(lambda i, g=getter: g(session, principal, i), never)
        for obj in world.of(kind):
            if obj.id in expected:
                getter(session, principal, obj.id)
            else:  # indistinguishable from an object that does not exist
                message = missing_message(lambda i, g=getter: g(session, principal, i), obj.id)
                assert message == absent.replace(str(never), str(obj.id))
    exporters = {"snapshot": snapshots.export_snapshot, "slice": slices.export_slice}
    if kind in exporters:
        for obj in world.of(kind):
            out = tmp_path / f"export-{obj.id}"
            if obj.id in expected:
                assert exporters[kind](session, principal, obj.id, out).is_file()
            else:
                with pytest.raises(NotFoundError):
                    exporters[kind](session, principal, obj.id, out)
                assert not out.exists()


def test_every_kind_of_organisation_and_label_is_in_the_matrix(world: World) -> None:
    assert {kind for kind, _, _ in ORGS.values()} == set(OrganisationKind)
    for kind in ("snapshot", "assessment", "evidence", "envelope"):
        assert {o.tlp for o in world.of(kind)} == {Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED}
    # the rules are not vacuous: each kind of organisation sees something, and not everything
    for org in ORGS:
        seen = [
            o
            for o in world.objects
            if expected_visible(world, world.members[(org, Role.VIEWER)], o)
        ]
        assert 0 < len(seen) < len(world.objects)


def may(who: tuple[str, Any], least: Role) -> bool:
    order = list(Role)
    return isinstance(who[1], Role) and order.index(who[1]) >= order.index(least)


def outcome(call: Callable[[], Any]) -> str:
    try:
        call()
    except NotFoundError:
        return "missing"
    except ForbiddenError:
        return "forbidden"
    except InputError as exc:
        return f"refused: {exc}"
    return "done"


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_writes_are_gated_by_role_and_never_reach_foreign_objects(
    world: World, who: tuple[str, Any]
) -> None:
    principal = principal_of(world, who)
    own = principal.organisation
    org_kind = ORGS[own][0] if own else None
    foreign = next(
        o
        for o in world.objects
        if o.owner != own and o.kind == "snapshot" and not expected_visible(world, principal, o)
    )
    token_may = {"read": set(), "import": {"import"}}.get(who[1] if who[0] == "token" else "")
    catalogue = default_catalogue()

    def attempt(call: Callable[[Session], Any]) -> str:
        return outcome(lambda: [call(s) for s in in_rollback(world)])

    can_import = (
        may(who, Role.ANALYST) or token_may == {"import"}
    ) and org_kind != OrganisationKind.EU_COORDINATOR
    assert (
        attempt(lambda s: snapshots.import_snapshot(s, principal, EXAMPLE, catalogue, name="new"))
        == "done"
    ) == can_import
    assert attempt(
        lambda s: assessments.record_assessment(
            s, principal, foreign.id, {}, catalogue_digest="0" * 64, policy=None, seed=1, trials=0
        )
    ) in ("missing", "forbidden")
    assert (
        attempt(
            lambda s: evidence_records.record_evidence(
                s, principal, {"id": "n", "type": "document"}
            )
        )
        == "done"
    ) == (may(who, Role.ANALYST) or token_may == {"import"})
    assert (
        attempt(
            lambda s: envelopes.store_envelope(
                s, principal, b"x", {}, direction="outbox", tlp=Tlp.AMBER, origin="x"
            )
        )
        == "done"
    ) == may(who, Role.SIGNING_OFFICER)
    own_obj = next(
        (
            o
            for o in world.objects
            if o.owner == own and o.kind == "evidence" and o.tlp == Tlp.AMBER
        ),
        None,
    )
    if own_obj is not None:
        target = "lab" if own != "lab" else "nra-x"
        assert (
            attempt(lambda s: sharing.share(s, principal, "evidence", own_obj.id, target)) == "done"
        ) == may(who, Role.SIGNING_OFFICER)
    assert attempt(lambda s: slices.split_by_operator(s, principal, foreign.id, {})) in (
        "missing",
        "forbidden",
    )
    for part in world.of("slice"):
        allowed = part.owner == own and (may(who, Role.ANALYST) or token_may == {"import"})
        export = Path(f"/nonexistent/{part.id}")
        result = attempt(lambda s, p=part, e=export: slices.replace_part(s, principal, p.id, e))
        assert (result not in ("missing", "forbidden")) == allowed, result
    assert attempt(lambda s: sharing.share(s, principal, "snapshot", foreign.id, "lab")) in (
        "missing",
        "forbidden",
    )
    assert (attempt(lambda s: accounts.create_token(s, principal, "t", ["read"], 1)) == "done") == (
        who[0] not in ("admin", "token") and may(who, Role.ORG_ADMIN)
    )
    assert (
        attempt(
            lambda s: accounts.add_organisation(
                s, principal, "new-org", OrganisationKind.EVALUATION_LAB
            )
        )
        == "done"
    ) == (who[0] == "admin")
    foreign_org = next(n for n in ORGS if n != own)
    assert (
        attempt(
            lambda s: accounts.add_member(
                s, principal, member(foreign_org, Role.VIEWER), foreign_org, Role.ANALYST
            )
        )
        == "done"
    ) == (who[0] == "admin")
    if own is not None and who[0] != "token":
        assert (
            attempt(
                lambda s: accounts.add_member(
                    s, principal, member(foreign_org, Role.VIEWER), own, Role.VIEWER
                )
            )
            == "done"
        ) == may(who, Role.ORG_ADMIN)
    assert (attempt(lambda s: audit.create_checkpoint(s, principal)) == "done") == (
        who[0] == "admin" or may(who, Role.SIGNING_OFFICER) or False
    )


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_organisations_users_and_audit_rows_shown_stay_within_reach(
    world: World, session: Session, who: tuple[str, Any]
) -> None:
    principal = principal_of(world, who)
    own = principal.organisation
    orgs = {v.name for v in accounts.list_organisations(session, principal)}
    if who[0] == "admin":
        assert orgs == set(ORGS)
    elif who[0] == "token" and who[1] != "read":
        assert orgs == set()
    else:
        _, _, supervisor = ORGS[str(own)]
        expected = (
            {own} | {n for n, (_, _, s) in ORGS.items() if s == own} | ({supervisor} - {None})
        )
        assert orgs == expected
    if who[0] == "token":
        assert outcome(lambda: accounts.list_users(session, principal)) == "forbidden"
        assert outcome(lambda: audit.entries(session, principal)) == "forbidden"
        return
    users = accounts.list_users(session, principal)
    if who[0] == "admin":
        assert len(users) == 1 + len(ORGS) * len(Role)
    else:
        assert {u.name for u in users} == {member(str(own), r) for r in Role}
        assert all(m[0] == own for u in users for m in u.memberships)
    if who[0] == "admin":
        assert len(audit.entries(session, principal, limit=100_000)) == audit.count(session)
    elif may(who, Role.ORG_ADMIN):
        rows = audit.entries(session, principal, limit=100_000)
        assert rows and {r.organisation for r in rows} == {own}
    else:
        assert outcome(lambda: audit.entries(session, principal)) == "forbidden"


def test_a_red_object_reaches_only_its_named_people(world: World, session: Session) -> None:
    red = next(o for o in world.of("assessment") if o.owner == "nra-x" and o.tlp == Tlp.RED)
    named = world.members[("nra-y", Role.ANALYST)]
    other = world.members[("nra-y", Role.ORG_ADMIN)]
    assessments.get_assessment(session, named, red.id)
    with pytest.raises(NotFoundError):
        assessments.get_assessment(session, other, red.id)


def test_a_model_is_never_addressed_to_the_eu_coordinator(world: World, session: Session) -> None:
    snap = next(o for o in world.of("snapshot") if o.owner == "nra-x" and o.tlp == Tlp.GREEN)
    with pytest.raises(InputError, match="never addressed to the EU coordinator"):
        sharing.share(session, world.members[("nra-x", Role.ORG_ADMIN)], "snapshot", snap.id, "eu")


def test_amber_reads_are_audited_and_green_reads_are_not(world: World, session: Session) -> None:
    reader = world.members[("nra-x", Role.VIEWER)]
    for tlp, audited in ((Tlp.GREEN, 0), (Tlp.AMBER, 1), (Tlp.AMBER_STRICT, 1)):
        run = (
            next(o for o in world.of("assessment") if o.owner == "op-x1" and o.tlp == tlp)
            if tlp != Tlp.AMBER_STRICT
            else next(o for o in world.of("assessment") if o.owner == "nra-x" and o.tlp == tlp)
        )
        before = audit.count(session)
        assessments.read_assessment_result(session, reader, run.id)
        assert audit.count(session) - before == audited


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_assessing_and_reproducing_stored_snapshots_follow_the_rules(
    world: World, who: tuple[str, Any]
) -> None:
    """The use cases that read a snapshot's files to run the engines: each snapshot held
    by every organisation at AMBER, the one addressed to the lab, and the principal's own
    RED one; each recorded run."""
    from fiveguard.app.record import assess_snapshot, reproduce_run

    principal = principal_of(world, who)
    catalogue = default_catalogue()
    runs = may(who, Role.ANALYST)  # no token of the world has the run scope
    chosen = [
        o
        for o in world.of("snapshot")
        if o.tlp == Tlp.AMBER
        or o.shared_to
        or (o.tlp == Tlp.RED and o.owner == principal.organisation)
    ]
    for obj in chosen:
        name = f"{obj.owner}-{obj.tlp.value}"
        result = outcome(
            lambda o=obj, n=name: [
                assess_snapshot(s, principal, n, catalogue, holder=o.owner, trials=0)
                for s in in_rollback(world)
            ]
        )
        if not runs:
            assert result == "forbidden", (obj, result)
        else:
            visible = expected_visible(world, principal, obj)
            assert result == ("done" if visible else "missing"), (obj, result)
    for obj in world.of("assessment"):
        result = outcome(
            lambda o=obj: [reproduce_run(s, principal, o.id, catalogue) for s in in_rollback(world)]
        )
        assert result == ("done" if expected_visible(world, principal, obj) else "missing"), result


@pytest.fixture(scope="module")
def exchange_ring() -> Any:
    from store_exchange import make_ring

    return make_ring(
        {
            "nra-x": (OrganisationKind.NATIONAL_AUTHORITY, "XS"),
            "eu": (OrganisationKind.EU_COORDINATOR, None),
        }
    )


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_filing_envelopes_follows_roles_and_the_envelope_s_own_addressing(
    world: World, who: tuple[str, Any], exchange_ring: Any
) -> None:
    """A received envelope is filed only by the recipient's analysts (or import tokens),
    a sent one only by the signer's signing officers; everyone else is refused, and
    nothing reaches the record."""
    from store_exchange import NOW, envelope

    from fiveguard.app.envelopes import file_received, file_sent

    principal = principal_of(world, who)
    raw = envelope(exchange_ring, "nra-x", ("eu",))
    ring = exchange_ring.verified
    token_import = who == ("token", "import")
    received = outcome(
        lambda: [file_received(s, principal, raw, "e", ring, now=NOW) for s in in_rollback(world)]
    )
    if not (may(who, Role.ANALYST) or token_import):
        assert received == "forbidden"
    elif principal.organisation == "eu":
        assert received == "done"
    else:
        assert received.startswith("refused: e"), received
    sent = outcome(
        lambda: [file_sent(s, principal, raw, "e", ring, now=NOW) for s in in_rollback(world)]
    )
    if not may(who, Role.SIGNING_OFFICER):
        assert sent == "forbidden"
    elif principal.organisation == "nra-x":
        assert sent == "done"
    else:
        assert sent.startswith("refused: e"), sent


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_only_signing_officers_sign_checkpoints_with_their_own_organisation_s_key(
    world: World, who: tuple[str, Any], exchange_ring: Any
) -> None:
    from fiveguard.app.checkpoints import KeySigner, signed_checkpoint

    principal = principal_of(world, who)
    for org in ("nra-x", "eu"):
        signer = KeySigner(*exchange_ring.keys[org])
        result = outcome(
            lambda sg=signer: [
                signed_checkpoint(s, principal, sg, exchange_ring.verified)
                for s in in_rollback(world)
            ]
        )
        if not may(who, Role.SIGNING_OFFICER):
            assert result == "forbidden"
        elif principal.organisation == org:
            assert result == "done"
        else:
            assert result.startswith("refused: command line: --key:"), result


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_submitting_and_merging_operator_parts_follow_the_rules(
    world: World, who: tuple[str, Any]
) -> None:
    """Only the operator's signing officer submits its part; only the authority that
    split the model merges a submitted part (its analysts and above; a token would need
    both the read and the import scope, which no token of the world has). Everyone else
    finds the part missing or is refused."""
    principal = principal_of(world, who)
    catalogue = default_catalogue()
    own = principal.organisation
    for part in world.of("slice"):
        submitted = outcome(
            lambda p=part: [slices.submit_part(s, principal, p.id) for s in in_rollback(world)]
        )
        may_submit = part.owner == own and may(who, Role.SIGNING_OFFICER)
        assert (submitted == "done") == may_submit and submitted in (
            "done",
            "missing",
            "forbidden",
        ), (part, submitted)
    officer = {org: world.members[(org, Role.SIGNING_OFFICER)] for org in ("op-x1", "op-x2")}
    may_merge = own == "nra-x" and may(who, Role.ANALYST)
    # merging validates the whole model: two parts are enough to show who may
    for part in [p for p in world.of("slice") if p.tlp == Tlp.AMBER]:

        def submit_then_merge(s: Session, p: Any = part) -> None:
            slices.submit_part(s, officer[p.owner], p.id)
            _, merged = slices.merge_part(s, principal, p.id, catalogue)
            assert merged.version >= 2

        merged = outcome(lambda f=submit_then_merge: [f(s) for s in in_rollback(world)])
        assert (merged == "done") == may_merge and merged in ("done", "missing", "forbidden"), (
            part,
            merged,
        )


@pytest.mark.parametrize("who", PRINCIPALS, ids=IDS)
def test_splitting_a_model_by_name_reaches_only_the_authority_s_own(
    world: World, who: tuple[str, Any]
) -> None:
    """``split_model`` looks the name up in the principal's own organisation: every
    snapshot of the world is tried; only an authority's analysts (or import tokens) split
    their own non-RED model they see; another organisation's answers as missing."""
    from fiveguard.app.record import split_model

    principal = principal_of(world, who)
    can = (may(who, Role.ANALYST) or (who[0] == "token" and who[1] == "import")) and (
        principal.organisation_kind == OrganisationKind.NATIONAL_AUTHORITY
    )
    for obj in world.of("snapshot"):
        name = f"{obj.owner}-{obj.tlp.value}"
        result = outcome(
            lambda n=name: [split_model(s, principal, n, {}) for s in in_rollback(world)]
        )
        if obj.owner != principal.organisation or not expected_visible(world, principal, obj):
            assert result == "missing", (obj, result)
        else:
            assert (result == "done") == (can and obj.tlp != Tlp.RED), (obj, result)
