"""Cost of the parameter draws: the Monte Carlo with rates drawn per batch of trials
(`--parameter-draws`: the rates' multipliers and the reach of a product fault) against the
same Monte Carlo with the rates held, on the same generated model, the same trials and
the same seed, in this one process (one worker each). The held run is timed twice: as
`fiveguard simulate` runs it (with the incidents' durations and reports, which the drawn
run leaves out) and through the drawn run's own path with nothing drawn (the same trials
and the same summaries: the like-for-like figure). A
further run draws multipliers of shape 10¹² (all but exactly 1) and a reach of Beta
10¹²-concentrated at its mean, so that it samples the same events as the held run: its
ratio is the cost of the machinery alone, apart from how many events the drawn
parameters happen to produce. Each is run twice, alternating, and the faster of the two
kept; the ratios are the figures (target: at most 1.25).

Run: .venv/bin/python benchmarks/bench_uncertainty.py [--sites N] [--trials T] [--draws D]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from fiveguard.catalog import default_catalogue  # noqa: E402
from fiveguard.modelio.generate import generate_model  # noqa: E402
from fiveguard.simulate import (  # noqa: E402
    prepare,
    simulate,
    uncertainty,
)
from fiveguard.simulate.uncertainty import simulate_with_uncertainty  # noqa: E402
from machine import describe_machine, machine_markdown  # noqa: E402

OUT = HERE / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    cat = default_catalogue()
    model = generate_model(sites=args.sites, operators=3, suppliers=5, seed=1)
    ready = prepare(model, cat)
    held: list[float] = []
    bare: list[float] = []
    drawn: list[float] = []
    unit: list[float] = []
    as_drawn = uncertainty.uncertain_sources

    def nothing(catalogue: object) -> list[uncertainty.UncertainSource]:
        return []

    def at_one(catalogue: object) -> list[uncertainty.UncertainSource]:
        out = []
        for u in as_drawn(cat):
            if u.alpha is not None and u.beta is not None:
                mean = u.alpha / (u.alpha + u.beta)
                out.append(u.model_copy(update={"alpha": mean * 1e12, "beta": (1 - mean) * 1e12}))
            else:
                out.append(u.model_copy(update={"shape": 1e12}))
        return out

    for _ in range(2):
        t = time.perf_counter()
        plain = simulate(ready, cat, args.trials, 1, workers=1)
        held.append(time.perf_counter() - t)
        t = time.perf_counter()
        uncertainty.uncertain_sources = nothing  # type: ignore[assignment]
        simulate_with_uncertainty(ready, cat, args.trials, 1, args.draws)
        uncertainty.uncertain_sources = as_drawn
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        uncertain = simulate_with_uncertainty(ready, cat, args.trials, 1, args.draws)
        drawn.append(time.perf_counter() - t)
        uncertainty.uncertain_sources = at_one  # type: ignore[assignment]
        t = time.perf_counter()
        simulate_with_uncertainty(ready, cat, args.trials, 1, args.draws)
        unit.append(time.perf_counter() - t)
        uncertainty.uncertain_sources = as_drawn
    u = uncertain.parameter_uncertainty
    assert u is not None
    result = {
        "sites": args.sites,
        "trials": args.trials,
        "draws": u.draws,
        "held_seconds": min(held),
        "drawn_seconds": min(drawn),
        "ratio": min(drawn) / min(held),
        "held_bare_seconds": min(bare),
        "ratio_to_bare": min(drawn) / min(bare),
        "machinery_ratio_to_bare": min(unit) / min(bare),
        "drawn_sources": [s.source for s in u.sources],
        "machinery_seconds": min(unit),
        "machinery_ratio": min(unit) / min(held),
        "mean_held": plain.distributions.people_without_service.mean,
        "mean_drawn": u.people_mean.estimate,
        "mean_interval": [u.people_mean.low, u.people_mean.high],
        "machine": describe_machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "uncertainty.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(
        f"{args.sites:,} sites, {args.trials:,} trials, {u.draws} draws: held "
        f"{result['held_seconds']:.1f} s, drawn {result['drawn_seconds']:.1f} s, "
        f"ratio {result['ratio']:.2f}; held on the drawn path {min(bare):.1f} s, drawn / that "
        f"{result['ratio_to_bare']:.2f}; machinery alone (multipliers 1, reach at its mean) "
        f"{min(unit):.1f} s, ratio {result['machinery_ratio']:.2f} "
        f"({result['machinery_ratio_to_bare']:.2f} to the bare held run)"
    )
    print(machine_markdown())


if __name__ == "__main__":
    main()
