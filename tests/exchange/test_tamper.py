"""Every tampered envelope is refused: bytes flipped one at a time, none accepted."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from exchange_helpers import ISSUED, Ring

from fiveguard.domain.errors import InputError
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.verify import verify_envelope

NOW = ISSUED + dt.timedelta(days=1)


def acceptances(envelope: bytes, ring: Ring, positions: list[int]) -> list[int]:
    """Positions where flipping the byte still let the envelope through."""
    keyring = verify_keyring(ring.keyring, "ring.json")
    rng = random.Random(8785)
    accepted = []
    for position in positions:
        tampered = bytearray(envelope)
        tampered[position] ^= rng.randrange(1, 256)
        try:
            verify_envelope(bytes(tampered), "t.json", keyring, now=NOW, as_org="EU-COORD")
        except InputError:
            continue
        accepted.append(position)
    return accepted


def test_the_untouched_envelope_is_accepted(envelope: bytes, ring: Ring) -> None:
    keyring = verify_keyring(ring.keyring, "ring.json")
    verify_envelope(envelope, "t.json", keyring, now=NOW, as_org="EU-COORD")


def test_every_byte_outside_the_payload_and_a_sample_inside_it(envelope: bytes, ring: Ring) -> None:
    payload = json.loads(envelope)["payload"]
    start = envelope.index(payload.encode())
    end = start + len(payload)
    around = [*range(start), *range(end, len(envelope))]
    sample = random.Random(1).sample(range(start, end), 1500)
    assert len(around) > 300  # the structure and both signatures
    assert acceptances(envelope, ring, around + sample) == []


@pytest.mark.slow
def test_every_single_byte(envelope: bytes, ring: Ring) -> None:
    assert acceptances(envelope, ring, list(range(len(envelope)))) == []
