"""Base rates: generated EU-like countries simulated cause by cause, their incidents
counted one by one, beside the EU's annual figures (ENISA): the tables of
docs/calibration.md. Run by `make calibration`; the numbers depend on the seed only.

    python tools/base_rate_check.py [--trials N] [--seed S] [--catalog FILE] [--small]
    python tools/base_rate_check.py --update-doc   # run, then rewrite the doc's tables
                                                   # and docs/base-rates.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fiveguard.calibration.base_rate_doc import dumps, render_tables, replace_tables
from fiveguard.calibration.base_rates import EU_LIKE, SMALL_EU_LIKE, simulate_countries
from fiveguard.catalog import default_catalogue, load_catalogue

DOCS = Path(__file__).parents[1] / "docs"
DOC, RECORD = DOCS / "calibration.md", DOCS / "base-rates.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--catalog", type=Path, help="a catalogue override to check instead")
    parser.add_argument("--small", action="store_true", help="the test suite's small countries")
    parser.add_argument(
        "--update-doc",
        action="store_true",
        help="rewrite docs/calibration.md's tables and docs/base-rates.json from this run "
        "(the packaged catalogue and the full-size countries only)",
    )
    args = parser.parse_args()
    if args.update_doc and (args.catalog or args.small):
        parser.error("--update-doc records the packaged catalogue on the full-size countries")
    catalogue = load_catalogue(args.catalog) if args.catalog else default_catalogue()
    try:
        countries = simulate_countries(
            catalogue, SMALL_EU_LIKE if args.small else EU_LIKE, args.trials, args.seed
        )
    except ValueError as error:
        where = args.catalog or "the packaged catalogue"
        print(f"error: {where}: {error}", file=sys.stderr)
        sys.exit(2)
    tables = render_tables(catalogue, countries, args.seed)
    if args.update_doc:
        RECORD.write_text(dumps(countries, args.seed), encoding="utf-8")
        DOC.write_text(replace_tables(DOC.read_text(encoding="utf-8"), tables), encoding="utf-8")
    label = f" Catalogue {args.catalog}." if args.catalog else ""
    print(tables + label)


if __name__ == "__main__":
    main()
