"""Evidence readers under attack: inputs crafted to crash, hang or exhaust a reader.

Each must end in located problems (exit code 2 at the command line), in bounded time and
memory, with nothing written. Where time is the point, the attack runs in a subprocess
under a generous hang guard: the test fails on a hang, never on a measured duration.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
import yaml
from evidence_samples import cdx_of

from fiveguard.modelio.jsonsource import JsonLocator

# ---------------------------------------------------------------------------- locating


def _large_sbom(components: int) -> str:
    return json.dumps(
        cdx_of(
            *(
                {
                    "bom-ref": f"c{i}",
                    "name": f"lib{i}",
                    "version": "1.0",
                    "purl": f"pkg:pypi/x{i}@1",
                }
                for i in range(components)
            )
        ),
        indent=2,
    )


def test_locating_a_field_does_not_parse_the_document_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _large_sbom(2000)

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("the whole document was parsed again to locate one field")

    monkeypatch.setattr(yaml, "compose", refuse)
    location = JsonLocator(text, "big.json").locate(("components", 1999, "purl"))
    line = text.splitlines()[(location.line or 0) - 1]
    assert line[(location.col or 0) - 1 :] == '"pkg:pypi/x1999@1"'


def test_locating_a_field_of_a_large_sbom_costs_little_memory() -> None:
    text = _large_sbom(5000)
    locator = JsonLocator(text, "big.json")
    tracemalloc.start()
    try:
        first = locator.locate(("components", 4999, "purl"))
        again = locator.locate(("components", 17, "version"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.line is not None and again.line is not None
    # the offsets of the members of the containers walked through, not a parsed copy
    assert peak < len(text) // 8, f"{peak:,} bytes to locate in {len(text):,} characters"
