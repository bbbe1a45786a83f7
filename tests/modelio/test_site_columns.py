"""The columns of a site file: coordinates read, other columns ignored with one note,
slips for known names reported with the name meant, and headers of any width read in
time linear in their number of columns."""

from __future__ import annotations

import math
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from fiveguard.domain.errors import InputError
from fiveguard.modelio.csvsites import read_sites, write_sites
from model_texts import BASE_CSV

HANG_GUARD_SECONDS = 120

ROWS = BASE_CSV.splitlines()[1:]


def with_columns(names: str, *values: str) -> str:
    """BASE_CSV with columns added after the others, one value per row."""
    header = BASE_CSV.splitlines()[0]
    lines = [f"{header},{names}"] + [f"{row},{v}" for row, v in zip(ROWS, values, strict=True)]
    return "\n".join(lines) + "\n"


class _HungError(Exception):
    pass


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Fail, rather than wait for ever, if reading takes far longer than it should."""

    def interrupt(signum: int, frame: object) -> None:
        raise _HungError(f"still reading after {HANG_GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_coordinates_and_an_authoritys_own_columns_are_kept_or_ignored(write_model, load) -> None:
    text = with_columns("latitude,longitude,site_ref", "50.85,4.35,BX-001", "-33.9,151.2,SY-7")
    model = load(write_model(csv_text=text))
    assert model.sites.latitude.tolist() == [50.85, -33.9]
    assert model.sites.longitude.tolist() == [4.35, 151.2]
    assert [str(n) for n in model.notes] == [
        "sites.csv:1:83: site_ref: note: 1 column fiveguard does not read is ignored: 'site_ref'; "
        "the columns read are id, operator, kind, product, name, region, sites, population, "
        "critical_services, sensitive, battery_hours, requires, managed_by, shared_with, site, "
        "capacity, installed, purchased, latitude, longitude"
    ]


def test_coordinates_may_be_left_empty_and_are_then_unknown(write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("latitude,longitude", "50.85,4.35", ",")))
    assert model.sites.latitude[0] == 50.85 and math.isnan(model.sites.latitude[1])
    assert model.notes == ()


def test_coordinates_out_of_range_are_located(write_model, model_problems) -> None:
    text = with_columns("latitude,longitude", "91,4.35", "45,-180.5")
    assert model_problems(write_model(csv_text=text)) == [
        "sites.csv:2:46: latitude: expected decimal degrees from -90 to 90, got 91",
        "sites.csv:3:49: longitude: expected decimal degrees from -180 to 180, got -180.5",
    ]


def test_coordinates_are_written_back(tmp_path: Path, write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("latitude,longitude", "50.85,4", ",")))
    out = tmp_path / "out.csv"
    write_sites(model.sites, out)
    assert out.read_text().splitlines()[0].endswith(",latitude,longitude")
    table, problems, _ = read_sites(out, "out.csv")
    assert problems == [] and table.equals(model.sites)
    assert np.array_equal(table.longitude, [4.0, np.nan], equal_nan=True)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Sensitive", "sensitive"), ("sensitve", "sensitive"), ("Battery Hours", "battery_hours")],
)
def test_a_slip_for_a_known_column_is_an_error_naming_it(
    write_model, model_problems, written: str, meant: str
) -> None:
    found = model_problems(write_model(csv_text=with_columns(written, "1", "2")))
    why = "" if written == "sensitve" else " (column names are lower case, with '_' between words)"
    assert found[-1] == (
        f"sites.csv:1:64: {written}: unknown column {written!r}; did you mean {meant!r}?{why}"
    )


def test_a_slip_for_a_required_column_is_not_also_reported_missing(
    write_model, model_problems
) -> None:
    text = BASE_CSV.replace("id,operator,", "ID,operator,", 1)
    assert model_problems(write_model(csv_text=text)) == [
        "model.yaml:18:8: sites[0]: cannot use site file 'sites.csv'",
        "sites.csv:1:1: ID: unknown column 'ID'; did you mean 'id'? (column names are lower "
        "case, with '_' between words)",
    ]


def test_a_column_like_a_known_one_already_present_is_ignored(write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("populations", "1", "2")))
    assert model.sites.population.tolist() == [500, 400]
    assert "'populations'" in str(model.notes[0])


def test_abbreviated_coordinates_are_ignored_with_the_name_to_use(write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("lat,lng,", "50.8,4.3,", "50.9,4.4,")))
    assert "3 columns fiveguard does not read are ignored: 'lat' (to read it, name it " in str(
        model.notes[0]
    )
    assert "'lng' (to read it, name it 'longitude'), column 11 (no name);" in str(model.notes[0])
    assert math.isnan(model.sites.latitude[0])


def test_a_header_of_thousands_of_columns_is_read_in_linear_time(
    tmp_path: Path, hang_guard: None
) -> None:
    width = 30_000
    extra = [f"extra_{i:05d}" for i in range(width)]
    header = ",".join(["id", "operator", "kind", *extra, *["population"] * 5_000])
    row = ",".join(["s1", "op", "ran.gnb", *["x"] * width, *["1"] * 5_000])
    path = tmp_path / "wide.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_sites(path, "wide.csv")
    second = header.index("population") + len("population,") + 1
    assert [str(p) for p in info.value.problems] == [
        f"wide.csv:1:{second}: population: column 'population' appears 5,000 times (first "
        "as column 30,004); name each column once"
    ]


def test_thousands_of_ignored_columns_make_one_short_note(tmp_path: Path, hang_guard: None) -> None:
    width = 30_000
    header = ",".join(["id", "operator", "kind", *[f"extra_{i:05d}" for i in range(width)]])
    path = tmp_path / "wide.csv"
    path.write_text(f"{header}\ns1,op,ran.gnb{',x' * width}\n", encoding="utf-8")
    table, problems, locator = read_sites(path, "wide.csv")
    assert problems == [] and table.id.tolist() == ["s1"]
    (note,) = locator.notes
    assert str(note).startswith(
        "wide.csv:1:18: extra_00000: note: 30,000 columns fiveguard does not read are ignored: "
        "'extra_00000', 'extra_00001',"
    )
    assert "'extra_00007' and 29,992 more; the columns read are id," in str(note)


def test_a_capacity_column_is_read_and_may_be_left_empty(write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("capacity", "0.5", "")))
    assert model.sites.capacity[0] == 0.5 and math.isnan(model.sites.capacity[1])
    assert model.sites.asset(0).capacity == 0.5 and model.sites.asset(1).capacity is None


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "0",
            "expected a number above 0 and at most 1 (the share of a pool's or a site's load "
            "the radio carries), got 0",
        ),
        (
            "1.5",
            "expected a number above 0 and at most 1 (the share of a pool's or a site's "
            "load the radio carries), got 1.5",
        ),
        (
            "-0.25",
            "expected a number above 0 and at most 1 (the share of a pool's or a site's "
            "load the radio carries), got -0.25",
        ),
        ("half", "expected a number, got 'half'"),
    ],
)
def test_a_capacity_outside_what_the_yaml_field_accepts_is_located(
    write_model, model_problems, cell: str, message: str
) -> None:
    found = model_problems(write_model(csv_text=with_columns("capacity", "1", cell)))
    assert found == [f"sites.csv:3:46: capacity: {message}"]


def test_capacities_are_written_back(tmp_path: Path, write_model, load) -> None:
    model = load(write_model(csv_text=with_columns("capacity", "0.25", "")))
    out = tmp_path / "out.csv"
    write_sites(model.sites, out)
    assert out.read_text().splitlines()[0].endswith(",capacity")
    table, problems, _ = read_sites(out, "out.csv")
    assert problems == [] and table.equals(model.sites)
    assert np.array_equal(table.capacity, [0.25, np.nan], equal_nan=True)


def test_a_pool_of_site_rows_short_of_its_load_is_refused_at_its_requirement(
    write_model, model_problems
) -> None:
    # a.s2 requires a pool of a.s1 (0.25, from the site file) and the AMF (its kind's, 1):
    # enough; at 0.25 each for two site rows it is not
    text = (
        "id,operator,kind,product,region,population,requires,managed_by,capacity\n"
        "a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,a.oss,0.25\n"
        "a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,a.oss,0.25\n"
        "a.s3,op-a,ran.gnb,gnb@2.0,R2,400,a.s1|a.s2,a.oss,\n"
    )
    found = model_problems(write_model(csv_text=text))
    assert any(
        "the pool's members carry 0.5 of its load together (a.s1 0.25, a.s2 0.25)" in p
        for p in found
    ), found
