"""The keyring kept in the record: uploaded once by an organisation admin, verified,
pinned (another keyring or an older version refused, as ``--state`` pins it in the
command line), then used by import and the EU view without asking for it again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_outbox_world import ORGS, ExchangeWorld, build_exchange_world, make_ring, member
from web_world import fresh_record, make_app, sign_in

from fiveguard.domain.parties import Role
from fiveguard.exchange import keyring_edit
from fiveguard.exchange.keyring import keyring_json

ADMIN = member("eu", Role.ORG_ADMIN)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ExchangeWorld]:
    db = fresh_record(tmp_path)
    yield build_exchange_world(db, keep_keyrings=False)
    db.close()


def upload(client, raw: bytes, name: str = "keyring.json"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/keyring", files={"keyring": (name, raw, "application/json")})


def test_an_admin_keeps_a_keyring_once_and_the_same_bytes_change_nothing(
    world: ExchangeWorld,
) -> None:
    with make_app(world.db) as client:
        sign_in(client, ADMIN)
        assert client.get("/api/v1/keyring").status_code == 404
        kept = upload(client, world.keyring)
        assert kept.status_code == 201, kept.text
        assert kept.json()["version"] == 1 and kept.json()["organisations"] == sorted(ORGS)
        again = upload(client, world.keyring)
        assert again.json()["unchanged"] is True and again.json()["id"] == kept.json()["id"]
        assert client.get("/api/v1/keyring").json()["anchor"] == kept.json()["anchor"]


def test_another_keyring_or_a_rolled_back_version_is_refused(world: ExchangeWorld) -> None:
    other, _held, _root, _id = make_ring(ORGS)
    ring, _held2, root, rootid = make_ring(ORGS)
    now = dt.datetime.now(dt.UTC)
    newer, _ = keyring_edit.set_threshold(ring, "eu", 1, now)
    newer, _ = keyring_edit.sign_keyring(newer, root, rootid)
    with make_app(world.db) as client:
        sign_in(client, ADMIN)
        assert upload(client, keyring_json(newer)).status_code == 201
        substituted = upload(client, keyring_json(other))
        assert substituted.status_code == 422 and "anchor" in substituted.text
        rolled_back = upload(client, keyring_json(ring))
        assert rolled_back.status_code == 422 and "rolled-back" in rolled_back.text
        assert rolled_back.json()["problems"][0]["file"] == "keyring.json"
        assert client.get("/api/v1/keyring").json()["version"] == 2


def test_only_an_organisation_admin_in_person_keeps_the_keyring(world: ExchangeWorld) -> None:
    with make_app(world.db) as client:
        for role in (Role.VIEWER, Role.ANALYST, Role.SIGNING_OFFICER):
            sign_in(client, member("eu", role))
            assert upload(client, world.keyring).status_code == 403
        sign_in(client, "root")
        assert upload(client, world.keyring).status_code == 403


def test_a_damaged_keyring_is_refused_located(world: ExchangeWorld) -> None:
    with make_app(world.db) as client:
        sign_in(client, ADMIN)
        bad = upload(client, b'{"fiveguard_keyring": 1, "versions": []}', "mine.json")
        assert bad.status_code == 422
        assert bad.json()["problems"][0]["file"] == "mine.json"
        assert client.get("/api/v1/keyring").status_code == 404


def test_import_uses_the_kept_keyring_and_asks_for_one_when_none_is_kept(
    world: ExchangeWorld,
) -> None:
    with make_app(world.db) as client:
        sign_in(client, member("nra-x", Role.ORG_ADMIN))
        upload(client, world.keyring)
        sign_in(client, member("nra-x", Role.ANALYST))
        ident = client.post(
            "/api/v1/outbox", json={"run_id": world.run_id, "recipients": ["eu"]}
        ).json()["id"]
        sign_in(client, member("nra-x", Role.SIGNING_OFFICER))
        client.post(
            f"/api/v1/outbox/{ident}/sign",
            files={"key": ("k.key", world.key_file("nra-x"), "application/octet-stream")},
            data={"passphrase": "a passphrase long enough"},
        )
        assert client.post(f"/api/v1/outbox/{ident}/send").status_code == 200
        sign_in(client, member("eu", Role.ANALYST))
        delivery = client.get("/api/v1/deliveries").json()["items"][0]["id"]
        none_kept = client.post(f"/api/v1/deliveries/{delivery}/import")
        assert none_kept.status_code == 422 and "keeps no keyring" in none_kept.text
        sign_in(client, ADMIN)
        upload(client, world.keyring)
        sign_in(client, member("eu", Role.ANALYST))
        assert client.post(f"/api/v1/deliveries/{delivery}/import").status_code == 201
        view = client.post("/api/v1/coordination")
        assert view.status_code == 200, view.text
        assert [i["origin"] for i in view.json()["inputs"]] == ["nra-x"]
