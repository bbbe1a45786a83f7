"""Small hand-built models for the assessment tests, made in memory (no files).

``build`` takes plain dicts shaped like a model file and rows for the site table, so a
test states exactly the facts its hand-computed result depends on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment
from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset, ModelDocument
from fiveguard.domain.sites import SiteTable

FACTORS = (
    "government_link",
    "legislation",
    "ownership",
    "pressure",
    "supply_assurance",
    "product_quality",
)


def supplier(
    ident: str,
    levels: Sequence[str | None] | str | None = "low",
    evidence: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A supplier with one level per factor (a single level for all; None leaves it out)."""
    if levels is None or isinstance(levels, str):
        levels = [levels] * len(FACTORS)
    profile = {
        factor: {
            "score": level,
            "rationale": f"{factor} is {level}",
            "evidence": list((evidence or {}).get(factor, ())),
        }
        for factor, level in zip(FACTORS, levels, strict=True)
        if level is not None
    }
    return {
        "id": ident,
        "name": ident.title(),
        "headquarters": "SE",
        "ownership": "listed",
        "profile": profile,
    }


def product(
    ident: str, supplier_id: str, kind: str, versions: Sequence[str] = ("1",)
) -> dict[str, Any]:
    return {
        "id": ident,
        "supplier": supplier_id,
        "name": ident,
        "kind": kind,
        "versions": list(versions),
    }


def operator(ident: str, subscribers: int = 1000, **more: Any) -> dict[str, Any]:
    return {"id": ident, "name": ident.upper(), "subscribers": subscribers, **more}


def site(ident: str, op: str, product_ref: str | None, **fields: Any) -> Asset:
    """A radio site row (one site by default)."""
    values: dict[str, Any] = {
        "id": ident,
        "operator": op,
        "kind": "ran.gnb",
        "product": product_ref,
        "sites": 1,
    }
    values.update(fields)
    return Asset(**values)


def build(
    *,
    suppliers: Iterable[dict[str, Any]],
    products: Iterable[dict[str, Any]],
    operators: Iterable[dict[str, Any]],
    assets: Iterable[dict[str, Any]] = (),
    sites: Sequence[Asset] = (),
    population: int = 10_000,
    as_of: str = "2026-06-30",
    **sections: Any,
) -> NetworkModel:
    """A model from plain data; one region holding ``population`` people."""
    document = ModelDocument.model_validate(
        {
            "fiveguard": 1,
            "scope": {"country": "XR", "name": "Test", "as_of": as_of},
            "regions": [{"id": "R1", "name": "Region", "population": population}],
            "suppliers": list(suppliers),
            "products": list(products),
            "operators": list(operators),
            "assets": list(assets),
            **sections,
        }
    )
    return NetworkModel(document, SiteTable.from_assets(list(sites)))


def run(
    model: NetworkModel,
    policy: RestrictionPolicy | dict[str, Any] | None = None,
    catalogue: Catalogue | None = None,
    **kwargs: Any,
) -> Assessment:
    """Assess with the packaged catalogue (or ``catalogue``) and a policy given as data."""
    cat = catalogue or default_catalogue()
    if isinstance(policy, dict):
        policy = RestrictionPolicy.model_validate(
            {"id": "test", "title": "Test", "source": "test", **policy}
        )
    return assess(model, cat, policy, **kwargs)
