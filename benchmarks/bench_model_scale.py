"""Model scale: generate, write, load and validate a national model of 1,000,000 sites.

Each phase runs in a fresh process so its peak memory is its own. The comparison in the
same run is a peer approach to loading: reading the same site CSV row by row into one
pydantic ``Asset`` per row (what a straightforward loader would do), measured on a
sample and expressed as rows per second beside fiveguard's column-wise loader.

Run: .venv/bin/python benchmarks/bench_model_scale.py [--sites N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"


def run_phase(code: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict; add its peak RSS."""
    wrapper = (
        textwrap.dedent(
            """
        import json, resource, time
        result = {}
        start = time.perf_counter()
        """
        )
        + textwrap.dedent(code)
        + textwrap.dedent(
            """
        result["seconds"] = time.perf_counter() - start
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        """
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--peer-sample", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.yaml"
        generate = run_phase(
            f"""
            from pathlib import Path
            from fiveguard.modelio.generate import generate_model
            from fiveguard.modelio.dump import write_model
            m = generate_model(sites={args.sites}, operators=3, suppliers=5, seed=1)
            write_model(m, Path({str(model)!r}))
            result["assets"] = m.asset_count
            """
        )
        validate = run_phase(
            f"""
            from pathlib import Path
            from fiveguard.catalog import default_catalogue
            from fiveguard.modelio.load import load_model
            m = load_model(Path({str(model)!r}), default_catalogue())
            result["assets"] = len(m.table)
            """
        )
        peer = run_phase(
            f"""
            import csv, itertools
            from fiveguard.domain.network import Asset
            from fiveguard.modelio.csvsites import _requires
            rows = 0
            with open({str(Path(tmp) / "sites.csv")!r}, newline="") as f:
                for row in itertools.islice(csv.DictReader(f), {args.peer_sample}):
                    battery = row.get("battery_hours")
                    Asset(
                        id=row["id"], operator=row["operator"], kind=row["kind"],
                        product=row.get("product") or None,
                        region=row.get("region") or None,
                        sites=int(row.get("sites") or 1),
                        population=int(row.get("population") or 0),
                        sensitive=row.get("sensitive") == "true",
                        battery_hours=float(battery) if battery else None,
                        requires=_requires(row.get("requires", "")),
                        managed_by=row.get("managed_by") or None,
                    )
                    rows += 1
            result["rows"] = rows
            """
        )
    demo = run_phase(
        """
        import subprocess, sys
        subprocess.run([sys.executable, "-m", "fiveguard", "validate",
                        "src/fiveguard/examples/demo/model.yaml"], check=True,
                       capture_output=True)
        """
    )
    ours_rate = args.sites / validate["seconds"]
    peer_rate = peer["rows"] / peer["seconds"]
    results = {
        "machine": describe_machine(),
        "sites": args.sites,
        "generate_and_write": generate,
        "load_and_validate": validate,
        "total_seconds": generate["seconds"] + validate["seconds"],
        "peer_per_row_pydantic": peer,
        "rows_per_second": {
            "fiveguard": ours_rate,
            "peer": peer_rate,
            "ratio": ours_rate / peer_rate,
        },
        "validate_demo_seconds": demo["seconds"],
    }
    (OUT / "model_scale.json").write_text(json.dumps(results, indent=2))
    print(machine_markdown())
    print()
    print(f"| phase ({args.sites:,} sites) | seconds | peak RSS |")
    print("|---|---:|---:|")
    print(f"| generate + write | {generate['seconds']:.1f} | {generate['peak_rss_mb']:.0f} MB |")
    print(f"| load + validate | {validate['seconds']:.1f} | {validate['peak_rss_mb']:.0f} MB |")
    print(f"| **total** | **{results['total_seconds']:.1f}** | |")
    print()
    print(
        f"Peer (one pydantic Asset per CSV row, {peer['rows']:,}-row sample): "
        f"{peer_rate:,.0f} rows/s; fiveguard load + validate: {ours_rate:,.0f} rows/s "
        f"(**{ours_rate / peer_rate:.1f}×**)."
    )
    print(f"`fiveguard validate` on the demo (whole process): {demo['seconds']:.2f} s.")


if __name__ == "__main__":
    main()
