"""Opening the files a user names: regular files only, every failure a located problem.

A named pipe (FIFO) blocks a reader until something writes to it, and a device such as
``/dev/zero`` or ``/dev/urandom`` never ends; neither is a model, a site list, a policy,
a catalogue or evidence. Every reader of user files opens them here, so such a path is
refused at once with a message, before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from fiveguard.domain.errors import InputError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Non-blocking, so that opening a FIFO with no writer returns instead of waiting."""


def _not_regular(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, file: str, kind: str = "file") -> BinaryIO:
    """``path`` opened for reading bytes, if it is a regular file (links are followed).

    Raises :class:`InputError` located at ``file`` when it is missing, unreadable, a
    directory, a pipe, a device or a socket; ``kind`` names what was expected ("site
    file").
    """
    expected = f"a {kind}"
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise InputError.at(f"{kind} not found", file) from None
    except IsADirectoryError:
        raise InputError.at(f"is a directory, expected {expected}", file) from None
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror or exc}", file) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError.at(f"is a directory, expected {expected}", file)
        if not stat.S_ISREG(mode):
            raise InputError.at(
                f"is {_not_regular(mode)}, expected {expected}: only regular files are read",
                file,
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, file: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file; at most ``limit + 1`` of them when a limit is given
    (so a caller can tell a file that is too large)."""
    with open_regular(path, file) as handle:
        try:
            return handle.read() if limit is None else handle.read(limit + 1)
        except OSError as exc:
            raise InputError.at(f"cannot read: {exc.strerror or exc}", file) from None
