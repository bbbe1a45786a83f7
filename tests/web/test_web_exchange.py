"""Filing a received envelope in the inbox through the web: every check of the exchange
runs (failing closed), problems are located, nothing is kept unless all pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_world import PASSWORD, fresh_record, make_app, sign_in

from fiveguard.app.eu_demo import COORDINATOR, DemoResult, run_eu_demo
from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.store import accounts
from fiveguard.store.database import Database

DEMO = Path(__file__).parents[2] / "src" / "fiveguard" / "examples" / "demo" / "model.yaml"


@pytest.fixture(scope="module")
def eu_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return run_eu_demo(tmp_path_factory.mktemp("eu") / "demo", default_catalogue(), DEMO, now)


@pytest.fixture
def coordinator_record(tmp_path: Path) -> Iterator[Database]:
    db = fresh_record(tmp_path)
    with db.transaction() as session:
        accounts.add_user(session, None, "root", PASSWORD, instance_admin=True)
        root = accounts.act_as(session, "root")
        accounts.add_organisation(session, root, COORDINATOR, OrganisationKind.EU_COORDINATOR)
        accounts.add_organisation(
            session, root, "XR-NCA", OrganisationKind.NATIONAL_AUTHORITY, country="XR"
        )
        for org, role in (
            (COORDINATOR, Role.ANALYST),
            (COORDINATOR, Role.VIEWER),
            ("XR-NCA", Role.ANALYST),
        ):
            accounts.add_user(session, root, f"{org}.{role.value}", PASSWORD)
            accounts.add_member(session, root, f"{org}.{role.value}", org, role)
    yield db
    db.close()


def _upload(client, envelope: Path, keyring: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/envelopes/inbox",
        files={
            "envelope": (envelope.name, envelope.read_bytes(), "application/json"),
            "keyring": ("keyring.json", keyring, "application/json"),
        },
    )


def test_the_coordinator_files_a_verified_summary_once_and_refuses_a_replay(
    eu_demo: DemoResult, coordinator_record: Database
) -> None:
    keyring = (eu_demo.out / "keyring.json").read_bytes()
    envelope = next(p for p in eu_demo.envelopes if p.name.startswith("XR"))
    with make_app(coordinator_record) as client:
        sign_in(client, f"{COORDINATOR}.analyst")
        filed = _upload(client, envelope, keyring)
        assert filed.status_code == 201, filed.text
        assert filed.json()["origin"] == "XR-NCA" and filed.json()["direction"] == "inbox"
        replay = _upload(client, envelope, keyring)
        assert replay.status_code == 422
        assert "sequence" in replay.text
        assert client.get("/api/v1/envelopes").json()["count"] == 1


def test_a_tampered_envelope_or_a_non_recipient_is_refused_located(
    eu_demo: DemoResult, coordinator_record: Database, tmp_path: Path
) -> None:
    keyring = (eu_demo.out / "keyring.json").read_bytes()
    envelope = next(p for p in eu_demo.envelopes if p.name.startswith("XA"))
    tampered = tmp_path / "XA.dsse.json"
    raw = envelope.read_bytes()
    tampered.write_bytes(raw.replace(b'"sig":"', b'"sig":"A', 1))
    with make_app(coordinator_record) as client:
        sign_in(client, f"{COORDINATOR}.analyst")
        bad = _upload(client, tampered, keyring)
        assert bad.status_code == 422
        assert all(p["file"] == "XA.dsse.json" for p in bad.json()["problems"])
        broken_ring = _upload(client, envelope, b"{}")
        assert broken_ring.status_code == 422
        assert broken_ring.json()["problems"][0]["file"] == "keyring.json"
    with make_app(coordinator_record) as viewer:
        sign_in(viewer, f"{COORDINATOR}.viewer")
        assert _upload(viewer, envelope, keyring).status_code == 403
    with make_app(coordinator_record) as authority:
        sign_in(authority, "XR-NCA.analyst")
        refused = _upload(authority, envelope, keyring)
        assert refused.status_code == 422
        assert "recipient" in refused.text
    with make_app(coordinator_record) as client:
        sign_in(client, f"{COORDINATOR}.analyst")
        assert client.get("/api/v1/envelopes").json()["count"] == 0


def test_the_exchange_page_lists_the_checks_and_shows_the_filed_summary(
    eu_demo: DemoResult, coordinator_record: Database
) -> None:
    import re

    keyring = (eu_demo.out / "keyring.json").read_bytes()
    envelope = next(p for p in eu_demo.envelopes if p.name.startswith("XB"))
    with make_app(coordinator_record) as client:
        sign_in(client, f"{COORDINATOR}.analyst")
        page = client.get("/exchange")
        assert page.text.count("<li>") >= 7 and "no replay" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        done = client.post(
            "/exchange/inbox",
            data={"csrf_token": token.group(1)},
            files={
                "envelope": (envelope.name, envelope.read_bytes(), "application/json"),
                "keyring": ("keyring.json", keyring, "application/json"),
            },
        )
        assert done.status_code == 200, done.text
        assert "Verified and filed" in done.text and "XB-NCA" in done.text


def test_the_coordinator_builds_the_coordinated_view_of_its_inbox(
    eu_demo: DemoResult, coordinator_record: Database
) -> None:
    keyring = (eu_demo.out / "keyring.json").read_bytes()
    with make_app(coordinator_record) as client:
        sign_in(client, f"{COORDINATOR}.analyst")
        empty = client.post(
            "/api/v1/coordination", files={"keyring": ("keyring.json", keyring, "application/json")}
        )
        assert empty.status_code == 422 and "no national summary" in empty.text
        for envelope in eu_demo.envelopes:
            assert _upload(client, envelope, keyring).status_code == 201
        view = client.post(
            "/api/v1/coordination", files={"keyring": ("keyring.json", keyring, "application/json")}
        )
        assert view.status_code == 200, view.text
        assert view.json() == eu_demo.view.model_dump(mode="json") | {
            key: view.json()[key]
            for key in view.json()
            if key in ("generated_at", "as_of", "inputs")
        }
        page = client.post(
            "/eu/view",
            data={"csrf_token": client.headers["X-CSRF-Token"]},
            files={"keyring": ("keyring.json", keyring, "application/json")},
        )
        assert page.status_code == 200 and "<html" in page.text
    with make_app(coordinator_record) as authority:
        sign_in(authority, "XR-NCA.analyst")
        none = authority.post(
            "/api/v1/coordination", files={"keyring": ("keyring.json", keyring, "application/json")}
        )
        assert none.status_code == 422  # its inbox is empty: nothing of the coordinator's shows


def test_an_authority_files_the_summary_it_signed_in_its_outbox_only(
    eu_demo: DemoResult, coordinator_record: Database
) -> None:
    keyring = (eu_demo.out / "keyring.json").read_bytes()
    own = next(p for p in eu_demo.envelopes if p.name.startswith("XR"))
    other = next(p for p in eu_demo.envelopes if p.name.startswith("XA"))
    with coordinator_record.transaction() as session:
        root = accounts.act_as(session, "root")
        accounts.add_user(session, root, "XR-NCA.officer", PASSWORD)
        accounts.add_member(session, root, "XR-NCA.officer", "XR-NCA", Role.SIGNING_OFFICER)

    def send(client, envelope: Path):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/envelopes/outbox",
            files={
                "envelope": (envelope.name, envelope.read_bytes(), "application/json"),
                "keyring": ("keyring.json", keyring, "application/json"),
            },
        )

    with make_app(coordinator_record) as analyst:
        sign_in(analyst, "XR-NCA.analyst")
        assert send(analyst, own).status_code == 403  # a signing officer's act
    with make_app(coordinator_record) as officer:
        sign_in(officer, "XR-NCA.officer")
        refused = send(officer, other)
        assert refused.status_code == 422 and "signed by XA-NCA" in refused.text
        filed = send(officer, own)
        assert filed.status_code == 201, filed.text
        assert filed.json()["direction"] == "outbox"
        assert send(officer, own).status_code == 422  # the next one sent needs a higher sequence
