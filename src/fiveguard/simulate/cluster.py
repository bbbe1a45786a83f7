"""Running trial batches on a Dask distributed cluster.

Given a scheduler address, the client is made here, in its own event loop, and closed
here: the address is checked first (``tcp://HOST:PORT``, ``tls://HOST:PORT`` or
``HOST:PORT``), connecting and the handshake together get a time limit
(:data:`CONNECT_TIMEOUT` seconds unless told otherwise), and anything going wrong with
the cluster (an address nobody answers, a server that is not a Dask scheduler, a
scheduler without workers, workers that cannot import fiveguard, a connection lost
half-way) is an :class:`InputError` naming the address; a half-made client is closed
quietly. An exception raised by the simulation itself on a
worker is a bug and is raised as it is.

A ``distributed.Client`` made by the caller can be given instead; it is used as it is
(synchronous clients only) and left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.engines import Batch, Progress, run_batch
from fiveguard.simulate.metrics import TrialImpacts
from fiveguard.simulate.sources import EventSources

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = 10.0
"""Seconds allowed for connecting to a scheduler and completing the Dask handshake."""
CLOSE_TIMEOUT = 2.0
"""Seconds allowed for closing a client before it is abandoned."""
SCHEMES = ("tcp", "tls")
ADDRESS_HELP = "tcp://HOST:PORT, tls://HOST:PORT or HOST:PORT (e.g. tcp://scheduler:8786)"
OPTION = "--scheduler"


def scheduler_address(text: str, *, in_process: bool = False) -> str:
    """``text`` as a Dask scheduler address (``HOST:PORT`` becomes ``tcp://HOST:PORT``).

    Raises InputError when it is not ``tcp://HOST:PORT``, ``tls://HOST:PORT`` or
    ``HOST:PORT`` with a port from 1 to 65535. ``inproc://`` addresses (a cluster in this
    very process) are accepted only with ``in_process``: never from the command line.
    """
    raw = text.strip()
    if in_process and raw.startswith("inproc://"):
        return raw
    full = raw if "://" in raw else f"tcp://{raw}"
    problem = f"{raw!r} is not a Dask scheduler address; expected {ADDRESS_HELP}"
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        raise InputError.at(problem, file=COMMAND_LINE, path=OPTION) from None
    if (
        parts.scheme not in SCHEMES
        or not parts.hostname
        or port is None
        or port == 0
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise InputError.at(problem, file=COMMAND_LINE, path=OPTION)
    return f"{parts.scheme}://{parts.netloc}"


def run_on_cluster(
    compiled: CompiledNetwork,
    sources: EventSources,
    seed: int,
    batches: list[Batch],
    scheduler: str | Client,
    report: Progress,
    timeout: float = CONNECT_TIMEOUT,
) -> list[TrialImpacts]:
    """The impacts of ``batches``, in order, run on a Dask cluster (see the module).

    ``timeout``: seconds allowed for connecting to ``scheduler`` (an address) and the
    handshake.
    """
    if not isinstance(scheduler, str):
        return _with_client(compiled, sources, seed, batches, scheduler, report)
    address = scheduler_address(scheduler, in_process=True)
    if not (0 < timeout < float("inf")):
        raise InputError.at(
            f"the time limit must be a positive number of seconds, got {timeout:g}",
            file=COMMAND_LINE,
            path="--scheduler-timeout",
        )
    job = _with_address(compiled, sources, seed, batches, address, report, timeout)
    return _run_coroutine(job)


# ---------------------------------------------------------------------------- by address


async def _with_address(
    compiled: CompiledNetwork,
    sources: EventSources,
    seed: int,
    batches: list[Batch],
    address: str,
    report: Progress,
    timeout: float,
) -> list[TrialImpacts]:
    from distributed import as_completed

    client = await _connect(address, timeout)
    try:
        shared = await client.scatter([compiled, sources], broadcast=True)
        futures = [
            client.submit(run_batch, shared[0], shared[1], seed, b, pure=False) for b in batches
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        completed = as_completed(futures, loop=client.loop, raise_errors=False)  # type: ignore[no-untyped-call]
        async for future in completed:
            if future.status == "error":
                _raise_task_error(address, await future.exception())
            report(batches[index[future.key]].trials)
        results: list[TrialImpacts] = await client.gather(futures)
        return results
    except InputError:
        raise
    except _TaskError as error:
        raise error.original from None
    except Exception as exc:  # the cluster failed while running
        raise _failed(address, exc) from None
    finally:
        await _close_quietly(client)


async def _connect(address: str, timeout: float) -> Any:
    """An asynchronous client of the scheduler at ``address``, past the handshake.

    The client's own ``timeout`` covers making the connection only; a server that accepts
    it and never answers the handshake is caught by ``wait_for``. Whatever goes wrong, the
    half-made client is closed quietly.
    """
    from distributed import Client

    client: Any = None
    try:
        with _quiet_logs():
            client = Client(  # type: ignore[no-untyped-call]
                address, asynchronous=True, set_as_default=False, timeout=timeout
            )
            await asyncio.wait_for(client, timeout)
        return client
    except BaseException as exc:
        if client is not None:
            await _close_quietly(client)
        if isinstance(exc, TimeoutError):
            why = (
                f"no Dask handshake within {timeout:g} s "
                "(nothing listens there, or it is not a Dask scheduler)"
            )
            raise _unreachable(address, why) from None
        if isinstance(exc, Exception):  # any failure to connect is the address's fault
            why = f"{_describe(exc)} (is it a Dask scheduler of a compatible version?)"
            raise _unreachable(address, why) from None
        raise


async def _close_quietly(client: Any) -> None:
    with _quiet_logs(), contextlib.suppress(Exception):
        await asyncio.wait_for(client.close(timeout=CLOSE_TIMEOUT), CLOSE_TIMEOUT)


def _run_coroutine(coroutine: Coroutine[Any, Any, list[TrialImpacts]]) -> list[TrialImpacts]:
    """Run ``coroutine`` in a new event loop: here, or in a helper thread when this thread
    already runs one (a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# ---------------------------------------------------------------------------- given client


def _with_client(
    compiled: CompiledNetwork,
    sources: EventSources,
    seed: int,
    batches: list[Batch],
    client: Client,
    report: Progress,
) -> list[TrialImpacts]:
    from distributed import as_completed

    # distributed has no type hints: its client is handled as Any here
    own: Any = client
    address = str(own.scheduler.address)
    try:
        shared: list[Any] = own.scatter([compiled, sources], broadcast=True)
        futures = [
            own.submit(run_batch, shared[0], shared[1], seed, b, pure=False) for b in batches
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        # the loop of this client, not the default client's (there may be none)
        for future in as_completed(futures, loop=own.loop, raise_errors=False):  # type: ignore[no-untyped-call]
            if future.status == "error":
                _raise_task_error(address, future.exception())
            report(batches[index[future.key]].trials)
        results: list[TrialImpacts] = own.gather(futures)
        return results
    except InputError:
        raise
    except _TaskError as error:
        raise error.original from None
    except Exception as exc:
        raise _failed(address, exc) from None


# ---------------------------------------------------------------------------- errors


class _TaskError(Exception):
    """A batch raised on a worker: a bug of the simulation, re-raised as it is."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def _raise_task_error(address: str, exc: BaseException) -> None:
    if isinstance(exc, ImportError):
        raise InputError.at(
            f"the Dask workers of {address} cannot run fiveguard ({_describe(exc)}); "
            "install the same fiveguard on the workers",
            file=COMMAND_LINE,
            path=OPTION,
        )
    raise _TaskError(exc)


def _unreachable(address: str, why: str) -> InputError:
    return InputError.at(
        f"cannot reach the Dask scheduler at {address!r}: {why}", file=COMMAND_LINE, path=OPTION
    )


def _failed(address: str, exc: BaseException) -> InputError:
    return InputError.at(
        f"the Dask cluster at {address!r} failed while running the trials: {_describe(exc)}",
        file=COMMAND_LINE,
        path=OPTION,
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Keep distributed's own log lines (tracebacks of a failed handshake) off stderr;
    what went wrong is reported once, as an InputError."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)
