"""``fiveguard serve --demo``: a working instance in one command — the Xandria authority,
its three operators, the EU coordinator and an evaluation lab, one user per role in each,
the demo national model split into operator parts, and one assessment.

The password of every demo user is ``FIVEGUARD_DEMO_PASSWORD`` when set (checked as any
password is), else generated and printed once.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import exists, select

from fiveguard.app.eu_demo import COORDINATOR
from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.exchange.keys import MIN_PASSPHRASE
from fiveguard.store import accounts, slices, snapshots
from fiveguard.store.database import Database
from fiveguard.store.keyrings import keep_keyring
from fiveguard.store.passwords import check_new_password
from fiveguard.store.tables import Organisation

PASSWORD_VARIABLE = "FIVEGUARD_DEMO_PASSWORD"
ADMIN = "admin"
AUTHORITY = "xr-xcsa"
# The coordinator is named as the EU demo's keyring names it: an organisation's name in
# the record is its id in the keyring, so the summaries signed there are addressed to it.
OPERATORS = {  # the model's operator id → (organisation, title)
    "xtel": ("xtel", "Xandria Telecom"),
    "meridian": ("meridian", "Meridian Mobile"),
    "nova": ("nova", "Nova Connect"),
}
ORGANISATIONS: tuple[tuple[str, OrganisationKind, str | None, str | None, str], ...] = (
    (AUTHORITY, OrganisationKind.NATIONAL_AUTHORITY, "XR", None, "Xandria Cybersecurity Authority"),
    *(
        (org, OrganisationKind.OPERATOR, "XR", AUTHORITY, title)
        for org, title in OPERATORS.values()
    ),
    (COORDINATOR, OrganisationKind.EU_COORDINATOR, None, None, "EU coordination group"),
    ("xr-lab", OrganisationKind.EVALUATION_LAB, None, None, "Xandria Evaluation Laboratory"),
)
NATIONAL_MODEL = "xandria-national"


def demo_user(org: str, role: Role) -> str:
    """A demo user's name: the organisation and the role, ``xtel.analyst``."""
    return f"{org}.{role.value}"


def demo_users() -> list[tuple[str, str, Role]]:
    """Every demo member: (user, organisation, role)."""
    return [(demo_user(org, role), org, role) for org, *_ in ORGANISATIONS for role in Role]


@dataclass(frozen=True)
class SeededDemo:
    location: str
    password: str | None
    """None when the record was seeded before (its passwords are unchanged)."""
    generated: bool
    national_snapshot: int | None
    run_id: int | None
    coordinator_inbox: int = 0
    """National summaries filed in the EU coordinator's inbox."""
    keyring: str | None = None
    """Where the EU demo's keyring was kept (to verify those summaries again: the EU view)."""
    signing_key: str | None = None
    """Where the authority's signing key was written (for a signing officer to upload)."""
    key_passphrase: str | None = None

    def describe(self) -> str:
        lines = [f"demo record: {self.location}"]
        if self.password is None:
            lines.append("the demo was seeded before: its users and passwords are unchanged")
            return "\n".join(lines)
        lines.append(
            f"instance administrator: {ADMIN}; members: ORG.ROLE, e.g. "
            f"{demo_user(AUTHORITY, Role.ANALYST)}, {demo_user('xtel', Role.VIEWER)}, "
            f"{demo_user(COORDINATOR, Role.SIGNING_OFFICER)} (organisations: "
            f"{', '.join(o for o, *_ in ORGANISATIONS)}; roles: "
            f"{', '.join(r.value for r in Role)})"
        )
        source = "generated" if self.generated else f"from {PASSWORD_VARIABLE}"
        lines.append(f"password of every demo user ({source}): {self.password}")
        if self.keyring:
            lines.append(
                f"the keyring {AUTHORITY} and {COORDINATOR} keep in the record: {self.keyring}"
            )
        if self.signing_key:
            lines.append(
                f"{AUTHORITY}'s signing key (a signing officer uploads it on an outgoing "
                f"summary's page): {self.signing_key}, passphrase: {self.key_passphrase}"
            )
        return "\n".join(lines)


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was generated."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        for user in [ADMIN, *(u for u, _, _ in demo_users())]:
            check_new_password(given, user, where=PASSWORD_VARIABLE)
        return given, False
    while True:
        candidate = secrets.token_urlsafe(15)
        if len(set(candidate)) >= 5:  # noqa: PLR2004 — as check_new_password demands
            return candidate, True


def seed_demo(db: Database) -> SeededDemo:
    """Seed the demo into an upgraded record; a record seeded before is left as it is."""
    location = db.url.render_as_string(hide_password=True)
    with db.transaction() as session:
        if session.execute(select(exists().where(Organisation.name == AUTHORITY))).scalar():
            return SeededDemo(location, None, False, None, None)
    password, generated = demo_password()
    catalogue = default_catalogue()
    work = Path(tempfile.mkdtemp(prefix="fiveguard-demo-model-"))
    try:
        model = _demo_model_files(work)
        with db.transaction() as session:
            accounts.add_user(session, None, ADMIN, password, instance_admin=True)
            root = accounts.act_as(session, ADMIN)
            for name, kind, country, supervisor, title in ORGANISATIONS:
                accounts.add_organisation(
                    session, root, name, kind, country=country, title=title, supervisor=supervisor
                )
            for user, org, role in demo_users():
                accounts.add_user(session, root, user, password)
                accounts.add_member(session, root, user, org, role)
            analyst = accounts.act_as(session, demo_user(AUTHORITY, Role.ANALYST))
            national = snapshots.import_snapshot(
                session, analyst, model, catalogue, name=NATIONAL_MODEL, tlp=Tlp.AMBER
            )
            slices.split_by_operator(
                session, analyst, national.id, {op: org for op, (org, _) in OPERATORS.items()}
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from fiveguard.web.usecases import assess_recorded

    run_id = assess_recorded(
        db,
        analyst,
        national.id,
        catalogue,
        policy=None,
        trials=0,
        seed=0,
        progress=lambda _pct, _stage: None,
    )
    inbox, keyring, key_file, key_passphrase = _file_eu_summaries(db, catalogue, password)
    return SeededDemo(
        location,
        password,
        generated,
        national.id,
        run_id,
        inbox,
        str(keyring),
        str(key_file),
        key_passphrase,
    )


def _file_eu_summaries(
    db: Database, catalogue: Catalogue, password: str
) -> tuple[int, Path, Path, str]:
    """The EU demo's three national summaries (Xandria's and two generated states'),
    signed under its keyring and addressed to the EU coordinator, verified and filed in
    the coordinator's inbox as its analyst would. That keyring, with the demo authority
    added (version 2, signed by the EU demo's root), is kept in the record by the
    authority's and the coordinator's admins, and the authority's new signing key is
    written beside the record (encrypted with the demo password, or a generated
    passphrase when that is too short), so the outbox can be tried end to end."""
    from fiveguard.app.envelopes import file_received
    from fiveguard.app.eu_demo import run_eu_demo
    from fiveguard.exchange.keyring import read_keyring, verify_keyring

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-demo-eu-"))
    try:
        with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as x:
            result = run_eu_demo(work / "eu", catalogue, x, now)
        ring = verify_keyring(
            read_keyring((result.out / "keyring.json").read_bytes(), "keyring.json"),
            "keyring.json",
        )
        with db.transaction() as session:
            analyst = accounts.act_as(session, demo_user(COORDINATOR, Role.ANALYST))
            for path in result.envelopes:
                file_received(
                    session, analyst, path.read_bytes(), f"envelopes/{path.name}", ring, now=now
                )
        passphrase = password if len(password) >= MIN_PASSPHRASE else secrets.token_urlsafe(18)
        extended, key_pem = _with_authority_key(result.out, passphrase, now)
        with db.transaction() as session:
            for org in (AUTHORITY, COORDINATOR):
                admin = accounts.act_as(session, demo_user(org, Role.ORG_ADMIN))
                keep_keyring(session, admin, extended, "keyring.json")
        place = _keyring_place(db)
        kept = place / "eu-demo-keyring.json"
        kept.write_bytes(extended)
        key_file = place / f"{AUTHORITY}-signing.key"
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        return len(result.envelopes), kept, key_file, passphrase
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _with_authority_key(eu: Path, passphrase: str, now: dt.datetime) -> tuple[bytes, bytes]:
    """The EU demo's keyring with the demo authority and a new key of its added, signed
    by the EU demo's root key; and that key, encrypted with ``passphrase``."""
    from fiveguard.app.eu_demo import KEY_YEARS, PASSPHRASE_ENV, PASSPHRASE_FILE
    from fiveguard.exchange import keyring_edit, keys
    from fiveguard.exchange.keyring import Organisation, keyring_json, read_keyring

    secret = os.environ.get(PASSPHRASE_ENV) or (
        (eu / "keys" / PASSPHRASE_FILE).read_text(encoding="utf-8").strip()
    )
    root_file = next((eu / "keys").glob("EU-ROOT-*.key"))
    root = keys.load_private_key(root_file.read_bytes(), secret.encode(), str(root_file))
    root_id = keys.keyid_of(keys.public_hex(root.public_key()))
    ring = read_keyring((eu / "keyring.json").read_bytes(), "keyring.json")
    until = now.replace(year=now.year + KEY_YEARS)
    title = next(t for o, *_, t in ORGANISATIONS if o == AUTHORITY)
    ring, _ = keyring_edit.add_organisation(
        ring,
        Organisation(
            id=AUTHORITY,
            name=title,
            kind=OrganisationKind.NATIONAL_AUTHORITY,
            country="XR",
            threshold=1,
        ),
        now,
    )
    key = keys.new_key()
    ring, _ = keyring_edit.add_key(ring, AUTHORITY, keys.describe(AUTHORITY, key), now, until, now)
    ring, _ = keyring_edit.sign_keyring(ring, root, root_id)
    return keyring_json(ring), keys.private_pem(key, passphrase.encode())


def _keyring_place(db: Database) -> Path:
    """Beside a SQLite record; for a server's record, a new directory of its own."""
    if db.url.get_backend_name() == "sqlite" and db.url.database:
        return Path(db.url.database).parent
    return Path(tempfile.mkdtemp(prefix="fiveguard-demo-"))


def _demo_model_files(work: Path) -> Path:
    """The packaged demo model with its sites and evidence, in ``work``. The record keeps a
    model's own files, not a product registry's directory, so the registry mapping at the
    end of the demo model is left out here (the lab demo uses it from the command line)."""
    demo = resources.files("fiveguard.examples") / "demo"
    text = (demo / "model.yaml").read_text(encoding="utf-8")
    cut = text.find("\n# The product registry")
    (work / "model.yaml").write_text(text if cut < 0 else text[: cut + 1], encoding="utf-8")
    (work / "sites.csv").write_bytes((demo / "sites.csv").read_bytes())
    evidence = work / "evidence"
    evidence.mkdir()
    for item in (demo / "evidence").iterdir():
        if item.is_file():
            (evidence / item.name).write_bytes(item.read_bytes())
    return work / "model.yaml"
