"""Heading levels: each article's top section heading sits right under the article title, and no
heading is more than one level below the one before it.

A skipped level (``####`` after ``##``) breaks the outline a screen reader walks and the PDF's
bookmarks; the heading is set one level below its predecessor, and the skip is reported at its
source, as an editor would want to know of it.
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import iter_nodes, plain_text, rebuild

TOP_SECTION_LEVEL = 2  # level 1 is the article title
DEEPEST = 6


def normalise_levels(book: m.Book, reporter: Reporter) -> m.Book:
    return replace(book, articles=tuple(_article(a, reporter) for a in book.articles))


def _article(article: m.Article, reporter: Reporter) -> m.Article:
    levels = [n.level for n in iter_nodes(article.blocks) if isinstance(n, m.Heading)]
    if not levels:
        return article
    shift = TOP_SECTION_LEVEL - min(levels)
    previous = TOP_SECTION_LEVEL - 1  # the article title; rebuild visits headings in order

    def visit(node):
        nonlocal previous
        if not isinstance(node, m.Heading):
            return node
        written = max(TOP_SECTION_LEVEL, min(DEEPEST, node.level + shift))
        level = min(written, previous + 1)
        if level != written:
            reporter.warn(node.pos or article.pos or m.Pos(article.id),
                          f"heading level {written} follows level {previous}: a level is skipped "
                          f"(“{_short(plain_text(node.children))}”); it is set as level {level}")
        previous = level
        return node if level == node.level else replace(node, level=level)

    blocks = rebuild(article.blocks, visit)
    return article if blocks is article.blocks else replace(article, blocks=blocks)


def _short(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return f"{text[:length]}…" if len(text) > length else text
