"""Without a PostgreSQL server the store's PostgreSQL tests skip with the reason for a
developer, and fail in CI (FIVEGUARD_REQUIRE_POSTGRES=1), so CI can never pass them by
skipping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ONE_TEST = "tests/store/test_store_migrations.py::test_an_empty_record_is_refused_until_upgraded"
ROOT = Path(__file__).parents[2]


def run_without_server(require: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "FIVEGUARD_REQUIRE_POSTGRES"}
    env["FIVEGUARD_TEST_POSTGRES_URL"] = "postgresql+psycopg://postgres@127.0.0.1:1/postgres"
    if require:
        env["FIVEGUARD_REQUIRE_POSTGRES"] = "1"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            ONE_TEST,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.stdout


@pytest.mark.parametrize(
    ("require", "expected"),
    [(False, "1 passed, 1 skipped"), (True, "1 passed, 1 error")],  # the fixture fails,
)
def test_postgres_tests_skip_for_a_developer_and_fail_in_ci(require: bool, expected: str) -> None:
    out = run_without_server(require)
    assert expected in out, out
    assert "PostgreSQL at" in out and "does not answer" in out
