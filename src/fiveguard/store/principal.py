"""Who is acting: a person in one organisation with one role, an API token bound to
an organisation, or the instance administrator (who manages accounts and sees no data).

A :class:`Principal` is built by :mod:`fiveguard.store.accounts` from the record
(membership or token checked) and passed to every use-case function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fiveguard.domain.parties import OrganisationKind, Role


class Action(StrEnum):
    """What a use case does, as the access policy sees it."""

    READ = "read"
    IMPORT = "import"
    RUN = "run"
    SIGN = "sign"
    SHARE = "share"
    MANAGE = "manage"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.ANALYST: frozenset({Action.READ, Action.IMPORT, Action.RUN}),
    Role.SIGNING_OFFICER: frozenset(
        {Action.READ, Action.IMPORT, Action.RUN, Action.SIGN, Action.SHARE}
    ),
    Role.ORG_ADMIN: frozenset(Action),
}
"""Roles from least to most: each may do what the one before may, and more. Releasing
an object to another organisation (``share``) is the signing officer's, as sending a
signed envelope is."""

TOKEN_SCOPES = frozenset({Action.READ, Action.IMPORT, Action.RUN, Action.SIGN})
"""What a token may be allowed; a token never manages members, tokens or sharing."""


@dataclass(frozen=True)
class Principal:
    """The acting party. ``organisation_id`` is None only for the instance administrator."""

    actor: str
    """As the audit log names it: a user name, or ``token:<public id>``."""
    user_id: int | None
    organisation_id: int | None
    organisation: str | None
    organisation_kind: OrganisationKind | None
    role: Role | None = None
    instance_admin: bool = False
    token: str | None = None
    scopes: frozenset[Action] = field(default_factory=frozenset)

    def may(self, action: Action) -> bool:
        """Whether the role (or the token's scopes) allows ``action`` in the organisation."""
        if self.organisation_id is None:
            return False
        if self.token is not None:
            return action in self.scopes
        return self.role is not None and action in ROLE_ACTIONS[self.role]
