"""Common slips get a located problem that says what was probably meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.modelio.hints import country_hint, did_you_mean, number_hint, share_hint
from model_texts import BASE_CSV, BASE_YAML


@pytest.mark.parametrize(
    ("written", "whole", "hint"),
    [
        ("4.700.000", True, "; did you mean 4700000? (write numbers without thousands separators)"),
        ("4,700,000", True, "; did you mean 4700000? (write numbers without thousands separators)"),
        ("4 700 000", True, "; did you mean 4700000? (write numbers without thousands separators)"),
        ("4'700", True, "; did you mean 4700? (write numbers without thousands separators)"),
        ("2,5", False, "; did you mean 2.5? (write a decimal point, not a comma)"),
        (
            "4,700",
            False,
            "; did you mean 4700 or 4.700? (write numbers without thousands separators, with a "
            "decimal point)",
        ),
        ("4.70.000", True, ""),
        ("lots", True, ""),
        ("2,5", True, ""),
    ],
)
def test_numbers_with_separators(written: str, whole: bool, hint: str) -> None:
    assert number_hint(written, whole=whole) == hint


def test_an_id_in_another_case_or_spelt_alike_is_offered() -> None:
    assert did_you_mean("XTEL", {"xtel", "nova"}) == (
        "; did you mean 'xtel'? (identifiers are case-sensitive)"
    )
    assert did_you_mean("xtell", {"xtel", "nova"}) == "; did you mean 'xtel'?"
    assert did_you_mean("meridian", {"xtel", "nova"}) == ""


def test_shares_written_as_percentages() -> None:
    assert share_hint(35, 1) == "; did you mean 0.35? (a share is a fraction of 1: 35 % is 0.35)"
    assert share_hint(35, 5) == ""
    assert share_hint(350, 1) == ""
    assert share_hint(True, 1) == ""


def test_country_codes_in_common_use_that_are_not_iso_codes() -> None:
    countries = default_catalogue().countries
    assert country_hint("UK", countries.aliases, countries.names) == (
        "; did you mean 'GB', the ISO 3166-1 code of United Kingdom?"
    )
    assert "'GR', the ISO 3166-1 code of Greece" in country_hint(
        "EL", countries.aliases, countries.names
    )
    assert country_hint("QQ", countries.aliases, countries.names) == ""


def test_a_model_using_uk_and_el_is_told_the_iso_codes(write_model, model_problems) -> None:
    text = BASE_YAML.replace("country: XR", "country: UK").replace(
        "headquarters: SE", "headquarters: EL"
    )
    assert model_problems(write_model(text)) == [
        "model.yaml:2:18: scope.country: unknown country code 'UK' (expected ISO 3166-1 "
        "alpha-2); did you mean 'GB', the ISO 3166-1 code of United Kingdom?",
        "model.yaml:7:49: suppliers[0].headquarters: unknown country code 'EL' (expected ISO "
        "3166-1 alpha-2); did you mean 'GR', the ISO 3166-1 code of Greece?",
    ]


def test_an_operator_in_another_case_in_a_site_file(write_model, model_problems) -> None:
    found = model_problems(write_model(csv_text=BASE_CSV.replace(",op-a,", ",OP-A,")))
    assert found == [
        "sites.csv:2:6: operator: 'OP-A' is not a declared operator; did you mean 'op-a'? "
        "(identifiers are case-sensitive) (2 rows)"
    ]


def test_a_region_spelt_alike_in_a_site_file(write_model, model_problems) -> None:
    found = model_problems(write_model(csv_text=BASE_CSV.replace(",R2,", ",r2,", 1)))
    assert found == [
        "sites.csv:2:27: region: 'r2' is not a declared region; did you mean 'R2'? "
        "(identifiers are case-sensitive)"
    ]


def test_a_population_with_thousands_separators(write_model, model_problems) -> None:
    text = BASE_YAML.replace("population: 2000}", "population: 2.000}")
    csv = BASE_CSV.replace(",500,", ',"4,700",')
    assert model_problems(write_model(text, csv)) == [
        "model.yaml:5:37: regions[1].population: expected a whole number, got '2.000'; did "
        "you mean 2000? (write numbers without thousands separators)",
        "sites.csv:2:30: population: expected a whole number, got '4,700'; did you mean 4700? "
        "(write numbers without thousands separators)",
    ]


def test_a_battery_autonomy_with_a_decimal_comma(write_model, model_problems) -> None:
    header, *rows = BASE_CSV.splitlines()
    text = "\n".join([f"{header},battery_hours", f'{rows[0]},"2,5"', f"{rows[1]},3"]) + "\n"
    assert model_problems(write_model(csv_text=text)) == [
        "sites.csv:2:46: battery_hours: expected a number, got '2,5'; did you mean 2.5? (write "
        "a decimal point, not a comma)"
    ]


def test_catalogue_aliases_must_name_known_countries(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text('countries:\n  aliases:\n    "FR": "DE"\n    "YU": "CS"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    assert [p.message for p in info.value.problems] == [
        "'FR' is a country code, not an alias",
        "alias of an unknown country 'CS'",
    ]
