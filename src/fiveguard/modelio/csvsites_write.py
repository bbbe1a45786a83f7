"""Writing a site table as a CSV file, leaving out columns that hold only defaults."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fiveguard.domain.network import AnyOf
from fiveguard.domain.sites import Categorical, SiteTable
from fiveguard.modelio.csvsites_cells import COLUMNS, GROUP_SEPARATOR, LIST_SEPARATOR, REQUIRED


def _format_requires(reqs: tuple[str | AnyOf, ...] | None) -> str:
    if not reqs:
        return ""
    return LIST_SEPARATOR.join(
        GROUP_SEPARATOR.join(r.any) if isinstance(r, AnyOf) else r for r in reqs
    )


def _format_list(items: tuple[str, ...] | None) -> str:
    return LIST_SEPARATOR.join(items) if items else ""


def _format_category(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _format_floats(values: np.ndarray) -> list[str]:
    """Numbers as written back exactly (``repr``), whole ones without ``.0``; NaN empty."""
    return [
        "" if np.isnan(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
        for v in values.tolist()
    ]


def write_sites(table: SiteTable, path: Path, compress: bool | None = None) -> None:
    """Write a site table as CSV, gzip-compressed if ``compress`` (default: the name
    ends in ``.gz``). Optional columns holding only defaults are left out."""
    n = len(table)

    def strings(categorical: Categorical[Any], fmt: Callable[[Any], str]) -> list[str]:
        formatted = [fmt(v) for v in categorical.categories] + [""]
        lookup = np.asarray(formatted, dtype=object)
        return lookup[categorical.codes].tolist()  # type: ignore[no-any-return]

    sensitive_text = np.where(table.sensitive, "true", "false").tolist()
    columns: dict[str, list[Any]] = {
        "id": table.id.tolist(),
        "operator": strings(table.operator, _format_category),
        "kind": strings(table.kind, _format_category),
        "product": strings(table.product, _format_category),
        "name": strings(table.name, _format_category),
        "region": strings(table.region, _format_category),
        "sites": table.sites.tolist(),
        "population": table.population.tolist(),
        "critical_services": strings(table.critical_services, _format_list),
        "sensitive": sensitive_text,
        "battery_hours": _format_floats(table.battery_hours),
        "requires": strings(table.requires, _format_requires),
        "managed_by": strings(table.managed_by, _format_category),
        "shared_with": strings(table.shared_with, _format_list),
        "site": strings(table.site, _format_category),
        "capacity": _format_floats(table.capacity),
        "installed": strings(table.installed, _format_category),
        "purchased": strings(table.purchased, _format_category),
        "latitude": _format_floats(table.latitude),
        "longitude": _format_floats(table.longitude),
    }
    # Leave out optional columns that hold nothing but their default.
    defaults = {"sites": 1, "population": 0, "sensitive": "false"}
    header = [
        name
        for name in COLUMNS
        if name in REQUIRED or (n and any(v != defaults.get(name, "") for v in columns[name]))
    ]
    if compress is None:
        compress = path.suffix == ".gz"
    opener: Any = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*(columns[name] for name in header), strict=True))
