"""The outbox and the kept keyring in the pages, read without JavaScript: an analyst
prepares from the exchange page, another person signs with a key file on the summary's
page and sends it, the recipient verifies and imports it; problems are shown in the
page, and a form without its CSRF token changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_outbox_world import PASSPHRASE, ExchangeWorld, build_exchange_world, member
from web_world import PASSWORD, fresh_record, make_app

from fiveguard.domain.parties import Role
from fiveguard.store.tables import AuditEntry, Outgoing

OPENED: list[TestClient] = []
"""Clients a test opened, closed (their app shut down) when it ends."""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ExchangeWorld]:
    db = fresh_record(tmp_path)
    yield build_exchange_world(db)
    while OPENED:
        OPENED.pop().__exit__(None, None, None)
    db.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def signed_in(world: ExchangeWorld, user: str) -> TestClient:
    client = make_app(world.db)
    client.__enter__()
    OPENED.append(client)
    nonce = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": nonce},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def prepared_in_the_page(world: ExchangeWorld) -> int:
    analyst = signed_in(world, member("nra-x", Role.ANALYST))
    page = analyst.get("/exchange")
    assert "Prepare the summary" in page.text and 'value="eu"' in page.text
    answer = analyst.post(
        "/outbox",
        data={
            "run_id": str(world.run_id),
            "recipients": ["eu"],
            "tlp": "AMBER",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    ident = int(answer.headers["location"].rsplit("/", 1)[1])
    mine = analyst.get(f"/outbox/{ident}")
    assert "prepared" in mine.text and "Sign with this key" not in mine.text
    return ident


def test_sign_and_send_in_the_pages_then_import_at_the_recipient(world: ExchangeWorld) -> None:
    ident = prepared_in_the_page(world)
    officer = signed_in(world, member("nra-x", Role.SIGNING_OFFICER))
    assert f"outgoing summary #{ident} to be signed" in officer.get("/").text
    page = officer.get(f"/outbox/{ident}")
    assert "Sign with this key" in page.text and "/api/v1/outbox" in page.text
    signed = officer.post(
        f"/outbox/{ident}/sign",
        files={"key": ("nra-x.key", world.key_file("nra-x"), "application/octet-stream")},
        data={"passphrase": PASSPHRASE, "csrf_token": csrf_of(page.text)},
    )
    assert signed.status_code == 200, signed.text
    assert "Signed, verified against the kept keyring" in signed.text
    sent = officer.post(f"/outbox/{ident}/send", data={"csrf_token": csrf_of(signed.text)})
    assert "Delivered to eu" in sent.text

    assert "Waiting" not in officer.get("/").text
    coordinator = signed_in(world, member("eu", Role.ANALYST))
    assert "a summary from nra-x to verify and import" in coordinator.get("/").text
    assert "outgoing summary" not in signed_in(world, member("nra-y", Role.ANALYST)).get("/").text
    inbox = coordinator.get("/exchange")
    assert "Delivered to you" in inbox.text and "Verify and import" in inbox.text
    delivery = re.search(r'action="/exchange/deliveries/(\d+)/import"', inbox.text)
    assert delivery
    filed = coordinator.post(
        f"/exchange/deliveries/{delivery.group(1)}/import",
        data={"csrf_token": csrf_of(inbox.text)},
    )
    assert filed.status_code == 200 and "Verified and filed" in filed.text
    assert "signed by nra-x" in filed.text


def test_a_wrong_passphrase_is_shown_in_the_page_and_nothing_is_signed(
    world: ExchangeWorld,
) -> None:
    ident = prepared_in_the_page(world)
    officer = signed_in(world, member("nra-x", Role.SIGNING_OFFICER))
    page = officer.get(f"/outbox/{ident}")
    wrong = officer.post(
        f"/outbox/{ident}/sign",
        files={"key": ("nra-x.key", world.key_file("nra-x"), "application/octet-stream")},
        data={"passphrase": "not the right passphrase", "csrf_token": csrf_of(page.text)},
    )
    assert wrong.status_code == 422
    assert "cannot decrypt the private key" in wrong.text and "nothing was kept" in wrong.text
    neither = officer.post(f"/outbox/{ident}/sign", data={"csrf_token": csrf_of(page.text)})
    assert neither.status_code == 422 and "give either a key file" in neither.text
    with world.db.transaction() as session:
        row = session.get(Outgoing, ident)
        assert row is not None and row.status == "prepared" and row.signed_digest is None


def test_forms_without_their_csrf_token_change_nothing(world: ExchangeWorld) -> None:
    ident = prepared_in_the_page(world)
    officer = signed_in(world, member("nra-x", Role.SIGNING_OFFICER))
    with world.db.transaction() as session:
        before = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    forged = officer.post(
        f"/outbox/{ident}/sign",
        files={"key": ("nra-x.key", world.key_file("nra-x"), "application/octet-stream")},
        data={"passphrase": PASSPHRASE, "csrf_token": "forged"},
    )
    assert forged.status_code == 403 and "CSRF" in forged.text
    for path in (f"/outbox/{ident}/send", "/exchange/deliveries/1/import"):
        assert officer.post(path, data={"csrf_token": "forged"}).status_code == 403
    admin = signed_in(world, member("nra-x", Role.ORG_ADMIN))
    refused = admin.post(
        "/exchange/keyring",
        files={"keyring": ("keyring.json", world.keyring, "application/json")},
        data={"csrf_token": ""},
    )
    assert refused.status_code == 403
    with world.db.transaction() as session:
        after = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        assert session.get(Outgoing, ident).status == "prepared"  # type: ignore[union-attr]
    assert after == before


def test_the_keyring_form_is_an_admins_and_shows_what_is_kept(world: ExchangeWorld) -> None:
    viewer = signed_in(world, member("nra-x", Role.VIEWER))
    page = viewer.get("/exchange")
    assert "keyring version 1" in page.text and 'action="/exchange/keyring"' not in page.text
    admin = signed_in(world, member("nra-x", Role.ORG_ADMIN))
    page = admin.get("/exchange")
    assert 'action="/exchange/keyring"' in page.text
    again = admin.post(
        "/exchange/keyring",
        files={"keyring": ("keyring.json", world.keyring, "application/json")},
        data={"csrf_token": csrf_of(page.text)},
    )
    assert again.status_code == 200 and "nothing changed" in again.text
    broken = admin.post(
        "/exchange/keyring",
        files={"keyring": ("mine.json", b"{", "application/json")},
        data={"csrf_token": csrf_of(page.text)},
    )
    assert broken.status_code == 422 and "mine.json" in broken.text
