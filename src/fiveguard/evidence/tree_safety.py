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


def link_entry(link: str, target: str, file: str, max_length: int) -> str:
    """The digest stand-in of a symbolic link; refuses targets outside the tree, and
    targets longer than a path may be (``max_length``, as for the paths themselves)."""
    if len(target) > max_length:
        raise InputError(
            Problem(
                Location(file, path=link),
                f"link target of {len(target):,} characters, more than the limit of "
                f"{max_length:,} (archive_limits.max_path_length)",
            )
        )
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

STEPS_PER_CHARACTER = 16
"""Path components followed in checking all of a tree's links, per character of their
paths and targets (and at least :data:`MIN_STEPS`). An ordinary link costs a few steps
per character at most; a tree whose links each pass through long chains of other links
could otherwise cost up to 41 long targets' worth of steps per link."""
MIN_STEPS = 1_000_000


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
    tree = _LinkTree(links)
    for path, target in links.items():
        try:
            outside = tree.resolves_outside(path)
        except _TangledError:
            raise InputError(
                Problem(
                    Location(label, path=path),
                    f"links too tangled to check: following them took more than "
                    f"{tree.budget:,} steps ({STEPS_PER_CHARACTER} per character of the "
                    "links' paths and targets)",
                )
            ) from None
        if outside:
            raise InputError(
                Problem(
                    Location(label, path=path),
                    f"link to {target!r} points outside the tree once the links it passes "
                    "through are followed",
                )
            )


class _TangledError(Exception):
    """Following the links took more steps than the budget."""


class _Node:
    """A path of the tree on the way to a link: its children by name, and, at a link,
    its target."""

    __slots__ = ("children", "target")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.target: str | None = None


class _LinkTree:
    """The links of a tree, by path component, so that resolving a path costs one
    dictionary lookup per component, however long the path resolved so far."""

    def __init__(self, links: dict[str, str]) -> None:
        self.root = _Node()
        text = sum(len(path) + len(target) for path, target in links.items())
        self.budget = max(MIN_STEPS, STEPS_PER_CHARACTER * text)
        self.steps = 0
        for path, target in links.items():
            node = self.root
            for part in path.split("/"):
                node = node.children.setdefault(part, _Node())
            node.target = target

    def resolves_outside(self, path: str) -> bool:
        """Whether ``path``, resolved as a file system resolves it (following the links),
        climbs above the root. A chain longer than :data:`MAX_LINK_HOPS` (a loop)
        resolves nowhere, so it does not leave the tree."""
        pending = deque(path.split("/"))
        # the nodes of the path resolved so far; None once it has left every link's way
        resolved: list[_Node | None] = [self.root]
        hops = 0
        while pending:
            part = pending.popleft()
            self.steps += 1
            if self.steps > self.budget:
                raise _TangledError
            if part in ("", "."):
                continue
            if part == "..":
                if len(resolved) == 1:
                    return True
                resolved.pop()
                continue
            parent = resolved[-1]
            node = None if parent is None else parent.children.get(part)
            if node is None or node.target is None:
                resolved.append(node)
                continue
            hops += 1
            if hops > MAX_LINK_HOPS:
                return False
            pending.extendleft(reversed(node.target.split("/")))
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
