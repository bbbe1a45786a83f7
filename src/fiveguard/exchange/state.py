"""What an organisation remembers between exchanges: the last bundle accepted from each
origin (so an old or replayed one is refused), the last it issued itself (so its own
sequence counts up), and the keyring it trusts (pinned on first use).

A small JSON file for now; the store will keep the same facts in its tables.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from fiveguard.domain.errors import InputError
from fiveguard.exchange.jsonio import parse_strict, validation_problems

MAX_STATE_BYTES = 16 * 1024 * 1024


class BundleRecord(BaseModel):
    """One bundle: its sequence, id and the digest of its payload, and when it was seen."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sequence: int = Field(ge=1)
    bundle_id: str
    payload_sha256: str
    at: AwareDatetime


class ExchangeState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fiveguard_exchange_state: Literal[1] = 1
    keyring_anchor: str | None = Field(
        default=None, description="The keyring's version-1 digest, pinned on first use."
    )
    keyring_version: int = Field(default=0, ge=0, description="Highest version in force seen.")
    accepted: dict[str, BundleRecord] = Field(default_factory=dict)
    issued: dict[str, BundleRecord] = Field(default_factory=dict)


def read_state(raw: bytes, file: str) -> ExchangeState:
    data = parse_strict(raw, file, MAX_STATE_BYTES)
    try:
        return ExchangeState.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, file)) from None


def state_json(state: ExchangeState) -> bytes:
    return (state.model_dump_json(indent=2) + "\n").encode()


def record_issued(state: ExchangeState, origin: str, bundle: BundleRecord) -> ExchangeState:
    """``state`` after ``origin`` issued ``bundle``: its next sequence counts up from it."""
    issued = dict(state.issued)
    issued[origin] = bundle
    return state.model_copy(update={"issued": issued})
