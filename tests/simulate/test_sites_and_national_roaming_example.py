"""The hand-worked examples of docs/simulation.md on radio assets standing on one site and
on permanent national roaming, read from the page: ``fiveguard whatif`` and the reference
oracle give their figures, and the models are valid without warnings."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from oracle import Oracle
from test_served_example import example
from test_simulate_cli import events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model

FIELDS = ("people_without_service", "assets_down", "sites_down")


@pytest.mark.parametrize("name", ["site", "site-capacity", "roaming"])
def test_the_example_models_are_valid_without_warnings(tmp_path: Path, name: str) -> None:
    code, out, err = run("validate", str(example(tmp_path, name)))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_the_site_example_counts_its_people_and_sites_once(tmp_path: Path) -> None:
    _, out, err = run("validate", str(example(tmp_path, "site")))
    assert "2 radio sites · 1,000 people served by radio" in out, out + err


def test_people_on_one_site_lose_service_only_when_every_radio_there_is_down(
    tmp_path: Path,
) -> None:
    path = example(tmp_path, "site")
    rows = table_after("<!-- site-example-whatif -->")
    assert len(rows) == 4
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, *figures in rows:
        expected = [int(x) for x in figures]
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert [data[k] for k in FIELDS] == expected, events
        national = oracle.impact(events_of(args)).national
        assert [national[k] for k in FIELDS] == expected, events


def test_radios_on_one_site_carry_their_capacity_of_its_load(tmp_path: Path) -> None:
    path = example(tmp_path, "site-capacity")
    rows = table_after("<!-- site-capacity-example-whatif -->")
    assert len(rows) == 3
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, people, in_part, assets, sites in rows:
        expected = [int(people), int(assets), int(sites)]
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert [data[k] for k in FIELDS] == expected, events
        partial = data.get("partial_service") or {"people": 0}
        assert partial["people"] == int(in_part), events
        national = oracle.impact(events_of(args)).national
        assert [national[k] for k in FIELDS] == expected, events


def test_capacities_from_a_site_file_give_the_pages_figures(tmp_path: Path) -> None:
    # the two radios of mast 1 moved to a site file, their capacities in its column
    path = example(tmp_path, "site-capacity")
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "site: mast-1" not in line]
    assert len(kept) == len(lines) - 2
    path.write_text("sites: sites.csv\n" + "\n".join(kept) + "\n", encoding="utf-8")
    (tmp_path / "sites.csv").write_text(
        "id,operator,kind,region,sites,population,requires,site,capacity\n"
        "a.enb-1,op-a,ran.enb,N,1,600,a.mme,mast-1,0.6\n"
        "a.gnb-1,op-a,ran.gnb,N,1,600,a.amf,mast-1,0.4\n",
        encoding="utf-8",
    )
    for events, people, _, assets, sites in table_after("<!-- site-capacity-example-whatif -->"):
        code, out, err = run("whatif", str(path), *shlex.split(events), "--json")
        assert code == 0, err
        data = json.loads(out)
        assert [data[k] for k in FIELDS] == [int(people), int(assets), int(sites)], events


def test_a_site_whose_radios_carry_less_than_its_load_is_refused(tmp_path: Path) -> None:
    path = example(tmp_path, "site-capacity")
    text = path.read_text(encoding="utf-8").replace("capacity: 0.6}", "capacity: 0.5}")
    path.write_text(text, encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 2 and "Traceback" not in out + err
    assert (
        "the radio assets of site 'mast-1' carry 0.9 of its load together "
        "(a.enb-1 0.5, a.gnb-1 0.4)" in out + err
    )
    assert "capacity" in out + err


def test_national_roaming_guests_need_the_hosts_network_and_their_own_subscriber_data(
    tmp_path: Path,
) -> None:
    path = example(tmp_path, "roaming")
    rows = table_after("<!-- roaming-example-whatif -->")
    assert len(rows) == 4
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    operators = ("op-h", "op-n")
    for events, *figures in rows:
        people, *per_operator, assets, sites = (int(x) for x in figures)
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert [data[k] for k in FIELDS] == [people, assets, sites], events
        assert [data["by_operator"][o]["people_without_service"] for o in operators] == (
            per_operator
        ), events
        expected = oracle.impact(events_of(args))
        assert [expected.national[k] for k in FIELDS] == [people, assets, sites], events
        assert [expected.by_operator[o]["people_without_service"] for o in operators] == (
            per_operator
        ), events
