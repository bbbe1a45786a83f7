"""Fixtures for the evidence tests: rules, OSV fixtures, hand-written and tool-made SBOMs.

Real SBOMs are made in the test run by real tools on this test environment:
``cyclonedx-py environment`` (CycloneDX 1.4, 1.5, 1.6; JSON and XML) and ``sbom4python``
(SPDX 2.3 tag-value and JSON). Both are dev extras. sbom4python would ask PyPI for package
metadata, so both tools run offline: every proxy variable (either case) points at a closed
local port, and ``offline/sitecustomize.py`` refuses every connection and name lookup at
the socket level in the tools' processes, logging each attempt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import EvidenceRules

BIN = Path(sys.executable).parent
OFFLINE_GUARD = Path(__file__).parent / "offline"
CLOSED_PORT = "http://127.0.0.1:9"  # discard: nothing listens there


@pytest.fixture(scope="session")
def rules() -> EvidenceRules:
    return default_catalogue().evidence_rules


# ---------------------------------------------------------------------------- tool-made


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return path


@pytest.fixture(scope="session")
def offline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """An environment for tools that must not reach the network, and its attempt log."""
    log = tmp_path_factory.mktemp("network") / "attempts.log"
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY"):
        env[name] = ""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        env[name] = env[name.upper()] = CLOSED_PORT
    previous = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(OFFLINE_GUARD) + (os.pathsep + previous if previous else "")
    env["FIVEGUARD_NETWORK_LOG"] = str(log)
    return env, log


@pytest.fixture(scope="session")
def tool_sboms(
    tmp_path_factory: pytest.TempPathFactory, offline: tuple[dict[str, str], Path]
) -> dict[str, Path]:
    """SBOMs of this test environment made by real tools, offline, keyed by format name."""
    out = tmp_path_factory.mktemp("tool-sboms")
    env, _ = offline
    cyclonedx = _tool("cyclonedx-py")
    made: dict[str, Path] = {}
    for version in ("1.4", "1.5", "1.6"):
        for fmt in ("JSON", "XML"):
            target = out / f"env-{version}.cdx.{fmt.lower()}"
            subprocess.run(
                [
                    str(cyclonedx),
                    "environment",
                    sys.executable,
                    "--sv",
                    version,
                    "--of",
                    fmt,
                    "--no-validate",
                    "--output-reproducible",
                    "-o",
                    str(target),
                ],
                check=True,
                capture_output=True,
                env=env,
            )
            made[f"cyclonedx-{version}-{fmt.lower()}"] = target
    sbom4python = _tool("sbom4python")
    for fmt, suffix in (("tag", "spdx"), ("json", "spdx.json")):
        target = out / f"typer.{suffix}"
        subprocess.run(
            [str(sbom4python), "-m", "typer", "--sbom", "spdx", "--format", fmt, "-o", str(target)],
            check=True,
            capture_output=True,
            env=env,
            timeout=120,
        )
        made[f"spdx-{fmt}"] = target
    return made
