"""API tokens: the secret is shown once and only its digest is kept; a revoked or expired
token, or one never issued, is refused with one message that tells a guesser nothing."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, update

from fiveguard.domain.parties import OrganisationKind
from fiveguard.store import accounts
from fiveguard.store.common import ForbiddenError
from fiveguard.store.database import Database
from fiveguard.store.principal import Action, Role
from fiveguard.store.tables import ApiToken

PASSWORD = "correct horse battery staple"


def _admin_and_token(db: Database, scopes: list[str]) -> tuple[str, str]:
    """An authority with an org-admin; a token of the authority: (public id, secret)."""
    with db.transaction() as s:
        accounts.add_user(s, None, "root", PASSWORD, instance_admin=True)
        root = accounts.act_as(s, "root")
        accounts.add_organisation(s, root, "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XS")
        accounts.add_user(s, root, "olga", PASSWORD)
        accounts.add_member(s, root, "olga", "nra", Role.ORG_ADMIN)
        olga = accounts.act_as(s, "olga", "nra")
        made = accounts.create_token(s, olga, "ci", scopes, 30)
    assert made.secret is not None
    return made.public_id, made.secret


def test_only_the_secret_s_digest_is_kept_and_the_token_acts_for_its_organisation(
    db: Database,
) -> None:
    public_id, secret = _admin_and_token(db, ["read", "import"])
    with db.transaction() as s:
        row = s.execute(select(ApiToken).where(ApiToken.public_id == public_id)).scalar_one()
        kept = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
        assert not any(secret in value or secret.split(".")[1] in value for value in kept)
        assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        principal = accounts.principal_from_token(s, secret)
    assert principal.organisation == "nra" and principal.actor == f"token:{public_id}"
    assert principal.scopes == frozenset({Action.READ, Action.IMPORT})


@pytest.mark.parametrize("how", ["revoked", "expired", "never issued", "altered"])
def test_a_revoked_expired_or_unknown_token_is_refused_alike(db: Database, how: str) -> None:
    public_id, secret = _admin_and_token(db, ["read"])
    with db.transaction() as s:
        if how == "revoked":
            accounts.revoke_token(s, accounts.act_as(s, "olga", "nra"), public_id)
        elif how == "expired":
            s.execute(
                update(ApiToken)
                .where(ApiToken.public_id == public_id)
                .values(expires_at="2000-01-01T00:00:00.000000Z")
            )
        elif how == "never issued":
            secret = f"{public_id}.{'A' * 43}"
        else:
            secret = secret[:-1] + ("B" if secret[-1] != "B" else "C")
    with db.transaction() as s, pytest.raises(ForbiddenError) as refused:
        accounts.principal_from_token(s, secret)
    assert [p.message for p in refused.value.problems] == ["the token is not valid"]
