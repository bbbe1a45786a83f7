"""Supplier profiles: the catalogue rule, unknown factors, and assurance evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from assess_builders import build, operator, product, run, supplier

from fiveguard.assess.results import SupplierAssessment
from fiveguard.assess.signals import SignalFactory
from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.domain.base import Level


def one_supplier(
    levels: object, evidence: list[dict[str, object]] | None = None, **more: object
) -> SupplierAssessment:
    model = build(
        suppliers=[supplier("s", levels)],  # type: ignore[arg-type]
        products=[product("g", "s", "ran.gnb", ["1", "2"]), product("c", "s", "core.amf")],
        operators=[operator("op")],
        assets=[{"id": "amf", "operator": "op", "kind": "core.amf", "product": "c@1"}],
        sites=[],
        evidence=evidence or [],
        **more,
    )
    return run(model).suppliers[0]


def deployed_model(
    evidence: list[dict[str, object]],
    quality: str | None = "medium",
    versions: tuple[str, ...] = ("1",),
) -> SupplierAssessment:
    from assess_builders import site

    model = build(
        suppliers=[supplier("s", ["low", "low", "low", "low", "low", quality])],
        products=[product("g", "s", "ran.gnb", ["1", "2", "3"])],
        operators=[operator("op")],
        sites=[site(f"x{i}", "op", f"g@{v}") for i, v in enumerate(versions)],
        evidence=evidence,
    )
    return run(model).suppliers[0]


def quality(result: SupplierAssessment) -> tuple[Level | None, tuple[str, ...]]:
    factor = next(f for f in result.factors if f.factor == "product_quality")
    return factor.effective, factor.moved_by


# ---------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("levels", "profile", "step"),
    [
        (["high", "high", "low", "low", "low", "low"], "high", "interference-high"),
        (["high", "low", "low", "low", "low", "low"], "medium", "any-factor-high"),
        (["low", "low", "low", "low", "high", "low"], "medium", "any-factor-high"),
        (["medium", "low", "medium", "low", "low", "low"], "medium", "interference-medium"),
        (["medium", "low", "low", "low", "medium", "medium"], "low", None),
        ("low", "low", None),
    ],
)
def test_profile_follows_the_first_step_that_holds(
    levels: object, profile: str, step: str | None
) -> None:
    result = one_supplier(levels)
    assert result.profile == profile
    assert result.step == step
    assert result.rule == "fiveguard-profile-1"


def test_unscored_factors_make_the_profile_unknown_never_low() -> None:
    # one state factor high, the other three unknown: with them low the rule says medium,
    # with them high it says high
    result = one_supplier(["high", None, None, None, "low", "low"])
    assert result.profile == "unknown"
    assert (result.lowest, result.highest) == (Level.MEDIUM, Level.HIGH)
    assert {g.factor for g in result.missing if g.problem == "not-scored"} == {
        "legislation",
        "ownership",
        "pressure",
    }
    assert "depends on legislation, ownership, pressure" in result.reason


def test_unknown_factors_that_cannot_change_the_outcome_leave_the_profile_known() -> None:
    result = one_supplier(["high", "high", "high", "high", None, None])
    assert result.profile == "high"
    assert result.step == "interference-high"
    assert [g.factor for g in result.missing if g.problem == "not-scored"] == [
        "supply_assurance",
        "product_quality",
    ]


def test_a_supplier_with_no_profile_at_all_is_unknown_between_low_and_high() -> None:
    result = one_supplier(None)
    assert (result.profile, result.lowest, result.highest) == ("unknown", Level.LOW, Level.HIGH)
    assert len(result.missing) == 6


def test_scores_without_evidence_are_reported() -> None:
    result = one_supplier("low")
    assert {g.problem for g in result.missing} == {"no-evidence"}
    assert len(result.missing) == 6


def test_the_profile_rule_is_replaceable_by_a_catalogue_override(tmp_path: Path) -> None:
    override = tmp_path / "catalogue.yaml"
    override.write_text(
        """
assessment:
  profile:
    id: strict
    text: Any high factor makes a supplier high.
    source: test
    steps:
      - id: any-high
        text: Some factor is high.
        when: {factors: [government_link, legislation, ownership, pressure, supply_assurance, product_quality], at_least: 1, level: high}
        profile: high
""",
        encoding="utf-8",
    )
    catalogue = load_catalogue(override)
    model = build(
        suppliers=[supplier("s", ["low", "low", "low", "low", "high", "low"])],
        products=[product("g", "s", "ran.gnb")],
        operators=[operator("op")],
    )
    result = run(model, catalogue=catalogue).suppliers[0]
    assert (result.profile, result.step, result.rule) == ("high", "any-high", "strict")


# ---------------------------------------------------------------------------- evidence


def cert(
    ident: str, products: list[str], valid_to: str, valid_from: str = "2024-01-01"
) -> dict[str, object]:
    return {
        "id": ident,
        "type": "certificate",
        "title": ident,
        "scheme": "XR 5G",
        "identifier": ident.upper(),
        "products": products,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def test_an_expired_certificate_raises_product_quality_and_says_so() -> None:
    result = deployed_model([cert("c1", ["g@1"], "2026-03-31")])
    assert quality(result) == (Level.HIGH, ("c1:certificate-expired",))
    factor = next(f for f in result.factors if f.factor == "product_quality")
    assert factor.scored is Level.MEDIUM
    assert factor.note == "raised from medium to high by 1 signal"
    signal = result.signals[0]
    assert signal.direction == "raise" and signal.deployed == ("g@1",)
    assert "expired on 2026-03-31" in signal.reason


def test_valid_certificates_lower_only_when_they_cover_every_deployed_version() -> None:
    covered = deployed_model([cert("c1", ["g@1", "g@2"], "2027-12-31")], versions=("1", "2"))
    assert quality(covered) == (Level.LOW, ("c1:certificate-valid",))
    partial = deployed_model([cert("c1", ["g@1"], "2027-12-31")], versions=("1", "2"))
    assert quality(partial) == (Level.MEDIUM, ())
    note = next(f for f in partial.factors if f.factor == "product_quality").note
    assert note is not None and "g@2" in note


def test_raising_evidence_wins_over_lowering_evidence() -> None:
    finding = {
        "id": "f1",
        "type": "finding",
        "title": "hard-coded key",
        "severity": "critical",
        "status": "open",
        "affected": ["g@1"],
        "source": "source-review",
    }
    result = deployed_model([cert("c1", ["g@1"], "2027-12-31"), finding])
    assert quality(result) == (Level.HIGH, ("f1:finding-open-critical",))


@pytest.mark.parametrize(
    ("record", "kind", "direction"),
    [
        (
            {
                "type": "finding",
                "severity": "high",
                "status": "open",
                "affected": ["g@1"],
                "source": "pentest",
            },
            "finding-open-high",
            "raise",
        ),
        (
            {
                "type": "equivalence",
                "product": "g@1",
                "identical": 10,
                "differing": 1,
                "missing": 0,
                "extra": 0,
            },
            "equivalence-failed",
            "raise",
        ),
        (
            {
                "type": "equivalence",
                "product": "g@1",
                "identical": 10,
                "differing": 0,
                "missing": 0,
                "extra": 0,
            },
            "equivalence-confirmed",
            "lower",
        ),
        (
            {"type": "assurance-statement", "level": "limited", "subject": "s"},
            "assurance-limited",
            "raise",
        ),
        (
            {"type": "assurance-statement", "level": "none", "products": ["g@1"]},
            "assurance-none",
            "raise",
        ),
        (
            {"type": "evaluation", "scheme": "NESAS", "products": ["g@1"], "result": "fail"},
            "evaluation-failed",
            "raise",
        ),
        (
            {
                "type": "evaluation",
                "scheme": "NESAS",
                "products": ["g@1"],
                "result": "pass",
                "valid_until": "2026-01-01",
            },
            "evaluation-expired",
            "raise",
        ),
        (
            {"type": "evaluation", "scheme": "NESAS", "products": ["g@1"], "result": "pass"},
            "evaluation-passed",
            "lower",
        ),
        (
            {
                "type": "evaluation",
                "scheme": "NESAS",
                "products": ["g@1"],
                "result": "pass-with-findings",
            },
            "evaluation-passed-with-findings",
            "none",
        ),
    ],
)
def test_each_kind_of_evidence_moves_product_quality_its_way(
    record: dict[str, object], kind: str, direction: str
) -> None:
    result = deployed_model([{"id": "e1", "title": "evidence", **record}])
    expected = {"raise": Level.HIGH, "lower": Level.LOW, "none": Level.MEDIUM}[direction]
    assert [s.kind for s in result.signals] == [kind]
    assert quality(result)[0] is expected


def test_fixed_findings_and_process_certificates_move_nothing() -> None:
    fixed = {
        "id": "f1",
        "type": "finding",
        "title": "x",
        "severity": "critical",
        "status": "fixed",
        "affected": ["g@1"],
        "source": "pentest",
    }
    process = {**cert("iso", [], "2027-01-01"), "subject": "s"}
    result = deployed_model([fixed, process])
    assert [s.kind for s in result.signals] == ["process-certificate-valid"]
    assert result.signals[0].direction == "none"
    assert quality(result) == (Level.MEDIUM, ())


def test_evidence_on_versions_no_asset_runs_moves_nothing() -> None:
    result = deployed_model([cert("c3", ["g@3"], "2026-01-01")], versions=("1",))
    assert result.signals[0].deployed == ()
    assert quality(result) == (Level.MEDIUM, ())


def test_raising_evidence_sets_a_floor_for_an_unscored_quality() -> None:
    result = deployed_model([cert("c1", ["g@1"], "2026-01-01")], quality=None)
    factor = next(f for f in result.factors if f.factor == "product_quality")
    assert factor.effective is None
    assert (factor.lowest, factor.highest) == (Level.MEDIUM, Level.HIGH)
    assert factor.note is not None and "at least medium" in factor.note


def test_signals_from_other_sources_plug_in_through_the_factory() -> None:
    from assess_builders import site

    model = build(
        suppliers=[supplier("s", ["low"] * 5 + ["medium"])],
        products=[product("g", "s", "ran.gnb")],
        operators=[operator("op")],
        sites=[site("x", "op", "g@1")],
    )
    catalogue = default_catalogue()
    vulnerable = SignalFactory(model, catalogue).signal(
        kind="vulnerable-component-high",
        source="OSV-2026-1",
        supplier="s",
        products=("g@1",),
        reason="openssl 1.1.1 in the image has a high-severity advisory",
    )
    result = run(model, extra_signals=[vulnerable]).suppliers[0]
    assert quality(result) == (Level.HIGH, ("OSV-2026-1:vulnerable-component-high",))


def test_footprint_counts_where_the_supplier_runs() -> None:
    from assess_builders import site

    model = build(
        suppliers=[supplier("s")],
        products=[product("g", "s", "ran.gnb"), product("c", "s", "core.amf")],
        operators=[operator("a"), operator("b")],
        assets=[{"id": "amf", "operator": "a", "kind": "core.amf", "product": "c@1"}],
        sites=[site("x", "a", "g@1", population=10), site("y", "b", "g@1", sites=3, population=5)],
    )
    footprint = run(model).suppliers[0].footprint
    assert (
        footprint.assets,
        footprint.radio_sites,
        footprint.population,
        footprint.critical_assets,
    ) == (3, 4, 15, 1)
    assert footprint.operators == ("a", "b") and footprint.domains == ("ran", "core")


def test_a_suppliers_footprint_counts_a_site_with_several_radios_once() -> None:
    """Mast m1 carries x's 4G and 5G radios (600 people); mast m2 a radio of x and one of y
    (400 people); site 3 an x radio alone (100). x runs radios on three sites serving
    1,100 people (not four sites and 1,700); y one site of 400: m2 is in both footprints,
    as each one's products serve its people. The summary, like the simulation, counts the
    model's three sites once."""
    from assess_builders import site

    model = build(
        suppliers=[supplier("x"), supplier("y")],
        products=[
            product("x-enb", "x", "ran.enb"),
            product("x-gnb", "x", "ran.gnb"),
            product("y-gnb", "y", "ran.gnb"),
        ],
        operators=[operator("a")],
        sites=[
            site("m1-4g", "a", "x-enb@1", kind="ran.enb", site="m1", population=600),
            site("m1-5g", "a", "x-gnb@1", site="m1", population=600),
            site("m2-x", "a", "x-gnb@1", site="m2", population=400),
            site("m2-y", "a", "y-gnb@1", site="m2", population=400),
            site("s3", "a", "x-gnb@1", population=100),
        ],
    )
    result = run(model)
    footprints = {s.id: s.footprint for s in result.suppliers}
    x, y = footprints["x"], footprints["y"]
    assert (x.assets, x.radio_sites, x.population) == (4, 3, 1_100)
    assert (y.assets, y.radio_sites, y.population) == (1, 1, 400)
    assert result.summary.radio_sites == 3
