"""The files behind operator slices: reading a national snapshot's YAML and site rows
from the record, cutting an operator's part out, checking a replaced part, and writing
the merged national model with the list of what changed."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.modelio.yamlsource import YamlSource, display_name, parse_yaml
from fiveguard.store.blobs import blob_bytes
from fiveguard.store.tables import ModelSnapshot, SnapshotFile

PART_FORMAT = 1
SITES_FILE = "sites.csv"
CHANGES_LISTED = 50
"""Ids listed per kind of change in the merge record (all are counted)."""


@dataclass
class NationalFiles:
    """A national snapshot's document (as parsed) and its site rows (one header)."""

    model_file: str
    data: dict[str, Any]
    header: list[str]
    rows: list[list[str]]

    def operator_ids(self) -> set[str]:
        operators = self.data.get("operators") or []
        return {str(o.get("id")) for o in operators if isinstance(o, dict)}

    @property
    def operator_column(self) -> int:
        return self.header.index("operator")

    def rows_of(self, operator_id: str) -> list[list[str]]:
        column = self.operator_column
        return [r for r in self.rows if r[column] == operator_id]

    def part(self, operator_id: str) -> dict[str, Any]:
        return {
            "fiveguard_part": PART_FORMAT,
            "operator": next(o for o in self.data["operators"] if o.get("id") == operator_id),
            "assets": [
                a
                for a in self.data.get("assets") or []
                if isinstance(a, dict) and a.get("operator") == operator_id
            ],
        }


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = [r for r in reader if r]
    return (rows[0], rows[1:]) if rows else ([], [])


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def dump_part(part: Any) -> bytes:
    return yaml.safe_dump(part, sort_keys=False, allow_unicode=True).encode()


def read_national(session: Session, snapshot: ModelSnapshot) -> NationalFiles:
    files = (
        session.execute(
            select(SnapshotFile)
            .where(SnapshotFile.snapshot_id == snapshot.id)
            .order_by(SnapshotFile.path)
        )
        .scalars()
        .all()
    )
    model = next(f for f in files if f.role == "model")
    data = parse_yaml(blob_bytes(session, model.digest).decode(), model.path).data
    header: list[str] = []
    rows: list[list[str]] = []
    refs = data.get("sites") or []
    for ref in [refs] if isinstance(refs, str) else refs:
        found = next(f for f in files if f.role == "sites" and f.path == Path(ref).as_posix())
        head, body = csv_rows(blob_bytes(session, found.digest))
        if header and head != header:
            raise InputError.at(
                "the model's site files have different columns; a model is "
                "split when its site files share one header",
                model.path,
                path="sites",
            )
        header = head
        rows.extend(body)
    return NationalFiles(model.path, data, header, rows)


def check_part(source: YamlSource, operator_id: str) -> list[Problem]:
    """Problems of a replaced part: it holds its own operator entry and assets only."""
    data = source.data
    if not isinstance(data, dict) or data.get("fiveguard_part") != PART_FORMAT:
        return [source.problem((), "expected a part: 'fiveguard_part: 1', 'operator', 'assets'")]
    problems = []
    operator = data.get("operator")
    if not isinstance(operator, dict) or operator.get("id") != operator_id:
        problems.append(source.problem(("operator",), f"expected the operator {operator_id!r}"))
    assets = data.get("assets")
    if not isinstance(assets, list):
        return [*problems, source.problem(("assets",), "expected a list of assets")]
    for index, asset in enumerate(assets):
        if not isinstance(asset, dict) or asset.get("operator") != operator_id:
            problems.append(
                source.problem(
                    ("assets", index),
                    f"expected an asset of {operator_id!r}: a part holds its operator's only",
                )
            )
    return problems


def check_part_sites(
    path: Path | None, header: list[str] | None, operator_id: str
) -> tuple[bytes | None, list[Problem]]:
    """The part's site rows, and problems: the national header, the operator's rows only."""
    if path is None:
        return (csv_bytes(header, []) if header else None), []
    name = display_name(path)
    data = path.read_bytes()
    head, rows = csv_rows(data)
    if header is not None and head != header:
        return None, [Problem(Location(name, 1), f"expected the columns {','.join(header)}")]
    column = head.index("operator") if "operator" in head else None
    problems = [
        Problem(
            Location(name, line, path="operator"),
            f"expected a site of {operator_id!r}: a part holds its operator's sites only",
        )
        for line, row in enumerate(rows, start=2)
        if column is None or len(row) <= column or row[column] != operator_id
    ]
    return data, problems[:200]


def merged_document(
    files: NationalFiles, operator_id: str, part: dict[str, Any], rows: list[list[str]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The national document with the operator's entry, assets and rows replaced, and
    what changed."""
    data = dict(files.data)
    data["operators"] = [
        part["operator"] if o.get("id") == operator_id else o for o in data["operators"]
    ]
    old_assets = [a for a in data.get("assets") or [] if a.get("operator") == operator_id]
    others = [a for a in data.get("assets") or [] if a.get("operator") != operator_id]
    data["assets"] = others + list(part.get("assets") or [])
    old_rows = files.rows_of(operator_id)
    kept = (
        [r for r in files.rows if r[files.operator_column] != operator_id] if files.header else []
    )
    files_after = NationalFiles(files.model_file, data, files.header, kept + rows)
    changes: dict[str, Any] = {
        "assets": _diff(
            {a["id"]: a for a in old_assets}, {a["id"]: a for a in part.get("assets") or []}
        ),
        "sites": _diff({r[0]: r for r in old_rows}, {r[0]: r for r in rows}),
    }
    changes["counts"] = {
        f"{kind}_{what}": len(changes[kind][what])
        for kind in ("assets", "sites")
        for what in ("added", "removed", "changed")
    }
    for kind in ("assets", "sites"):
        for what in ("added", "removed", "changed"):
            changes[kind][what] = changes[kind][what][:CHANGES_LISTED]
    return {"document": data, "files": files_after}, changes


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    def text(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(k for k in old.keys() & new.keys() if text(old[k]) != text(new[k])),
    }


def write_merged(
    session: Session,
    snapshot: ModelSnapshot,
    files: NationalFiles,
    merged: dict[str, Any],
    work: Path,
) -> Path:
    """Write the merged model into ``work`` (evidence files as they were); its path."""
    after: NationalFiles = merged["files"]
    document = dict(merged["document"])
    if after.header:
        document["sites"] = SITES_FILE
        (work / SITES_FILE).write_bytes(csv_bytes(after.header, after.rows))
    for file in session.execute(
        select(SnapshotFile).where(
            SnapshotFile.snapshot_id == snapshot.id, SnapshotFile.role == "evidence"
        )
    ).scalars():
        target = work / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob_bytes(session, file.digest))
    model_path = work / files.model_file
    model_path.write_bytes(dump_part(document))
    return model_path
