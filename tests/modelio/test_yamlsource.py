"""YAML reading: positions of every value, YAML 1.2 scalars, guarded expansion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fiveguard.domain.errors import InputError
from fiveguard.modelio import yamlsource
from fiveguard.modelio.yamlsource import Unreadable, parse_yaml, read_yaml


def test_positions_are_recorded_for_nested_values() -> None:
    source = parse_yaml("a:\n  b: [1, 2]\n  c: {d: x}\n", "f.yaml")
    assert source.marks[("a", "b", 1)] == (2, 10)
    assert source.marks[("a", "c", "d")] == (3, 10)
    location = source.locate(("a", "c", "missing"))
    assert (location.line, location.col, location.path) == (3, 6, "a.c.missing")


def test_yaml_12_booleans_and_numbers() -> None:
    data = parse_yaml("a: NO\nb: yes\nc: true\nd: 012\ne: 12\nf: 2026-01-02\ng: on\n", "f").data
    assert data == {
        "a": "NO",
        "b": "yes",
        "c": True,
        "d": "012",
        "e": 12,
        "f": dt.date(2026, 1, 2),
        "g": "on",
    }


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert str(info.value.problems[0]) == (
        "f.yaml:3:1: a: duplicate key 'a': given already on line 1; write each key once"
    )


def test_invalid_date_is_located() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("when: 2026-02-31\n", "f.yaml")
    message = str(info.value.problems[0])
    assert message.startswith("f.yaml:1:7: when: not a valid date: '2026-02-31'")


def test_reading_a_users_file_collects_unreadable_values_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("when: 2026-02-31\nb: [x, 2027-31-12]\nc: 1\nc: 2\nd: ok\n", encoding="utf-8")
    source = read_yaml(path, "f.yaml")
    assert source.data == {
        "when": Unreadable("2026-02-31"),
        "b": ["x", Unreadable("2027-31-12")],
        "c": 1,
        "d": "ok",
    }
    assert [str(p) for p in source.problems] == [
        "f.yaml:1:7: when: not a valid date: '2026-02-31' (day is out of range for month)",
        "f.yaml:2:8: b[1]: not a valid date: '2027-31-12' (month must be in 1..12)",
        "f.yaml:4:1: c: duplicate key 'c': given already on line 3; write each key once",
    ]


def test_numbers_with_a_decimal_point_keep_how_they_were_written() -> None:
    source = parse_yaml("versions: [10.10, 11.0, 3]\n", "f.yaml")
    assert source.data == {"versions": [10.1, 11.0, 3]}
    assert source.floats == {("versions", 0): "10.10", ("versions", 1): "11.0"}


def billion_laughs(levels: int) -> str:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghijklmnopqrstuvwxyz"[:levels]:
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join([f'*{prev}'] * 10)}]\n"
    return bomb


def test_alias_bomb_is_stopped_quickly() -> None:
    # ten levels expand to 10^11 values; refused after 100,000 repeats, in well under
    # a second of work
    with pytest.raises(InputError) as info:
        parse_yaml(billion_laughs(10), "bomb.yaml")
    assert "aliases expand to more than 100,000 repeated values" in str(info.value)


def test_a_few_aliases_are_fine() -> None:
    data = parse_yaml("base: &b {x: 1}\nothers: [*b, *b, *b]\n", "ok.yaml").data
    assert data["others"] == [{"x": 1}] * 3


def test_huge_documents_are_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_NODES", 1000)
    with pytest.raises(InputError) as info:
        parse_yaml("a: [" + ", ".join(["1"] * 2000) + "]\n", "big.yaml")
    assert "expands to more than 1,000 values" in str(info.value)


def test_deep_nesting_is_stopped() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: " + "[" * 300 + "]" * 300 + "\n", "deep.yaml")
    assert "nested deeper than" in str(info.value)


def test_merge_keys_are_rejected() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert "merge keys" in str(info.value)


def test_non_scalar_keys_are_rejected() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("? [a, b]\n: 1\n", "k.yaml")
    assert "a key must be a plain name" in str(info.value)
