"""Trials on a Dask cluster, run as a user runs them: the command in its own process
against a multi-process cluster gives the local results; a bad address exits 2 within
the time limit, with one clear message and no traceback."""

from __future__ import annotations

import http.server
import json
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # registers the commands
from fiveguard.cli.app import app
from fiveguard.domain.errors import InputError
from fiveguard.simulate.cluster import scheduler_address

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "small" / "model.yaml"
LIMIT = 2.0
"""The --scheduler-timeout the bad-address tests give."""


def fiveguard(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m fiveguard ARGS`` in its own process. The generous ``timeout`` only
    guards against a hang; no test depends on how long a run takes."""
    return subprocess.run(
        [sys.executable, "-m", "fiveguard", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def assert_clean_failure(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    for noise in ("Traceback", "Exception ignored"):
        assert noise not in done.stderr, done.stderr
    assert done.stdout == ""


# ---------------------------------------------------------------------------- a real cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running


def test_the_command_on_a_multi_process_cluster_gives_the_local_results(cluster: Any) -> None:
    import distributed

    # nothing in this process is a client: the command has to bring its own
    with pytest.raises(ValueError, match="No clients found"):
        distributed.default_client()
    args = ["simulate", str(EXAMPLE), "--trials", "700", "--seed", "4", "--json"]
    remote = fiveguard(*args, "--scheduler", cluster.scheduler_address)
    assert remote.returncode == 0, remote.stderr
    assert "Traceback" not in remote.stderr
    local = CliRunner().invoke(app, [*args, "--workers", "1"])
    assert local.exit_code == 0, local.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert json.loads(remote.stdout)["distributions"]["people_without_service"]["max"] > 0


# ---------------------------------------------------------------------------- bad addresses


def test_a_malformed_address_exits_2_at_once() -> None:
    done = fiveguard("simulate", str(EXAMPLE), "--trials", "10", "--scheduler", "nonsense")
    assert_clean_failure(done, "'nonsense' is not a Dask scheduler address; expected tcp://")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_closed_port_exits_2() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    done = fiveguard(
        "simulate", str(EXAMPLE), "--scheduler", address, "--scheduler-timeout", str(LIMIT)
    )
    assert_clean_failure(done, f"cannot reach the Dask scheduler at '{address}'")


class _Silent(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


_RELEASE = threading.Event()
"""Set when a test is over: until then the garbage server keeps every connection open."""


class _Garbage(socketserver.BaseRequestHandler):
    """What some middleboxes do: answer anything with bytes that mean nothing, and hold
    the connection open, so only the client's own time limit can end its wait."""

    def handle(self) -> None:
        self.request.sendall(b"\xff" * 64)
        _RELEASE.wait()


@pytest.fixture(params=["http", "garbage"])
def not_dask(request: pytest.FixtureRequest) -> Iterator[str]:
    """A local port that answers, but not as a Dask scheduler."""
    server: socketserver.ThreadingTCPServer
    if request.param == "http":
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    else:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Garbage)
    server.daemon_threads = True
    _RELEASE.clear()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        _RELEASE.set()
        server.shutdown()
        server.server_close()


def test_a_port_that_is_not_a_dask_scheduler_exits_2_when_the_time_limit_passes(
    not_dask: str,
) -> None:
    done = fiveguard(
        "simulate", str(EXAMPLE), "--scheduler", not_dask, "--scheduler-timeout", str(LIMIT)
    )
    assert_clean_failure(done, f"cannot reach the Dask scheduler at '{not_dask}'")


@pytest.mark.parametrize("seconds", ["0", "-1", "inf"])
def test_a_time_limit_that_is_not_a_positive_number_exits_2(seconds: str) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", str(EXAMPLE), "--scheduler", "tcp://h:1", "--scheduler-timeout", seconds],
    )
    assert result.exit_code == 2
    assert "--scheduler-timeout: expected a positive number of seconds" in result.stderr


# ---------------------------------------------------------------------------- address format


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("tcp://10.0.0.1:8786", "tcp://10.0.0.1:8786"),
        (" scheduler:8786 ", "tcp://scheduler:8786"),
        ("tls://sched.example.org:8786/", "tls://sched.example.org:8786"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
    ],
)
def test_scheduler_addresses_are_tcp_or_tls_with_a_port(text: str, address: str) -> None:
    assert scheduler_address(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "nonsense",
        "tcp://",
        "tcp://host",
        "tcp://host:port",
        "tcp://host:0",
        "tcp://host:70000",
        "udp://host:8786",
        "http://host:8786",
        "tcp://user@host:8786",
        "tcp://host:8786/path",
        "inproc://10.0.0.1/1/1",
    ],
)
def test_other_addresses_are_input_errors(text: str) -> None:
    with pytest.raises(InputError, match="is not a Dask scheduler address"):
        scheduler_address(text)


def test_in_process_addresses_are_for_callers_in_the_same_process_only() -> None:
    assert scheduler_address("inproc://10.0.0.1/1/1", in_process=True) == "inproc://10.0.0.1/1/1"
