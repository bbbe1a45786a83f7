"""Every file the command line reads must be a regular file: a named pipe would block the
reader forever and a device would never end. Each is refused at once with a located
message and exit code 2. An alarm guards against a hang (it never decides a test)."""

from __future__ import annotations

import os
import re
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from model_texts import BASE_YAML

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

HANG_GUARD_SECONDS = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()


class _HungError(Exception):
    """The command did not return: it waits on the pipe."""


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Interrupt a command still blocked after a generous time (a failure, not a timing)."""

    def interrupt(signum: int, frame: object) -> None:
        raise _HungError(f"still blocked after {HANG_GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    if isinstance(result.exception, _HungError):
        raise result.exception
    return result.exit_code, ANSI.sub("", result.stderr)


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.fixture
def model(write_model) -> Path:
    return write_model()


def test_a_model_that_is_a_pipe_is_refused(model: Path, hang_guard: None) -> None:
    code, err = run("validate", str(fifo(model.parent / "pipe.yaml")))
    assert code == 2
    assert "pipe.yaml: is a named pipe (FIFO), expected a file: only regular files are read" in err


def test_a_site_file_that_is_a_pipe_is_refused(write_model, hang_guard: None) -> None:
    path = write_model(BASE_YAML.replace("sites: sites.csv", "sites: pipe.csv"), None)
    fifo(path.parent / "pipe.csv")
    code, err = run("validate", str(path))
    assert code == 2
    assert "pipe.csv: is a named pipe (FIFO), expected a site file" in err


def test_a_policy_file_that_is_a_pipe_is_refused(model: Path, hang_guard: None) -> None:
    pipe = fifo(model.parent / "policy.yaml")
    code, err = run("assess", str(model), "--policy", str(pipe), "--trials", "0")
    assert code == 2
    assert "policy.yaml: is a named pipe (FIFO)" in err


@pytest.mark.parametrize("through", ["option", "environment"])
def test_a_catalogue_file_that_is_a_pipe_is_refused(
    model: Path, hang_guard: None, through: str
) -> None:
    pipe = str(fifo(model.parent / "mine.yaml"))
    if through == "option":
        code, err = run("--catalog", pipe, "validate", str(model))
    else:
        code, err = run("validate", str(model), env={"FIVEGUARD_CATALOG": pipe})
    assert code == 2
    assert "mine.yaml: is a named pipe (FIFO)" in err


def test_an_sbom_that_is_a_pipe_is_refused(model: Path, hang_guard: None) -> None:
    pipe = fifo(model.parent / "bom.cdx.json")
    code, err = run("evidence", "sbom", "gnb@2.0", str(pipe))
    assert code == 2
    assert "bom.cdx.json: is a named pipe (FIFO)" in err


def test_an_evidence_record_that_is_a_pipe_is_refused(write_model, hang_guard: None) -> None:
    path = write_model(BASE_YAML + "evidence_dirs: stored\n")
    (path.parent / "stored").mkdir()
    fifo(path.parent / "stored" / "ev-2.json")
    code, err = run("validate", str(path))
    assert code == 2
    assert "ev-2.json: is a named pipe (FIFO)" in err


@pytest.mark.skipif(
    not (os.path.exists(os.devnull) and stat.S_ISCHR(os.stat(os.devnull).st_mode)),
    reason="needs a character device",
)
def test_a_device_is_refused_as_a_model(hang_guard: None) -> None:
    code, err = run("validate", os.devnull)
    assert code == 2
    assert f"{os.devnull}: is a device, expected a file" in err
