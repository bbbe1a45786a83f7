"""The outbox workflow through the API: an analyst prepares a national summary, another
person with the signing officer role signs it (a key file used once, or an envelope
signed offline with ``fiveguard exchange sign``), it is verified against the keyring
kept in the record and delivered into the recipient's inbox on this instance, where the
recipient verifies and imports it. Every step is audited and out-of-order steps refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner
from web_outbox_world import (
    PASSPHRASE,
    SECOND_OFFICER,
    ExchangeWorld,
    build_exchange_world,
    member,
)
from web_world import fresh_record, make_app, sign_in

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app as cli
from fiveguard.domain.parties import Role
from fiveguard.store.tables import AuditEntry, Delivery, Envelope, Outgoing

ANALYST = member("nra-x", Role.ANALYST)
OFFICER = member("nra-x", Role.SIGNING_OFFICER)
EU_ANALYST = member("eu", Role.ANALYST)


OPENED: list[TestClient] = []
"""Clients a test opened, closed (their app shut down) when it ends."""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ExchangeWorld]:
    db = fresh_record(tmp_path)
    yield build_exchange_world(db)
    while OPENED:
        OPENED.pop().__exit__(None, None, None)
    db.close()


def as_user(world: ExchangeWorld, user: str) -> TestClient:
    client = make_app(world.db)
    client.__enter__()
    OPENED.append(client)
    sign_in(client, user)
    return client


def prepare(world: ExchangeWorld, recipients: list[str] | None = None) -> int:
    client = as_user(world, ANALYST)
    answer = client.post(
        "/api/v1/outbox",
        json={"run_id": world.run_id, "recipients": recipients or ["eu"], "tlp": "AMBER"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "prepared" and answer.json()["signatures"] == 0
    return int(answer.json()["id"])


def sign_with_key(client: TestClient, ident: int, pem: bytes, passphrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/outbox/{ident}/sign",
        files={"key": ("nra-x.key", pem, "application/octet-stream")},
        data={"passphrase": passphrase},
    )


def count(world: ExchangeWorld, table: type) -> int:
    with world.db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_prepare_sign_send_and_import_at_the_recipient(world: ExchangeWorld) -> None:
    ident = prepare(world)
    officer = as_user(world, OFFICER)
    signed = sign_with_key(officer, ident, world.key_file("nra-x"))
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed" and signed.json()["envelope_id"] is not None
    assert officer.get("/api/v1/envelopes?direction=outbox").json()["count"] == 1
    sent = officer.post(f"/api/v1/outbox/{ident}/send")
    assert sent.status_code == 200, sent.text
    assert [d["organisation"] for d in sent.json()["deliveries"]] == ["eu"]

    coordinator = as_user(world, EU_ANALYST)
    pending = coordinator.get("/api/v1/deliveries").json()
    assert pending["count"] == 1 and pending["items"][0]["status"] == "pending"
    delivery = pending["items"][0]["id"]
    filed = coordinator.post(f"/api/v1/deliveries/{delivery}/import")
    assert filed.status_code == 201, filed.text
    assert filed.json()["origin"] == "nra-x" and filed.json()["direction"] == "inbox"
    again = coordinator.post(f"/api/v1/deliveries/{delivery}/import")
    assert again.status_code == 422 and "imported already" in again.text
    assert coordinator.get("/api/v1/envelopes?direction=inbox").json()["count"] == 1
    with world.db.transaction() as session:
        actions = list(session.execute(select(AuditEntry.action)).scalars())
    for step in ("outgoing.prepare", "outgoing.sign", "outgoing.send", "envelope.inbox"):
        assert step in actions


def test_an_envelope_signed_offline_with_the_cli_over_the_downloaded_payload_is_taken(
    world: ExchangeWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = prepare(world)
    officer = as_user(world, OFFICER)
    payload = officer.get(f"/api/v1/outbox/{ident}/payload")
    assert payload.status_code == 200
    unsigned = tmp_path / "unsigned.dsse.json"
    unsigned.write_bytes(payload.content)
    key = tmp_path / "nra-x.key"
    key.write_bytes(world.key_file("nra-x"))
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "signed.dsse.json"
    done = CliRunner().invoke(
        cli, ["exchange", "sign", str(unsigned), "--key", str(key), "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    answer = officer.post(
        f"/api/v1/outbox/{ident}/sign",
        files={"envelope": ("signed.dsse.json", out.read_bytes(), "application/json")},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "signed"
    download = officer.get(f"/api/v1/outbox/{ident}/envelope")
    assert download.content == out.read_bytes()


def test_an_offline_signature_over_another_payload_is_refused_located(
    world: ExchangeWorld,
) -> None:
    from fiveguard.exchange.dsse import sign_envelope, unsigned

    ident = prepare(world)
    keyid, key = world.keys["nra-x"]
    other = sign_envelope(unsigned(b'{"not": "the payload"}'), key, keyid).to_json()
    officer = as_user(world, OFFICER)
    answer = officer.post(
        f"/api/v1/outbox/{ident}/sign",
        files={"envelope": ("mine.dsse.json", other, "application/json")},
    )
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert problem["file"] == "mine.dsse.json" and problem["path"] == "payload"
    assert officer.get(f"/api/v1/outbox/{ident}").json()["status"] == "prepared"


def test_the_preparer_an_analyst_and_a_token_may_not_sign(world: ExchangeWorld) -> None:
    with world.db.transaction() as session:
        from fiveguard.store import accounts

        officer = accounts.act_as(session, OFFICER)
        token = accounts.create_token(
            session, accounts.act_as(session, member("nra-x", Role.ORG_ADMIN)), "t", ["sign"], 5
        )
        del officer
    # the signing officer prepares; the same person may not sign, another officer may
    client = as_user(world, OFFICER)
    answer = client.post(
        "/api/v1/outbox", json={"run_id": world.run_id, "recipients": ["eu"], "tlp": "GREEN"}
    )
    assert answer.status_code == 201, answer.text
    ident = answer.json()["id"]
    refused = sign_with_key(client, ident, world.key_file("nra-x"))
    assert refused.status_code == 403 and "another signing officer" in refused.text
    analyst = as_user(world, ANALYST)
    assert sign_with_key(analyst, ident, world.key_file("nra-x")).status_code == 403
    bearer = make_app(world.db)
    bearer.headers["Authorization"] = f"Bearer {token.secret}"
    assert sign_with_key(bearer, ident, world.key_file("nra-x")).status_code == 403
    second = as_user(world, SECOND_OFFICER)
    assert sign_with_key(second, ident, world.key_file("nra-x")).status_code == 200


def test_a_wrong_passphrase_or_another_organisations_key_writes_nothing(
    world: ExchangeWorld,
) -> None:
    ident = prepare(world)
    officer = as_user(world, OFFICER)
    wrong = sign_with_key(officer, ident, world.key_file("nra-x"), "not the passphrase!")
    assert wrong.status_code == 422 and wrong.json()["problems"][0]["file"] == "key"
    foreign = sign_with_key(officer, ident, world.key_file("nra-y"))
    assert foreign.status_code == 422 and "not a key of nra-x" in foreign.text
    rsa_like = sign_with_key(officer, ident, b"-----BEGIN PRIVATE KEY-----\nAAAA\n")
    assert rsa_like.status_code == 422
    assert officer.get(f"/api/v1/outbox/{ident}").json()["signatures"] == 0
    assert count(world, Envelope) == 0


def test_steps_out_of_order_are_refused(world: ExchangeWorld) -> None:
    ident = prepare(world)
    officer = as_user(world, OFFICER)
    early = officer.post(f"/api/v1/outbox/{ident}/send")
    assert early.status_code == 422 and "not signed yet" in early.text
    assert officer.get(f"/api/v1/outbox/{ident}/envelope").status_code == 422
    assert sign_with_key(officer, ident, world.key_file("nra-x")).status_code == 200
    twice = sign_with_key(officer, ident, world.key_file("nra-x"))
    assert twice.status_code == 422 and "signed already" in twice.text
    assert officer.post(f"/api/v1/outbox/{ident}/send").status_code == 200
    resend = officer.post(f"/api/v1/outbox/{ident}/send")
    assert resend.status_code == 422 and "sent already" in resend.text
    assert count(world, Delivery) == 1


def test_a_second_summary_counts_its_sequence_up_and_supersedes_the_first(
    world: ExchangeWorld,
) -> None:
    first = prepare(world)
    officer = as_user(world, OFFICER)
    sign_with_key(officer, first, world.key_file("nra-x"))
    officer.post(f"/api/v1/outbox/{first}/send")
    second = prepare(world)
    assert officer.get(f"/api/v1/outbox/{second}").json()["sequence"] == 2
    assert sign_with_key(officer, second, world.key_file("nra-x")).status_code == 200
    officer.post(f"/api/v1/outbox/{second}/send")
    coordinator = as_user(world, EU_ANALYST)
    items = coordinator.get("/api/v1/deliveries").json()["items"]
    # imported newest first, the older one is then a replay: refused, nothing written
    assert coordinator.post(f"/api/v1/deliveries/{items[1]['id']}/import").status_code == 201
    older = coordinator.post(f"/api/v1/deliveries/{items[0]['id']}/import")
    assert older.status_code == 422 and "sequence" in older.text


def test_preparing_checks_recipients_label_and_the_run_against_the_keyring(
    world: ExchangeWorld,
) -> None:
    client = as_user(world, ANALYST)

    def prepare_with(**body: object):  # type: ignore[no-untyped-def]
        return client.post("/api/v1/outbox", json={"run_id": world.run_id, **body})

    unknown = prepare_with(recipients=["nobody"])
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["path"] == "recipients[0]"
    red = prepare_with(recipients=["eu"], tlp="RED")
    assert red.status_code == 422 and red.json()["problems"][0]["path"] == "tlp"
    missing = client.post("/api/v1/outbox", json={"run_id": 999, "recipients": ["eu"]})
    assert missing.status_code == 404
    assert count(world, Outgoing) == 0


def test_the_outbox_and_deliveries_are_not_seen_by_another_organisation(
    world: ExchangeWorld,
) -> None:
    ident = prepare(world)
    officer = as_user(world, OFFICER)
    sign_with_key(officer, ident, world.key_file("nra-x"))
    officer.post(f"/api/v1/outbox/{ident}/send")
    delivery = as_user(world, EU_ANALYST).get("/api/v1/deliveries").json()["items"][0]["id"]
    for user in (member("nra-y", role) for role in Role):
        stranger = as_user(world, user)
        assert stranger.get("/api/v1/outbox").json()["count"] == 0
        assert stranger.get("/api/v1/deliveries").json()["count"] == 0
        for path in ("", "/payload", "/envelope"):
            assert stranger.get(f"/api/v1/outbox/{ident}{path}").status_code == 404
        assert stranger.post(f"/api/v1/outbox/{ident}/send").status_code in (403, 404)
        assert stranger.post(f"/api/v1/deliveries/{delivery}/import").status_code in (403, 404)
    viewer = as_user(world, member("eu", Role.VIEWER))
    assert viewer.get("/api/v1/deliveries").json()["count"] == 1
    assert viewer.post(f"/api/v1/deliveries/{delivery}/import").status_code == 403
    assert as_user(world, member("eu", Role.ANALYST)).get("/api/v1/outbox").json()["count"] == 0


def test_the_key_file_is_never_kept(world: ExchangeWorld) -> None:
    ident = prepare(world)
    pem = world.key_file("nra-x")
    assert sign_with_key(as_user(world, OFFICER), ident, pem).status_code == 200
    private_raw = world.keys["nra-x"][1].private_bytes_raw()
    with world.db.engine.connect() as connection:
        from sqlalchemy import inspect, text

        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                for value in row:
                    if isinstance(value, bytes | str):
                        blob = value.encode() if isinstance(value, str) else value
                        assert pem not in blob and private_raw not in blob
                        assert private_raw.hex().encode() not in blob
                        assert PASSPHRASE.encode() not in blob


def test_oversized_or_mistyped_signing_requests_are_refused_clearly(world: ExchangeWorld) -> None:
    ident = prepare(world)
    small = make_app(world.db, max_upload_bytes=4096)
    small.__enter__()
    OPENED.append(small)
    sign_in(small, OFFICER)
    huge = sign_with_key(small, ident, b"-" * 10_000)
    assert huge.status_code == 413 and "larger than" in huge.json()["error"]
    officer = as_user(world, OFFICER)
    as_json = officer.post(f"/api/v1/outbox/{ident}/sign", json={"key": "…"})
    assert as_json.status_code == 422 and "give either a key file" in as_json.text
    both = officer.post(
        f"/api/v1/outbox/{ident}/sign",
        files={
            "key": ("k.key", world.key_file("nra-x"), "application/octet-stream"),
            "envelope": ("e.json", b"{}", "application/json"),
        },
        data={"passphrase": PASSPHRASE},
    )
    assert both.status_code == 422
    big_key = sign_with_key(officer, ident, b"x" * 70_000)
    assert big_key.status_code == 422 and "too large" in big_key.text
    not_a_run = officer.post("/api/v1/outbox", json={"run_id": "one", "recipients": ["eu"]})
    assert not_a_run.status_code == 422 and not_a_run.json()["problems"][0]["path"]
    assert officer.get(f"/api/v1/outbox/{ident}").json()["signatures"] == 0
    assert count(world, Envelope) == 0
