"""The coordinated EU view: joins, medians and disagreement, the matrices, EU-wide shares,
common mode, and the labels that decide what it shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope

from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import FactorScore, MeasureRecord, MeasureStatus, Scope
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.coordination import Coordination
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.mapping import read_mapping
from fiveguard.exchange.summary import Section
from fiveguard.exchange.verify import Verified, verify_all

NOW = ISSUED + dt.timedelta(days=1)
LEI = "5493001KJTIIGC8Y1R12"


def variant(model: NetworkModel, country: str, **changes: object) -> NetworkModel:
    """The small example as another state's model: ``country``, Nordvik with an LEI, and
    ``changes``: nordvik_name, eastwave (factor → (level, rationale)), measures."""
    doc = model.document
    suppliers = []
    for declared in doc.suppliers:
        s = declared
        if s.id == "nordvik":
            s = s.model_copy(update={"lei": LEI, "name": changes.get("nordvik_name", s.name)})
        if s.id == "eastwave":
            factors = changes.get("eastwave", {})
            assert isinstance(factors, dict)
            update = {f: FactorScore(score=lv, rationale=why) for f, (lv, why) in factors.items()}
            s = s.model_copy(update={"profile": s.profile.model_copy(update=update)})
        suppliers.append(s)
    scope = Scope(country=country, name=f"{country} test", as_of=doc.scope.as_of)
    measures = changes.get("measures", doc.measures)
    return NetworkModel(
        doc.model_copy(
            update={"scope": scope, "suppliers": tuple(suppliers), "measures": measures}
        ),
        model.sites,
    )


@pytest.fixture(scope="module")
def states(small_model: NetworkModel) -> dict[str, NetworkModel]:
    xa_measures = (
        *(m for m in small_model.document.measures if m.measure != "SM03"),
        MeasureRecord(measure="SM01", status=MeasureStatus.NOT_STARTED),
    )
    return {
        "XS": variant(small_model, "XS"),
        "XA": variant(
            small_model,
            "XA",
            nordvik_name="Nordvik Networks AB",
            eastwave={
                "pressure": (Level.LOW, "XA: assembly moved to an EU plant."),
                "legislation": (Level.MEDIUM, "XA: a court can review requests."),
            },
            measures=xa_measures,
        ),
        "XB": variant(small_model, "XB"),
    }


def envelopes(
    states: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring, **to: object
) -> list[tuple[str, bytes]]:
    out = []
    for country, model in states.items():
        org = f"{country}-NCA"
        raw = export_envelope(model, catalogue, ring.signers[org], addressing(org, **to))
        out.append((f"{country}.dsse.json", raw))
    return out


def verified(
    inputs: list[tuple[str, bytes]], ring: Ring, as_org: str = "EU-COORD"
) -> list[Verified]:
    return verify_all(inputs, verify_keyring(ring.keyring, "r"), now=NOW, as_org=as_org)


@pytest.fixture(scope="module")
def three(
    states: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring
) -> list[tuple[str, bytes]]:
    return envelopes(states, catalogue, ring)


@pytest.fixture(scope="module")
def view(three: list[tuple[str, bytes]], ring: Ring) -> Coordination:
    return coordinate(
        verified(three, ring), coordinator="EU-COORD", audience=("EU-COORD",), now=NOW
    )


def supplier(view: Coordination, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in view.suppliers if s.key == key)


def test_suppliers_join_on_the_lei_and_different_spellings_are_listed(view: Coordination) -> None:
    nordvik = supplier(view, f"lei:{LEI}")
    assert nordvik.joined_by == "lei"
    assert [p.country for p in nordvik.states] == ["XA", "XB", "XS"]
    assert nordvik.name == "Nordvik Networks"  # the spelling most states use
    (check,) = [c for c in view.name_checks if c.key == f"lei:{LEI}"]
    assert check.problem == "one lei, different names"
    assert "XA: Nordvik Networks AB (nordvik)" in check.names


def test_suppliers_without_canonical_id_are_joined_by_name_and_listed(view: Coordination) -> None:
    eastwave = supplier(view, "name:eastwave technologies")
    assert eastwave.joined_by == "name" and len(eastwave.states) == 3
    assert any(
        c.key == "name:eastwave technologies" and "by name" in c.problem for c in view.name_checks
    )


def test_median_range_and_disagreement_two_steps_apart(view: Coordination) -> None:
    eastwave = supplier(view, "name:eastwave technologies")
    factors = {f.factor: f for f in eastwave.factors}
    pressure = factors["pressure"]  # XA low, XB high, XS high
    assert (pressure.median, pressure.lowest, pressure.highest) == (3.0, Level.LOW, Level.HIGH)
    assert pressure.steps_apart == 2 and pressure.disagreement
    assert {s.country: s.rationale for s in pressure.scores}[
        "XA"
    ] == "XA: assembly moved to an EU plant."
    legislation = factors["legislation"]  # medium against high: one step, no disagreement
    assert legislation.steps_apart == 1 and not legislation.disagreement
    quality = factors["product_quality"]  # not scored anywhere: unknown, never low
    assert quality.scored_by == 0 and quality.median is None and not quality.disagreement


def test_suppliers_profiled_high_by_k_states(view: Coordination) -> None:
    assert [h.key for h in view.high_by_k] == ["name:eastwave technologies"]
    # XA scores Eastwave's pressure low and its legislation medium: not high there
    assert view.high_by_k[0].states == ("XB", "XS")


def test_not_reported_is_distinct_from_not_started(view: Coordination) -> None:
    index = [m.measure for m in view.measures].index
    rows = {r.country: r for r in view.measure_matrix}
    assert rows["XA"].cells[index("SM03")].status == "not reported"
    assert rows["XS"].cells[index("SM03")].status == "implemented"
    assert rows["XA"].cells[index("SM01")].status == "not-started"
    assert rows["XS"].cells[index("SM01")].status == "not reported"
    counts = {c.measure: c.counts for c in view.measure_counts}
    assert counts["SM03"]["implemented"] == 2 and counts["SM03"]["not reported"] == 1
    assert counts["SM01"]["not-started"] == 1 and counts["SM01"]["not reported"] == 2
    assert [m.measure for m in view.measures][:1] == ["SM01"]


def test_eu_shares_add_the_states_quantities(
    view: Coordination, three: list[tuple[str, bytes]], ring: Ring
) -> None:
    one = verified(three[:1], ring)[0].summary
    national = next(t for t in one.diversity or () if (t.group, t.weight) == ("ran", "sites"))
    eu = next(g for g in view.shares if (g.group, g.weight) == ("ran", "sites"))
    assert eu.total == pytest.approx(3 * national.total)
    assert eu.hhi == pytest.approx(national.hhi)
    assert eu.states == ("XA", "XB", "XS")


def test_common_mode_sums_the_national_what_ifs(
    view: Coordination, three: list[tuple[str, bytes]], ring: Ring
) -> None:
    one = verified(three[:1], ring)[0].summary
    assert one.simulation is not None
    fault = next(f for f in one.simulation.supplier_faults if f.supplier == "nordvik")
    across = next(c for c in view.common_mode if c.key == f"lei:{LEI}")
    assert across.people_without_service == 3 * fault.people_without_service > 0
    assert (across.states_deploying, across.states_hit) == (3, 3)
    versions = [
        c for c in view.common_mode if c.kind == "version" and c.key.startswith(f"lei:{LEI}|")
    ]
    assert versions and all(c.states_deploying == 3 for c in versions)


def test_risk_matrix_has_a_row_per_state(view: Coordination) -> None:
    assert [r.country for r in view.risk_matrix] == ["XA", "XB", "XS"]
    assert [c.risk for c in view.risk_matrix[0].cells] == [f"R{i}" for i in range(1, 10)]
    assert all(c.level is not None and c.tlp is Tlp.AMBER for c in view.risk_matrix[0].cells)


def test_the_view_carries_the_most_restrictive_label_it_shows(
    states: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    three: list[tuple[str, bytes]],
) -> None:
    red = envelopes({"XB": states["XB"]}, catalogue, ring, tlp=Tlp.RED)
    inputs = [three[0], three[1], *red]
    shown = coordinate(
        verified(inputs, ring), coordinator="EU-COORD", audience=("EU-COORD",), now=NOW
    )
    assert shown.tlp is Tlp.RED and not shown.withheld


def test_red_never_reaches_a_view_for_someone_not_named(
    states: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    three: list[tuple[str, bytes]],
) -> None:
    secret = "XB: a RED rationale that only EU-COORD may read."
    xb = variant(states["XB"], "XB", eastwave={"pressure": (Level.LOW, secret)})
    red = envelopes({"XB": xb}, catalogue, ring, tlp=Tlp.RED)
    both = ("EU-COORD", "XA-NCA")
    others = envelopes({k: states[k] for k in ("XS", "XA")}, catalogue, ring, recipients=both)
    inputs = [*others, *red]
    shown = coordinate(
        verified(inputs, ring), coordinator="EU-COORD", audience=("EU-COORD", "XA-NCA"), now=NOW
    )
    assert shown.tlp is Tlp.AMBER
    assert {(w.country, w.section) for w in shown.withheld} == {
        ("XB", s.value)
        for s in (
            Section.SUPPLIERS,
            Section.REGISTER,
            Section.MEASURES,
            Section.DIVERSITY,
            Section.SIMULATION,
        )
    }
    assert all(w.reason == "TLP:RED: XA-NCA not among the recipients" for w in shown.withheld)
    text = shown.model_dump_json()
    assert secret not in text
    assert all(s.country != "XB" for s in supplier(shown, f"lei:{LEI}").states)
    xb_measures = next(r for r in shown.measure_matrix if r.country == "XB")
    assert {c.status for c in xb_measures.cells} == {"withheld"}


def test_a_stricter_section_alone_is_withheld(
    states: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    three: list[tuple[str, bytes]],
) -> None:
    both = ("EU-COORD", "XA-NCA")
    strict = envelopes(
        {"XB": states["XB"]},
        catalogue,
        ring,
        recipients=("EU-COORD",),
        tlp=Tlp.GREEN,
        section_tlp={Section.SUPPLIERS: Tlp.AMBER_STRICT},
    )
    others = envelopes({k: states[k] for k in ("XS", "XA")}, catalogue, ring, recipients=both)
    inputs = [*others, *strict]
    shown = coordinate(
        verified(inputs, ring), coordinator="EU-COORD", audience=("EU-COORD", "XA-NCA"), now=NOW
    )
    assert [(w.country, w.section, w.tlp) for w in shown.withheld] == [
        ("XB", "suppliers", Tlp.AMBER_STRICT)
    ]
    assert next(r for r in shown.risk_matrix if r.country == "XB").cells[0].level is not None


def test_latest_per_origin_is_used_and_the_chain_is_checked(
    states: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    three: list[tuple[str, bytes]],
) -> None:
    org = "XS-NCA"
    later = export_envelope(
        states["XS"], catalogue, ring.signers[org],
        addressing(org, bundle_id="bundle-XS-NCA-2", sequence=2, supersedes="bundle-XS-NCA-1"),
    )  # fmt: skip
    inputs = [*three, ("XS-2.dsse.json", later)]
    shown = coordinate(
        verified(inputs, ring), coordinator="EU-COORD", audience=("EU-COORD",), now=NOW
    )
    used = {i.bundle_id: (i.used, i.note) for i in shown.inputs}
    assert used["bundle-XS-NCA-2"] == (True, None)
    assert used["bundle-XS-NCA-1"] == (False, "superseded by sequence 2 (XS-2.dsse.json)")
    broken = export_envelope(
        states["XS"], catalogue, ring.signers[org],
        addressing(org, bundle_id="bundle-XS-NCA-2", sequence=2, supersedes="bundle-elsewhere"),
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        coordinate(
            verified([*three, ("XS-2.dsse.json", broken)], ring),
            coordinator="EU-COORD",
            audience=("EU-COORD",),
            now=NOW,
        )
    assert [str(p) for p in caught.value.problems] == [
        "XS-2.dsse.json: payload.predicate.supersedes: sequence 2 of XS-NCA supersedes "
        "bundle-elsewhere, not bundle-XS-NCA-1 (sequence 1, XS.dsse.json)"
    ]


def test_a_mapping_file_joins_what_names_do_not(
    states: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring
) -> None:
    renamed = {
        "XS": states["XS"],
        "XB": NetworkModel(
            states["XB"].document.model_copy(
                update={
                    "suppliers": tuple(
                        s.model_copy(update={"name": "Eastwave Tech Ltd"})
                        if s.id == "eastwave"
                        else s
                        for s in states["XB"].document.suppliers
                    )
                }
            ),
            states["XB"].sites,
        ),
    }
    inputs = verified(envelopes(renamed, catalogue, ring), ring)
    apart = coordinate(inputs, coordinator="EU-COORD", audience=("EU-COORD",), now=NOW)
    assert {s.key for s in apart.suppliers} >= {
        "name:eastwave technologies",
        "name:eastwave tech ltd",
    }
    mapping = read_mapping(
        b"fiveguard_supplier_mapping: 1\nsuppliers:\n"
        b"  - {country: XS, ref: eastwave, canonical: 'registry:XT:0001'}\n"
        b"  - {country: XB, ref: eastwave, canonical: 'registry:XT:0001'}\n",
        "map.yaml",
    )
    joined = coordinate(
        inputs, coordinator="EU-COORD", audience=("EU-COORD",), now=NOW, mapping=mapping
    )
    eastwave = supplier(joined, "registry:XT:0001")
    assert eastwave.joined_by == "mapping" and len(eastwave.states) == 2


def test_published_coordination_schema_matches_and_validates(view: Coordination) -> None:
    import jsonschema

    from fiveguard.modelio.schema import schema_json

    root = Path(__file__).parents[2]
    published = (root / "docs" / "schema" / "coordination.schema.json").read_text("utf-8")
    assert published == schema_json("coordination"), "run `make schema`"
    jsonschema.validate(json.loads(view.model_dump_json()), json.loads(published))


def test_report_is_self_contained_and_labelled(view: Coordination) -> None:
    import re

    from fiveguard.report.coordination import render_coordination

    html = render_coordination(view)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    assert html.count("TLP:AMBER") >= 4  # banners (screen and print, top and bottom) and badges
    for anchor in ("inputs", "suppliers", "risks", "measures", "shares", "common-mode", "method"):
        assert f'id="{anchor}"' in html
    assert "disagree" in html and "XA: assembly moved to an EU plant." in html
