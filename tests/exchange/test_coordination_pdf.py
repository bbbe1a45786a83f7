"""The coordinated view as PDF: its TLP label and page number on every page, its JSON
attached (Debian's Chromium through Playwright)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Scope
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.verify import verify_all
from fiveguard.report.pdf import page_text

NOW = ISSUED + dt.timedelta(days=1)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no Debian Chromium"),
]


def test_coordinated_pdf_is_labelled_numbered_and_carries_the_view(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    from pypdf import PdfReader

    from fiveguard.report.coordination import SECTIONS, coordination_pdf

    inputs = []
    for country in ("XS", "XA"):
        scope = Scope(country=country, name=country, as_of=small_model.document.scope.as_of)
        model = NetworkModel(
            small_model.document.model_copy(update={"scope": scope}), small_model.sites
        )
        org = f"{country}-NCA"
        inputs.append(
            (
                f"{country}.dsse.json",
                export_envelope(model, catalogue, ring.signers[org], addressing(org)),
            )
        )
    verified = verify_all(inputs, verify_keyring(ring.keyring, "r"), now=NOW, as_org="EU-COORD")
    view = coordinate(verified, coordinator="EU-COORD", audience=("EU-COORD",), now=NOW)
    reader = PdfReader(io.BytesIO(coordination_pdf(view)))
    pages = [page_text(p.extract_text()) for p in reader.pages]
    for number, text in enumerate(pages, 1):
        assert view.tlp.marking in text
        assert f"page {number} of {len(pages)}" in text
    (attached,) = reader.attachments["coordination.json"]
    assert json.loads(attached)["countries"] == list(view.countries)
    contents = next(text for text in pages if "Contents" in {x.strip() for x in text.splitlines()})
    headings = [heading for _, heading in SECTIONS]
    listed = {
        heading: int(number)
        for heading, number in re.findall(r"^(.+?) (\d+)$", contents, re.M)
        if heading in headings
    }
    assert set(listed) == set(headings), "the contents list every section with its page"
    for heading, number in listed.items():
        lines = {line.strip() for line in pages[number - 1].splitlines()}
        assert heading in lines, f"{heading} is not on page {number}"
