"""Reports people read: does the briefing fit two A4 pages, and how fast does the report open?

1. ``fiveguard assess MODEL --out DIR --pdf`` on the embedded demo and on a generated model
   of N sites (1,000,000 by default): wall clock, the PDF's page count, and the pages the
   briefing takes (the contents page follows it: briefing pages = contents page - 1);
2. the demo's report.html opened in Debian's Chromium through Playwright, offline: time to
   the load event and to the first contentful paint (median of several openings, each in a
   fresh page), against a reference in the same run: a minimal page (the report's cover
   alone, same styles) opened the same way.

Run: .venv/bin/python benchmarks/bench_report.py [--sites N] [--openings K]
Writes benchmarks/out/bench_report.json and prints the lines for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from playwright.sync_api import Route

from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).parents[1]
FIVEGUARD = Path(sys.executable).parent / "fiveguard"
DEMO = ROOT / "src" / "fiveguard" / "examples" / "demo" / "model.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def assess_pdf(model: Path, out: Path) -> dict[str, float]:
    """One ``assess --out --pdf`` run as a user makes it, and what the PDF holds."""
    from pypdf import PdfReader

    from fiveguard.report.pdf import page_text

    start = time.perf_counter()
    subprocess.run(
        [str(FIVEGUARD), "assess", str(model), "--out", str(out), "--pdf"],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    reader = PdfReader(io.BytesIO((out / "report.pdf").read_bytes()))
    texts = [page_text(p.extract_text()) for p in reader.pages]
    contents = next(i for i, t in enumerate(texts, 1) if "Contents" in t.splitlines()[:3])
    return {
        "seconds": seconds,
        "pages": len(texts),
        "briefing_pages": contents - 1,
        "pdf_mb": (out / "report.pdf").stat().st_size / 1e6,
        "html_mb": (out / "report.html").stat().st_size / 1e6,
    }


FIRST_PAINT = (
    "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
)


def offline(route: Route) -> None:
    """Only the page's own file loads."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def open_times(page_file: Path, openings: int) -> dict[str, float]:
    """Median time to the load event and to the first contentful paint, in milliseconds."""
    from playwright.sync_api import sync_playwright

    loads, paints = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(openings + 1):  # the first opening warms the browser up
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                start = time.perf_counter()
                page.goto(page_file.as_uri(), wait_until="load")
                loads.append((time.perf_counter() - start) * 1000)
                # the first paint may come after the load event: wait for its entry
                page.wait_for_function(f"({FIRST_PAINT})() !== null", timeout=10_000)
                paints.append(float(page.evaluate(FIRST_PAINT)))
                page.close()
        finally:
            browser.close()
    return {
        "load_ms": statistics.median(loads[1:]),
        "first_paint_ms": statistics.median(paints[1:]),
    }


def minimal_page(report: Path, target: Path) -> Path:
    """The reference: the report's head (styles) and cover, nothing else."""
    html = report.read_text(encoding="utf-8")
    cut = html.index('<section id="briefing"')
    target.write_text(html[:cut] + "</main></body></html>\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--openings", type=int, default=7)
    parser.add_argument(
        "--open-only", type=Path, default=None, help="Only time opening this report.html."
    )
    args = parser.parse_args()
    if args.open_only is not None:
        with tempfile.TemporaryDirectory() as tmp:
            reference = minimal_page(args.open_only, Path(tmp) / "minimal.html")
            print("report:", open_times(args.open_only, args.openings))
            print("reference:", open_times(reference, args.openings))
        return
    OUT.mkdir(exist_ok=True)
    result: dict[str, object] = {"machine": describe_machine()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo = assess_pdf(DEMO, work / "demo")
        result["demo"] = demo
        result["open_report"] = open_times(work / "demo" / "report.html", args.openings)
        reference = minimal_page(work / "demo" / "report.html", work / "minimal.html")
        result["open_reference"] = open_times(reference, args.openings)
        subprocess.run(
            [str(FIVEGUARD), "generate", "--sites", str(args.sites), "--seed", "1", "--out",
             str(work / "big")],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        big = next((work / "big").glob("*.yaml"))
        result["generated"] = {"sites": args.sites, **assess_pdf(big, work / "big-out")}
    (OUT / "bench_report.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    demo_r, big_r = result["demo"], result["generated"]
    opened, ref = result["open_report"], result["open_reference"]
    print(machine_markdown())
    print("| run | wall clock | PDF pages | briefing pages | PDF | HTML |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in (("demo", demo_r), (f"generated, {args.sites:,} sites", big_r)):
        assert isinstance(r, dict)
        print(
            f"| `assess --out --pdf`, {label} | {r['seconds']:.1f} s | {r['pages']} | "
            f"{r['briefing_pages']} | {r['pdf_mb']:.1f} MB | {r['html_mb']:.2f} MB |"
        )
    assert isinstance(opened, dict) and isinstance(ref, dict)
    print(
        f"\nOpening the demo's report.html in Chromium (median of {args.openings}): load "
        f"event {opened['load_ms']:.0f} ms, first contentful paint "
        f"{opened['first_paint_ms']:.0f} ms; reference (the cover alone, same styles): "
        f"{ref['load_ms']:.0f} ms and {ref['first_paint_ms']:.0f} ms."
    )


if __name__ == "__main__":
    main()
