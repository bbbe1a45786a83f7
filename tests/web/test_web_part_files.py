"""Replacing and exporting an operator's part through the web: anyone who may see the
part exports it (a zip of part.yaml and sites.csv, as ``store part export`` writes
them); its operator replaces it with uploaded files, checked, every problem located in
the files as named, nothing kept when there is one; others cannot."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from web_world import (
    ADMIN,
    ORGS,
    World,
    build_world,
    fresh_record,
    make_app,
    member,
    sees,
    sign_in,
)

from fiveguard.domain.parties import Role
from fiveguard.store import accounts, slices
from fiveguard.store.database import Database
from fiveguard.store.slice_files import csv_rows


def split(record: Database) -> tuple[World, int]:
    world = build_world(record)
    with record.transaction() as session:
        authority = accounts.act_as(session, "nra-x.analyst")
        made = slices.split_by_operator(
            session, authority, world.snapshots["nra-x"], {"op-a": "op-x1", "op-b": "op-x2"}
        )
    return world, next(p.id for p in made if p.operator_id == "op-a")


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def upload(client, ident: int, part: bytes, sites: bytes | None, name: str = "part.yaml"):  # type: ignore[no-untyped-def]
    files = {"part": (name, part, "application/yaml")}
    if sites is not None:
        files["sites"] = ("sites.csv", sites, "text/csv")
    return client.post(f"/api/v1/slices/{ident}/replace", files=files)


def test_export_then_replace_keeps_the_next_draft_version(record: Database) -> None:
    _world, ident = split(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.viewer")
        exported = client.get(f"/api/v1/slices/{ident}/export")
        assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
        files = unzip(exported.content)
        assert set(files) == {"part.yaml", "sites.csv"}
        refused = upload(client, ident, files["part.yaml"], files["sites.csv"])
        assert refused.status_code == 403  # a viewer reads, does not replace
        sign_in(client, "op-x1.analyst")
        header, rows = csv_rows(files["sites.csv"])
        fewer = ("\n".join(",".join(r) for r in [header, *rows[1:]]) + "\n").encode()
        replaced = upload(client, ident, files["part.yaml"], fewer)
        assert replaced.status_code == 201, replaced.text
        assert replaced.json()["version"] == 2 and replaced.json()["status"] == "draft"
        again = unzip(client.get(f"/api/v1/slices/{replaced.json()['id']}/export").content)
        assert again["sites.csv"].count(b"\n") == files["sites.csv"].count(b"\n") - 1
        old = upload(client, ident, files["part.yaml"], fewer)
        assert old.status_code == 422 and "the latest is 2" in old.text


def test_a_bad_part_is_refused_located_in_the_file_as_named(record: Database) -> None:
    _world, ident = split(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        files = unzip(client.get(f"/api/v1/slices/{ident}/export").content)
        wrong = files["part.yaml"].replace(b"operator: op-a\n", b"operator: op-b\n", 1)
        answer = upload(client, ident, wrong, files["sites.csv"], name="my-part.yaml")
        assert answer.status_code == 422
        problem = answer.json()["problems"][0]
        assert problem["file"] == "my-part.yaml" and problem["line"] is not None
        assert "expected an asset of 'op-a'" in answer.text
        assert upload(client, ident, b"x", None, name="part.exe").status_code == 422
        assert client.get("/api/v1/slices").json()["count"] == 1  # nothing kept


def test_another_operators_part_is_not_found_and_the_page_shows_problems(
    record: Database,
) -> None:
    _world, ident = split(record)
    with make_app(record) as other:
        sign_in(other, "op-x2.analyst")
        assert other.get(f"/api/v1/slices/{ident}/export").status_code == 404
        assert upload(other, ident, b"a: 1\n", None).status_code == 404
        assert other.get(f"/slices/{ident}").status_code == 404
    with make_app(record) as authority:
        sign_in(authority, "nra-x.viewer")
        assert authority.get(f"/api/v1/slices/{ident}/export").status_code == 200
        assert "Check and replace" not in authority.get(f"/slices/{ident}").text
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        page = client.get(f"/slices/{ident}")
        assert "Check and replace" in page.text and "Export this version" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        bad = client.post(
            f"/slices/{ident}/replace",
            files={"part": ("part.yaml", b"fiveguard_part: [\n", "application/yaml")},
            data={"csrf_token": token.group(1)},
        )
        assert bad.status_code == 422 and "nothing was kept" in bad.text
        assert "part.yaml" in bad.text


@pytest.fixture(scope="module")
def parted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, int]]:
    db = fresh_record(tmp_path_factory.mktemp("parts"))
    _world, ident = split(db)
    yield db, ident
    db.close()


CALLERS = [(org, role) for org in ORGS for role in Role] + [(None, None)]


@pytest.mark.parametrize(("org", "role"), CALLERS, ids=str)
def test_export_and_replace_by_role_and_organisation(
    parted: tuple[Database, int], org: str | None, role: Role | None
) -> None:
    db, ident = parted
    with make_app(db) as client:
        sign_in(client, ADMIN if org is None else member(org, role))  # type: ignore[arg-type]
        seen = sees(org, "op-x1")
        exported = client.get(f"/api/v1/slices/{ident}/export")
        assert exported.status_code == (200 if seen else 404)
        assert client.get(f"/slices/{ident}").status_code == (200 if seen else 404)
        replaced = upload(client, ident, b"fiveguard_part: 1\n", None)
        if org is None or role == Role.VIEWER:
            expected = 403  # refused by role before anything is read
        elif not seen:
            expected = 404
        else:
            expected = 422 if org == "op-x1" else 403  # only its operator replaces it
        assert replaced.status_code == expected, (org, role, replaced.text)
