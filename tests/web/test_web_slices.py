"""Operators' parts through the web: the operator's signing officer submits its part,
the authority merges it into the next version of its national model; others cannot."""

from __future__ import annotations

from web_world import build_world, make_app, sign_in

from fiveguard.store import accounts, slices
from fiveguard.store.database import Database


def test_an_operator_submits_its_part_and_the_authority_merges_it(record: Database) -> None:
    world = build_world(record)
    with record.transaction() as session:
        authority = accounts.act_as(session, "nra-x.analyst")
        made = slices.split_by_operator(
            session, authority, world.snapshots["nra-x"], {"op-a": "op-x1", "op-b": "op-x2"}
        )
    part = next(p for p in made if p.operator_id == "op-a")
    with make_app(record) as peer:
        sign_in(peer, "op-x2.signing-officer")
        assert peer.post(f"/api/v1/slices/{part.id}/submit").status_code == 404
    with make_app(record) as analyst:
        sign_in(analyst, "op-x1.analyst")
        assert analyst.post(f"/api/v1/slices/{part.id}/submit").status_code == 403
    with make_app(record) as officer:
        sign_in(officer, "op-x1.signing-officer")
        submitted = officer.post(f"/api/v1/slices/{part.id}/submit")
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "submitted"
        assert officer.post(f"/api/v1/slices/{part.id}/merge").status_code == 403
    with make_app(record) as boss:
        sign_in(boss, "nra-x.analyst")
        merged = boss.post(f"/api/v1/slices/{part.id}/merge")
        assert merged.status_code == 200, merged.text
        assert merged.json()["version"] == 2 and merged.json()["organisation"] == "nra-x"
        assert boss.get(f"/api/v1/slices/{part.id}").json()["status"] == "merged"


def test_the_models_page_offers_submit_to_the_operators_officer_only(record: Database) -> None:
    import re

    world = build_world(record)
    with record.transaction() as session:
        authority = accounts.act_as(session, "nra-x.analyst")
        made = slices.split_by_operator(
            session, authority, world.snapshots["nra-x"], {"op-a": "op-x1"}
        )
    with make_app(record) as viewer:
        sign_in(viewer, "op-x1.viewer")
        assert "Submit to the authority" not in viewer.get("/models").text
    with make_app(record) as officer:
        sign_in(officer, "op-x1.signing-officer")
        page = officer.get("/models").text
        assert "Submit to the authority" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        done = officer.post(
            f"/slices/{made[0].id}/submit",
            data={"csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303
        forged = officer.post(f"/slices/{made[0].id}/submit", data={"csrf_token": "forged"})
        assert forged.status_code == 403
    with make_app(record) as boss:
        sign_in(boss, "nra-x.analyst")
        assert "Merge into the national model" in boss.get("/models").text
