"""Federated Monte Carlo speed: the national run with keyed streams against the code
before them, and the coordinator's sum of 27 states.

1. National run. A generated model (``--sites``, default 200,000) is built in memory and
   prepared; then ``simulate`` (trials, events list, distributions) of ``--trials``
   years on one process, and the sampling of its events alone, are timed (CPU time of
   the process, so that other work on a shared machine counts less), best of two, by
   this tree and by a reference tree
   (``--reference``, e.g. a checkout of the code before the keyed streams), each in a
   fresh process, alternating over two rounds: the comparison is made in the same run on
   the same machine. This tree also times the export's extra run (the cross-border
   sources alone), which the federated section needs.
2. The sum. 27 generated states (2,000 sites each, different seeds and supplier mixes,
   the same suppliers' names) export their federated sections of 10,000 years; the
   coordinator's part is timed, best of three: decoding the 27 × 4 vectors (base64,
   bounded zlib inflation, checks) and summing them year by year into the EU view.

Target: the sum of 27 states × 10,000 trials < 1 s; the national run no slower than
the reference. Run: .venv/bin/python benchmarks/bench_federated.py [--reference DIR/src]
Writes benchmarks/out/bench_federated.json and prints the lines for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"
SRC = Path(__file__).parents[1] / "src"
STATES = 27
STATE_SITES = 2_000
SUM_TRIALS = 10_000

NATIONAL = textwrap.dedent(
    """
    import json, sys, time
    from fiveguard.catalog import default_catalogue
    from fiveguard.modelio.generate import generate_model
    from fiveguard.simulate import prepare, simulate
    sites, trials, extra = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
    cat = default_catalogue()
    ready = prepare(generate_model(sites, seed=1), cat)
    from fiveguard.simulate.sampling import sample_trials
    best = sampling = float("inf")
    for _ in range(2):
        start = time.process_time()
        simulate(ready, cat, trials, 1, workers=1)
        best = min(best, time.process_time() - start)
        start = time.process_time()
        for first in range(0, -(-trials // 256), 8):
            sample_trials(ready.sources, 1, first, min(2048, trials - first * 256))
        sampling = min(sampling, time.process_time() - start)
    out = {"simulate_s": best, "sampling_s": sampling, "sources": int(
           ready.sources.update_probability.size + ready.sources.fault_probability.size)}
    if extra:
        from fiveguard.exchange.federated import cross_border_impacts
        start = time.process_time()
        cross_border_impacts(ready, trials, 1)
        out["cross_border_s"] = time.process_time() - start
    print(json.dumps(out))
    """
)


def national(src: Path, sites: int, trials: int, extra: bool) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", NATIONAL, str(sites), str(trials), "1" if extra else "0"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def federated_sum() -> dict[str, float]:
    from fiveguard.catalog import default_catalogue
    from fiveguard.domain.parties import Tlp
    from fiveguard.exchange.federated import decode_section, federated_section
    from fiveguard.exchange.federated_sum import StateVectors, summed
    from fiveguard.modelio.generate import generate_model
    from fiveguard.simulate import prepare

    cat = default_catalogue()
    sections = []
    for i in range(STATES):
        model = generate_model(STATE_SITES, operators=2 + i % 3, suppliers=3 + i % 4, seed=i)
        sections.append(federated_section(prepare(model, cat), SUM_TRIALS, 7))
    packed = sum(len(getattr(s.vectors, f)) for s in sections for f in type(s.vectors).model_fields)

    def run() -> object:
        states = [
            StateVectors(f"S{i}", decode_section(s, "f", "p"), Tlp.AMBER)
            for i, s in enumerate(sections)
        ]
        return summed(states, trials=SUM_TRIALS, seed=7, scheme=sections[0].scheme, left=[])

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        view = run()
        best = min(best, time.perf_counter() - start)
    assert view is not None
    return {"sum_s": best, "packed_bytes": float(packed)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=200_000)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument(
        "--reference", type=Path, help="The reference src/ (without it, this tree alone)."
    )
    args = parser.parse_args()
    mine, theirs = [], []
    for _ in range(2):
        if args.reference is not None:
            theirs.append(national(args.reference, args.sites, args.trials, extra=False))
        mine.append(national(SRC, args.sites, args.trials, extra=True))
    none = {"simulate_s": float("nan"), "sampling_s": float("nan")}
    theirs = theirs or [none]
    result = {
        "machine": describe_machine(),
        "load": os.getloadavg(),
        "sites": args.sites,
        "trials": args.trials,
        "simulate_s": min(m["simulate_s"] for m in mine),
        "reference_simulate_s": min(t["simulate_s"] for t in theirs),
        "sampling_s": min(m["sampling_s"] for m in mine),
        "reference_sampling_s": min(t["sampling_s"] for t in theirs),
        "cross_border_s": min(m["cross_border_s"] for m in mine),
        "sources": mine[0]["sources"],
        **federated_sum(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_federated.json").write_text(json.dumps(result, indent=2))
    print(machine_markdown())
    print(f"load average {result['load']}")
    print(
        f"| national simulate, {args.sites:,} sites, {args.trials:,} trials, 1 process, CPU "
        f"| **{result['simulate_s']:.2f} s** | reference {result['reference_simulate_s']:.2f} s |"
    )
    print(
        f"| of which sampling the events ({result['sources']} update and fault sources) "
        f"| {result['sampling_s']:.3f} s | reference {result['reference_sampling_s']:.3f} s |"
    )
    print(f"| the export's cross-border run, same model | {result['cross_border_s']:.2f} s | |")
    print(
        f"| federated sum, {STATES} states × {SUM_TRIALS:,} trials "
        f"({result['packed_bytes']:,.0f} bytes of vectors) | **{result['sum_s']:.3f} s** | < 1 s |"
    )


if __name__ == "__main__":
    main()
