"""The keyring a lab import trusts, pinned as the exchange pins it (``exchange verify
--state``): the first import with a state file remembers the keyring's anchor (its
version-1 digest) and the version in force; later imports refuse another keyring and a
version older than one used before, so a substituted or rolled-back keyring (one that
still lists a key since revoked, say) cannot make an attestation count.
"""

from __future__ import annotations

from fiveguard.domain.errors import Location, Problem
from fiveguard.exchange.keyring import VerifiedKeyring
from fiveguard.exchange.state import ExchangeState


def pin_problems(keyring: VerifiedKeyring, state: ExchangeState, file: str) -> list[Problem]:
    """Why the state file does not trust this keyring (empty when it does)."""
    problems = []
    if state.keyring_anchor is not None and state.keyring_anchor != keyring.anchor:
        problems.append(
            f"the keyring is not the one trusted before: its anchor {keyring.anchor[:16]}… "
            f"differs from {state.keyring_anchor[:16]}… in the state file (a wrong keyring, or "
            "a substituted one)"
        )
    if keyring.current.version < state.keyring_version:
        problems.append(
            f"the keyring's version in force ({keyring.current.version}) is older than version "
            f"{state.keyring_version} used before: a rolled-back keyring is refused"
        )
    return [Problem(Location(file, path="keyring"), message) for message in problems]


def pinned(state: ExchangeState, keyring: VerifiedKeyring) -> ExchangeState:
    """``state`` after an import under ``keyring``: its anchor and highest version kept."""
    return state.model_copy(
        update={
            "keyring_anchor": keyring.anchor,
            "keyring_version": max(state.keyring_version, keyring.current.version),
        }
    )
