"""``fiveguard assess`` and ``fiveguard evidence assurance`` read the same evidence alike.

Both use the validity functions of fiveguard.evidence.assurance: the latest equivalence
check and scan of a version, evaluation validity (``valid_until``, else
``evaluation_valid_days``), future-dated evidence as not yet valid, and the catalogue's
``finding_alert_severities``, ``vulnerable_min_severity`` and ``equivalence_min_ratio``.
For every deployed version, each reason the assurance report gives must have its signal in
the assessment, and the other way round.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.results import Assessment
from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue, EvidenceRules
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.evidence.assurance import assess_assurance

VALID = {"evaluation-passed", "evaluation-passed-with-findings", "certificate-valid"}


def signal_kinds(result: Assessment) -> dict[str, set[str]]:
    """Deployed version → kinds of the signals concerning it."""
    kinds: dict[str, set[str]] = {}
    for s in result.suppliers:
        for signal in s.signals:
            for version in signal.deployed:
                kinds.setdefault(version, set()).add(signal.kind)
    return kinds


def assert_agree(model: NetworkModel, catalogue: Catalogue) -> dict[str, Any]:
    """Check both readings agree on every deployed version; return both for more checks."""
    result = run(model, catalogue=catalogue, whatif=False)
    kinds = signal_kinds(result)
    report = assess_assurance(model, catalogue)
    versions = {v.product: v for v in report.versions if v.deployed_assets}
    for version, v in versions.items():
        mine = kinds.get(version, set())
        reasons = set(v.reasons)
        pairs = {
            "open-findings": any(k.startswith("finding-open-") for k in mine),
            "failed-equivalence": "equivalence-failed" in mine,
            "vulnerable-components": any(k.startswith("vulnerable-component-") for k in mine),
            "end-of-support": "component-end-of-support" in mine,
            "failed-evaluation": "evaluation-failed" in mine,
            # a failed evaluation is its own reason, not a mere absence of evaluation
            "no-valid-evaluation": not (mine & VALID) and "evaluation-failed" not in mine,
        }
        for reason, signalled in pairs.items():
            assert (reason in reasons) == signalled, (version, reason, sorted(mine))
        assert bool(v.expired_evaluations) == ("evaluation-expired" in mine), version
        assert bool(v.not_yet_valid) == bool(
            {"evaluation-not-yet-valid", "certificate-not-yet-valid"} & mine
        ), version
    return {"kinds": kinds, "versions": versions, "result": result}


def test_both_readings_agree_on_the_demo(catalogue: Catalogue) -> None:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        demo = load_model(path, catalogue)
    seen = assert_agree(demo, catalogue)
    # the 2023 Corvelle evaluation has no end date: both count it expired after 3 years
    assert seen["versions"]["corvelle-gnb@21.3"].expired_evaluations == ("ev-nesas-corvelle-gnb",)
    assert "evaluation-expired" in seen["kinds"]["corvelle-gnb@21.3"]


def model(evidence: list[dict[str, Any]], versions: tuple[str, ...] = ("1",)) -> NetworkModel:
    """Supplier x runs x-gnb on a's sites (one per version) and x-amf on a's AMF."""
    return build(
        suppliers=[supplier("x", "medium")],
        products=[
            product("x-gnb", "x", "ran.gnb", list(versions)),
            product("x-amf", "x", "core.amf"),
        ],
        operators=[operator("a")],
        assets=[{"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "x-amf@1"}],
        sites=[site(f"a{v}", "a", f"x-gnb@{v}", sensitive=True) for v in versions],
        evidence=evidence,
    )


def equivalence(ident: str, date: str, differing: int) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "equivalence",
        "title": "check",
        "date": date,
        "product": "x-gnb@1",
        "identical": 100 - differing,
        "differing": differing,
        "missing": 0,
        "extra": 0,
    }


def test_a_later_passing_equivalence_check_supersedes_an_earlier_failure() -> None:
    checks = [equivalence("eq-new", "2026-03-01", 0), equivalence("eq-old", "2026-01-01", 7)]
    seen = assert_agree(model(checks), default_catalogue())
    assert "failed-equivalence" not in seen["versions"]["x-gnb@1"].reasons
    sources = {(sig.source, sig.kind) for s in seen["result"].suppliers for sig in s.signals}
    assert ("eq-new", "equivalence-confirmed") in sources
    assert not any(source == "eq-old" for source, _ in sources)  # superseded: no signal


def evaluation(ident: str, date: str, valid_until: str | None = None) -> dict[str, Any]:
    record = {
        "id": ident,
        "type": "evaluation",
        "title": "NESAS",
        "scheme": "GSMA NESAS",
        "products": ["x-gnb@1"],
        "result": "pass",
        "date": date,
    }
    if valid_until:
        record["valid_until"] = valid_until
    return record


@pytest.mark.parametrize(
    ("record", "state"),
    [
        (evaluation("ev", "2025-01-01"), "valid"),  # within 1,095 days of 2026-06-30
        (evaluation("ev", "2023-01-01"), "expired"),  # older than evaluation_valid_days
        (evaluation("ev", "2023-01-01", "2027-01-01"), "valid"),  # valid_until wins
        (evaluation("ev", "2025-01-01", "2026-01-01"), "expired"),
        (evaluation("ev", "2026-08-01"), "not-yet-valid"),  # dated after the assessment
    ],
)
def test_evaluation_validity_is_judged_alike(record: dict[str, Any], state: str) -> None:
    seen = assert_agree(model([record]), default_catalogue())
    v = seen["versions"]["x-gnb@1"]
    listed = {
        "valid": v.valid_evaluations,
        "expired": v.expired_evaluations,
        "not-yet-valid": v.not_yet_valid,
    }
    assert listed[state] == ("ev",)
    kind = {
        "valid": "evaluation-passed",
        "expired": "evaluation-expired",
        "not-yet-valid": "evaluation-not-yet-valid",
    }[state]
    assert kind in seen["kinds"]["x-gnb@1"]


def test_a_failed_evaluation_is_its_own_reason_and_raises_alike() -> None:
    failed = {**evaluation("ev-fail", "2026-01-01"), "result": "fail"}
    seen = assert_agree(model([failed]), default_catalogue())
    v = seen["versions"]["x-gnb@1"]
    assert v.failed_evaluations == ("ev-fail",) and v.reasons == ("failed-evaluation",)
    assert "evaluation-failed" in seen["kinds"]["x-gnb@1"]
    # a later pass does not erase the failure: both readings still report it
    passed = evaluation("ev-pass", "2026-03-01")
    seen = assert_agree(model([failed, passed]), default_catalogue())
    assert seen["versions"]["x-gnb@1"].reasons == ("failed-evaluation",)


def test_every_reason_has_a_severity_in_the_catalogue() -> None:
    from fiveguard.domain.catalogue import ATTENTION_REASONS
    from fiveguard.evidence.assurance import REASONS

    assert tuple(REASONS) == ATTENTION_REASONS
    assert set(default_catalogue().evidence_rules.attention_severity) == set(REASONS)
    with pytest.raises(ValueError, match="attention_severity lacks failed-evaluation"):
        with_rules(attention_severity={"open-findings": "high"})


def with_rules(**changes: Any) -> Catalogue:
    catalogue = default_catalogue()
    rules = EvidenceRules.model_validate({**catalogue.evidence_rules.model_dump(), **changes})
    return catalogue.model_copy(update={"evidence_rules": rules})


def finding(severity: str, **more: Any) -> dict[str, Any]:
    return {
        "id": f"f-{severity}",
        "type": "finding",
        "title": "a flaw",
        "severity": severity,
        "status": "open",
        "affected": ["x-gnb@1"],
        "source": "source-review",
        **more,
    }


def test_the_catalogues_alert_severities_are_read_by_both() -> None:
    medium = model([finding("medium")])
    packaged = assert_agree(medium, default_catalogue())
    assert "open-findings" not in packaged["versions"]["x-gnb@1"].reasons
    alerting = assert_agree(
        medium, with_rules(finding_alert_severities=("critical", "high", "medium"))
    )
    assert "open-findings" in alerting["versions"]["x-gnb@1"].reasons
    assert "finding-open-medium" in alerting["kinds"]["x-gnb@1"]


def test_the_catalogues_equivalence_ratio_is_read_by_both() -> None:
    check = model([equivalence("eq", "2026-03-01", 5)])  # 95 % identical
    strict = assert_agree(check, default_catalogue())  # 1.0 needed
    assert "failed-equivalence" in strict["versions"]["x-gnb@1"].reasons
    lenient = assert_agree(check, with_rules(equivalence_min_ratio=0.9))
    assert "failed-equivalence" not in lenient["versions"]["x-gnb@1"].reasons
    assert "equivalence-confirmed" in lenient["kinds"]["x-gnb@1"]


def test_the_catalogues_vulnerable_severity_is_read_by_both() -> None:
    scan = {
        "id": "scan",
        "type": "vulnerability-scan",
        "title": "scan",
        "date": "2026-05-01",
        "product": "x-gnb@1",
        "database": "osv",
        "database_records": 1,
        "components": 1,
        "matches": [
            {
                "vulnerability": "CVE-1",
                "severity": "medium",
                "severity_source": "cvss",
                "component": "c",
                "name": "c",
                "version": "1",
                "matched_by": "purl",
            }
        ],
    }
    scanned = model([scan])
    packaged = assert_agree(scanned, default_catalogue())
    assert "vulnerable-components" not in packaged["versions"]["x-gnb@1"].reasons
    alerting = assert_agree(scanned, with_rules(vulnerable_min_severity="medium"))
    assert "vulnerable-components" in alerting["versions"]["x-gnb@1"].reasons
    assert "vulnerable-component-medium" in alerting["kinds"]["x-gnb@1"]


def test_a_finding_on_a_supplier_concerns_every_deployed_version_of_it() -> None:
    audit = finding("high", affected=[], subject="x", source="engineering-audit")
    seen = assert_agree(model([audit], versions=("1", "2")), default_catalogue())
    for version in ("x-gnb@1", "x-gnb@2", "x-amf@1"):
        assert "open-findings" in seen["versions"][version].reasons, version
        assert "finding-open-high" in seen["kinds"][version], version
    quality = next(f for f in seen["result"].suppliers[0].factors if f.factor == "product_quality")
    assert quality.moved_by == ("f-high:finding-open-high",)


def test_a_finding_without_affected_versions_must_name_a_supplier(tmp_path: Any) -> None:
    from fiveguard.modelio.load import load_model

    text = (
        "fiveguard: 1\nscope: {country: XR, name: t, as_of: 2026-06-30}\n"
        "regions: [{id: R1, name: R, population: 10}]\n"
        "suppliers: [{id: x, name: X, headquarters: SE, ownership: listed}]\n"
        "operators: [{id: a, name: A, subscribers: 1}]\n"
        "evidence:\n"
        "  - {id: f1, type: finding, title: t, severity: high, status: open, source: pentest,"
        " subject: a}\n"
        "  - {id: f2, type: finding, title: t, severity: high, status: open, source: pentest}\n"
    )
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_model(path, default_catalogue())
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "model.yaml:7:" in m
        and "evidence[0].affected" in m
        and "'a' is not a declared supplier" in m
        for m in messages
    ), messages
    assert any("model.yaml:8:" in m and "names the versions it affects" in m for m in messages), (
        messages
    )
