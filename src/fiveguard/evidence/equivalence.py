"""Binary equivalence: is what is deployed what was reviewed?

Each side is a directory, a tar archive (plain, gzip, bzip2, xz or legacy lzma: whatever
Python's ``tarfile`` reads) or a manifest of SHA-256 digests (``sha256sum`` output, GNU
or BSD style). Both become a map from relative path to digest; files are compared by
SHA-256 of their content, symbolic links by their target. The result counts identical,
differing, missing (reviewed, not deployed) and extra (deployed, not reviewed) paths, and
the equivalence ratio identical ÷ all paths.

Reading streams: files and archive members are hashed in 1 MiB blocks, never held whole,
and directory files are hashed by a few threads (hashlib releases the GIL), so a
multi-gigabyte image costs its read time and little memory. Reading is also defensive.
Refused, with a located message: paths that are absolute or climb out with ``..``;
links whose target is absolute or leaves the tree, read alone or through the other links
on its way; hard links to members not seen before; device files, FIFOs and sockets; and
anything past the catalogue's ``archive_limits`` (members, bytes per file and in all, and
content bytes per compressed byte, which stops decompression bombs while they inflate).
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import hashlib
import lzma
import os
import re
import stat
import tarfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from fiveguard.domain.catalogue import ArchiveLimits
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.evidence import Equivalence
from fiveguard.evidence.tree_safety import SYMLINK, Budget, check_links, link_entry, safe_path
from fiveguard.modelio.evidence_store import record_id
from fiveguard.modelio.jsonsource import read_limited
from fiveguard.modelio.yamlsource import decode, display_name

BLOCK = 1 << 20
"""Bytes read and hashed at a time."""

_LZMA_ALONE = b"\x5d\x00\x00"
"""The legacy .lzma header as lzma and ``tar --lzma`` write it (default properties, a
power-of-two dictionary); it has no magic number of its own."""
_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", _LZMA_ALONE)
_GNU_LINE = re.compile(r"^(\\?)([0-9a-fA-F]{64}) [ *](.+)$")
_BSD_LINE = re.compile(r"^(\\?)SHA256 \((.+)\) = ([0-9a-fA-F]{64})$")
_ESCAPE = re.compile(r"\\(.?)", re.DOTALL)
_UNESCAPED = {"\\": "\\", "n": "\n", "r": "\r"}
"""What ``sha256sum`` escapes in a name (the line then starts with a backslash)."""

NOT_READ = (
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (b"\x04\x22\x4d\x18", "an LZ4-compressed file"),
    (b"LZIP", "an lzip-compressed file"),
    (b"\x89LZO", "an LZO-compressed file"),
    (b"!<arch>\n", "an ar archive (a .deb package is one)"),
    (b"\xed\xab\xee\xdb", "an RPM package"),
    (b"070701", "a cpio archive"),
    (b"070707", "a cpio archive"),
    (b"hsqs", "a SquashFS image"),
    (b"MSCF", "a cabinet archive"),
    (b"\x7fELF", "an ELF binary"),
)
"""Formats recognised by their first bytes only to say they are not read."""
FORMATS_READ = (
    "a directory, a tar archive (plain, gzip, bzip2, xz or lzma) or a SHA-256 manifest "
    "(sha256sum output)"
)

SideKind = Literal["directory", "archive", "manifest", "provenance", "sbom"]


@dataclass
class FileTree:
    """One side: every path (``/``-separated, relative) and its content digest."""

    label: str
    kind: SideKind
    entries: dict[str, str] = field(default_factory=dict)
    bytes_read: int = 0

    def describe(self, label: str | None = None) -> str:
        """How the side is named in records and reports (``label`` instead of its own)."""
        return f"{self.kind} {label or self.label} ({len(self.entries):,} paths)"


@dataclass(frozen=True)
class Comparison:
    """Reviewed against deployed, path by path (each list sorted)."""

    reviewed: FileTree
    deployed: FileTree
    identical: list[str]
    differing: list[str]
    missing: list[str]
    extra: list[str]

    @property
    def total(self) -> int:
        return len(self.identical) + len(self.differing) + len(self.missing) + len(self.extra)

    @property
    def ratio(self) -> float:
        """Identical paths over all paths; 1.0 when both sides are empty."""
        return len(self.identical) / self.total if self.total else 1.0


def compare(reviewed: FileTree, deployed: FileTree) -> Comparison:
    """Compare two sides path by path."""
    a, b = reviewed.entries, deployed.entries
    common = a.keys() & b.keys()
    return Comparison(
        reviewed=reviewed,
        deployed=deployed,
        identical=sorted(p for p in common if a[p] == b[p]),
        differing=sorted(p for p in common if a[p] != b[p]),
        missing=sorted(a.keys() - b.keys()),
        extra=sorted(b.keys() - a.keys()),
    )


SAMPLE_PATHS = 200
"""Paths of each kind kept in a record; the counts are always complete."""


def equivalence_record(
    comparison: Comparison,
    product: str,
    as_of: dt.date,
    issuer: str | None = None,
    labels: tuple[str, str] | None = None,
) -> Equivalence:
    """The ``equivalence`` evidence record of a comparison, for ``product`` (P@V).

    ``labels`` name the reviewed and deployed sides in the record (e.g. relative to the
    model file) instead of as they were given.
    """
    reviewed, deployed = labels or (None, None)
    return Equivalence(
        id=record_id("equivalence", product),
        type="equivalence",
        title=f"Binary equivalence of {product}: {comparison.ratio:.1%} of paths identical",
        date=as_of,
        issuer=issuer,
        subject=product,
        product=product,
        identical=len(comparison.identical),
        differing=len(comparison.differing),
        missing=len(comparison.missing),
        extra=len(comparison.extra),
        reviewed=comparison.reviewed.describe(reviewed),
        deployed=comparison.deployed.describe(deployed),
        differing_paths=tuple(comparison.differing[:SAMPLE_PATHS]),
        missing_paths=tuple(comparison.missing[:SAMPLE_PATHS]),
        extra_paths=tuple(comparison.extra[:SAMPLE_PATHS]),
    )


# ---------------------------------------------------------------------------- sides


def read_side(path: Path, limits: ArchiveLimits, workers: int | None = None) -> FileTree:
    """Read a directory, tar archive or manifest into a :class:`FileTree`."""
    label = display_name(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError.at("not found", label) from None
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror or exc}", label) from None
    if stat.S_ISDIR(info.st_mode):
        return read_directory(path, limits, label, workers)
    if not stat.S_ISREG(info.st_mode):
        raise InputError.at(f"expected {FORMATS_READ}", label)
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(_MAGIC) or head[257:262] == b"ustar":
        return read_archive(path, limits, label)
    what = next((name for magic, name in NOT_READ if head.startswith(magic)), None)
    if what is None and b"\x00" in head:
        what = "a binary file"
    if what is not None:
        raise InputError.at(f"{what}: not read; each side must be {FORMATS_READ}", label)
    return read_manifest(path, limits, label)


def hash_file(path: Path | str, limit: int | None = None) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in blocks; OSError passes through."""
    digest = hashlib.sha256()
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    size = 0
    with open(path, "rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            size += count
            if limit is not None and size > limit:
                raise OSError(f"grew past {limit:,} bytes while being read")
    return digest.hexdigest(), size


def read_directory(
    root: Path, limits: ArchiveLimits, label: str | None = None, workers: int | None = None
) -> FileTree:
    """Hash every file under ``root``; links are compared by target, never followed."""
    file = label or display_name(root)
    tree = FileTree(file, "directory")
    budget = Budget(limits, file)
    files: list[tuple[str, str]] = []
    for relative, entry in _walk(root, file, budget):
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            target = os.readlink(entry.path)
            tree.entries[relative] = link_entry(relative, target, file, limits.max_path_length)
        elif stat.S_ISREG(info.st_mode):
            budget.size(relative, info.st_size)
            files.append((relative, entry.path))
        else:
            what = "FIFO" if stat.S_ISFIFO(info.st_mode) else "device file or socket"
            raise InputError(Problem(Location(file, path=relative), f"{what}: not accepted"))
    count = workers or min(4, os.cpu_count() or 1)

    def one(item: tuple[str, str]) -> tuple[str, str, int]:
        relative, full = item
        try:
            digest, size = hash_file(full, limits.max_member_bytes)
        except OSError as exc:
            raise InputError(
                Problem(Location(file, path=relative), f"cannot read: {exc.strerror or exc}")
            ) from None
        return relative, digest, size

    with ThreadPoolExecutor(max_workers=count) as pool:
        for relative, digest, size in pool.map(one, files):
            tree.entries[relative] = digest
            tree.bytes_read += size
    tree.entries = dict(sorted(tree.entries.items()))
    check_links(tree.entries, tree.label)
    return tree


def _walk(root: Path, file: str, budget: Budget) -> Iterator[tuple[str, os.DirEntry[str]]]:
    stack = [("", str(root))]
    while stack:
        prefix, directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            raise InputError(
                Problem(Location(file, path=prefix or "."), f"cannot list: {exc.strerror}")
            ) from None
        for entry in entries:
            relative = f"{prefix}{entry.name}"
            budget.member(relative)
            safe_path(relative, file, budget.limits.max_path_length)
            if entry.is_dir(follow_symlinks=False):
                stack.append((relative + "/", entry.path))
            else:
                yield relative, entry


# ---------------------------------------------------------------------------- archives


class _Counting:
    """A binary reader that counts the (compressed) bytes taken from the file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


def _decompressing(raw: Any, head: bytes, stack: ExitStack) -> Any:
    """A reader of the archive's tar stream: Python's own decompressor, or the raw file."""
    if head.startswith(b"\x1f\x8b"):
        return stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
    if head.startswith(b"BZh"):
        return stack.enter_context(bz2.BZ2File(raw))
    if head.startswith(b"\xfd7zXZ\x00"):
        return stack.enter_context(lzma.LZMAFile(raw))
    if head.startswith(_LZMA_ALONE):
        return stack.enter_context(lzma.LZMAFile(raw, format=lzma.FORMAT_ALONE))
    return raw


END_OF_ARCHIVE = 1024
"""Two zero blocks end a tar archive; without them the archive was cut short."""


def read_archive(path: Path, limits: ArchiveLimits, label: str | None = None) -> FileTree:
    """Hash every member of a tar archive, streaming it once from start to end.

    The decompressors are Python's own (gzip, bz2, lzma), so a truncated or corrupt
    compressed stream is an error, and the archive must end with its end-of-archive
    blocks: an archive cut between two members is refused, not half compared.
    """
    file = label or display_name(path)
    tree = FileTree(file, "archive")
    budget = Budget(limits, file)
    try:
        with ExitStack() as stack:
            raw = stack.enter_context(path.open("rb"))
            head = raw.read(6)
            raw.seek(0)
            counter = _Counting(raw)
            content = _Counting(_decompressing(counter, head, stack))
            with tarfile.open(fileobj=content, mode="r|") as archive:  # type: ignore[call-overload]
                for member in archive:  # header-only members count towards the ratio too
                    _check_ratio(content.count, counter.count, budget, member.name)
                    _member(archive, member, tree, budget, counter, content)
                end = archive.offset
            while content.read(BLOCK):  # the rest: end blocks, padding, and any trailing data
                _check_ratio(content.count, counter.count, budget, "(after the last member)")
            if content.count < end + END_OF_ARCHIVE:
                raise InputError.at(
                    "archive ends without its end-of-archive blocks: it was cut short", file
                )
    except InputError:
        raise
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise InputError.at(f"not a readable tar archive: {exc}", file) from None
    except Exception as exc:  # zlib and lzma raise their own kinds on corrupt data
        raise InputError.at(f"corrupt archive: {type(exc).__name__}: {exc}", file) from None
    tree.entries = dict(sorted(tree.entries.items()))
    check_links(tree.entries, tree.label)
    return tree


def _member(
    archive: tarfile.TarFile,
    member: tarfile.TarInfo,
    tree: FileTree,
    budget: Budget,
    counter: _Counting,
    content: _Counting,
) -> None:
    file = tree.label
    name = safe_path(member.name, file, budget.limits.max_path_length)
    budget.member(member.name)
    if member.isdir() or not name:
        return
    if member.issym():
        tree.entries[name] = link_entry(name, member.linkname, file, budget.limits.max_path_length)
    elif member.islnk():
        try:
            target = safe_path(member.linkname, file, budget.limits.max_path_length)
        except InputError as exc:
            raise InputError(
                Problem(
                    Location(file, path=member.name),
                    f"hard link to {member.linkname!r}: {exc.problems[0].message}",
                )
            ) from None
        if target not in tree.entries:
            raise InputError(
                Problem(
                    Location(file, path=member.name),
                    f"hard link to {member.linkname!r}, which is not an earlier member",
                )
            )
        value = tree.entries[target]
        if value.startswith(SYMLINK):  # a second name for a link: its target, read from here
            target = value.removeprefix(SYMLINK)
            value = link_entry(name, target, file, budget.limits.max_path_length)
        tree.entries[name] = value
    elif member.isreg():
        budget.size(member.name, member.size)
        handle = archive.extractfile(member)
        if handle is None:  # pragma: no cover - a regular member always has data
            raise InputError(Problem(Location(file, path=member.name), "member has no data"))
        digest = hashlib.sha256()
        while block := handle.read(BLOCK):
            digest.update(block)
            tree.bytes_read += len(block)
            _check_ratio(content.count, counter.count, budget, member.name)
        tree.entries[name] = digest.hexdigest()
    else:
        if member.isfifo():
            what = "FIFO"
        elif member.ischr() or member.isblk():
            what = "device file"
        else:
            what = f"member of type {member.type!r}"
        raise InputError(Problem(Location(file, path=member.name), f"{what}: not accepted"))


def _check_ratio(content: int, compressed: int, budget: Budget, name: str) -> None:
    limits = budget.limits
    if content > limits.max_total_bytes + BLOCK:
        raise InputError(
            Problem(
                Location(budget.file, path=name),
                f"archive stream exceeds {limits.max_total_bytes:,} bytes "
                "(archive_limits.max_total_bytes)",
            )
        )
    if content > limits.ratio_after_bytes and content > limits.max_ratio * max(compressed, 1):
        raise InputError(
            Problem(
                Location(budget.file, path=name),
                f"decompression bomb: {content:,} bytes of content from {compressed:,} "
                f"archive bytes, more than {limits.max_ratio:g}× "
                "(archive_limits.max_ratio)",
            )
        )


# ---------------------------------------------------------------------------- manifests


def read_manifest(path: Path, limits: ArchiveLimits, label: str | None = None) -> FileTree:
    """Read ``sha256sum`` output (``DIGEST  PATH`` or ``SHA256 (PATH) = DIGEST`` lines)."""
    file = label or display_name(path)
    text = decode(read_limited(path, limits.max_manifest_bytes, file), file)
    tree = FileTree(file, "manifest")
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    # only newlines end lines: a name may hold any other line separator Python knows
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.removesuffix("\r")
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        gnu = _GNU_LINE.match(stripped)
        bsd = _BSD_LINE.match(stripped) if gnu is None else None
        if gnu is not None:
            escaped, digest, name = gnu.groups()
        elif bsd is not None:
            escaped, name, digest = bsd.groups()
        else:
            problems.append(
                Problem(
                    Location(file, number, 1),
                    "expected 'SHA256DIGEST  PATH' (sha256sum) or 'SHA256 (PATH) = DIGEST'",
                )
            )
            continue
        if escaped:  # sha256sum escapes names holding a newline, a return or a backslash
            unescaped = _unescape(name)
            if unescaped is None:
                problems.append(
                    Problem(
                        Location(file, number, 1),
                        "unknown escape in an escaped name: sha256sum writes only "
                        "\\\\, \\n and \\r",
                    )
                )
                continue
            name = unescaped
        try:
            safe = safe_path(name, file, limits.max_path_length)
        except InputError as exc:
            problems.append(Problem(Location(file, number, 1), exc.problems[0].message))
            continue
        if not safe:
            problems.append(Problem(Location(file, number, 1), "empty path"))
        elif safe in first_line:
            problems.append(
                Problem(
                    Location(file, number, 1),
                    f"{safe!r} listed twice (first at line {first_line[safe]})",
                )
            )
        else:
            first_line[safe] = number
            tree.entries[safe] = digest.lower()
        if len(first_line) > limits.max_members:
            problems.append(
                Problem(Location(file, number, 1), f"more than {limits.max_members:,} paths")
            )
            break
    if problems:
        raise InputError(problems)
    tree.entries = dict(sorted(tree.entries.items()))
    return tree


def _unescape(name: str) -> str | None:
    """A name as ``sha256sum`` escaped it, read in one pass (so ``\\\\n`` is a backslash
    and an ``n``); None when it holds an escape sha256sum does not write."""
    unknown = False

    def one(match: re.Match[str]) -> str:
        nonlocal unknown
        replacement = _UNESCAPED.get(match.group(1))
        if replacement is None:
            unknown = True
            return ""
        return replacement

    out = _ESCAPE.sub(one, name)
    return None if unknown else out
