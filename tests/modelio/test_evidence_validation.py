"""Evidence records in a model: what they name is declared, and their fields are the
fields of their own type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from model_texts import BASE_YAML

Problems = Callable[[Path], list[str]]

EVIDENCE_LINE = "  - {id: ev-1, type: audit, title: An audit, subject: op-a}\n"


def with_record(record: str) -> str:
    """The base model with one more evidence record, written on line 23."""
    assert BASE_YAML.endswith(EVIDENCE_LINE)
    return BASE_YAML + f"  - {record}\n"


def column_of(record: str, text: str) -> int:
    """The column where ``text`` starts on the record's line."""
    return len("  - ") + record.index(text) + 1


@pytest.mark.parametrize(
    "record",
    [
        "{id: ev-2, type: assurance-statement, title: S, level: limited, products: [amf@9.9]}",
        "{id: ev-2, type: certificate, title: C, scheme: S, identifier: I, "
        "valid_from: 2025-01-01, valid_to: 2027-01-01, products: [amf@9.9]}",
        "{id: ev-2, type: evaluation, title: E, scheme: S, result: pass, products: [amf@9.9]}",
    ],
)
def test_every_record_naming_product_versions_names_declared_ones(
    write_model, model_problems: Problems, record: str
) -> None:
    column = column_of(record, "amf@9.9")
    assert model_problems(write_model(with_record(record))) == [
        f"model.yaml:23:{column}: evidence[1].products[0]: version '9.9' of 'amf' is not "
        "declared; declared versions: 1.0, 1.1"
    ]


def test_an_assurance_statement_on_a_declared_version_is_valid(
    write_model, model_problems: Problems
) -> None:
    record = "{id: ev-2, type: assurance-statement, title: S, level: limited, products: [amf@1.1]}"
    assert model_problems(write_model(with_record(record))) == []


def test_an_assurance_statement_naming_an_undeclared_product(
    write_model, model_problems: Problems
) -> None:
    record = "{id: ev-2, type: assurance-statement, title: S, level: none, products: [upf@1]}"
    assert model_problems(write_model(with_record(record))) == [
        f"model.yaml:23:{column_of(record, 'upf@1')}: evidence[1].products[0]: 'upf' is not a "
        "declared product"
    ]


def test_an_unknown_field_lists_the_fields_of_that_record_type(
    write_model, model_problems: Problems
) -> None:
    record = "{id: ev-2, type: assurance-statement, title: S, level: none, lvl: none}"
    (message,) = model_problems(write_model(with_record(record)))
    assert message == (
        f"model.yaml:23:{column_of(record, 'lvl: ') + 5}: evidence[1].lvl: unknown field 'lvl'; expected one of: date, id, "
        "issuer, level, link, note, products, sha256, subject, title, type"
    )


def test_an_unknown_field_of_a_document_lists_a_documents_fields(
    write_model, model_problems: Problems
) -> None:
    text = BASE_YAML.replace("title: An audit,", "title: An audit, severity: high,")
    (message,) = model_problems(write_model(text))
    assert message.endswith(
        "evidence[0].severity: unknown field 'severity'; expected one of: date, id, issuer, "
        "link, note, sha256, subject, title, type"
    )
