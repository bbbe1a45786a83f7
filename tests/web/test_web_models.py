"""Uploading models (problems located in the files as uploaded, nothing kept) and
running an assessment as a background job to its recorded result."""

from __future__ import annotations

import time

from web_world import SMALL, build_world, make_app, sign_in

from fiveguard.store.database import Database

SITES = (SMALL.parent / "sites.csv").read_bytes()


def _files(model: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", ("model.yaml", model, "application/yaml")),
        ("files", ("sites.csv", SITES, "text/csv")),
    ]


def test_a_model_with_a_mistake_is_refused_with_its_location_and_nothing_kept(
    record: Database,
) -> None:
    build_world(record)
    broken = SMALL.read_bytes().replace(b"population: 420000", b"population: lots", 1)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        before = client.get("/api/v1/models").json()["count"]
        answer = client.post("/api/v1/models", files=_files(broken))
        assert answer.status_code == 422
        problems = answer.json()["problems"]
        located = [p for p in problems if p["file"] == "model.yaml" and p["line"]]
        assert located, problems
        assert any("regions" in (p["path"] or "") for p in located)
        assert "fiveguard-upload" not in answer.text  # no server paths
        assert client.get("/api/v1/models").json()["count"] == before
        fixed = client.post(
            "/api/v1/models", files=_files(SMALL.read_bytes()), data={"name": "net"}
        )
        assert fixed.status_code == 201
        assert fixed.json()["version"] == 1 and fixed.json()["organisation"] == "op-x1"
        again = client.post(
            "/api/v1/models", files=_files(SMALL.read_bytes()), data={"name": "net"}
        )
        assert again.json()["unchanged"] is True


def test_uploads_that_are_not_model_files_are_refused_located(record: Database) -> None:
    build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        exe = client.post(
            "/api/v1/models", files={"files": ("run.exe", b"MZ", "application/octet-stream")}
        )
        assert exe.status_code == 422
        assert exe.json()["problems"][0]["path"] == "files[0]"
        two = client.post(
            "/api/v1/models",
            files=[
                ("files", ("a.yaml", b"x: 1", "text/yaml")),
                ("files", ("b.yaml", b"x: 1", "text/yaml")),
            ],
        )
        assert two.status_code == 422
        binary = client.post("/api/v1/models", files=_files(b"\xff\xfe\x00garbage"))
        assert binary.status_code == 422
        assert binary.json()["problems"]


def test_an_assessment_runs_in_the_background_with_progress_to_its_result(
    record: Database,
) -> None:
    world = build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        queued = client.post(
            "/api/v1/assessments", json={"snapshot_id": world.snapshots["op-x1"], "trials": 0}
        )
        assert queued.status_code == 202
        job_id = queued.json()["id"]
        seen = []
        deadline = time.monotonic() + 120  # a bound, not a timing assertion
        while time.monotonic() < deadline:
            job = client.get(f"/api/v1/jobs/{job_id}").json()
            seen.append(job["progress"])
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        assert job["progress"] == 100 and seen == sorted(seen)
        run = client.get(f"/api/v1/assessments/{job['run_id']}").json()
        assert run["snapshot_id"] == world.snapshots["op-x1"]
        result = client.get(f"/api/v1/assessments/{job['run_id']}/result").json()
        assert result["metadata"]["model"]["country"] == "XS"
        with make_app(record) as other:
            sign_in(other, "op-x2.analyst")
            assert other.get(f"/api/v1/jobs/{job_id}").status_code == 404


def test_an_unknown_policy_is_refused_before_queueing(record: Database) -> None:
    world = build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.analyst")
        answer = client.post(
            "/api/v1/assessments",
            json={"snapshot_id": world.snapshots["op-x1"], "policy": "no-such-policy"},
        )
        assert answer.status_code == 422
        assert answer.json()["problems"][0]["path"] == "policy"
        assert client.get("/api/v1/jobs").json()["count"] == 0
