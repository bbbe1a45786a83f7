"""The audit chain as pure data: how a link's hash is made, how a chain is checked,
and the Merkle root of a checkpoint. No database here, so the rules can be tested on
their own (and exhaustively)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from fiveguard.store.common import canonical

GENESIS = "0" * 64
"""The previous hash of the first link."""


@dataclass(frozen=True)
class Link:
    """One row of the audit log, as stored."""

    seq: int
    at: str
    actor: str
    organisation: str | None
    action: str
    object_kind: str | None
    object_id: str | None
    object_digest: str | None
    detail: str
    prev_hash: str
    row_hash: str


def link_hash(link: Link) -> str:
    """SHA-256 of the RFC 8785 serialisation of every field of the link but its own hash.

    The sequence number is inside, so moving a row to another place breaks it; the
    previous hash is inside, so removing or inserting a row breaks the next one.
    """
    fields = asdict(link)
    del fields["row_hash"]
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first link that does not hold, and why."""

    seq: int
    position: int
    """1-based position of the row in sequence order."""
    reason: str

    def __str__(self) -> str:
        return f"audit log row {self.seq} (position {self.position}): {self.reason}"


def first_break(links: Iterable[Link]) -> Break | None:
    """The first link that breaks the chain (rows must come in ``seq`` order), or None."""
    previous = GENESIS
    for position, link in enumerate(links, start=1):
        if link.seq != position:
            reason = (
                f"expected row {position} here: a row was deleted"
                if link.seq > position
                else "the sequence goes backwards: rows were inserted or reordered"
            )
            return Break(link.seq, position, reason)
        if link.prev_hash != previous:
            return Break(
                link.seq,
                position,
                "its previous hash is not the hash of the row before: a row before it was "
                "changed, inserted or deleted",
            )
        if link_hash(link) != link.row_hash:
            return Break(link.seq, position, "its content does not match its hash: it was changed")
        previous = link.row_hash
    return None


def _leaf(row_hash: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(row_hash)).digest()


def _root(leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + _root(leaves[:split]) + _root(leaves[split:])).digest()


def merkle_root(row_hashes: Sequence[str]) -> str:
    """The Merkle tree hash of the rows' hashes, as RFC 6962 (Certificate Transparency)
    defines it: leaves prefixed 0x00, nodes 0x01, split at the largest power of two."""
    if not row_hashes:
        return hashlib.sha256(b"").hexdigest()
    return _root([_leaf(h) for h in row_hashes]).hex()
