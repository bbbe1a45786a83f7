"""The federated section of a national summary: per-trial impacts of the cross-border
sources, packed, signed with the rest, and read back only when whole and bounded."""

from __future__ import annotations

import base64
import zlib

import numpy as np
import pytest
from exchange_helpers import SMALL_MODEL, Ring, addressing
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.app.exchange import export_summary
from fiveguard.app.national import national_assessment
from fiveguard.assess.engine import prepare_engine
from fiveguard.assess.quality import quality_for_simulation
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.exchange.federated import (
    VECTOR_FIELDS,
    cross_border_impacts,
    cross_border_sources,
    decode_section,
    decode_vector,
    encode_vector,
)
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.streams import STREAM_SCHEME


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_an_export_with_trials_carries_the_cross_border_impacts_of_each_year(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    signers = [(s.keyid, s.key) for s in ring.signers["XS-NCA"]]
    _, summary, _ = export_summary(
        small_model, catalogue, SMALL_MODEL, addressing("XS-NCA"), signers,
        trials=600, seed=4,
    )  # fmt: skip
    section = summary.federated
    assert section is not None
    assert (section.trials, section.seed, section.scheme) == (600, 4, STREAM_SCHEME)
    vectors = decode_section(section, "x.dsse.json", "federated")
    assert vectors.shape == (600, len(VECTOR_FIELDS))
    assessment, engine = national_assessment(small_model, catalogue, None)
    ready = engine.with_quality(quality_for_simulation(assessment.suppliers))
    assert np.array_equal(vectors, cross_border_impacts(ready, 600, 4))
    # the default catalogue makes some of these years costly
    assert vectors[:, 0].sum() > 0 or vectors[:, 1].sum() > 0


def test_an_export_without_monte_carlo_has_no_federated_section(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    signers = [(s.keyid, s.key) for s in ring.signers["XS-NCA"]]
    _, summary, _ = export_summary(
        small_model, catalogue, SMALL_MODEL, addressing("XS-NCA"), signers, trials=0
    )
    assert summary.federated is None


def test_cross_border_runs_draw_only_updates_and_version_faults(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    ready = prepare_engine(small_model, catalogue)
    full = sample_trials(ready.sources, 2, 0, 2048)
    alone = sample_trials(cross_border_sources(ready.sources), 2, 0, 2048)
    assert full.power_trial.size + full.down_trial.size + full.failure_trial.size > 0
    assert alone.power_trial.size == alone.down_trial.size == alone.failure_trial.size == 0
    for name in ("update_trial", "update_supplier", "update_sabotage", "fault_trial"):
        assert np.array_equal(getattr(full, name), getattr(alone, name)), name


@given(st.lists(st.integers(0, 2**40), max_size=300))
def test_vectors_come_back_as_they_went(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int64)
    assert np.array_equal(decode_vector(encode_vector(array), len(values), "f", "p"), array)


def packed(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw)).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not base64!", "not base64"),
        (base64.b64encode(b"\x00" * 40).decode(), "corrupted compression"),
        (base64.b64encode(zlib.compress(b"\x00" * 80)[:-6]).decode(), "truncated compression"),
        (base64.b64encode(zlib.compress(b"\x00" * 80) + b"xx").decode(), "2 bytes after the end"),
        (packed(b"\x00" * 72), "holds 9 values; expected one per trial, 10"),
        (packed(b"\x00" * 88), "inflates to more than 80 bytes"),
        (packed(np.array([0, -3] + [0] * 8, "<i8").tobytes()), "a negative impact (-3) in trial 1"),
    ],
)
def test_bad_vectors_are_refused_where_they_are(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_vector(text, 10, "xa.dsse.json", "payload.predicate.federated.vectors.assets_down")
    [only] = messages(caught)
    assert only.startswith("xa.dsse.json: payload.predicate.federated.vectors.assets_down: ")
    assert message in only


def test_a_decompression_bomb_stops_at_the_expected_size() -> None:
    bomb = base64.b64encode(zlib.compress(b"\x00" * (256 * 1024 * 1024), 9)).decode()
    assert len(bomb) < 400_000
    with pytest.raises(InputError, match="decompression bomb"):
        decode_vector(bomb, 1000, "f", "p")


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_located_message(data: bytes) -> None:
    text = base64.b64encode(data).decode()
    try:
        values = decode_vector(text, 3, "f", "p")
    except InputError as exc:
        assert all(str(p).startswith("f: p: ") for p in exc.problems)
    else:
        assert values.shape == (3,)
