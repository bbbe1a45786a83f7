"""The report's simulation section names every parameter beside the incident record."""

from __future__ import annotations

from importlib import resources

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
    assert fault[1] == "0.01" and "per deployed-version-year" in fault[2]
    assert by_name["supplier_update.sabotage_share"][2] == "—"
    provenance = dict(section.provenance)
    assert "incidents.rates.product-fault-per-deployment" in provenance["incident record"]
    # without the rows the section is as before: no table, no provenance line
    bare = simulation_section(result, [])
    assert "incident record" not in dict(bare.provenance)
    assert all(t.title != "Parameters and the incident record" for t in bare.tables)
