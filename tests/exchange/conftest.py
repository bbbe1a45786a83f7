"""Fixtures of the exchange tests: the small example model, a keyring, an envelope."""

from __future__ import annotations

import pytest
from exchange_helpers import SMALL_MODEL, Ring, addressing, export_envelope, make_ring

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model


@pytest.fixture(scope="session")
def small_model(catalogue: Catalogue) -> NetworkModel:
    return load_model(SMALL_MODEL, catalogue)


@pytest.fixture(scope="session")
def ring() -> Ring:
    """XS-NCA (two keys, threshold 2), XA-NCA, XB-NCA, EU-COORD (one key each)."""
    return make_ring({"XS-NCA": 2, "XA-NCA": 1, "XB-NCA": 1, "EU-COORD": 1})


@pytest.fixture(scope="session")
def envelope(small_model: NetworkModel, catalogue: Catalogue, ring: Ring) -> bytes:
    """The small example's summary, TLP:AMBER to EU-COORD, signed by XS-NCA's two keys."""
    return export_envelope(small_model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA"))
