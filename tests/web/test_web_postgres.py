"""The web app on a PostgreSQL record: sign-in, an upload, an assessment job to its
result, and a foreign object answering 404 (skipped, with the reason, when the server
does not answer; required where FIVEGUARD_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))
from store_databases import drop_postgres_database, new_postgres_database
from web_world import SMALL, build_world, make_app, sign_in

from fiveguard.store import migrate
from fiveguard.store.database import Database, connect
from fiveguard.store.location import database_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_record() -> Iterator[Database]:
    url = new_postgres_database()
    db = connect(database_url(url))
    migrate.upgrade(db)
    try:
        yield db
    finally:
        db.close()
        drop_postgres_database(url)


def test_the_web_app_works_on_postgresql(pg_record: Database) -> None:
    world = build_world(pg_record)
    sites = (SMALL.parent / "sites.csv").read_bytes()
    with make_app(pg_record) as client:
        sign_in(client, "op-x1.analyst")
        uploaded = client.post(
            "/api/v1/models",
            files=[
                ("files", ("model.yaml", SMALL.read_bytes(), "application/yaml")),
                ("files", ("sites.csv", sites, "text/csv")),
            ],
            data={"name": "pg"},
        )
        assert uploaded.status_code == 201, uploaded.text
        job = client.post(
            "/api/v1/assessments", json={"snapshot_id": uploaded.json()["id"], "trials": 16}
        ).json()
        deadline = time.monotonic() + 120
        while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/api/v1/jobs/{job['id']}").json()
        assert job["status"] == "done", job
        assert client.get(f"/api/v1/assessments/{job['run_id']}/result").status_code == 200
        assert client.get(f"/api/v1/models/{world.snapshots['op-x2']}").status_code == 404
        assert client.get("/api/v1/models/2147483647").status_code == 404


def test_the_outbox_works_on_postgresql(pg_record: Database) -> None:
    from web_outbox_world import PASSPHRASE, build_exchange_world, member

    from fiveguard.domain.parties import Role

    world = build_exchange_world(pg_record)
    with make_app(pg_record) as client:
        sign_in(client, member("nra-x", Role.ANALYST))
        prepared = client.post(
            "/api/v1/outbox", json={"run_id": world.run_id, "recipients": ["eu"]}
        )
        assert prepared.status_code == 201, prepared.text
        ident = prepared.json()["id"]
        sign_in(client, member("nra-x", Role.SIGNING_OFFICER))
        signed = client.post(
            f"/api/v1/outbox/{ident}/sign",
            files={"key": ("k.key", world.key_file("nra-x"), "application/octet-stream")},
            data={"passphrase": PASSPHRASE},
        )
        assert signed.status_code == 200, signed.text
        assert client.post(f"/api/v1/outbox/{ident}/send").status_code == 200
        sign_in(client, member("eu", Role.ANALYST))
        delivery = client.get("/api/v1/deliveries").json()["items"][0]["id"]
        assert client.post(f"/api/v1/deliveries/{delivery}/import").status_code == 201
        assert client.get("/api/v1/envelopes?direction=inbox").json()["count"] == 1


def test_two_officers_signing_at_once_sign_once(pg_record: Database) -> None:
    import datetime as dt
    from concurrent.futures import ThreadPoolExecutor

    from web_outbox_world import PASSPHRASE, SECOND_OFFICER, build_exchange_world, member

    from fiveguard.app import outbox
    from fiveguard.catalog import default_catalogue
    from fiveguard.domain.errors import InputError
    from fiveguard.domain.parties import Role, Tlp
    from fiveguard.store import accounts

    world = build_exchange_world(pg_record)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with pg_record.transaction() as session:
        analyst = accounts.act_as(session, member("nra-x", Role.ANALYST))
        ident = outbox.prepare_summary(
            session, analyst, world.run_id, ["eu"], Tlp.AMBER, default_catalogue(), at=now
        ).id

    def sign(user: str) -> str:
        try:
            with pg_record.transaction() as session:
                officer = accounts.act_as(session, user)
                pem = world.key_file("nra-x")
                return outbox.sign_with_key(session, officer, ident, pem, PASSPHRASE, at=now).status
        except InputError as exc:
            return str(exc)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(sign, [member("nra-x", Role.SIGNING_OFFICER), SECOND_OFFICER]))
    assert sorted(answers)[1] == "signed" and "signed already" in sorted(answers)[0], answers
