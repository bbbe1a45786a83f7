"""The per-service figures a national summary carries for each fault (people without each
service, unable to reach emergency services, in part, duration, user-hours, reporting
thresholds): those of the fault's what-if, equal to the assessment's for a fault it
cites, under the simulation section's label, and absent ("not reported", never zero) from
older summaries."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope, sign_payload

from fiveguard.app.exchange import export_summary
from fiveguard.app.national import national_assessment
from fiveguard.assess.fault_figures import cited_faults, emergency_people
from fiveguard.assess.results import Assessment, FaultImpact
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Scope
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.coordination import CommonMode, Coordination
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.summary import FaultLine, NationalSummary, Section
from fiveguard.exchange.tlp import reshare_summary
from fiveguard.exchange.verify import Verified, verify_all, verify_envelope

NOW = ISSUED + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def assessment(small_model: NetworkModel, catalogue: Catalogue) -> Assessment:
    made, _ = national_assessment(small_model, catalogue, None, trials=0, seed=0)
    return made


@pytest.fixture(scope="module")
def exported(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring, assessment: Assessment
) -> tuple[bytes, NationalSummary]:
    from exchange_helpers import SMALL_MODEL

    signers = ring.signers["XS-NCA"]
    envelope, summary, _ = export_summary(
        small_model,
        catalogue,
        SMALL_MODEL,
        addressing("XS-NCA"),
        [(s.keyid, s.key) for s in signers],
        assessment=assessment,
    )
    return envelope.to_json(), summary


def faults(summary: NationalSummary) -> list[FaultLine]:
    assert summary.simulation is not None
    return [*summary.simulation.supplier_faults, *summary.simulation.version_faults]


def verify(raw: bytes, ring: Ring) -> Verified:
    keyring = verify_keyring(ring.keyring, "ring.json")
    return verify_envelope(raw, "xs.dsse.json", keyring, now=NOW, as_org="EU-COORD")


def test_every_fault_carries_its_figures_and_a_cited_one_the_assessments(
    exported: tuple[bytes, NationalSummary], assessment: Assessment
) -> None:
    _, summary = exported
    cited = {f.event: f for f in cited_faults(assessment.diversity)}
    lines = {f.event: f for f in faults(summary)}
    assert cited and set(cited) <= set(lines) and len(lines) > len(cited)
    for event, fault in cited.items():
        line = lines[event]
        figures = line.figures
        assert figures is not None
        assert line.people_without_service == fault.people_without_service
        assert [(s.service, s.people) for s in figures.services] == [
            (s.service, s.people) for s in fault.services
        ]
        assert figures.people_unable_to_reach_emergency == emergency_people(fault)
        partial = fault.partial_service.people if fault.partial_service is not None else 0
        assert figures.people_partial_service == partial
        assert (figures.hours, figures.user_hours) == (fault.hours, fault.user_hours)
        assert [(t.threshold, t.crossed) for t in figures.reporting] == [
            (t.threshold, t.crossed) for t in fault.reporting
        ]


def test_every_faults_figures_are_its_what_ifs(
    exported: tuple[bytes, NationalSummary], small_model: NetworkModel, catalogue: Catalogue
) -> None:
    """The summary takes each fault's figures from one pass over every fault; each equals
    the what-if of that fault alone (``fiveguard whatif``)."""
    from fiveguard.assess.engine import prepare_engine
    from fiveguard.simulate import parse_event, whatif

    compiled = prepare_engine(small_model, catalogue).compiled
    _, summary = exported
    for line in faults(summary):
        alone = whatif(small_model, catalogue, [parse_event(line.event)], compiled=compiled)
        figures = line.figures
        assert figures is not None, line.event
        by_service = alone.people_without_service_by_service
        assert by_service is not None
        assert {s.service: s.people for s in figures.services} == by_service.national
        partial = alone.partial_service.people if alone.partial_service is not None else 0
        assert figures.people_partial_service == partial, line.event
        assert alone.time is not None
        assert (figures.hours, figures.user_hours) == (alone.time.hours, alone.time.user_hours)
        crossed = {c.threshold for c in alone.time.reporting}
        assert {t.threshold for t in figures.reporting if t.crossed} == crossed, line.event


def test_the_small_examples_nordvik_fault_in_figures(
    exported: tuple[bytes, NationalSummary],
) -> None:
    # the small example: every Nordvik radio down leaves 614,862 people without service,
    # and no other radio broadcasts in their regions, so none of them reaches 112; the
    # catalogue's median restoration of a supplier fault is 10 h
    _, summary = exported
    line = next(f for f in faults(summary) if f.event == "supplier-fault:nordvik")
    figures = line.figures
    assert figures is not None
    assert line.people_without_service == 614_862
    assert figures.people_unable_to_reach_emergency == 614_862
    assert figures.hours == 10.0 and figures.user_hours == 6_148_620.0
    crossed = {t.threshold: (t.crossed, t.nationally, t.operators) for t in figures.reporting}
    assert crossed == {"eu-enisa": (True, True, 0), "jp-mic": (True, False, 2)}


def test_the_figures_travel_in_the_signed_payload_and_verify(
    exported: tuple[bytes, NationalSummary], ring: Ring
) -> None:
    raw, summary = exported
    received = verify(raw, ring).summary
    assert faults(received) == faults(summary)
    assert any(f.figures is not None for f in faults(received))


def without_figures(raw: bytes) -> dict[str, object]:
    """The statement of ``raw`` as a summary made before faults carried figures."""
    statement = json.loads(base64.b64decode(json.loads(raw)["payload"]))
    simulation = statement["predicate"]["simulation"]
    for line in (*simulation["supplier_faults"], *simulation["version_faults"]):
        del line["figures"]
    assert "figures" not in json.dumps(statement)
    return statement


def test_a_summary_without_the_figures_still_verifies(
    exported: tuple[bytes, NationalSummary], ring: Ring
) -> None:
    older = sign_payload(canonical(without_figures(exported[0])), ring.signers["XS-NCA"])
    received = verify(older, ring).summary
    assert all(f.figures is None for f in faults(received))
    assert [f.people_without_service for f in faults(received)] == [
        f.people_without_service for f in faults(exported[1])
    ]


# ---------------------------------------------------------------------------- coordinated


def in_state(model: NetworkModel, country: str) -> NetworkModel:
    doc = model.document
    scope = Scope(country=country, name=f"{country} test", as_of=doc.scope.as_of)
    return NetworkModel(doc.model_copy(update={"scope": scope}), model.sites)


def state_envelope(
    model: NetworkModel, catalogue: Catalogue, ring: Ring, country: str, **to: object
) -> tuple[str, bytes]:
    org = f"{country}-NCA"
    raw = export_envelope(
        in_state(model, country), catalogue, ring.signers[org], addressing(org, **to)
    )
    return f"{country}.dsse.json", raw


@pytest.fixture(scope="module")
def three_states(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> list[tuple[str, bytes]]:
    """XS and XA send the figures; XB sends a summary made before them."""
    xs = state_envelope(small_model, catalogue, ring, "XS")
    xa = state_envelope(small_model, catalogue, ring, "XA")
    _, xb = state_envelope(small_model, catalogue, ring, "XB")
    older = sign_payload(canonical(without_figures(xb)), ring.signers["XB-NCA"])
    return [xs, xa, ("XB.dsse.json", older)]


def coordinated(
    inputs: list[tuple[str, bytes]], ring: Ring, audience: tuple[str, ...] = ("EU-COORD",)
) -> Coordination:
    keyring = verify_keyring(ring.keyring, "ring.json")
    checked = verify_all(inputs, keyring, now=NOW, as_org="EU-COORD")
    return coordinate(checked, coordinator="EU-COORD", audience=audience, now=NOW)


def nordvik(view: Coordination) -> CommonMode:
    return next(c for c in view.common_mode if c.kind == "supplier" and "Nordvik" in c.supplier)


def test_the_view_sums_emergency_over_the_states_reporting_it(
    three_states: list[tuple[str, bytes]], ring: Ring
) -> None:
    view = coordinated(three_states, ring)
    fault = nordvik(view)
    assert fault.states_deploying == 3
    assert fault.people_without_service == 3 * 614_862
    # XB's summary predates the figure: not reported, and not in the sum
    assert fault.people_unable_to_reach_emergency == 2 * 614_862
    assert fault.emergency_not_reported == ("XB",)
    assert {s.country: s.people_unable_to_reach_emergency for s in fault.by_state} == {
        "XS": 614_862,
        "XA": 614_862,
        "XB": None,
    }
    # per state: median and range over the states reporting, XB named as not reporting
    across = {a.figure: a for a in fault.across}
    emergency = across["people_unable_to_reach_emergency"]
    assert (emergency.median, emergency.reported_by, emergency.not_reported) == (
        614_862,
        2,
        ("XB",),
    )
    assert across["people_without_service"].values == dict.fromkeys(("XA", "XB", "XS"), 614_862)
    assert (across["hours"].median, across["hours"].not_reported) == (10.0, ("XB",))
    # the faults no state's assessment cites (Cloudcore, Eastwave) carry their figures
    # too: summed over XS and XA, XB (before the figures) not reported
    others = [c for c in view.common_mode if c.kind == "supplier" and c is not fault]
    assert len(others) == 2
    for other in others:
        per_state = {s.country: s.people_unable_to_reach_emergency for s in other.by_state}
        assert per_state["XB"] is None and per_state["XS"] == per_state["XA"] is not None
        assert other.people_unable_to_reach_emergency == 2 * per_state["XS"]
        assert other.emergency_not_reported == ("XB",)


def test_the_report_and_terminal_say_not_reported(
    three_states: list[tuple[str, bytes]], ring: Ring
) -> None:
    from fiveguard.cli.coordinate import common_mode_lines
    from fiveguard.report.coordination import render_coordination

    view = coordinated(three_states, ring)
    html = render_coordination(view)
    assert "unable to reach emergency services" in html
    assert "not reported: XB" in html and "XB 614,862 / not reported" in html
    assert "XS 614,862 / 614,862" in html
    lines = common_mode_lines(view)
    worst = next(line for line in lines if "Nordvik" in line and "nv-" not in line)
    assert worst.endswith(
        "3 states, 1,844,586 people without service, 1,229,724 unable to reach emergency "
        "services in the 2 states reporting it (not reported: XB)"
    )
    per_state = lines[lines.index(worst) + 1]
    assert per_state == (
        "    per state: people without service: median 614,862, range 614,862–614,862, 3 of "
        "3 states; people unable to reach emergency services: median 614,862, range "
        "614,862–614,862, 2 of 3 states (not reported: XB)"
    )
    assert "Per state, median and range over the states reporting each figure" in html
    assert "user-hours (people without service times hours): median 6,148,620" in html


def test_a_section_withheld_for_people_is_withheld_for_emergency_too(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    both = ("EU-COORD", "XA-NCA")
    xs = state_envelope(small_model, catalogue, ring, "XS", recipients=both)
    xa = state_envelope(small_model, catalogue, ring, "XA", recipients=both)
    # XB's bundle is GREEN, its simulation section AMBER+STRICT for the coordinator alone
    xb = state_envelope(
        small_model,
        catalogue,
        ring,
        "XB",
        recipients=("EU-COORD",),
        tlp=Tlp.GREEN,
        section_tlp={Section.SIMULATION: Tlp.AMBER_STRICT},
    )
    view = coordinated([xs, xa, xb], ring, audience=both)
    assert [(w.country, w.section) for w in view.withheld] == [("XB", "simulation")]
    fault = nordvik(view)
    assert [s.country for s in fault.by_state] == ["XA", "XS"]
    assert fault.people_without_service == 2 * 614_862
    assert fault.people_unable_to_reach_emergency == 2 * 614_862
    # withheld is not "not reported": XB is absent from the fault, not listed as silent
    assert fault.emergency_not_reported == ()
    # shown to the coordinator alone, XB's figures are there
    alone = nordvik(coordinated([xs, xa, xb], ring))
    assert alone.people_unable_to_reach_emergency == 3 * 614_862


def test_a_reshare_withholding_the_simulation_withholds_the_figures(
    ring: Ring, small_model: NetworkModel, catalogue: Catalogue
) -> None:
    raw = export_envelope(
        small_model,
        catalogue,
        ring.signers["XS-NCA"],
        addressing("XS-NCA", section_tlp={Section.SIMULATION: Tlp.RED}),
    )
    original = verify(raw, ring)
    assert original.summary.simulation is not None
    shared, notes = reshare_summary(
        original,
        resharer="EU-COORD",
        recipients=["XA-NCA"],
        bundle_id="bundle-EU-1",
        sequence=1,
        issued_at=NOW,
    )
    assert shared.simulation is None and Section.SIMULATION in shared.withheld
    assert "figures" not in shared.model_dump_json()
    assert any("simulation" in n for n in notes)


def test_the_figures_do_not_depend_on_the_assessment_carrying_them(
    small_model: NetworkModel, catalogue: Catalogue, assessment: Assessment
) -> None:
    """An assessment made before its faults carried figures (a recorded result read
    again) gives the same summary: the export runs every fault's what-if itself."""
    from fiveguard.assess.engine import prepare_engine
    from fiveguard.exchange.build import build_summary

    def bare(fault: FaultImpact | None) -> FaultImpact | None:
        if fault is None:
            return None
        return fault.model_copy(
            update={"services": (), "partial_service": None, "reporting": (), "figures": ()}
        )

    diversity = assessment.diversity
    older = assessment.model_copy(
        update={
            "diversity": diversity.model_copy(
                update={
                    name: tuple(
                        x.model_copy(update={"fault": bare(x.fault)})
                        for x in getattr(diversity, name)
                    )
                    for name in ("single_supplier", "national_concentration", "common_mode")
                }
            )
        }
    )
    compiled = prepare_engine(small_model, catalogue).compiled
    to = addressing("XS-NCA")
    summary = build_summary(small_model, older, compiled, to, catalogue=catalogue)
    current = build_summary(small_model, assessment, compiled, to, catalogue=catalogue)
    assert all(f.figures is not None for f in faults(summary))
    assert faults(summary) == faults(current)
