"""The coordinated view's report in a real browser (Debian's Chromium through Playwright),
offline: every section shows, and the view's TLP label is on screen and on every printed
page (a fixed banner, which print repeats on each page)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Scope
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.verify import verify_all
from fiveguard.report.coordination import SECTIONS, render_coordination

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
NOW = ISSUED + dt.timedelta(days=1)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not at /usr/bin/chromium (make browser installs it)",
    ),
]


@pytest.fixture(scope="module")
def report_file(
    tmp_path_factory: pytest.TempPathFactory,
    small_model: NetworkModel,
    catalogue: Catalogue,
    ring: Ring,
) -> Path:
    inputs = []
    for country in ("XS", "XA"):
        scope = Scope(country=country, name=country, as_of=small_model.document.scope.as_of)
        model = NetworkModel(
            small_model.document.model_copy(update={"scope": scope}), small_model.sites
        )
        org = f"{country}-NCA"
        raw = export_envelope(model, catalogue, ring.signers[org], addressing(org))
        inputs.append((f"{country}.dsse.json", raw))
    verified = verify_all(inputs, verify_keyring(ring.keyring, "r"), now=NOW, as_org="EU-COORD")
    view = coordinate(verified, coordinator="EU-COORD", audience=("EU-COORD",), now=NOW)
    out = tmp_path_factory.mktemp("coordinated") / "report.html"
    out.write_text(render_coordination(view), encoding="utf-8")
    return out


def test_coordinated_report_renders_offline_and_carries_its_label(
    report_file: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report_file.as_uri())
            assert page.title().startswith("TLP:AMBER")
            banner = page.locator(".tlp-banner.screen").first
            assert banner.is_visible() and "TLP:AMBER" in banner.inner_text()
            for anchor, heading in SECTIONS:
                section = page.locator(f"section#{anchor}")
                assert section.is_visible(), anchor
                section.scroll_into_view_if_needed()  # the annex is laid out when reached
                assert heading in section.locator("h2").inner_text()
            box = page.locator("#risks svg").first.bounding_box()
            assert box is not None and box["width"] > 300
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            page.emulate_media(media="print")
            fixed = page.evaluate(
                "[...document.querySelectorAll('.tlp-fixed')].map(e => "
                "[getComputedStyle(e).display, getComputedStyle(e).position, e.innerText])"
            )
            assert fixed == [["block", "fixed", "TLP:AMBER"], ["block", "fixed", "TLP:AMBER"]]
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        finally:
            browser.close()
    assert requests and all(url.startswith("file:") for url in requests), requests
