"""The backtest of docs/calibration.md: every replay's backtest figure re-run on a
catalogue (the replay's own override, if it has one, merged over it) and scored as
|log10(fiveguard / reported)|, with the median and the misses against issue 14's targets.
Run by `make backtest`.

    python tools/backtest.py [--catalog FILE] [--json]
    python tools/backtest.py --update-doc   # the doc's table from the recorded figures
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

from fiveguard.calibration.backtest import load_figures, render_table, rerun, summarise

REPLAYS = Path(__file__).parents[1] / "examples" / "replays"
DOC = Path(__file__).parents[1] / "docs" / "calibration.md"
START, END = "<!-- backtest-table -->", "<!-- /backtest-table -->"


def update_doc() -> None:
    """Rewrite docs/calibration.md's backtest table from the figures the replays record."""
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    table = render_table(load_figures(REPLAYS))
    DOC.write_text(f"{text[:start]}\n{table}\n{text[end:]}", encoding="utf-8")


def finite(value: float) -> float | None:
    """A score for JSON, which has no infinity: null where fiveguard gives nothing."""
    return None if math.isinf(value) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--catalog",
        type=Path,
        help="a catalogue override to score (a replay's own override still applies over it)",
    )
    parser.add_argument("--json", action="store_true", help="the figures and summary as JSON")
    parser.add_argument(
        "--update-doc", action="store_true", help="rewrite the doc's table from the replays"
    )
    args = parser.parse_args()
    if args.update_doc:
        update_doc()
        return
    figures = [
        dataclasses.replace(f, fiveguard=rerun(f, REPLAYS, args.catalog))
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
