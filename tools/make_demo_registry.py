"""Write the demo's product registry (src/fiveguard/examples/demo/registry/) and the
keyring its labs sign under (src/fiveguard/examples/demo/keyring.json).

Everything is fictional: the suppliers' LEIs (valid check digits, "FGDEMO" prefix), the
artefact digests (SHA-256 of a text naming the artefact), the labs, the authority and
their keys, which are derived from a fixed text so the keyring and the signed envelopes
come out the same on every run. No private key is written anywhere. The registry is built
as a lab and an authority would build it: the labs record their work in their own
registry, attest it under the keyring, and the authority imports the attestations into
the registry the demo model reads.

Run: python tools/make_demo_registry.py [OUT_DIR]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.domain.lab import LabRecord
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.domain.registry import Registry
from fiveguard.exchange import keyring_edit
from fiveguard.exchange.keyring import KeyringFile, Organisation, keyring_json
from fiveguard.exchange.keys import describe
from fiveguard.lab.attestation import build_statement, concerns, sign
from fiveguard.lab.signing import LabSigner
from fiveguard.modelio.lab_files import import_attestation
from fiveguard.modelio.registry_files import RegistryFiles, read_registry, save_entries

ROOT = Path(__file__).parents[1]
DEMO = ROOT / "src" / "fiveguard" / "examples" / "demo"
MODEL = DEMO / "model.yaml"
VERIFIED_ON = dt.date(2026, 9, 1)
VERIFIED_AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
KEYS_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEYS_UNTIL = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
ORGANISATIONS = [
    ("xcsa", "Xandrian Cyber Security Authority (fictional)", "national-authority", "XR"),
    ("xec", "Xandrian evaluation centre (fictional)", "evaluation-lab", "XR"),
    ("xtl", "Accredited test laboratory (fictional)", "evaluation-lab", "FI"),
]
"""The keyring's organisations: the authority that imports, and the two labs."""

SUPPLIERS = {
    "valtaro": ("Valtaro Networks", "FI", {"lei": "FGDEMOVALTARO0000067"}),
    "korvath": ("Korvath Technologies", "XT", {"lei": "FGDEMOKORVATH0000080"}),
    "corvelle": ("Corvelle Systems", "XV", {"lei": "FGDEMOCORVELLE000089"}),
    "openmast": ("Openmast Radio", "EE", {"registry_id": "EE:16000123"}),
    "cirrolane": ("Cirrolane Software", "IE", {"lei": "FGDEMOCIRROLANE00025"}),
}
LABS = [
    {
        "id": "xec",
        "name": "Xandrian evaluation centre",
        "kind": "evaluation-centre",
        "country": "XR",
        "note": "Government-run centre; reviews Korvath source code at the vendor's "
        "transparency centre and reports to an oversight board every year (fictional).",
    },
    {
        "id": "xtl",
        "name": "Accredited test laboratory (fictional)",
        "kind": "test-lab",
        "country": "FI",
        "accreditation": "ISO/IEC 17025, NESAS test laboratory (fictional)",
    },
]
ATTESTED = {"valtaro.amf": ("24.4",), "korvath.gnb": ("8.2", "9.0"), "korvath.smf": ("9.1",)}
"""Versions the labs attest about, which therefore carry artefact digests."""


def canonical(model_id: str) -> str:
    """The demo's canonical product id: the supplier's id, a dot, the rest."""
    supplier, _, rest = model_id.partition("-")
    return f"{supplier}.{rest}"


def key(lab: str) -> Ed25519PrivateKey:
    """The demo key of an organisation (or of the keyring's root: ``root``)."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"fiveguard demo lab key: {lab}".encode()).digest()
    )


def signer(lab: str) -> LabSigner:
    public = describe(lab, key(lab))
    return LabSigner(lab, ((public.keyid, key(lab)),))


def keyring() -> KeyringFile:
    """Version 1 of the demo keyring, signed by its one root key."""
    root = key("root")
    ring = keyring_edit.new_keyring([describe("root", root)], 1, KEYS_FROM, KEYS_UNTIL)
    for ident, name, kind, country in ORGANISATIONS:
        org = Organisation(
            id=ident, name=name, kind=OrganisationKind(kind), country=country, threshold=1
        )
        ring, _ = keyring_edit.add_organisation(ring, org, KEYS_FROM)
        public = describe(ident, key(ident))
        ring, _ = keyring_edit.add_key(ring, ident, public, KEYS_FROM, KEYS_UNTIL, KEYS_FROM)
    ring, _ = keyring_edit.sign_keyring(ring, root, describe("root", root).keyid)
    return ring


def entries() -> dict[str, list[Any]]:
    from fiveguard.domain.registry import Lab, RegistryProduct, RegistrySupplier

    model = yaml.safe_load(MODEL.read_text(encoding="utf-8"))
    suppliers = [
        RegistrySupplier(id=i, name=n, headquarters=hq, **ids)
        for i, (n, hq, ids) in SUPPLIERS.items()
    ]
    products = []
    for p in model["products"]:
        ident = canonical(p["id"])
        versions = []
        for v in p["versions"]:
            artefacts = []
            if v in ATTESTED.get(ident, ()):
                name = f"{ident.replace('.', '-')}-{v}.img"
                digest = hashlib.sha256(f"fiveguard demo artefact {name}".encode()).hexdigest()
                artefacts.append({"name": name, "sha256": digest})
            versions.append({"version": v, "artefacts": artefacts})
        products.append(
            RegistryProduct.model_validate(
                {
                    "id": ident,
                    "supplier": p["supplier"],
                    "name": p["name"],
                    "kind": p["kind"],
                    "versions": versions,
                }
            )
        )
    return {"suppliers": suppliers, "products": products, "labs": [Lab(**lab) for lab in LABS]}


def records() -> list[LabRecord]:
    from pydantic import TypeAdapter

    text = (Path(__file__).parent / "demo_lab_records.yaml").read_text(encoding="utf-8")
    adapter: TypeAdapter[LabRecord] = TypeAdapter(LabRecord)
    return [adapter.validate_python(r) for r in yaml.safe_load(text)]


ATTESTATIONS: list[dict[str, Any]] = [
    {"lab": "xtl", "product": "valtaro.amf", "versions": ["24.4"], "tlp": Tlp.GREEN},
    {"lab": "xec", "product": "valtaro.amf", "versions": ["24.4"], "tlp": Tlp.AMBER},
    {"lab": "xec", "product": "korvath.gnb", "versions": ["8.2", "9.0"], "tlp": Tlp.AMBER},
    {
        "lab": "xec",
        "product": "korvath.smf",
        "versions": ["9.1"],
        "tlp": Tlp.RED,
        "recipients": ["xcsa"],
    },
]


def build(out: Path) -> None:
    """The lab's own registry first, its attestations, then the authority's registry."""
    work = Path(tempfile.mkdtemp(prefix="fiveguard-demo-lab-"))
    try:
        lab_side = RegistryFiles(work / "lab")
        save_entries(lab_side, {**entries(), "records": records()})
        lab_registry = read_registry(work / "lab").registry
        if out.exists():
            shutil.rmtree(out)
        authority = RegistryFiles(out)
        save_entries(authority, entries())
        ring = keyring().versions[-1].signed
        for n, spec in enumerate(ATTESTATIONS):
            envelope = work / f"attestation-{n}.dsse.json"
            envelope.write_bytes(_signed(lab_registry, spec))
            import_attestation(
                read_registry(out), envelope, ring, VERIFIED_ON, "xcsa", now=VERIFIED_AT
            )
    finally:
        shutil.rmtree(work)


def _signed(registry: Registry, spec: dict[str, Any]) -> bytes:
    product = registry.products[spec["product"]]
    chosen = [
        r
        for r in registry.records.values()
        if r.lab == spec["lab"] and concerns(r, product, spec["versions"])
    ]
    issued = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.UTC)
    draft = build_statement(
        registry,
        spec["lab"],
        spec["product"],
        spec["versions"],
        chosen,
        issued,
        spec["tlp"],
        spec.get("recipients", ()),
    )
    return sign(draft, signer(spec["lab"])).to_json()


def keyring_file() -> bytes:
    return keyring_json(keyring())


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO / "registry"
    build(out)
    (out.parent / "keyring.json").write_bytes(keyring_file())
    print(f"wrote {out} and {out.parent / 'keyring.json'}")


if __name__ == "__main__":
    main()
