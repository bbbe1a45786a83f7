"""Lab records in a registry directory: importing a signed attestation, and the files the
lab commands read. Every failure is a located problem and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ValidationError

from fiveguard.domain.errors import InputError
from fiveguard.domain.lab import LabEvaluation
from fiveguard.exchange.keyring import KeyringBody
from fiveguard.lab.attestation import Accepted, accept
from fiveguard.lab.signing import MAX_ENVELOPE_BYTES
from fiveguard.modelio.jsonsource import read_limited
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.registry_files import ATTESTATIONS, RegistryFiles, save_entries
from fiveguard.modelio.yamlsource import decode, display_name, parse_yaml


def import_attestation(
    files: RegistryFiles,
    envelope_path: Path,
    keyring: KeyringBody,
    today: dt.date,
    importer: str | None = None,
    *,
    now: dt.datetime,
) -> tuple[Accepted, list[Path]]:
    """Verify an envelope and record its records, stamped, with the envelope kept in the
    registry's ``attestations/`` as received. Nothing is written unless every check passes
    and the registry with the records passes its own."""
    name = display_name(envelope_path)
    raw = read_limited(envelope_path, MAX_ENVELOPE_BYTES, name)
    accepted = accept(raw, name, keyring, files.registry, now=now, importer=importer)
    stored = f"{ATTESTATIONS}/{accepted.payload_sha256}.dsse.json"
    records: list[BaseModel] = list(accepted.records(stored, today))
    written = save_entries(files, {"records": records}, {files.root / stored: raw})
    return accepted, written


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
