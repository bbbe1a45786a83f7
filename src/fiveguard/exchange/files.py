"""Reading and writing the exchange's files: bounded reads, atomic writes, located errors.

The engine modules never touch files; the command line (and, later, the store) reads
bytes here and hands them over.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from fiveguard.domain.errors import InputError


def display(path: Path) -> str:
    """How a file is named in messages: as the user gave it."""
    return str(path)


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``; refused (before reading) when larger than ``limit``."""
    name = display(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError.at(
                f"{what} too large: {size:,} bytes (limit {limit:,}); nothing was read", name
            )
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError.at("file not found", name) from None
    except IsADirectoryError:
        raise InputError.at("is a directory, expected a file", name) from None
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror or exc}", name) from None
    if len(raw) > limit:  # grew while being read, or not a regular file
        raise InputError.at(f"{what} too large (limit {limit:,} bytes)", name)
    return raw


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (a million-site CSV never sits in memory whole)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror or exc}", display(path)) from None
    return digest.hexdigest()


def model_snapshot(
    model_path: Path, sites: Sequence[str], evidence_dirs: Sequence[str], catalogue: Path | None
) -> list[tuple[str, str, str]]:
    """Role, name (relative to the model's folder) and SHA-256 of every file a model was
    read from: the model, its site files, the records of its evidence directories (as the
    loader reads them) and the catalogue merged over the packaged one."""
    base = model_path.parent
    out = [("model", model_path.name, file_sha256(model_path))]
    out += [("sites", name, file_sha256(base / name)) for name in sites]
    for name in evidence_dirs:
        directory = base / name
        if directory.is_dir():
            for path in sorted(directory.glob("*.json")):
                if not path.name.startswith("."):
                    out.append(("evidence", f"{name}/{path.name}", file_sha256(path)))
    if catalogue is not None:
        out.append(("catalogue", catalogue.name, file_sha256(catalogue)))
    return out


def write_files(
    files: Mapping[Path, bytes], *, private: Collection[Path] = (), replace: bool = True
) -> None:
    """Write every file or none: each to a temporary name beside it, renamed into place
    only when all were written. Files in ``private`` are readable by the owner only
    (keys); without ``replace`` an existing file is refused before anything is written."""
    if not replace:
        existing = [p for p in files if p.exists()]
        if existing:
            listed = ", ".join(repr(str(p)) for p in existing)
            raise InputError.at(
                f"{listed} exists already; nothing was written (choose another directory "
                "or move it away)",
                display(existing[0]),
            )
    created: list[Path] = []
    temporary: list[tuple[Path, Path]] = []
    try:
        for target in files:
            created += [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
        mask = os.umask(0)
        os.umask(mask)
        for target, data in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            tmp = Path(name)
            temporary.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            tmp.chmod(0o600 if target in private else 0o666 & ~mask)
        for tmp, target in temporary:
            os.replace(tmp, target)
    except OSError as exc:
        _undo(temporary, created)
        raise InputError.at(
            f"cannot write: {exc.strerror or exc}", display(next(iter(files)))
        ) from None
    except BaseException:
        _undo(temporary, created)
        raise


def _undo(temporary: list[tuple[Path, Path]], created: list[Path]) -> None:
    for tmp, _ in temporary:
        tmp.unlink(missing_ok=True)
    for directory in sorted(set(created), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            directory.rmdir()
