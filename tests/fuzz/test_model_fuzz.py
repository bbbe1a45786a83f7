"""Fuzzing the model importers: whatever the bytes, the only outcome besides a valid
model is a list of located problems — never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.modelio.csvsites import read_sites
from fiveguard.modelio.load import load_model
from fiveguard.modelio.yamlsource import parse_yaml
from model_texts import BASE_CSV, BASE_YAML

SPECIAL = [*":{}[]-#&*!|>'\"%@`,\t\n ;=?\\\x00é漢", "true", "null", "-1", "1e999", "~"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits: deletions, insertions, line swaps, duplicates."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["delete", "insert", "replace", "swap", "duplicate", "indent"])
        )
        line = lines[i]
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + line.lstrip(" ")
        else:
            pos = draw(st.integers(0, len(line)))
            piece = "".join(draw(st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=4)))
            end = pos + (draw(st.integers(0, 6)) if action == "replace" else 0)
            lines[i] = line[:pos] + piece + line[end:]
    return "".join(lines)


def check_outcome(yaml_text: str, csv_text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.yaml"
        path.write_text(yaml_text, encoding="utf-8", errors="surrogatepass")
        (Path(tmp) / "sites.csv").write_text(csv_text, encoding="utf-8", errors="surrogatepass")
        try:
            load_model(path, default_catalogue())
        except InputError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.location.file, problem
                assert problem.message, problem
            # a whole-file problem (a site file that cannot be found) has no line of its
            # own, but is always reported together with the line that names the file
            assert any(p.location.line is not None for p in exc.problems), exc.problems


@FUZZ
@given(mutated(BASE_YAML))
def test_mutated_yaml_gives_located_problems_only(yaml_text: str) -> None:
    check_outcome(yaml_text, BASE_CSV)


@FUZZ
@given(mutated(BASE_CSV))
def test_mutated_csv_gives_located_problems_only(csv_text: str) -> None:
    check_outcome(BASE_YAML, csv_text)


WIRELINE_CSV = """\
id,operator,kind,product,region,sites,population,requires,managed_by,shared_with
a.s1,op-a,ran.gnb,gnb@2.0,R2,1,500,a.amf,a.oss,
a.olt-1,op-a,wireline.olt,,R2,2,300,a.amf,,
a.cmts-1,op-a,wireline.cmts,,R1,1,120,a.amf|a.oss,,
a.dslam-1,op-a,wireline.dslam,,,4,80,a.amf,,
"""


@FUZZ
@given(mutated(WIRELINE_CSV))
def test_mutated_wireline_rows_give_located_problems_only(csv_text: str) -> None:
    check_outcome(BASE_YAML, csv_text)


SERVED_YAML = (
    BASE_YAML.replace(
        "  - {id: op-a, name: Operator A, subscribers: 1500}",
        "  - {id: op-a, name: Operator A, subscribers: 1500}\n"
        "  - {id: op-b, name: Operator B, subscribers: 300, national_roaming: [{host: op-a, "
        "regions: [R1, R2], requires: [b.udm, {any: [b.upf]}]}]}",
    )
    .replace(
        "assets:\n",
        "assets:\n  - {id: b.udm, operator: op-b, kind: core.udm}\n"
        "  - {id: b.upf, operator: op-b, kind: core.upf}\n"
        "  - {id: a.enb, operator: op-a, kind: ran.enb, region: R1, site: m1, sites: 3, "
        "population: 600}\n",
    )
    .replace("population: 600, requires: [a.amf]", "population: 600, site: m1, requires: [a.amf]")
)
SERVED_CSV = """\
id,operator,kind,region,population,requires,site
a.s1,op-a,ran.gnb,R2,500,a.amf,m2
a.s1-4g,op-a,ran.enb,R2,500,a.amf,m2
"""


@FUZZ
@given(mutated(SERVED_YAML))
def test_mutated_sites_and_national_roaming_give_located_problems_only(yaml_text: str) -> None:
    check_outcome(yaml_text, SERVED_CSV)


@FUZZ
@given(mutated(SERVED_CSV))
def test_mutated_site_column_gives_located_problems_only(csv_text: str) -> None:
    check_outcome(SERVED_YAML, csv_text)


CAPACITY_CSV = """\
id,operator,kind,region,population,requires,site,capacity
a.s1,op-a,ran.gnb,R2,500,a.amf,m2,0.75
a.s1-4g,op-a,ran.enb,R2,500,a.amf,m2,0.25
a.s2,op-a,ran.gnb,R2,400,a.amf,,
"""


@FUZZ
@given(mutated(CAPACITY_CSV))
def test_mutated_capacity_column_gives_located_problems_only(csv_text: str) -> None:
    check_outcome(SERVED_YAML, csv_text)


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_as_yaml(text: str) -> None:
    try:
        parse_yaml(text, "any.yaml")
    except InputError as exc:
        assert all(p.location.file == "any.yaml" for p in exc.problems)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_site_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.csv"
        path.write_bytes(b"id,operator,kind,population\n" + data)
        try:
            read_sites(path, "s.csv")
        except InputError as exc:
            assert all(p.location.file == "s.csv" for p in exc.problems)
