"""Power areas: the parts of a region that one power loss reaches.

A storm or a grid failure reaches an area of roughly the same size wherever the model's
regional boundaries are drawn. With ``simulation.power_loss.area_population`` set, a region
of P residents is cut into ``n = ceil(P / area_population)`` power areas (at least one),
each of ``P / n`` residents; a power loss reaches one area, and an area loses power with
the annual probability ``1 - (1 - p) ** (P / n / area_population)``, ``p`` being
``power_loss.annual_probability`` (the probability for an area of exactly
``area_population`` residents, or, when the catalogue leaves it out, the incident
record's ``power_loss.record_rate`` per million people a year times the area's millions:
see :func:`base_probability`). So the expected number of losses is proportional to the
population, and a region drawn as two halves has the areas of the whole: the national
distribution does not depend on how regions are drawn (within sampling error).

The assets of a region are put in a fixed pseudo-random order (by the CRC-32 of their id,
then their place in the model) and cut into ``n`` runs of about equal people: an asset
whose predecessors in that order serve ``c`` of the region's ``T`` people is in area
``floor(n c / T)`` (by count of assets when ``T`` is 0). The rule depends on nothing but
the ids and people, so the reference oracle repeats it in its own code. Without
``area_population`` every region is one area with probability ``p`` (the flat rule).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.catalog.parameters import PEOPLE_PER_UNIT
from fiveguard.catalog.rates import DerivedRate, annual_probability, derive_rate
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class PowerAreas:
    """The power areas of a model: ``A`` areas numbered region by region.

    ``region``: ``(A,)`` the region of each area; ``ptr``: ``(R+1,)`` the areas of region
    ``r`` are ``ptr[r] … ptr[r+1]-1``; ``residents``: ``(A,)`` residents per area;
    ``asset_area``: ``(N,)`` each asset's area, -1 without a region.
    """

    region: IntArray
    ptr: IntArray
    residents: FloatArray
    asset_area: IntArray

    @property
    def count(self) -> IntArray:
        """``(R,)``: areas per region."""
        return np.diff(self.ptr)


def areas_in_region(population: int, area_population: int | None) -> int:
    """How many power areas a region of ``population`` residents has."""
    if area_population is None:
        return 1
    return max(1, math.ceil(population / area_population))


def power_areas(model: NetworkModel, catalogue: Catalogue) -> PowerAreas:
    """The power areas of ``model`` under the catalogue's ``area_population``."""
    size = catalogue.simulation.power_loss.area_population
    populations = [r.population for r in model.document.regions]
    counts = np.asarray([areas_in_region(p, size) for p in populations], dtype=np.int64)
    ptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    region = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    residents = np.repeat(np.asarray(populations, dtype=np.float64) / np.maximum(counts, 1), counts)
    t = model.table
    asset_region = t.region.astype(np.int64)
    asset_area = np.where(asset_region >= 0, ptr[np.maximum(asset_region, 0)], -1)
    split = np.flatnonzero((asset_region >= 0) & (counts[np.maximum(asset_region, 0)] > 1))
    if split.size:
        asset_area[split] += _within(
            list(map(str, t.ids[split].tolist())),
            asset_region[split],
            t.population[split].astype(np.float64),
            counts,
        )
    return PowerAreas(region, ptr, residents, asset_area.astype(np.int64))


def _within(ids: list[str], region: IntArray, people: FloatArray, counts: IntArray) -> IntArray:
    """Each asset's area within its region: runs of about equal people in CRC-32 order."""
    crc = np.asarray([zlib.crc32(i.encode()) for i in ids], dtype=np.int64)
    # by region, then CRC, then place: one stable sort of a key below 2**63
    order = np.argsort(region * 2**32 + crc, kind="stable")
    sorted_region = region[order]
    weight = people[order]
    starts = np.flatnonzero(np.r_[True, sorted_region[1:] != sorted_region[:-1]])
    ends = np.r_[starts[1:], order.shape[0]]
    out = np.empty(order.shape[0], dtype=np.int64)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        n = int(counts[sorted_region[start]])
        w = weight[start:end]
        total = float(w.sum())
        if total <= 0:
            w, total = np.ones(end - start), float(end - start)
        before = np.cumsum(w) - w
        out[order[start:end]] = np.minimum(n - 1, np.floor(n * before / total)).astype(np.int64)
    return out


@dataclass(frozen=True)
class BaseProbability:
    """The annual probability of a loss in one area of ``area_population`` residents (in
    one region, without an area size), and where it comes from: ``rate`` is the record's
    derived rate when the record sets it (``None`` when the catalogue gives the value)."""

    value: float
    rate: DerivedRate | None = None


def base_probability(catalogue: Catalogue) -> BaseProbability:
    """The probability of a loss in an area of exactly ``area_population`` residents: the
    catalogue's ``annual_probability`` when given, else the posterior mean of the record's
    ``record_rate`` (per million people and year) times ``area_population`` / 1,000,000,
    as the annual probability 1 − exp(−λ) of at least one loss. The last catalogue's
    answer is kept (catalogues are frozen): the event sources ask once per power area."""
    if _LAST and _LAST[0][0] is catalogue:
        return _LAST[0][1]
    found = _base_probability(catalogue)
    _LAST[:] = [(catalogue, found)]
    return found


_LAST: list[tuple[Catalogue, BaseProbability]] = []


def _base_probability(catalogue: Catalogue) -> BaseProbability:
    params = catalogue.simulation.power_loss
    if params.annual_probability is not None:
        return BaseProbability(params.annual_probability)
    if params.record_rate is None or params.area_population is None:
        raise ValueError("power_loss needs annual_probability, or record_rate and area_population")
    rate = derive_rate(catalogue.incidents, catalogue.incidents.rates[params.record_rate])
    return BaseProbability(
        annual_probability(rate.mean * params.area_population / PEOPLE_PER_UNIT), rate
    )


def area_probability(catalogue: Catalogue, residents: FloatArray) -> FloatArray:
    """``(A,)``: the annual probability of a loss in each area of ``residents``."""
    params = catalogue.simulation.power_loss
    p = base_probability(catalogue).value
    if params.area_population is None:
        return np.full(residents.shape[0], p, dtype=np.float64)
    if p >= 1.0:
        return np.ones(residents.shape[0], dtype=np.float64)
    exponent = residents / params.area_population
    return np.asarray(-np.expm1(exponent * math.log1p(-p)), dtype=np.float64)


def area_label(region: str, within: int, areas: int) -> str:
    """How a power area is named in events and sources: the region, and which of its
    areas when it has several (``XR-CAP area 2/3``)."""
    return region if areas <= 1 else f"{region} area {within + 1}/{areas}"
