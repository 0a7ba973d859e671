"""Text as compared: letters and digits only, case-folded.

Layout changes text without changing what it says: line-end hyphenation,
ligatures, soft hyphens, typographic quotes, no-break spaces, small capitals
set by a stylesheet.  Keeping only letters and digits makes all of them
irrelevant; reordering or dropping words still shows.
"""

from __future__ import annotations

import unicodedata

QUOTE_CHARS = 60


def letters(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def quoted(text: str) -> str:
    """A short, single-line quotation of model text for a message."""
    flat = " ".join(text.split())
    if len(flat) > QUOTE_CHARS:
        flat = flat[:QUOTE_CHARS].rstrip() + "…"
    return f"“{flat}”"
