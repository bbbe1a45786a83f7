"""Exporting a national summary: assess (or take an assessment), summarise, check that no
inventory leaves, bind to the model snapshot, sign."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.app.national import national_assessment
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.model import NetworkModel
from fiveguard.exchange.build import (
    Addressing,
    build_summary,
    check_no_inventory,
    snapshot_digest,
    unsigned_envelope,
)
from fiveguard.exchange.dsse import Envelope, sign_envelope
from fiveguard.exchange.files import model_snapshot
from fiveguard.exchange.summary import NationalSummary


def export_summary(
    model: NetworkModel,
    catalogue: Catalogue,
    model_path: Path,
    to: Addressing,
    signing: Sequence[tuple[str, Ed25519PrivateKey]],
    *,
    assessment: Assessment | None = None,
    policy: RestrictionPolicy | None = None,
    policy_origin: str = "preset",
    catalogue_path: Path | None = None,
    trials: int = 0,
    seed: int = 0,
) -> tuple[Envelope, NationalSummary, str]:
    """The signed envelope of ``model``'s national summary, the summary, and the snapshot
    digest it is bound to. Raises InputError when a text would carry the inventory.

    With ``trials`` > 0 the summary carries the federated section: per simulated year,
    the impacts of the cross-border sources under ``seed`` (the seed every state shares).
    """
    from fiveguard.assess.engine import prepare_engine

    label = f"packaged, with {catalogue_path} merged over it" if catalogue_path else "packaged"
    if assessment is None:
        assessment, engine = national_assessment(
            model,
            catalogue,
            policy,
            policy_origin=policy_origin,
            catalogue_label=label,
            trials=trials,
            seed=seed,
        )
    else:
        engine = prepare_engine(model, catalogue)
    federated = None
    if trials > 0:
        from fiveguard.assess.quality import quality_for_simulation
        from fiveguard.exchange.federated import federated_section

        ready = engine.with_quality(quality_for_simulation(assessment.suppliers))
        federated = federated_section(ready, trials, seed)
    summary = build_summary(model, assessment, engine.compiled, to, federated=federated)
    check_no_inventory(summary, model, str(model_path))
    document = model.document
    digest = snapshot_digest(
        model_snapshot(model_path, document.sites, document.evidence_dirs, catalogue_path)
    )
    envelope = unsigned_envelope(summary, digest)
    for keyid, key in signing:
        envelope = sign_envelope(envelope, key, keyid)
    return envelope, summary, digest
