"""The parties of the process between organisations: their kinds, their people's roles,
and the Traffic Light Protocol labels that say who may see what they exchange.

Shared by the exchange between member states, the shared record (store) and the web
application, so the three name the same things the same way.
"""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    """What an organisation is in the EU process."""

    NATIONAL_AUTHORITY = "national-authority"
    OPERATOR = "operator"
    EU_COORDINATOR = "eu-coordinator"
    EVALUATION_LAB = "evaluation-lab"


class Role(StrEnum):
    """What a member of an organisation may do there, from least to most."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    SIGNING_OFFICER = "signing-officer"
    ORG_ADMIN = "org-admin"


class Tlp(StrEnum):
    """A Traffic Light Protocol 2.0 label (FIRST, August 2022).

    CLEAR: no limit on disclosure. GREEN: the recipients' community, not published.
    AMBER: the recipients' organisations and their clients, on a need-to-know basis.
    AMBER+STRICT: the recipients' organisations only. RED: the named recipients only.
    """

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def rank(self) -> int:
        """Higher is more restrictive."""
        return _TLP_RANK[self]

    @property
    def marking(self) -> str:
        """The label as it is written on a page or a document: ``TLP:AMBER+STRICT``."""
        return f"TLP:{self.value}"


_TLP_RANK = {
    Tlp.CLEAR: 0,
    Tlp.GREEN: 1,
    Tlp.AMBER: 2,
    Tlp.AMBER_STRICT: 3,
    Tlp.RED: 4,
}


def most_restrictive(labels: list[Tlp]) -> Tlp:
    """The label a view derived from items with these labels carries (CLEAR for none)."""
    return max(labels, key=lambda label: label.rank, default=Tlp.CLEAR)
