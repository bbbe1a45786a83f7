"""Base rates: generated EU-like countries simulated cause by cause, beside the EU's
annual figures (ENISA): the table of docs/calibration.md. Run by `make calibration`; the
numbers depend on the seed only.

    python tools/base_rate_check.py [--trials N] [--seed S] [--catalog FILE] [--small]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fiveguard.calibration.base_rates import (
    EU_LIKE,
    SMALL_EU_LIKE,
    TARGET_FACTOR,
    comparisons,
    simulate_countries,
)
from fiveguard.catalog import default_catalogue, load_catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--catalog", type=Path, help="a catalogue override to check instead")
    parser.add_argument("--small", action="store_true", help="the test suite's small countries")
    args = parser.parse_args()
    catalogue = load_catalogue(args.catalog) if args.catalog else default_catalogue()
    countries = simulate_countries(
        catalogue, SMALL_EU_LIKE if args.small else EU_LIKE, args.trials, args.seed
    )
    label = f", catalogue {args.catalog}" if args.catalog else ""
    print(f"Trials: {args.trials:,} per cause and country, seed {args.seed}{label}.\n")
    print("| country | people | users affected per capita | user-hours per capita "
          "| incidents above the thresholds per year |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    for c in countries:
        print(
            f"| {c.country.name} | {c.population:,} | {c.users_affected_per_capita:.2g} | "
            f"{c.user_hours_per_capita:.2g} | {c.incidents_per_year:.2g} |"
        )
    print()
    print("| figure | year | simulated | ENISA | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for row in comparisons(catalogue, countries):
        simulated = "—" if row.simulated is None else f"{row.simulated:.2g}"
        ratio = "—" if row.ratio is None else f"{row.ratio:.2g}"
        mark = "" if row.within in (None, True) else f" **beyond {TARGET_FACTOR:g}×**"
        print(
            f"| {row.metric} | {row.year} | {simulated} | {row.enisa:.2g} ({row.basis}) | "
            f"{ratio}{mark} |"
        )


if __name__ == "__main__":
    main()
