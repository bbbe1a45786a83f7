"""Member states for the federated tests, and the one model of their networks together.

:func:`as_state` turns a national model into member state ``country``'s: every id
prefixed with the country (so states never share an asset, operator or region), every
operator given the country, every supplier given the registry id its index in the
strategies' naming implies (``s0`` in every state is the same company) and products
named by kind (the product half of a version's canonical key). National measure records
are left out: in a model of several states they would apply to every state's operators.
:func:`merged` is the union of such states, one model of the states' networks together.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf, Asset, ModelDocument, Operator, Requirement
from fiveguard.domain.sites import SiteTable


def _requires(requires: tuple[Requirement, ...], p: str) -> tuple[Requirement, ...]:
    return tuple(
        AnyOf(any=tuple(p + m for m in r.any)) if isinstance(r, AnyOf) else p + r for r in requires
    )


def _asset(a: Asset, p: str) -> Asset:
    def ref(x: str) -> str:
        return p + x

    return a.model_copy(
        update={
            "id": ref(a.id),
            "operator": ref(a.operator),
            "product": ref(a.product) if a.product else None,
            "region": ref(a.region) if a.region else None,
            "requires": _requires(a.requires, p),
            "managed_by": ref(a.managed_by) if a.managed_by else None,
            "shared_with": tuple(ref(o) for o in a.shared_with),
            "site": ref(a.site) if a.site else None,
        }
    )


OPERATOR_REFERENCES = ("roaming", "hosted_by")
"""Fields of an operator naming other operators (those the model has); its national
roaming names an operator, regions and assets, all prefixed too."""


def _operator(o: Operator, p: str, country: str) -> Operator:
    data = o.model_dump()
    data.update(id=p + o.id, country=country)
    for name in OPERATOR_REFERENCES:
        value = data.get(name)
        if isinstance(value, str):
            data[name] = p + value
        elif isinstance(value, list | tuple):
            data[name] = [p + v for v in value]
    data["national_roaming"] = [
        {
            "host": p + deal.host,
            "regions": [p + r for r in deal.regions],
            "requires": [
                {"any": [p + m for m in r.any]} if isinstance(r, AnyOf) else p + r
                for r in deal.requires
            ],
        }
        for deal in o.national_roaming
    ]
    return Operator.model_validate(data)


def as_state(model: NetworkModel, country: str) -> NetworkModel:
    """``model`` as member state ``country``'s (see the module's docstring)."""
    p = f"{country.lower()}-"
    doc = model.document
    document = doc.model_copy(
        update={
            "scope": doc.scope.model_copy(update={"country": country}),
            "regions": tuple(r.model_copy(update={"id": p + r.id}) for r in doc.regions),
            "suppliers": tuple(
                s.model_copy(update={"id": p + s.id, "registry_id": f"EU:{s.id.upper()}"})
                for s in doc.suppliers
            ),
            "products": tuple(
                x.model_copy(
                    update={"id": p + x.id, "supplier": p + x.supplier, "name": f"P {x.kind}"}
                )
                for x in doc.products
            ),
            "operators": tuple(_operator(o, p, country) for o in doc.operators),
            "assets": tuple(_asset(a, p) for a in doc.assets),
            "measures": tuple(
                m.model_copy(update={"operator": p + m.operator})
                for m in doc.measures
                if m.operator is not None
            ),
        }
    )
    sites = [_asset(model.sites.asset(i), p) for i in range(len(model.sites))]
    return NetworkModel(
        ModelDocument.model_validate(document.model_dump()), SiteTable.from_assets(sites)
    )


def merged(states: Sequence[NetworkModel]) -> NetworkModel:
    """One model of ``states``' networks together (their ids are disjoint)."""
    first = states[0].document

    def union(name: str) -> tuple[object, ...]:
        return tuple(x for s in states for x in getattr(s.document, name))

    together = first.model_copy(
        update={
            name: union(name)
            for name in ("regions", "suppliers", "products", "operators", "assets", "measures")
        }
    )
    sites = [s.sites.asset(i) for s in states for i in range(len(s.sites))]
    return NetworkModel(
        ModelDocument.model_validate(together.model_dump()), SiteTable.from_assets(sites)
    )
