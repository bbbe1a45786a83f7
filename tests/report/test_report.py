"""The HTML report: it parses, has every section, loads nothing, escapes what it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.report import ReportTable, SimulationSection, render_report
from fiveguard.report.render import SECTIONS

VOID = {
    "meta",
    "br",
    "hr",
    "img",
    "input",
    "link",
    "source",
    "col",
    "wbr",
    "area",
    "base",
    "embed",
    "track",
}
SVG_SELF_CLOSING = {
    "rect",
    "path",
    "circle",
    "line",
    "polyline",
    "polygon",
    "ellipse",
    "stop",
    "use",
}


class Page(HTMLParser):
    """Collects ids, tags and every URL-bearing attribute; checks tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if (
                name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href")
                and value is not None
            ):
                self.urls.append((tag, name, value))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def demo_assessment(catalogue: Catalogue) -> Assessment:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    return assess(model, catalogue, catalogue.policies["UK-2020-01"])


@pytest.fixture(scope="module")
def html(demo_assessment: Assessment) -> str:
    return render_report(demo_assessment)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_report_parses_with_balanced_tags(html: str) -> None:
    page = parse(html)
    assert page.errors == []
    assert page.stack == []
    assert html.startswith("<!DOCTYPE html>")


def test_report_has_every_section(html: str) -> None:
    page = parse(html)
    for anchor, _ in SECTIONS:
        assert anchor in page.ids, anchor
    assert "simulation" not in page.ids  # only with simulation results


def test_report_loads_no_external_resource(html: str) -> None:
    page = parse(html)
    assert all(value.startswith("#") for _, _, value in page.urls), page.urls
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", html)


def test_report_has_charts_as_inline_svg(html: str) -> None:
    assert html.count("<svg ") >= 10  # diversity bars and a heat-map pair per scope
    assert "<title>Radio access network, by radio sites</title>" in html


def test_report_explains_the_findings(html: str, demo_assessment: Assessment) -> None:
    text = " ".join(parse(html).text)
    for v in demo_assessment.violations.violations:
        assert v.rule in text
    assert "ev-cert-corvelle-gnb" in text
    assert "The January 2026 storms" in text  # the analyst's override rationale


def test_text_from_the_model_is_escaped(demo_assessment: Assessment) -> None:
    hostile = demo_assessment.model_copy(
        update={
            "suppliers": (
                demo_assessment.suppliers[0].model_copy(
                    update={"name": "<script>alert(1)</script>"}
                ),
                *demo_assessment.suppliers[1:],
            )
        }
    )
    out = render_report(hostile)
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_simulation_section_appears_only_when_given(demo_assessment: Assessment) -> None:
    section = SimulationSection(
        title="Simulation",
        summary="10,000 simulated years.",
        tables=(
            ReportTable(
                "People without service",
                ("scenario", "mean", "P95"),
                (("vendor update", "1,200", "45,000"),),
            ),
        ),
        charts=(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>',
        ),
        provenance=(("trials", "10,000"), ("seed", "7")),
    )
    out = render_report(demo_assessment, section)
    page = parse(out)
    assert "simulation" in page.ids and page.errors == []
    assert out.index('id="simulation"') < out.index('id="provenance"')
    assert "vendor update" in out and 'href="#simulation"' in out


def test_report_of_a_model_without_policy_or_sites(catalogue: Catalogue) -> None:
    from fiveguard.modelio.load import load_model

    model = load_model(Path(__file__).parents[2] / "examples" / "small" / "model.yaml", catalogue)
    out = render_report(assess(model, catalogue, None))
    page = parse(out)
    assert page.errors == [] and "No restriction policy was checked" in out
