"""The coordinated EU view: every envelope verified (the run refused on any failure,
every failure listed), then supplier profiles across states, R1–R9 and toolbox measures
by state, EU-wide shares and HHI, and cross-border common-mode exposure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fiveguard.exchange.coordination import Coordination
from fiveguard.exchange.keyring import VerifiedKeyring
from fiveguard.exchange.mapping import SupplierMapping
from fiveguard.exchange.state import ExchangeState


def coordinate_envelopes(
    inputs: Sequence[tuple[str, bytes]],
    keyring: VerifiedKeyring,
    *,
    coordinator: str,
    now: dt.datetime,
    audience: Sequence[str] = (),
    mapping: SupplierMapping | None = None,
    high_k: int = 2,
    state: ExchangeState | None = None,
) -> Coordination:
    """The coordinated view of the envelopes ``inputs`` (file name, bytes) for the
    ``coordinator`` and the other organisations of ``audience`` (sections their labels
    do not let them see are withheld)."""
    from fiveguard.exchange.coordinate import coordinate
    from fiveguard.exchange.verify import verify_all

    verified = verify_all(inputs, keyring, now=now, as_org=coordinator, state=state)
    return coordinate(
        verified,
        coordinator=coordinator,
        audience=tuple(dict.fromkeys([coordinator, *audience])),
        now=now,
        mapping=mapping,
        high_k=high_k,
    )
