"""Reports as PDF: the HTML report printed by Chromium (driven by Playwright), then the
marking, page numbers, bookmarks and an attached JSON document added.

The page loads nothing (every request but the page itself is refused) and is printed on A4
with the marking in the header and footer of every page and "page N of M" in the footer.
The table of contents at the front gets its page numbers from a first printing: the
pages each section starts on are found in that PDF's text, written into the contents,
and the page printed again. pypdf then attaches the JSON document (the assessment or the
coordinated view) as an embedded file and records the title and marking in the PDF's
metadata. The renderer is Chromium at ``FIVEGUARD_CHROMIUM`` or the usual Debian paths;
without one, :class:`NoRendererError` says what to install.
"""

from __future__ import annotations

import io
import os
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright._impl._api_structures import PdfMargins

CHROMIUM_VARIABLE = "FIVEGUARD_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
MARGIN: PdfMargins = {"top": "16mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
MARK_STYLE = "font-size:8px;font-family:system-ui,sans-serif;width:100%;margin:0 12mm;"


class NoRendererError(Exception):
    """No PDF renderer here: Playwright or Chromium is not installed."""


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF."""

    name: str
    data: bytes


def find_chromium() -> Path:
    """The Chromium to print with; NoRendererError when there is none."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise NoRendererError(
            "cannot write a PDF: Playwright is not installed (pip install playwright)"
        ) from None
    given = os.environ.get(CHROMIUM_VARIABLE)
    candidates = [given] if given else [*CHROMIUM_PATHS, shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    where = f"{CHROMIUM_VARIABLE}={given}" if given else ", ".join(CHROMIUM_PATHS)
    raise NoRendererError(
        f"cannot write a PDF: no Chromium at {where}; install Debian's chromium package "
        f"(apt-get install chromium) or name one with {CHROMIUM_VARIABLE}"
    )


def header_footer(marking: str) -> tuple[str, str]:
    """Chromium's header and footer templates: the marking centred on both, the page number
    at the right of the footer."""
    mark = escape(marking)
    header = (
        f'<div style="{MARK_STYLE}text-align:center;color:#8b1a1a;font-weight:700">{mark}</div>'
    )
    footer = (
        f'<div style="{MARK_STYLE}display:flex;justify-content:space-between;color:#5b6570">'
        "<span></span>"
        f'<span style="color:#8b1a1a;font-weight:700">{mark}</span>'
        '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )
    return header, footer


def print_pdf(html: str, marking: str) -> bytes:
    """Chromium's PDF of ``html``: A4, backgrounds, marking and page numbers, bookmarks."""
    from playwright.sync_api import Error, Route, sync_playwright

    chromium = find_chromium()
    header, footer = header_footer(marking)

    def refuse(route: Route) -> None:
        route.abort()

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(chromium), args=list(CHROMIUM_ARGS))
        except Error as exc:
            first = (exc.message or str(exc)).strip().splitlines()[0]
            raise NoRendererError(
                f"cannot write a PDF: Chromium at {chromium} did not start ({first})"
            ) from None
        try:
            page = browser.new_page()
            page.route("**/*", refuse)  # the page is set as content: nothing else may load
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                margin=MARGIN,
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()


def page_text(text: str | None) -> str:
    """A page's extracted text with ligatures (ﬁ, ﬂ) written out, as the HTML had it."""
    return unicodedata.normalize("NFKC", text or "")


CONTENTS = "Contents"
"""The heading of the printed table of contents (its page is skipped when looking for
the sections' pages, since it names them all)."""


def section_pages(pdf: bytes, headings: Sequence[str]) -> dict[str, int]:
    """The page (1-based) each heading first appears on as a line of its own, the contents
    page aside; headings not found are left out."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, int] = {}
    for number, page in enumerate(reader.pages, 1):
        lines = {line.strip() for line in page_text(page.extract_text()).splitlines()}
        if CONTENTS in lines:
            continue
        for heading in headings:
            if heading not in found and heading in lines:
                found[heading] = number
    return found


def render_pdf(
    render_html: Callable[[dict[str, int]], str],
    headings: Sequence[str],
    *,
    marking: str,
    title: str,
    attachment: Attachment | None = None,
) -> bytes:
    """The PDF of a report. ``render_html`` gives the paged HTML for section page numbers
    (heading → page; empty on the first printing); the contents then show them."""
    first = print_pdf(render_html({}), marking)
    pages = section_pages(first, headings)
    final = print_pdf(render_html(pages), marking) if pages else first
    return finish(final, marking=marking, title=title, attachment=attachment)


def finish(pdf: bytes, *, marking: str, title: str, attachment: Attachment | None) -> bytes:
    """The PDF with its metadata (title, marking as subject and keywords) and attachment."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata(
        {"/Title": title, "/Subject": marking, "/Keywords": marking, "/Creator": "fiveguard"}
    )
    if attachment is not None:
        writer.add_attachment(attachment.name, attachment.data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
