"""Operator slices: an authority splits its national model by operator; an operator sees
and replaces only its own part, submits it, and the authority merges it into the next
version of the national model with a record of what changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.store import accounts, slices, snapshots
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database
from fiveguard.store.slice_files import csv_rows

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PEOPLE = {
    "nina": ("nra", Role.ANALYST),
    "alice": ("opa", Role.ANALYST),
    "sam": ("opa", Role.SIGNING_OFFICER),
    "bob": ("opb", Role.ANALYST),
}


@pytest.fixture
def split(db: Database) -> Iterator[tuple[Database, dict[str, int]]]:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(
            s, admin, "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XS"
        )
        for name in ("opa", "opb"):
            accounts.add_organisation(
                s, admin, name, OrganisationKind.OPERATOR, country="XS", supervisor="nra"
            )
        for user, (org, role) in PEOPLE.items():
            accounts.add_user(s, admin, user, "correct horse battery staple")
            accounts.add_member(s, admin, user, org, role)
        nina = accounts.act_as(s, "nina")
        national = snapshots.import_snapshot(s, nina, EXAMPLE, default_catalogue(), name="national")
        made = slices.split_by_operator(s, nina, national.id, {"op-a": "opa", "op-b": "opb"})
    yield db, {v.operator_id: v.id for v in made}


def act(s, user: str):  # type: ignore[no-untyped-def]
    return accounts.act_as(s, user)


def test_each_operator_sees_its_own_part_and_the_authority_all(split, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = split
    with db.transaction() as s:
        assert {v.operator_id for v in slices.list_slices(s, act(s, "alice"))} == {"op-a"}
        assert {v.operator_id for v in slices.list_slices(s, act(s, "bob"))} == {"op-b"}
        assert slices.count_slices(s, act(s, "nina")) == 2
        with pytest.raises(NotFoundError):
            slices.get_slice(s, act(s, "bob"), ids["op-a"])
        assert snapshots.list_snapshots(s, act(s, "alice")) == []  # not the national model
        part = slices.export_slice(s, act(s, "alice"), ids["op-a"], tmp_path / "part")
    data = yaml.safe_load(part.read_text())
    assert data["operator"]["id"] == "op-a"
    assert data["assets"] and {a["operator"] for a in data["assets"]} == {"op-a"}
    header, rows = csv_rows((tmp_path / "part" / "sites.csv").read_bytes())
    assert rows and {r[header.index("operator")] for r in rows} == {"op-a"}


def test_a_part_holding_another_operators_assets_or_sites_is_refused_where_it_stands(
    split,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    db, ids = split
    with db.transaction() as s:
        part = slices.export_slice(s, act(s, "alice"), ids["op-a"], tmp_path / "part")
    text = part.read_text().replace("operator: op-a\n", "operator: op-b\n", 1)
    part.write_text(text)
    sites = tmp_path / "part" / "sites.csv"
    lines = sites.read_text().splitlines()
    lines[2] = lines[2].replace(",op-a,", ",op-b,", 1)
    sites.write_text("\n".join(lines) + "\n")
    with db.transaction() as s, pytest.raises(InputError) as caught:
        slices.replace_part(s, act(s, "alice"), ids["op-a"], part, sites)
    message = str(caught.value)
    assert "part.yaml:" in message and "expected an asset of 'op-a'" in message
    assert "sites.csv:3: operator: expected a site of 'op-a'" in message
    with db.transaction() as s:
        assert slices.get_slice(s, act(s, "alice"), ids["op-a"]).version == 1  # nothing kept


def test_only_the_operator_replaces_and_only_the_authority_merges(split, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = split
    with db.transaction() as s:
        part = slices.export_slice(s, act(s, "alice"), ids["op-a"], tmp_path / "part")
    with db.transaction() as s, pytest.raises(ForbiddenError):
        slices.replace_part(s, act(s, "nina"), ids["op-a"], part)
    with db.transaction() as s, pytest.raises(ForbiddenError):
        slices.submit_part(s, act(s, "alice"), ids["op-a"])  # an analyst does not submit
    with db.transaction() as s:
        slices.submit_part(s, act(s, "sam"), ids["op-a"])
    with db.transaction() as s, pytest.raises(ForbiddenError):
        slices.merge_part(s, act(s, "sam"), ids["op-a"], default_catalogue())


def test_a_merged_part_becomes_the_next_national_version_with_what_changed(
    split,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    db, ids = split
    with db.transaction() as s:
        part = slices.export_slice(s, act(s, "alice"), ids["op-a"], tmp_path / "part")
    sites = tmp_path / "part" / "sites.csv"
    header, rows = csv_rows(sites.read_bytes())
    population = header.index("population")
    removed, changed = rows[0][0], rows[1][0]
    rows[1][population] = str(int(rows[1][population]) + 1000)
    sites.write_text("\n".join(",".join(r) for r in [header, *rows[1:]]) + "\n")
    with db.transaction() as s:
        new = slices.replace_part(s, act(s, "alice"), ids["op-a"], part, sites)
        slices.submit_part(s, act(s, "sam"), new.id)
    with db.transaction() as s:
        done, merged = slices.merge_part(s, act(s, "nina"), new.id, default_catalogue())
    assert merged.version == 2 and merged.name == "national"
    assert done.status == "merged"
    assert done.changes is not None
    assert done.changes["sites"] == {"added": [], "removed": [removed], "changed": [changed]}
    assert done.changes["counts"]["assets_changed"] == 0
    with db.transaction() as s:
        path = snapshots.export_snapshot(s, act(s, "nina"), merged.id, tmp_path / "merged")
    after_header, after = csv_rows((path.parent / "sites.csv").read_bytes())
    before_header, before = csv_rows((EXAMPLE.parent / "sites.csv").read_bytes())
    assert after_header == before_header
    op = before_header.index("operator")
    assert [r for r in after if r[op] == "op-b"] == [r for r in before if r[op] == "op-b"]
    assert len(after) == len(before) - 1
