"""The access matrix: every API route × every role of every kind of organisation (and
the instance administrator, and tokens) × own and foreign objects, compared with the
rules written out plainly in web_world. No leak: a foreign object answers exactly as a
missing one (404), and lists and counts hold only what the caller may see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import (
    ADMIN,
    HOLDERS,
    ORGS,
    SMALL,
    StubJobs,
    World,
    build_world,
    fresh_record,
    make_app,
    member,
    sees,
    shown_organisations,
    sign_in,
)

from fiveguard.domain.parties import OrganisationKind, Role

CALLERS = [(org, role) for org in ORGS for role in Role] + [(None, None)]
MISSING = 999_999
SRC = Path(__file__).parents[2] / "src" / "fiveguard"


Signed = tuple[World, dict[str, TestClient]]


def _signed_in_world(directory: Path) -> Iterator[Signed]:
    db = fresh_record(directory)
    built = build_world(db)
    clients: dict[str, TestClient] = {}
    for org, role in CALLERS:
        user = ADMIN if org is None else member(org, role)  # type: ignore[arg-type]
        client = make_app(db)
        client.__enter__()
        client.app.state.jobs = StubJobs()  # type: ignore[attr-defined]
        sign_in(client, user)
        clients[user] = client
    yield built, clients
    for client in clients.values():
        client.__exit__(None, None, None)
    db.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """For reads only: nothing is added to it."""
    yield from _signed_in_world(tmp_path_factory.mktemp("reads"))


@pytest.fixture(scope="module")
def changing_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    yield from _signed_in_world(tmp_path_factory.mktemp("changes"))


def _ids(client: TestClient, path: str) -> tuple[set[int], int]:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.text)
    body = answer.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}, body["count"]


@pytest.mark.parametrize(("org", "role"), CALLERS, ids=str)
def test_reads_show_exactly_what_the_rules_allow(
    world: Signed, org: str | None, role: Role | None
) -> None:
    built, clients = world
    user = ADMIN if org is None else member(org, role)  # type: ignore[arg-type]
    client = clients[user]

    models, count = _ids(client, "/api/v1/models")
    assert models == {built.snapshots[h] for h in HOLDERS if sees(org, h)}
    assert count == len(models)
    runs, _ = _ids(client, "/api/v1/assessments")
    assert runs == {built.runs[h] for h in HOLDERS if sees(org, h)}
    assert _ids(client, "/api/v1/evidence") == (set(), 0)
    assert _ids(client, "/api/v1/envelopes") == (set(), 0)
    assert _ids(client, "/api/v1/jobs") == (set(), 0)
    assert _ids(client, "/api/v1/slices") == (set(), 0)

    for holder in HOLDERS:
        allowed = sees(org, holder)
        snapshot, run = built.snapshots[holder], built.runs[holder]
        for path in (
            f"/api/v1/models/{snapshot}",
            f"/api/v1/models/{snapshot}/versions",
            f"/api/v1/assessments/{run}",
            f"/api/v1/assessments/{run}/result",
        ):
            answer = client.get(path)
            assert answer.status_code == (200 if allowed else 404), (user, path)
        if not allowed:  # a foreign object answers exactly as a missing one
            missing = client.get(f"/api/v1/models/{MISSING}").json()
            foreign = client.get(f"/api/v1/models/{snapshot}").json()
            assert foreign["error"].replace(str(snapshot), "N") == missing["error"].replace(
                str(MISSING), "N"
            )
    for holder in ("op-x1", "op-y"):  # a computation on a model reads it: the same rule
        answer = client.post(
            f"/api/v1/models/{built.snapshots[holder]}/whatif",
            json={"events": ["supplier-fault:nordvik"]},
        )
        assert answer.status_code == (200 if sees(org, holder) else 404), (user, holder)
    for path in ("/api/v1/jobs/1", "/api/v1/evidence/1", "/api/v1/envelopes/1"):
        assert client.get(path).status_code == 404

    names = {o["name"] for o in client.get("/api/v1/organisations").json()["items"]}
    assert names == shown_organisations(org)

    users = client.get("/api/v1/users")
    assert users.status_code == 200
    people = {u["name"] for u in users.json()["items"]}
    if org is None:
        assert len(people) == len(ORGS) * len(Role) + 1
    else:
        assert people == {member(org, r) for r in Role}

    admin_here = org is None or role == Role.ORG_ADMIN
    audit = client.get("/api/v1/audit?limit=1000")
    assert audit.status_code == (200 if admin_here else 403)
    if org is not None and admin_here:
        assert {row["organisation"] for row in audit.json()["items"]} <= {org}
    verified = client.get("/api/v1/audit/verify")
    assert verified.status_code == (200 if admin_here else 403)
    if admin_here:
        assert verified.json()["holds"] is True
        assert (verified.json()["rows"] is None) == (org is not None)
    tokens = client.get("/api/v1/tokens")
    assert tokens.status_code == (200 if admin_here else 403)
    if admin_here:
        owners = {t["organisation"] for t in tokens.json()["items"]}
        assert owners == ({"op-x1"} if org in (None, "op-x1") else set())


def _may(role: Role | None, action: str) -> bool:
    ladder = {"read": Role.VIEWER, "import": Role.ANALYST, "run": Role.ANALYST}
    order = list(Role)
    return role is not None and order.index(role) >= order.index(ladder[action])


@pytest.mark.parametrize(("org", "role"), CALLERS, ids=str)
def test_changes_are_allowed_by_role_and_foreign_objects_stay_404(
    changing_world: Signed, org: str | None, role: Role | None
) -> None:
    built, clients = changing_world
    user = ADMIN if org is None else member(org, role)  # type: ignore[arg-type]
    client = clients[user]

    for holder in HOLDERS:
        answer = client.post(
            "/api/v1/assessments", json={"snapshot_id": built.snapshots[holder], "trials": 0}
        )
        if org is None or not _may(role, "run"):
            assert answer.status_code == 403, (user, holder, answer.text)
        else:
            assert answer.status_code == (202 if sees(org, holder) else 404), (user, holder)

    upload = client.post(
        "/api/v1/models",
        files=[
            ("files", ("model.yaml", SMALL.read_bytes(), "application/yaml")),
            ("files", ("sites.csv", (SMALL.parent / "sites.csv").read_bytes(), "text/csv")),
        ],
        data={"name": f"upload-{user}"},
    )
    may_import = (
        org is not None and _may(role, "import") and ORGS[org][0] != OrganisationKind.EU_COORDINATOR
    )
    assert upload.status_code == (201 if may_import else 403), (user, upload.text)
    if may_import:
        assert upload.json()["organisation"] == org

    filed = client.post(
        "/api/v1/envelopes/inbox",
        files={
            "envelope": ("x.dsse.json", b"{}", "application/json"),
            "keyring": ("k.json", b"{}", "application/json"),
        },
    )
    may_file = org is not None and _may(role, "import")
    assert filed.status_code == (422 if may_file else 403), (user, filed.text)

    sbom = next((SRC / "examples" / "demo" / "evidence").glob("sbom-*.json"))
    kept = client.post(
        "/api/v1/evidence", files={"file": (sbom.name, sbom.read_bytes(), "application/json")}
    )
    assert kept.status_code == (201 if may_file else 403), (user, kept.text)
    if may_file:
        assert kept.json()["organisation"] == org

    made = client.post("/api/v1/tokens", json={"name": "t", "scopes": ["read"], "days": 2})
    assert made.status_code == (201 if org is not None and role == Role.ORG_ADMIN else 403)
    revoked = client.delete("/api/v1/tokens/fgt_000000000000")
    assert revoked.status_code in (403, 404)


def test_tokens_see_their_organisation_by_scope(
    world: Signed,
) -> None:
    built, clients = world
    client = next(iter(clients.values()))

    def as_token(label: str, method: str, path: str, **kw: object) -> int:
        headers = {"Authorization": f"Bearer {built.tokens[label]}"}
        return client.request(method, path, headers=headers, **kw).status_code  # type: ignore[arg-type]

    assert as_token("read", "GET", f"/api/v1/models/{built.snapshots['op-x1']}") == 200
    assert as_token("read", "GET", f"/api/v1/models/{built.snapshots['op-x2']}") == 404
    assert as_token("noread", "GET", f"/api/v1/models/{built.snapshots['op-x1']}") == 404
    assert as_token("read", "GET", "/api/v1/tokens") == 403
    assert as_token("read", "GET", "/api/v1/audit") == 403
    assert as_token("read", "GET", "/api/v1/users") == 403
    job = {"snapshot_id": built.snapshots["op-x1"]}
    assert as_token("read", "POST", "/api/v1/assessments", json=job) == 403
    assert as_token("run", "POST", "/api/v1/assessments", json=job) == 202


def test_anonymous_callers_get_401_everywhere_but_sign_in_and_the_schema(
    world: Signed,
) -> None:
    built, _ = world
    with TestClient(make_app(built.db).app, base_url="https://testserver") as client:
        doc = client.get("/api/v1/openapi.json").json()
        for path, operations in doc["paths"].items():
            concrete = re.sub(r"\{[a-z_]+\}", "1", path)
            for method in operations:
                if path == "/api/v1/session" and method in ("post", "delete"):
                    continue
                answer = client.request(method.upper(), concrete, json={})
                assert answer.status_code in (401, 422), (method, path, answer.status_code)
                if answer.status_code == 422:  # body checked before credentials
                    assert method in ("post",)
