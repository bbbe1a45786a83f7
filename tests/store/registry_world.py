"""A record holding the demo's product registry, for the registry tests: organisations of
every kind (the demo's labs xec and xtl among them), a member of every role in each, and
the demo registry imported by the authority xcsa. The access rules for lab records are
written out plainly here, apart from the policy module."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import fiveguard
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.modelio.registry_files import read_registry
from fiveguard.store import accounts, registry_records
from fiveguard.store.database import Database
from fiveguard.store.principal import Principal

DEMO_REGISTRY = Path(fiveguard.__file__).parent / "examples" / "demo" / "registry"
A, OP, E, L = (
    OrganisationKind.NATIONAL_AUTHORITY,
    OrganisationKind.OPERATOR,
    OrganisationKind.EU_COORDINATOR,
    OrganisationKind.EVALUATION_LAB,
)
ORGS: dict[str, tuple[OrganisationKind, str | None, str | None]] = {
    "xcsa": (A, "XA", None),
    "op-x": (OP, "XA", "xcsa"),
    "nra-y": (A, "YB", None),
    "op-y": (OP, "YB", "nra-y"),
    "eu": (E, None, None),
    "xec": (L, None, None),
    "xtl": (L, None, None),
}
BEFORE_EMBARGO = dt.date(2026, 12, 7)
AFTER_EMBARGO = dt.date(2027, 2, 1)


def member(org: str, role: Role) -> str:
    return f"{org}.{role.value}"


@dataclass
class RegistryWorld:
    db: Database
    admin: Principal
    members: dict[tuple[str, Role], Principal]


def build(db: Database) -> RegistryWorld:
    with db.transaction() as s:
        accounts.add_user(
            s, None, "root-admin", "correct horse battery staple", instance_admin=True
        )
        admin = accounts.act_as(s, "root-admin")
        for name, (kind, country, supervisor) in ORGS.items():
            accounts.add_organisation(s, admin, name, kind, country=country, supervisor=supervisor)
            for role in Role:
                accounts.add_user(s, admin, member(name, role), "correct horse battery staple")
                accounts.add_member(s, admin, member(name, role), name, role)
        members = {(n, r): accounts.act_as(s, member(n, r), n) for n in ORGS for r in Role}
        registry_records.import_registry(
            s, members[("xcsa", Role.ANALYST)], read_registry(DEMO_REGISTRY)
        )
    return RegistryWorld(db, admin, members)


def copy_demo(to: Path) -> Path:
    return Path(shutil.copytree(DEMO_REGISTRY, to / "registry"))


@dataclass(frozen=True)
class RecordFacts:
    """What the rules need to know of a lab record row."""

    lab: str
    holder: str
    tlp: Tlp
    embargo_until: dt.date | None
    shared_to: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()


def expected_visible(principal: Principal, fact: RecordFacts, today: dt.date) -> bool:
    """The access rules for lab records, written out plainly."""
    org = principal.organisation
    if org is None or principal.instance_admin:
        return False
    if principal.token is not None and "read" not in principal.scopes:
        return False
    kind = ORGS[org][0]
    issuer = kind == L and fact.lab == org
    if fact.embargo_until is not None and fact.embargo_until > today and not issuer:
        return False
    person = principal.token is None and principal.actor in fact.named
    addressed = fact.holder == org or org in fact.shared_to
    if fact.tlp == Tlp.RED:
        return (addressed or issuer) and person
    if issuer or addressed:
        return True
    if fact.tlp in (Tlp.CLEAR, Tlp.GREEN) and kind in (A, OP):
        return True
    supervised = kind == A and ORGS[fact.holder][2] == org
    return fact.tlp == Tlp.AMBER and supervised
