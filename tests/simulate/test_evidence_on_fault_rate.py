"""The derivation of a version's fault rate says how much assurance evidence moved it."""

from __future__ import annotations

from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.network import FactorScore, Supplier, SupplierProfile
from fiveguard.simulate.sources import fault_probability


def supplier(quality: str | None) -> Supplier:
    scores = (
        {}
        if quality is None
        else {"product_quality": FactorScore(score=Level(quality), rationale="r")}
    )
    return Supplier(
        id="s", name="S", headquarters="SE", ownership="listed", profile=SupplierProfile(**scores)
    )


def test_evidence_moving_the_level_is_named_with_its_factor(catalogue: Catalogue) -> None:
    levels = catalogue.simulation.product_fault.annual_probability
    p, steps = fault_probability(
        supplier("medium"), catalogue, quality={"s": (Level.HIGH, "raised from medium by ev-1")}
    )
    medium, _ = fault_probability(supplier("medium"), catalogue)
    assert p / medium == levels.high / levels.medium
    [step] = [s for s in steps if s.parameter == "assurance evidence on s's product faults"]
    assert step.value == (
        f"× {levels.high / levels.medium:.3g} (medium {levels.medium:g} → high {levels.high:g})"
    )
    assert step.note.startswith("raised from medium by ev-1")
    assert "every version of the supplier's products" in step.note


def test_an_unscored_supplier_says_so_and_no_evidence_adds_no_step(catalogue: Catalogue) -> None:
    _, steps = fault_probability(
        supplier(None), catalogue, quality={"s": (Level.HIGH, "not scored; evidence ev-2")}
    )
    assert any(", unscored" in s.value for s in steps if s.parameter.startswith("assurance"))
    _, plain = fault_probability(supplier("low"), catalogue)
    assert not any(s.parameter.startswith("assurance evidence") for s in plain)
