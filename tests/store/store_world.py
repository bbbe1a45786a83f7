"""A small world for the access tests: organisations of every kind, a member of every
role in each, and objects of every kind and TLP label held by each, some addressed
across organisations. The reference rules the tests compare with are written here
plainly, apart from the policy module."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.store import (
    accounts,
    assessments,
    envelopes,
    evidence_records,
    sharing,
    slices,
    snapshots,
)
from fiveguard.store.database import Database
from fiveguard.store.principal import Principal

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
A, OP, E, L = (
    OrganisationKind.NATIONAL_AUTHORITY,
    OrganisationKind.OPERATOR,
    OrganisationKind.EU_COORDINATOR,
    OrganisationKind.EVALUATION_LAB,
)
ORGS: dict[str, tuple[OrganisationKind, str | None, str | None]] = {
    "nra-x": (A, "XA", None),
    "op-x1": (OP, "XA", "nra-x"),
    "op-x2": (OP, "XA", "nra-x"),
    "nra-y": (A, "YB", None),
    "op-y": (OP, "YB", "nra-y"),
    "eu": (E, None, None),
    "lab": (L, None, None),
}
LABELS = (Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
KINDS = ("snapshot", "assessment", "evidence", "envelope")


@dataclass
class Obj:
    kind: str
    id: int
    owner: str
    tlp: Tlp
    shared_to: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)


@dataclass
class World:
    db: Database
    admin: Principal
    members: dict[tuple[str, Role], Principal]
    objects: list[Obj]
    tokens: dict[str, Principal]

    def of(self, kind: str) -> list[Obj]:
        return [o for o in self.objects if o.kind == kind]


def member(org: str, role: Role) -> str:
    return f"{org}.{role.value}"


def expected_visible(world: World, principal: Principal, obj: Obj) -> bool:
    """The access rules, written out plainly."""
    org = principal.organisation
    if org is None or principal.instance_admin:
        return False
    if principal.token is not None and "read" not in principal.scopes:
        return False
    kind = ORGS[org][0]
    if kind == E and obj.kind in ("snapshot", "assessment", "slice"):
        return False
    addressed = obj.owner == org or org in obj.shared_to
    supervised = kind == A and ORGS[obj.owner][2] == org
    if obj.tlp in (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER):
        return addressed or supervised
    if obj.tlp == Tlp.AMBER_STRICT:
        return addressed
    return addressed and principal.token is None and principal.actor in obj.named


def build(db: Database) -> World:
    catalogue = default_catalogue()
    with db.transaction() as s:
        accounts.add_user(
            s, None, "root-admin", "correct horse battery staple", instance_admin=True
        )
        admin = accounts.act_as(s, "root-admin")
        for name, (kind, country, supervisor) in ORGS.items():
            accounts.add_organisation(s, admin, name, kind, country=country, supervisor=supervisor)
        for name in ORGS:
            for role in Role:
                user = member(name, role)
                accounts.add_user(s, admin, user, "correct horse battery staple")
                accounts.add_member(s, admin, user, name, role)
        members = {(n, r): accounts.act_as(s, member(n, r), n) for n in ORGS for r in Role}
        objects = _objects(s, members, catalogue)
        boss = members[("nra-x", Role.ORG_ADMIN)]
        tokens = {
            scope: accounts.principal_from_token(
                s, str(accounts.create_token(s, boss, scope, [scope], 30).secret)
            )
            for scope in ("read", "import")
        }
    return World(db, admin, members, objects, tokens)


def _objects(s: Session, members: dict[tuple[str, Role], Principal], catalogue) -> list[Obj]:  # type: ignore[no-untyped-def]
    out: list[Obj] = []
    for org in ORGS:
        analyst = members[(org, Role.ANALYST)]
        officer = members[(org, Role.SIGNING_OFFICER)]
        for tlp in LABELS:
            named = {analyst.actor}
            if ORGS[org][0] != E:
                snap = snapshots.import_snapshot(
                    s, analyst, EXAMPLE, catalogue, name=f"{org}-{tlp.value}", tlp=tlp
                )
                out.append(Obj("snapshot", snap.id, org, tlp, named=set(named)))
                run = assessments.record_assessment(
                    s,
                    analyst,
                    snap.id,
                    {"org": org, "tlp": tlp.value},
                    catalogue_digest="0" * 64,
                    policy=None,
                    seed=1,
                    trials=0,
                )
                out.append(Obj("assessment", run.id, org, tlp, named=set(named)))
            ev = evidence_records.record_evidence(
                s, analyst, {"id": f"ev-{org}-{tlp.value}", "type": "document"}, tlp
            )
            out.append(Obj("evidence", ev.id, org, tlp, named=set(named)))
            env = envelopes.store_envelope(
                s,
                officer,
                f"{org}{tlp}".encode(),
                {"org": org},
                direction="outbox",
                tlp=tlp,
                origin=org,
                labels={"profiles": tlp},
            )
            out.append(Obj("envelope", env.id, org, tlp, named={officer.actor}))
    # The authority's national models split by operator (a RED model is not split).
    analyst = members[("nra-x", Role.ANALYST)]
    for national in [o for o in out if o.kind == "snapshot" and o.owner == "nra-x"]:
        if national.tlp != Tlp.RED:
            for made in slices.split_by_operator(
                s, analyst, national.id, {"op-a": "op-x1", "op-b": "op-x2"}
            ):
                owner = "op-x1" if made.operator_id == "op-a" else "op-x2"
                out.append(Obj("slice", made.id, owner, national.tlp, shared_to={"nra-x"}))
    # Addressed across organisations: an operator's strict model to the lab, an
    # authority's evidence and envelope to the coordinator, a RED run to one person.
    _share(s, members, out, "snapshot", "op-x1", Tlp.AMBER_STRICT, "lab")
    _share(s, members, out, "evidence", "nra-x", Tlp.AMBER, "eu")
    _share(s, members, out, "envelope", "nra-x", Tlp.AMBER_STRICT, "eu")
    _share(
        s, members, out, "assessment", "nra-x", Tlp.RED, "nra-y", [member("nra-y", Role.ANALYST)]
    )
    return out


def _share(
    s: Session,
    members: dict[tuple[str, Role], Principal],
    objects: list[Obj],
    kind: str,
    owner: str,
    tlp: Tlp,
    to: str,
    people: list[str] | None = None,
) -> None:
    obj = next(o for o in objects if (o.kind, o.owner, o.tlp) == (kind, owner, tlp))
    sharing.share(s, members[(owner, Role.SIGNING_OFFICER)], kind, obj.id, to, people or [])
    obj.shared_to.add(to)
    obj.named.update(people or [])
