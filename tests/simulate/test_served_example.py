"""The hand-worked examples of docs/simulation.md on who is served (wireline access and
older networks, MVNOs) and on changes pushed and limits reached, read from the page: the
engine and the reference oracle give their figures."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from oracle import Oracle
from test_simulate_cli import DOC, events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model


def example(tmp_path: Path, name: str) -> Path:
    """The model after ``<!-- NAME-example-model -->`` in docs/simulation.md, as a file."""
    text = DOC.read_text(encoding="utf-8").split(f"<!-- {name}-example-model -->", 1)[1]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    return path


def served_example(tmp_path: Path) -> Path:
    return example(tmp_path, "served")


def test_the_model_of_the_example_is_valid(tmp_path: Path) -> None:
    code, out, err = run("validate", str(served_example(tmp_path)))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_wireline_customers_never_roam_and_count_with_the_mobile_ones(tmp_path: Path) -> None:
    path = served_example(tmp_path)
    rows = table_after("<!-- served-example-whatif -->")
    assert len(rows) == 5
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


def mvno_example(tmp_path: Path) -> Path:
    return example(tmp_path, "mvno")


def test_the_mvno_example_is_valid(tmp_path: Path) -> None:
    code, out, err = run("validate", str(mvno_example(tmp_path)))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_an_mvnos_customers_fail_and_roam_with_its_hosts_network(tmp_path: Path) -> None:
    path = mvno_example(tmp_path)
    rows = table_after("<!-- mvno-example-whatif -->")
    assert len(rows) == 4
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    operators = ("op-h", "mvno-v", "op-p")
    for events, *figures in rows:
        people, *per_operator, assets, sites = (int(x) for x in figures)
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        got = (data["people_without_service"], data["assets_down"], data["sites_down"])
        assert got == (people, assets, sites), events
        by_operator = [data["by_operator"][o]["people_without_service"] for o in operators]
        assert by_operator == per_operator, events
        expected = oracle.impact(events_of(args))
        assert [expected.by_operator[o]["people_without_service"] for o in operators] == (
            per_operator
        ), events
        assert expected.national["people_without_service"] == people, events


def test_a_pushed_change_or_a_reached_limit_takes_a_whole_pool_down(tmp_path: Path) -> None:
    path = example(tmp_path, "push")
    code, out, err = run("validate", str(path))
    assert code == 0 and "warning" not in (out + err).lower(), out + err
    rows = table_after("<!-- push-example-whatif -->")
    assert len(rows) == 5
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, *figures in rows:
        expected = [int(x) for x in figures]
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert [data[k] for k in ("people_without_service", "assets_down", "sites_down")] == (
            expected
        ), events
        national = oracle.impact(events_of(args)).national
        assert [national[k] for k in ("people_without_service", "assets_down", "sites_down")] == (
            expected
        ), events


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("change-push:op-a", "a change push names OPERATOR/SELECTOR"),
        ("change-push:op-x/transport.ipcore", "unknown operator 'op-x'; known operators: op-a"),
        ("change-push:op-a/core.smf", "'core.smf' is not an asset kind of the model, a product"),
        ("change-push:op-a/edge@9", "product edge has no version '9'"),
        ("limit-reached:op-a/transport.ipcore", "'transport.ipcore' is not a product"),
    ],
)
def test_a_push_or_limit_naming_nothing_known_exits_2(
    tmp_path: Path, event: str, message: str
) -> None:
    path = example(tmp_path, "push")
    code, _, err = run("whatif", str(path), "-e", event)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_durations_user_hours_and_thresholds_are_those_of_the_docs(tmp_path: Path) -> None:
    path = example(tmp_path, "push")
    rows = table_after("<!-- time-example -->")
    assert len(rows) == 4
    for events, hours, user_hours, crossed in rows:
        code, out, err = run("whatif", str(path), *shlex.split(events), "--json")
        assert code == 0, err
        time = json.loads(out)["time"]
        assert time["hours"] == float(hours), events
        assert time["user_hours"] == float(user_hours), events
        names = [f"{c['threshold']} ({c['who']})" for c in time["reporting"]]
        assert (", ".join(names) or "none") == crossed, events
        assert sum(time["user_hours_by_operator"].values()) == float(user_hours), events
