"""The access matrix of the exchange's new routes: every route × every role of each
kind of organisation (and the instance administrator) × own and foreign objects. The
outbox is its organisation's (a foreign one answers 404 as a missing one, lists hold
none of it), a delivery its recipient's; acts are allowed by role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_outbox_world import ORGS, ExchangeWorld, build_exchange_world, member
from web_world import fresh_record, make_app, sign_in

from fiveguard.app import outbox
from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import Role, Tlp
from fiveguard.store import accounts

CALLERS = [(org, role) for org in ORGS for role in Role] + [(None, None)]
ORDER = list(Role)


def at_least(role: Role | None, least: Role) -> bool:
    return role is not None and ORDER.index(role) >= ORDER.index(least)


Signed = tuple[ExchangeWorld, dict[str, int], dict[str, TestClient]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    db = fresh_record(tmp_path_factory.mktemp("outbox-access"))
    built = build_exchange_world(db)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    catalogue = default_catalogue()
    with db.transaction() as session:
        analyst = accounts.act_as(session, member("nra-x", Role.ANALYST))
        officer = accounts.act_as(session, member("nra-x", Role.SIGNING_OFFICER))
        sent = outbox.prepare_summary(
            session, analyst, built.run_id, ["eu"], Tlp.AMBER, catalogue, at=now
        ).id
        pem = built.key_file("nra-x")
        outbox.sign_with_key(session, officer, sent, pem, "a passphrase long enough", at=now)
        outbox.send(session, officer, sent, at=now)
        prepared = outbox.prepare_summary(
            session, analyst, built.run_id, ["eu"], Tlp.GREEN, catalogue, at=now
        ).id
    ids = {"sent": sent, "prepared": prepared, "delivery": 1}
    clients: dict[str, TestClient] = {}
    for org, role in CALLERS:
        user = "root" if org is None else member(org, role)  # type: ignore[arg-type]
        client = make_app(db)
        client.__enter__()
        sign_in(client, user)
        clients[user] = client
    yield built, ids, clients
    for client in clients.values():
        client.__exit__(None, None, None)
    db.close()


@pytest.mark.parametrize(("org", "role"), CALLERS, ids=str)
def test_the_outbox_and_deliveries_by_role_and_organisation(
    world: Signed, org: str | None, role: Role | None
) -> None:
    built, ids, clients = world
    user = "root" if org is None else member(org, role)  # type: ignore[arg-type]
    client = clients[user]
    own = org == "nra-x"

    listed = client.get("/api/v1/outbox").json()
    assert {i["id"] for i in listed["items"]} == ({ids["sent"], ids["prepared"]} if own else set())
    assert listed["count"] == len(listed["items"])
    for ident in (ids["sent"], ids["prepared"]):
        for path in (f"/api/v1/outbox/{ident}", f"/api/v1/outbox/{ident}/payload"):
            assert client.get(path).status_code == (200 if own else 404), (user, path)
        assert client.get(f"/outbox/{ident}").status_code == (200 if own else 404)
    signed = client.get(f"/api/v1/outbox/{ids['sent']}/envelope")
    assert signed.status_code == (200 if own else 404)

    deliveries = client.get("/api/v1/deliveries").json()
    assert deliveries["count"] == (1 if org == "eu" else 0), user
    exchange = client.get("/exchange")
    assert exchange.status_code == 200  # the instance administrator's is empty
    assert (f'href="/outbox/{ids["sent"]}"' in exchange.text) == own
    assert ("Delivered to you" in exchange.text) == (org == "eu")

    kept = client.get("/api/v1/keyring")
    assert kept.status_code == (200 if org else 404)

    # acts: refused by role first (403), then a foreign object is 404, an own one is taken
    may_sign = at_least(role, Role.SIGNING_OFFICER) and org is not None
    bad_key = client.post(
        f"/api/v1/outbox/{ids['prepared']}/sign",
        files={"key": ("k.key", b"not a key", "application/octet-stream")},
        data={"passphrase": "a passphrase long enough"},
    )
    assert bad_key.status_code == ((422 if own else 404) if may_sign else 403), (user, bad_key.text)
    resend = client.post(f"/api/v1/outbox/{ids['sent']}/send")
    assert resend.status_code == ((422 if own else 404) if may_sign else 403), (user, resend.text)

    may_run = at_least(role, Role.ANALYST) and org is not None
    if not own:
        foreign_run = client.post(
            "/api/v1/outbox", json={"run_id": built.run_id, "recipients": ["nra-y"]}
        )
        assert foreign_run.status_code == (404 if may_run else 403), (user, foreign_run.text)

    if org != "eu" or not at_least(role, Role.ANALYST):
        imported = client.post(f"/api/v1/deliveries/{ids['delivery']}/import")
        may_import = at_least(role, Role.ANALYST) and org is not None
        assert imported.status_code == (404 if may_import else 403), (user, imported.text)

    again = client.post(
        "/api/v1/keyring", files={"keyring": ("keyring.json", built.keyring, "application/json")}
    )
    assert again.status_code == (201 if role == Role.ORG_ADMIN else 403), (user, again.text)
    if role == Role.ORG_ADMIN:
        assert again.json()["unchanged"] is True and again.json()["organisation"] == org
