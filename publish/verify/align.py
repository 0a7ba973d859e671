"""The longest in-order chain of matches: which items an output has in the model's order."""

from __future__ import annotations

Span = tuple[int, int]


def best_chain(candidates: list[list[Span]], weights: list[int], size: int) -> list[int | None]:
    """For each item, the index of its chosen span, or None.

    Spans of later items must start at or after the end of earlier chosen
    spans; the chain maximises the total weight.  A Fenwick tree over stream
    positions keeps it O(n log n) in the number of candidate spans.
    """
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 2)
    nodes: list[tuple[int, int, int]] = []  # (item, span index, previous node)

    def query(position: int) -> tuple[int, int]:
        best, i = (0, -1), position + 1
        while i > 0:
            best = max(best, tree[i])
            i -= i & -i
        return best

    def update(position: int, value: tuple[int, int]) -> None:
        i = position + 1
        while i < len(tree):
            tree[i] = max(tree[i], value)
            i += i & -i

    for index, spans in enumerate(candidates):
        found = []
        for span_index, (start, end) in enumerate(spans):
            score, previous = query(start)
            nodes.append((index, span_index, previous))
            found.append((end, (score + weights[index], len(nodes) - 1)))
        for end, value in found:  # after the item's own queries: an item is used once
            update(end, value)
    chosen: list[int | None] = [None] * len(candidates)
    node = query(size)[1]
    while node >= 0:
        index, span_index, node = nodes[node]
        chosen[index] = span_index
    return chosen
