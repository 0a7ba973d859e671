"""Identifiers made from text: stable, readable, valid as XML ids and URL fragments."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, max_length: int = 48) -> str:
    """``"Trump 2.0: Rebalancing"`` -> ``"trump-2-0-rebalancing"``; cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length]
    return slug


def title_from_name(name: str) -> str:
    """A file or folder name read as a title: ``us-japan_briefing`` -> ``Us Japan Briefing``."""
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", name) if w)


class IdAllocator:
    """Hands out ids unique within one book; a clash gets ``-2``, ``-3``..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str, fallback: str = "section") -> str:
        base = wanted or fallback
        if not base[0].isalpha():
            base = f"{fallback[0]}-{base}"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate
