"""The record: import a generated 1,000,000-site model as a snapshot, record an
assessment of it, assess it in the record (`store assess`) and reproduce that run
(`store reproduce`), on SQLite (and on PostgreSQL when it answers).

The peers in the same run are validating the same model alone (`load_model`), for the
import, and assessing it from its file (`load_model` and the assessment, as `fiveguard
assess --trials 0` does), for the assessment in the record: the ratios say what the
record costs. Each phase runs in a fresh process; peak RSS is that process's maximum
resident set.

Run: .venv/bin/python benchmarks/bench_store.py [--sites N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_model_scale import run_phase
from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"

SETUP = """
from fiveguard.store import accounts, migrate
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
from fiveguard.domain.parties import OrganisationKind, Role
db = connect(database_url({url!r}), create=True)
migrate.upgrade(db)
with db.transaction() as s:
    accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
    admin = accounts.act_as(s, "admin")
    accounts.add_organisation(s, admin, "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XG")
    accounts.add_user(s, admin, "alice", "correct horse battery staple")
    accounts.add_member(s, admin, "alice", "nra", Role.ANALYST)
"""

IMPORT = """
from pathlib import Path
from fiveguard.catalog import default_catalogue
from fiveguard.store import accounts, snapshots
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
db = connect(database_url({url!r}))
with db.transaction() as s:
    view = snapshots.import_snapshot(s, accounts.act_as(s, "alice"), Path({model!r}),
                                     default_catalogue())
result["snapshot"] = view.id
result["bytes"] = sum(f.size for f in view.files)
"""

RECORD = """
from pathlib import Path
import json
from fiveguard.store import accounts, assessments
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
data = json.loads(Path({result_path!r}).read_text())
db = connect(database_url({url!r}))
with db.transaction() as s:
    run = assessments.record_assessment(s, accounts.act_as(s, "alice"), 1, data,
        catalogue_digest="0" * 64, policy="UK-2020-01", seed=1, trials=1024)
result["result_bytes"] = len(json.dumps(data))
"""


ASSESS = """
from fiveguard.app.record import assess_snapshot
from fiveguard.catalog import default_catalogue
from fiveguard.store import accounts
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
db = connect(database_url({url!r}))
with db.transaction() as s:
    done = assess_snapshot(s, accounts.act_as(s, "alice"), "model", default_catalogue(),
                           policy="none", trials=0)
result["run"] = done.run.id
"""

REPRODUCE = """
from fiveguard.app.record import reproduce_run
from fiveguard.catalog import default_catalogue
from fiveguard.store import accounts
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
db = connect(database_url({url!r}))
with db.transaction() as s:
    found = reproduce_run(s, accounts.act_as(s, "alice"), 2, default_catalogue())
assert found.same, found.problem
"""

ASSESS_FROM_FILE = """
from pathlib import Path
from fiveguard.app.national import national_assessment
from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model
cat = default_catalogue()
national_assessment(load_model(Path({model!r}), cat), cat, None, policy_origin="none")
"""


def bench(url: str, model: Path, result_path: Path) -> dict[str, dict[str, float]]:
    run_phase(SETUP.format(url=url))
    return {
        "import": run_phase(IMPORT.format(url=url, model=str(model))),
        "record": run_phase(RECORD.format(url=url, result_path=str(result_path))),
        "assess": run_phase(ASSESS.format(url=url)),
        "reproduce": run_phase(REPRODUCE.format(url=url)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results: dict[str, object] = {"machine": describe_machine(), "sites": args.sites}
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.yaml"
        run_phase(f"""
from pathlib import Path
from fiveguard.modelio.generate import generate_model
from fiveguard.modelio.dump import write_model
write_model(generate_model({args.sites}, 3, 5, seed=1), Path({str(model)!r}))
""")
        result_path = Path(tmp) / "assessment.json"
        results["validate_only"] = run_phase(f"""
from pathlib import Path
import json
from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model
from fiveguard.assess.assessment import assess
cat = default_catalogue()
loaded = load_model(Path({str(model)!r}), cat)
result["load_seconds"] = time.perf_counter() - start
Path({str(result_path)!r}).write_text(json.dumps(assess(loaded, cat, None).model_dump(mode="json")))
""")
        results["assess_from_file"] = run_phase(ASSESS_FROM_FILE.format(model=str(model)))
        results["sqlite"] = bench(f"sqlite:///{tmp}/fiveguard.db", model, result_path)
        schema = f"fg_bench_{uuid.uuid4().hex[:8]}"
        try:
            run_phase(f"""
from sqlalchemy import create_engine, text
e = create_engine({args.postgres!r}.replace("postgresql://", "postgresql+psycopg://"),
                  isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(text('CREATE SCHEMA "{schema}"'))
""")
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            results["postgresql"] = bench(url, model, result_path)
        except Exception as exc:  # the PostgreSQL half is optional for a developer
            results["postgresql"] = f"not run: {exc}"
        finally:
            run_phase(f"""
from sqlalchemy import create_engine, text
e = create_engine({args.postgres!r}.replace("postgresql://", "postgresql+psycopg://"),
                  isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(text('DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
""")
    (OUT / "store.json").write_text(json.dumps(results, indent=1))
    print(machine_markdown())
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
