"""The whole assessment: JSON schema, determinism, catalogue rules and their checks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from fiveguard.assess.assessment import assess, rule_problems
from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.schema import schema_json

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "small" / "model.yaml"


@pytest.fixture(scope="module")
def example(catalogue: Catalogue) -> NetworkModel:
    from fiveguard.modelio.load import load_model

    return load_model(EXAMPLE, catalogue)


def test_published_assessment_schema_matches_the_code() -> None:
    published = (ROOT / "docs" / "schema" / "assessment.schema.json").read_text(encoding="utf-8")
    assert published == schema_json("assessment"), (
        "docs/schema/assessment.schema.json is stale: run "
        "`fiveguard schema assessment > docs/schema/assessment.schema.json`"
    )


def test_assessment_json_validates_against_its_schema(
    example: NetworkModel, catalogue: Catalogue
) -> None:
    result = assess(example, catalogue, catalogue.policies["BE-2020-07"])
    document = json.loads(result.model_dump_json())
    jsonschema.validate(document, json.loads(schema_json("assessment")))
    assert {
        "suppliers",
        "violations",
        "diversity",
        "register",
        "gaps",
        "metadata",
        "summary",
    } <= set(document)


def test_same_inputs_give_the_same_assessment(example: NetworkModel, catalogue: Catalogue) -> None:
    policy = catalogue.policies["UK-2020-01"]
    assert (
        assess(example, catalogue, policy).model_dump_json()
        == assess(example, catalogue, policy).model_dump_json()
    )


def test_the_small_example_reports_its_unknown_and_high_suppliers(
    example: NetworkModel, catalogue: Catalogue
) -> None:
    result = assess(example, catalogue, catalogue.policies["UK-2020-01"])
    profiles = {s.id: s.profile for s in result.suppliers}
    # eastwave leaves product quality out but three state factors are high; cloudcore has
    # no profile at all
    assert profiles == {"nordvik": "low", "eastwave": "high", "cloudcore": "unknown"}
    ems = [v for v in result.violations.violations if "op-a.ems-ew" in v.assets]
    assert ems and ems[0].status == "violation"
    unresolved = [v for v in result.violations.violations if v.status == "unresolved"]
    assert any("op-a.nrf" in v.assets for v in unresolved)  # cloudcore's NRF in the core


def test_an_unknown_profile_and_an_unresolved_restriction_read_right_in_the_summary(
    example: NetworkModel, catalogue: Catalogue
) -> None:
    """cloudcore's profile is unknown: "an unknown profile"; its NRF in the core may break
    the rule, which cannot be told apart from a violation yet, so it is not low."""
    result = assess(example, catalogue, catalogue.policies["UK-2020-01"])
    findings = result.summary.findings
    assert any(
        f.text.startswith("Cloudcore Software (cloudcore) has an unknown profile") for f in findings
    )
    assert not any(" a unknown " in f.text for f in findings)
    unresolved = [f for f in findings if f.text.startswith("unresolved:")]
    assert unresolved and all(f.severity is Level.MEDIUM for f in unresolved)


def test_metadata_names_model_catalogue_and_policy(
    example: NetworkModel, catalogue: Catalogue
) -> None:
    meta = assess(
        example, catalogue, catalogue.policies["UK-2020-01"], catalogue_label="mine.yaml"
    ).metadata
    assert (meta.policy, meta.catalogue, meta.model.country) == ("UK-2020-01", "mine.yaml", "XS")
    assert meta.model.source is not None and meta.model.source.endswith("model.yaml")
    assert len(meta.catalogue_digest) == 64


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thresholds_are_catalogue_data(tmp_path: Path, example: NetworkModel) -> None:
    # R8 likelihood: Beta's southern sites have 4 h of battery; with a 5-hour bar they are short
    before = assess(example, default_catalogue())
    catalogue = load_catalogue(
        write(tmp_path, "assessment:\n  risks:\n    R8:\n      likelihood:\n        hours: 5\n")
    )
    after = assess(example, catalogue)

    def r8(result: object) -> str:
        entry = next(e for e in result.risk_register.entries if (e.risk, e.scope) == ("R8", "op-b"))  # type: ignore[attr-defined]
        return entry.likelihood.facts[0].text

    assert "less than 3 h" in r8(before) and "less than 5 h" in r8(after)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "assessment:\n  risks:\n    R4:\n      likelihood: {rule: made-up, text: x}\n",
            "unknown rule 'made-up'",
        ),
        (
            "assessment:\n  risks:\n    R4:\n      likelihood: {rule: version-count, text: x, level: high}\n",
            "does not use level",
        ),
        ("assessment:\n  matrix:\n    cells:\n      low: {low: severe}\n", "got 'severe'"),
        (
            "assessment:\n  diversity:\n    hhi: {moderate_from: 3000, high_above: 2000}\n",
            "high_above is below moderate_from",
        ),
    ],
)
def test_bad_rules_in_an_override_are_located(tmp_path: Path, override: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_catalogue(write(tmp_path, override))
    assert any(message in str(p) and "catalogue.yaml:" in str(p) for p in caught.value.problems)


def test_cross_references_of_the_rules_are_located_in_the_override(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "assessment:\n  default_policy: XX-1\n  risks:\n    R2:\n      likelihood: {measures: [TM99]}\n",
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "catalogue.yaml:2:19: assessment.default_policy: unknown policy 'XX-1'" in m
        for m in messages
    ), messages
    assert any(
        "catalogue.yaml:5:31: assessment.risks.R2.likelihood.measures[0]" in m and "TM99" in m
        for m in messages
    ), messages


def test_engines_guard_catalogues_built_in_code(
    catalogue: Catalogue, example: NetworkModel
) -> None:
    rules = catalogue.assessment.model_copy(update={"default_policy": "XX-1"})
    broken = catalogue.model_copy(update={"assessment": rules})
    assert next(str(p) for p in rule_problems(broken)).startswith(
        "catalogue: assessment.default_policy: unknown policy 'XX-1'"
    )
    with pytest.raises(InputError):
        assess(example, broken)


def test_packaged_rules_have_no_problems(catalogue: Catalogue) -> None:
    assert rule_problems(catalogue) == []


def test_the_engines_read_no_file_clock_or_database() -> None:
    forbidden = (
        "open(",
        "read_text",
        "datetime.now",
        "date.today",
        "time.time",
        "sqlalchemy",
        "os.environ",
    )
    for path in (ROOT / "src" / "fiveguard" / "assess").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not [f for f in forbidden if f in text], path.name


def test_every_register_rule_named_in_the_catalogue_exists(catalogue: Catalogue) -> None:
    from fiveguard.assess.register_rules import RULES
    from fiveguard.domain.catalogue import RISK_RULE_PARAMETERS

    assert set(RULES) == set(RISK_RULE_PARAMETERS)
    used = {
        getattr(pair, part).rule
        for pair in catalogue.assessment.risks.values()
        for part in ("likelihood", "impact")
    }
    assert used <= set(RULES)
