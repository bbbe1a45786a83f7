"""Web app under load: 200 concurrent clients for 60 s against ``fiveguard serve`` on
loopback, on SQLite and on PostgreSQL, with zero errors expected.

Each client signs in (Argon2id), then loops over a mix of requests: reads of the API
(me, model versions, assessment runs, operator parts, one model), a new sign-in now and
then, and an assessment submission now and then (a real background job on the demo
model). Latency is measured per request, from the client; p50 and p95 per kind,
throughput, and every error (status other than the expected one, or a failed request).

Reference in the same run: the same clients fetching a static file from the same server
for 15 s — the floor of the server, the client and the loopback on this machine, with no
database or policy behind it.

Server and clients share the machine (2 cores here, with other work on it): the figures
are a conservative floor, not a capacity plan.

Run: .venv/bin/python benchmarks/bench_web.py [--clients 200] [--seconds 60] [--backend both]
Writes benchmarks/out/bench_web.json and prints the lines for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"
FIVEGUARD = Path(sys.executable).parent / "fiveguard"
PASSWORD = "load test pass phrase 2026"
POSTGRES_ADMIN = os.environ.get(
    "FIVEGUARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
USERS = [
    f"{org}.{role}"
    for org in ("xr-xcsa", "xtel", "meridian", "nova")
    for role in ("viewer", "analyst", "signing-officer", "org-admin")
]
SUBMITTERS = {u for u in USERS if u.endswith((".analyst", ".signing-officer", ".org-admin"))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_url() -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS fiveguard_bench_web WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE fiveguard_bench_web"))
    engine.dispose()
    return make_url(POSTGRES_ADMIN).set(database="fiveguard_bench_web").render_as_string(False)


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, FIVEGUARD_DEMO_PASSWORD=PASSWORD)
    server = subprocess.Popen(
        [str(FIVEGUARD), "serve", "--demo", "--database", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2).is_success:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(
        f"the server did not start: {server.stderr.read().decode() if server.stderr else ''}"
    )


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latency[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {detail}")


async def timed(tally: Tally, kind: str, call, expect: int) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        answer = await call
    except httpx.HTTPError as exc:
        tally.record(kind, time.perf_counter() - start, False, repr(exc))
        return None
    tally.record(
        kind,
        time.perf_counter() - start,
        answer.status_code == expect,
        f"{answer.status_code} {answer.text[:120]}",
    )
    return answer


async def sign_in(client: httpx.AsyncClient, tally: Tally, user: str) -> str | None:
    answer = await timed(
        tally,
        "sign-in",
        client.post("/api/v1/session", json={"username": user, "password": PASSWORD}),
        200,
    )
    if answer is None or answer.status_code != 200:
        return None
    # the cookie is Secure; an HTTP client sends it over plain HTTP only when told to
    (name, value), *_ = answer.cookies.items()
    client.headers["Cookie"] = f"{name}={value}"
    return str(answer.json()["csrf_token"])


async def one_client(base: str, index: int, stop: float, tally: Tally, snapshot: int) -> None:
    rng = random.Random(index)
    user = USERS[index % len(USERS)]
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        csrf = await sign_in(client, tally, user)
        reads = ["/api/v1/me", "/api/v1/models", "/api/v1/assessments", "/api/v1/slices"]
        if user.startswith("xr-xcsa"):
            reads.append(f"/api/v1/models/{snapshot}")
        while time.monotonic() < stop:
            roll = rng.random()
            if roll < 0.02:
                csrf = await sign_in(client, tally, user)
            elif roll < 0.03 and user in SUBMITTERS and user.startswith("xr-xcsa") and csrf:
                await timed(
                    tally,
                    "submit assessment",
                    client.post(
                        "/api/v1/assessments",
                        json={"snapshot_id": snapshot},
                        headers={"X-CSRF-Token": csrf},
                    ),
                    202,
                )
            else:
                await timed(tally, "read", client.get(rng.choice(reads)), 200)


async def static_client(base: str, stop: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while time.monotonic() < stop:
            await timed(tally, "static file", client.get("/static/web.css"), 200)


def summary(tally: Tally, seconds: float) -> dict[str, object]:
    rows = {}
    for kind, values in sorted(tally.latency.items()):
        ordered = sorted(values)
        rows[kind] = {
            "requests": len(values),
            "p50_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "errors": tally.errors.get(kind, 0),
        }
    total = sum(len(v) for v in tally.latency.values())
    return {
        "kinds": rows,
        "throughput_rps": total / seconds,
        "requests": total,
        "errors": sum(tally.errors.values()),
        "examples": tally.examples,
    }


async def load(base: str, clients: int, seconds: float, snapshot: int) -> dict[str, object]:
    tally = Tally()
    stop = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(one_client(base, i, stop, tally, snapshot) for i in range(clients)))
    return summary(tally, time.monotonic() - started)


async def floor(base: str, clients: int, seconds: float) -> dict[str, object]:
    tally = Tally()
    stop = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(static_client(base, stop, tally) for _ in range(clients)))
    return summary(tally, time.monotonic() - started)


def run_backend(
    name: str, url: str, clients: int, seconds: float, floor_seconds: float
) -> dict[str, object]:
    port = free_port()
    server = start_server(url, port)
    base = f"http://localhost:{port}"
    try:
        result = {"backend": name, "load": asyncio.run(load(base, clients, seconds, 1))}
        result["static_floor"] = asyncio.run(floor(base, clients, floor_seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def table(result: dict[str, object]) -> str:
    lines = [
        f"**{result['backend']}**: {result['load']['requests']:,} requests, "  # type: ignore[index]
        f"{result['load']['throughput_rps']:.0f} requests/s, errors: {result['load']['errors']}",  # type: ignore[index]
        "",
        "| requests | count | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for part in ("load", "static_floor"):
        for kind, row in result[part]["kinds"].items():  # type: ignore[index]
            cells = (row["requests"], f"{row['p50_ms']:.0f}", f"{row['p95_ms']:.0f}", row["errors"])
            lines.append(f"| {kind} | {cells[0]:,} | {cells[1]} | {cells[2]} | {cells[3]} |")
    floor_rps = result["static_floor"]["throughput_rps"]  # type: ignore[index]
    lines.append(f"\nStatic-file floor in the same run: {floor_rps:.0f} requests/s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor-seconds", type=float, default=15)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    results = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as work:
            url = f"sqlite:///{work}/fiveguard.db"
            results.append(
                run_backend("SQLite", url, args.clients, args.seconds, args.floor_seconds)
            )
    if args.backend in ("postgresql", "both"):
        results.append(
            run_backend(
                "PostgreSQL", postgres_url(), args.clients, args.seconds, args.floor_seconds
            )
        )
    OUT.mkdir(exist_ok=True)
    report = {
        "machine": describe_machine(),
        "clients": args.clients,
        "seconds": args.seconds,
        "results": results,
    }
    (OUT / "bench_web.json").write_text(json.dumps(report, indent=1))
    print(machine_markdown())
    print(f"{args.clients} clients, {args.seconds:.0f} s each\n")
    for result in results:
        print(table(result))
        print()
        if result["load"]["examples"]:  # type: ignore[index]
            print("first errors:", result["load"]["examples"])  # type: ignore[index]


if __name__ == "__main__":
    main()
