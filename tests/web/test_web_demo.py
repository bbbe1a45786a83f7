"""``fiveguard serve --demo``: the seeded instance, and the serve command's bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_world import make_app, sign_in

from fiveguard.cli import app
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Role
from fiveguard.store.database import Database
from fiveguard.web.demo import (
    AUTHORITY,
    COORDINATOR,
    ORGANISATIONS,
    demo_user,
    demo_users,
    seed_demo,
)

PASSWORD = "a demo pass phrase for tests"


def test_the_demo_seeds_every_organisation_a_user_per_role_parts_and_a_run(
    record: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIVEGUARD_DEMO_PASSWORD", PASSWORD)
    seeded = seed_demo(record)
    assert seeded.password == PASSWORD and not seeded.generated
    assert "xtel.viewer" in seeded.describe()
    assert len(demo_users()) == len(ORGANISATIONS) * len(Role)
    with make_app(record) as authority:
        sign_in(authority, demo_user(AUTHORITY, Role.VIEWER), PASSWORD)
        assert authority.get("/api/v1/models").json()["count"] == 1
        runs = authority.get("/api/v1/assessments").json()
        assert [r["id"] for r in runs["items"]] == [seeded.run_id]
        assert authority.get("/api/v1/slices").json()["count"] == 3
    with make_app(record) as operator:
        sign_in(operator, demo_user("xtel", Role.ANALYST), PASSWORD)
        parts = operator.get("/api/v1/slices").json()["items"]
        assert [p["operator_id"] for p in parts] == ["xtel"]
        assert operator.get(f"/api/v1/models/{seeded.national_snapshot}").status_code == 404
    assert seeded.coordinator_inbox == 3
    assert seeded.keyring and seeded.keyring in seeded.describe()
    with make_app(record) as coordinator:
        sign_in(coordinator, demo_user(COORDINATOR, Role.VIEWER), PASSWORD)
        inbox = coordinator.get("/api/v1/envelopes?direction=inbox").json()
        assert inbox["count"] == 3
        assert {e["origin"] for e in inbox["items"]} == {"XR-NCA", "XA-NCA", "XB-NCA"}
        assert coordinator.get("/api/v1/models").json()["count"] == 0
        assert coordinator.get("/api/v1/assessments").json()["count"] == 0
        ring = Path(str(seeded.keyring)).read_bytes()
        view = coordinator.post(
            "/api/v1/coordination", files={"keyring": ("keyring.json", ring, "application/json")}
        )
        assert view.status_code == 200, view.text
    with make_app(record) as authority:
        sign_in(authority, demo_user(AUTHORITY, Role.ORG_ADMIN), PASSWORD)
        assert authority.get("/api/v1/envelopes").json()["count"] == 0
    again = seed_demo(record)
    assert again.password is None and "unchanged" in again.describe()


def test_a_weak_demo_password_is_refused_located(
    record: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIVEGUARD_DEMO_PASSWORD", "short")
    with pytest.raises(InputError) as caught:
        seed_demo(record)
    assert caught.value.problems[0].location.path == "FIVEGUARD_DEMO_PASSWORD"


def test_a_generated_demo_password_is_printed_and_works(
    record: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIVEGUARD_DEMO_PASSWORD", raising=False)
    seeded = seed_demo(record)
    assert seeded.generated and seeded.password and seeded.password in seeded.describe()
    with make_app(record) as client:
        sign_in(client, "admin", seeded.password)
        assert client.get("/api/v1/me").json()["instance_admin"] is True


def test_serve_refuses_a_bad_port_with_exit_code_2() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output and "Traceback" not in result.output


DOC = Path(__file__).parents[2] / "docs" / "web.md"


def test_docs_name_every_demo_organisation_and_every_api_route(record: Database) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, *_ in ORGANISATIONS:
        assert f"`{name}`" in text, name
    from fiveguard.web.app import create_app

    paths = create_app(record).openapi()["paths"]
    for path in paths:
        short = re.sub(r"\{[a-z_]+\}", "{id}", path.removeprefix("/api/v1"))
        assert short in text, f"docs/web.md does not mention {path}"


def test_serve_demo_starts_a_server_that_answers(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, FIVEGUARD_DEMO_PASSWORD=PASSWORD)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fiveguard",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{tmp_path}/fiveguard.db",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180  # a bound on start-up, not a timing assertion
        answer = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert answer is not None and answer.status_code == 200, server.stderr
        signed = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/session",
            json={"username": "xtel.viewer", "password": PASSWORD},
        )
        assert signed.status_code == 200
        assert (tmp_path / "eu-demo-keyring.json").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert b"password of every demo user" in output
