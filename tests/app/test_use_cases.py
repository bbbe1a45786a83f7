"""The use cases of fiveguard.app as the web app will call them: inputs in, results out,
the model's problems in the result rather than printed; and the layer itself never
reaches up into the command line."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from fiveguard.app.evidence import import_sbom
from fiveguard.app.simulation import monte_carlo, parse_events, what_if
from fiveguard.app.validation import validate_model
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.modelio.load import load_model
from fiveguard.simulate.events import Mode

SMALL = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
APP = Path(__file__).parents[2] / "src" / "fiveguard" / "app"


def test_the_use_cases_never_import_the_command_line() -> None:
    for module in sorted(APP.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.startswith("fiveguard.cli") for n in names), module.name


def test_validation_returns_the_problems_instead_of_raising(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    found = validate_model(SMALL, catalogue)
    assert found.valid and found.summary is not None and found.summary.country == "XS"
    broken = tmp_path / "model.yaml"
    broken.write_text(SMALL.read_text().replace("fiveguard: 1", "fiveguard: 7"))
    refused = validate_model(broken, catalogue)
    assert not refused.valid and refused.summary is None
    assert refused.problems == refused.refused_for
    assert "unsupported format version 7" in str(refused.problems[0])


def test_events_are_parsed_together_and_unused_options_named() -> None:
    parsed = parse_events(["supplier-update:nordvik"], mode=None, hours=3.0)
    assert [e.type.value for e in parsed.events] == ["supplier-update"]
    assert parsed.unused == ("--hours applies to region-power events only, and none was given",)
    with pytest.raises(InputError) as caught:
        parse_events(["nothing", "also:bad"], mode=Mode.SABOTAGE, hours=None)
    assert len(caught.value.problems) == 2


def test_what_if_and_monte_carlo_take_a_loaded_model(catalogue: Catalogue) -> None:
    model = load_model(SMALL, catalogue)
    events = parse_events(["supplier-update:nordvik"], mode=Mode.SABOTAGE, hours=None).events
    assert what_if(model, catalogue, events).assets_down > 0
    first = monte_carlo(model, catalogue, 64, 5)
    again = monte_carlo(model, catalogue, 64, 5, workers=2)
    assert first.model_dump_json() == again.model_dump_json()


def test_an_sbom_read_without_a_model_is_not_recorded(catalogue: Catalogue, tmp_path: Path) -> None:
    sbom = tmp_path / "amf.cdx.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.5",
                "components": [{"type": "library", "name": "zlib", "version": "1.2.13"}],
            }
        )
    )
    done = import_sbom("nv-amf@5.2", sbom, catalogue)
    assert done.written is None and done.stale == ()
    assert [c.name for c in done.record.all_components()] == ["zlib"]
    with pytest.raises(InputError, match="expected PRODUCT@VERSION"):
        import_sbom("nv-amf", sbom, catalogue)
