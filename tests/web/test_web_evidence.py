"""Evidence records through the web: kept when valid, refused with located problems,
seen under the one policy."""

from __future__ import annotations

import re
from pathlib import Path

from web_world import build_world, make_app, sign_in

from fiveguard.store.database import Database

EVIDENCE = Path(__file__).parents[2] / "src" / "fiveguard" / "examples" / "demo" / "evidence"


def test_an_evidence_record_is_kept_for_its_organisation_and_seen_by_its_authority(
    record: Database,
) -> None:
    build_world(record)
    sbom = next(EVIDENCE.glob("sbom-*.json"))
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        kept = client.post(
            "/api/v1/evidence", files={"file": (sbom.name, sbom.read_bytes(), "application/json")}
        )
        assert kept.status_code == 201, kept.text
        entry = kept.json()
        assert entry["organisation"] == "op-x1" and entry["kind"] == "sbom"
        assert client.get(f"/api/v1/evidence/{entry['id']}").json()["type"] == "sbom"
    with make_app(record) as authority:
        sign_in(authority, "nra-x.viewer")
        assert authority.get("/api/v1/evidence").json()["count"] == 1
    with make_app(record) as peer:
        sign_in(peer, "op-x2.org-admin")
        assert peer.get("/api/v1/evidence").json()["count"] == 0
        assert peer.get(f"/api/v1/evidence/{entry['id']}").status_code == 404


def test_a_broken_evidence_record_is_refused_located_and_viewers_may_not_add(
    record: Database,
) -> None:
    build_world(record)
    sbom = next(EVIDENCE.glob("sbom-*.json"))
    broken = sbom.read_bytes().replace(b'"type": "sbom"', b'"type": "rumour"', 1)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        bad = client.post(
            "/api/v1/evidence", files={"file": ("mine.json", broken, "application/json")}
        )
        assert bad.status_code == 422
        assert bad.json()["problems"][0]["file"] == "mine.json"
        assert bad.json()["problems"][0]["line"]
        junk = client.post(
            "/api/v1/evidence", files={"file": ("x.json", b"{nope", "application/json")}
        )
        assert junk.status_code == 422
        assert client.get("/api/v1/evidence").json()["count"] == 0
        page = client.get("/evidence")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        shown = client.post(
            "/evidence",
            data={"csrf_token": token.group(1)},
            files={"file": ("mine.json", broken, "application/json")},
        )
        assert (
            shown.status_code == 422
            and "mine.json" in shown.text
            and "nothing was kept" in shown.text
        )
    with make_app(record) as viewer:
        sign_in(viewer, "op-x1.viewer")
        refused = viewer.post(
            "/api/v1/evidence", files={"file": (sbom.name, sbom.read_bytes(), "application/json")}
        )
        assert refused.status_code == 403
