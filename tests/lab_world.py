"""A small registry to test labs against: one supplier, one product in three versions, a
lab, and builders for findings and reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from fiveguard.domain.lab import FindingEvent, FindingState, LabFinding, PracticeReview
from fiveguard.domain.registry import Lab, LabKind, Registry, RegistryProduct, RegistrySupplier

DIGEST = "a" * 64
LEI = "FGDEMOKORVATH0000080"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def event(date: str, state: str, **more: Any) -> FindingEvent:
    return FindingEvent(date=day(date), state=FindingState(state), **more)


def finding(ident: str = "f-1", *events: FindingEvent, **more: Any) -> LabFinding:
    history = events or (event("2025-03-01", "open"),)
    fields: dict[str, Any] = {
        "id": ident,
        "type": "lab-finding",
        "lab": "xec",
        "title": f"finding {ident}",
        "date": history[0].date,
        "product": "korvath.gnb",
        "affected": ("8.2",),
        "severity": "high",
        "history": history,
    }
    fields.update(more)
    return LabFinding.model_validate(fields)


def review(
    ident: str, date: str, period: str, previous: str | None = None, **more: Any
) -> PracticeReview:
    return PracticeReview.model_validate(
        {
            "id": ident,
            "type": "practice-review",
            "lab": "xec",
            "title": f"Engineering review {period}",
            "date": date,
            "supplier": "korvath",
            "period": period,
            "previous": previous,
            **more,
        }
    )


def registry() -> Registry:
    return Registry(
        suppliers={"korvath": RegistrySupplier(id="korvath", name="Korvath", lei=LEI)},
        products={
            "korvath.gnb": RegistryProduct.model_validate(
                {
                    "id": "korvath.gnb",
                    "supplier": "korvath",
                    "name": "Korvath gNB",
                    "kind": "ran.gnb",
                    "versions": [
                        {"version": "8.2"},
                        {
                            "version": "9.0",
                            "artefacts": [{"name": "gnb-9.0.img", "sha256": DIGEST}],
                        },
                        {"version": "9.1"},
                    ],
                }
            )
        },
        labs={
            "xec": Lab(id="xec", name="Xandrian evaluation centre", kind=LabKind.EVALUATION_CENTRE)
        },
    )


def write_registry(root: Path, reg: Registry | None = None) -> Path:
    """Write a registry's entries as files, as the commands would."""
    from fiveguard.modelio.registry_files import entry_yaml

    reg = reg or registry()
    for section in ("suppliers", "products", "labs", "records"):
        for ident, entry in getattr(reg, section).items():
            path = root / section / f"{ident}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(entry_yaml(entry), encoding="utf-8")
    return root


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def signer(organisation: str = "xec", seed: bytes = b"xec") -> Any:
    """A deterministic Ed25519 signer, and the trust list that accepts it."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fiveguard.lab.signing import KeyFileSigner, TrustedKey, TrustListVerifier, public_hex

    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())
    made = KeyFileSigner(organisation, key)
    trust = TrustListVerifier({made.keyid: TrustedKey(organisation, public_hex(key.public_key()))})
    return made, trust
