"""Finding a passage an article says twice, also when it is reworded.

Two paragraphs repeat each other when at least two of their sentences, in
the same order, share most of their *distinctive* words: words weighted by
how rare they are in the article (inverse document frequency over its
sentences), so that paragraphs which merely share a topic ("Japan",
"tariffs", "alliance") do not count, while the same names, numbers and
unusual words in two places do.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from ..model import nodes as m
from ..model.walk import plain_text

#: Weighted overlap (0..1) above which two sentences say the same thing.
SENTENCE_THRESHOLD = 0.42
#: A single pair this close is a repetition by itself (a copied sentence).
STRONG_THRESHOLD = 0.75
#: Sentences with less distinctive weight than this are too short to judge.
MIN_WEIGHT = 6.0
#: Paragraphs further apart than this are not compared: a writer repeats
#: themselves nearby, and comparing every pair of a long text is quadratic.
WINDOW = 40

_STOP = set("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves yet thus while within without whether
""".split())
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@functools.lru_cache(maxsize=1 << 16)  # a book says the same words again and again
def _stem(word: str) -> str:
    """A crude stem, enough to match "edging"/"edged" and "women"/"woman"."""
    word = word.replace("’", "'").split("'")[0]
    for suffix in ("ingly", "edly", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return {"women": "woman", "men": "man"}.get(word, word)


def _terms(sentence: str) -> set[str]:
    return {_stem(w) for w in _TOKEN.findall(sentence.lower()) if w not in _STOP and len(w) > 1}


@dataclass(frozen=True)
class Repetition:
    first: m.Paragraph
    second: m.Paragraph
    score: float  # the strongest sentence-pair overlap


def _overlap(a: frozenset[str], b: frozenset[str], idf: dict[str, float],
             weight: dict[frozenset[str], float]) -> float:
    smaller = min(weight[a], weight[b])
    if smaller < MIN_WEIGHT:
        return 0.0
    return sum(idf[t] for t in a & b) / smaller


def repetitions(article: m.Article) -> list[Repetition]:
    paragraphs = [b for b in article.blocks if isinstance(b, m.Paragraph)]
    # A sentence said twice in one paragraph is compared once.
    sentences = [list(dict.fromkeys(frozenset(_terms(s)) for s in _SENTENCE.split(plain_text(p.children))))
                 for p in paragraphs]
    every = [terms for group in sentences for terms in group]
    if len(every) < 2:
        return []
    frequency = Counter(t for terms in every for t in terms)
    idf = {t: math.log(len(every) / n) for t, n in frequency.items()}
    weight = {terms: sum(idf[t] for t in terms) for terms in every}  # each sentence's, once
    whole = [frozenset().union(*group) for group in sentences]
    # Two paragraphs can only repeat each other if they share this much distinctive weight.
    least_shared = MIN_WEIGHT * min(STRONG_THRESHOLD, 2 * SENTENCE_THRESHOLD)
    found: list[Repetition] = []
    for i in range(len(paragraphs)):
        for j in range(i + 1, min(len(paragraphs), i + 1 + WINDOW)):
            if sum(idf[t] for t in whole[i] & whole[j]) < least_shared:
                continue
            scores = [(a, b, _overlap(sa, sb, idf, weight)) for a, sa in enumerate(sentences[i])
                      for b, sb in enumerate(sentences[j])]
            close = sorted((a, b) for a, b, score in scores if score >= SENTENCE_THRESHOLD)
            best = max((score for _, _, score in scores), default=0.0)
            in_order = len(close) >= 2 and any(
                a2 > a1 and b2 > b1 for (a1, b1) in close for (a2, b2) in close)
            if in_order or best >= STRONG_THRESHOLD:
                found.append(Repetition(paragraphs[i], paragraphs[j], best))
    return found
