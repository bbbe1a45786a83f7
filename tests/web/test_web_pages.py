"""The server-rendered pages, read without JavaScript: sign-in form, dashboard, model
upload with located problems, an assessment from its form to its report, the audit log,
tokens, and error pages (never a traceback)."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient
from web_world import PASSWORD, SMALL, build_world, make_app

from fiveguard.store.database import Database

SITES = (SMALL.parent / "sites.csv").read_bytes()


def page_sign_in(client: TestClient, user: str) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    nonce = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert nonce
    answer = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": nonce.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def test_pages_ask_to_sign_in_and_the_form_needs_its_nonce(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        first = client.get("/models", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        forged = client.post(
            "/login",
            data={"username": "op-x1.viewer", "password": PASSWORD, "csrf_token": "guess"},
        )
        assert "expired" in forged.text and "set-cookie" not in {
            k for k in forged.headers if "fiveguard-session" in forged.headers.get(k, "")
        }
        page_sign_in(client, "op-x1.viewer")
        home = client.get("/")
        assert "op-x1" in home.text and "model versions" in home.text
        assert "<script" in home.text and "/static/htmx.min.js" in home.text
        assert not re.search(r"<script>[^<]", home.text)  # no inline script


def test_a_wrong_password_is_said_in_the_page(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        nonce = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"username": "op-x1.viewer", "password": "wrong" * 4, "csrf_token": nonce},
        )
        assert answer.status_code == 401
        assert "wrong user name or password" in answer.text


def test_upload_shows_located_problems_then_keeps_the_fixed_model(record: Database) -> None:
    build_world(record)
    broken = SMALL.read_bytes().replace(b"population: 420000", b"population: lots", 1)
    with make_app(record) as client:
        page_sign_in(client, "op-x1.analyst")
        token = csrf_of(client.get("/models").text)
        files = [
            ("files", ("model.yaml", broken, "application/yaml")),
            ("files", ("sites.csv", SITES, "text/csv")),
        ]
        bad = client.post("/models", files=files, data={"csrf_token": token, "name": "mine"})
        assert bad.status_code == 422
        assert "nothing was kept" in bad.text and "model.yaml" in bad.text
        assert re.search(r"<td class=\"num\">\d+</td>", bad.text)  # a line number shown
        files[0] = ("files", ("model.yaml", SMALL.read_bytes(), "application/yaml"))
        good = client.post(
            "/models",
            files=files,
            data={"csrf_token": token, "name": "mine"},
            follow_redirects=False,
        )
        assert good.status_code == 303
        model_page = client.get(good.headers["location"])
        assert "mine v1" in model_page.text and "sites.csv" in model_page.text


def test_an_assessment_runs_from_its_form_to_the_report(record: Database) -> None:
    from fiveguard.catalog import default_catalogue
    from fiveguard.store import accounts
    from fiveguard.web.usecases import assess_recorded

    world = build_world(record)
    with record.transaction() as session:
        analyst = accounts.act_as(session, "op-x1.analyst")
    first = assess_recorded(
        record,
        analyst,
        world.snapshots["op-x1"],
        default_catalogue(),
        policy=None,
        trials=0,
        seed=0,
        progress=lambda *_: None,
    )
    with make_app(record) as client:
        page_sign_in(client, "op-x1.analyst")
        snapshot = world.snapshots["op-x1"]
        token = csrf_of(client.get(f"/models/{snapshot}").text)
        queued = client.post(
            "/assessments",
            data={
                "csrf_token": token,
                "snapshot_id": str(snapshot),
                "policy": "none",
                "trials": "0",
            },
            follow_redirects=False,
        )
        assert queued.status_code == 303
        job_path = queued.headers["location"]
        page = client.get(job_path)
        assert "<progress" in page.text
        deadline = time.monotonic() + 120
        while "See assessment" not in page.text and time.monotonic() < deadline:
            assert "failed" not in page.text, page.text
            time.sleep(0.2)
            page = client.get(job_path, headers={"HX-Request": "true"})
        run_link = re.search(r'href="(/assessments/\d+)"', page.text)
        assert run_link
        run_page = client.get(run_link.group(1))
        assert "How to reproduce it" in run_page.text
        report = client.get(run_link.group(1) + "/report")
        assert report.status_code == 200 and "<h1>" in report.text
        assert "script-src 'self'" in report.headers["content-security-policy"]
        run_id = int(run_link.group(1).rsplit("/", 1)[1])
        compared = client.get(f"/assessments/compare?a={first}&b={run_id}")
        assert compared.status_code == 200 and "policy" in compared.text


def test_foreign_pages_answer_404_in_the_page(record: Database) -> None:
    world = build_world(record)
    with make_app(record) as client:
        page_sign_in(client, "op-x2.org-admin")
        for path in (
            f"/models/{world.snapshots['op-x1']}",
            f"/assessments/{world.runs['op-x1']}",
            f"/assessments/{world.runs['op-x1']}/report",
            "/jobs/1",
            "/no/such/page",
        ):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert "Not found" in answer.text and "Traceback" not in answer.text


def test_org_admins_see_their_audit_rows_and_make_a_token_shown_once(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        page_sign_in(client, "op-x1.org-admin")
        audit = client.get("/audit")
        assert audit.status_code == 200 and "The chain holds" in audit.text
        assert "nra-y" not in audit.text
        admin = client.get("/admin")
        token = csrf_of(admin.text)
        made = client.post(
            "/admin/tokens",
            data={"csrf_token": token, "name": "ci", "scopes": ["read"], "days": "7"},
        )
        assert made.status_code == 200
        secret = re.search(r'<code id="token-secret">([^<]+)</code>', made.text)
        assert secret
        assert secret.group(1) not in client.get("/admin").text
        forged = client.post(
            "/admin/tokens", data={"csrf_token": "forged", "name": "x", "scopes": ["read"]}
        )
        assert forged.status_code == 403 and "CSRF" in forged.text
        bad = client.post(
            "/admin/tokens", data={"csrf_token": token, "name": "x", "scopes": ["everything"]}
        )
        assert bad.status_code == 422 and "expected scopes" in bad.text


def test_viewers_are_not_shown_forms_they_may_not_use(record: Database) -> None:
    world = build_world(record)
    with make_app(record) as client:
        page_sign_in(client, "op-x1.viewer")
        assert "Upload a model" not in client.get("/models").text
        assert "Run the assessment" not in client.get(f"/models/{world.snapshots['op-x1']}").text
        assert client.get("/admin").status_code == 403
        assert client.get("/audit").status_code == 403


def test_the_whatif_form_shows_the_impact_with_a_chart_or_the_problems(record: Database) -> None:
    world = build_world(record)
    with make_app(record) as client:
        page_sign_in(client, "op-x1.viewer")
        path = f"/models/{world.snapshots['op-x1']}/whatif"
        token = csrf_of(client.get(path).text)
        shown = client.post(path, data={"csrf_token": token, "events": "supplier-fault:nordvik"})
        assert shown.status_code == 200
        assert "people without service" in shown.text and "<svg" in shown.text
        bad = client.post(path, data={"csrf_token": token, "events": "meteor:all"})
        assert bad.status_code == 422 and "events[0]" in bad.text
