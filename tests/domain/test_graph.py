"""Topological levels and cycle finding against a plain networkx reference."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.domain.graph import ragged_ranges, reverse, topological_levels


def csr(n: int, edges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """CSR of ``node → dependency`` edges (kept in input order within each node)."""
    by_node: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        by_node[a].append(b)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(d) for d in by_node], out=ptr[1:])
    targets = np.asarray([t for d in by_node for t in d], dtype=np.int64)
    return ptr, targets


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, 40))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=120))
    if acyclic:  # orient every edge from a higher to a lower node number
        edges = [(max(a, b), min(a, b)) for a, b in edges if a != b]
    return n, edges


@settings(max_examples=200, deadline=None)
@given(graphs(acyclic=True))
def test_levels_equal_longest_dependency_chain(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    levels = topological_levels(n, *csr(n, edges))
    assert levels.cycle is None
    reference = nx.DiGraph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from(edges)
    expected: dict[int, int] = {}
    for node in reversed(list(nx.topological_sort(reference))):
        expected[node] = max((expected[d] + 1 for d in reference.successors(node)), default=0)
    assert levels.level.tolist() == [expected[i] for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(graphs(acyclic=False))
def test_a_cycle_is_found_exactly_when_one_exists(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    levels = topological_levels(n, *csr(n, edges))
    reference = nx.DiGraph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from(edges)
    has_cycle = not nx.is_directed_acyclic_graph(reference)
    assert (levels.cycle is not None) == has_cycle
    if levels.cycle is not None:
        cycle = list(levels.cycle)
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert reference.has_edge(a, b)


def test_ragged_ranges_concatenates_rows() -> None:
    ptr = np.array([0, 2, 2, 5, 6], dtype=np.int64)
    assert ragged_ranges(ptr, np.array([2, 0, 1, 3])).tolist() == [2, 3, 4, 0, 1, 5]
    assert ragged_ranges(ptr, np.array([], dtype=np.int64)).tolist() == []


def test_reverse_lists_dependents() -> None:
    ptr, targets = csr(4, [(1, 0), (2, 0), (3, 1), (3, 0)])
    rptr, dependents = reverse(4, ptr, targets)
    assert sorted(dependents[rptr[0] : rptr[1]].tolist()) == [1, 2, 3]
    assert dependents[rptr[1] : rptr[2]].tolist() == [3]
    assert rptr[3] == rptr[4] == rptr[2]
