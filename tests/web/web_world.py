"""A small world for the web tests: organisations of every kind (two countries), a
member of every role in each, the instance administrator, a snapshot and an assessment
run held by each authority and operator, and API tokens. The rules the tests expect are
written here plainly, apart from the policy module."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.store import accounts, assessments, migrate, snapshots
from fiveguard.store.database import Database, connect
from fiveguard.store.location import database_url
from fiveguard.store.principal import Principal
from fiveguard.web.app import create_app
from fiveguard.web.settings import WebSettings

SMALL = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PASSWORD = "correct horse battery staple 42"
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
HOLDERS = ("nra-x", "op-x1", "op-x2", "nra-y", "op-y")
ADMIN = "root"


def member(org: str, role: Role) -> str:
    return f"{org}.{role.value}"


@dataclass
class World:
    db: Database
    snapshots: dict[str, int] = field(default_factory=dict)
    """The snapshot each holder imported."""
    runs: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    """Token secrets by label: ``read`` and ``run`` (op-x1's), ``noread`` (import only)."""


def fresh_record(directory: Path) -> Database:
    """A new SQLite record at this fiveguard's revision."""
    database = connect(database_url(f"sqlite:///{directory}/fiveguard.db"), create=True)
    migrate.upgrade(database)
    return database


def build_world(db: Database) -> World:
    world = World(db)
    catalogue = default_catalogue()
    with db.transaction() as session:
        admin = accounts.add_user(session, None, ADMIN, PASSWORD, instance_admin=True)
        root = accounts.act_as(session, admin.name)
        for name, (kind, country, supervisor) in ORGS.items():
            accounts.add_organisation(
                session, root, name, kind, country=country, supervisor=supervisor
            )
        for name in ORGS:
            for role in Role:
                user = member(name, role)
                accounts.add_user(session, root, user, PASSWORD)
                accounts.add_member(session, root, user, name, role)
        for name in HOLDERS:
            analyst = accounts.act_as(session, member(name, Role.ANALYST))
            view = snapshots.import_snapshot(
                session, analyst, SMALL, catalogue, name=f"net-{name}", tlp=Tlp.AMBER
            )
            world.snapshots[name] = view.id
            run = assessments.record_assessment(
                session,
                analyst,
                view.id,
                {"note": f"result of {name}"},
                catalogue_digest="0" * 64,
                policy=None,
                seed=None,
                trials=0,
            )
            world.runs[name] = run.id
        boss = accounts.act_as(session, member("op-x1", Role.ORG_ADMIN))
        for label, scopes in (("read", ["read"]), ("run", ["read", "run"]), ("noread", ["import"])):
            world.tokens[label] = str(accounts.create_token(session, boss, label, scopes, 5).secret)
    return world


def sees(viewer_org: str | None, holder: str) -> bool:
    """Whether a member of ``viewer_org`` sees an AMBER object ``holder`` holds."""
    if viewer_org is None:
        return False
    kind = ORGS[viewer_org][0]
    if kind in (E, L):
        return False
    return viewer_org == holder or (kind == A and ORGS[holder][2] == viewer_org)


def shown_organisations(viewer_org: str | None) -> set[str]:
    """Organisations a member is shown: its own, those it supervises, its supervisor."""
    if viewer_org is None:
        return set(ORGS)
    supervisor = ORGS[viewer_org][2]
    found = {viewer_org} | {o for o, (_, _, s) in ORGS.items() if s == viewer_org}
    return found | ({supervisor} if supervisor else set())


def make_app(db: Database, **settings: object) -> TestClient:
    app = create_app(db, WebSettings(**settings))  # type: ignore[arg-type]
    return TestClient(app, base_url="https://testserver")


def sign_in(client: TestClient, user: str, password: str = PASSWORD) -> str:
    """Sign the client in; the CSRF token, also set as the client's default header."""
    answer = client.post("/api/v1/session", json={"username": user, "password": password})
    assert answer.status_code == 200, answer.text
    token = str(answer.json()["csrf_token"])
    client.headers["X-CSRF-Token"] = token
    return token


class StubJobs:
    """Stands in for the job runner where a test looks at who may submit, not the run."""

    def __init__(self) -> None:
        self.started: list[tuple[int, Principal]] = []

    def start(self, job_id: int, principal: Principal) -> None:
        self.started.append((job_id, principal))

    def abandon_unfinished(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
