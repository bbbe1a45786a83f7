"""The embedded demo (Republic of Xandria): loads cleanly, is realistic in size and shape,
and carries the deliberate problems the assessment is meant to find."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from fiveguard.catalog import default_catalogue
from fiveguard.domain.base import Level, split_product_ref
from fiveguard.domain.catalogue import Domain
from fiveguard.domain.evidence import AssuranceStatement, Certificate, Equivalence, Finding
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import PROFILE_FACTORS, MeasureStatus
from fiveguard.modelio.csvsites import write_sites
from fiveguard.modelio.load import load_model

ROOT = Path(__file__).parents[2]
SITES_SCRIPT = ROOT / "tools" / "make_demo_sites.py"
CORE_KINDS = (
    "core.amf",
    "core.smf",
    "core.upf",
    "core.ausf",
    "core.udm",
    "core.udr",
    "core.pcf",
    "core.nrf",
    "core.nssf",
    "core.nef",
    "core.sepp",
    "ims",
    "li",
)
MANAGEMENT_KINDS = ("mgmt.oss", "mgmt.ems", "mano.nfvo", "mano.vnfm", "mano.vim")
TRANSPORT_KINDS = ("transport.ipcore", "transport.backhaul")


@pytest.fixture(scope="module")
def demo_path() -> Iterator[Path]:
    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        yield path


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> NetworkModel:
    # load_model raises InputError listing every problem, so loading is the first check
    return load_model(demo_path, default_catalogue())


def supplier_of(model: NetworkModel) -> np.ndarray:
    """Supplier id of every asset row (None without a product)."""
    table = model.table
    names = np.asarray([s.id for s in model.document.suppliers] + [None], dtype=object)
    return names[table.supplier]


def operator_of(model: NetworkModel) -> np.ndarray:
    names = np.asarray([o.id for o in model.document.operators] + [None], dtype=object)
    return names[model.table.operator]


def domain_of(model: NetworkModel) -> np.ndarray:
    catalogue = default_catalogue()
    table = model.table
    domains = np.asarray(
        [catalogue.asset_kinds[k].domain.value for k in table.kinds] + [None], dtype=object
    )
    return domains[table.kind]


def high_profile_supplier(model: NetworkModel) -> str:
    def highs(supplier_id: str) -> int:
        profile = model.suppliers[supplier_id].profile
        scores = (getattr(profile, f) for f in PROFILE_FACTORS)
        return sum(1 for s in scores if s is not None and s.score is Level.HIGH)

    return max(model.suppliers, key=highs)


def test_demo_loads_without_problems(demo: NetworkModel) -> None:
    assert demo.document.scope.country == "XR"
    assert str(demo.document.scope.as_of) == "2026-09-30"


def test_about_ten_regions_and_eleven_million_people(demo: NetworkModel) -> None:
    regions = demo.document.regions
    assert 9 <= len(regions) <= 11
    assert 10_500_000 <= sum(r.population for r in regions) <= 11_500_000


def test_three_operators_with_one_radio_sharing_pair_and_roaming(demo: NetworkModel) -> None:
    assert len(demo.document.operators) == 3
    sites = demo.sites
    pairs = {
        (host, guest)
        for host, partners in zip(sites.operator.values(), sites.shared_with.values(), strict=True)
        for guest in partners or ()
    }
    assert len(pairs) == 1
    assert any(o.roaming for o in demo.document.operators)


def test_five_suppliers_each_factor_argued_one_mostly_high(demo: NetworkModel) -> None:
    assert len(demo.document.suppliers) == 5
    for supplier in demo.document.suppliers:
        for factor in PROFILE_FACTORS:
            score = getattr(supplier.profile, factor)
            assert score is not None, f"{supplier.id}.{factor} has no score"
            assert len(score.rationale) > 30, f"{supplier.id}.{factor} rationale is too thin"
    high = demo.suppliers[high_profile_supplier(demo)].profile
    levels = Counter(getattr(high, f).score for f in PROFILE_FACTORS)
    assert levels[Level.HIGH] >= 5


def test_every_operator_has_a_full_core_management_and_transport(demo: NetworkModel) -> None:
    for operator in demo.document.operators:
        kinds = Counter(a.kind for a in demo.document.assets if a.operator == operator.id)
        missing = [k for k in (*CORE_KINDS, *MANAGEMENT_KINDS, *TRANSPORT_KINDS) if not kinds[k]]
        assert not missing, f"{operator.id} lacks {missing}"
        assert kinds["core.amf"] >= 2  # a pool
        assert kinds["core.upf"] >= 2  # one per region cluster


def test_at_least_twenty_thousand_site_rows(demo: NetworkModel) -> None:
    assert len(demo.sites) >= 20_000
    assert set(demo.sites.kind.categories) == {"ran.gnb"}
    assert 1.0 <= np.nanmin(demo.sites.battery_hours) < np.nanmax(demo.sites.battery_hours) <= 8.0
    assert demo.sites.sensitive.any()


def test_region_population_is_never_exceeded(demo: NetworkModel) -> None:
    table = demo.table
    radio = domain_of(demo) == Domain.RAN.value
    served = np.bincount(
        table.region[radio],
        weights=table.population[radio],
        minlength=len(demo.document.regions),
    )
    for region, people in zip(demo.document.regions, served.tolist(), strict=True):
        assert people <= region.population, region.id


def test_an_expired_certificate(demo: NetworkModel) -> None:
    as_of = demo.document.scope.as_of
    expired = [
        e for e in demo.document.evidence if isinstance(e, Certificate) and e.valid_to < as_of
    ]
    assert len(expired) == 1


def test_one_operator_radio_network_is_single_supplier(demo: NetworkModel) -> None:
    radio = domain_of(demo) == Domain.RAN.value
    suppliers = supplier_of(demo)[radio]
    operators = operator_of(demo)[radio]
    per_operator = {op: set(suppliers[operators == op].tolist()) for op in set(operators.tolist())}
    single = [op for op, used in per_operator.items() if len(used) == 1]
    assert single == ["nova"]


def test_high_profile_supplier_in_core_and_management(demo: NetworkModel) -> None:
    high = high_profile_supplier(demo)
    domains = set(domain_of(demo)[supplier_of(demo) == high].tolist())
    assert Domain.CORE.value in domains
    assert Domain.MANAGEMENT.value in domains


def test_high_profile_supplier_above_a_35_percent_radio_share(demo: NetworkModel) -> None:
    high = high_profile_supplier(demo)
    radio = domain_of(demo) == Domain.RAN.value
    operators = operator_of(demo)
    shares = {
        op: np.count_nonzero(radio & (operators == op) & (supplier_of(demo) == high))
        / np.count_nonzero(radio & (operators == op))
        for op in demo.operators
    }
    assert max(shares.values()) > 0.35


def test_sensitive_sites_on_the_high_profile_supplier(demo: NetworkModel) -> None:
    high = high_profile_supplier(demo)
    assert np.count_nonzero(demo.table.sensitive & (supplier_of(demo) == high)) > 0


def test_a_core_product_runs_in_two_versions(demo: NetworkModel) -> None:
    versions: dict[str, set[str]] = {}
    for asset in demo.document.assets:
        if asset.product and asset.kind.startswith("core."):
            product, version = split_product_ref(asset.product)
            versions.setdefault(product, set()).add(version)
    assert any(len(v) >= 2 for v in versions.values())


def test_measures_and_assurance_evidence_are_varied(demo: NetworkModel) -> None:
    measures = demo.document.measures
    families = {m.measure[:2] for m in measures}
    assert families == {"SM", "TM", "SA"}
    assert len({m.status for m in measures}) >= 4
    assert {m.operator for m in measures} == {None, *demo.operators}
    assert any(m.status is MeasureStatus.IMPLEMENTED and m.date and m.evidence for m in measures)
    evidence = demo.document.evidence
    assert sum(isinstance(e, Finding) and e.source == "source-review" for e in evidence) >= 2
    assert any(isinstance(e, Equivalence) and not e.equivalent for e in evidence)
    high = high_profile_supplier(demo)
    assert any(
        isinstance(e, AssuranceStatement) and e.level == "limited" and e.subject == high
        for e in evidence
    )


def load_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_sites", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_sites_csv_is_what_the_script_writes(
    demo: NetworkModel, demo_path: Path, tmp_path: Path
) -> None:
    script = load_script(SITES_SCRIPT)
    regions = {r.id: r.population for r in demo.document.regions}
    written = tmp_path / "sites.csv"
    write_sites(script.build_sites(regions), written)
    assert written.read_bytes() == (demo_path.parent / "sites.csv").read_bytes()
