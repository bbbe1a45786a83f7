"""``fiveguard whatif`` and ``fiveguard simulate`` as a user runs them, and the worked
example of docs/simulation.md, read from the page itself."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from oracle import Oracle
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.catalog import default_catalogue
from fiveguard.cli.app import app
from fiveguard.modelio.load import load_model
from fiveguard.simulate.events import Event, Mode, parse_event

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "small" / "model.yaml"
DEMO = ROOT / "src" / "fiveguard" / "examples" / "demo" / "model.yaml"
DOC = ROOT / "docs" / "simulation.md"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def test_whatif_json_has_the_impact_fields() -> None:
    code, out, _ = run("whatif", str(EXAMPLE), "--event", "product-fault:nv-amf@5.2", "--json")
    assert code == 0
    data = json.loads(out)
    for name in (
        "people_without_service",
        "subscribers_exposed",
        "assets_down",
        "assets_compromised",
        "sites_down",
        "by_operator",
        "by_region",
        "critical_services",
    ):
        assert name in data
    assert data["events"] == ["product-fault:nv-amf@5.2"]
    assert data["assets_down"] > 0
    assert set(data["by_operator"]) == {"op-a", "op-b"}


def test_whatif_prints_tables_on_the_terminal() -> None:
    code, out, _ = run(
        "whatif", str(EXAMPLE), "-e", "supplier-update:eastwave", "--mode", "sabotage"
    )
    assert code == 0
    assert "supplier-update:eastwave (sabotage)" in out and "national" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "supplier-update"], "malformed event"),
        (["-e", "meteor:XS-N"], "unknown event type 'meteor'"),
        (["-e", "supplier-update:acme"], "unknown supplier 'acme'"),
        (["-e", "product-fault:nv-amf@7"], "has no version '7'"),
        (["-e", "asset-down:nowhere"], "unknown asset 'nowhere'"),
        (["-e", "region-power:XS-N"], "needs --hours"),
        (["-e", "region-power:XS-N", "--hours", "-1"], "positive, finite number"),
        (["-e", "supplier-update:nordvik", "--mode", "chaos"], "chaos"),
    ],
)
def test_bad_events_exit_2_with_a_message_and_no_traceback(args: list[str], message: str) -> None:
    code, out, err = run("whatif", str(EXAMPLE), *args)
    assert code == 2
    assert message in out + err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (["-e", "product-fault:nv-amf@5.2", "--hours", "6"], "warning: --hours applies to "),
        (["-e", "asset-down:op-a.upf", "--mode", "sabotage"], "warning: --mode applies to "),
    ],
)
def test_an_option_with_no_event_to_apply_to_is_ignored_with_a_warning(
    args: list[str], warning: str
) -> None:
    code, out, err = run("whatif", str(EXAMPLE), *args, "--json")
    assert code == 0
    assert warning in err and "it is ignored" in err
    assert json.loads(out)["assets_down"] > 0


def test_cluster_options_with_no_effect_are_ignored_with_a_warning() -> None:
    args = ("simulate", str(EXAMPLE), "--trials", "64", "--json")
    code, out, err = run(*args, "--workers", "1", "--scheduler-timeout", "3")
    assert code == 0 and json.loads(out)["trials"] == 64
    assert "warning: --scheduler-timeout applies with --scheduler only" in err
    assert "--workers" not in err
    # an unreachable scheduler still fails, after saying --workers is not used
    unreachable = ("--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "1")
    code, _, err = run(*args, "--workers", "2", *unreachable)
    assert code == 2
    assert "warning: --workers applies to local processes only" in err
    assert "cannot reach the Dask scheduler" in err


def test_options_that_apply_give_no_warning() -> None:
    code, _, err = run(
        "whatif",
        str(EXAMPLE),
        *("-e", "region-power:XS-N", "--hours", "6"),
        *("-e", "supplier-update:nordvik", "--mode", "sabotage"),
    )
    assert code == 0 and "warning" not in err


def test_simulate_json_has_distributions_and_every_event_source() -> None:
    code, out, _ = run(
        "simulate", str(EXAMPLE), "--trials", "600", "--seed", "3", "--workers", "1", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["trials"] == 600 and data["seed"] == 3
    people = data["distributions"]["people_without_service"]
    assert set(people) == {"mean", "p50", "p95", "p99", "max", "exceedance"}
    assert people["p50"] <= people["p95"] <= people["p99"] <= people["max"]
    assert all(0 <= e["probability"] <= 1 for e in people["exceedance"])
    sources = {e["source"] for e in data["events"]}
    assert "supplier-update:eastwave" in sources and "region-power:XS-N" in sources
    update = next(e for e in data["events"] if e["source"] == "supplier-update:eastwave")
    assert update["annual_probability"] > 0 and update["derivation"] and update["variants"]


def test_simulate_gives_the_same_json_whatever_the_workers() -> None:
    args = ("simulate", str(EXAMPLE), "--trials", "700", "--seed", "5", "--json")
    _, one, _ = run(*args, "--workers", "1")
    _, two, _ = run(*args, "--workers", "2")
    assert json.loads(one) == json.loads(two)


def test_simulate_prints_a_summary_on_the_terminal() -> None:
    code, out, _ = run("simulate", str(EXAMPLE), "--trials", "300", "--workers", "1")
    assert code == 0
    assert "300 simulated years" in out and "Event sources contributing most" in out


@pytest.mark.parametrize("trials", ["0", "-5"])
def test_zero_or_negative_trials_exit_2(trials: str) -> None:
    code, out, err = run("simulate", str(EXAMPLE), "--trials", trials)
    assert code == 2
    assert "--trials" in out + err


def test_an_unreachable_scheduler_exits_2() -> None:
    code, out, err = run(
        "simulate",
        str(EXAMPLE),
        "--trials",
        "10",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--scheduler-timeout",
        "1",
    )
    assert code == 2
    assert "cannot reach the Dask scheduler" in out + err
    assert "Traceback" not in out + err


def test_simulate_prints_the_share_of_each_critical_service_hit(tmp_path: Path) -> None:
    code, out, _ = run("simulate", str(DEMO), "--trials", "256", "--workers", "1")
    assert code == 0
    assert "Critical services: annual probability that any carrying asset" in out
    assert "emergency-calls" in out and "≥10%/yr" in out


def test_text_from_the_model_and_catalogue_prints_as_written(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "name: Nordvik Networks", 'name: "Nordvik [/bold] Networks"'
    )
    assert "Nordvik [/bold] Networks" in text
    (tmp_path / "model.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "sites.csv").write_text((EXAMPLE.parent / "sites.csv").read_text())
    override = tmp_path / "catalogue.yaml"
    override.write_text("simulation:\n  source: 'Editorial [red]defaults[/] [link=x]'\n")
    model = tmp_path / "model.yaml"
    code, out, err = run(
        "--catalog", str(override), "simulate", str(model), "--trials", "64", "--workers", "1"
    )
    assert code == 0, err
    assert "Parameters: Editorial [red]defaults[/] [link=x]" in out
    # the demo's table of supplier events names each supplier
    from fiveguard.catalog import default_catalogue
    from fiveguard.cli.app import console
    from fiveguard.cli.simulate import demo_simulation, print_demo_simulation
    from fiveguard.modelio.load import load_model

    catalogue = default_catalogue()
    result, worst, _ = demo_simulation(load_model(model, catalogue), catalogue)
    width = console.width
    console.width = 200  # wide enough that no cell folds
    try:
        with console.capture() as captured:
            print_demo_simulation(result, worst, top=len(worst))
    finally:
        console.width = width
    assert "supplier-update:nordvik (sabotage) — Nordvik [/bold] Networks" in ANSI.sub(
        "", captured.get()
    )


def test_a_bad_model_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text("fiveguard: 1\nscope: {country: XS}\n")
    code, _, _ = run("whatif", str(bad), "-e", "asset-down:x")
    assert code == 2


# ---------------------------------------------------------------------------- docs


def worked_example() -> tuple[str, list[tuple[list[str], list[int]]]]:
    """The model and the result table of docs/simulation.md's worked example."""
    text = DOC.read_text(encoding="utf-8")
    after = text.split("<!-- worked-example-model -->", 1)[1]
    model = after.split("```yaml\n", 1)[1].split("```", 1)[0]
    rows = []
    for line in after.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`-e "):
            rows.append((shlex.split(cells[0].strip("`")), [int(c) for c in cells[1:]]))
    return model, rows


def events_of(args: list[str]) -> list[Event]:
    """The events of a ``whatif`` command line (``-e`` with ``--mode`` and ``--hours``)."""
    options = dict(zip(args[::2], args[1::2], strict=True))
    mode = Mode(options["--mode"]) if "--mode" in options else None
    hours = float(options["--hours"]) if "--hours" in options else None
    texts = [value for flag, value in zip(args[::2], args[1::2], strict=True) if flag == "-e"]
    return [parse_event(text, mode=mode, hours=hours) for text in texts]


def test_the_worked_example_of_the_docs_gives_the_numbers_it_states(tmp_path: Path) -> None:
    model, rows = worked_example()
    path = tmp_path / "model.yaml"
    path.write_text(model, encoding="utf-8")
    assert len(rows) == 4
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for args, expected in rows:
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        got = [
            data[k]
            for k in (
                "people_without_service",
                "subscribers_exposed",
                "assets_down",
                "assets_compromised",
                "sites_down",
            )
        ]
        assert got == expected, args
        assert list(oracle.impact(events_of(args)).national.values()) == expected, args
    # "a.ran-s carries emergency calls …: 1 of its 1 carrying asset"
    _, out, _ = run("whatif", str(path), *rows[1][0], "--json")
    assert json.loads(out)["critical_service_assets"] == {
        "emergency-calls": {"affected": 1, "carrying": 1}
    }
    assert "1 of its 1 carrying asset" in DOC.read_text(encoding="utf-8")
    _, out, _ = run("whatif", str(path), *rows[1][0])
    assert "Critical services affected: emergency-calls (1 of 1 carrying assets)" in out


def table_after(marker: str) -> list[list[str]]:
    """The body rows of the first Markdown table after ``marker`` in docs/simulation.md."""
    lines = DOC.read_text(encoding="utf-8").split(marker, 1)[1].strip().splitlines()
    rows = []
    for line in lines[2:]:  # past the header and its rule
        if not line.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
    return rows


def test_the_monte_carlo_figures_of_the_worked_example_are_what_simulate_gives(
    tmp_path: Path,
) -> None:
    model, _ = worked_example()
    path = tmp_path / "model.yaml"
    path.write_text(model, encoding="utf-8")
    code, out, err = run(
        "simulate", str(path), "--trials", "10000", "--seed", "1", "--workers", "1", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    sources = {e["source"]: e for e in data["events"]}
    rows = table_after("<!-- worked-example-sources -->")
    assert len(rows) == 3
    for source, probability, worst, people, exposed in rows:
        e = sources[source]
        assert e["annual_probability"] == pytest.approx(float(probability), rel=1e-3), source
        assert e["impact"]["people_without_service"] == int(worst), source
        assert e["expected_people_without_service"] == pytest.approx(float(people), abs=0.01)
        assert e["expected_subscribers_exposed"] == pytest.approx(float(exposed), abs=0.01)
    [(_, mean, p50, p95, p99, most)] = table_after("<!-- worked-example-distribution -->")
    people = data["distributions"]["people_without_service"]
    assert people["mean"] == pytest.approx(float(mean), abs=0.005)
    assert [people["p50"], people["p95"], people["p99"], people["max"]] == [
        int(p50),
        int(p95),
        int(p99),
        int(most),
    ]
    # and the figures quoted in the text around the tables
    text = DOC.read_text(encoding="utf-8")
    expected_sum = sum(e["expected_people_without_service"] for e in data["events"])
    everybody = data["exceedance_curve"][-1]
    assert everybody["people"] == people["max"] == 4600
    for quoted in (
        f"lists {len(data['events'])} event sources",
        f"in {everybody['probability'] * 100:.2f} % of the years",
        f"add up to {expected_sum:.1f} people a year",
        f"is hit in {data['critical_services']['emergency-calls'] * 100:.1f} % of the years",
    ):
        assert quoted in text


def test_trials_default_to_the_catalogue_and_stop_at_its_maximum(tmp_path: Path) -> None:
    override = tmp_path / "catalogue.yaml"
    override.write_text("simulation:\n  default_trials: 96\n  max_trials: 5000\n")
    code, out, err = run("--catalog", str(override), "simulate", str(EXAMPLE), "--json")
    assert code == 0, err
    assert json.loads(out)["trials"] == 96
    code, out, err = run("--catalog", str(override), "simulate", str(EXAMPLE), "--trials", "5001")
    assert code == 2 and "Traceback" not in err
    assert "command line: --trials: expected at most 5,000 trials" in err
    assert "got 5,001" in err


def test_a_catalogue_whose_default_trials_exceed_its_maximum_is_refused(tmp_path: Path) -> None:
    override = tmp_path / "catalogue.yaml"
    override.write_text("simulation:\n  max_trials: 100\n")
    code, _, err = run("--catalog", str(override), "simulate", str(EXAMPLE))
    assert code == 2 and "Traceback" not in err
    assert "exceeds max_trials (100)" in err and "catalogue.yaml" in err
