"""Hypothesis strategies: random valid national models (dependency DAGs) and event sets.

A model has a few regions, suppliers with random profiles, products in one or two
versions, operators with random roaming partners and measure records, declared core,
management and transport assets whose ``requires`` and ``managed_by`` point only to
earlier assets (so the graphs are acyclic), and radio assets drawn from a few templates
and repeated, so that the engine's asset classes hold several assets; some templates are
wireline access (people who never roam, declared in YAML). Some radio assets are CSV site
rows, some declared; a declared radio asset may be required by another; some
radio assets are shared with other operators (``shared_with``), usually requiring each
sharing operator's own core functions besides random entries, and operators' subscribers
(which split a shared asset's people) are uneven, equal or all zero. Up to two MVNOs are
hosted by random operators. Some operators give their lines by type, IoT lines among them.
Some radio templates stand on sites (``site``) with a radio of another kind, product and
requirements; up to two operators serve their customers in some regions on another's
radio by national roaming, needing some of their own assets there.

Situations the engine handles apart are made frequent on purpose:

- *twins*: identical core or transport assets nothing depends on, so that they form one
  asset class and a misconfiguration and an independent failure can hit the same one of
  them in the same year (the engine must count it once);
- service functions (IMS, the subscriber database, the SMS centre, emergency routing) in
  pools of one operator, twins among them, so that a pool is all down now and then;
- a roaming partner whose radios in a region are copies of one template (one class of
  several assets), and event sets that take down every radio asset of an operator in a
  region one by one (the engine must see that the partner offers no cover there).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from fiveguard.domain.base import Level
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import (
    AnyOf,
    Asset,
    FactorScore,
    MeasureRecord,
    MeasureStatus,
    ModelDocument,
    NationalRoaming,
    Operator,
    Ownership,
    Product,
    Region,
    Scope,
    SubscriberLines,
    Supplier,
    SupplierProfile,
)
from fiveguard.domain.sites import SiteTable
from fiveguard.simulate.events import Event, EventType, Mode

CORE_KINDS = ("core.amf", "core.smf", "core.upf", "transport.ipcore", "li")
SERVICE_KINDS = (
    "core.udm",
    "core.hss",
    "ims",
    "core.msc",
    "core.smsf",
    "smsc",
    "emergency-routing",
)
"""Kinds the catalogue's services need (voice, data, SMS, emergency calls)."""
SERVICE_NEEDS = (
    {},
    {},
    {"voice": (("ims",),), "data": (("core.udm", "core.amf"), ("core.upf",))},
    {"emergency": (("emergency-routing",),), "sms": ()},
)
"""An operator's own service pools, replacing the catalogue's (mostly none)."""
TWIN_KINDS = ("core.upf", "transport.backhaul", "transport.ipcore", "ims", "core.udm")
"""Kinds in the misconfiguration's target domains (core, transport)."""
MANAGER_KINDS = ("mgmt.oss", "mgmt.ems")
RADIO_KINDS = ("ran.gnb", "ran.du")
WIRELINE_KINDS = ("wireline.olt",)
"""Access that serves people but never roams (declared only, never shared)."""
BATTERIES = (None, 0.0, 1.0, 2.0, 2.5, 4.0, 8.0)
SERVICES = ((), (), ("health",), ("emergency-calls", "energy"))
FACTORS = ("government_link", "legislation", "ownership", "pressure", "product_quality")


@st.composite
def models(draw: st.DrawFn, max_declared: int = 10, max_templates: int = 4) -> NetworkModel:
    """A random valid model."""
    n_regions = draw(st.integers(1, 3))
    regions = tuple(
        Region(id=f"R{i}", name=f"Region {i}", population=10**8) for i in range(n_regions)
    )
    n_suppliers = draw(st.integers(1, 3))
    suppliers = tuple(_supplier(draw, i) for i in range(n_suppliers))
    products = []
    for kind in (*CORE_KINDS, *SERVICE_KINDS, *MANAGER_KINDS, *RADIO_KINDS, *WIRELINE_KINDS):
        for s in range(n_suppliers):
            if draw(st.booleans()):
                versions = ("1.0", "2.0")[: draw(st.integers(1, 2))]
                products.append(
                    Product(
                        id=f"p-{kind}-{s}", supplier=f"s{s}", name="P", kind=kind, versions=versions
                    )
                )
    n_operators = draw(st.integers(1, 3))
    operator_ids = [f"op{i}" for i in range(n_operators)]
    roam_all = draw(st.booleans())
    subscribers = draw(st.sampled_from(((1000,) * 3, (0,) * 3, (3000, 1000, 7), (1, 2, 2))))
    # machine lines, which are not people and do not weigh in a shared site's split
    machines = draw(st.sampled_from(((0,) * 3, (5000, 0, 0), (0, 3, 900))))
    operators = tuple(
        Operator(
            id=o,
            name=o,
            subscribers=subscribers[i] + machines[i],
            lines=SubscriberLines(personal=subscribers[i], iot=machines[i])
            if machines[i] or draw(st.booleans())
            else None,
            roaming=tuple(p for p in operator_ids if p != o and (roam_all or draw(st.booleans()))),
            service_needs=draw(st.sampled_from(SERVICE_NEEDS)),
        )
        for i, o in enumerate(operator_ids)
    )
    # MVNOs: no network of their own, their customers on a host's
    operators += tuple(
        Operator(
            id=f"mvno{j}",
            name=f"mvno{j}",
            subscribers=draw(st.sampled_from((0, 1, 500, 2000))),
            hosted_by=draw(st.sampled_from(operator_ids)),
        )
        for j in range(draw(st.integers(0, 2)))
    )

    def shared_with(operator: str) -> tuple[str, ...]:
        others = [o for o in operator_ids if o != operator]
        if not others or draw(st.integers(0, 2)):
            return ()
        return tuple(draw(st.lists(st.sampled_from(others), min_size=1, unique=True)))

    def product_of(kind: str) -> str | None:
        choices = [p for p in products if p.kind == kind]
        if not choices or not draw(st.booleans()):
            return None
        p = draw(st.sampled_from(choices))
        return f"{p.id}@{draw(st.sampled_from(p.versions))}"

    declared: list[Asset] = []
    for i in range(draw(st.integers(1, max_declared))):
        kind = draw(
            st.sampled_from(
                (*CORE_KINDS, *SERVICE_KINDS, *MANAGER_KINDS, *RADIO_KINDS, *WIRELINE_KINDS)
            )
        )
        earlier = [a.id for a in declared]
        managers = [a.id for a in declared if a.kind in MANAGER_KINDS]
        radio = kind in RADIO_KINDS
        access = radio or kind in WIRELINE_KINDS
        operator = draw(st.sampled_from(operator_ids))
        partners = shared_with(operator) if radio else ()
        declared.append(
            Asset(
                id=f"a{i}",
                operator=operator,
                kind=kind,
                product=product_of(kind),
                region=draw(st.sampled_from([r.id for r in regions]))
                if radio or draw(st.booleans())
                else None,
                sites=draw(st.integers(0, 3)) if access else 0,
                population=draw(st.integers(0, 500)) if access else 0,
                battery_hours=draw(st.sampled_from(BATTERIES)),
                requires=_requirements(draw, earlier)
                + _own_cores(draw, declared, (operator, *partners)),
                managed_by=draw(st.sampled_from([None, *managers])),
                critical_services=draw(st.sampled_from(SERVICES)),
                shared_with=partners,
            )
        )
    site_rows: list[Asset] = []
    earlier = [a.id for a in declared]
    managers = [a.id for a in declared if a.kind in MANAGER_KINDS]
    for t in range(draw(st.integers(1, max_templates))):
        operator = draw(st.sampled_from(operator_ids))
        kind = draw(st.sampled_from(RADIO_KINDS)) if draw(st.integers(0, 3)) else WIRELINE_KINDS[0]
        partners = shared_with(operator) if kind in RADIO_KINDS else ()
        template = dict(
            operator=operator,
            kind=kind,
            region=draw(st.sampled_from([r.id for r in regions])),
            battery_hours=draw(st.sampled_from(BATTERIES)),
            requires=_requirements(draw, earlier)
            + _own_cores(draw, declared, (operator, *partners) if partners else ()),
            managed_by=draw(st.sampled_from([None, *managers])),
            critical_services=draw(st.sampled_from(SERVICES)),
            shared_with=partners,
        )
        product = product_of(str(template["kind"]))
        # mostly copies of one template (one class), now and then one that differs
        uniform = draw(st.booleans())
        # now and then each copy stands on a site with a radio of another generation
        masts = template["kind"] in RADIO_KINDS and not draw(st.integers(0, 2))
        for j in range(draw(st.integers(1, 4))):
            sites, population = draw(st.integers(1, 2)), draw(st.integers(0, 400))
            site_rows.append(
                Asset(
                    id=f"site-{t}-{j}",
                    product=product
                    if uniform or draw(st.integers(0, 4))
                    else product_of(str(template["kind"])),
                    sites=sites,
                    population=population,
                    site=f"mast-{t}-{j}" if masts else None,
                    **template,  # type: ignore[arg-type]
                )
            )
            if masts:
                other = draw(st.sampled_from(RADIO_KINDS))
                site_rows.append(
                    Asset(
                        id=f"site-{t}-{j}-b",
                        product=product_of(other),
                        sites=sites,
                        population=population,
                        site=f"mast-{t}-{j}",
                        **{  # type: ignore[arg-type]
                            **template,
                            "kind": other,
                            "requires": _requirements(draw, earlier)
                            + _own_cores(draw, declared, (operator, *partners) if partners else ()),
                        },
                    )
                )
    in_csv = [a for a in site_rows if a.kind in RADIO_KINDS and draw(st.booleans())]
    declared += [a for a in site_rows if a not in in_csv]
    # twins: identical core or transport assets that nothing depends on (declared last)
    if draw(st.booleans()):
        kind = draw(st.sampled_from(TWIN_KINDS))
        twin = dict(
            operator=draw(st.sampled_from(operator_ids)),
            kind=kind,
            product=product_of(kind),
            region=draw(st.sampled_from([None, *(r.id for r in regions)])),
            battery_hours=draw(st.sampled_from(BATTERIES)),
            requires=_requirements(draw, earlier),
            managed_by=draw(st.sampled_from([None, *managers])),
        )
        for j in range(draw(st.integers(2, 3))):
            declared.append(Asset(id=f"twin-{j}", **twin))  # type: ignore[arg-type]
    operators = _national_roaming(draw, operators, operator_ids, regions, declared)
    measures = tuple(
        MeasureRecord(measure=m, operator=o, status=draw(st.sampled_from(list(MeasureStatus))))
        for m in ("TM07", "TM11", "TM05", "SM04")
        for o in (None, *operator_ids)
        if draw(st.integers(0, 2)) == 0
    )
    document = ModelDocument(
        fiveguard=1,
        scope=Scope(country="XR", name="random", as_of=dt.date(2026, 1, 1)),
        regions=regions,
        suppliers=suppliers,
        products=tuple(products),
        operators=operators,
        assets=tuple(declared),
        measures=measures,
    )
    return NetworkModel(document, SiteTable.from_assets(in_csv))


def _national_roaming(
    draw: st.DrawFn,
    operators: tuple[Operator, ...],
    operator_ids: list[str],
    regions: tuple[Region, ...],
    declared: list[Asset],
) -> tuple[Operator, ...]:
    """Up to two operators' customers served in some regions on another's radio, needing
    some of their own declared assets there; a host is never a guest itself."""
    if len(operator_ids) < 2:
        return operators
    guests = draw(st.lists(st.sampled_from(operator_ids), max_size=2, unique=True))
    hosts = [o for o in operator_ids if o not in guests]
    if not hosts:
        return operators
    out = []
    for o in operators:
        if o.id not in guests:
            out.append(o)
            continue
        own = [a.id for a in declared if a.operator == o.id]
        deal = NationalRoaming(
            host=draw(st.sampled_from(hosts)),
            regions=tuple(
                draw(st.lists(st.sampled_from([r.id for r in regions]), min_size=1, unique=True))
            ),
            requires=_requirements(draw, own),
        )
        out.append(o.model_copy(update={"national_roaming": (deal,)}))
    return tuple(out)


def _supplier(draw: st.DrawFn, index: int) -> Supplier:
    scores = {
        f: FactorScore(score=draw(st.sampled_from(list(Level))), rationale="r")
        for f in FACTORS
        if draw(st.booleans())
    }
    return Supplier(
        id=f"s{index}",
        name=f"Supplier {index}",
        headquarters="SE",
        ownership=Ownership.LISTED,
        profile=SupplierProfile(**scores),
    )


def _requirements(draw: st.DrawFn, earlier: list[str]) -> tuple[str | AnyOf, ...]:
    if not earlier:
        return ()
    out: list[str | AnyOf] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(earlier)))
        else:
            members = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            out.append(AnyOf(any=tuple(members)))
    return tuple(out)


def _own_cores(
    draw: st.DrawFn, declared: list[Asset], operators: tuple[str, ...]
) -> tuple[str | AnyOf, ...]:
    """Usually, for a shared radio asset, one entry of core functions per sharing operator
    (its own, one of them or an ``any:`` pool of them), as validation asks."""
    if len(operators) < 2 or not draw(st.integers(0, 3)):
        return ()
    out: list[str | AnyOf] = []
    for operator in operators:
        own = [a.id for a in declared if a.operator == operator and a.kind.startswith("core.")]
        if not own:
            continue
        members = draw(st.lists(st.sampled_from(own), min_size=1, max_size=2, unique=True))
        out.append(members[0] if len(members) == 1 else AnyOf(any=tuple(members)))
    return tuple(out)


@st.composite
def scenarios(draw: st.DrawFn, model: NetworkModel, max_events: int = 4) -> list[Event]:
    """A random set of forced events on ``model``'s suppliers, versions, assets, regions;
    often with every radio asset of one operator in one region taken down one by one
    (preferably a roaming partner's, where another operator's users would roam)."""
    doc = model.document
    assets = list(model.table.ids.tolist())
    versions = [f"{p.id}@{v}" for p in doc.products for v in p.versions]
    operators = [o.id for o in doc.operators]
    events = draw(radio_wipe(model)) if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, max_events))):
        kind = draw(st.sampled_from(list(EventType)))
        if kind is EventType.SUPPLIER_UPDATE:
            reach = draw(st.none() | st.lists(st.sampled_from(operators), unique=True).map(tuple))
            events.append(
                Event(
                    kind,
                    draw(st.sampled_from([s.id for s in doc.suppliers])),
                    mode=draw(st.sampled_from(list(Mode))),
                    operators=reach,
                )
            )
        elif kind is EventType.SUPPLIER_FAULT:
            events.append(Event(kind, draw(st.sampled_from([s.id for s in doc.suppliers]))))
        elif kind is EventType.PRODUCT_FAULT and versions:
            events.append(Event(kind, draw(st.sampled_from(versions))))
        elif kind is EventType.ASSET_DOWN:
            events.append(Event(kind, str(draw(st.sampled_from(assets)))))
        elif kind is EventType.CHANGE_PUSH:
            choices = sorted({model.asset(i).kind for i in range(model.asset_count)})
            choices += [p.id for p in doc.products] + versions
            selector = draw(st.sampled_from(choices))
            events.append(Event(kind, f"{draw(st.sampled_from(operators))}/{selector}"))
        elif kind is EventType.LIMIT_REACHED and doc.products:
            product = draw(st.sampled_from([p.id for p in doc.products]))
            where = draw(st.sampled_from(["", *(f"{o}/" for o in operators)]))
            events.append(Event(kind, where + product))
        elif kind is EventType.STORM:
            events.append(Event(kind, draw(st.sampled_from(operators))))
        elif kind is EventType.REGION_POWER:
            hours = draw(st.sampled_from((0.5, 1.0, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0, 12.5, 100.0)))
            events.append(
                Event(kind, draw(st.sampled_from([r.id for r in doc.regions])), hours=hours)
            )
    return events


@st.composite
def radio_wipe(draw: st.DrawFn, model: NetworkModel) -> list[Event]:
    """``asset-down`` on every radio asset of one operator in one region, a roaming
    partner's when there is one: where the partner's radios there are one class of several
    assets, they are all down one by one, and the partner offers no cover."""
    return [Event(EventType.ASSET_DOWN, a) for a in _radio_cell(draw, model)]


def _radio_cell(draw: st.DrawFn, model: NetworkModel) -> list[str]:
    """Every radio asset of one (operator, region), a roaming partner's when there is one."""
    radios = [
        model.asset(i) for i in range(model.asset_count) if model.asset(i).kind in RADIO_KINDS
    ]
    cells: dict[tuple[str, str | None], list[str]] = {}
    for a in radios:
        cells.setdefault((a.operator, a.region), []).append(a.id)
    if not cells:
        return []
    partners = {p for o in model.document.operators for p in o.roaming}
    preferred = sorted((c for c in cells if c[0] in partners), key=str) or sorted(cells, key=str)
    return cells[draw(st.sampled_from(preferred))]
