"""Loaded by every Python process started with this directory on PYTHONPATH (the SBOM
tools in the evidence tests): refuses every network connection and name lookup at the
socket level, and logs each attempt to the file named by FIVEGUARD_NETWORK_LOG.

Proxy variables pointing at a closed port stop only clients that honour them; this stops
every client, whatever its proxy settings.
"""

from __future__ import annotations

import os
import socket
from typing import Any, NoReturn

_LOG = os.environ.get("FIVEGUARD_NETWORK_LOG", os.devnull)
_LOCAL = (socket.AF_UNIX,) if hasattr(socket, "AF_UNIX") else ()


def _log(line: str) -> None:
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {line}\n")


def _refuse(what: str, target: object) -> NoReturn:
    _log(f"refused {what} {target!r}")
    raise OSError(f"network access refused by the test guard: {what} {target!r}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in _LOCAL:
        return _connect(self, address)
    _refuse("connect", address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in _LOCAL:
        return _connect_ex(self, address)
    _refuse("connect", address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> NoReturn:
    _refuse("name lookup", host)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo
socket.gethostbyname = lambda host: _refuse("name lookup", host)
_log("guard active")
