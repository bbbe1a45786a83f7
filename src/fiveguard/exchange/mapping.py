"""The supplier mapping file: joins, across member states, suppliers that their summaries
do not name by one LEI or registry id.

```yaml
fiveguard_supplier_mapping: 1
suppliers:
  - {country: XB, ref: valtaro-oy, canonical: "lei:5493001KJTIIGC8Y1R12"}
  - {country: XC, ref: nordvik, canonical: "name:nordvik networks"}
```

A supplier with an LEI is known as ``lei:LEI``, one with a registry id as
``registry:ID``; mapping a state's supplier to such a key joins it to them, and any other
key (``name:…`` or one of your own) joins the suppliers mapped to it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from fiveguard.domain.base import CountryCode, Identifier
from fiveguard.domain.errors import InputError
from fiveguard.exchange.jsonio import decode_text
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.yamlsource import parse_yaml

MAX_MAPPING_BYTES = 4 * 1024 * 1024

CanonicalKey = Annotated[
    str, StringConstraints(pattern=r"^[a-z]+:\S.*$", min_length=3, max_length=200)
]


class MappingEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    country: CountryCode
    ref: Identifier
    canonical: CanonicalKey


class SupplierMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fiveguard_supplier_mapping: Literal[1]
    suppliers: tuple[MappingEntry, ...] = ()

    def lookup(self) -> dict[tuple[str, str], str]:
        """(country, supplier ref) → canonical key."""
        return {(e.country, e.ref): e.canonical for e in self.suppliers}


def read_mapping(raw: bytes, file: str) -> SupplierMapping:
    """Parse a mapping file (YAML or JSON); every problem located (line, column, field)."""
    if len(raw) > MAX_MAPPING_BYTES:
        raise InputError.at(
            f"mapping file too large: {len(raw):,} bytes (limit {MAX_MAPPING_BYTES:,})", file
        )
    source = parse_yaml(decode_text(raw, file), file)
    data = source.data
    if not isinstance(data, dict):
        raise InputError(
            [
                source.problem(
                    (), "expected a mapping: 'fiveguard_supplier_mapping: 1' and 'suppliers'"
                )
            ]
        )
    try:
        mapping = SupplierMapping.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, SupplierMapping, source)) from None
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for i, entry in enumerate(mapping.suppliers):
        key = (entry.country, entry.ref)
        if key in seen:
            problems.append(
                source.problem(
                    ("suppliers", i),
                    f"{entry.country}'s supplier {entry.ref!r} is mapped already (entry "
                    f"{seen[key]}); map each supplier once",
                )
            )
        seen.setdefault(key, i)
    if problems:
        raise InputError(problems)
    return mapping
