"""The national summary: what it carries, what it never carries (the inventory), and the
labels of its sections."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from exchange_helpers import Ring, addressing, export_envelope

from fiveguard.app.exchange import export_summary
from fiveguard.app.national import national_assessment, read_assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.build import build_summary
from fiveguard.exchange.summary import NationalSummary, Section
from fiveguard.modelio.dump import write_model
from fiveguard.modelio.generate import generate_model
from fiveguard.modelio.load import load_model

TOKEN = re.compile(r"[A-Za-z0-9._:@-]+")


def payload_text(raw: bytes) -> str:
    return base64.b64decode(json.loads(raw)["payload"]).decode("utf-8")


def inventory_in(text: str, model: NetworkModel) -> set[str]:
    """Every asset or site id of ``model`` found as a word of ``text`` (trailing
    punctuation and a product version stripped as well)."""
    ids = set(model.table.position)
    words = set(TOKEN.findall(text))
    words |= {w.rstrip(".:-") for w in words} | {w.split("@")[0] for w in words}
    return words & ids


def export_generated(
    sites: int, tmp_path: Path, catalogue: Catalogue, ring: Ring
) -> tuple[bytes, NetworkModel]:
    path = tmp_path / "model.yaml"
    write_model(generate_model(sites, seed=3), path)
    model = load_model(path, catalogue)
    raw = export_envelope(model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA"), path)
    return raw, model


def test_a_generated_model_leaves_none_of_its_asset_or_site_ids(
    tmp_path: Path, catalogue: Catalogue, ring: Ring
) -> None:
    raw, model = export_generated(3_000, tmp_path, catalogue, ring)
    assert len(model.sites) == 3_000
    text = payload_text(raw)
    assert inventory_in(text, model) == set()
    # the check itself finds ids where they are (it is not vacuous)
    assert inventory_in(text + " op-1.site-0001", model) == {"op-1.site-0001"}
    assert '"people_without_service"' in text and '"hhi"' in text


@pytest.mark.slow
def test_a_million_site_model_leaves_none_of_its_asset_or_site_ids(
    tmp_path: Path, catalogue: Catalogue, ring: Ring
) -> None:
    raw, model = export_generated(1_000_000, tmp_path, catalogue, ring)
    assert len(model.sites) == 1_000_000
    assert inventory_in(payload_text(raw), model) == set()


def test_an_asset_id_in_a_rationale_refuses_the_export(
    write_model, catalogue: Catalogue, ring: Ring
) -> None:
    from model_texts import BASE_YAML

    text = BASE_YAML.replace(
        "ownership: listed}",
        "ownership: listed, profile: {pressure: {score: low, rationale: 'See a.amf.'}}}",
    )
    path = write_model(text)
    model = load_model(path, catalogue)
    assert "a.amf" in model.table.position
    with pytest.raises(InputError) as caught:
        export_summary(model, catalogue, path, addressing("XS-NCA"), [])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: suppliers[0].factors[3].rationale: names the asset or site 'a.amf'; a "
        "summary never carries the inventory: rewrite this text in the model without it"
    ]


def test_per_operator_register_only_on_request_then_amber_strict(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    assessment, engine = national_assessment(small_model, catalogue, None)
    plain = build_summary(
        small_model, assessment, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    assert plain.register_operators is None
    assert {line.scope for line in plain.risk_register or ()} == {"national"}
    asked = build_summary(
        small_model,
        assessment,
        engine.compiled,
        addressing("XS-NCA", per_operator=True),
        catalogue=catalogue,
    )
    assert asked.register_operators and all(e.scope != "national" for e in asked.register_operators)
    assert asked.label_of(Section.REGISTER_OPERATORS) is Tlp.AMBER_STRICT
    red = build_summary(
        small_model,
        assessment,
        engine.compiled,
        addressing("XS-NCA", tlp=Tlp.RED, per_operator=True),
        catalogue=catalogue,
    )
    assert red.label_of(Section.REGISTER_OPERATORS) is Tlp.RED


def test_a_section_may_only_be_stricter_than_the_bundle(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    assessment, engine = national_assessment(small_model, catalogue, None)
    with pytest.raises(ValueError, match="less restrictive than the bundle's TLP:AMBER"):
        build_summary(
            small_model,
            assessment,
            engine.compiled,
            addressing("XS-NCA", section_tlp={Section.SUPPLIERS: Tlp.GREEN}),
            catalogue=catalogue,
        )


def test_without_monte_carlo_the_distribution_is_unknown_not_zero(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    assessment, engine = national_assessment(small_model, catalogue, None, trials=0)
    summary = build_summary(
        small_model, assessment, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    assert summary.simulation is not None
    assert summary.simulation.monte_carlo is None
    assert "the distribution is unknown, not zero" in summary.simulation.note
    with_mc, engine = national_assessment(small_model, catalogue, None, trials=64, seed=1)
    summary = build_summary(
        small_model, with_mc, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    assert summary.simulation and summary.simulation.monte_carlo
    assert summary.simulation.monte_carlo.trials == 64


def test_what_ifs_cover_every_supplier_and_deployed_version(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    assessment, engine = national_assessment(small_model, catalogue, None)
    summary = build_summary(
        small_model, assessment, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    assert summary.simulation is not None
    deployed = {
        small_model.table.product_versions[i]
        for i in set(small_model.table.product_version.tolist())
        if i >= 0
    }
    assert {f"{f.event.split(':', 1)[1]}" for f in summary.simulation.version_faults} == deployed
    used = {s.supplier for s in summary.simulation.supplier_faults}
    assert used == {small_model.products[v.split("@")[0]].supplier for v in deployed}


def test_assessment_json_gives_the_same_summary(
    small_model: NetworkModel, catalogue: Catalogue, tmp_path: Path
) -> None:
    assessment, engine = national_assessment(small_model, catalogue, None)
    raw = assessment.model_dump_json().encode()
    again = read_assessment(raw, "assessment.json", small_model)
    a = build_summary(
        small_model, assessment, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    b = build_summary(
        small_model, again, engine.compiled, addressing("XS-NCA"), catalogue=catalogue
    )
    assert a == b


def test_assessment_json_of_another_model_is_refused(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    assessment, _ = national_assessment(small_model, catalogue, None)
    data = json.loads(assessment.model_dump_json())
    data["metadata"]["model"]["country"] = "XA"
    with pytest.raises(InputError) as caught:
        read_assessment(json.dumps(data).encode(), "a.json", small_model)
    assert [str(p) for p in caught.value.problems] == [
        "a.json: metadata.model: an assessment of XA as of 2026-06-30, but the model is XS as "
        "of 2026-06-30: give the assessment of this model"
    ]


def test_the_predicate_schema_describes_the_federated_vectors() -> None:
    schema = NationalSummary.model_json_schema()
    assert "federated" in schema["properties"]
    vectors = schema["$defs"]["FederatedVectors"]["properties"]
    assert set(vectors) == {
        "people_without_service",
        "subscribers_exposed",
        "assets_down",
        "assets_compromised",
    }


def test_published_summary_schema_matches_the_code_and_validates_a_predicate(
    envelope: bytes,
) -> None:
    import jsonschema

    from fiveguard.modelio.schema import schema_json

    root = Path(__file__).parents[2]
    published = (root / "docs" / "schema" / "national-summary.schema.json").read_text("utf-8")
    assert published == schema_json("national-summary"), "run `make schema`"
    predicate = json.loads(payload_text(envelope))["predicate"]
    jsonschema.validate(predicate, json.loads(published))
    predicate["sites"] = []
    with pytest.raises(jsonschema.ValidationError, match="'sites' was unexpected"):
        jsonschema.validate(predicate, json.loads(published))
