"""Assessment speed: ``fiveguard assess`` on a generated 1,000,000-site model and on the demo.

Phases run in fresh processes so each one's time and peak memory are its own:

1. generate a national model of N sites (``generate_model``) and write it (YAML + CSV);
2. ``fiveguard assess MODEL --out DIR`` end to end, as a user runs it (load, check,
   assess with the what-ifs of its diversity findings, a Monte Carlo run of the default
   1,024 trials, terminal summary, assessment.json and report.html);
3. the same in one process, timed by phase (load and check, compiling the model for the
   simulation engine, ``assess()``, the Monte Carlo run, JSON, HTML);
4. ``fiveguard demo`` end to end, and ``assess()`` alone on the demo;
5. the comparison in the same run: the plain per-asset reference of the tests
   (tests/assess/assess_reference.py) against the vectorised engines, doing the same work
   (the policy's exclusions and caps, supplier shares, management paths, battery
   autonomy) on a sample model of ``--sample`` sites, as a ratio and extrapolated to N.

Run: .venv/bin/python benchmarks/bench_assess.py [--sites N] [--sample N]
Writes benchmarks/out/bench_assess.json and prints the lines for benchmarks/RESULTS.md.
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
ROOT = Path(__file__).parents[1]
FIVEGUARD = Path(sys.executable).parent / "fiveguard"
POLICY = "UK-2020-01"
TRIALS = 1024  # fiveguard assess's default --trials


def run_phase(code: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it fills ``result``; add time and peak RSS."""
    wrapper = (
        "import json, resource, time\nresult = {}\nstart = time.perf_counter()\n"
        + textwrap.dedent(code)
        + "\nresult['seconds'] = time.perf_counter() - start\n"
        "result['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_command(args: list[str], cwd: Path) -> dict[str, float]:
    """Wall-clock time and peak RSS of one CLI run, measured from a fresh parent process so
    that no earlier child counts in the peak (its output is discarded)."""
    return run_phase(
        f"""
        import subprocess
        subprocess.run({args!r}, cwd={str(cwd)!r}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        result['child_peak_rss_mb'] = (
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        )
        """
    )


def phases_in_process(model: Path) -> dict[str, float]:
    return run_phase(
        f"""
        from pathlib import Path
        from fiveguard.catalog import default_catalogue
        from fiveguard.modelio.load import load_model
        from fiveguard.assess.assessment import assess
        from fiveguard.assess.engine import prepare_engine, simulation_summary
        from fiveguard.assess.quality import quality_for_simulation
        from fiveguard.report import render_report
        from fiveguard.report.simulation import simulation_section
        from fiveguard.simulate import simulate, worst_supplier_events
        cat = default_catalogue()
        t = time.perf_counter()
        model = load_model(Path({str(model)!r}), cat)
        result['load_and_check'] = time.perf_counter() - t
        t = time.perf_counter()
        engine = prepare_engine(model, cat)
        result['engine'] = time.perf_counter() - t
        t = time.perf_counter()
        a = assess(model, cat, cat.policies[{POLICY!r}], engine=engine)
        result['assess'] = time.perf_counter() - t
        t = time.perf_counter()
        run = simulate(engine.with_quality(quality_for_simulation(a.suppliers)), cat,
                       {TRIALS}, 0, workers=1)
        worst = worst_supplier_events(model, cat, compiled=engine.compiled)
        a = a.model_copy(update={{'simulation': simulation_summary(run, worst)}})
        result['simulate'] = time.perf_counter() - t
        t = time.perf_counter()
        text = a.model_dump_json(indent=2)
        result['json'] = time.perf_counter() - t
        t = time.perf_counter()
        html = render_report(a, simulation_section(run, worst))
        result['html'] = time.perf_counter() - t
        result['rows'] = len(model.table)
        result['violations'] = len(a.violations.violations)
        result['json_mb'] = len(text) / 1e6
        result['html_mb'] = len(html) / 1e6
        """
    )


def comparison(sample: int) -> dict[str, float]:
    """Reference against engines, the same work on the same sample model."""
    return run_phase(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests" / "assess")!r})
        import numpy as np
        from assess_reference import (every_asset, reference_cap, reference_diversity,
            reference_exclude, reference_managed_via, reference_short_battery)
        from fiveguard.assess.context import Prepared, managed_via
        from fiveguard.assess.diversity import assess_diversity
        from fiveguard.assess.profiles import assess_suppliers
        from fiveguard.assess.register_rules import RuleContext
        from fiveguard.assess.restrictions import check_policy
        from fiveguard.assess.signals import evidence_signals
        from fiveguard.catalog import default_catalogue
        from fiveguard.domain.catalogue import CapRule
        from fiveguard.modelio.generate import generate_model

        cat = default_catalogue()
        policy = cat.policies[{POLICY!r}]
        model = generate_model({sample}, seed=3)
        model.table
        prep = Prepared(model, cat)
        suppliers, levels = assess_suppliers(prep, evidence_signals(model, cat))
        profile = {{s.id: (s.lowest.rank, s.highest.rank) for s in suppliers}}
        high = {{s.id for s in suppliers if s.lowest.rank == 3}}
        hours = cat.assessment.risks['R8'].likelihood.hours

        t = time.perf_counter()
        check_policy(prep, levels, policy)
        assess_diversity(prep)
        flagged = np.isin(prep.supplier, [i for i, s in enumerate(suppliers) if s.id in high])
        managed_via(prep, flagged)
        ctx = RuleContext(prep, levels, suppliers, (), None, None)
        ctx.short_autonomy(hours)
        result['engine'] = time.perf_counter() - t

        t = time.perf_counter()
        assets = every_asset(model)
        result['reference_materialise'] = time.perf_counter() - t
        for rule in policy.rules:
            if isinstance(rule, CapRule):
                reference_cap(model, assets, rule, profile)
            else:
                reference_exclude(model, assets, rule, profile)
        reference_diversity(model, assets, cat.assessment.diversity.groups)
        reference_managed_via(model, assets, high)
        reference_short_battery(assets, hours)
        result['reference'] = time.perf_counter() - t
        result['rows'] = len(assets)
        """
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results: dict[str, object] = {"machine": describe_machine(), "sites": args.sites}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = work / "model.yaml"
        print(f"generating a {args.sites:,}-site model …", flush=True)
        results["generate"] = run_phase(
            f"""
            from pathlib import Path
            from fiveguard.modelio.generate import generate_model
            from fiveguard.modelio.dump import write_model
            write_model(generate_model({args.sites}, seed=1), Path({str(model)!r}))
            """
        )
        print("fiveguard assess (end to end) …", flush=True)
        results["cli_large"] = run_command(
            [str(FIVEGUARD), "assess", str(model), "--out", str(work / "out")], work
        )
        print("phases in one process …", flush=True)
        results["phases_large"] = phases_in_process(model)
        print("fiveguard demo …", flush=True)
        results["cli_demo"] = run_command(
            [str(FIVEGUARD), "demo", "--out", str(work / "demo")], work
        )
        demo = ROOT / "src" / "fiveguard" / "examples" / "demo" / "model.yaml"
        results["phases_demo"] = phases_in_process(demo)
    print(f"reference comparison on {args.sample:,} sites …", flush=True)
    results["comparison"] = cmp = comparison(args.sample)
    ratio = cmp["reference"] / cmp["engine"]
    results["ratio"] = ratio
    results["reference_extrapolated_s"] = cmp["reference"] * args.sites / cmp["rows"]
    (OUT / "bench_assess.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_markdown(results, args.sites)


def print_markdown(r: dict[str, object], sites: int) -> None:
    large = r["phases_large"]
    demo = r["phases_demo"]
    cli = r["cli_large"]
    cli_demo = r["cli_demo"]
    cmp = r["comparison"]
    assert isinstance(large, dict) and isinstance(demo, dict) and isinstance(cmp, dict)
    assert isinstance(cli, dict) and isinstance(cli_demo, dict)
    print()
    print(machine_markdown())
    print()
    print("| run | wall clock | peak memory | limit |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| `fiveguard assess` on {sites:,} sites (`--out`: JSON + HTML) | "
        f"{cli['seconds']:.1f} s | {cli['child_peak_rss_mb']:,.0f} MB | 60 s |"
    )
    print(
        f"| `fiveguard demo` ({int(demo['rows']):,} assets, writes the report) | "
        f"{cli_demo['seconds']:.2f} s | {cli_demo['child_peak_rss_mb']:,.0f} MB | 3 s |"
    )
    print()
    print(f"| phase (one process) | {sites:,}-site model | demo |")
    print("| --- | ---: | ---: |")
    for key, label in (
        ("load_and_check", "load and check the model"),
        ("engine", "compile for the simulation engine (`prepare`)"),
        ("assess", "`assess()`"),
        ("simulate", f"Monte Carlo, {TRIALS:,} trials, and the supplier what-ifs"),
        ("json", "JSON"),
        ("html", "HTML report"),
    ):
        print(f"| {label} | {large[key]:.2f} s | {demo[key]:.3f} s |")
    print()
    print(
        f"Reference comparison on a {int(cmp['rows']):,}-row sample (same work: policy rules, "
        f"shares, management paths, battery): per-asset reference {cmp['reference']:.2f} s "
        f"(of which {cmp['reference_materialise']:.2f} s making asset objects), engines "
        f"{cmp['engine'] * 1000:.1f} ms: **{r['ratio']:.0f}×**; the reference extrapolated to "
        f"{sites:,} sites: {r['reference_extrapolated_s']:.0f} s."
    )


if __name__ == "__main__":
    main()
