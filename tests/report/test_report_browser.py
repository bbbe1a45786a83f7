"""The report in a real browser: Debian's Chromium driven by Playwright, fully offline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from fiveguard.assess.assessment import assess
from fiveguard.domain.catalogue import Catalogue
from fiveguard.report import render_report
from fiveguard.report.render import SECTIONS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not at /usr/bin/chromium (make browser installs it)",
    ),
]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Path:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    out = tmp_path_factory.mktemp("report") / "report.html"
    out.write_text(
        render_report(assess(model, catalogue, catalogue.policies["UK-2020-01"])), encoding="utf-8"
    )
    return out


def test_report_renders_offline_reads_well_and_prints(report_file: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page.goto(report_file.as_uri())
            assert page.title().endswith("fiveguard assessment")
            for anchor, heading in SECTIONS:
                section = page.locator(f"section#{anchor}")
                section.scroll_into_view_if_needed()  # the annex is laid out when scrolled to
                assert section.is_visible(), anchor
                assert heading in (section.locator("h2").text_content() or "")
            # the charts drew: the first heat-map has its nine cells with a size
            page.locator("#register svg").first.scroll_into_view_if_needed()
            box = page.locator("#register svg").first.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 200
            # nothing wider than the window
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
            page.locator("section#summary").screenshot(path=str(tmp_path / "summary.png"))
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
        finally:
            browser.close()
    assert requests and all(url.startswith("file:") for url in requests), requests
