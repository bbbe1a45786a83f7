"""Simulation benchmarks, each compared in the same run.

1. Fast engine against the reference oracle (tests/simulate/oracle.py) on the same model
   and the same sampled trials: asset-trials per second, and the impacts must be equal.
2. Monte Carlo on a generated model of 1,000,000 radio sites (one asset per site),
   10,000 trials, every event source, with 2 worker processes: wall time of prepare +
   simulate (the model built in memory first), and peak memory of the process tree.
3. The propagation kernel's achieved memory bandwidth against a NumPy copy of a large
   array measured in the same run.
4. What-if on the 1,000,000-site model after loading it from its files: compile + events.
5. The Monte Carlo of 2 with pools short of capacity and storms switched on: every AMF
   carrying 0.6 of its pool's load (a failed AMF leaves 40 % of its operator's customers
   without service, on every site) and the storm rule's triggers on (half of an
   operator's customers lost, or an IP-core router down): the sparse partial pass and
   the storm pass at national scale, against phase 2's time.

Phases 2-5 run in fresh processes so that their peak memory is their own.
Run: .venv/bin/python benchmarks/bench_simulate.py [--sites N] [--trials T] [--workers W]
[--phases 1,2,3,4,5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "simulate"))
from machine import describe_machine, machine_markdown  # noqa: E402

OUT = HERE / "out"

MONITOR = """
import os, threading, time

def _tree_rss_mb():
    me = os.getpid()
    pids = [me]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == me:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024

peak = [0.0]
running = [True]

def _watch():
    while running[0]:
        peak[0] = max(peak[0], _tree_rss_mb())
        time.sleep(0.02)

watcher = threading.Thread(target=_watch, daemon=True)
watcher.start()
"""


def run_phase(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter with a memory watcher; it fills ``result``."""
    script = (
        MONITOR
        + "\nresult = {}\n"
        + textwrap.dedent(code)
        + "\nrunning[0] = False\nresult['peak_tree_rss_mb'] = peak[0]\n"
        + "import json, resource\n"
        + "result['peak_rss_self_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        + "result['peak_rss_children_mb'] = "
        + "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        + "print(json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- 1. oracle


def against_oracle(sites: int, trials: int) -> dict[str, Any]:
    """Same model, same sampled trials: the oracle, then the fast engine."""
    from oracle import Oracle

    from fiveguard.catalog import default_catalogue
    from fiveguard.modelio.generate import generate_model
    from fiveguard.simulate import prepare
    from fiveguard.simulate.events import events_of_trials
    from fiveguard.simulate.metrics import measure
    from fiveguard.simulate.propagate import propagate
    from fiveguard.simulate.sampling import sample_trials

    cat = default_catalogue()
    model = generate_model(sites=sites, seed=1, regions=4)
    started = time.perf_counter()
    ready = prepare(model, cat)
    compile_seconds = time.perf_counter() - started
    sampled = sample_trials(ready.sources, 1, 0, trials)
    per_trial = events_of_trials(sampled, ready.compiled, model.table.ids.tolist())
    oracle = Oracle(model, cat)
    started = time.perf_counter()
    expected = [oracle.impact(events) for events in per_trial]
    oracle_seconds = time.perf_counter() - started
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        impacts = measure(ready.compiled, propagate(ready.compiled, sampled))
        best = min(best, time.perf_counter() - started)
    equal = all(
        dict(zip(e.national, impacts.national[t].tolist(), strict=True)) == e.national
        for t, e in enumerate(expected)
    )
    asset_trials = model.asset_count * trials
    return {
        "assets": model.asset_count,
        "trials": trials,
        "events": sum(len(e) for e in per_trial),
        "oracle_seconds": oracle_seconds,
        "fast_seconds": best,
        "compile_seconds": compile_seconds,
        "oracle_asset_trials_per_s": asset_trials / oracle_seconds,
        "fast_asset_trials_per_s": asset_trials / best,
        "speedup": oracle_seconds / best,
        "speedup_with_compile": oracle_seconds / (best + compile_seconds),
        "equal": equal,
    }


# ---------------------------------------------------------------------------- 2. Monte Carlo


CAPACITY_CATALOGUE = """
        sim = cat.simulation
        storms = sim.storms.model_copy(
            update={"trigger_share": 0.5, "trigger_kinds": ("transport.ipcore",)}
        )
        kinds = dict(cat.asset_kinds)
        kinds["core.amf"] = kinds["core.amf"].model_copy(update={"capacity": 0.6})
        cat = cat.model_copy(
            update={
                "asset_kinds": kinds,
                "simulation": sim.model_copy(update={"storms": storms}),
            }
        )
"""


def monte_carlo(sites: int, trials: int, workers: int, capacity: bool = False) -> dict[str, Any]:
    return run_phase(
        f"""
        import time
        from fiveguard.catalog import default_catalogue
        from fiveguard.modelio.generate import generate_model
        from fiveguard.simulate import prepare, simulate
        cat = default_catalogue()
        {textwrap.indent(textwrap.dedent(CAPACITY_CATALOGUE), " " * 8).strip() if capacity else ""}
        t = time.perf_counter()
        model = generate_model(sites={sites}, operators=3, suppliers=5, seed=1)
        model.table
        result["generate_seconds"] = time.perf_counter() - t
        result["assets"] = model.asset_count
        t = time.perf_counter()
        ready = prepare(model, cat)
        result["prepare_seconds"] = time.perf_counter() - t
        result["classes"] = ready.compiled.n_classes
        t0 = time.perf_counter()
        sim = simulate(ready, cat, {trials}, 1, workers={workers})
        result["simulate_seconds"] = time.perf_counter() - t0
        result["wall_seconds"] = time.perf_counter() - t
        result["event_sources"] = len(sim.events)
        result["mean_people_without_service"] = sim.distributions.people_without_service.mean
        result["p99_people_without_service"] = sim.distributions.people_without_service.p99
        # the incidents alone (durations, user-hours, reports), already inside simulate:
        # timed again on their own so the table shows their share of the run
        from fiveguard.simulate.incident_runs import run_time
        from fiveguard.simulate.incidents import time_plan
        t = time.perf_counter()
        plan = time_plan(ready.model, cat, ready.compiled)
        if plan is not None:
            per_trial = run_time(
                ready.compiled, ready.sources, plan, {trials}, 1, workers={workers}
            )
            result["mean_user_hours"] = float(per_trial.user_hours.mean())
            result["mean_incidents"] = float(per_trial.incidents.mean())
        result["time_seconds"] = time.perf_counter() - t
        """
    )


# ---------------------------------------------------------------------------- 3. bandwidth


def bandwidth(sites: int) -> dict[str, Any]:
    return run_phase(
        f"""
        import time
        import numpy as np
        from fiveguard.catalog import default_catalogue
        from fiveguard.modelio.generate import generate_model
        from fiveguard.simulate.compile import compile_network
        from fiveguard.simulate.propagate import spread_management, spread_requires

        def best(fn, repeat=5):
            times = []
            for _ in range(repeat):
                t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
            return min(times)

        def kernel_bytes(compiled, words):
            # every row the kernel reads or writes, as a copy's bytes are counted
            row = 2 * words * 8  # down and exposed
            total = 0
            for level in compiled.requires_levels:
                total += sum(s.size for s in level.group_slots) * row  # members read
                total += 2 * (level.group_hi - level.group_lo) * row  # groups written, read
                patterns = level.run_pattern.size
                total += sum(s.size for s in level.pattern_slots) * row  # entries read
                total += 2 * (level.hi - level.lo) * row  # classes read and written
                if patterns < level.hi - level.lo:  # else OR-ed straight in: no table
                    total += patterns * row  # pattern table written
                    reads = patterns if level.runs_are_long else level.hi - level.lo
                    total += reads * row  # pattern rows OR-ed in
            for level in compiled.managed_levels:  # compromised and sabotaged planes
                n = level.classes.size
                total += 2 * n * row  # managed rows read and written
                total += (level.run_manager.size if level.runs_are_long else n) * row
            return total

        cat = default_catalogue()
        model = generate_model(sites={sites}, seed=1)
        words = 16
        rng = np.random.default_rng(0)
        src = rng.integers(0, 2**63, size=256 * 2**20 // 8, dtype=np.uint64)
        dst = np.empty_like(src)
        copy = best(lambda: np.copyto(dst, src))
        result["copy_gb_s"] = 2 * src.nbytes / copy / 1e9
        for label, grouped, w in (("per_asset", False, words), ("classes", True, 157)):
            compiled = compile_network(model, cat, group_assets=grouped)
            rows = compiled.n_classes + compiled.n_groups

            def bits(n):
                planes = rng.integers(0, 2**63, size=(n, 2, w), dtype=np.uint64)
                for _ in range(2):  # about one bit in eight set
                    planes &= rng.integers(0, 2**63, size=(n, 2, w), dtype=np.uint64)
                return planes

            state, security = bits(rows), bits(compiled.n_classes)
            work, work_security = state.copy(), security.copy()

            def reset():
                np.copyto(work, state)
                np.copyto(work_security, security)

            def propagate():
                reset()
                spread_management(compiled, work_security)
                spread_requires(compiled, work)

            kernel = max(best(propagate) - best(reset), 1e-9)
            moved = kernel_bytes(compiled, w)
            result[label] = dict(
                classes=compiled.n_classes, words=w, seconds=kernel, bytes=moved,
                gb_s=moved / kernel / 1e9, share_of_copy=moved / kernel / 1e9 / result["copy_gb_s"],
            )
        """
    )


# ---------------------------------------------------------------------------- 4. what-if


def whatif_after_load(sites: int) -> dict[str, Any]:
    return run_phase(
        f"""
        import tempfile, time
        from pathlib import Path
        from fiveguard.catalog import default_catalogue
        from fiveguard.modelio.dump import write_model
        from fiveguard.modelio.generate import generate_model
        from fiveguard.modelio.load import load_model
        from fiveguard.simulate import compile_network, parse_event, whatif
        from fiveguard.simulate.events import Mode
        cat = default_catalogue()
        with tempfile.TemporaryDirectory() as tmp:
            path = write_model(generate_model(sites={sites}, seed=1), Path(tmp) / "model.yaml")
            t = time.perf_counter()
            model = load_model(path, cat)
            result["load_seconds"] = time.perf_counter() - t
        high = model.document.suppliers[1].id
        core = next(a.product for a in model.document.assets if a.kind == "core.amf")
        region = model.document.regions[0].id
        sabotage = parse_event(f"supplier-update:{{high}}", mode=Mode.SABOTAGE)
        cases = {{
            "supplier-update (sabotage)": [sabotage],
            "product-fault (AMF version)": [parse_event(f"product-fault:{{core}}")],
            "region-power (6 h)": [parse_event(f"region-power:{{region}}", hours=6.0)],
        }}
        result["cases"] = {{}}
        for label, events in cases.items():
            t = time.perf_counter()
            impact = whatif(model, cat, events)  # compiles the model each time
            result["cases"][label] = dict(
                seconds=time.perf_counter() - t,
                people_without_service=impact.people_without_service,
                assets_down=impact.assets_down,
            )
        t = time.perf_counter()
        compiled = compile_network(model, cat)
        result["compile_seconds"] = time.perf_counter() - t
        """
    )


# ---------------------------------------------------------------------------- report


def markdown(r: dict[str, Any]) -> str:
    lines = [machine_markdown(), "", "| benchmark | result | target |", "| --- | --- | --- |"]
    if {"oracle", "monte_carlo", "bandwidth", "whatif"} <= r.keys():
        lines += _main_rows(r)
    if "capacity" in r:
        cap = r["capacity"]
        against = (
            f"; {cap['wall_seconds'] / r['monte_carlo']['wall_seconds']:.2f}× phase 2's "
            f"{r['monte_carlo']['wall_seconds']:.1f} s"
            if "monte_carlo" in r
            else ""
        )
        lines.append(
            f"| Monte Carlo with AMF pools at capacity 0.6 and storm triggers on, "
            f"{cap['assets']:,} assets, {r['args']['trials']:,} trials, "
            f"{r['args']['workers']} workers | {cap['wall_seconds']:.1f} s wall (prepare "
            f"{cap['prepare_seconds']:.1f} s + simulate {cap['simulate_seconds']:.1f} s){against}; "
            f"mean people without service {cap['mean_people_without_service']:,.0f} | < 20 s |"
        )
    return "\n".join(lines)


def _main_rows(r: dict[str, Any]) -> list[str]:
    o, mc, bw, wi = r["oracle"], r["monte_carlo"], r["bandwidth"], r["whatif"]
    lines = [
        f"| fast engine vs oracle, {o['assets']:,} assets × {o['trials']} trials, same events "
        f"({'equal' if o['equal'] else 'NOT EQUAL'}) | {o['speedup']:,.0f}× "
        f"({o['fast_asset_trials_per_s']:.3g} vs {o['oracle_asset_trials_per_s']:.3g} "
        f"asset-trials/s; {o['speedup_with_compile']:,.0f}× counting the compile) | ≥ 1000× |",
        f"| Monte Carlo, {mc['assets']:,} assets ({mc['classes']:,} classes), "
        f"{r['args']['trials']:,} trials, {mc['event_sources']} event sources, "
        f"{r['args']['workers']} workers | {mc['wall_seconds']:.1f} s wall "
        f"(prepare {mc['prepare_seconds']:.1f} s + simulate {mc['simulate_seconds']:.1f} s); "
        f"peak memory {mc['peak_tree_rss_mb'] / 1024:.2f} GB (sum of RSS of the process tree) "
        f"| < 20 s, < 8 GB |",
        f"| of which incidents (durations, user-hours, reporting thresholds; "
        f"{mc.get('mean_incidents', 0):,.0f} a year), {r['args']['workers']} workers "
        f"| {mc['time_seconds']:.1f} s | (information) |",
        f"| propagation kernel bandwidth, per-asset graph ({bw['per_asset']['classes']:,} rows, "
        f"{bw['per_asset']['words']} words) | {bw['per_asset']['gb_s']:.1f} GB/s = "
        f"{bw['per_asset']['share_of_copy']:.0%} of NumPy copy ({bw['copy_gb_s']:.1f} GB/s) "
        f"| ≥ 30 % |",
        f"| propagation kernel bandwidth, class graph ({bw['classes']['classes']:,} rows, "
        f"{bw['classes']['words']} words) | {bw['classes']['gb_s']:.1f} GB/s = "
        f"{bw['classes']['share_of_copy']:.0%} of copy | (information) |",
    ]
    for label, case in wi["cases"].items():
        lines.append(
            f"| what-if on the {r['args']['sites']:,}-site model after loading: {label} | "
            f"{case['seconds']:.2f} s, compiling the model included (compile alone "
            f"{wi['compile_seconds']:.2f} s; loading the files before: {wi['load_seconds']:.1f} s)"
            " | < 2 s |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--oracle-sites", type=int, default=2_000)
    parser.add_argument("--oracle-trials", type=int, default=512)
    parser.add_argument("--phases", default="1,2,3,4,5", help="Which phases to run.")
    args = parser.parse_args()
    phases = {int(p) for p in args.phases.split(",")}
    OUT.mkdir(exist_ok=True)
    results: dict[str, Any] = {"machine": describe_machine(), "args": vars(args)}
    if 1 in phases:
        print("1/5 fast engine against the oracle …", flush=True)
        results["oracle"] = against_oracle(args.oracle_sites, args.oracle_trials)
    if 2 in phases:
        print("2/5 Monte Carlo at national scale …", flush=True)
        results["monte_carlo"] = monte_carlo(args.sites, args.trials, args.workers)
    if 3 in phases:
        print("3/5 kernel bandwidth …", flush=True)
        results["bandwidth"] = bandwidth(args.sites)
    if 4 in phases:
        print("4/5 what-if after loading …", flush=True)
        results["whatif"] = whatif_after_load(args.sites)
    if 5 in phases:
        print("5/5 Monte Carlo with pools short of capacity and storms …", flush=True)
        results["capacity"] = monte_carlo(args.sites, args.trials, args.workers, capacity=True)
    (OUT / "simulate.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
