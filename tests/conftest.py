"""Shared fixtures: a small valid model written to a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model

BASE_YAML = """\
fiveguard: 1
scope: {country: XR, name: Test model, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 1000}
  - {id: R2, name: Two, population: 2000}
suppliers:
  - {id: sup-a, name: Supplier A, headquarters: SE, ownership: listed}
products:
  - {id: amf, supplier: sup-a, name: AMF, kind: core.amf, versions: ["1.0", "1.1"]}
  - {id: gnb, supplier: sup-a, name: gNB, kind: ran.gnb, versions: ["2.0"]}
  - {id: oss, supplier: sup-a, name: OSS, kind: mgmt.oss, versions: ["3"]}
operators:
  - {id: op-a, name: Operator A, subscribers: 1500}
assets:
  - {id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3}
  - {id: a.amf, operator: op-a, kind: core.amf, product: amf@1.0, managed_by: a.oss}
  - {id: a.ran, operator: op-a, kind: ran.gnb, product: gnb@2.0, region: R1, sites: 3, population: 600, requires: [a.amf], managed_by: a.oss}
sites: sites.csv
measures:
  - {measure: TM07, operator: op-a, status: implemented, evidence: [ev-1]}
evidence:
  - {id: ev-1, type: audit, title: An audit, subject: op-a}
"""

BASE_CSV = """\
id,operator,kind,product,region,population,requires,managed_by
a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,a.oss
a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,a.oss
"""


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


WriteModel = Callable[..., Path]


@pytest.fixture
def write_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteModel:
    """Write a model (YAML text, optional CSV text) and return the YAML path.

    Works in ``tmp_path`` so that messages name files as a user would see them.
    """
    monkeypatch.chdir(tmp_path)

    def write(yaml_text: str = BASE_YAML, csv_text: str | None = BASE_CSV) -> Path:
        path = tmp_path / "model.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        if csv_text is not None:
            (tmp_path / "sites.csv").write_text(csv_text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def model_problems(catalogue: Catalogue) -> Callable[[Path], list[str]]:
    """The problems load_model reports for a path, as strings (empty when valid)."""

    def run(path: Path) -> list[str]:
        try:
            load_model(path, catalogue)
        except InputError as exc:
            return [str(p) for p in exc.problems]
        return []

    return run


@pytest.fixture
def load(catalogue: Catalogue) -> Callable[[Path], NetworkModel]:
    return lambda path: load_model(path, catalogue)
