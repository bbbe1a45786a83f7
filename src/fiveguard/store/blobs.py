"""Content stored once by its SHA-256, written and read in chunks so that a site file
of a million rows never sits whole in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import InputError
from fiveguard.store.tables import Blob, BlobChunk

CHUNK_BYTES = 8 << 20


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks."""
    hasher = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            hasher.update(chunk)
            size += len(chunk)
    return hasher.hexdigest(), size


def has_blob(session: Session, digest: str) -> bool:
    return session.get(Blob, digest) is not None


def store_file(session: Session, path: Path, digest: str, size: int, shown: str) -> bool:
    """Store the file as the blob ``digest`` unless it is stored already; True if written.

    The file is hashed again while it is written: if it changed since ``digest`` was
    taken (and validated), the import fails and the transaction writes nothing.
    """
    if has_blob(session, digest):
        return False
    parts = max(1, -(-size // CHUNK_BYTES))
    session.add(Blob(digest=digest, size=size, chunks=parts))
    session.flush()
    hasher = hashlib.sha256()
    part = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            hasher.update(chunk)
            session.execute(insert(BlobChunk), [{"digest": digest, "part": part, "data": chunk}])
            part += 1
    if part == 0:
        session.execute(insert(BlobChunk), [{"digest": digest, "part": 0, "data": b""}])
        part = 1
    if hasher.hexdigest() != digest or part != parts:
        raise InputError.at(f"{shown} changed while it was being imported; import it again", shown)
    return True


def store_bytes(session: Session, data: bytes) -> str:
    """Store ``data`` (once) and return its digest."""
    digest = hashlib.sha256(data).hexdigest()
    if not has_blob(session, digest):
        chunks = [data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)] or [b""]
        session.add(Blob(digest=digest, size=len(data), chunks=len(chunks)))
        session.flush()
        for part, chunk in enumerate(chunks):
            session.execute(insert(BlobChunk), [{"digest": digest, "part": part, "data": chunk}])
    return digest


def read_blob(session: Session, digest: str) -> Iterator[bytes]:
    """The blob's bytes, chunk by chunk, in order."""
    parts = session.execute(
        select(BlobChunk.part).where(BlobChunk.digest == digest).order_by(BlobChunk.part)
    ).scalars()
    for part in list(parts):
        data = session.execute(
            select(BlobChunk.data).where(BlobChunk.digest == digest, BlobChunk.part == part)
        ).scalar_one()
        yield bytes(data)


def blob_bytes(session: Session, digest: str) -> bytes:
    return b"".join(read_blob(session, digest))


def blob_holds(session: Session, digest: str) -> bool:
    """Whether the stored chunks are whole and hash to the blob's digest."""
    blob = session.get(Blob, digest)
    if blob is None:
        return False
    hasher = hashlib.sha256()
    size = 0
    count = 0
    for chunk in read_blob(session, digest):
        hasher.update(chunk)
        size += len(chunk)
        count += 1
    return hasher.hexdigest() == digest and size == blob.size and count == blob.chunks
