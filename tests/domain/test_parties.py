"""TLP labels order from CLEAR to RED; a derived view takes the strictest of its parts."""

from __future__ import annotations

from fiveguard.domain.parties import Tlp, most_restrictive


def test_labels_rank_from_clear_to_red() -> None:
    order = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]
    assert [label.rank for label in order] == sorted(label.rank for label in order)
    assert len({label.rank for label in order}) == len(order)


def test_derived_view_carries_the_strictest_label() -> None:
    assert most_restrictive([Tlp.GREEN, Tlp.AMBER_STRICT, Tlp.AMBER]) is Tlp.AMBER_STRICT
    assert most_restrictive([]) is Tlp.CLEAR


def test_marking_is_written_as_on_a_page() -> None:
    assert Tlp.AMBER_STRICT.marking == "TLP:AMBER+STRICT"
    assert Tlp("AMBER+STRICT") is Tlp.AMBER_STRICT
