"""A small layered (Sugiyama-style) layout for the process map: readable for a few dozen activities.

Steps: break cycles by reversing the edges a frequency-first depth-first search meets as back edges; put
each node on the layer of its longest path from the start; order each layer by the barycentre of its
neighbours, sweeping down and up a few times; then space the nodes evenly. Pure Python, deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_SWEEPS = 6


@dataclass(frozen=True)
class Placed:
    """A node's layer, its order within the layer and the number of nodes on that layer."""

    layer: int
    order: int
    layer_size: int


def _back_edges(nodes: Sequence[str], edges: dict[tuple[str, str], int], root: str | None) -> set[tuple[str, str]]:
    """Edges that close a cycle in a DFS that follows the most frequent edges first."""
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for (source, target), _count in sorted(edges.items(), key=lambda item: (-item[1], item[0])):
        if source != target:
            successors[source].append(target)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    back: set[tuple[str, str]] = set()
    starts = ([root] if root is not None else []) + list(nodes)
    for start in starts:
        if start in state:
            continue
        stack = [(start, iter(successors[start]))]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            advanced = False
            for target in pending:
                if state.get(target) == 1:
                    back.add((node, target))
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(successors[target])))
                    advanced = True
                    break
            if not advanced:
                state[node] = 2
                stack.pop()
    return back


def layered_layout(nodes: Sequence[str], edges: dict[tuple[str, str], int], *,
                   root: str | None = None) -> tuple[dict[str, Placed], set[tuple[str, str]]]:
    """Layer and order for every node, and the set of edges drawn against the flow (back edges)."""
    back = _back_edges(nodes, edges, root)
    forward = [(s, t) for (s, t) in edges if s != t and (s, t) not in back]
    predecessors: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in forward:
        predecessors[target].append(source)
    layer: dict[str, int] = {}

    def depth(node: str) -> int:
        # Iterative longest path over the acyclic forward edges.
        todo = [node]
        while todo:
            current = todo[-1]
            missing = [p for p in predecessors[current] if p not in layer]
            if missing:
                todo.extend(missing)
                continue
            todo.pop()
            layer[current] = max((layer[p] + 1 for p in predecessors[current]), default=0)
        return layer[node]

    for node in nodes:
        depth(node)
    layers: dict[int, list[str]] = {}
    for node in nodes:  # input order (most frequent first) seeds the ordering
        layers.setdefault(layer[node], []).append(node)
    neighbours: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in edges:
        if source != target:
            neighbours[source].append(target)
            neighbours[target].append(source)
    # Positions are fractions of the layer's width so that layers of different sizes line up.
    position = {node: (index + 0.5) / len(members) for members in layers.values()
                for index, node in enumerate(members)}
    order_of_layers = sorted(layers)
    for sweep in range(_SWEEPS):
        sequence = order_of_layers if sweep % 2 == 0 else list(reversed(order_of_layers))
        for number in sequence:
            members = layers[number]

            def barycentre(node: str, members: list[str] = members) -> float:
                others = [position[n] for n in neighbours[node] if layer[n] != layer[node]]
                return sum(others) / len(others) if others else position[node]

            members.sort(key=lambda node: (barycentre(node), node))
            for index, node in enumerate(members):
                position[node] = (index + 0.5) / len(members)
    placed = {}
    for members in layers.values():
        for index, node in enumerate(members):
            placed[node] = Placed(layer=layer[node], order=index, layer_size=len(members))
    return placed, back
