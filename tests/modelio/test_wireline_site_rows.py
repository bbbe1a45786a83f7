"""Wireline access in site files: rows of kinds wireline.olt, wireline.cmts and
wireline.dslam carry their people and sites like radio rows, and are never shared."""

from __future__ import annotations

from fiveguard.catalog import default_catalogue
from fiveguard.simulate import parse_event, whatif
from model_texts import BASE_YAML

HEADER = "id,operator,kind,product,region,sites,population,requires,managed_by,shared_with\n"
RADIO = "a.s1,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf,a.oss,\n"


def test_wireline_rows_are_read_with_their_people_and_sites(write_model, load) -> None:
    text = (
        HEADER
        + RADIO
        + (
            "a.olt-1,op-a,wireline.olt,,R2,2,300,a.amf,,\n"
            "a.cmts-1,op-a,wireline.cmts,,R1,1,120,a.amf,,\n"
            "a.dslam-1,op-a,wireline.dslam,,,4,80,a.amf,,\n"
        )
    )
    model = load(write_model(csv_text=text))
    assert list(model.sites.kind.values()) == [
        "ran.gnb",
        "wireline.olt",
        "wireline.cmts",
        "wireline.dslam",
    ]
    assert model.sites.population.tolist() == [500, 300, 120, 80]
    assert model.sites.sites.tolist() == [1, 2, 1, 4]


def test_wireline_customers_lose_service_with_the_core_they_share(write_model, load) -> None:
    text = HEADER + RADIO + "a.olt-1,op-a,wireline.olt,,R2,2,300,a.amf,,\n"
    model = load(write_model(csv_text=text))
    impact = whatif(model, default_catalogue(), [parse_event("asset-down:a.amf")])
    # the YAML radio asset (600), the CSV radio row (500) and the fibre customers (300)
    assert impact.people_without_service == 1400
    assert impact.sites_down == 3 + 1 + 2


def test_shared_with_on_a_wireline_row_is_refused_where_it_is_written(
    write_model, model_problems
) -> None:
    yaml = BASE_YAML.replace(
        "  - {id: op-a, name: Operator A, subscribers: 1500}",
        "  - {id: op-a, name: Operator A, subscribers: 1500}\n"
        "  - {id: op-b, name: Operator B, subscribers: 500}",
    )
    text = HEADER + RADIO + "a.olt-1,op-a,wireline.olt,,R2,2,300,a.amf,,op-b\n"
    assert model_problems(write_model(yaml, text)) == [
        "sites.csv:3:44: shared_with: RAN sharing is between radio assets; a wireline.olt is "
        "wireline access: leave shared_with empty"
    ]


def test_a_core_kind_in_a_site_file_names_the_kinds_a_site_file_lists(
    write_model, model_problems
) -> None:
    text = HEADER + RADIO + "a.amf-2,op-a,core.amf,,R2,1,0,,,\n"
    (problem,) = model_problems(write_model(csv_text=text))
    assert problem.startswith("sites.csv:3:14: kind: site files list access assets (radio, or ")
    assert "wireline.olt, wireline.cmts, wireline.dslam" in problem


def test_a_wireline_row_needs_no_region(write_model, model_problems) -> None:
    text = HEADER + RADIO + "a.olt-1,op-a,wireline.olt,,,2,300,a.amf,,\n"
    assert model_problems(write_model(csv_text=text)) == []
