"""Synthetic operators and the assets each declares: core, management, MANO, transport."""

from __future__ import annotations

from typing import Any

import numpy as np

from fiveguard.domain.network import AnyOf, Asset, Operator
from fiveguard.modelio.generate.plan import Plan
from fiveguard.modelio.generate.suppliers import LOW


def make_operators(rng: np.random.Generator, plan: Plan) -> tuple[Operator, ...]:
    """Operators with their subscribers; some roam nationally on the largest one."""
    out = []
    for k, ident in enumerate(plan.operator_ids):
        users = int(plan.people.own_users[k].sum())
        # subscribers: users reached by radio plus lines outside coverage or inactive
        subscribers = users + users // 25
        roams = k > 0 and (k == plan.people.guest or rng.random() < 0.4)
        out.append(
            Operator(
                id=ident,
                name=f"Operator {k + 1}",
                subscribers=subscribers,
                roaming=(plan.operator_ids[0],) if roams else (),
            )
        )
    return tuple(out)


def operator_assets(plan: Plan, k: int) -> list[Asset]:
    """One operator's core, management, orchestration and transport."""
    op = plan.operator_ids[k]
    choice = plan.core_supplier[k]

    def product(kind: str, supplier: int | None = None, pick: int = -1) -> str:
        sup = choice.get(kind, LOW) if supplier is None else supplier
        versions = plan.versions[(sup, kind)]
        return f"{plan.product_id(sup, kind)}@{versions[pick % len(versions)]}"

    def asset(name: str, kind: str, **fields: Any) -> Asset:
        return Asset(id=f"{op}.{name}", operator=op, kind=kind, **fields)

    vnfm = {"managed_by": f"{op}.vnfm"}
    upfs = tuple(f"{op}.upf-{c + 1}" for c in range(plan.clusters))
    any_upf: str | AnyOf = upfs[0] if len(upfs) == 1 else AnyOf(any=upfs)
    amfs = AnyOf(any=(f"{op}.amf-1", f"{op}.amf-2"))
    services = {"critical_services": ("public-safety",)} if k == 0 else {}
    assets = [
        asset("ipcore", "transport.ipcore", product=product("transport.ipcore", LOW),
              managed_by=f"{op}.oss"),
        asset("ipx", "interconnect", requires=(f"{op}.ipcore",)),
        asset("nrf", "core.nrf", product=product("core.nrf"), requires=(f"{op}.ipcore",), **vnfm),
        asset("udr", "core.udr", product=product("core.udr"), requires=(f"{op}.ipcore",), **vnfm),
        asset("udm", "core.udm", product=product("core.udm"), requires=(f"{op}.udr",), **vnfm),
        asset("ausf", "core.ausf", product=product("core.ausf"), requires=(f"{op}.udm",), **vnfm),
        asset("pcf", "core.pcf", product=product("core.pcf"),
              requires=(f"{op}.udr", f"{op}.nrf"), **vnfm),
        asset("nssf", "core.nssf", product=product("core.nssf"), requires=(f"{op}.nrf",),
              **vnfm, **services),
        asset("nef", "core.nef", product=product("core.nef"),
              requires=(f"{op}.nrf", f"{op}.udr"), **vnfm),
        # the two pool members may run different versions: a version fault then spares one
        asset("amf-1", "core.amf", product=product("core.amf", pick=0),
              requires=(f"{op}.nrf", f"{op}.ausf"), **vnfm),
        asset("amf-2", "core.amf", product=product("core.amf", pick=k),
              requires=(f"{op}.nrf", f"{op}.ausf"), **vnfm),
        *(asset(u.split(".", 1)[1], "core.upf", product=product("core.upf"),
                requires=(f"{op}.ipcore",), **vnfm) for u in upfs),
        asset("smf", "core.smf", product=product("core.smf"),
              requires=(f"{op}.nrf", f"{op}.pcf", any_upf), **vnfm),
        asset("sepp", "core.sepp", product=product("core.sepp"),
              requires=(f"{op}.nrf", f"{op}.ipx"), **vnfm),
        asset("ims", "ims", product=product("ims"), requires=(amfs, f"{op}.smf", f"{op}.pcf"),
              critical_services=("emergency-calls",), **vnfm),
        asset("li", "li", product=product("li"), requires=(f"{op}.ipcore",),
              managed_by=f"{op}.oss", critical_services=("public-safety",)),
        asset("oss", "mgmt.oss", product=product("mgmt.oss")),
        *(asset(f"ems-{plan.suppliers[s].id}", "mgmt.ems", product=product("mgmt.ems", s),
                managed_by=f"{op}.oss") for s in plan.ran_suppliers[k]),
        asset("nfvo", "mano.nfvo", product=product("mano.nfvo"), managed_by=f"{op}.oss"),
        asset("vnfm", "mano.vnfm", product=product("mano.vnfm"), managed_by=f"{op}.nfvo"),
        asset("vim", "mano.vim", product=product("mano.vim"), managed_by=f"{op}.nfvo"),
    ]  # fmt: skip
    for r in np.flatnonzero(plan.people.site_counts[k] > 0).tolist():
        region = plan.regions[r].id
        assets.append(
            asset(f"backhaul-{region}", "transport.backhaul",
                  product=product("transport.backhaul", LOW), region=region,
                  requires=(f"{op}.ipcore",), managed_by=f"{op}.oss")
        )  # fmt: skip
    return assets
