"""Whole-operator outage rates by cause, simulated on the demo country and on generated
countries of several sizes, beside the incident record's rates: the table of
docs/calibration.md. Run by `make calibration`; the numbers depend on the seed only.

    python tools/calibration_check.py [--trials N] [--seed S] [--catalog FILE]
"""

from __future__ import annotations

import argparse
import math
from importlib import resources
from pathlib import Path

from fiveguard.calibration.operator_outages import operator_outage_checks
from fiveguard.catalog import default_catalogue, load_catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.modelio.load import load_model

COUNTRIES = ((2_000, 2), (20_000, 3), (100_000, 4))
"""Generated countries: (sites, operators), from a small member state to a large one."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--catalog", type=Path, help="a catalogue override to check instead")
    parser.add_argument("--causes", nargs="*", help="only these causes (default: all)")
    args = parser.parse_args()
    catalogue = load_catalogue(args.catalog) if args.catalog else default_catalogue()
    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        models = [("demo country", load_model(path, catalogue))]
    for sites, operators in COUNTRIES:
        name = f"generated, {sites:,} sites, {operators} operators"
        models.append((name, generate_model(sites, operators=operators, seed=args.seed)))
    label = f", catalogue {args.catalog}" if args.catalog else ""
    print(f"Trials: {args.trials:,} per cause and model, seed {args.seed}{label}.\n")
    print("| model | cause | simulated per operator-year | record (90 % interval) | ratio |")
    # ratio: simulated over the record's posterior mean; outside: beyond its interval
    print("| --- | --- | --- | --- | --- |")
    for name, model in models:
        checks = operator_outage_checks(
            model, catalogue, args.trials, args.seed, causes=args.causes
        )
        for check in checks:
            record = check.record
            if record is None:
                shown, ratio = "—", "—"
            elif record.count == 0:
                shown, ratio = f"none recorded (at most {-_expm1(record.high):.2g})", "—"
            else:
                shown = (
                    f"{record.annual_probability:.2g} ({-_expm1(record.low):.2g}–"
                    f"{-_expm1(record.high):.2g})"
                )
                ratio = f"{check.ratio:.2g}"
            mark = "" if check.within in (None, True) else " **outside**"
            print(
                f"| {name} | {check.cause} | {check.simulated:.2g} "
                f"({check.outages:,} of {check.operator_years:,}) | {shown} | {ratio}{mark} |"
            )


def _expm1(rate: float) -> float:
    return math.expm1(-rate)


if __name__ == "__main__":
    main()
