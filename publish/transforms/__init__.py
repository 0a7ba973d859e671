"""Ordered ``Book -> Book`` rewrites applied between reading and rendering.

Each transform is a plain function in a small module of its own.  The order
matters and is written down here, once: later steps rely on earlier ones
(ids are made from the final, typographically corrected heading text).
"""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Reporter
from ..model.nodes import Book
from . import abbreviations, defaults, headings, ids, languages, people, typography

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
    # last: the steps before it read text runs, which this splits
    ("japanese-runs", languages.mark_japanese),
)


def apply_transforms(book: Book, reporter: Reporter) -> Book:
    for _, transform in TRANSFORMS:
        book = transform(book, reporter)
    return book
