"""One test per kind of model problem: the message says what was expected, and where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from model_texts import BASE_CSV, BASE_YAML

Problems = Callable[[Path], list[str]]


def only(found: list[str]) -> str:
    assert len(found) == 1, found
    return found[0]


def test_base_model_is_valid(write_model, model_problems: Problems) -> None:
    assert model_problems(write_model()) == []


def test_yaml_syntax_error_is_located(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "  - {id: R2, name: Two, population: 2000}", "  - {id: R2, name: Two, population: 2000"
    )
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert 5 <= line <= 7


def test_wrong_type_names_field_and_expectation(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("population: 1000}", "population: many}")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:4:37: regions[0].population: expected a whole number, got 'many'"
    )


def test_unknown_field_lists_expected_fields(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("{id: R1, name: One,", "{id: R1, nmae: One, name: One,")
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:4:")
    assert (
        "regions[0].nmae: unknown field 'nmae'; expected one of: id, name, outline, population"
        in message
    )


def test_missing_required_field(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "{id: a.oss, operator: op-a, kind: mgmt.oss,", "{id: a.oss, operator: op-a,"
    )
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:15:5: assets[0].kind: missing required field 'kind'")


def test_duplicate_id_in_section(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("{id: R2, name: Two", "{id: R1, name: Two")
    found = model_problems(write_model(text))
    assert "model.yaml:5:10: regions[1].id: duplicate id 'R1' in regions" in found


def test_duplicate_asset_id_across_yaml_and_csv(write_model, model_problems: Problems) -> None:
    csv = BASE_CSV.replace("a.s2,", "a.oss,")
    found = model_problems(write_model(csv_text=csv))
    assert found == ["sites.csv:3:1: id: duplicate asset id 'a.oss'"]


def test_reference_to_undeclared_supplier(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("{id: amf, supplier: sup-a", "{id: amf, supplier: sup-x")
    assert "model.yaml:9:25: products[0].supplier: 'sup-x' is not a declared supplier" in (
        model_problems(write_model(text))
    )


def test_reference_to_undeclared_product_and_version(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("product: amf@1.0", "product: amf@9.9")
    message = only(model_problems(write_model(text)))
    assert message == (
        "model.yaml:16:58: assets[1].product: version '9.9' of 'amf' is not declared; "
        "declared versions: 1.0, 1.1"
    )
    text = BASE_YAML.replace("product: oss@3}", "product: nms@3}")
    assert "assets[0].product: 'nms' is not a declared product" in only(
        model_problems(write_model(text))
    )


def test_reference_to_undeclared_region_in_csv(write_model, model_problems: Problems) -> None:
    csv = BASE_CSV.replace("gnb@2.0,R2,400", "gnb@2.0,R9,400")
    assert only(model_problems(write_model(csv_text=csv))) == (
        "sites.csv:3:27: region: 'R9' is not a declared region"
    )


def test_reference_to_undeclared_operator_in_csv_counts_rows(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV.replace(",op-a,", ",op-z,")
    assert only(model_problems(write_model(csv_text=csv))) == (
        "sites.csv:2:6: operator: 'op-z' is not a declared operator (2 rows)"
    )


def test_reference_to_undeclared_asset_in_requires(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("requires: [a.amf]", "requires: [a.amf, {any: [a.smf-1, a.amf]}]")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:17:130: assets[2].requires[1].any[0]: 'a.smf-1' is not a declared asset"
    )


def test_dependency_cycle_is_printed(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3}",
        "{id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3, requires: [a.ran]}",
    ).replace("product: amf@1.0, managed_by", "product: amf@1.0, requires: [a.oss], managed_by")
    message = only(model_problems(write_model(text)))
    assert "dependency cycle through requires:" in message
    chain = message.split("requires: ", 2)[-1]
    names = chain.split(" → ")
    assert names[0] == names[-1]
    assert set(names) == {"a.oss", "a.amf", "a.ran"} or set(names) == {"a.oss", "a.ran", "a.amf"}


def test_managed_by_must_be_a_management_asset(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "product: amf@1.0, managed_by: a.oss", "product: amf@1.0, managed_by: a.ran"
    )
    assert only(model_problems(write_model(text))) == (
        "model.yaml:16:79: assets[1].managed_by: 'a.ran' is a ran.gnb, not a management asset "
        "(expected a kind in the management or orchestration domain)"
    )


def test_population_served_cannot_exceed_region(write_model, model_problems: Problems) -> None:
    csv = BASE_CSV.replace("R2,500", "R2,1900")
    assert only(model_problems(write_model(csv_text=csv))) == (
        "model.yaml:5:37: regions[1].population: radio assets in R2 serve 2,300 people, more "
        "than its population of 2,000"
    )


def test_negative_numbers_are_rejected(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("subscribers: 1500", "subscribers: -5")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:13:47: operators[0].subscribers: expected a number ≥ 0, got -5"
    )
    csv = BASE_CSV.replace("R2,400", "R2,-400")
    assert only(model_problems(write_model(csv_text=csv))) == (
        "sites.csv:3:30: population: expected a number ≥ 0, got -400"
    )


def test_absurd_numbers_are_rejected(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("population: 600,", "population: 600, battery_hours: 100000,")
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:17:")
    assert "assets[2].battery_hours: absurd battery autonomy 100000 h (limit 720 h)" in message


def test_radio_asset_serving_people_needs_a_site(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("region: R1, sites: 3, population: 600", "region: R1, population: 600")
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:17:")
    assert "assets[2].sites: a radio asset serving 600 people needs at least one site" in message
    csv = (
        BASE_CSV.replace("id,operator,", "id,sites,operator,")
        .replace("a.s1,", "a.s1,0,")
        .replace("a.s2,", "a.s2,1,")
    )
    assert only(model_problems(write_model(csv_text=csv))) == (
        "sites.csv:2:6: sites: a radio asset serving people needs at least one site"
    )


def test_unknown_asset_kind(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("kind: mgmt.oss, product: oss@3}", "kind: mgmt.nms, product: oss@3}")
    found = model_problems(write_model(text))
    assert (
        "model.yaml:15:39: assets[0].kind: unknown asset kind 'mgmt.nms'; did you mean 'mgmt.ems'? "
        "see 'fiveguard catalog kinds'" in found
    )


def test_product_kind_must_match_asset_kind(write_model, model_problems: Problems) -> None:
    csv = BASE_CSV.replace("a.s1,op-a,ran.gnb,gnb@2.0", "a.s1,op-a,ran.gnb,amf@1.0")
    assert "sites.csv:2:19: product: 'amf' is a core.amf product, the asset is a ran.gnb" in (
        model_problems(write_model(csv_text=csv))
    )


def test_unknown_evidence_and_measure(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "{measure: TM07, operator: op-a, status: implemented, evidence: [ev-1]}",
        "{measure: TM99, operator: op-a, status: implemented, evidence: [ev-2]}",
    )
    found = model_problems(write_model(text))
    assert "model.yaml:20:15: measures[0].measure: unknown toolbox measure 'TM99'" in found
    assert (
        "model.yaml:20:69: measures[0].evidence[0]: 'ev-2' is not a declared evidence record"
        in found
    )


def test_bad_enum_value_lists_choices(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("status: implemented", "status: done")
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:20:45: measures[0].status: expected ")
    assert "'implemented'" in message and "got 'done'" in message


def test_country_code_no_is_not_a_boolean(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("headquarters: SE", "headquarters: NO")
    assert model_problems(write_model(text)) == []


def test_unknown_country_code(write_model, model_problems: Problems) -> None:
    # UK is only "exceptionally reserved" in ISO 3166-1; the United Kingdom's code is GB
    text = BASE_YAML.replace("headquarters: SE", "headquarters: UK")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:7:49: suppliers[0].headquarters: unknown country code 'UK' "
        "(expected ISO 3166-1 alpha-2); did you mean 'GB', the ISO 3166-1 code of United Kingdom?"
    )


def test_unknown_section(write_model, model_problems: Problems) -> None:
    text = BASE_YAML + "networks: []\n"
    assert only(model_problems(write_model(text))).startswith(
        "model.yaml:23:11: networks: unknown section 'networks'; expected one of:"
    )


def test_missing_format_version(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("fiveguard: 1\n", "")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:1:1: fiveguard: missing the format version: add 'fiveguard: 1' at the top"
    )


def test_every_problem_is_reported_not_just_the_first(
    write_model, model_problems: Problems
) -> None:
    text = (
        BASE_YAML.replace("population: 1000}", "population: lots}")
        .replace("supplier: sup-a, name: AMF", "supplier: sup-q, name: AMF")
        .replace("headquarters: SE", "headquarters: se")
    )
    csv = BASE_CSV.replace("R2,500", "R7,500")
    found = model_problems(write_model(text, csv))
    assert len(found) == 4, found
    assert [f.split(":")[0] for f in found] == ["model.yaml"] * 3 + ["sites.csv"]


def test_not_utf8(write_model, model_problems: Problems, tmp_path: Path) -> None:
    path = write_model()
    path.write_bytes(BASE_YAML.encode() + b"# caf\xe9\n")
    assert only(model_problems(path)).startswith("model.yaml:23:6: not valid UTF-8 text")


def test_missing_site_file(write_model, model_problems: Problems) -> None:
    path = write_model(csv_text=None)
    found = model_problems(path)
    assert found[0] == "model.yaml:18:8: sites[0]: cannot use site file 'sites.csv'"
    assert found[1].endswith("sites.csv: site file not found")


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (
            BASE_CSV.replace("population,", "populaton,"),
            "sites.csv:1:33: populaton: unknown column 'populaton'",
        ),
        (
            BASE_CSV.replace("id,operator,", "operator,", 1),
            "sites.csv:1:1: id: missing required column 'id'",
        ),
        (
            BASE_CSV.replace("a.s2,op-a,", "a.s2,op-a,extra,"),
            "sites.csv:3:1: row has 9 fields, the header names 8",
        ),
        (
            BASE_CSV + 'a.s3,"op-a,ran.gnb\n' + "a.s4,op-a,ran.gnb,gnb@2.0,R2,1,a.amf,a.oss\n",
            "sites.csv:4:1: CSV syntax error in the record starting here",
        ),
    ],
)
def test_csv_structure_errors(
    write_model, model_problems: Problems, csv: str, expected: str
) -> None:
    found = model_problems(write_model(csv_text=csv))
    assert any(f.startswith(expected) for f in found), found


def test_an_asset_requiring_itself_is_reported_once(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("requires: [a.amf]", "requires: [a.amf, a.ran]")
    assert only(model_problems(write_model(text))) == (
        "model.yaml:17:123: assets[2].requires[1]: an asset cannot require itself"
    )


def test_many_duplicate_site_ids_are_listed_then_counted(
    write_model, model_problems: Problems
) -> None:
    rows = "".join("a.s1,op-a,ran.gnb,gnb@2.0,R2,1,a.amf,a.oss\n" for _ in range(60))
    found = model_problems(write_model(csv_text=BASE_CSV + rows))
    assert len(found) == 51
    assert found[0] == "sites.csv:4:1: id: duplicate asset id 'a.s1'"
    assert found[-1] == "sites.csv:54:1: id: … and 10 more duplicate asset ids from here on"


# -- an invalid item does not shift where later problems are reported


def test_an_invalid_asset_does_not_make_a_management_asset_look_like_a_site(
    write_model, model_problems: Problems
) -> None:
    # the YAML asset after the invalid one used to be taken for a site row, and the
    # last site row's kind (ran.gnb) read as its kind
    text = BASE_YAML.replace(
        "product: amf@1.0, managed_by: a.oss}",
        "product: amf@1.0, managed_by: a.oss, battery_hours: -3}",
    ).replace(
        "sites: sites.csv",
        "  - {id: a.ems, operator: op-a, kind: mgmt.ems}\nsites: sites.csv",
    )
    csv = BASE_CSV.replace(",a.oss\n", ",a.ems\n")
    assert model_problems(write_model(text, csv)) == [
        "model.yaml:16:101: assets[1].battery_hours: expected a number ≥ 0.0, got -3"
    ]


def test_problems_after_an_invalid_item_name_the_item_as_written(
    write_model, model_problems: Problems
) -> None:
    text = (
        BASE_YAML.replace("{id: R1, name: One, population: 1000}", "{id: R1, population: 1000}")
        .replace("region: R1, sites: 3", "region: R9, sites: 3")
        .replace("product: amf@1.0, managed_by", "product: amf@1.0, sensitive: maybe, managed_by")
        .replace(
            "evidence: [ev-1]}",
            "evidence: [ev-1]}\n  - {measure: TM99, status: done}\n  - {measure: TM98, status: planned}",
        )
    )
    found = model_problems(write_model(text, BASE_CSV.replace(",R2,", ",R1,")))
    assert "model.yaml:4:5: regions[0].name: missing required field 'name'" in found
    assert "model.yaml:16:78: assets[1].sensitive: expected true or false, got 'maybe'" in found
    # assets[2] and measures[2], not [1]: the invalid items before them still count
    assert "model.yaml:17:74: assets[2].region: 'R9' is not a declared region" in found
    assert "model.yaml:22:15: measures[2].measure: unknown toolbox measure 'TM98'" in found


# -- values YAML cannot read are problems of their field only


def test_an_impossible_date_is_reported_with_every_other_problem(
    write_model, model_problems: Problems
) -> None:
    text = (
        BASE_YAML.replace("as_of: 2026-06-30", "as_of: 2026-10-32")
        .replace("status: implemented", "status: implemented, date: 2026-02-30")
        .replace("subscribers: 1500", "subscribers: lots")
        .replace("supplier: sup-a, name: AMF", "supplier: sup-q, name: AMF")
    )
    assert model_problems(write_model(text)) == [
        "model.yaml:2:47: scope.as_of: not a valid date: '2026-10-32' (day is out of range "
        "for month)",
        "model.yaml:9:25: products[0].supplier: 'sup-q' is not a declared supplier",
        "model.yaml:13:47: operators[0].subscribers: expected a whole number, got 'lots'",
        "model.yaml:20:64: measures[0].date: not a valid date: '2026-02-30' (day is out of "
        "range for month)",
    ]


def test_a_duplicate_key_is_reported_with_every_other_problem(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace(
        "{id: a.oss, operator: op-a, kind: mgmt.oss,",
        "{id: a.oss, operator: op-a, kind: mgmt.oss, kind: x,",
    ).replace("headquarters: SE", "headquarters: UK")
    assert model_problems(write_model(text)) == [
        "model.yaml:7:49: suppliers[0].headquarters: unknown country code 'UK' "
        "(expected ISO 3166-1 alpha-2); did you mean 'GB', the ISO 3166-1 code of United Kingdom?",
        "model.yaml:15:49: assets[0].kind: duplicate key 'kind': given already on line 15; "
        "write each key once",
    ]


# -- values of the wrong type are not converted


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("yes", "expected true or false, got the text 'yes'; write true"),
        ("no", "expected true or false, got the text 'no'; write false"),
        ("On", "expected true or false, got the text 'On'; write true"),
        ('"true"', "expected true or false, got the text 'true'; write true"),
        ("1", "expected true or false, got 1"),
    ],
)
def test_a_boolean_is_true_or_false_only(
    write_model, model_problems: Problems, written: str, message: str
) -> None:
    text = BASE_YAML.replace("product: oss@3}", f"product: oss@3, sensitive: {written}}}")
    assert model_problems(write_model(text)) == [
        f"model.yaml:15:76: assets[0].sensitive: {message}"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "0800",
            "expected a whole number, got the text '0800' (a number with leading zeros is read "
            "as text); write 800",
        ),
        ('"1500"', "expected a whole number, got the text '1500'; write 1500"),
        ("1500.0", "expected a whole number, got 1500.0"),
        ("true", "expected a whole number, got true"),
    ],
)
def test_a_whole_number_is_not_converted_from_text(
    write_model, model_problems: Problems, written: str, message: str
) -> None:
    text = BASE_YAML.replace("subscribers: 1500", f"subscribers: {written}")
    assert model_problems(write_model(text)) == [
        f"model.yaml:13:47: operators[0].subscribers: {message}"
    ]


def test_battery_hours_are_a_number_not_text(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("population: 600,", 'population: 600, battery_hours: "4",')
    assert only(model_problems(write_model(text))).endswith(
        "assets[2].battery_hours: expected a number, got the text '4'; write 4"
    )


def test_the_csv_sensitive_column_keeps_its_spellings(
    write_model, model_problems: Problems, load
) -> None:
    csv = (
        BASE_CSV.replace("managed_by\n", "managed_by,sensitive\n")
        .replace(
            "a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,a.oss",
            "a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,a.oss,yes",
        )
        .replace(
            "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,a.oss",
            "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,a.oss,0",
        )
    )
    path = write_model(csv_text=csv)
    assert model_problems(path) == []
    assert load(path).sites.sensitive.tolist() == [True, False]


def test_unquoted_versions_are_asked_to_be_quoted(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace('versions: ["1.0", "1.1"]', "versions: [1.0, 1.10]")
    assert model_problems(write_model(text))[:2] == [
        "model.yaml:9:70: products[0].versions[0]: expected a version such as 24.2 or "
        '5.1.3-lts, got the number 1.0: write it in quotes, "1.0" (unquoted, YAML reads it as '
        "a number)",
        "model.yaml:9:75: products[0].versions[1]: expected a version such as 24.2 or "
        '5.1.3-lts, got the number 1.10: write it in quotes, "1.10" (unquoted, YAML reads it '
        "as a number)",
    ]


# -- no follow-on noise


def test_an_unknown_kind_is_not_also_a_product_mismatch(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace(
        "kind: core.amf, product: amf@1.0", "kind: core.amff, product: amf@1.0"
    )
    assert model_problems(write_model(text)) == [
        "model.yaml:16:39: assets[1].kind: unknown asset kind 'core.amff'; did you mean "
        "'core.amf'? see 'fiveguard catalog kinds'"
    ]
    csv = BASE_CSV.replace("a.s1,op-a,ran.gnb,", "a.s1,op-a,ran.gbn,")
    assert model_problems(write_model(csv_text=csv)) == [
        "sites.csv:2:11: kind: unknown asset kind 'ran.gbn'; did you mean 'ran.gnb'? see "
        "'fiveguard catalog kinds'"
    ]


# -- fields that have no meaning on the asset, or dates after the model's date


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ("shared_with: [op-b]", "shared_with", "RAN sharing is between radio assets"),
        ("population: 1000", "population", "population counts the people a radio asset serves"),
        ("sites: 2", "sites", "sites counts the radio sites of a radio asset"),
    ],
)
def test_radio_only_fields_on_other_assets_are_errors(
    write_model, model_problems: Problems, extra: str, field: str, message: str
) -> None:
    text = BASE_YAML.replace("product: oss@3}", f"product: oss@3, {extra}}}").replace(
        "subscribers: 1500}", "subscribers: 1500}\n  - {id: op-b, name: B, subscribers: 1}"
    )
    found = only(model_problems(write_model(text)))
    assert found.startswith("model.yaml:16:") and f": assets[0].{field}: {message}" in found
    assert "; a mgmt.oss is in the management domain: leave " in found


def test_wireline_access_serves_people_but_is_never_shared(
    write_model, model_problems: Problems
) -> None:
    fibre = (
        "  - {id: a.olt, operator: op-a, kind: wireline.olt, region: R1, sites: 4, "
        "population: 300, requires: [a.amf]SHARED}\n"
    )
    text = BASE_YAML.replace("sites: sites.csv", fibre.replace("SHARED", "") + "sites: sites.csv")
    assert model_problems(write_model(text)) == []
    shared = BASE_YAML.replace(
        "sites: sites.csv", fibre.replace("SHARED", ", shared_with: [op-b]") + "sites: sites.csv"
    ).replace("subscribers: 1500}", "subscribers: 1500}\n  - {id: op-b, name: B, subscribers: 1}")
    found = only(model_problems(write_model(shared)))
    assert (
        ": assets[3].shared_with: RAN sharing is between radio assets; a wireline.olt is in "
        in (found)
    )


def test_a_region_on_a_core_asset_is_where_it_stands(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "product: amf@1.0, managed_by", "product: amf@1.0, region: R2, managed_by"
    )
    assert model_problems(write_model(text)) == []


def test_installed_after_the_models_date_is_an_error(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("product: oss@3}", "product: oss@3, installed: 2030-01-01}")
    csv = BASE_CSV.replace("managed_by\n", "managed_by,installed\n").replace(
        "a.oss\n", "a.oss,2027-01-01\n"
    )
    assert model_problems(write_model(text, csv)) == [
        "model.yaml:15:76: assets[0].installed: installed 2030-01-01, after the model's as_of "
        "2026-06-30: the model describes the networks as of that date, so everything in it is "
        "installed by then",
        "sites.csv:2:46: installed: installed 2027-01-01, after the model's as_of 2026-06-30: "
        "the model describes the networks as of that date, so everything in it is installed "
        "by then (2 rows)",
    ]
    on_the_day = text.replace("installed: 2030-01-01", "installed: 2026-06-30")
    assert model_problems(write_model(on_the_day)) == []


def test_purchase_dates_after_the_models_date_or_the_installation_are_errors(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace(
        "product: oss@3}", "product: oss@3, installed: 2021-03-01, purchased: 2021-05-01}"
    )
    csv = BASE_CSV.replace("managed_by\n", "managed_by,purchased\n").replace(
        "a.oss\n", "a.oss,2027-01-01\n"
    )
    assert model_problems(write_model(text, csv)) == [
        "model.yaml:15:99: assets[0].purchased: purchased 2021-05-01, after it was installed "
        "2021-03-01: equipment is bought before it is put in service",
        "sites.csv:2:46: purchased: purchased 2027-01-01, after the model's as_of 2026-06-30: "
        "the model describes the networks as of that date, so everything in it is bought "
        "by then (2 rows)",
    ]
    in_order = text.replace("purchased: 2021-05-01", "purchased: 2020-11-30")
    assert model_problems(write_model(in_order)) == []


def test_site_rows_bought_after_they_were_installed_are_counted_once(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV.replace("managed_by\n", "managed_by,installed,purchased\n").replace(
        "a.oss\n", "a.oss,2021-01-01,2021-02-01\n"
    )
    assert model_problems(write_model(csv_text=csv)) == [
        "sites.csv:2:57: purchased: purchased 2021-02-01, after it was installed 2021-01-01: "
        "equipment is bought before it is put in service (2 rows)"
    ]


# -- rows with a wrong number of fields


def test_short_rows_are_grouped_and_name_the_columns_without_a_value(
    write_model, model_problems: Problems
) -> None:
    rows = "".join(f"a.x{i},op-a,ran.gnb,gnb@2.0,R2,1\n" for i in range(300))
    found = model_problems(
        write_model(csv_text=BASE_CSV + rows + "a.y,op-a,ran.gnb,gnb@2.0,R2,1,a.amf,a.oss,9\n")
    )
    assert found == [
        "sites.csv:4:1: row has 6 fields, the header names 8: the last 2 columns (requires, "
        "managed_by) have no value; an empty value still needs its comma (300 rows, on lines "
        "4, 5, 6, 7, 8, …)",
        "sites.csv:304:1: row has 9 fields, the header names 8: 1 field too many; a value "
        'holding a comma needs double quotes, "like, this"',
    ]


def test_supplier_lei_and_registry_id_are_accepted(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace(
        "ownership: listed}",
        "ownership: listed, lei: 5493001KJTIIGC8Y1R12, registry_id: 'SE:556016-0680'}",
    )
    assert model_problems(write_model(text)) == []


def test_supplier_lei_with_wrong_check_digits_is_located(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace("ownership: listed}", "ownership: listed, lei: 5493001KJTIIGC8Y1R13}")
    message = only(model_problems(write_model(text)))
    assert message.startswith("model.yaml:7:77:")
    assert "suppliers[0].lei" in message
    assert "fails the LEI check digits" in message


def test_supplier_lei_of_wrong_shape_is_located(write_model, model_problems: Problems) -> None:
    text = BASE_YAML.replace("ownership: listed}", "ownership: listed, lei: not-an-lei}")
    message = only(model_problems(write_model(text)))
    assert "suppliers[0].lei" in message


# -- MVNOs


MVNO = "  - {id: mvno, name: M, subscribers: 100, hosted_by: op-a}\n"


def with_operators(extra: str, text: str = BASE_YAML) -> str:
    return text.replace("subscribers: 1500}\n", "subscribers: 1500}\n" + extra)


def test_an_mvno_hosted_by_a_network_operator_is_valid(
    write_model, model_problems: Problems
) -> None:
    assert model_problems(write_model(with_operators(MVNO))) == []


@pytest.mark.parametrize(
    ("operators", "message"),
    [
        (
            "  - {id: mvno, name: M, subscribers: 1, hosted_by: op-x}\n",
            "operators[1].hosted_by: 'op-x' is not a declared operator",
        ),
        (
            "  - {id: mvno, name: M, subscribers: 1, hosted_by: mvno}\n",
            "operators[1].hosted_by: an operator cannot host itself",
        ),
        (
            MVNO + "  - {id: m2, name: M2, subscribers: 1, hosted_by: mvno}\n",
            "operators[2].hosted_by: 'mvno' is itself an MVNO (hosted by 'op-a')",
        ),
        (
            "  - {id: mvno, name: M, subscribers: 1, hosted_by: op-a, roaming: [op-b]}\n"
            "  - {id: op-b, name: B, subscribers: 1}\n",
            "operators[1].roaming: an MVNO's customers roam where its host's do",
        ),
        (
            MVNO + "  - {id: op-b, name: B, subscribers: 1, roaming: [mvno]}\n",
            "operators[2].roaming: 'mvno' is an MVNO, with no network to roam onto: name its "
            "host 'op-a'",
        ),
    ],
)
def test_an_mvno_has_a_network_operator_as_host_and_roams_through_it(
    write_model, model_problems: Problems, operators: str, message: str
) -> None:
    found = only(model_problems(write_model(with_operators(operators))))
    assert message in found


def test_an_mvno_runs_no_radio_or_core_and_shares_no_site(
    write_model, model_problems: Problems
) -> None:
    text = with_operators(MVNO).replace(
        "{id: a.amf, operator: op-a,", "{id: a.amf, operator: mvno,"
    )
    found = only(model_problems(write_model(text)))
    assert "assets[1].operator: 'mvno' is an MVNO (hosted by 'op-a'): its customers use its " in (
        found
    )
    assert "so it runs no core asset" in found
    csv = BASE_CSV.replace("a.s1,op-a,", "a.s1,mvno,")
    errors = [
        p for p in model_problems(write_model(with_operators(MVNO), csv)) if "warning" not in p
    ]
    found = only(errors)
    assert found.startswith("sites.csv:2:") and "so it runs no ran asset" in found
    shared = with_operators(MVNO).replace(
        "population: 600,", "population: 600, shared_with: [mvno],"
    )
    found = model_problems(write_model(shared))[0]
    assert "shared_with: 'mvno' is an MVNO: its customers are on its host's part" in found


# -- subscribers by type of line


def test_lines_by_type_add_up_to_the_subscribers(write_model, model_problems: Problems) -> None:
    good = BASE_YAML.replace(
        "subscribers: 1500}", "subscribers: 1500, lines: {personal: 1200, business: 200, iot: 100}}"
    )
    assert model_problems(write_model(good)) == []
    bad = good.replace("iot: 100", "iot: 90")
    assert only(model_problems(write_model(bad))).endswith(
        "operators[0].lines: personal 1,200 + business 200 + iot 90 = 1,490 lines, but "
        "subscribers is 1,500: the lines by type add up to the subscribers"
    )
