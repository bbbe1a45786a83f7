"""A bad value shared by many site rows is reported once, at its first row, with the
number of rows that have it: whatever the column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from model_texts import BASE_CSV, BASE_YAML

Problems = Callable[[Path], list[str]]

TWO_OPERATORS = BASE_YAML.replace(
    "subscribers: 1500}", "subscribers: 1500}\n  - {id: op-b, name: B, subscribers: 40}"
)


def rows(count: int, row: str) -> str:
    """``count`` site rows like ``row``, whose id is ``{i}``-numbered."""
    return "".join(row.format(i=i) + "\n" for i in range(count))


def test_an_undeclared_product_version_counts_its_rows(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV + rows(3, "a.x{i},op-a,ran.gnb,gnb@9.9,R2,10,a.amf,a.oss")
    assert model_problems(write_model(csv_text=csv)) == [
        "sites.csv:4:19: product: version '9.9' of 'gnb' is not declared; declared versions: "
        "2.0 (3 rows)"
    ]


def test_an_undeclared_product_counts_its_rows(write_model, model_problems: Problems) -> None:
    csv = BASE_CSV + rows(4, "a.x{i},op-a,ran.gnb,enb@1,R2,10,a.amf,a.oss")
    assert model_problems(write_model(csv_text=csv)) == [
        "sites.csv:4:19: product: 'enb' is not a declared product (4 rows)"
    ]


def test_an_undeclared_sharing_partner_counts_its_rows(
    write_model, model_problems: Problems
) -> None:
    csv = BASE_CSV.replace("managed_by\n", "managed_by,shared_with\n").replace(
        "a.oss\n", "a.oss,\n"
    ) + rows(5, "a.x{i},op-a,ran.gnb,gnb@2.0,R2,10,a.amf,a.oss,op-z")
    assert model_problems(write_model(csv_text=csv)) == [
        "sites.csv:4:45: shared_with: 'op-z' is not a declared operator (5 rows)"
    ]


def test_sharing_with_its_own_operator_is_found_on_every_operators_rows(
    write_model, model_problems: Problems
) -> None:
    """The same shared_with value is right on one operator's rows and wrong on another's."""
    csv = (
        BASE_CSV.replace("managed_by\n", "managed_by,shared_with\n").replace("a.oss\n", "a.oss,\n")
        + rows(2, "a.x{i},op-a,ran.gnb,gnb@2.0,R2,10,a.amf,a.oss,op-b")
        + rows(3, "b.x{i},op-b,ran.gnb,gnb@2.0,R2,10,a.amf,a.oss,op-b")
    )
    found = model_problems(write_model(TWO_OPERATORS, csv))
    assert [p for p in found if ": shared_with: " in p] == [
        "sites.csv:6:45: shared_with: an asset cannot be shared with its own operator (3 rows)"
    ]
