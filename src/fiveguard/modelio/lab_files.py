"""Lab records in a registry directory: importing a signed attestation, and the files and
keys the lab commands read. Every failure is a located problem and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from fiveguard.domain.base import Identifier
from fiveguard.domain.errors import InputError
from fiveguard.domain.lab import LabEvaluation
from fiveguard.lab.attestation import Accepted, accept
from fiveguard.lab.signing import (
    MAX_ENVELOPE_BYTES,
    KeyFileSigner,
    TrustedKey,
    TrustListVerifier,
    Verifier,
    keyid_of,
    load_private_key,
)
from fiveguard.modelio.jsonsource import read_limited
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.registry_files import ATTESTATIONS, RegistryFiles, save_entries
from fiveguard.modelio.yamlsource import decode, display_name, parse_yaml, read_yaml

MAX_KEY_BYTES = 64 * 1024
PASSPHRASE_ENV = "FIVEGUARD_KEY_PASSPHRASE"


def import_attestation(
    files: RegistryFiles,
    envelope_path: Path,
    verifier: Verifier,
    today: dt.date,
    importer: str | None = None,
) -> tuple[Accepted, list[Path]]:
    """Verify an envelope and record its records, stamped, with the envelope kept in the
    registry's ``attestations/`` as received. Nothing is written unless every check passes
    and the registry with the records passes its own."""
    name = display_name(envelope_path)
    raw = read_limited(envelope_path, MAX_ENVELOPE_BYTES, name)
    accepted = accept(raw, name, verifier, files.registry, importer=importer)
    stored = f"{ATTESTATIONS}/{accepted.payload_sha256}.dsse.json"
    records: list[BaseModel] = list(accepted.records(stored, today))
    written = save_entries(files, {"records": records}, {files.root / stored: raw})
    return accepted, written


def read_trust(path: Path) -> TrustListVerifier:
    """The public keys trusted to sign attestations: a YAML or JSON list of entries as
    ``fiveguard keys new`` writes them (``organisation``, ``keyid``, ``public``)."""
    source = read_yaml(path)
    data = source.data
    items = data.get("keys") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError.at("expected a list of keys: {organisation, keyid, public}", source.file)
    adapter = TypeAdapter(list[_PublicKey])
    try:
        keys = adapter.validate_python(items)
    except ValidationError as exc:
        raise InputError(problems_from(exc, list[_PublicKey], source, ())) from None
    problems = [
        source.problem((i, "keyid"), "not the key id of this public key")
        for i, key in enumerate(keys)
        if keyid_of(key.public) != key.keyid
    ]
    if problems:
        raise InputError(problems)
    return TrustListVerifier({k.keyid: TrustedKey(k.organisation, k.public) for k in keys})


class _PublicKey(BaseModel):
    """A trusted public key, as the exchange's ``keys new`` writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: Identifier
    keyid: str = Field(pattern=r"^[0-9a-f]{64}$")
    public: str = Field(pattern=r"^[0-9a-f]{64}$")
    keytype: Literal["ed25519"] = "ed25519"
    scheme: Literal["ed25519"] = "ed25519"


def read_signer(path: Path, organisation: str) -> KeyFileSigner:
    """A signer from a PKCS#8 PEM private key (its passphrase, if encrypted, in
    ``FIVEGUARD_KEY_PASSPHRASE``)."""
    name = display_name(path)
    pem = read_limited(path, MAX_KEY_BYTES, name)
    phrase = os.environ.get(PASSPHRASE_ENV)
    key = load_private_key(pem, phrase.encode("utf-8") if phrase else None, name)
    return KeyFileSigner(organisation, key)


def read_evaluation(path: Path) -> LabEvaluation:
    """A lab evaluation written as YAML (or JSON), every problem located."""
    name = display_name(path)
    text = decode(read_limited(path, MAX_ENVELOPE_BYTES, name), name)
    source = parse_yaml(text, name, keep_going=True)
    data = source.data
    if isinstance(data, dict):
        data = {"type": "lab-evaluation", **data}
    try:
        record = LabEvaluation.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [*source.problems, *problems_from(exc, LabEvaluation, source, ())]
        ) from None
    if record.attestation is not None:
        source.problems.append(
            source.problem(
                ("attestation",),
                "set by `fiveguard lab import` from a verified attestation, never written by hand",
            )
        )
    if source.problems:
        raise InputError(source.problems)
    return record
