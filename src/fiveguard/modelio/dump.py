"""Writing a model back to files: YAML for the document, CSV for the site rows.

Loading what :func:`write_model` wrote gives an equal model. Files are written to a
temporary name and renamed into place, so a failure never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import ModelDocument
from fiveguard.modelio.csvsites import write_sites


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, keys in the order the model defines them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def document_data(document: ModelDocument) -> dict[str, Any]:
    """The document as plain data, leaving out fields at their defaults."""
    data = document.model_dump(mode="python", exclude_defaults=True)
    data["fiveguard"] = document.fiveguard
    ordered = {"fiveguard": data.pop("fiveguard")}
    ordered.update(data)
    return _plain(ordered)  # type: ignore[no-any-return]


def document_yaml(document: ModelDocument) -> str:
    return yaml.dump(
        document_data(document),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp creates the file readable by its owner only; give it the usual mode
        tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: Path, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        writer(tmp)


def write_model(model: NetworkModel, path: Path, sites_name: str | None = None) -> Path:
    """Write ``model`` as ``path`` (YAML) and, if it has site rows, one CSV beside it.

    The CSV is named after the document's first ``sites`` entry, else ``sites_name``,
    else ``<model>-sites.csv``. Returns the YAML path.
    """
    document = model.document
    if len(model.sites):
        name = document.sites[0] if document.sites else sites_name or f"{path.stem}-sites.csv"
        compress = name.endswith(".gz")
        write_with(path.parent / name, lambda tmp: write_sites(model.sites, tmp, compress))
        document = document.model_copy(update={"sites": (name,)})
    elif document.sites:
        document = document.model_copy(update={"sites": ()})
    write_text(path, document_yaml(document))
    return path
