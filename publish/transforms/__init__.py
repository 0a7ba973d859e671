"""Ordered ``Book -> Book`` rewrites applied between reading and rendering.

Each transform is a plain function in a small module of its own.  The order
matters and is written down here, once: later steps rely on earlier ones
(ids are made from the final, typographically corrected heading text; which
links stay links is decided once every id is known).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from ..diagnostics import Reporter
from ..model.nodes import Book
from . import abbreviations, defaults, headings, ids, languages, links, people, sources, typography

Transform = Callable[[Book, Reporter], Book]


def transforms(source_date: dt.date | None = None) -> tuple[tuple[str, Transform], ...]:
    """The rewrites in their order.  ``source_date`` is the build's date when
    ``SOURCE_DATE_EPOCH`` sets one: the cover's date when the manifest gives none."""
    return (
        ("drafts", sources.leave_out_drafts),
        ("people-records", sources.resolve_people),
        ("timestamps", sources.drop_timestamps),
        ("inherit-language", defaults.inherit_language),
        ("description-as-subtitle", defaults.description_as_subtitle),
        ("plain-standfirst", defaults.plain_standfirst),
        ("heading-levels", headings.normalise_levels),
        ("typography", typography.smarten_book),
        ("ids", ids.assign_ids),
        ("people-index", people.build_people_index),
        ("abbreviations", abbreviations.build_abbreviations),
        ("links", links.settle_links),
        ("book-date", functools.partial(defaults.date_book, source_date)),
        # last: the steps before it read text runs, which this splits
        ("japanese-runs", languages.mark_japanese),
    )


TRANSFORMS = transforms()


def apply_transforms(book: Book, reporter: Reporter, source_date: dt.date | None = None) -> Book:
    for _, transform in transforms(source_date):
        book = transform(book, reporter)
    return book
