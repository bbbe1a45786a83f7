"""The pages in a real browser: Playwright driving Debian's Chromium against the server
on loopback, seeded as ``serve --demo`` seeds it. Skipped, with the reason, when
Chromium is not installed (``make test`` installs it)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_world import SMALL, fresh_record

from fiveguard.web.demo import SeededDemo, seed_demo

CHROMIUM = Path(os.environ.get("FIVEGUARD_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "browser test pass phrase"
SHOTS = os.environ.get("FIVEGUARD_SCREENSHOTS")
"""A directory to keep screenshots of each step in (for looking at the pages)."""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: run `make browser`"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, SeededDemo]]:
    import uvicorn

    from fiveguard.web.app import create_app

    db = fresh_record(tmp_path_factory.mktemp("browser"))
    saved = os.environ.get("FIVEGUARD_DEMO_PASSWORD")
    os.environ["FIVEGUARD_DEMO_PASSWORD"] = PASSWORD
    try:
        seeded = seed_demo(db)
    finally:
        if saved is None:
            del os.environ["FIVEGUARD_DEMO_PASSWORD"]
        else:
            os.environ["FIVEGUARD_DEMO_PASSWORD"] = saved
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the server did not start"
    # localhost, not 127.0.0.1: browsers keep Secure cookies for http://localhost
    yield f"http://localhost:{port}", int(seeded.national_snapshot or 0), seeded
    running.should_exit = True
    thread.join(timeout=10)
    db.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def _page(browser: object, base: str, user: str) -> object:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _shot(page: object, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_upload_a_mistake_see_it_located_fix_it_assess_and_open_the_report(
    server: tuple[str, int, SeededDemo], browser: object, tmp_path: Path
) -> None:
    base, _, _ = server
    page = _page(browser, base, "xr-xcsa.analyst")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.yaml").write_bytes(
        SMALL.read_bytes().replace(b"population: 420000", b"population: lots", 1)
    )
    (broken / "sites.csv").write_bytes((SMALL.parent / "sites.csv").read_bytes())
    page.goto("/models")
    page.set_input_files(
        "input[name=files]", [str(broken / "model.yaml"), str(broken / "sites.csv")]
    )
    page.fill("input[name=name]", "small-state")
    page.click("text=Validate and keep")
    alert = page.locator(".problems")
    alert.wait_for()
    assert "nothing was kept" in alert.inner_text()
    assert "model.yaml" in alert.inner_text() and "regions" in alert.inner_text()
    _shot(page, "1-upload-problems")

    (broken / "model.yaml").write_bytes(SMALL.read_bytes())
    page.set_input_files(
        "input[name=files]", [str(broken / "model.yaml"), str(broken / "sites.csv")]
    )
    page.fill("input[name=name]", "small-state")
    page.click("text=Validate and keep")
    page.wait_for_url("**/models/*")
    assert "small-state v1" in page.inner_text("h2")
    _shot(page, "2-model")

    page.click("text=Run the assessment")
    page.wait_for_url("**/jobs/*")
    assert page.locator("progress").count() == 1
    _shot(page, "3-job")
    page.locator("#job-status:text('done')").wait_for(timeout=120_000)  # htmx polls it
    _shot(page, "4-job-done")
    page.click("text=Open the report")
    page.wait_for_load_state()
    assert "fiveguard assessment" in page.title()
    _shot(page, "5-report")
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_an_operator_cannot_reach_the_national_model_or_another_operators_part(
    server: tuple[str, int, SeededDemo], browser: object
) -> None:
    base, national, _ = server
    page = _page(browser, base, "xtel.org-admin")
    page.goto("/models")
    parts = page.locator("table").last.inner_text()
    assert "xtel" in parts and "meridian" not in parts
    answer = page.goto(f"/models/{national}")
    assert answer is not None and answer.status == 404
    assert "Not found" in page.inner_text("h2")
    _shot(page, "6-operator-404")
    page.goto("/")
    assert "xtel" in page.inner_text("h2")


def test_the_eu_coordinator_sees_the_eu_view_and_no_national_models(
    server: tuple[str, int, SeededDemo], browser: object
) -> None:
    base, national, _ = server
    page = _page(browser, base, "EU-COORD.analyst")
    nav = page.inner_text("nav")
    assert "EU view" in nav and "Models" not in nav
    page.click("text=EU view")
    assert "EU coordinated view" in page.inner_text("h2")
    origins = page.inner_text("table")
    assert all(state in origins for state in ("XR-NCA", "XA-NCA", "XB-NCA")), origins
    _shot(page, "7-eu-view")
    answer = page.goto(f"/models/{national}")
    assert answer is not None and answer.status == 404


def test_sign_out_ends_the_session(server: tuple[str, int, SeededDemo], browser: object) -> None:
    base, _, _ = server
    page = _page(browser, base, "nova.viewer")
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    page.goto("/models")
    assert page.url.endswith("/login")


def test_sign_and_send_with_two_users_then_import_at_the_coordinator_and_the_eu_view(
    server: tuple[str, int, SeededDemo], browser: object
) -> None:
    base, _, seeded = server
    assert seeded.signing_key and seeded.key_passphrase
    analyst = _page(browser, base, "xr-xcsa.analyst")
    analyst.goto("/exchange")
    analyst.select_option("select[name=run_id]", str(seeded.run_id))  # the national model's
    analyst.check("input[name=recipients][value=EU-COORD]")
    _shot(analyst, "8-exchange-prepare")
    analyst.click("text=Prepare the summary")
    analyst.wait_for_url("**/outbox/*")
    outgoing = analyst.url
    assert "prepared" in analyst.inner_text("h2")
    assert analyst.locator("text=Sign with this key").count() == 0
    _shot(analyst, "8b-outbox-prepared")

    officer = _page(browser, base, "xr-xcsa.signing-officer")
    officer.goto(outgoing)
    officer.set_input_files("input[name=key]", seeded.signing_key)
    officer.fill("input[name=passphrase]", seeded.key_passphrase)
    officer.click("text=Sign with this key")
    officer.locator("text=Signed, verified against the kept keyring").wait_for()
    _shot(officer, "9-outbox-signed")
    officer.click("text=Send to EU-COORD")
    officer.locator("text=Delivered to EU-COORD").wait_for()
    assert "sent" in officer.inner_text("h2")
    _shot(officer, "10-outbox-sent")

    coordinator = _page(browser, base, "EU-COORD.analyst")
    coordinator.goto("/exchange")
    assert "xr-xcsa" in coordinator.locator("text=Delivered to you").locator("..").inner_text()
    coordinator.click("text=Verify and import")
    coordinator.locator("text=Verified and filed").wait_for()
    assert "signed by xr-xcsa" in coordinator.inner_text(".ok")
    _shot(coordinator, "11-imported")

    coordinator.goto("/eu")
    assert "xr-xcsa" in coordinator.inner_text("table")
    assert "leave empty to use the one kept" in coordinator.inner_text("form[action='/eu/view']")
    coordinator.click("text=Verify and build the view")
    coordinator.wait_for_load_state()
    body = coordinator.inner_text("body")
    assert "XR" in body and "XA" in body and "XB" in body
    _shot(coordinator, "12-eu-coordinated-view")
