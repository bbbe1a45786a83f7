"""The registry as files: read, located problems, cross-checks, all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.domain.errors import InputError
from fiveguard.domain.registry import RegistrySupplier
from fiveguard.modelio.registry_files import read_registry, save_entries
from lab_world import LEI, event, finding, registry, review, write_registry


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_registry_reads_back_what_was_written(tmp_path: Path) -> None:
    reg = registry()
    reg.records["f-1"] = finding()
    files = read_registry(write_registry(tmp_path, reg))
    assert files.registry.suppliers == reg.suppliers
    assert files.registry.records["f-1"] == reg.records["f-1"]
    assert files.registry.supplier_of(LEI, None) == "korvath"


def test_a_bad_field_is_located_in_its_file(tmp_path: Path) -> None:
    write_registry(tmp_path)
    (tmp_path / "labs" / "bad.yaml").write_text("id: bad\nname: B\nkind: museum\n")
    with pytest.raises(InputError) as exc:
        read_registry(tmp_path)
    [problem] = messages(exc)
    assert problem.startswith(str(tmp_path / "labs" / "bad.yaml") + ":3:7: kind: expected")


def test_a_file_is_named_after_its_id(tmp_path: Path) -> None:
    write_registry(tmp_path)
    (tmp_path / "labs" / "other.yaml").write_text("id: xec2\nname: B\nkind: test-lab\n")
    with pytest.raises(InputError) as exc:
        read_registry(tmp_path)
    assert "name the file xec2.yaml" in messages(exc)[0]


def test_a_wrong_lei_is_refused_where_it_stands(tmp_path: Path) -> None:
    write_registry(tmp_path)
    (tmp_path / "suppliers" / "x.yaml").write_text("id: x\nname: X\nlei: FGDEMOKORVATH0000081\n")
    with pytest.raises(InputError) as exc:
        read_registry(tmp_path)
    assert "x.yaml:3:6: lei: " in messages(exc)[0] and "check digits" in messages(exc)[0]


def test_cross_references_are_checked(tmp_path: Path) -> None:
    reg = registry()
    reg.records["f-1"] = finding(affected=("7.0",), review="rev-none", lab="nolab")
    reg.records["f-2"] = finding(
        "f-2", event("2025-03-01", "open"), event("2025-04-01", "fixed", fixed_in="12.0")
    )
    reg.records["rev"] = review("rev", "2025-07-01", "2025", previous="rev")
    with pytest.raises(InputError) as exc:
        read_registry(write_registry(tmp_path, reg))
    text = "\n".join(messages(exc))
    assert "f-1.yaml" in text and "lab: 'nolab' is not a lab" in text
    assert "affected[0]: korvath.gnb has no version '7.0'" in text
    assert "review: 'rev-none' is not a practice review" in text
    assert "history[1].fixed_in: korvath.gnb has no version '12.0'" in text
    assert "previous: rev is dated" in text


def test_two_suppliers_with_one_lei_are_refused(tmp_path: Path) -> None:
    reg = registry()
    reg.suppliers["twin"] = RegistrySupplier(id="twin", name="Twin", lei=LEI)
    with pytest.raises(InputError) as exc:
        read_registry(write_registry(tmp_path, reg))
    assert "one company, one entry" in "\n".join(messages(exc))


def test_a_save_that_would_break_the_registry_writes_nothing(tmp_path: Path) -> None:
    files = read_registry(write_registry(tmp_path))
    bad = finding("f-9", affected=("7.0",))
    good = finding("f-8")
    with pytest.raises(InputError):
        save_entries(files, {"records": [good, bad]})
    assert not (tmp_path / "records").exists()
    save_entries(files, {"records": [good]})
    assert (tmp_path / "records" / "f-8.yaml").is_file()
    assert read_registry(tmp_path).registry.records["f-8"] == good


def test_an_unwritable_registry_is_a_located_problem(tmp_path: Path) -> None:
    files = read_registry(write_registry(tmp_path))
    (tmp_path / "records").write_text("not a directory")
    with pytest.raises(InputError) as exc:
        save_entries(files, {"records": [finding("f-8")]})
    assert "nothing was written" in messages(exc)[0]


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_registry(tmp_path / "nowhere")
