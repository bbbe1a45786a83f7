"""The per-service figures a national summary carries for each fault the assessment cites
(people without each service, unable to reach emergency services, in part, duration,
user-hours, reporting thresholds): read from the assessment, under the simulation
section's label, and absent ("not reported", never zero) from older summaries."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from exchange_helpers import ISSUED, Ring, addressing, sign_payload

from fiveguard.app.exchange import export_summary
from fiveguard.app.national import national_assessment
from fiveguard.assess.fault_figures import cited_faults, emergency_people
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.summary import FaultLine, NationalSummary
from fiveguard.exchange.verify import Verified, verify_envelope

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


def test_each_cited_fault_carries_the_assessments_figures_and_no_other_does(
    exported: tuple[bytes, NationalSummary], assessment: Assessment
) -> None:
    _, summary = exported
    cited = {f.event: f for f in cited_faults(assessment.diversity)}
    lines = {f.event: f for f in faults(summary)}
    assert cited and set(cited) <= set(lines)
    for event, line in lines.items():
        fault = cited.get(event)
        if fault is None:
            assert line.figures is None, event
            continue
        figures = line.figures
        assert figures is not None
        assert line.people_without_service == fault.people_without_service
        assert [(s.service, s.people) for s in figures.services] == [
            (s.service, s.people) for s in fault.services
        ]
        assert figures.people_unable_to_reach_emergency == emergency_people(fault)
        assert (figures.hours, figures.user_hours) == (fault.hours, fault.user_hours)
        assert [(t.threshold, t.crossed) for t in figures.reporting] == [
            (t.threshold, t.crossed) for t in fault.reporting
        ]


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
