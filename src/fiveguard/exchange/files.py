"""Reading and writing the exchange's files: bounded reads, atomic writes, located errors.

The engine modules never touch files; the command line (and, later, the store) reads
bytes here and hands them over.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection, Mapping
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
