"""Fuzzing the assessment reader behind ``compare`` and ``assess --previous``: whatever the
bytes, the outcome is an assessment or located problems, never a traceback."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.assess.assessment import assess
from fiveguard.compare.read import read_assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def document(catalogue: Catalogue) -> dict[str, Any]:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    data: dict[str, Any] = json.loads(assess(model, catalogue, whatif=False).model_dump_json())
    return data


def _read(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assessment.json"
        path.write_bytes(raw)
        try:
            read_assessment(path, "assessment.json")
        except InputError as exc:
            assert exc.problems
            assert all(p.location.file == "assessment.json" for p in exc.problems)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_are_an_assessment_or_located_problems(raw: bytes) -> None:
    _read(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_assessment_gives_located_problems(document: dict[str, Any], data) -> None:
    damaged = json.loads(json.dumps(document))
    section = data.draw(st.sampled_from(sorted(damaged)))
    target = damaged[section]
    if isinstance(target, dict) and target:
        key = data.draw(st.sampled_from(sorted(target)))
        target[key] = data.draw(JSON)
    else:
        damaged[section] = data.draw(JSON)
    _read(json.dumps(damaged, indent=1).encode())
