"""Archives and evidence directories under attack: link archives crafted to hang the
reader, and evidence directories that cannot be written.

Each must end in located problems (exit code 2 at the command line), in bounded time,
with nothing written and earlier records whole. Where time is the point, the attack runs
in a subprocess under a generous hang guard: the test fails on a hang, never on a
measured duration.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from evidence_samples import OSV_DIR, dumps, firmware_cdx
from typer.testing import CliRunner

from fiveguard.catalog import default_catalogue
from fiveguard.cli import app
from fiveguard.domain.errors import InputError, Problem
from fiveguard.evidence.equivalence import read_archive, read_directory

runner = CliRunner()
RULES = default_catalogue().evidence_rules


def _problems(run: Callable[[], object]) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        run()
    return list(caught.value.problems)


# ---------------------------------------------------------------------------- archives of links

HANG_GUARD = 120
"""Seconds a subprocess may take before the test calls it a hang; the work takes well
under a second."""


def _links_archive(path: Path, links: dict[str, str], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def _read_in_subprocess(path: Path) -> list[str]:
    """The problems of reading ``path`` as an archive, in a subprocess under the guard."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fiveguard.catalog import default_catalogue\n"
        "from fiveguard.domain.errors import InputError\n"
        "from fiveguard.evidence.equivalence import read_archive\n"
        "limits = default_catalogue().evidence_rules.archive_limits\n"
        "try:\n"
        "    read_archive(Path(sys.argv[1]), limits, 'links.tar.gz')\n"
        "except InputError as exc:\n"
        "    print('\\n'.join(str(p) for p in exc.problems))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading the archive did not end within {HANG_GUARD} s")
    return done.stdout.splitlines()


def test_a_link_with_a_megabyte_target_is_refused_at_once(tmp_path: Path) -> None:
    archive = _links_archive(tmp_path / "links.tar.gz", {"l": "a/" * 500_000})
    assert archive.stat().st_size < 4096  # the attack is small
    assert _read_in_subprocess(archive) == [
        "links.tar.gz: l: link target of 1,000,000 characters, more than the limit of 4,096 "
        "(archive_limits.max_path_length)"
    ]


def test_links_following_each_other_through_long_targets_end_in_bounded_time(
    tmp_path: Path,
) -> None:
    """Each link resolves through 40 hops of a 4,000-character target: within the hop
    limit, and refused once the links take more steps than their text can justify."""
    links = {f"d{i}": "./" * 2000 + "m" for i in range(60)}
    links["m"] = "./" * 2000 + "d0"
    problems = _read_in_subprocess(_links_archive(tmp_path / "links.tar.gz", links))
    assert len(problems) == 1 and "links too tangled to check" in problems[0]


def test_a_link_target_is_read_up_to_the_path_length_limit(tmp_path: Path) -> None:
    limits = RULES.archive_limits.model_copy(update={"max_path_length": 64})
    fits = _links_archive(tmp_path / "fits.tar", {"l": "a/" * 31 + "b"}, "w")
    assert read_archive(fits, limits).entries == {"l": "symlink:" + "a/" * 31 + "b"}
    longer = _links_archive(tmp_path / "longer.tar", {"l": "a/" * 32 + "b"}, "w")
    (problem,) = _problems(lambda: read_archive(longer, limits, "longer.tar"))
    assert problem.location.path == "l" and "65 characters" in problem.message
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "l").symlink_to("a/" * 32 + "b")
    (problem,) = _problems(lambda: read_directory(tmp_path / "tree", limits, "tree"))
    assert problem.location.path == "l" and "65 characters" in problem.message


def test_an_archive_of_links_alone_is_held_to_the_decompression_ratio(tmp_path: Path) -> None:
    limits = RULES.archive_limits.model_copy(update={"ratio_after_bytes": 1 << 16})
    links = {f"l{i}": "a/" * 2000 + "b" for i in range(500)}
    archive = _links_archive(tmp_path / "links.tar.gz", links)
    (problem,) = _problems(lambda: read_archive(archive, limits, "links.tar.gz"))
    assert "decompression bomb" in problem.message and problem.location.path is not None


# ---------------------------------------------------------------------------- unwritable evidence

MODEL = """\
fiveguard: 1
scope: {country: XR, name: Unwritable evidence, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 100000}
suppliers:
  - {id: sup-a, name: Supplier A, headquarters: SE, ownership: listed}
products:
  - {id: fw, supplier: sup-a, name: Radio firmware, kind: ran.gnb, versions: ["9.0"]}
operators:
  - {id: op-a, name: Operator A, subscribers: 50000}
assets:
  - {id: a.ran, operator: op-a, kind: ran.gnb, product: fw@9.0, region: R1, sites: 3}
evidence_dirs: evidence
"""


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """A model whose evidence directory holds an SBOM, a scan and an equivalence record;
    the records' bytes."""
    monkeypatch.chdir(tmp_path)
    Path("model.yaml").write_text(MODEL)
    Path("fw.cdx.json").write_bytes(dumps(firmware_cdx()))
    for side in ("reviewed", "deployed"):
        Path(side).mkdir()
        (Path(side) / "app").write_bytes(b"A")
    for args in _RECORDING:
        result = runner.invoke(app, ["evidence", *args, "-m", "model.yaml"])
        assert result.exit_code == 0, result.output
    return _records()


_RECORDING = [
    ["sbom", "fw@9.0", "fw.cdx.json"],
    ["vulns", "fw@9.0", "--osv", str(OSV_DIR)],
    ["equivalence", "reviewed", "deployed", "-p", "fw@9.0"],
]


def _records() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path("evidence").iterdir()}


def _full_disk(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
    """Path.write_text on a full disk: part of the text lands, then the write fails."""
    with self.open("w", encoding="utf-8") as handle:
        handle.write(text[: len(text) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))


def _read_only(*args: Any, **kwargs: Any) -> Any:
    """tempfile.mkstemp in a directory on a read-only file system."""
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize("args", _RECORDING, ids=["sbom", "vulns", "equivalence"])
@pytest.mark.parametrize(
    ("target", "attack", "reason"),
    [
        (Path, _full_disk, "No space left on device"),
        (tempfile, _read_only, "Read-only file system"),
    ],
    ids=["disk-full", "read-only"],
)
def test_an_unwritable_evidence_directory_is_a_message_and_earlier_records_stay(
    recorded: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    target: object,
    attack: Any,
    reason: str,
) -> None:
    Path("fw.cdx.json").write_bytes(dumps({**firmware_cdx(), "version": 2}))
    (Path("deployed") / "app").write_bytes(b"B")
    monkeypatch.setattr(target, "write_text" if target is Path else "mkstemp", attack)
    result = runner.invoke(app, ["evidence", *args, "-m", "model.yaml"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    (line,) = [line for line in result.stderr.splitlines() if reason in line]
    assert line.startswith("evidence/") and "nothing was recorded" in line
    assert _records() == recorded  # every earlier record whole, no temporary file left
