"""The prepare stage's array code equals plain references, entry by entry and asset by
asset: which served part's core each ``requires`` entry is (``sharing._entry_parts``,
both ways of looking parts up), the largest-remainder split of people (``sharing._split``
against its Python-integer twin), and each asset's power area (``areas.power_areas``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from strategies import models

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import sharing
from fiveguard.simulate.areas import power_areas
from fiveguard.simulate.compile import access_kinds

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def reference_entry_parts(
    model: NetworkModel,
    catalogue: Catalogue,
    parts: sharing.ServedParts,
    candidates: npt.NDArray[np.bool_],
) -> list[int]:
    """Entry by entry: on a candidate asset, an entry all of whose members are core
    functions of one operator is the core of that operator's first part riding on none."""
    t = model.table
    kinds = catalogue.asset_kinds

    def core(member: int) -> bool:
        kind = int(t.kind[member])
        name = t.kinds[kind] if kind >= 0 else None
        return name in kinds and kinds[name].domain is Domain.CORE

    out = [-1] * (t.entry_ptr.shape[0] - 1)
    for asset in range(len(t)):
        if not candidates[asset]:
            continue
        for entry in range(int(t.req_ptr[asset]), int(t.req_ptr[asset + 1])):
            members = t.members[t.entry_ptr[entry] : t.entry_ptr[entry + 1]].tolist()
            if not members or not all(core(m) for m in members):
                continue
            owners = {int(t.operator[m]) for m in members}
            if len(owners) != 1:
                continue
            (owner,) = owners
            lo, hi = int(parts.ptr[asset]), int(parts.ptr[asset + 1])
            for part in range(lo, hi):
                if parts.rides[part] < 0 and parts.operator[part] == owner:
                    out[entry] = part - lo
                    break
    return out


def assert_entry_parts_match(
    model: NetworkModel,
    catalogue: Catalogue,
    split_radio: bool,
    extra: npt.NDArray[np.bool_] | None = None,
) -> int:
    """Both look-ups equal the reference, for the served parts' candidates and, with
    ``extra``, for more assets besides; the number of core entries found."""
    access = access_kinds(model.table, catalogue)
    parts = sharing.served_parts(model, catalogue, access, split_radio)
    radio = np.asarray(
        [
            k in catalogue.asset_kinds and catalogue.asset_kinds[k].domain is Domain.RAN
            for k in model.table.kinds
        ]
        + [False]
    )[model.table.kind]
    candidates = parts.shared | (radio & access) if split_radio else parts.shared.copy()
    if extra is not None:
        candidates |= extra
    expected = reference_entry_parts(model, catalogue, parts, candidates)
    for limit in (sharing.DENSE_LIMIT, 0):
        got = sharing._entry_parts(
            model, catalogue, parts.ptr, parts.operator, parts.rides, candidates, limit
        )
        assert got.dtype == np.int64
        assert got.tolist() == expected
    if extra is None:
        assert parts.entry_part.tolist() == expected
    return sum(e >= 0 for e in expected)


@SETTINGS
@given(data=st.data())
def test_entry_parts_equal_the_reference(data: st.DataObject, catalogue: Catalogue) -> None:
    model = data.draw(models())
    split_radio = data.draw(st.booleans())
    assert_entry_parts_match(model, catalogue, split_radio)
    extra = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(model.table),
                                          max_size=len(model.table))), dtype=bool)  # fmt: skip
    assert_entry_parts_match(model, catalogue, split_radio, extra.reshape(len(model.table)))


def test_entry_parts_of_a_generated_model(catalogue: Catalogue) -> None:
    """Shared sites of three operators: most entries are some operator's core."""
    model = generate_model(sites=400, operators=3, suppliers=5, seed=2)
    assert assert_entry_parts_match(model, catalogue, split_radio=True) > 400
    assert assert_entry_parts_match(model, catalogue, split_radio=False) > 0


def test_power_areas_equal_the_oracles(catalogue: Catalogue) -> None:
    """Each asset's area, regions cut into several: by CRC-32 of the id, then place."""
    model = generate_model(sites=600, seed=5, regions=3)
    smallest = min(r.population for r in model.document.regions)
    loss = catalogue.simulation.power_loss.model_copy(update={"area_population": smallest // 4})
    cat = catalogue.model_copy(
        update={"simulation": catalogue.simulation.model_copy(update={"power_loss": loss})}
    )
    areas = power_areas(model, cat)
    assert np.all(areas.count >= 4)
    oracle = Oracle(model, cat)
    region = {r.id: i for i, r in enumerate(model.document.regions)}
    expected = [
        int(areas.ptr[region[a.region]]) + oracle.power_area[a.id] if a.region in region else -1
        for a in oracle.assets
    ]
    assert areas.asset_area.tolist() == expected
    assert len(set(expected)) > 3 * len(region)


@settings(max_examples=300, deadline=None)
@given(
    assets=st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.lists(st.sampled_from((0, 1, 2, 3, 7, 10**6, 3 * 10**7)), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_people_split_equals_the_split_in_python_integers(
    assets: list[tuple[int, list[int]]],
) -> None:
    """Ties of remainders are many (equal weights): they go by place in the asset."""
    population = np.asarray([p for p, _ in assets], dtype=np.int64)
    count = np.asarray([len(w) for _, w in assets], dtype=np.int64)
    weight = np.asarray([x for _, w in assets for x in w], dtype=np.int64)
    got = sharing._split(population, count, weight)
    start = np.cumsum(count) - count
    owner = np.repeat(np.arange(count.size), count)
    total = np.bincount(owner, weights=weight, minlength=count.size).astype(np.int64)
    weight = np.where(total[owner] > 0, weight, 1)
    total = np.bincount(owner, weights=weight, minlength=count.size).astype(np.int64)
    assert got.tolist() == sharing._split_exactly(population, start, weight, total).tolist()
    assert np.bincount(owner, weights=got, minlength=count.size).tolist() == population.tolist()
