"""RAN sharing in a model: a shared radio asset lists each sharing operator's own core
functions, or none; every problem says where and what to list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from model_texts import BASE_YAML

Problems = Callable[[Path], list[str]]

# op-a runs a.amf; op-b runs b.amf and shares op-a's sites; op-c runs c.amf and shares none
SHARING_YAML = BASE_YAML.replace(
    "  - {id: op-a, name: Operator A, subscribers: 1500}",
    "  - {id: op-a, name: Operator A, subscribers: 1500}\n"
    "  - {id: op-b, name: Operator B, subscribers: 500}\n"
    "  - {id: op-c, name: Operator C, subscribers: 100}",
).replace(
    "  - {id: a.ran,",
    "  - {id: b.amf, operator: op-b, kind: core.amf, product: amf@1.1}\n"
    "  - {id: c.amf, operator: op-c, kind: core.amf, product: amf@1.1}\n"
    "  - {id: a.ran,",
)
HEADER = "id,operator,kind,product,region,population,requires,managed_by,shared_with\n"


def _sites(requires: str, shared_with: str = "op-b") -> str:
    return HEADER + "".join(
        f"a.s{i},op-a,ran.gnb,gnb@2.0,R2,{p},{requires},a.oss,{shared_with}\n"
        for i, p in ((1, 500), (2, 400))
    )


def test_a_shared_site_listing_each_operators_core_is_valid(
    write_model, model_problems: Problems
) -> None:
    assert model_problems(write_model(SHARING_YAML, _sites("a.amf;b.amf"))) == []
    # listing no core at all is valid too: everyone on the site needs only the radio
    assert model_problems(write_model(SHARING_YAML, _sites(""))) == []


def test_a_shared_site_without_its_partners_core_is_an_error(
    write_model, model_problems: Problems
) -> None:
    assert model_problems(write_model(SHARING_YAML, _sites("a.amf"))) == [
        "sites.csv:2:34: requires: lists core functions of op-a but none of op-b (op-a runs "
        "it, shared with op-b): each operator's customers on a shared radio asset need "
        "their own operator's core, so list op-b's too (e.g. the AMF pool and the UPF "
        "serving the site's region) (2 rows)"
    ]


@pytest.mark.parametrize(
    ("requires", "message"),
    [
        (
            "a.amf|b.amf",
            "an any: group of core functions of several operators (a.amf is op-a's, b.amf is "
            "op-b's): on a shared radio asset each operator's customers need their own "
            "operator's core, so give each operator's core functions entries of their own",
        ),
        (
            "a.amf;b.amf;c.amf",
            "'c.amf' is a core function of op-c, which does not share this radio asset (op-a "
            "runs it, shared with op-b): list the core functions of the sharing operators "
            "only, or add op-c to shared_with",
        ),
    ],
    ids=["mixed group", "another operator's core"],
)
def test_core_entries_of_a_shared_site_are_each_one_sharing_operators(
    write_model, model_problems: Problems, requires: str, message: str
) -> None:
    found = model_problems(write_model(SHARING_YAML, _sites(requires)))
    assert found == [f"sites.csv:2:34: requires: {message} (2 rows)"]


@pytest.mark.parametrize(
    ("requires", "where", "message"),
    [
        ("[{any: [a.amf, b.amf]}]", "requires[0]", "an any: group of core functions of several"),
        ("[a.amf]", "requires", "lists core functions of op-a but none of op-b (op-a runs it"),
    ],
)
def test_a_declared_shared_asset_is_located_where_its_requires_are_written(
    write_model, model_problems: Problems, requires: str, where: str, message: str
) -> None:
    text = SHARING_YAML.replace(
        "population: 600, requires: [a.amf],",
        f"population: 600, shared_with: [op-b], requires: {requires},",
    )
    found = [p for p in model_problems(write_model(text)) if ": warning: " not in p]
    assert len(found) == 1, found
    assert found[0].startswith("model.yaml:21:")
    assert f": assets[4].{where}: {message}" in found[0]
