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


def test_a_whatif_on_a_visible_model_counts_the_impact_and_refuses_bad_events_located(
    record: Database,
) -> None:
    world = build_world(record)
    with make_app(record) as client:
        sign_in(client, "op-x1.viewer")
        own = world.snapshots["op-x1"]
        answer = client.post(
            f"/api/v1/models/{own}/whatif", json={"events": ["supplier-fault:nordvik"]}
        )
        assert answer.status_code == 200, answer.text
        impact = answer.json()
        assert impact["events"] == ["supplier-fault:nordvik"]
        assert impact["assets_down"] > 0 and impact["people_without_service"] > 0
        assert (
            sum(c["assets_down"] for c in impact["by_operator"].values()) <= impact["assets_down"]
        )
        bad = client.post(
            f"/api/v1/models/{own}/whatif",
            json={"events": ["supplier-fault:nordvik", "meteor:everything"]},
        )
        assert bad.status_code == 422
        assert bad.json()["problems"][0]["path"] == "events[1]"
        unknown = client.post(
            f"/api/v1/models/{own}/whatif", json={"events": ["supplier-fault:nobody"]}
        )
        assert unknown.status_code == 422
        foreign = client.post(
            f"/api/v1/models/{world.snapshots['op-x2']}/whatif",
            json={"events": ["supplier-fault:nordvik"]},
        )
        assert foreign.status_code == 404
        del client.headers["X-CSRF-Token"]
        forged = client.post(
            f"/api/v1/models/{own}/whatif", json={"events": ["supplier-fault:nordvik"]}
        )
        assert forged.status_code == 403


def test_a_run_made_by_a_web_job_is_given_again_by_store_reproduce(record: Database) -> None:
    from fiveguard.app.record import reproduce_run
    from fiveguard.catalog import default_catalogue
    from fiveguard.store import accounts
    from fiveguard.web.usecases import assess_recorded

    world = build_world(record)
    catalogue = default_catalogue()
    with record.transaction() as session:
        analyst = accounts.act_as(session, "op-x1.analyst")
    stages: list[int] = []
    run_id = assess_recorded(
        record,
        analyst,
        world.snapshots["op-x1"],
        catalogue,
        policy=None,
        trials=64,
        seed=3,
        progress=lambda pct, _stage: stages.append(pct),
    )
    assert stages == sorted(stages) and stages[-1] < 100
    with record.transaction() as session:
        again = reproduce_run(session, analyst, run_id, catalogue)
    assert again.same, again.problem
