"""coordinate sums the states' federated sections into the EU distribution, and refuses
sections that cannot be summed, each where it is."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from exchange_helpers import SMALL_MODEL, Ring, addressing, sign_payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_coordinate import NOW, variant, verified
from test_exchange_fuzz import mutated

from fiveguard.app.exchange import export_summary
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.coordinate import coordinate
from fiveguard.exchange.coordination import Coordination
from fiveguard.exchange.federated import VECTOR_FIELDS, decode_section
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.summary import Section
from fiveguard.report.coordination import render_coordination

TRIALS = 1024


def export(
    model: NetworkModel,
    catalogue: Catalogue,
    ring: Ring,
    *,
    trials: int = TRIALS,
    seed: int = 5,
    **to: object,
) -> bytes:
    org = f"{model.document.scope.country}-NCA"
    signers = [(s.keyid, s.key) for s in ring.signers[org]]
    envelope, _, _ = export_summary(
        model, catalogue, SMALL_MODEL, addressing(org, **to), signers, trials=trials, seed=seed
    )
    return envelope.to_json()


@pytest.fixture(scope="module")
def models(small_model: NetworkModel) -> dict[str, NetworkModel]:
    return {c: variant(small_model, c) for c in ("XS", "XA", "XB")}


@pytest.fixture(scope="module")
def inputs(models: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring) -> dict[str, bytes]:
    return {c: export(m, catalogue, ring) for c, m in models.items()}


def view_of(inputs: dict[str, bytes], ring: Ring) -> Coordination:
    files = [(f"{c}.dsse.json", raw) for c, raw in inputs.items()]
    return coordinate(
        verified(files, ring), coordinator="EU-COORD", audience=("EU-COORD",), now=NOW
    )


def predicate(raw: bytes) -> dict[str, object]:
    return json.loads(base64.b64decode(json.loads(raw)["payload"]))["predicate"]  # type: ignore[no-any-return]


def test_the_eu_distribution_sums_the_states_year_by_year(
    inputs: dict[str, bytes], ring: Ring
) -> None:
    from fiveguard.exchange.summary import FederatedSection

    view = view_of(inputs, ring)
    f = view.federated
    assert f is not None
    assert (f.trials, f.seed) == (TRIALS, 5)
    assert [s.country for s in f.states] == ["XA", "XB", "XS"]
    vectors = [
        decode_section(FederatedSection.model_validate(predicate(inputs[c])["federated"]), "f", "p")
        for c in ("XA", "XB", "XS")
    ]
    total = sum(vectors)
    people = {i.impact: i for i in f.impacts}["people_without_service"]
    assert people.mean == pytest.approx(total[:, 0].mean())
    assert people.max == total[:, 0].max()
    # Nordvik carries one LEI in all three states: its events fall in the same years,
    # so years hitting several states are far more frequent than independence gives
    assert f.two_or_more > 0
    assert f.two_or_more > f.two_or_more_if_independent
    assert sum(p.probability for p in f.states_hit) == pytest.approx(1.0)
    assert "Federated Monte Carlo" in render_coordination(view)


def test_a_state_without_monte_carlo_is_listed_not_counted_as_zero(
    inputs: dict[str, bytes], models: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring
) -> None:
    changed = dict(inputs, XB=export(models["XB"], catalogue, ring, trials=0))
    f = view_of(changed, ring).federated
    assert f is not None
    assert [s.country for s in f.states] == ["XA", "XS"]
    [left] = f.not_included
    assert (left.country, left.reason) == (
        "XB",
        "no federated section: exported without a Monte Carlo",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"seed": 6},
            "XB.dsse.json: payload.predicate.federated.seed: seed 6, but XA's summary "
            "(XA.dsse.json) has 5: the federated sum needs every state on the same seed; "
            f"export again with --seed 5 --trials {TRIALS}",
        ),
        (
            {"trials": 512},
            "XB.dsse.json: payload.predicate.federated.trials: trials 512, but XA's summary "
            "(XA.dsse.json) has 1024: the federated sum needs every state on the same trials; "
            f"export again with --seed 5 --trials {TRIALS}",
        ),
    ],
)
def test_states_on_other_seeds_or_trial_counts_refuse_the_run(
    inputs: dict[str, bytes],
    models: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    change: dict[str, int],
    message: str,
) -> None:
    options = {"seed": 5, "trials": TRIALS, **change}
    changed = dict(inputs, XB=export(models["XB"], catalogue, ring, **options))
    with pytest.raises(InputError) as caught:
        view_of(changed, ring)
    assert [str(p) for p in caught.value.problems] == [message]


def resigned(raw: bytes, ring: Ring, org: str, **vectors: str) -> bytes:
    """The envelope's statement with some vectors replaced, signed again by ``org``."""
    statement = json.loads(base64.b64decode(json.loads(raw)["payload"]))
    statement["predicate"]["federated"]["vectors"].update(vectors)
    return sign_payload(canonical(statement), ring.signers[org])


def test_unreadable_vectors_of_signed_summaries_are_each_located(
    inputs: dict[str, bytes], ring: Ring
) -> None:
    short = base64.b64encode(zlib.compress(np.zeros(TRIALS - 1, "<i8").tobytes())).decode()
    bomb = base64.b64encode(zlib.compress(b"\0" * (64 * 1024 * 1024), 9)).decode()
    changed = dict(
        inputs,
        XA=resigned(inputs["XA"], ring, "XA-NCA", people_without_service=short),
        XB=resigned(inputs["XB"], ring, "XB-NCA", assets_down=bomb, assets_compromised="@@"),
    )
    with pytest.raises(InputError) as caught:
        view_of(changed, ring)
    found = [str(p) for p in caught.value.problems]
    assert found == [
        "XA.dsse.json: payload.predicate.federated.vectors.people_without_service: holds "
        f"1023 values; expected one per trial, {TRIALS:,}",
        "XB.dsse.json: payload.predicate.federated.vectors.assets_down: inflates to more than "
        f"{TRIALS * 8:,} bytes, the {TRIALS:,} trials' int64 values: refused (too long, or a "
        "decompression bomb)",
        "XB.dsse.json: payload.predicate.federated.vectors.assets_compromised: not base64: "
        "expected a zlib-compressed int64 array in base64",
    ]


def test_a_reshare_withholding_the_simulation_withholds_the_vectors(
    models: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring
) -> None:
    from test_tlp import reshared_bytes
    from test_tlp import verify as verify_as

    raw = export(models["XS"], catalogue, ring, section_tlp={Section.SIMULATION: Tlp.RED})
    original = verify_as(raw, ring, "EU-COORD")
    assert original.summary.federated is not None
    again, notes = reshared_bytes(original, ring)
    assert notes == [
        "withheld simulation: TLP:RED may not be re-shared: it goes to the named recipients only"
    ]
    shared = verify_as(again, ring, "XA-NCA").summary
    assert shared.simulation is None and shared.federated is None
    assert "federated" not in base64.b64decode(json.loads(again)["payload"]).decode().replace(
        '"federated":null', ""
    )


def test_coordinate_on_other_seeds_exits_2_and_writes_nothing(
    inputs: dict[str, bytes],
    models: dict[str, NetworkModel],
    catalogue: Catalogue,
    ring: Ring,
    tmp_path: Path,
) -> None:
    from test_eu_demo import run

    from fiveguard.exchange.keyring import keyring_json

    (tmp_path / "ring.json").write_bytes(keyring_json(ring.keyring))
    files = []
    for country, raw in dict(inputs, XB=export(models["XB"], catalogue, ring, seed=9)).items():
        files.append(str(tmp_path / f"{country}.dsse.json"))
        Path(files[-1]).write_bytes(raw)
    out = tmp_path / "view"
    code, _, err = run("coordinate", *files, "--keyring", str(tmp_path / "ring.json"),
                       "--as", "EU-COORD", "--out", str(out))  # fmt: skip
    assert code == 2
    assert "payload.predicate.federated.seed: seed 9, but XA's summary" in " ".join(err.split())
    assert "Traceback" not in err and not out.exists()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_vectors_give_the_view_or_located_problems(
    inputs: dict[str, bytes], ring: Ring, data: st.DataObject
) -> None:
    field = data.draw(st.sampled_from(VECTOR_FIELDS))
    text = predicate(inputs["XA"])["federated"]["vectors"][field]  # type: ignore[index]
    changed = data.draw(mutated(text.encode())).decode("latin-1")
    raw = resigned(inputs["XA"], ring, "XA-NCA", **{field: changed})
    try:
        view = view_of(dict(inputs, XA=raw), ring)
    except InputError as exc:
        where = f"XA.dsse.json: payload.predicate.federated.vectors.{field}: "
        assert [str(p)[: len(where)] for p in exc.problems] == [where]
    else:
        assert view.federated is not None and len(view.federated.states) == 3


def test_the_odd_state_out_is_the_one_refused(
    inputs: dict[str, bytes], models: dict[str, NetworkModel], catalogue: Catalogue, ring: Ring
) -> None:
    # XA comes first, but XB and XS agree on seed 5
    changed = dict(inputs, XA=export(models["XA"], catalogue, ring, seed=8))
    with pytest.raises(InputError) as caught:
        view_of(changed, ring)
    assert [str(p) for p in caught.value.problems] == [
        "XA.dsse.json: payload.predicate.federated.seed: seed 8, but XB's summary "
        "(XB.dsse.json) has 5: the federated sum needs every state on the same seed; "
        f"export again with --seed 5 --trials {TRIALS}"
    ]
