"""Binary equivalence of directories, tar archives and manifests; refusing unsafe input."""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import shutil
import subprocess
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from fiveguard.domain.catalogue import ArchiveLimits, EvidenceRules
from fiveguard.domain.errors import InputError
from fiveguard.evidence.equivalence import (
    compare,
    equivalence_record,
    hash_file,
    read_side,
)

FILES = {
    "bin/amf": b"\x7fELF reviewed amf binary" * 100,
    "lib/libssl.so.3": b"libssl " * 1000,
    "etc/amf.conf": b"port=38412\n",
    "share/doc/README": b"readme\n",
}


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _tar(path: Path, files: dict[str, bytes], mode: str = "w:gz") -> Path:
    """A tar archive of ``files``; mode ``lzma`` writes the legacy .lzma format, which
    ``tarfile`` reads (its xz mode decodes both) but does not write."""
    with tarfile.open(path, "w" if mode == "lzma" else mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    if mode == "lzma":
        path.write_bytes(lzma.compress(path.read_bytes(), format=lzma.FORMAT_ALONE))
    return path


def _deployed() -> dict[str, bytes]:
    files = dict(FILES)
    amf = bytearray(files["bin/amf"])
    amf[10] ^= 0x01  # one byte differs
    files["bin/amf"] = bytes(amf)
    del files["share/doc/README"]  # one file missing
    files["bin/debug-shell"] = b"#!/bin/sh\n"  # one file extra
    return files


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


@pytest.fixture
def limits(rules: EvidenceRules) -> ArchiveLimits:
    return rules.archive_limits


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz", "lzma"])
def test_one_byte_differs_one_missing_one_extra_across_forms(
    tmp_path: Path, limits: ArchiveLimits, mode: str
) -> None:
    reviewed = _tree(tmp_path / "reviewed", FILES)
    deployed = _tar(tmp_path / "deployed.tar", _deployed(), mode)
    result = compare(read_side(reviewed, limits), read_side(deployed, limits))
    assert result.identical == ["etc/amf.conf", "lib/libssl.so.3"]
    assert result.differing == ["bin/amf"]
    assert result.missing == ["share/doc/README"]
    assert result.extra == ["bin/debug-shell"]
    assert result.ratio == pytest.approx(2 / 5)


def test_manifest_against_directory_and_identical_sides(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    reviewed = _tree(tmp_path / "r", FILES)
    lines = [f"{hashlib.sha256(d).hexdigest()}  ./{n}" for n, d in FILES.items()]
    lines[0] = "# sha256sum output\n" + lines[0]
    bsd = f"SHA256 (etc/amf.conf) = {hashlib.sha256(FILES['etc/amf.conf']).hexdigest()}"
    manifest = tmp_path / "reviewed.sha256"
    manifest.write_text("\n".join(lines) + "\n")
    result = compare(read_side(manifest, limits), read_side(reviewed, limits))
    assert result.ratio == 1.0 and len(result.identical) == 4
    (tmp_path / "bsd.txt").write_text(bsd + "\n")
    assert read_side(tmp_path / "bsd.txt", limits).entries == {
        "etc/amf.conf": hashlib.sha256(FILES["etc/amf.conf"]).hexdigest()
    }


def test_record_carries_counts_ratio_and_paths(tmp_path: Path, limits: ArchiveLimits) -> None:
    reviewed = _tree(tmp_path / "r", FILES)
    deployed = _tree(tmp_path / "d", _deployed())
    result = compare(read_side(reviewed, limits), read_side(deployed, limits))
    import datetime as dt

    record = equivalence_record(result, "ve-core@5.2", dt.date(2026, 6, 30))
    assert (record.identical, record.differing, record.missing, record.extra) == (2, 1, 1, 1)
    assert record.ratio == pytest.approx(0.4) and not record.equivalent
    assert record.differing_paths == ("bin/amf",) and record.id == "equivalence-ve-core-5.2"
    assert record.reviewed is not None and record.reviewed.startswith("directory")


def test_symlinks_inside_compare_by_target_outside_are_refused(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    root = _tree(tmp_path / "r", FILES)
    os.symlink("libssl.so.3", root / "lib" / "libssl.so")
    assert read_side(root, limits).entries["lib/libssl.so"] == "symlink:libssl.so.3"
    os.symlink("../../../etc/passwd", root / "lib" / "evil")
    with pytest.raises(InputError, match="points outside the tree"):
        read_side(root, limits)
    (root / "lib" / "evil").unlink()
    os.symlink("/etc/passwd", root / "lib" / "abs")
    with pytest.raises(InputError, match="absolute path"):
        read_side(root, limits)


def _symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


@pytest.mark.parametrize("order", ["link first", "link last"])
def test_a_link_that_leaves_through_another_link_is_refused_in_any_order(
    tmp_path: Path, limits: ArchiveLimits, order: str
) -> None:
    """``a/d -> ..`` is the root (inside); ``a/x -> d/..`` reads as ``a`` but resolves to
    the root's parent, as ``readlink -f`` shows."""
    root = _tree(tmp_path / "r", FILES)
    (root / "a").mkdir()
    os.symlink("..", root / "a" / "d")
    os.symlink("d/..", root / "a" / "x")
    assert not os.path.realpath(root / "a" / "x").startswith(str(root.resolve()))
    with pytest.raises(InputError) as caught:
        read_side(root, limits)
    assert [str(p) for p in caught.value.problems] == [
        "r: a/x: link to 'd/..' points outside the tree once the links it passes through "
        "are followed"
    ]
    members = [_symlink("a/d", ".."), _symlink("a/x", "d/..")]
    if order == "link last":
        members.reverse()
    with pytest.raises(InputError, match=r"a/x: link to 'd/\.\.' points outside"):
        read_side(_raw_tar(tmp_path / "x.tar.gz", members, {}), limits)


def test_links_through_links_that_stay_inside_and_loops_are_accepted(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    members = [
        _symlink("usr/bin/X11", "."),  # as Debian ships it
        _symlink("usr/bin/tool", "X11/../../lib/tool"),
        _symlink("lib64", "usr/lib"),
        _symlink("loop/a", "b"),
        _symlink("loop/b", "a"),
    ]
    tree = read_side(_raw_tar(tmp_path / "ok.tar.gz", members, {}), limits)
    assert tree.entries["usr/bin/tool"] == "symlink:X11/../../lib/tool"
    assert len(tree.entries) == len(members)


def test_fifo_in_a_directory_is_refused(tmp_path: Path, limits: ArchiveLimits) -> None:
    root = _tree(tmp_path / "r", FILES)
    os.mkfifo(root / "pipe")
    with pytest.raises(InputError) as caught:
        read_side(root, limits)
    assert str(caught.value.problems[0]).endswith("r: pipe: FIFO: not accepted")


def _raw_tar(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for info in members:
            payload = data.get(info.name)
            archive.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return path


@pytest.mark.parametrize(
    ("name", "kind", "linkname", "message"),
    [
        ("../../etc/cron.d/x", tarfile.REGTYPE, "", "path traversal"),
        ("/etc/passwd", tarfile.REGTYPE, "", "absolute path"),
        ("lib/evil", tarfile.SYMTYPE, "../../../etc/shadow", "points outside the tree"),
        ("lib/evil", tarfile.SYMTYPE, "/etc/shadow", "absolute path"),
        ("lib/hard", tarfile.LNKTYPE, "../outside", "path traversal"),
        ("lib/hard", tarfile.LNKTYPE, "not/seen", "not an earlier member"),
        ("dev/sda", tarfile.BLKTYPE, "", "device file"),
        ("dev/tty", tarfile.CHRTYPE, "", "device file"),
        ("run/pipe", tarfile.FIFOTYPE, "", "FIFO"),
    ],
)
def test_unsafe_archive_members_are_refused_with_their_name(
    tmp_path: Path, limits: ArchiveLimits, name: str, kind: bytes, linkname: str, message: str
) -> None:
    ok = tarfile.TarInfo("bin/ok")
    ok.size = 2
    bad = tarfile.TarInfo(name)
    bad.type = kind
    bad.linkname = linkname
    if kind == tarfile.REGTYPE:
        bad.size = 1
    path = _raw_tar(tmp_path / "x.tar.gz", [ok, bad], {"bin/ok": b"ok", name: b"!"})
    with pytest.raises(InputError) as caught:
        read_side(path, limits)
    text = str(caught.value.problems[0])
    assert text.startswith("x.tar.gz: ") and message in text and name in text


@pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:xz", "lzma"])
def test_decompression_bomb_is_stopped_while_it_inflates(
    tmp_path: Path, limits: ArchiveLimits, mode: str
) -> None:
    bomb = _tar(tmp_path / "bomb.tar", {"zeros.img": bytes(64 << 20)}, mode)
    assert bomb.stat().st_size < 200_000
    tight = limits.model_copy(update={"ratio_after_bytes": 4 << 20, "max_ratio": 50.0})
    with pytest.raises(InputError, match="decompression bomb"):
        read_side(bomb, tight)
    small = limits.model_copy(update={"max_total_bytes": 1 << 20})
    with pytest.raises(InputError, match="max_total_bytes"):
        read_side(bomb, small)


def test_member_count_limit(tmp_path: Path, limits: ArchiveLimits) -> None:
    path = _tar(tmp_path / "many.tar", {f"f{i}": b"x" for i in range(20)}, "w")
    with pytest.raises(InputError, match="more than 10 members"):
        read_side(path, limits.model_copy(update={"max_members": 10}))


def test_corrupt_archive_and_bad_manifest_are_located(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    good = _tar(tmp_path / "a.tar.gz", FILES).read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError) as caught:
        read_side(tmp_path / "cut.tar.gz", limits)
    assert str(caught.value.problems[0]).startswith("cut.tar.gz: ")
    digest = "0" * 64
    (tmp_path / "m.txt").write_text(f"{digest}  a\nnot a line\n{digest}  ../x\n{digest}  a\n")
    with pytest.raises(InputError) as caught:
        read_side(tmp_path / "m.txt", limits)
    assert [str(p).split(": ", 1)[0] for p in caught.value.problems] == [
        "m.txt:2:1",
        "m.txt:3:1",
        "m.txt:4:1",
    ]


def test_hashing_streams_a_large_file_in_small_memory(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    big = tmp_path / "tree" / "image.bin"
    big.parent.mkdir()
    with big.open("wb") as handle:  # sparse: 1 GiB on paper, little on disk
        handle.truncate(1 << 30)
    tracemalloc.start()
    try:
        tree = read_side(big.parent, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20
    assert tree.entries["image.bin"] == hash_file(big)[0]
    assert tree.bytes_read == 1 << 30


def test_archive_members_stream_in_small_memory(tmp_path: Path, limits: ArchiveLimits) -> None:
    path = tmp_path / "big.tar"
    size = 128 << 20
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("image.bin")
        info.size = size
        archive.addfile(info, io.BytesIO(bytes(size)))
    tracemalloc.start()
    try:
        tree = read_side(path, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20
    assert tree.entries["image.bin"] == hashlib.sha256(bytes(size)).hexdigest()


def test_missing_side_is_reported(tmp_path: Path, limits: ArchiveLimits) -> None:
    with pytest.raises(InputError, match="not found"):
        read_side(tmp_path / "nope", limits)


# ---------------------------------------------------------------------------- manifest names


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_escaped_manifest_names_are_read_in_one_pass(tmp_path: Path, limits: ArchiveLimits) -> None:
    # sha256sum escapes a backslash as \\ and a newline as \n; "a\\nb" is a backslash and an n
    manifest = tmp_path / "m.sha256"
    lines = [
        f"\\{_digest(b'1')}  a\\\\nb",
        f"\\{_digest(b'2')}  line\\nbreak",
        f"\\{_digest(b'3')}  carriage\\rreturn",
        f"\\SHA256 (tag\\\\form) = {_digest(b'4')}",
        f"{_digest(b'5')}  para\u2028graph",  # not a line end in a manifest
    ]
    manifest.write_text("\n".join(lines) + "\n")
    assert read_side(manifest, limits).entries == {
        "a\\nb": _digest(b"1"),
        "line\nbreak": _digest(b"2"),
        "carriage\rreturn": _digest(b"3"),
        "tag\\form": _digest(b"4"),
        "para\u2028graph": _digest(b"5"),
    }


def test_an_unknown_escape_is_a_located_problem(tmp_path: Path, limits: ArchiveLimits) -> None:
    manifest = tmp_path / "m.sha256"
    manifest.write_text(f"{_digest(b'0')}  fine\n\\{_digest(b'1')}  a\\tb\n")
    with pytest.raises(InputError) as caught:
        read_side(manifest, limits)
    assert [str(p) for p in caught.value.problems] == [
        "m.sha256:2:1: unknown escape in an escaped name: sha256sum writes only \\\\, \\n and \\r"
    ]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU sha256sum")
def test_sha256sum_output_for_awkward_names_matches_the_directory(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    root = tmp_path / "tree"
    names = ["a\\nb", "new\nline", "back\\slash", "plain"]
    root.mkdir()
    for index, name in enumerate(names):
        (root / name).write_bytes(str(index).encode())
    listed = subprocess.run(
        ["sha256sum", "--", *names], cwd=root, capture_output=True, check=True
    ).stdout
    manifest = tmp_path / "tree.sha256"
    manifest.write_bytes(listed)
    result = compare(read_side(manifest, limits), read_side(root, limits))
    assert sorted(result.identical) == sorted(names) and result.ratio == 1.0


# ---------------------------------------------------------------------------- formats not read


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PK\x03\x04" + bytes(60), "a zip archive"),
        (b"7z\xbc\xaf\x27\x1c" + bytes(60), "a 7-Zip archive"),
        (b"\x28\xb5\x2f\xfd" + bytes(60), "a Zstandard-compressed file"),
        (b"\x7fELF\x02\x01\x01" + bytes(60), "an ELF binary"),
        (b"\x00\x01garbage", "a binary file"),
    ],
)
def test_formats_not_read_are_named_with_those_that_are(
    tmp_path: Path, limits: ArchiveLimits, head: bytes, what: str
) -> None:
    path = tmp_path / "rev.zip"
    path.write_bytes(head)
    with pytest.raises(InputError) as caught:
        read_side(path, limits)
    assert [str(p) for p in caught.value.problems] == [
        f"rev.zip: {what}: not read; each side must be a directory, a tar archive (plain, "
        "gzip, bzip2, xz or lzma) or a SHA-256 manifest (sha256sum output)"
    ]


def test_a_real_zip_file_is_refused_by_name(tmp_path: Path, limits: ArchiveLimits) -> None:
    with zipfile.ZipFile(tmp_path / "rev.zip", "w") as archive:
        archive.writestr("bin/amf", b"amf")
    with pytest.raises(InputError, match=r"^rev\.zip: a zip archive: not read"):
        read_side(tmp_path / "rev.zip", limits)


def test_a_hard_link_to_a_symlink_is_checked_from_where_it_stands(
    tmp_path: Path, limits: ArchiveLimits
) -> None:
    link = tarfile.TarInfo("a/b/up")
    link.type, link.linkname = tarfile.SYMTYPE, "../x"  # a/x: inside
    hard = tarfile.TarInfo("top")
    hard.type, hard.linkname = tarfile.LNKTYPE, "a/b/up"  # the same link at the top: ../x
    path = _raw_tar(tmp_path / "h.tar.gz", [link, hard], {})
    with pytest.raises(InputError) as caught:
        read_side(path, limits)
    assert str(caught.value.problems[0]) == "h.tar.gz: top: link to '../x' points outside the tree"
    inside = tarfile.TarInfo("a/b/same")
    inside.type, inside.linkname = tarfile.LNKTYPE, "a/b/up"
    path = _raw_tar(tmp_path / "ok.tar.gz", [link, inside], {})
    assert read_side(path, limits).entries == {"a/b/same": "symlink:../x", "a/b/up": "symlink:../x"}
