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


KEYS_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEYS_UNTIL = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
ORGANISATIONS = {
    "xec": "evaluation-lab",
    "xtl": "evaluation-lab",
    "xcsa": "national-authority",
    "xop": "operator",
}
"""The test keyring's organisations (one key each, seeded by the id): two labs, an
authority and an operator."""


def seeded_key(seed: bytes) -> Any:
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())


def keyring_file(**key_changes: dict[str, Any]) -> Any:
    """The test keyring (version 1, signed by its root); ``key_changes`` maps an
    organisation to fields of its key to change (status, revoked_at, not_after, …)."""
    from fiveguard.domain.parties import OrganisationKind
    from fiveguard.exchange import keyring_edit
    from fiveguard.exchange.keyring import KeyEntry, Organisation
    from fiveguard.exchange.keys import describe

    root = seeded_key(b"root")
    ring = keyring_edit.new_keyring([describe("root", root)], 1, KEYS_FROM, KEYS_UNTIL)
    for ident, kind in ORGANISATIONS.items():
        public = describe(ident, seeded_key(ident.encode()))
        ring, _ = keyring_edit.add_organisation(
            ring,
            Organisation(id=ident, name=ident, kind=OrganisationKind(kind), threshold=1),
            KEYS_FROM,
        )
        ring, _ = keyring_edit.add_key(ring, ident, public, KEYS_FROM, KEYS_UNTIL, KEYS_FROM)
    if key_changes:
        body = ring.versions[-1].signed
        orgs = []
        for org in body.organisations:
            change = key_changes.get(org.id)
            key = org.keys[0]
            if change:
                key = KeyEntry.model_validate({**key.model_dump(), **change})
            orgs.append(org.model_copy(update={"keys": (key,)}))
        body = body.model_copy(update={"organisations": tuple(orgs)})
        ring = ring.model_copy(
            update={"versions": (ring.versions[0].model_copy(update={"signed": body}),)}
        )
    ring, _ = keyring_edit.sign_keyring(ring, root, describe("root", root).keyid)
    return ring


def keyring(**key_changes: dict[str, Any]) -> Any:
    """The verified body of :func:`keyring_file`'s keyring."""
    from fiveguard.exchange.keyring import verify_keyring

    return verify_keyring(keyring_file(**key_changes), "keyring.json").current


def signer(organisation: str = "xec", seed: bytes | None = None) -> Any:
    """A deterministic signer for ``organisation`` (with its keyring key, unless another
    ``seed`` is given), and the verified test keyring."""
    from fiveguard.exchange.keys import describe
    from fiveguard.lab.signing import LabSigner

    key = seeded_key(seed if seed is not None else organisation.encode())
    made = LabSigner(organisation, ((describe(organisation, key).keyid, key),))
    return made, keyring()
