"""What-if results name the critical services hit and, for each, how many of the assets
carrying it are down or compromised, of how many: as the oracle counts them."""

from __future__ import annotations

import pytest
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import compile_network, whatif
from fiveguard.simulate.events import Event, EventType, Mode


@pytest.fixture(scope="module")
def generated() -> NetworkModel:
    return generate_model(sites=300, seed=5, regions=3)


def test_whatif_counts_the_carrying_assets_hit_per_critical_service(
    generated: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(generated, catalogue)
    oracle = Oracle(generated, catalogue)
    carrying: dict[str, int] = {}
    for i in range(generated.asset_count):
        for service in set(generated.asset(i).critical_services):
            carrying[service] = carrying.get(service, 0) + 1
    events = [
        Event(EventType.SUPPLIER_UPDATE, s.id, mode=mode)
        for s in generated.document.suppliers
        for mode in Mode
    ]
    events += [Event(EventType.REGION_POWER, r.id, hours=5.0) for r in generated.document.regions]
    events.append(Event(EventType.ASSET_DOWN, str(generated.table.ids[-1])))
    some_hit = False
    for event in events:
        result = whatif(generated, catalogue, [event], compiled=compiled)
        expected = oracle.impact([event])
        hit = {s: n for s, n in expected.service_assets.items() if n}
        assert set(result.critical_services) == expected.services == set(hit), str(event)
        assert {s: h.affected for s, h in result.critical_service_assets.items()} == hit
        assert all(h.carrying == carrying[s] for s, h in result.critical_service_assets.items())
        some_hit = some_hit or any(
            0 < h.affected < h.carrying for h in result.critical_service_assets.values()
        )
    assert some_hit  # some event takes out part of a service, not all of it


def test_no_service_hit_means_no_counts(generated: NetworkModel, catalogue: Catalogue) -> None:
    result = whatif(generated, catalogue, [])
    assert result.critical_services == () and result.critical_service_assets == {}
