"""An editor's checks on a finished model, each a warning at the source position it concerns.

``publish lint`` runs them alone; ``publish build`` runs them too, so a
``--strict`` build fails on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..diagnostics import Diagnostic
from ..model import Book
from . import checks

Check = Callable[[Book], Iterator[Diagnostic]]

CHECKS: tuple[tuple[str, Check], ...] = (
    ("metadata", checks.metadata),
    ("repetition", checks.repeated_passages),
    ("heading-levels", checks.heading_levels),
    ("empty-sections", checks.empty_sections),
    ("images", checks.images_without_alt),
    ("bare-links", checks.bare_links),
    ("abbreviations", checks.abbreviations),
    ("speakers", checks.speakers),
)


def lint(book: Book) -> list[Diagnostic]:
    """Every finding, in source order within each check."""
    found: list[Diagnostic] = []
    for _, check in CHECKS:
        for diagnostic in check(book):
            if diagnostic not in found:
                found.append(diagnostic)
    return found
