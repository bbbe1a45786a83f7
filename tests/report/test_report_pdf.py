"""The report as PDF: printed by Debian's Chromium, marked on every page, numbered, with
contents whose page numbers are right and the assessment JSON attached."""

from __future__ import annotations

import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.report.pdf import CHROMIUM_PATHS, page_text

HAVE_CHROMIUM = any(Path(p).exists() for p in CHROMIUM_PATHS)
browser = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's Chromium is not installed"),
]
MARKING = "TLP:AMBER · XR RESTRICTED (fictional)"


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's Chromium is not installed")
    out = tmp_path_factory.mktemp("pdf") / "out"
    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        result = CliRunner().invoke(
            app, ["assess", str(path), "--out", str(out), "--pdf", "--trials", "64", "--brief"]
        )
    assert result.exit_code == 0, result.output + result.stderr
    return out


def _pages(out: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO((out / "report.pdf").read_bytes()))
    return [page_text(page.extract_text()) for page in reader.pages]


pytestmark = browser


def test_every_page_carries_the_marking_and_its_number(demo_out: Path) -> None:
    pages = _pages(demo_out)
    assert len(pages) > 10
    for number, text in enumerate(pages, 1):
        assert MARKING in text, f"page {number} has no marking"
        assert f"page {number} of {len(pages)}" in text, f"page {number} is not numbered"


def test_the_briefing_fits_two_pages_and_contents_are_numbered_right(demo_out: Path) -> None:
    pages = _pages(demo_out)
    assert "What matters most" in pages[0] + pages[1]
    assert "To decide" in pages[1]
    contents = pages[2]
    assert contents.splitlines()[0].strip() == "Contents" or "\nContents\n" in contents
    listed = dict(re.findall(r"^(Summary|Risk register|Provenance) (\d+)$", contents, re.M))
    assert set(listed) == {"Summary", "Risk register", "Provenance"}
    for heading, number in listed.items():
        lines = {line.strip() for line in pages[int(number) - 1].splitlines()}
        assert heading in lines, f"{heading} is not on page {number}"


def test_the_assessment_json_is_attached(demo_out: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO((demo_out / "report.pdf").read_bytes()))
    (attached,) = reader.attachments["assessment.json"]
    document = json.loads(attached)
    written = json.loads((demo_out / "assessment.json").read_text(encoding="utf-8"))
    assert document == written
    assert reader.metadata is not None and reader.metadata.subject == MARKING


def test_a_chromium_that_does_not_start_is_a_located_problem(
    write_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("FIVEGUARD_CHROMIUM", str(fake))
    path = write_model()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["assess", str(path), "--trials", "0", "--pdf", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "--pdf" in result.stderr and "did not start" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()


def test_the_html_printed_from_a_browser_is_marked_and_numbered_too(demo_out: Path) -> None:
    """Printing report.html itself (no header or footer templates): the page's own @page
    margin rules put the marking and the page number on every page."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from fiveguard.report.pdf import CHROMIUM_ARGS, find_chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(find_chromium()), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.goto((demo_out / "report.html").as_uri())
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    pages = [page_text(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    for number, text in enumerate(pages, 1):
        assert text.count(MARKING) >= 2, f"page {number}: marking top and bottom"
        assert f"page {number} of {len(pages)}" in text
