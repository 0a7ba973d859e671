"""Text as absorb compares it: whitespace collapsed, quotes folded, and word-level diffs.

The renderer sets ``"`` as curly quotes (the typography transform); a colleague's
Word may type either.  Which kind of quote a passage has is the renderer's choice,
not an edit, so quotes are folded before texts are compared.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_TOKENS = re.compile(r"\S+|\s+")
#: Unchanged words kept on each side of a change in a diff; the rest is elided.
CONTEXT = 6
#: Paragraphs up to this long are also compared character by character.
SHORT = 200


def fold(text: str) -> str:
    """Quotes straight, no-break spaces plain: what compares equal whatever the quote style."""
    return text.translate(_QUOTES)


def normal(text: str) -> str:
    """Whitespace collapsed and trimmed (Word's line breaks and tabs count as spaces)."""
    return _SPACE.sub(" ", text).strip()


def same(a: str, b: str) -> bool:
    return fold(normal(a)) == fold(normal(b))


def tokens(text: str) -> list[str]:
    """Words and the whitespace between them, in order: joined, they give the text back."""
    return _TOKENS.findall(text)


def similarity(a: str, b: str) -> float:
    """How alike two paragraphs are, by their words, or by their characters when they are short
    (a table cell "1.5" edited to "1.6" shares no word with what it was)."""
    a, b = fold(normal(a)), fold(normal(b))
    by_words = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
    if by_words >= 0.5 or max(len(a), len(b)) > SHORT:
        return by_words
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def word_diff(old: str, new: str, context: int = CONTEXT) -> str:
    """``[-removed-]{+added+}`` between the words of ``old`` and ``new``, long unchanged stretches elided."""
    return _elided(old, new, context, lambda removed, added: (
        ("[-" + " ".join(removed) + "-]" if removed else "") + ("{+" + " ".join(added) + "+}" if added else "")))


def excerpt(text: str, other: str, context: int = CONTEXT) -> str:
    """``text`` with the long stretches it shares with ``other`` elided: one form of a
    paragraph (as accepted, as rejected) around where the two differ."""
    return _elided(text, other, context, lambda mine, _: " ".join(mine))


def _elided(old: str, new: str, context: int, change: Callable[[list[str], list[str]], str]) -> str:
    a, b = normal(old).split(), normal(new).split()
    matcher = difflib.SequenceMatcher(None, [fold(w) for w in a], [fold(w) for w in b], autojunk=False)
    codes = matcher.get_opcodes()
    out: list[str] = []
    for index, (op, i1, i2, j1, j2) in enumerate(codes):
        if op == "equal":
            words = a[i1:i2]
            first, last = index == 0, index == len(codes) - 1
            if len(words) > 2 * context + 1 or (first and len(words) > context) or (last and len(words) > context):
                head = [] if first else words[:context]
                tail = [] if last else words[-context:]
                words = [*head, "…", *tail]
            out += words
        elif shown := change(a[i1:i2], b[j1:j2]):
            out.append(shown)
    return " ".join(out)


def changed_spans(old: str, new: str) -> list[tuple[int, int, str]]:
    """The changes from ``old`` to ``new`` as ``(start, end, replacement)`` on ``old``'s
    characters, each as small as it can be: a changed word keeps the letters it shares
    with its replacement, so that markup around part of a word stays where it is."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, [fold(t) for t in a], [fold(t) for t in b], autojunk=False)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    spans: list[tuple[int, int, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        start, end, replacement = offsets[i1], offsets[i2], "".join(b[j1:j2])
        if op == "replace":
            start, end, replacement = _trimmed(old, start, end, replacement)
        spans.append((start, end, replacement))
    return spans


def _trimmed(old: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """The span without the characters its old and new texts share at either end."""
    was = old[start:end]
    head = 0
    while head < min(len(was), len(replacement)) and fold(was[head]) == fold(replacement[head]):
        head += 1
    tail = 0
    while (tail < min(len(was), len(replacement)) - head
           and fold(was[len(was) - 1 - tail]) == fold(replacement[len(replacement) - 1 - tail])):
        tail += 1
    return start + head, end - tail, replacement[head:len(replacement) - tail]
