"""Exchange envelopes in the record: verified before they are kept, verbatim, with their
parsed statement and labels; a replay, a foreign envelope or a forged one refused with a
located message; reads and exports of AMBER content audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_exchange import NOW, Ring, envelope, make_ring
from test_record_cli import Cli, audit_rows

from fiveguard.app.envelopes import file_received, file_sent
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.exchange.keyring import keyring_json
from fiveguard.store import accounts, audit, envelopes
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database

PASSWORD = "correct horse battery staple"
A, E = OrganisationKind.NATIONAL_AUTHORITY, OrganisationKind.EU_COORDINATOR
KEYRING_ORGS = {"XS-NCA": (A, "XS"), "XA-NCA": (A, "XA"), "EU-COORD": (E, None)}


@pytest.fixture(scope="module")
def ring() -> Ring:
    return make_ring(KEYRING_ORGS)


@pytest.fixture(scope="module")
def sent(ring: Ring) -> bytes:
    return envelope(ring, "XS-NCA", ("EU-COORD",))


def people(db: Database) -> None:
    """The three organisations of the keyring, each with an analyst and a signing officer."""
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", PASSWORD, instance_admin=True)
        admin = accounts.act_as(s, "admin")
        for name, (kind, country) in KEYRING_ORGS.items():
            accounts.add_organisation(s, admin, name, kind, country=country)
            for role in (Role.ANALYST, Role.SIGNING_OFFICER):
                user = f"{name.lower()}-{role.value}"
                accounts.add_user(s, admin, user, PASSWORD)
                accounts.add_member(s, admin, user, name, role)


def test_a_received_envelope_is_kept_verbatim_once(db: Database, ring: Ring, sent: bytes) -> None:
    people(db)
    with db.transaction() as s:
        eva = accounts.act_as(s, "eu-coord-analyst")
        filed = file_received(s, eva, sent, "xs.dsse.json", ring.verified, now=NOW)
    view = filed.view
    assert (view.organisation, view.direction, view.origin, view.sequence, view.tlp) == (
        "EU-COORD",
        "inbox",
        "XS-NCA",
        1,
        Tlp.AMBER,
    )
    with db.transaction() as s:
        eva = accounts.act_as(s, "eu-coord-analyst")
        before = audit.count(s)
        raw, statement = envelopes.read_envelope(s, eva, view.id)
        assert audit.count(s) == before + 1  # an AMBER read
    assert raw == sent
    assert statement["predicate"]["origin"] == "XS-NCA"
    assert statement["predicate"]["recipients"] == ["EU-COORD"]
    with db.transaction() as s, pytest.raises(InputError, match="a replay or an older bundle"):
        file_received(
            s, accounts.act_as(s, "eu-coord-analyst"), sent, "again", ring.verified, now=NOW
        )


def test_the_next_bundle_must_supersede_the_last_one(db: Database, ring: Ring, sent: bytes) -> None:
    people(db)
    with db.transaction() as s:
        file_received(s, accounts.act_as(s, "eu-coord-analyst"), sent, "1", ring.verified, now=NOW)
    second = envelope(ring, "XS-NCA", ("EU-COORD",), sequence=2)
    with db.transaction() as s, pytest.raises(InputError, match="supersedes nothing"):
        file_received(
            s, accounts.act_as(s, "eu-coord-analyst"), second, "2", ring.verified, now=NOW
        )
    second = envelope(ring, "XS-NCA", ("EU-COORD",), sequence=2, supersedes="bundle-XS-NCA-1")
    with db.transaction() as s:
        eva = accounts.act_as(s, "eu-coord-analyst")
        assert file_received(s, eva, second, "2", ring.verified, now=NOW).view.sequence == 2


def test_what_is_not_for_the_organisation_or_not_signed_is_refused(
    db: Database, ring: Ring, sent: bytes
) -> None:
    people(db)
    forged = json.loads(sent)
    forged["signatures"][0]["sig"] = forged["signatures"][1 % len(forged["signatures"])]["sig"][
        ::-1
    ]
    with db.transaction() as s:
        before = audit.count(s)
        other = accounts.act_as(s, "xa-nca-analyst")
        with pytest.raises(InputError, match="XA-NCA is not a recipient"):
            file_received(s, other, sent, "xs.dsse.json", ring.verified, now=NOW)
        eva = accounts.act_as(s, "eu-coord-analyst")
        with pytest.raises(InputError) as caught:
            file_received(
                s, eva, json.dumps(forged).encode(), "forged.json", ring.verified, now=NOW
            )
        assert str(caught.value).startswith("forged.json")
        officer = accounts.act_as(s, "eu-coord-signing-officer")
        with pytest.raises(InputError, match="signed by XS-NCA, not by EU-COORD"):
            file_sent(s, officer, sent, "xs.dsse.json", ring.verified, now=NOW)
        with pytest.raises(ForbiddenError, match="does not allow to file a sent envelope"):
            file_sent(s, accounts.act_as(s, "xs-nca-analyst"), sent, "x", ring.verified, now=NOW)
        assert audit.count(s) == before


def test_the_sender_keeps_it_in_its_outbox_and_the_boxes_stay_apart(
    db: Database, ring: Ring, sent: bytes
) -> None:
    people(db)
    with db.transaction() as s:
        sam = accounts.act_as(s, "xs-nca-signing-officer")
        out = file_sent(s, sam, sent, "xs.dsse.json", ring.verified, now=NOW).view
        eva = accounts.act_as(s, "eu-coord-analyst")
        inbox = file_received(s, eva, sent, "xs.dsse.json", ring.verified, now=NOW).view
        assert out.direction == "outbox" and out.digest == inbox.digest  # one blob
        assert [v.id for v in envelopes.list_envelopes(s, sam)] == [out.id]
        assert [v.id for v in envelopes.list_envelopes(s, eva, "inbox")] == [inbox.id]
        assert envelopes.list_envelopes(s, eva, "outbox") == []
        with pytest.raises(NotFoundError):
            envelopes.read_envelope(s, sam, inbox.id)
        with pytest.raises(NotFoundError):
            envelopes.read_envelope(s, accounts.act_as(s, "xa-nca-analyst"), out.id)
        with pytest.raises(InputError, match="a replay or an older bundle"):
            file_sent(s, sam, sent, "xs.dsse.json", ring.verified, now=NOW)


def test_the_commands_file_list_show_and_export(
    db_url: str, tmp_path: Path, ring: Ring, sent: bytes
) -> None:
    cli = Cli(db_url)
    keyring = tmp_path / "keyring.json"
    keyring.write_bytes(keyring_json(ring.file))
    received = tmp_path / "xs.dsse.json"
    received.write_bytes(sent)
    for args in (
        ("db", "upgrade"),
        ("user", "add", "admin", "--instance-admin"),
        ("org", "add", "EU-COORD", "--kind", "eu-coordinator", "--user", "admin"),
        ("user", "add", "eva", "--org", "EU-COORD", "--role", "analyst", "--user", "admin"),
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    code, out, err = cli(
        "record", "inbox", str(received), "--keyring", str(keyring), "--user", "eva"
    )
    assert code == 0, err
    assert "kept as envelope 1 in EU-COORD's inbox (TLP:AMBER)" in out
    code, out, _ = cli("record", "list", "--inbox", "--user", "eva", "--json")
    assert code == 0 and [v["origin"] for v in json.loads(out)] == ["XS-NCA"]
    code, out, _ = cli("record", "show", "1", "--user", "eva")
    assert code == 0 and json.loads(out)["predicate"]["sequence"] == 1
    target = tmp_path / "again.dsse.json"
    code, _, err = cli("record", "export", "1", "--out", str(target), "--user", "eva")
    assert code == 0, err
    assert target.read_bytes() == sent
    code, out, err = cli("exchange", "verify", str(target), "--keyring", str(keyring))
    assert code == 0 and "verified" in out, err
    before = audit_rows(cli)
    for args, message in (
        (("record", "inbox", str(received), "--keyring", str(keyring), "--user", "eva"), "replay"),
        (("record", "export", "1", "--out", str(target), "--user", "eva"), "exists already"),
        (("record", "show", "7", "--user", "eva"), "no envelope 7 here"),
        (
            (
                "record",
                "inbox",
                str(tmp_path / "none.json"),
                "--keyring",
                str(keyring),
                "--user",
                "eva",
            ),
            "none.json",
        ),
    ):
        code, out, err = cli(*args)
        assert code == 2 and message in err and "Traceback" not in out + err, err
    assert audit_rows(cli) == before
