"""Lab records reach a national model through its registry link, and only attested ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.evidence import Evaluation, Finding, FindingStatus
from fiveguard.domain.lab import LabEvaluation
from fiveguard.domain.parties import Tlp
from fiveguard.domain.registry import Lab, LabKind, Registry, RegistryProduct, RegistrySupplier
from fiveguard.lab.attestation import build_statement, sign
from fiveguard.modelio.lab_files import import_attestation
from fiveguard.modelio.load import load_model
from fiveguard.modelio.registry_files import entry_yaml, read_registry
from lab_world import event, finding, signer, write_registry
from model_texts import BASE_CSV, BASE_YAML

ISSUED = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
LINKED = BASE_YAML + "registry: {dir: registry, products: {gnb: sup-a.gnb}}\n"


def small_registry() -> Registry:
    return Registry(
        suppliers={"sup-a": RegistrySupplier(id="sup-a", name="Supplier A")},
        products={
            "sup-a.gnb": RegistryProduct.model_validate(
                {
                    "id": "sup-a.gnb",
                    "supplier": "sup-a",
                    "name": "gNB",
                    "versions": [
                        {"version": "2.0", "artefacts": [{"name": "gnb.img", "sha256": "c" * 64}]},
                        {"version": "2.1"},
                    ],
                }
            )
        },
        labs={"xec": Lab(id="xec", name="Evaluation centre X", kind=LabKind.EVALUATION_CENTRE)},
    )


def evaluation(**more: object) -> LabEvaluation:
    return LabEvaluation.model_validate(
        {
            "id": "eval-gnb",
            "type": "lab-evaluation",
            "lab": "xec",
            "title": "NESAS evaluation of gNB 2.0",
            "date": "2025-12-01",
            "scheme": {"kind": "nesas", "name": "GSMA NESAS", "version": "2.6"},
            "product": "sup-a.gnb",
            "versions": ["2.0"],
            "scas": ["TS 33.117", "TS 33.511"],
            "test_cases": [
                {"spec": "TS 33.117", "id": "TC_BVT_PORT_SCANNING", "result": "pass"},
                {
                    "spec": "TS 33.511",
                    "id": "TC_UP_INT_GNB",
                    "result": "fail",
                    "note": "no integrity",
                },
                {"spec": "TS 33.511", "id": "TC_CP_CIPHER_GNB", "result": "not-tested"},
            ],
            "result": "pass-with-findings",
            **more,
        }
    )


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model linked to a registry holding an attested evaluation and finding, and an
    unattested finding."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.yaml").write_text(LINKED, encoding="utf-8")
    (tmp_path / "sites.csv").write_text(BASE_CSV, encoding="utf-8")
    reg = small_registry()
    write_registry(tmp_path / "registry", reg)
    records = [
        evaluation(),
        finding(
            "f-open",
            event("2025-12-01", "open"),
            event("2026-01-05", "fixed", fixed_in="2.1"),
            product="sup-a.gnb",
            affected=("2.0",),
            evaluation="eval-gnb",
        ),
    ]
    draft = build_statement(reg, "xec", "sup-a.gnb", ["2.0"], records, ISSUED, Tlp.AMBER)
    made, trust = signer()
    envelope = tmp_path / "envelope.json"
    envelope.write_bytes(sign(draft, made).to_json())
    files = read_registry(tmp_path / "registry")
    import_attestation(
        files, envelope, trust, dt.date(2026, 1, 11), "xcsa", now=ISSUED + dt.timedelta(days=1)
    )
    local = finding("f-local", product="sup-a.gnb", affected=("2.0",))
    (tmp_path / "registry" / "records" / "f-local.yaml").write_text(entry_yaml(local))
    return tmp_path / "model.yaml"


def test_attested_records_join_the_models_evidence(linked: Path, catalogue: Catalogue) -> None:
    model = load_model(linked, catalogue)
    by_id = {r.id: r for r in model.document.evidence}
    evaluation_record = by_id["eval-gnb"]
    assert isinstance(evaluation_record, Evaluation)
    assert evaluation_record.products == ("gnb@2.0",)
    assert evaluation_record.scheme == "GSMA NESAS 2.6"
    assert evaluation_record.lab == "Evaluation centre X"
    found = by_id["f-open"]
    assert isinstance(found, Finding)
    # fixed in 2.1, but the model runs 2.0: the flaw is still there
    assert found.status is FindingStatus.OPEN and found.affected == ("gnb@2.0",)
    assert "fixed in 2.1" in found.title and found.source == "evaluation"
    assert found.issuer == "Evaluation centre X" and "attested by xec" in (found.note or "")
    view = model.registry
    assert view is not None and view.products == {"gnb": "sup-a.gnb"}
    assert set(view.counted) == {"eval-gnb", "f-open"}
    assert "not attested" in view.not_counted["f-local"]
    assert "f-local" not in by_id


def test_the_model_date_decides_the_findings_state(linked: Path, catalogue: Catalogue) -> None:
    text = linked.read_text().replace("as_of: 2026-06-30", "as_of: 2025-11-30")
    assert text != linked.read_text(), "the model's date was changed"
    linked.write_text(text)
    model = load_model(linked, catalogue)
    assert model.registry is not None
    assert "after the model's date" in model.registry.not_counted["f-open"]


def test_a_registry_given_on_the_command_line_replaces_the_models(
    linked: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_model(linked, catalogue, registry=tmp_path / "elsewhere")


def test_a_mapping_to_nothing_is_located_in_the_model(linked: Path, catalogue: Catalogue) -> None:
    linked.write_text(
        linked.read_text().replace("gnb: sup-a.gnb", "gnb: sup-a.nothing, zzz: sup-a.gnb")
    )
    with pytest.raises(InputError) as exc:
        load_model(linked, catalogue)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert (
        "model.yaml:" in text and "registry.products.gnb: 'sup-a.nothing' is not a product" in text
    )
    assert "registry.products.zzz: 'zzz' is not a product of the model" in text


def test_an_id_the_model_uses_too_is_located_in_the_registry(
    linked: Path, catalogue: Catalogue
) -> None:
    text = linked.read_text().replace("id: ev-1,", "id: f-open,")
    linked.write_text(text)
    with pytest.raises(InputError) as exc:
        load_model(linked, catalogue)
    problems = [str(p) for p in exc.value.problems if "registry/" in str(p)]
    assert problems == [
        "registry/records/f-open.yaml:1:5: id: duplicate id 'f-open': the model's evidence "
        "has it too"
    ]


def test_bad_registry_link_is_located(
    write_model: Callable[..., Path], catalogue: Catalogue
) -> None:
    path = write_model(BASE_YAML + "registry: {folder: x}\n")
    with pytest.raises(InputError) as exc:
        load_model(path, catalogue)
    assert any("registry.folder: unknown field" in str(p) for p in exc.value.problems)


def test_records_whose_envelope_is_gone_do_not_count(linked: Path, catalogue: Catalogue) -> None:
    [envelope] = (linked.parent / "registry" / "attestations").iterdir()
    envelope.unlink()
    model = load_model(linked, catalogue)
    assert model.registry is not None and model.registry.counted == ()
    why = model.registry.not_counted["f-open"]
    assert "cannot be read: file not found" in why
    assert not any(r.id in ("f-open", "eval-gnb") for r in model.document.evidence)


def test_an_envelope_swapped_for_another_does_not_count(linked: Path, catalogue: Catalogue) -> None:
    [envelope] = (linked.parent / "registry" / "attestations").iterdir()
    reg = small_registry()
    other = build_statement(
        reg, "xec", "sup-a.gnb", ["2.0"], [evaluation(title="Other")], ISSUED, Tlp.AMBER
    )
    made, _ = signer()
    envelope.write_bytes(sign(other, made).to_json())
    model = load_model(linked, catalogue)
    assert model.registry is not None
    assert "payload digest differs" in model.registry.not_counted["eval-gnb"]
