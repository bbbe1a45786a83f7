"""Validation of radio assets on one site and of permanent national roaming: every
inconsistency is reported where it is written, with what was expected."""

from __future__ import annotations

from model_texts import BASE_YAML

HEADER = "id,operator,kind,product,region,sites,population,requires,site,shared_with\n"
TWO_OPERATORS = BASE_YAML.replace(
    "  - {id: op-a, name: Operator A, subscribers: 1500}",
    "  - {id: op-a, name: Operator A, subscribers: 1500}\n"
    "  - {id: op-b, name: Operator B, subscribers: 500}",
)


def test_radios_on_one_site_count_its_people_and_sites_once(write_model, load) -> None:
    text = HEADER + (
        "a.s1,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf,mast-1,\n"
        "a.s1-4g,op-a,ran.enb,,R2,1,500,a.amf,mast-1,\n"
    )
    model = load(write_model(csv_text=text))
    assert model.warnings == ()
    assert model.table.repeats_site().tolist() == [False, False, False, False, True]


def test_a_site_row_that_differs_from_the_sites_first_radio_is_located(
    write_model, model_problems
) -> None:
    text = HEADER + (
        "a.s1,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf,mast-1,\n"
        "a.s1-4g,op-a,ran.enb,,R1,2,400,a.amf,mast-1,\n"
    )
    assert model_problems(write_model(csv_text=text)) == [
        "sites.csv:3:23: region: site 'mast-1' is R2 as 'a.s1' gives it: the radio assets "
        "of one site serve one region",
        "sites.csv:3:26: sites: site 'mast-1' is 1 site as 'a.s1' gives it: the radio "
        "assets of one site stand for one count of sites, counted once",
        "sites.csv:3:28: population: site 'mast-1' is 500 people as 'a.s1' gives it: the "
        "radio assets of one site serve one population, written on each of them and counted "
        "once",
    ]


def test_a_site_across_operators_or_shared_unalike_is_refused(write_model, model_problems) -> None:
    yaml = TWO_OPERATORS.replace(
        "assets:\n",
        "assets:\n  - {id: b.amf, operator: op-b, kind: core.amf}\n",
    )
    text = HEADER + (
        "a.s1,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf;b.amf,mast-1,op-b\n"
        "a.s1-4g,op-a,ran.enb,,R2,1,500,a.amf,mast-1,\n"
        "b.s1,op-b,ran.enb,,R2,1,500,b.amf,mast-1,\n"
    )
    problems = model_problems(write_model(yaml, text))
    assert any(
        p.startswith("sites.csv:3:") and "shared_with: site 'mast-1' is shared with op-b" in p
        for p in problems
    ), problems
    assert any(
        p.startswith("sites.csv:4:")
        and "operator: site 'mast-1' is op-a as 'a.s1' gives it: the radio assets of one "
        "site are one operator's"
        in p
        for p in problems
    ), problems


def test_site_on_an_asset_that_is_not_radio_is_refused(write_model, model_problems) -> None:
    yaml = BASE_YAML.replace(
        "  - {id: a.amf, operator: op-a, kind: core.amf, product: amf@1.0, managed_by: a.oss}",
        "  - {id: a.amf, operator: op-a, kind: core.amf, product: amf@1.0, managed_by: a.oss, "
        "site: mast-1}",
    )
    (problem,) = model_problems(write_model(yaml))
    assert problem.startswith("model.yaml:16:")
    assert problem.endswith(
        "assets[1].site: site groups radio assets standing on one site; a core.amf is not a "
        "radio asset: leave site out"
    )


ROAMING = TWO_OPERATORS.replace(
    "  - {id: op-b, name: Operator B, subscribers: 500}",
    "  - {id: op-b, name: Operator B, subscribers: 500, national_roaming: [{host: HOST, "
    "regions: REGIONS, requires: REQUIRES}]}",
).replace(
    "assets:\n",
    "assets:\n  - {id: b.udm, operator: op-b, kind: core.udm}\n",
)


def roaming(host: str = "op-a", regions: str = "[R1]", requires: str = "[b.udm]") -> str:
    return ROAMING.replace("HOST", host).replace("REGIONS", regions).replace("REQUIRES", requires)


def test_a_guest_on_a_hosts_radio_is_valid_and_counted_with_its_subscribers(
    write_model, load
) -> None:
    model = load(write_model(roaming()))
    # op-b's part of op-a's 600 people in R1, split 1,500:500, is what its radio serves
    (warning,) = [str(w) for w in model.warnings]
    assert "operators[1].subscribers: warning: 500 subscribers, but the radio assets of op-b " in (
        warning
    )
    assert "serve 150 people" in warning


def messages(problems: list[str]) -> list[str]:
    return [p.split(": ", 1)[1] for p in problems]


def test_national_roaming_problems_are_located_at_their_field(write_model, model_problems) -> None:
    cases = {
        roaming(host="op-x"): "operators[1].national_roaming[0].host: 'op-x' is not a "
        "declared operator",
        roaming(host="op-b"): "operators[1].national_roaming[0].host: an operator cannot roam "
        "on itself",
        roaming(regions="[R9]"): "operators[1].national_roaming[0].regions[0]: 'R9' is not a "
        "declared region",
        roaming(regions="[R1, R1]"): "operators[1].national_roaming[0].regions[1]: op-b's "
        "customers in R1 are already served by national roaming (national_roaming[0]): one "
        "host per region",
        roaming(requires="[a.amf]"): "operators[1].national_roaming[0].requires[0]: 'a.amf' is "
        "op-a's: requires names what op-b's customers need of op-b's own network (the host's "
        "radio and what it needs come with the host)",
        roaming(requires="[{any: [b.udm, b.nope]}]"): "operators[1].national_roaming[0]."
        "requires[0].any[1]: 'b.nope' is not a declared asset",
    }
    for yaml, expected in cases.items():
        problems = model_problems(write_model(yaml))
        assert expected in messages(problems), problems
        assert all(p.startswith("model.yaml:") for p in problems), problems


def test_a_region_where_the_host_runs_no_radio_is_refused(write_model, model_problems) -> None:
    yaml = roaming(regions="[R1]").replace(
        "region: R1, sites: 3", "region: R2, sites: 3"
    )  # op-a's YAML radio moves to R2; its CSV rows are in R2 too
    (problem,) = model_problems(write_model(yaml))
    assert problem.endswith(
        "operators[1].national_roaming[0].regions[0]: op-a runs no radio asset in R1 (of its "
        "own or shared with it): op-b's customers there would have no network to use"
    )


def test_an_mvno_has_no_national_roaming_of_its_own(write_model, model_problems) -> None:
    yaml = roaming().replace(
        "subscribers: 500, national", "subscribers: 500, hosted_by: op-a, national"
    )
    problems = model_problems(write_model(yaml))
    assert any(
        "operators[1].national_roaming: an MVNO's customers use its host's network everywhere" in p
        for p in problems
    ), problems


def test_national_roaming_without_requires_is_a_warning(write_model, load) -> None:
    model = load(write_model(roaming(requires="[]")))
    assert any(
        "operators[1].national_roaming[0]: warning: national roaming on op-a lists nothing" in w
        for w in (str(w) for w in model.warnings)
    ), model.warnings


def test_sites_and_national_roaming_are_written_back(tmp_path, write_model, load) -> None:
    from fiveguard.modelio.dump import write_model as dump

    text = HEADER + (
        "a.s1,op-a,ran.gnb,gnb@2.0,R1,3,600,a.amf,mast-1,\n"
        "a.s2,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf,,\n"
    )
    yaml = roaming().replace(
        "sites: 3, population: 600, requires: [a.amf]",
        "sites: 3, population: 600, site: mast-1, requires: [a.amf]",
    )
    model = load(write_model(yaml, text))
    out = tmp_path / "out" / "model.yaml"
    out.parent.mkdir()
    dump(model, out)
    again = load(out)
    assert again == model
    assert again.document.operators[1].national_roaming[0].requires == ("b.udm",)
    assert list(again.sites.site.values()) == ["mast-1", None]


def test_the_summary_counts_a_guests_part_of_its_hosts_radio(write_model, load) -> None:
    from fiveguard.assess.summary import summarise
    from fiveguard.catalog import default_catalogue

    model = load(write_model(roaming()))
    lines = {o.id: o for o in summarise(model, default_catalogue()).operators}
    # op-a's radio in R1 serves 600, split 1,500:500; its CSV rows in R2 are its own
    assert (lines["op-a"].population_served, lines["op-b"].population_served) == (450 + 900, 150)
    assert lines["op-b"].shared_radio_sites == 3
