"""The wireline and 2G/3G example of docs/simulation.md ("Wireline access and older
networks"), read from the page: the engine and the reference oracle give its figures."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from oracle import Oracle
from test_simulate_cli import DOC, events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model


def served_example(tmp_path: Path) -> Path:
    text = DOC.read_text(encoding="utf-8").split("<!-- served-example-model -->", 1)[1]
    path = tmp_path / "model.yaml"
    path.write_text(text.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    return path


def test_the_model_of_the_example_is_valid(tmp_path: Path) -> None:
    code, out, err = run("validate", str(served_example(tmp_path)))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_wireline_customers_never_roam_and_count_with_the_mobile_ones(tmp_path: Path) -> None:
    path = served_example(tmp_path)
    rows = table_after("<!-- served-example-whatif -->")
    assert len(rows) == 4
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, *figures in rows:
        people, op_f, op_m, assets, sites = (int(x) for x in figures)
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert (data["people_without_service"], data["assets_down"], data["sites_down"]) == (
            people,
            assets,
            sites,
        ), events
        by_operator = data["by_operator"]
        assert by_operator["op-f"]["people_without_service"] == op_f, events
        assert by_operator["op-m"]["people_without_service"] == op_m, events
        expected = oracle.impact(events_of(args))
        assert expected.national["people_without_service"] == people, events
        assert expected.by_operator["op-f"]["people_without_service"] == op_f, events
        assert (expected.national["assets_down"], expected.national["sites_down"]) == (
            assets,
            sites,
        ), events
