"""An editor's checks on a finished model, each a warning at the source position it concerns.

``publish lint`` runs them alone; ``publish build`` runs them too, so a
``--strict`` build fails on them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from ..build.cache import LINT, BuildCache, memoised
from ..diagnostics import Diagnostic
from ..model.nodes import Article, Book
from . import checks

Check = Callable[[Book], Iterator[Diagnostic]]

CHECKS: tuple[tuple[str, Check], ...] = (
    ("metadata", checks.metadata),
    ("repetition", checks.repeated_passages),
    ("empty-sections", checks.empty_sections),
    ("images", checks.images_without_alt),
    ("bare-links", checks.bare_links),
    ("abbreviations", checks.abbreviations),
    ("speakers", checks.speakers),
)


#: The checks that look at each article on its own: with a build cache, each article's
#: findings are kept.  The others look across the book.
PER_ARTICLE = frozenset({"metadata", "repetition", "empty-sections", "images",
                         "bare-links", "speakers"})


def lint(book: Book, cache: BuildCache | None = None) -> list[Diagnostic]:
    """Every finding, in source order within each check."""
    kept = None
    if cache is not None:
        kept = [memoised(cache, LINT, functools.partial(_article_findings, book, article), book.meta, article)
                for article in book.articles]
    found: dict[Diagnostic, None] = {}  # in order, each once
    for name, check in CHECKS:
        if kept is not None and name in PER_ARTICLE:
            findings: Iterable[Diagnostic] = (d for article in kept for d in article[name])
        else:
            findings = check(book)
        found.update(dict.fromkeys(findings))
    return list(found)


def _article_findings(book: Book, article: Article) -> dict[str, list[Diagnostic]]:
    alone = replace(book, articles=(article,))
    return {name: list(check(alone)) for name, check in CHECKS if name in PER_ARTICLE}
