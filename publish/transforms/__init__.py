"""Ordered ``Book -> Book`` rewrites applied between reading and rendering.

Each transform is a plain function in a small module of its own.  The order
matters and is written down here, once: later steps rely on earlier ones
(ids are made from the final, typographically corrected heading text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..cache import BuildCache, memoised
from ..diagnostics import Diagnostic, Reporter
from ..model import Book
from . import abbreviations, defaults, headings, ids, people, typography

Transform = Callable[[Book, Reporter], Book]

TRANSFORMS: tuple[tuple[str, Transform], ...] = (
    ("inherit-language", defaults.inherit_language),
    ("description-as-subtitle", defaults.description_as_subtitle),
    ("plain-standfirst", defaults.plain_standfirst),
    ("heading-levels", headings.normalise_levels),
    ("typography", typography.smarten_book),
    ("ids", ids.assign_ids),
    ("people-index", people.build_people_index),
    ("abbreviations", abbreviations.build_abbreviations),
)


#: The first transforms rewrite each article on its own, given the book's metadata:
#: with a build cache, what they make of each article is kept.
PER_ARTICLE = ("inherit-language", "description-as-subtitle", "plain-standfirst", "heading-levels",
               "typography")
assert tuple(name for name, _ in TRANSFORMS[:len(PER_ARTICLE)]) == PER_ARTICLE


def apply_transforms(book: Book, reporter: Reporter, cache: BuildCache | None = None) -> Book:
    steps = TRANSFORMS
    if cache is not None:
        book = _each_article(book, reporter, cache, [t for _, t in TRANSFORMS[:len(PER_ARTICLE)]])
        steps = TRANSFORMS[len(PER_ARTICLE):]
    for _, transform in steps:
        book = transform(book, reporter)
    return book


def _each_article(book: Book, reporter: Reporter, cache: BuildCache, transforms: list[Transform]) -> Book:
    """The per-article transforms, applied to a book of each article alone (and of none, for
    the book's own metadata): the same result, article by article."""

    def run(alone: Book) -> tuple[Book, list[Diagnostic]]:
        recorder = Reporter(stream=None)
        for transform in transforms:
            alone = transform(alone, recorder)
        return alone, recorder.warnings

    meta_only, warnings = run(replace(book, articles=()))
    articles = []
    for article in book.articles:
        alone, found = memoised(cache, "transform", lambda: run(replace(book, articles=(article,))),
                                book.meta, article)
        articles.append(alone.articles[0])
        warnings += found
    for warning in warnings:
        reporter.warn(warning.pos, warning.message)
    return replace(book, meta=meta_only.meta, articles=tuple(articles))
