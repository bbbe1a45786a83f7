"""Small shared pieces of the record: the clock, canonical digests, and the two
refusals every use case may give (not found, not allowed)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import rfc8785

from fiveguard.domain.errors import COMMAND_LINE, InputError


def now() -> str:
    """The current UTC time as the record writes it: ``2026-11-21T10:00:00.000000Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value."""
    return rfc8785.dumps(value)


def digest_of(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


class NotFoundError(InputError):
    """No such object for this principal. Said the same way whether the object does not
    exist or belongs to someone who may not be told it exists."""

    def __init__(self, kind: str, ident: object, where: str = "id") -> None:
        super().__init__(
            InputError.at(f"no {kind} {ident!s} here", COMMAND_LINE, path=where).problems
        )


class ForbiddenError(InputError):
    """The principal may see the object (or acts in its own organisation) but its role or
    token does not allow the action."""

    def __init__(self, message: str, where: str = "--user") -> None:
        super().__init__(InputError.at(message, COMMAND_LINE, path=where).problems)
