"""The HTML report: it parses, has every section, loads nothing, escapes what it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources

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
    from fiveguard.domain.model import NetworkModel
    from fiveguard.domain.network import ModelDocument
    from fiveguard.domain.sites import SiteTable

    document = ModelDocument.model_validate(
        {
            "fiveguard": 1,
            "scope": {"country": "XR", "name": "Core only", "as_of": "2026-06-30"},
            "regions": [{"id": "R1", "name": "R", "population": 1000}],
            "suppliers": [{"id": "x", "name": "X", "headquarters": "SE", "ownership": "listed"}],
            "products": [
                {
                    "id": "x-amf",
                    "supplier": "x",
                    "name": "AMF",
                    "kind": "core.amf",
                    "versions": ["1"],
                }
            ],
            "operators": [{"id": "a", "name": "A", "subscribers": 10}],
            "assets": [{"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "x-amf@1"}],
        }
    )
    model = NetworkModel(document, SiteTable.from_assets([]))
    assert len(model.sites) == 0 and not document.sites
    out = render_report(assess(model, catalogue, None))
    page = parse(out)
    assert page.errors == [] and "No restriction policy was checked" in out
    assert "radio sites" in out


def test_the_assurance_section_has_its_menu_entry_and_lists_what_needs_attention(
    html: str, demo_assessment: Assessment
) -> None:
    page = parse(html)
    assert "assurance" in page.ids and 'href="#assurance"' in html
    assert (
        html.index('id="suppliers"') < html.index('id="assurance"') < html.index('id="violations"')
    )
    text = " ".join(page.text)
    assert "valtaro-amf@24.2" in text and "meridian.amf-1" in text
    assert "Site rows (from site files), counted" in text


def test_the_risk_to_measure_links_are_labelled_editorial_in_the_report(html: str) -> None:
    gaps = html[html.index('id="gaps"') :]
    assert "called for by (editorial default)" in gaps
    assert "Editorial default of fiveguard, not an official table" in gaps
    register = html[html.index('id="register"') : html.index('id="gaps"')]
    assert "measures called for (editorial default)" in register


def test_the_assurance_table_lists_the_most_serious_reasons_first(html: str) -> None:
    # Korvath's gNB 9.0 (open high finding, failed equivalence) runs fewer critical or
    # sensitive assets than Corvelle's gNB 21.3 (no valid evaluation), yet comes first
    section = html[html.index('id="assurance"') : html.index('id="violations"')]
    assert section.index("korvath-gnb@9.0") < section.index("corvelle-gnb@21.3")
    assert "Listed by the most serious reason first" in section
    assert "failed evaluation high" in section and "no valid evaluation or certificate low" in (
        section
    )


def test_a_group_without_attributed_supplier_is_drawn_as_such(catalogue: Catalogue) -> None:
    from fiveguard.assess.results import ShareTable
    from fiveguard.report.charts import share_bars

    empty = ShareTable(
        group="ran",
        title="Radio",
        kind=None,
        scope="a",
        weight="sites",
        total=0,
        unattributed=12,
        unattributed_share=1.0,
        shares=(),
        suppliers=0,
        hhi=None,
        band="no-attributed-supplier",
    )
    svg = str(share_bars([empty], {}, "Radio"))
    assert "no attributed supplier" in svg and "HHI — · 0 supp. · 100% no product" in svg
    assert "HHI 0 " not in svg


def test_an_override_that_confirms_the_computed_value_says_so(
    demo_assessment: Assessment,
) -> None:
    entries = list(demo_assessment.risk_register.entries)
    r8 = next(i for i, e in enumerate(entries) if (e.risk, e.scope) == ("R8", "national"))
    same = entries[r8].likelihood.model_copy(update={"override": entries[r8].likelihood.computed})
    entries[r8] = entries[r8].model_copy(update={"likelihood": same})
    register = demo_assessment.risk_register.model_copy(update={"entries": tuple(entries)})
    out = render_report(demo_assessment.model_copy(update={"risk_register": register}))
    assert "override confirms it" in out
    assert "override → " in render_report(demo_assessment)  # the demo's changes the value


def test_the_exceedance_chart_places_points_on_log_axes() -> None:
    from fiveguard.report.simulation import exceedance_chart
    from fiveguard.simulate.results import CurvePoint

    # 100 trials: x from 10^3 to 10^5 over 64…624, y from 1 to 10^-2 over 34…256
    curve = [
        CurvePoint(people=1_000, probability=1.0),
        CurvePoint(people=100_000, probability=0.01),
    ]
    svg = exceedance_chart(curve, 100)
    assert 'points="64.0,34.0 624.0,256.0"' in svg
    assert parse(svg).errors == []


def test_the_exceedance_chart_of_a_single_trial_draws() -> None:
    from fiveguard.report.simulation import exceedance_chart
    from fiveguard.simulate.results import CurvePoint

    # one simulated year that lost service: every probability is 1, the axis still spans
    # a decade (it used to divide by zero)
    svg = exceedance_chart([CurvePoint(people=5_000, probability=1.0)], 1)
    page = parse(svg)
    assert page.errors == [] and "polyline" in page.tags
    assert "5,000 people or more: 1 per year" in svg


def test_the_diversity_findings_show_their_what_if(html: str, demo_assessment: Assessment) -> None:
    from markupsafe import escape

    dv = demo_assessment.diversity
    found = [*dv.single_supplier, *dv.national_concentration, *dv.common_mode]
    assert found
    for finding in found:
        assert finding.fault is not None
        assert f"What if: {escape(finding.fault.text)}." in html, finding.fault.event


def test_the_policy_card_keeps_other_findings_apart_from_violations(
    html: str, demo_assessment: Assessment
) -> None:
    """Unresolved and in-transition findings are not violations: the card must not read
    as if they were part of the count."""
    s = demo_assessment.summary
    assert (
        f'<span class="n">{s.violations}</span><span class="l">violations of the policy; other '
        f"policy findings: {s.in_transition} in transition, {s.unresolved} unresolved</span>"
    ) in html
    assert "violations (" not in html


def test_register_headings_name_the_descriptive_risk_area(html: str) -> None:
    text = " ".join(" ".join(parse(html).text).split())
    assert "(risk area supply-chain)" in text
    assert "(area A)" not in text


def test_each_cited_fault_has_its_figures_explained(html: str, demo_assessment: Assessment) -> None:
    from markupsafe import escape

    from fiveguard.assess.fault_figures import cited_faults

    faults = cited_faults(demo_assessment.diversity)
    assert faults
    diversity = html[html.index('id="diversity"') : html.index('id="register"')]
    assert "What the faults cited would do" in diversity
    for fault in faults:
        assert f'What if <span class="ids">{escape(fault.event)}</span>' in diversity
        assert fault.figures
        for figure in fault.figures:
            row = (
                f'<tr><td>{escape(figure.label)}</td><td class="num">{escape(figure.value)}'
                f'</td><td class="small">{escape(figure.meaning)}</td></tr>'
            )
            assert row in diversity, figure.label
