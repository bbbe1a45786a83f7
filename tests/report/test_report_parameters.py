"""The report's simulation section names every parameter beside the incident record."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fiveguard.catalog.parameters import parameter_rows
from fiveguard.domain.catalogue import Catalogue
from fiveguard.report.simulation import simulation_section
from fiveguard.simulate import prepare, simulate


def test_the_section_lists_the_parameters_and_the_record_in_its_provenance(
    catalogue: Catalogue,
) -> None:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    result = simulate(prepare(model, catalogue), catalogue, 128, 0, workers=1)
    rows = parameter_rows(catalogue)
    section = simulation_section(result, [], parameters=rows)
    [table] = [t for t in section.tables if t.title == "Parameters and the incident record"]
    assert len(table.rows) == len(rows)
    by_name = {row[0]: row for row in table.rows}
    fault = by_name["product_fault.annual_probability.medium"]
    assert (
        fault[1].startswith("0.0023 per deployment (") and "per deployed-version-year" in fault[2]
    )
    assert fault[3].startswith("derived from the record")
    assert by_name["supplier_update.sabotage_share"][2] == "—"
    provenance = dict(section.provenance)
    assert "incidents.rates.product-fault-per-deployment" in provenance["incident record"]
    # without the rows the section is as before: no table, no provenance line
    bare = simulation_section(result, [])
    assert "incident record" not in dict(bare.provenance)
    assert all(t.title != "Parameters and the incident record" for t in bare.tables)


def test_intervals_from_drawn_rates_reach_the_report_and_the_assessment_json(
    tmp_path: Path,
) -> None:
    import json

    from typer.testing import CliRunner

    import fiveguard.cli  # noqa: F401  (registers the commands)
    from fiveguard.cli.app import app

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        args = ["assess", str(path), "--trials", "1024", "--parameter-draws", "4"]
        result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "With the parameters&#39; uncertainty (90% intervals)" in html
    assert "Held at their values" in html
    found = json.loads((tmp_path / "assessment.json").read_text(encoding="utf-8"))
    uncertainty = found["simulation"]["parameter_uncertainty"]
    assert uncertainty["draws"] == 4
    mean = uncertainty["people_mean"]
    assert mean["low"] <= mean["high"]
