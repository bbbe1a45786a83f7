"""Synthetic suppliers: the demo's five archetypes and random extras, what each makes.

Also the asset kinds suppliers make (core, management, radio, transport) and the
indices of the low-profile and high-profile supplier every model has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiveguard.domain.base import Level
from fiveguard.domain.network import FactorScore, Ownership, Supplier, SupplierProfile

CORE_KINDS = (
    "core.nrf",
    "core.udr",
    "core.udm",
    "core.ausf",
    "core.pcf",
    "core.nssf",
    "core.nef",
    "core.amf",
    "core.upf",
    "core.smf",
    "core.sepp",
    "ims",
    "li",
)
MANAGEMENT_KINDS = ("mgmt.oss", "mano.nfvo", "mano.vnfm", "mano.vim")
RADIO_KINDS = ("ran.gnb", "mgmt.ems")
TRANSPORT_KINDS = ("transport.ipcore", "transport.backhaul")

FACTORS = (
    "government_link",
    "legislation",
    "ownership",
    "pressure",
    "supply_assurance",
    "product_quality",
)
L, M, H = Level.LOW, Level.MEDIUM, Level.HIGH


@dataclass(frozen=True)
class SupplierTemplate:
    """A kind of supplier: its profile, home and what it makes."""

    role: str
    headquarters: str
    ownership: Ownership
    levels: tuple[Level, ...]  # one per factor, in FACTORS order
    radio: bool
    core: bool
    transport: bool


# The five archetypes of the demo, in order; suppliers beyond five get random profiles.
# Headquarters: EU states for the EU archetypes, user-assigned codes for fictional
# non-EU states, so no real country is judged by synthetic data.
TEMPLATES = (
    SupplierTemplate("an EU-headquartered listed vendor", "FI", Ownership.LISTED,
                     (L, L, L, L, M, L), radio=True, core=True, transport=True),
    SupplierTemplate("a non-EU vendor with state links", "XT", Ownership.STATE_LINKED,
                     (H, H, H, H, M, H), radio=True, core=True, transport=False),
    SupplierTemplate("a mid-profile non-EU vendor", "XV", Ownership.LISTED,
                     (M, M, L, M, L, M), radio=True, core=False, transport=True),
    SupplierTemplate("an Open RAN entrant", "EE", Ownership.PRIVATE,
                     (L, L, M, L, H, L), radio=True, core=False, transport=False),
    SupplierTemplate("a core and cloud software vendor", "IE", Ownership.LISTED,
                     (L, M, L, L, L, M), radio=False, core=True, transport=False),
)  # fmt: skip
EXTRA_HEADQUARTERS = ("DE", "FR", "NL", "XU", "XW", "SE", "PL", "XY")
LOW, HIGH = 0, 1
"""Indices of the low-profile and the high-profile supplier (both always present)."""


def kinds_made(template: SupplierTemplate) -> tuple[str, ...]:
    """The asset kinds a supplier built from ``template`` makes, one product each."""
    return (
        (RADIO_KINDS if template.radio else ())
        + ((*CORE_KINDS, *MANAGEMENT_KINDS) if template.core else ())
        + (TRANSPORT_KINDS if template.transport else ())
    )


def make_suppliers(
    rng: np.random.Generator, count: int
) -> tuple[tuple[Supplier, ...], list[SupplierTemplate]]:
    """The first five follow the demo's archetypes; any further ones are drawn at random."""
    makes: list[SupplierTemplate] = []
    suppliers = []
    for i in range(count):
        if i < len(TEMPLATES):
            template = TEMPLATES[i]
        else:
            radio = bool(rng.random() < 0.5)
            template = SupplierTemplate(
                "a vendor with a randomly drawn profile",
                str(rng.choice(EXTRA_HEADQUARTERS)),
                Ownership.PRIVATE if rng.random() < 0.5 else Ownership.LISTED,
                tuple((L, M, H)[int(j)] for j in rng.integers(0, 3, len(FACTORS))),
                radio=radio,
                core=not radio,
                transport=False,
            )
        makes.append(template)
        suppliers.append(_supplier(i, template))
    return tuple(suppliers), makes


def _supplier(index: int, template: SupplierTemplate) -> Supplier:
    evidence: dict[str, tuple[str, ...]] = {}
    if index == LOW:
        evidence["product_quality"] = (f"ev-eval-sup-{index + 1}",)
    if index == HIGH:
        evidence["product_quality"] = (f"ev-finding-sup-{index + 1}", f"ev-assure-sup-{index + 1}")
        evidence["legislation"] = ("ev-law-third-state",)
    profile = SupplierProfile(
        **{
            factor: FactorScore(
                score=level,
                rationale=f"Synthetic: scored {level.value}, as is typical of {template.role}.",
                evidence=evidence.get(factor, ()),
            )
            for factor, level in zip(FACTORS, template.levels, strict=True)
        }
    )
    return Supplier(
        id=f"sup-{index + 1}",
        name=f"Supplier {index + 1}",
        headquarters=template.headquarters,
        ownership=template.ownership,
        profile=profile,
        note=f"Synthetic: {template.role} (headquarters {template.headquarters}).",
    )
