"""The files an assessment read, each with its SHA-256, so a report is tied to exact inputs.

The model file names the rest: its site files (``sites``), its evidence directories
(``evidence_dirs``) and its product registry (``registry.dir``, or the one given instead);
a catalogue file merged over the packaged one and a policy file come from the command
line. Files under a directory are listed one by one, in path order. This runs after the
model was loaded and checked, so every file named here exists; one that vanished since is
left out rather than invented.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fiveguard.assess.results import Assessment, InputFile, InputRole


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def input_files(
    model: Path,
    *,
    registry: Path | None = None,
    catalogue: Path | None = None,
    policy: Path | None = None,
) -> tuple[InputFile, ...]:
    """Every file an assessment of ``model`` reads, with its digest and size.

    ``registry`` is a registry directory read instead of the model's; ``catalogue`` a
    catalogue file (or directory) merged over the packaged one; ``policy`` a policy file.
    """
    from fiveguard.modelio.yamlsource import read_yaml

    data: Any = read_yaml(model).data
    data = data if isinstance(data, dict) else {}
    base = model.parent
    found: list[tuple[InputRole, Path, str]] = [("model", model, str(model))]
    for name in _names(data.get("sites")):
        found.append(("site file", base / name, name))
    for name in _names(data.get("evidence_dirs")):
        found.extend(("evidence", p, _under(name, base / name, p)) for p in _tree(base / name))
    declared = data.get("registry")
    if registry is None and isinstance(declared, dict) and isinstance(declared.get("dir"), str):
        registry = base / declared["dir"]
        shown = declared["dir"]
    else:
        shown = str(registry) if registry is not None else ""
    if registry is not None:
        found.extend(("registry", p, _under(shown, registry, p)) for p in _tree(registry))
    if catalogue is not None:
        found.extend(("catalogue", p, str(p)) for p in _tree(catalogue))
    if policy is not None:
        found.append(("policy", policy, str(policy)))
    return tuple(
        InputFile(role=role, path=shown_path, sha256=sha256_of(path), size=path.stat().st_size)
        for role, path, shown_path in found
        if path.is_file()
    )


def with_inputs(assessment: Assessment, inputs: tuple[InputFile, ...]) -> Assessment:
    """The assessment with its input files in the metadata."""
    metadata = assessment.metadata.model_copy(update={"inputs": inputs})
    return assessment.model_copy(update={"metadata": metadata})


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _under(shown: str, root: Path, path: Path) -> str:
    return str(Path(shown) / path.relative_to(root)) if path != root else shown


def _tree(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
    elif root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())
