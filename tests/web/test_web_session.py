"""Signing in and out, sessions, CSRF, rate limiting, tokens, headers and limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_world import PASSWORD, build_world, make_app, member, sign_in

from fiveguard.domain.parties import Role
from fiveguard.store.database import Database


def test_sign_in_sets_a_secure_httponly_strict_cookie_and_me_names_the_member(
    record: Database,
) -> None:
    build_world(record)
    with make_app(record) as client:
        answer = client.post(
            "/api/v1/session", json={"username": "op-x1.analyst", "password": PASSWORD}
        )
        assert answer.status_code == 200
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-fiveguard-session=")
        for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert attribute.lower() in cookie.lower()
        me = client.get("/api/v1/me").json()
        assert (me["user"], me["organisation"], me["role"]) == ("op-x1.analyst", "op-x1", "analyst")
        assert me["organisation_kind"] == "operator"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        wrong = client.post(
            "/api/v1/session", json={"username": "op-x1.analyst", "password": "x" * 20}
        )
        unknown = client.post("/api/v1/session", json={"username": "nobody", "password": "x" * 20})
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert "set-cookie" not in wrong.headers


def test_sign_in_renews_the_session_and_the_old_cookie_stops_working(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.viewer")
        old = client.cookies.get("__Host-fiveguard-session")
        sign_in(client, "op-x1.viewer")
        new = client.cookies.get("__Host-fiveguard-session")
        assert old and new and old != new
        with make_app(record) as other:
            other.cookies.set("__Host-fiveguard-session", old)
            assert other.get("/api/v1/me").status_code == 401


def test_sign_out_ends_the_session_on_the_server(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.viewer")
        secret = client.cookies.get("__Host-fiveguard-session")
        assert client.delete("/api/v1/session").status_code == 204
        with make_app(record) as other:
            other.cookies.set("__Host-fiveguard-session", str(secret))
            assert other.get("/api/v1/me").status_code == 401


def test_changes_with_a_cookie_need_the_csrf_token(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        token = sign_in(client, member("op-x1", Role.ORG_ADMIN))
        body = {"name": "ci", "scopes": ["read"], "days": 3}
        del client.headers["X-CSRF-Token"]
        assert client.post("/api/v1/tokens", json=body).status_code == 403
        forged = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": "forged"})
        assert forged.status_code == 403
        assert "CSRF" in forged.json()["error"]
        assert client.delete("/api/v1/session").status_code == 403  # no forged sign-out
        good = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": token})
        assert good.status_code == 201


def test_an_expired_session_answers_401(record: Database) -> None:
    from sqlalchemy import update

    from fiveguard.store.tables import WebSession

    build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.viewer")
        with record.transaction() as session:
            session.execute(update(WebSession).values(expires_at="2000-01-01T00:00:00.000000Z"))
        answer = client.get("/api/v1/models")
        assert answer.status_code == 401
        assert "sign in" in answer.json()["error"]


def test_repeated_failed_sign_ins_are_refused_even_with_the_right_password(
    record: Database,
) -> None:
    build_world(record)
    with make_app(record, login_failures_per_user=3) as client:
        for _ in range(3):
            bad = {"username": "op-x2.viewer", "password": "not the password at all"}
            assert client.post("/api/v1/session", json=bad).status_code == 401
        good = {"username": "op-x2.viewer", "password": PASSWORD}
        throttled = client.post("/api/v1/session", json=good)
        assert throttled.status_code == 429
        assert "too many" in throttled.json()["error"]
        # another user from elsewhere is not affected
        assert (
            client.post(
                "/api/v1/session", json={"username": "op-x1.viewer", "password": PASSWORD}
            ).status_code
            == 200
        )


def test_a_bearer_token_acts_for_its_organisation_without_csrf(record: Database) -> None:
    world = build_world(record)
    with make_app(record) as client:
        headers = {"Authorization": f"Bearer {world.tokens['read']}"}
        me = client.get("/api/v1/me", headers=headers).json()
        assert me["organisation"] == "op-x1" and me["token"]
        assert client.get("/api/v1/models", headers=headers).json()["count"] == 1
        bad = client.get("/api/v1/models", headers={"Authorization": "Bearer fgt_nope.nope"})
        assert bad.status_code == 401
        assert bad.headers["www-authenticate"] == "Bearer"


def test_every_answer_carries_the_security_headers(record: Database) -> None:
    with make_app(record) as client:
        for path in ("/api/v1/openapi.json", "/api/v1/me", "/static/htmx.min.js"):
            headers = client.get(path).headers
            csp = headers["content-security-policy"]
            assert (
                "script-src 'self'" in csp
                and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
            )
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"


def test_an_oversized_body_is_refused_with_413_and_nothing_is_kept(record: Database) -> None:
    build_world(record)
    with make_app(record, max_upload_bytes=10_000) as client:
        sign_in(client, "op-x1.analyst")
        before = client.get("/api/v1/models").json()["count"]
        answer = client.post(
            "/api/v1/models", files={"files": ("model.yaml", b"x" * 20_000, "application/yaml")}
        )
        assert answer.status_code == 413
        assert "MiB" in answer.json()["error"]
        assert client.get("/api/v1/models").json()["count"] == before


def test_the_openapi_document_is_served_and_names_the_api(record: Database) -> None:
    with TestClient(make_app(record).app) as client:
        doc = client.get("/api/v1/openapi.json").json()
        assert {
            "/api/v1/session",
            "/api/v1/models",
            "/api/v1/assessments",
            "/api/v1/jobs/{job_id}",
        } <= set(doc["paths"])


def test_bad_input_is_a_4xx_with_a_message_never_a_500(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        cases = [
            client.get("/api/v1/models/99999999999999999999"),
            client.get("/api/v1/audit?after=-1"),
            client.post("/api/v1/assessments", json={"snapshot_id": 2**63}),
            client.post(
                "/api/v1/assessments",
                content=b"{not json",
                headers={"content-type": "application/json"},
            ),
            client.post(
                "/api/v1/assessments",
                content=b"snapshot_id=1",
                headers={"content-type": "text/plain"},
            ),
            client.post("/api/v1/models", json={"files": "model.yaml"}),
            client.post(
                "/api/v1/session", content=b"\xff\xfe", headers={"content-type": "application/json"}
            ),
            client.get("/models/99999999999999999999"),
        ]
        for answer in cases:
            assert 400 <= answer.status_code < 500, (answer.request.url, answer.status_code)
            assert "Traceback" not in answer.text
            if answer.request.url.path.startswith("/api/"):
                assert answer.json()["error"]
