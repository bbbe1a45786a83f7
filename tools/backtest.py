"""The backtest of docs/calibration.md: every replay's backtest figure re-run on a
catalogue and scored as |log10(fiveguard / reported)|, with the median and the misses
against issue 14's targets. Run by `make backtest`.

    python tools/backtest.py [--catalog FILE] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

from fiveguard.calibration.backtest import load_figures, render_table, rerun, summarise
from fiveguard.catalog import default_catalogue, load_catalogue

REPLAYS = Path(__file__).parents[1] / "examples" / "replays"


def finite(value: float) -> float | None:
    """A score for JSON, which has no infinity: null where fiveguard gives nothing."""
    return None if math.isinf(value) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, help="a catalogue override to score instead")
    parser.add_argument("--json", action="store_true", help="the figures and summary as JSON")
    args = parser.parse_args()
    catalogue = load_catalogue(args.catalog) if args.catalog else default_catalogue()
    figures = [
        dataclasses.replace(f, fiveguard=rerun(f, REPLAYS, catalogue))
        for f in load_figures(REPLAYS)
    ]
    if not args.json:
        print(render_table(figures))
        return
    summary = summarise([f.score for f in figures])
    print(
        json.dumps(
            {
                "figures": [{**dataclasses.asdict(f), "score": finite(f.score)} for f in figures],
                "summary": {
                    **dataclasses.asdict(summary),
                    "median": finite(summary.median),
                    "median_met": summary.median_met,
                    "misses_met": summary.misses_met,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
