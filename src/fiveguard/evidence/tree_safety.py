"""Safety of the trees binary equivalence reads: paths that stay inside, symbolic links
that stay inside (alone and through each other), and the member and byte budgets of the
catalogue's ``archive_limits``. Everything refused becomes a located :class:`InputError`.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque

from fiveguard.domain.catalogue import ArchiveLimits
from fiveguard.domain.errors import InputError, Location, Problem

SYMLINK = "symlink:"
"""A symbolic link's entry: this prefix and its target (no SHA-256 digest starts so)."""


def safe_path(name: str, file: str, max_length: int) -> str:
    """A relative ``/`` path, or InputError when it is absolute, climbs out or is too long."""
    if len(name) > max_length:
        raise InputError(Problem(Location(file, path=name[:200] + "…"), "path too long"))
    if name.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", name) or "\x00" in name:
        raise InputError(
            Problem(Location(file, path=name), "absolute path: every path must be relative")
        )
    parts = [p for p in name.split("/") if p not in ("", ".")]
    # a backslash is an ordinary character of a POSIX name, but '..\\' climbs on Windows
    if ".." in parts or ".." in name.replace("\\", "/").split("/"):
        raise InputError(
            Problem(Location(file, path=name), "path traversal: '..' would leave the tree")
        )
    return "/".join(parts)


def link_entry(link: str, target: str, file: str) -> str:
    """The digest stand-in of a symbolic link; refuses targets outside the tree."""
    if target.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", target):
        raise InputError(
            Problem(Location(file, path=link), f"link to an absolute path {target!r}: outside")
        )
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link), target))
    if resolved == ".." or resolved.startswith("../"):
        raise InputError(
            Problem(Location(file, path=link), f"link to {target!r} points outside the tree")
        )
    return SYMLINK + target


MAX_LINK_HOPS = 40
"""Links followed in resolving one path, as Linux's limit; a longer chain is a loop."""


def check_links(entries: dict[str, str], label: str) -> None:
    """Refuse a symbolic link that leaves the tree once the links on its way are followed.

    Each link was checked where it stands by its target's text alone (:func:`link_entry`),
    which cannot see through another link: with ``a/d -> ..`` (the root: inside),
    ``a/x -> d/..`` reads as ``a``, yet resolves to the root's parent. The whole tree is
    known only at the end of an archive, so this runs once every entry is read.
    """
    links = {
        path: value.removeprefix(SYMLINK)
        for path, value in entries.items()
        if value.startswith(SYMLINK)
    }
    for path, target in links.items():
        if _resolves_outside(path, links):
            raise InputError(
                Problem(
                    Location(label, path=path),
                    f"link to {target!r} points outside the tree once the links it passes "
                    "through are followed",
                )
            )


def _resolves_outside(path: str, links: dict[str, str]) -> bool:
    """Whether ``path``, resolved as a file system resolves it (following ``links``),
    climbs above the root. A chain longer than :data:`MAX_LINK_HOPS` (a loop) resolves
    nowhere, so it does not leave the tree."""
    pending = deque(path.split("/"))
    resolved: list[str] = []
    hops = 0
    while pending:
        part = pending.popleft()
        if part in ("", "."):
            continue
        if part == "..":
            if not resolved:
                return True
            resolved.pop()
            continue
        target = links.get("/".join([*resolved, part]))
        if target is None:
            resolved.append(part)
            continue
        hops += 1
        if hops > MAX_LINK_HOPS:
            return False
        pending.extendleft(reversed(target.split("/")))
    return False


class Budget:
    """Counts members and bytes against the limits."""

    def __init__(self, limits: ArchiveLimits, file: str) -> None:
        self.limits = limits
        self.file = file
        self.members = 0
        self.total = 0

    def member(self, name: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise InputError(
                Problem(
                    Location(self.file, path=name),
                    f"more than {self.limits.max_members:,} members "
                    "(catalogue evidence_rules.archive_limits.max_members)",
                )
            )

    def size(self, name: str, size: int) -> None:
        if size > self.limits.max_member_bytes:
            raise InputError(
                Problem(
                    Location(self.file, path=name),
                    f"file of {size:,} bytes, more than the limit of "
                    f"{self.limits.max_member_bytes:,} (archive_limits.max_member_bytes)",
                )
            )
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise InputError(
                Problem(
                    Location(self.file, path=name),
                    f"content exceeds {self.limits.max_total_bytes:,} bytes in all "
                    "(archive_limits.max_total_bytes)",
                )
            )
