"""Operators' parts on the command line, on SQLite and PostgreSQL: the authority splits
its model, an operator exports and replaces its own part, its signing officer submits
it, and the authority merges it and is told what changed; another operator's part
answers as a missing one; bad input is one located message, exit code 2, nothing kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_record_cli import EXAMPLE, Cli, audit_rows

from fiveguard.store.slice_files import csv_rows


@pytest.fixture
def world(db_url: str) -> Cli:
    """An authority (nina) with its model, two operators it supervises: opa (alice, an
    analyst; sam, a signing officer) and opb (bob)."""
    cli = Cli(db_url)
    steps = [
        ("db", "upgrade"),
        ("user", "add", "admin", "--instance-admin"),
        ("org", "add", "nra", "--kind", "national-authority", "--country", "XS", "--user", "admin"),
    ]
    for op in ("opa", "opb"):
        steps.append(
            (
                "org",
                "add",
                op,
                "--kind",
                "operator",
                "--country",
                "XS",
                "--supervisor",
                "nra",
                "--user",
                "admin",
            )
        )
    for name, org, role in (
        ("nina", "nra", "analyst"),
        ("alice", "opa", "analyst"),
        ("sam", "opa", "signing-officer"),
        ("bob", "opb", "analyst"),
    ):
        steps.append(("user", "add", name, "--org", org, "--role", role, "--user", "admin"))
    steps.append(("store", "import", str(EXAMPLE), "--name", "national", "--user", "nina"))
    for args in steps:
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    return cli


def split(cli: Cli) -> dict[str, int]:
    code, out, err = cli(
        "store", "split", "national", "--operator", "op-a=opa", "--operator", "op-b=opb",
        "--user", "nina",
    )  # fmt: skip
    assert code == 0, err
    found = dict(re.findall(r"split part (\d+): operator (\S+)", out))
    return {op: int(ident) for ident, op in found.items()}


def test_split_export_replace_submit_and_merge(world: Cli, tmp_path: Path) -> None:
    ids = split(world)
    assert set(ids) == {"op-a", "op-b"}
    code, out, _ = world("store", "part", "list", "--json", "--user", "alice")
    assert code == 0 and [p["operator_id"] for p in json.loads(out)] == ["op-a"]
    code, out, _ = world("store", "part", "list", "--json", "--user", "nina")
    assert code == 0 and len(json.loads(out)) == 2
    part = tmp_path / "part"
    code, out, err = world(
        "store", "part", "export", str(ids["op-a"]), "--out", str(part), "--user", "alice"
    )
    assert code == 0, err
    sites = part / "sites.csv"
    header, rows = csv_rows(sites.read_bytes())
    removed = rows[0][0]
    sites.write_text("\n".join(",".join(r) for r in [header, *rows[1:]]) + "\n")
    code, out, err = world(
        "store", "part", "replace", str(ids["op-a"]), str(part), "--user", "alice"
    )
    assert code == 0, err
    assert "v2, draft" in out
    new = int(re.search(r"part (\d+):", out).group(1))  # type: ignore[union-attr]
    code, _, err = world("store", "part", "submit", str(new), "--user", "alice")
    assert code == 2, err  # an analyst does not submit
    code, out, err = world("store", "part", "submit", str(new), "--user", "sam")
    assert code == 0 and "submitted" in out, err
    code, out, err = world("store", "part", "merge", str(new), "--user", "nina")
    assert code == 0, err
    assert "into national v2" in out
    assert f"sites removed: 1: {removed}" in out
    assert "assets changed: 0" in out
    code, out, _ = world("store", "list", "--json", "--user", "nina")
    assert max(s["version"] for s in json.loads(out)) == 2
    code, out, _ = world("store", "part", "list", "--json", "--user", "nina")
    merged = next(p for p in json.loads(out) if p["id"] == new)
    assert merged["status"] == "merged"
    assert merged["changes"]["counts"]["sites_removed"] == 1
    assert merged["changes"]["sites"]["removed"] == [removed]


def test_another_operators_part_answers_as_a_missing_one(world: Cli, tmp_path: Path) -> None:
    ids = split(world)
    rows = audit_rows(world)
    answers = []
    for ident in (ids["op-a"], 9999):
        code, _, err = world(
            "store", "part", "export", str(ident), "--out", str(tmp_path / str(ident)),
            "--user", "bob",
        )  # fmt: skip
        assert code == 2 and not (tmp_path / str(ident)).exists()
        answers.append(re.sub(r"slice \d+", "slice N", err))
    assert answers[0] == answers[1]
    theirs = tmp_path / "theirs"
    world("store", "part", "export", str(ids["op-a"]), "--out", str(theirs), "--user", "alice")
    rows = audit_rows(world)
    for command in (("replace", str(ids["op-a"]), str(theirs)), ("merge", str(ids["op-a"]))):
        code, _, err = world("store", "part", *command, "--user", "bob")
        assert code == 2 and re.sub(r"slice \d+", "slice N", err) == answers[0]
    assert audit_rows(world) == rows


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--operator", "op-a"), "--operator: expected OPERATOR_ID=ORGANISATION"),
        (("--operator", "op-a=opa", "--operator", "op-a=opb"), "named twice"),
        (("--operator", "op-z=opa"), "no operator 'op-z'"),
        (("--operator", "op-a=nra"), "expected an operator nra supervises"),
        (("--operator", "op-a=nowhere"), "nowhere"),
    ],
)
def test_bad_split_is_located_and_keeps_nothing(
    world: Cli, args: tuple[str, ...], expected: str
) -> None:
    rows = audit_rows(world)
    code, _, err = world("store", "split", "national", *args, "--user", "nina")
    assert code == 2 and expected in err and "Traceback" not in err, err
    assert audit_rows(world) == rows
    assert json.loads(world("store", "part", "list", "--json", "--user", "nina")[1]) == []


def test_bad_part_files_are_refused_where_they_stand(world: Cli, tmp_path: Path) -> None:
    ids = split(world)
    code, _, err = world(
        "store", "part", "replace", str(ids["op-a"]), str(tmp_path), "--user", "alice"
    )
    assert code == 2 and "DIRECTORY" in err and "part.yaml" in err
    part = tmp_path / "part"
    world("store", "part", "export", str(ids["op-a"]), "--out", str(part), "--user", "alice")
    text = (part / "part.yaml").read_text().replace("operator: op-a\n", "operator: op-b\n", 1)
    (part / "part.yaml").write_text(text)
    code, _, err = world("store", "part", "replace", str(ids["op-a"]), str(part), "--user", "alice")
    assert code == 2 and "part.yaml:" in err and "expected an asset of 'op-a'" in err
    code, out, _ = world("store", "part", "list", "--json", "--user", "alice")
    assert [p["version"] for p in json.loads(out)] == [1]
    code, _, err = world("store", "part", "merge", str(ids["op-a"]), "--user", "nina")
    assert code == 2 and "expected a submitted part" in err
