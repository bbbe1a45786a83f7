"""The EU demo: three fictional member states assess their networks, sign their national
summaries for the EU coordinator, and the coordinator verifies them and builds the
coordinated view.

Xandria (XR) is the embedded national demo; Aldoria (XA) and Borvenia (XB) are generated
models (:mod:`fiveguard.modelio.generate`) with other supplier mixes, whose suppliers are
the same companies by LEI under other national ids, one spelt differently, one judged
differently, and one known only by its name. Every name, LEI and key is fictional; key
passphrases come from the environment or are generated, never written in the code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import TypeAdapter

from fiveguard.app.exchange import export_summary
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import FactorScore, ModelDocument, Scope, Supplier
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.domain.sites import Categorical
from fiveguard.exchange import keyring_edit, keys
from fiveguard.exchange.build import Addressing
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.coordination import Coordination
from fiveguard.exchange.keyring import KeyringFile, Organisation, keyring_json, verify_keyring
from fiveguard.exchange.verify import verify_all
from fiveguard.modelio.dump import write_model
from fiveguard.modelio.generate import generate_model
from fiveguard.modelio.load import load_model

COORDINATOR = "EU-COORD"
PASSPHRASE_ENV = "FIVEGUARD_KEY_PASSPHRASE"
PASSPHRASE_FILE = "passphrase.txt"
DEMO_TRIALS = 256
KEY_YEARS = 3
ENTRIES = ("keys", "states", "envelopes", "coordinated", "keyring.json")
"""What the demo writes into its directory (each replaced whole when run again)."""

# Fictional LEIs with valid check digits, the same as in the Xandria demo model.
LEIS = {
    "Valtaro Networks": "FGDEMOVALTARO0000067",
    "Korvath Technologies": "FGDEMOKORVATH0000080",
    "Corvelle Systems": "FGDEMOCORVELLE000089",
    "Cirrolane Software": "FGDEMOCIRROLANE00025",
}
# The generator's first five suppliers follow the Xandria demo's five archetypes in order.
ARCHETYPES = (
    ("Valtaro Networks", None),
    ("Korvath Technologies", None),
    ("Corvelle Systems", None),
    ("Openmast Radio", "EE:16000123"),
    ("Cirrolane Software", None),
)


@dataclass(frozen=True)
class GeneratedState:
    """A generated member state: its model's shape and what makes its summary different."""

    country: str
    name: str
    sites: int
    operators: int
    suppliers: int
    seed: int
    spelling: dict[str, str] = field(default_factory=dict)
    judgements: dict[tuple[str, str], tuple[Level, str]] = field(default_factory=dict)
    extra_names: tuple[str, ...] = ()


GENERATED = (
    GeneratedState(
        country="XA",
        name="Aldoria",
        sites=6000,
        operators=3,
        suppliers=5,
        seed=11,
        spelling={"Valtaro Networks": "Valtaro Networks Oy"},
        judgements={
            ("Korvath Technologies", "pressure"): (
                Level.LOW,
                "Aldoria's assessment: Korvath assembles the radios Aldoria buys in an "
                "Aldorian plant from parts stocked for two years, so an export stop would "
                "not reach them quickly.",
            )
        },
    ),
    GeneratedState(
        country="XB",
        name="Borvenia",
        sites=9000,
        operators=4,
        suppliers=6,
        seed=12,
        extra_names=("Nordvik Networks",),
    ),
)


@dataclass(frozen=True)
class DemoResult:
    out: Path
    view: Coordination
    envelopes: tuple[Path, ...]
    passphrase_note: str


def passphrase() -> tuple[str, str]:
    """The demo keys' passphrase and where it came from."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given, f"from {PASSPHRASE_ENV}"
    return secrets.token_urlsafe(24), f"generated, in keys/{PASSPHRASE_FILE}"


def generated_model(state: GeneratedState, xandria: ModelDocument) -> NetworkModel:
    """A generated model dressed as ``state``: its country, the demo's suppliers, and their
    products under Xandria's names and versions where Xandria has the same kind (so one
    version's fault can cross borders, as the certificate expiry of December 2018 did)."""
    model = generate_model(state.sites, state.operators, state.suppliers, seed=state.seed)
    model = _dress_products(model, xandria)
    doc = model.document
    names = [name for name, _ in ARCHETYPES] + list(state.extra_names)
    suppliers = []
    for i, supplier in enumerate(doc.suppliers):
        name = names[i] if i < len(names) else supplier.name
        registry = ARCHETYPES[i][1] if i < len(ARCHETYPES) else None
        suppliers.append(_dressed(supplier, state, name, registry))
    scope = Scope(
        country=state.country,
        name=f"{state.name}: national 5G risk assessment (generated demo)",
        as_of=doc.scope.as_of,
    )
    return NetworkModel(
        doc.model_copy(update={"scope": scope, "suppliers": tuple(suppliers)}), model.sites
    )


def _dress_products(model: NetworkModel, xandria: ModelDocument) -> NetworkModel:
    """Products of the demo's archetypes renamed after Xandria's product of the same
    supplier and kind, their versions mapped one to one onto Xandria's latest ones."""
    doc = model.document
    ids = [x.id for x in xandria.suppliers]
    theirs = {(p.supplier, p.kind): p for p in xandria.products}
    renamed: dict[str, str] = {}
    products = []
    for product in doc.products:
        index = int(product.supplier.removeprefix("sup-")) - 1
        match = theirs.get((ids[index], product.kind)) if index < len(ids) else None
        if match is None or len(match.versions) < len(product.versions):
            products.append(product)
            continue
        versions = match.versions[-len(product.versions) :]
        for old, new in zip(product.versions, versions, strict=True):
            renamed[f"{product.id}@{old}"] = f"{product.id}@{new}"
        products.append(product.model_copy(update={"name": match.name, "versions": versions}))
    assets = tuple(
        a.model_copy(update={"product": renamed.get(a.product, a.product)}) if a.product else a
        for a in doc.assets
    )
    evidence_type: TypeAdapter[Evidence] = TypeAdapter(Evidence)
    evidence = tuple(
        evidence_type.validate_python(_renamed(e.model_dump(), renamed)) for e in doc.evidence
    )
    column = model.sites.product
    sites = dataclasses.replace(
        model.sites,
        product=Categorical(column.codes, tuple(renamed.get(c, c) for c in column.categories)),
    )
    changed = {"products": tuple(products), "assets": assets, "evidence": evidence}
    return NetworkModel(doc.model_copy(update=changed), sites)


def _renamed(value: object, renamed: dict[str, str]) -> object:
    """``value`` with every string that is a renamed PRODUCT@VERSION replaced."""
    if isinstance(value, str):
        return renamed.get(value, value)
    if isinstance(value, dict):
        return {k: _renamed(v, renamed) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_renamed(v, renamed) for v in value]
    return value


def _dressed(
    supplier: Supplier, state: GeneratedState, name: str, registry: str | None
) -> Supplier:
    profile = supplier.profile
    for (who, factor), (level, why) in state.judgements.items():
        if who == name:
            profile = profile.model_copy(update={factor: FactorScore(score=level, rationale=why)})
    return supplier.model_copy(
        update={
            "name": state.spelling.get(name, name),
            "lei": LEIS.get(name),
            "registry_id": registry,
            "profile": profile,
        }
    )


def run_eu_demo(
    out: Path,
    catalogue: Catalogue,
    xandria: Path,
    now: dt.datetime,
    progress: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Build the whole demo in a temporary directory beside ``out``, then move it in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        result = _build(work, catalogue, xandria, now, progress)
        _move_into(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return DemoResult(
        out,
        result.view,
        tuple(out / "envelopes" / p.name for p in result.envelopes),
        result.passphrase_note,
    )


Signers = dict[str, tuple[Ed25519PrivateKey, str]]
AUTHORITIES = {"XR": "XR-NCA", **{s.country: f"{s.country}-NCA" for s in GENERATED}}


def _build(
    work: Path,
    catalogue: Catalogue,
    xandria: Path,
    now: dt.datetime,
    progress: Callable[[str], None],
) -> DemoResult:
    secret, note = passphrase()
    key_dir = work / "keys"
    key_dir.mkdir()
    if not os.environ.get(PASSPHRASE_ENV):
        (key_dir / PASSPHRASE_FILE).write_text(secret + "\n", encoding="utf-8")
        (key_dir / PASSPHRASE_FILE).chmod(0o600)
    signers = {
        org: _new_key(org, key_dir, secret)
        for org in ["EU-ROOT", COORDINATOR, *AUTHORITIES.values()]
    }
    ring = _keyring(signers, AUTHORITIES, now)
    (work / "keyring.json").write_bytes(keyring_json(ring))
    models = _state_models(work, catalogue, xandria, progress)
    envelopes = _signed_summaries(work, catalogue, models, signers, now, progress)
    progress("verifying the summaries as the EU coordinator and coordinating")
    verified = verify_all(
        [(f"envelopes/{p.name}", p.read_bytes()) for p in envelopes],
        verify_keyring(ring, "keyring.json"),
        now=now,
        as_org=COORDINATOR,
    )
    view = coordinate(verified, coordinator=COORDINATOR, audience=(COORDINATOR,), now=now)
    from fiveguard.report.coordination import render_coordination

    coordinated = work / "coordinated"
    coordinated.mkdir()
    (coordinated / "coordination.json").write_text(view.model_dump_json(indent=2) + "\n", "utf-8")
    (coordinated / "report.html").write_text(render_coordination(view), "utf-8")
    return DemoResult(work, view, tuple(envelopes), note)


def _state_models(
    work: Path, catalogue: Catalogue, xandria: Path, progress: Callable[[str], None]
) -> list[tuple[str, Path, NetworkModel]]:
    """Xandria's model as packaged, and each generated state's written under states/."""
    home = load_model(xandria, catalogue)
    models = [("XR", xandria, home)]
    for state in GENERATED:
        progress(f"generating {state.name} ({state.country}): {state.sites:,} sites")
        path = work / "states" / state.country / "model.yaml"
        path.parent.mkdir(parents=True)
        write_model(generated_model(state, home.document), path)
        models.append((state.country, path, load_model(path, catalogue)))
    return models


def _signed_summaries(
    work: Path,
    catalogue: Catalogue,
    models: list[tuple[str, Path, NetworkModel]],
    signers: Signers,
    now: dt.datetime,
    progress: Callable[[str], None],
) -> list[Path]:
    """Each state assessed (the catalogue's default policy) and its summary signed by its
    authority, TLP:AMBER to the EU coordinator, under envelopes/."""
    default = catalogue.assessment.default_policy
    policy = catalogue.policies[default] if default else None
    (work / "envelopes").mkdir()
    envelopes = []
    for country, path, model in models:
        progress(f"assessing and signing the summary of {country}")
        org = AUTHORITIES[country]
        to = Addressing(
            bundle_id=f"{org}-{now:%Y%m%d}-1",
            origin=org,
            sequence=1,
            issued_at=now,
            recipients=(COORDINATOR,),
            tlp=Tlp.AMBER,
        )
        key, keyid = signers[org]
        envelope, _, _ = export_summary(
            model,
            catalogue,
            path,
            to,
            [(keyid, key)],
            policy=policy,
            policy_origin="default preset",
            trials=DEMO_TRIALS,
            seed=1,
        )
        target = work / "envelopes" / f"{country}.dsse.json"
        target.write_bytes(envelope.to_json())
        envelopes.append(target)
    return envelopes


def _new_key(org: str, folder: Path, secret: str) -> tuple[Ed25519PrivateKey, str]:
    key = keys.new_key()
    public = keys.describe(org, key)
    stem = folder / f"{org}-{public.keyid[:8]}"
    stem.with_suffix(".key").write_bytes(keys.private_pem(key, secret.encode("utf-8")))
    stem.with_suffix(".key").chmod(0o600)
    stem.with_name(stem.name + ".pub.json").write_text(public.model_dump_json(indent=2) + "\n")
    return key, public.keyid


def _keyring(
    signers: Signers,
    authorities: dict[str, str],
    now: dt.datetime,
) -> KeyringFile:
    until = now.replace(year=now.year + KEY_YEARS)
    root_key, root_id = signers["EU-ROOT"]
    ring = keyring_edit.new_keyring([keys.describe("EU-ROOT", root_key)], 1, now, until)
    members: list[tuple[str, str, OrganisationKind, str | None]] = [
        (COORDINATOR, "EU coordination (demo)", OrganisationKind.EU_COORDINATOR, None)
    ]
    names = {"XR": "Xandria", **{s.country: s.name for s in GENERATED}}
    members += [
        (org, f"{names[c]} national authority (demo)", OrganisationKind.NATIONAL_AUTHORITY, c)
        for c, org in authorities.items()
    ]
    for org, name, kind, country in members:
        ring, _ = keyring_edit.add_organisation(
            ring, Organisation(id=org, name=name, kind=kind, country=country, threshold=1), now
        )
        key, _ = signers[org]
        ring, _ = keyring_edit.add_key(ring, org, keys.describe(org, key), now, until, now)
    ring, _ = keyring_edit.sign_keyring(ring, root_key, root_id)
    return ring


def _move_into(work: Path, out: Path) -> None:
    """Replace each entry the demo writes in ``out`` by the new one, leaving others alone."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ENTRIES:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(work / name, target)
