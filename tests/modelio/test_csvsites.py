"""Site CSV reading: the fast quote-free path reads exactly what the CSV parser reads."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.domain.errors import InputError
from fiveguard.modelio import csvsites
from fiveguard.modelio.csvsites import read_sites

HEADER = "id,operator,kind,region,population,requires"
cells = st.text(alphabet="abc.-1|;", min_size=0, max_size=6)


def write(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def as_rows(table) -> list[tuple]:
    return [
        (
            table.id[r],
            table.operator.value(r),
            table.region.value(r),
            int(table.population[r]),
            table.requires.value(r),
            int(table.line_of_row[r]),
        )
        for r in range(len(table))
    ]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 10**6), cells, cells), min_size=0, max_size=40),
    blank_every=st.integers(0, 7),
    crlf=st.booleans(),
    block=st.sampled_from([16, 64, 1 << 23]),
)
def test_fast_path_equals_csv_parser(tmp_path_factory, rows, blank_every, crlf, block) -> None:
    tmp_path = tmp_path_factory.mktemp("csv")
    lines = [HEADER]
    for i, (population, region, requires) in enumerate(rows):
        if blank_every and i % blank_every == 0:
            lines.append("")
        lines.append(f"s{i},op,ran.gnb,{region},{population},{requires}")
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    path = write(tmp_path, text)
    fast = _read(path, simple=True, block=block)
    slow = _read(path, simple=False, block=block)
    assert fast == slow


def _read(path: Path, simple: bool, block: int):
    """Read with the fast path on or off (``_has_quotes`` decides which path runs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvsites, "_has_quotes", lambda _path, _file: not simple)
        patch.setattr(csvsites, "BLOCK_CHARS", block)
        try:
            table, problems, _ = read_sites(path, "s.csv")
        except InputError as exc:
            return ("error", [str(p) for p in exc.problems])
        return (as_rows(table), [str(p) for p in problems])


def test_row_with_wrong_width_is_located_on_the_fast_path(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\ns1,op,ran.gnb,r,1,\ns2,op,ran.gnb,r,1\ns3,op,ran.gnb,r,1,\n")
    _, problems, _ = read_sites(path, "s.csv")
    assert [str(p) for p in problems] == [
        "s.csv:3:1: row has 5 fields, the header names 6: the last column (requires) has "
        "no value; an empty value still needs its comma"
    ]


@pytest.mark.parametrize("simple", [True, False])
def test_rows_of_a_wrong_width_are_grouped_across_blocks(tmp_path: Path, simple: bool) -> None:
    short = "".join(f"s{i},op,ran.gnb,r\n" for i in range(250))
    path = write(tmp_path, f"{HEADER}\ns,op,ran.gnb,r,1,\n{short}t,op,ran.gnb,r,1,,x,y\n")
    _, problems = _read(path, simple, block=64)
    assert problems == [
        "s.csv:3:1: row has 4 fields, the header names 6: the last 2 columns (population, "
        "requires) have no value; an empty value still needs its comma (250 rows, on "
        "lines 3, 4, 5, 6, 7, …)",
        "s.csv:253:1: row has 8 fields, the header names 6: 2 fields too many; a value holding "
        'a comma needs double quotes, "like, this"',
    ]


def test_nul_byte_is_a_located_problem(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\ns1,op,ran.gnb,r,1,\ns2,op,ran.\x00gnb,r,1,\n")
    _, problems, _ = read_sites(path, "s.csv")
    assert str(problems[0]).startswith("s.csv:3:7: kind: expected an identifier")


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\ns1,op,ran.gnb,r,1,\ns2,op,ran.gnb,r,7,")
    table, problems, _ = read_sites(path, "s.csv")
    assert problems == []
    assert table.id.tolist() == ["s1", "s2"]
    assert table.population.tolist() == [1, 7]


def test_quoted_fields_may_hold_commas(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,operator,kind,name\ns1,op,ran.gnb,"Site, north"\ns2,op,ran.gnb,x\n')
    table, problems, _ = read_sites(path, "s.csv")
    assert problems == []
    assert table.name.value(0) == "Site, north"
    assert table.line_of_row.tolist() == [2, 3]


def test_gzip_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "s.csv.gz"
    path.write_bytes(gzip.compress(f"{HEADER}\ns1,op,ran.gnb,r,5,\n".encode()))
    table, problems, _ = read_sites(path, "s.csv.gz")
    assert problems == [] and table.population.tolist() == [5]


def test_corrupt_gzip_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "s.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError) as info:
        read_sites(path, "s.csv.gz")
    assert str(info.value.problems[0]).startswith("s.csv.gz: cannot read site file")


def test_one_bad_value_shared_by_many_rows_is_reported_once(tmp_path: Path) -> None:
    rows = "".join(f"s{i},op,ran.gnb,r,1,a;;b\n" for i in range(50))
    _, problems, _ = read_sites(write(tmp_path, HEADER + "\n" + rows), "s.csv")
    assert len(problems) == 1
    assert str(problems[0]).startswith("s.csv:2:")
