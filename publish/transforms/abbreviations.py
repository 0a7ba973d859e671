"""Abbreviations defined in the text, like "Free and Open Indo-Pacific (FOIP)", and the manifest's glossary.

A definition is accepted only when the words before the parenthesis spell the
abbreviation (Schwartz and Hearst's rule: every letter of the short form, from
the right, found in the long form, the first at the start of a word).  Nothing
is guessed: an abbreviation that is used but never defined is left for the
lint to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import by_identity, plain_text

_DEFINITION = re.compile(r"\(([A-Z][A-Za-z0-9&\-]{1,11})\)")
_WORD = re.compile(r"[\w’'&.-]+")
# Hyphenated capitals ("JC-STAR", "COVID-19") are one token; "US-Japan" holds none.
_USE = re.compile(r"(?<![\w&-])([A-Z][A-Z0-9&]*[A-Z0-9](?:-[A-Z0-9]+)*)s?(?![\w&-])")


def is_abbreviation(token: str) -> bool:
    """Two or more capitals, no lower-case run: ``FOIP``, ``R&D``, ``G20``; not ``Ishin``."""
    capitals = sum(c.isupper() for c in token)
    lower = sum(c.islower() for c in token)
    return capitals >= 2 and lower <= 1 and len(token) <= 12


def long_form(short: str, before: str) -> str | None:
    """The expansion of ``short`` at the end of ``before``, or None if the words do not spell it."""
    starts = [w.start() for w in _WORD.finditer(before)]
    if not starts:
        return None
    limit = min(len(short) + 5, len(short) * 2)
    candidate = " ".join(before[starts[-min(limit, len(starts))]:].split())
    letters = [c.lower() for c in short if c.isalnum()]
    s_index, l_index = len(letters) - 1, len(candidate) - 1
    while s_index >= 0:
        char = letters[s_index]
        while l_index >= 0 and (
            candidate[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    expansion = candidate[start:].strip(" ,;:")
    if len(expansion) <= len(short) or expansion.upper() == expansion:
        return None
    if len(expansion.split()) < 2 and "-" not in expansion:
        return None
    return expansion


@dataclass(frozen=True)
class _Passage:
    """A run of text with the id of the section it is in, and where it comes from."""

    text: str
    section: str
    pos: m.Pos | None


@by_identity  # the transform and the lint both read them
def passages(article: m.Article) -> tuple[_Passage, ...]:
    """The article's text in reading order: standfirst, body, then the people's bios."""
    return tuple(_passages(article))


def _passages(article: m.Article) -> Iterator[_Passage]:
    section = article.id
    yield from (_Passage(plain_text(b), section, getattr(b, "pos", None)) for b in article.meta.standfirst)
    for block in article.blocks:
        if isinstance(block, m.Heading):
            section = block.id or section
            yield _Passage(plain_text(block.children), section, block.pos)
        else:
            yield _Passage(plain_text(block), section, getattr(block, "pos", None))
    for person in article.meta.people:
        yield from (_Passage(plain_text(b), section, getattr(b, "pos", None)) for b in person.bio)


def _metadata_text(article: m.Article) -> Iterator[str]:
    yield article.meta.publisher
    for person in article.meta.people:
        yield from person.affiliations


def definitions_and_first_uses(book: m.Book) -> tuple[dict[str, m.Abbreviation], dict[str, str]]:
    """The first definition of each abbreviation, in reading order; and each
    abbreviation-like token, mapped to the id of the section where it first appears."""
    found: dict[str, m.Abbreviation] = {}
    seen: dict[str, str] = {}
    for article in book.articles:
        for defined, meaning in article.meta.abbreviations:  # defined apart from the text (kramdown)
            found.setdefault(defined, m.Abbreviation(defined, meaning, pos=article.pos))
        article_passages = passages(article)
        texts = [(p.text, p.pos) for p in article_passages] + [(t, article.pos) for t in _metadata_text(article)]
        for text, pos in texts:
            for match in _DEFINITION.finditer(text):
                short = match.group(1)
                if short in found or not is_abbreviation(short):
                    continue
                sentence = re.split(r"(?<=[.;:!?])\s+", text[: match.start()])[-1]
                expansion = long_form(short, sentence)
                if expansion:
                    found[short] = m.Abbreviation(short, expansion, pos=pos)
        for passage in article_passages:
            for match in _USE.finditer(passage.text):
                seen.setdefault(match.group(1), passage.section)
    return found, seen


def build_abbreviations(book: m.Book, reporter: Reporter) -> m.Book:
    found, uses = definitions_and_first_uses(book)
    for short, expansion in book.meta.glossary:
        found[short] = m.Abbreviation(short, expansion, origin="glossary")
    entries = [
        replace(entry, first_use=uses.get(short, ""))
        for short, entry in found.items()
        if short in uses or entry.origin == "glossary"
    ]
    entries.sort(key=lambda a: (a.short.casefold(), a.short))
    return replace(book, abbreviations=tuple(entries))
