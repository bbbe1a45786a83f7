"""Assurance evidence as a use case: a product version checked against the model, an
SBOM read and, with a model, recorded in the model's first evidence directory (paths in
the record relative to the model file), and what the import makes stale."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from fiveguard.domain.base import PRODUCT_REF_PATTERN, split_product_ref
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.evidence import Sbom, VulnerabilityScan
from fiveguard.domain.model import NetworkModel


def check_product_ref(ref: str) -> str:
    """``ref`` if it is PRODUCT@VERSION."""
    if not re.fullmatch(PRODUCT_REF_PATTERN, ref):
        raise InputError.at(
            f"expected PRODUCT@VERSION, e.g. ve-core@5.2, got {ref!r}",
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )
    return ref


def check_declared(model: NetworkModel, ref: str) -> None:
    """Refuse a product or version the model does not declare."""
    product_id, version = split_product_ref(ref)
    product = model.products.get(product_id)
    if product is None:
        raise InputError.at(
            f"{product_id!r} is not a product of {model.source}; products: "
            + ", ".join(sorted(model.products)),
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )
    if version not in product.versions:
        raise InputError.at(
            f"version {version!r} of {product_id!r} is not declared in {model.source}; "
            f"declared versions: {', '.join(product.versions)}",
            COMMAND_LINE,
            path="PRODUCT@VERSION",
        )


def evidence_dir(model_path: Path, model: NetworkModel, ident: str) -> Path:
    """The evidence directory a record goes to; refuses an id the model file itself uses."""
    from fiveguard.modelio.evidence_store import RECORD_SUFFIX, model_evidence_dirs

    dirs = model_evidence_dirs(model_path)
    if not dirs:
        raise InputError.at(
            "the model names no evidence directory to record in: add a line "
            "'evidence_dirs: evidence' (a directory beside the model file)",
            model.source,
        )
    taken = {r.id for r in model.document.evidence}
    stored = any((d / f"{ident}{RECORD_SUFFIX}").exists() for d in dirs)
    if ident in taken and not stored:
        raise InputError.at(
            f"the model already has an evidence record {ident!r}; remove or rename it to "
            "record this result",
            model.source,
        )
    return dirs[0]


def relative_to_model(path: Path, model_path: Path) -> str:
    """``path`` as a record names it: relative to the model file's directory, ``/``-separated,
    so the record reads the same from any working directory."""
    relative = os.path.relpath(path.resolve(), model_path.resolve().parent)
    return Path(relative).as_posix()


@dataclass(frozen=True)
class SbomImport:
    """An SBOM read, where it was recorded (None without a model), and the recorded scans
    it makes stale (why, for each)."""

    record: Sbom
    written: Path | None
    stale: tuple[str, ...]


def import_sbom(
    product: str,
    file: Path,
    catalogue: Catalogue,
    *,
    model: NetworkModel | None = None,
    model_path: Path | None = None,
) -> SbomImport:
    """Read the SBOM ``file`` of ``product`` (CycloneDX 1.4–1.6 or SPDX 2.3); with a model,
    check the product version against it and record the SBOM in its evidence directory."""
    from fiveguard.evidence.matching import stale_scan
    from fiveguard.evidence.sbom import read_sbom
    from fiveguard.modelio.evidence_store import write_record

    check_product_ref(product)
    if model is not None:
        check_declared(model, product)
    record = read_sbom(file, product, catalogue.evidence_rules)
    if model is None or model_path is None:
        return SbomImport(record, None, ())
    target = evidence_dir(model_path, model, record.id)
    record = record.model_copy(update={"link": relative_to_model(file, model_path)[:2000]})
    written = write_record(target, record)
    stale = []
    for scan in model.document.evidence:
        if isinstance(scan, VulnerabilityScan) and scan.sbom == record.id:
            reason = stale_scan(scan, [record])
            if reason is not None:
                stale.append(f"the recorded scan {scan.id} is now stale: {reason}")
    return SbomImport(record, written, tuple(stale))
