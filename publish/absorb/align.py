"""Which paragraph of the edited Word file is which paragraph of the file as built.

A paragraph that comes from a source line carries its anchor bookmark, which Word and
LibreOffice keep through edits: those pair by anchor, wherever they now stand.  The
rest (titles, bylines, table cells, captions, paragraphs a colleague added) are
aligned by their text between the anchored ones, as ``diff`` aligns lines.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
from dataclasses import dataclass, field

from .word import WordParagraph
from .words import fold, normal, similarity

#: Two unanchored paragraphs in the same gap are one paragraph edited when their words
#: are at least this alike; otherwise one was removed and the other added.
ALIKE = 0.5


@dataclass
class Pair:
    built: WordParagraph | None  # None: a paragraph added in the edited file
    edited: WordParagraph | None  # None: a paragraph removed from it
    by_anchor: bool = False
    #: Further paragraphs as built whose anchors the edited paragraph holds: paragraphs joined into it.
    joined: list[WordParagraph] = field(default_factory=list)
    moved: bool = False  # paired by anchor, but out of the order of the others


def align(built: list[WordParagraph], edited: list[WordParagraph]) -> list[Pair]:
    """Pairs covering every paragraph of both lists but the contents field's."""
    b_list = [p for p in built if _counts(p)]
    e_list = [p for p in edited if _counts(p)]
    where: dict[str, int] = {}
    for i, paragraph in enumerate(b_list):
        for anchor in paragraph.anchors:
            where.setdefault(anchor, i)
    used: set[int] = set()
    anchored: list[tuple[int, int, list[int]]] = []  # (built index, edited index, built indexes joined)
    for j, paragraph in enumerate(e_list):
        hits = list(dict.fromkeys(where[a] for a in paragraph.anchors if a in where and where[a] not in used))
        if hits:
            used.update(hits)
            anchored.append((hits[0], j, hits[1:]))
    in_order = set(_increasing([i for i, _, _ in anchored]))
    pairs: list[Pair] = []
    fixed: list[tuple[int, int]] = [(-1, -1)]
    matched_e: set[int] = set()
    for k, (i, j, joined) in enumerate(anchored):
        pairs.append(Pair(b_list[i], e_list[j], True, [b_list[x] for x in joined], moved=k not in in_order))
        matched_e.add(j)
        if k in in_order:
            fixed.append((i, j))
    fixed.append((len(b_list), len(e_list)))
    for (i0, j0), (i1, j1) in itertools.pairwise(fixed):
        gap_b = [b_list[i] for i in range(i0 + 1, i1) if i not in used]
        gap_e = [e_list[j] for j in range(j0 + 1, j1) if j not in matched_e]
        pairs += _by_text(gap_b, gap_e)
    return pairs


def _counts(paragraph: WordParagraph) -> bool:
    """Not the contents field (Word computes it), not an empty paragraph with nothing in it
    (blank paragraphs are layout: an editor adds and removes them freely)."""
    if paragraph.contents:
        return False
    return bool(paragraph.anchors or paragraph.comments or paragraph.revisions or paragraph.note_refs
                or paragraph.accepted.strip() or paragraph.rejected.strip())


def _key(paragraph: WordParagraph) -> str:
    # a paragraph deleted as a whole by a tracked change pairs by the text it had
    return fold(normal(paragraph.rejected if paragraph.gone else paragraph.accepted))


def _by_text(built: list[WordParagraph], edited: list[WordParagraph]) -> list[Pair]:
    matcher = difflib.SequenceMatcher(None, [_key(p) for p in built], [_key(p) for p in edited], autojunk=False)
    pairs: list[Pair] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += [Pair(b, e) for b, e in zip(built[i1:i2], edited[j1:j2], strict=True)]
            continue
        left, right = built[i1:i2], edited[j1:j2]
        start = 0
        for b in left:  # each paragraph as built with the first alike edited one after the last paired
            found = next((k for k in range(start, len(right)) if similarity(_key(b), _key(right[k])) >= ALIKE), None)
            if found is None:
                pairs.append(Pair(b, None))
                continue
            pairs += [Pair(None, e) for e in right[start:found]]
            pairs.append(Pair(b, right[found]))
            start = found + 1
        pairs += [Pair(None, e) for e in right[start:]]
    return pairs


def _increasing(values: list[int]) -> list[int]:
    """Indexes of a longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []  # value ending the best run of each length
    tail_at: list[int] = []  # its index
    before: list[int] = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect.bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[length], tail_at[length] = value, index
        before[index] = tail_at[length - 1] if length else -1
    out: list[int] = []
    index = tail_at[-1] if tail_at else -1
    while index != -1:
        out.append(index)
        index = before[index]
    return out[::-1]
