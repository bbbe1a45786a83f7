"""Hashing throughput of the binary-equivalence check against ``sha256sum``, same files,
same run.

Writes a few GiB of random files to a temporary directory (a few large images and many
small files, like a firmware tree), reads them once so both contenders start from the page
cache, then times ``sha256sum`` over every file and fiveguard's ``read_directory`` (its
default thread count, and one thread), best of three each. The target is a throughput at
least 0.8× that of ``sha256sum``. The directory is removed at the end.

Run: ``.venv/bin/python benchmarks/bench_hashing.py [--gib 3]``; results go to stdout and
``benchmarks/out/hashing.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fiveguard.catalog import default_catalogue
from fiveguard.evidence.equivalence import read_directory
from machine import describe_machine, machine_markdown

MIB = 1 << 20


def make_tree(root: Path, gib: float) -> tuple[int, int]:
    """Large images (three quarters of the bytes) and 256 KiB files (the rest)."""
    total = int(gib * 1024 * MIB)
    large, small = total * 3 // 4, total // 4
    block = os.urandom(64 * MIB)  # repeated: hashing cost does not depend on the content
    files = 0
    for index in range(4):
        with (root / f"image-{index}.bin").open("wb") as handle:
            for _ in range(large // 4 // len(block)):
                handle.write(block)
        files += 1
    lib = root / "lib"
    lib.mkdir()
    for index in range(small // (256 * 1024)):
        start = (index * 4096) % (len(block) - 256 * 1024)
        (lib / f"lib{index:05d}.so").write_bytes(block[start : start + 256 * 1024])
        files += 1
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return files, size


def time_sha256sum(root: Path) -> float:
    start = time.perf_counter()
    find = subprocess.Popen(["find", str(root), "-type", "f", "-print0"], stdout=subprocess.PIPE)
    subprocess.run(
        ["xargs", "-0", "sha256sum"], stdin=find.stdout, stdout=subprocess.DEVNULL, check=True
    )
    find.wait()
    return time.perf_counter() - start


def time_fiveguard(root: Path, workers: int | None) -> float:
    limits = default_catalogue().evidence_rules.archive_limits
    start = time.perf_counter()
    read_directory(root, limits, workers=workers)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=3.0, help="GiB of files to hash")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="fiveguard-hash-bench-"))
    try:
        files, size = make_tree(root, args.gib)
        time_sha256sum(root)  # warm the page cache for both
        runs: dict[str, list[float]] = {"sha256sum": [], "fiveguard": [], "fiveguard-1-thread": []}
        for _ in range(args.repeat):
            runs["sha256sum"].append(time_sha256sum(root))
            runs["fiveguard"].append(time_fiveguard(root, None))
            runs["fiveguard-1-thread"].append(time_fiveguard(root, 1))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    best = {name: min(times) for name, times in runs.items()}
    rate = {name: size / seconds / 1e6 for name, seconds in best.items()}
    result = {
        "files": files,
        "bytes": size,
        "best_seconds": best,
        "mb_per_second": rate,
        "ratio_vs_sha256sum": rate["fiveguard"] / rate["sha256sum"],
        "ratio_one_thread_vs_sha256sum": rate["fiveguard-1-thread"] / rate["sha256sum"],
        "machine": describe_machine(),
    }
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "hashing.json").write_text(json.dumps(result, indent=2))
    print(f"{files:,} files, {size / 2**30:.2f} GiB, best of {args.repeat}")
    for name in runs:
        print(f"  {name:20} {best[name]:7.2f} s  {rate[name]:8.0f} MB/s")
    print(
        f"fiveguard / sha256sum: {result['ratio_vs_sha256sum']:.2f}× "
        f"(one thread: {result['ratio_one_thread_vs_sha256sum']:.2f}×)"
    )
    print(machine_markdown())


if __name__ == "__main__":
    main()
