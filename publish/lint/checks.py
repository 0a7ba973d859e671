"""The individual editorial checks.  Each takes the finished book and yields warnings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import Diagnostic
from ..model import nodes as m
from ..model.walk import iter_nodes, plain_text
from ..sources.dates import date_from_filename
from ..transforms.abbreviations import _USE, passages
from .repetition import repetitions

#: Abbreviations every reader of a briefing knows; using them undefined is no fault.
WELL_KNOWN = {
    "US", "USA", "UK", "EU", "UN", "AI", "GDP", "NATO", "COVID", "CEO", "R&D", "USD", "DC", "PhD",
    "TV", "IT", "OK", "Q&A", "AM", "PM", "UTC", "G7", "G20", "ID", "PDF", "COVID-19",
    # the states and bodies a policy reader meets every day
    "PRC", "ROK", "DPRK", "UAE", "UNSC", "WTO", "IMF", "OECD", "WHO", "ASEAN", "APEC", "NGO", "NGOs",
    "USAID", "CIA", "FBI", "NASA", "LNG", "STEM", "ICBM", "IAEA", "BRICS", "SDGs", "CO2", "EV", "EVs",
}
_AUTHOR_ROLES = {"author"}
_SPEAKING_ROLES = {"speaker", "keynote speaker", "presenter", "lecturer", "panelist", "discussant"}
_UNNAMED_ANSWERS = {"a", "answer", "回答", "答"}
#: A capitalised word right after an abbreviation makes it part of a name: "MP Materials",
#: "USS George Washington", "JET Programme" (not at a sentence's start, where any word is).
_IN_A_NAME = re.compile(r"\s+(?:[A-Z][a-z]|[A-Z]\.)")
#: Text mostly in capitals (a shouted heading, a memo's banner): its words are not abbreviations.
_SHOUTED = 0.6


def _warn(pos: m.Pos | None, message: str, fallback: m.Pos | None = None) -> Diagnostic:
    return Diagnostic("warning", pos or fallback or m.Pos("?"), message)


def _quote(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return f"“{text[:length]}…”" if len(text) > length else f"“{text}”"


def metadata(book: m.Book) -> Iterator[Diagnostic]:
    for article in book.articles:
        pos = article.pos
        roles = {r for p in article.meta.people for r in p.roles}
        if article.meta.kind == "post" and not roles & _AUTHOR_ROLES:
            yield _warn(pos, "no author")
        if article.meta.kind == "event" and not roles & _SPEAKING_ROLES:
            yield _warn(pos, "no speaker in the header")
        named = date_from_filename(Path(pos.path).name) if pos else None
        if named and article.meta.date and named != article.meta.date:
            yield _warn(pos, f"the file name says {named.isoformat()} but the date given is "
                             f"{article.meta.date.isoformat()}")


def repeated_passages(book: m.Book) -> Iterator[Diagnostic]:
    for article in book.articles:
        for found in repetitions(article):
            first = found.first.pos
            yield _warn(found.second.pos, f"this paragraph repeats the one at line {first.line if first else '?'} "
                                          f"in other words: {_quote(plain_text(found.second.children))}",
                        article.pos)


def empty_sections(book: m.Book) -> Iterator[Diagnostic]:
    for article in book.articles:
        blocks = [b for b in article.blocks if not isinstance(b, m.FootnoteDef)]
        for index, block in enumerate(blocks):
            if not isinstance(block, m.Heading):
                continue
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or (isinstance(following, m.Heading) and following.level <= block.level):
                yield _warn(block.pos, f"empty section {_quote(plain_text(block.children))}", article.pos)


def images_without_alt(book: m.Book) -> Iterator[Diagnostic]:
    for article in book.articles:
        image = article.meta.image
        if image is not None and not image.alt.strip():
            yield _warn(article.pos, f"the lead image has no alt text: {image.src}")
        for block in article.blocks:
            for node in iter_nodes(block):
                found = node.image if isinstance(node, m.Figure) else node if isinstance(node, m.Image) else None
                if found is not None and not found.alt.strip():
                    yield _warn(getattr(block, "pos", None), f"image without alt text: {found.src}", article.pos)


def bare_links(book: m.Book) -> Iterator[Diagnostic]:
    # An event summary is plain text: its addresses can be nothing but bare.
    for article in (a for a in book.articles if a.meta.kind != "event"):
        for block in article.blocks:
            for node in iter_nodes(block):
                if isinstance(node, m.Link) and _is_bare(plain_text(node.children), node.target):
                    yield _warn(getattr(block, "pos", None), f"link text is the bare address {node.target}: "
                                                             "say what it points to", article.pos)


def _is_bare(text: str, target: str) -> bool:
    text = text.strip().rstrip("/")
    plain = target.split("://", 1)[-1].rstrip("/")
    return text in (target.rstrip("/"), plain, plain.removeprefix("www."))


def abbreviations(book: m.Book) -> Iterator[Diagnostic]:
    defined = {a.short: a for a in book.abbreviations}
    order = {id(a): i for i, a in enumerate(book.articles)}
    names = {w.strip(".,") for c in book.people for w in c.person.name.split() if w.isupper()}
    reported: set[str] = set()
    for article in book.articles:
        names |= {w.strip(".,:") for p in article.meta.people for w in p.name.split() if w.isupper()}
        names |= {w.strip(".,:") for n in iter_nodes(article.blocks) if isinstance(n, m.Turn)
                  for w in (n.speaker, n.asker) for w in w.split() if w.isupper()}
        for passage in passages(article):
            if _shouted(passage.text):
                continue
            for match in _USE.finditer(passage.text):
                short = match.group(1)
                if short in reported or short in names:
                    continue
                if any(c.isdigit() for c in short) or _IN_A_NAME.match(passage.text, match.end()):
                    continue  # a report's number, a programme's code, or a part of a name
                entry = defined.get(short)
                if entry is None and short in WELL_KNOWN:
                    continue  # but one the text defines is still used before its definition
                if entry is None:
                    reported.add(short)
                    yield _warn(passage.pos, f"abbreviation {short} is never defined", article.pos)
                elif entry.origin == "text" and entry.pos and passage.pos and _before(
                        passage.pos, entry.pos, article, book, order):
                    reported.add(short)
                    yield _warn(passage.pos, f"abbreviation {short} is used before its definition at {entry.pos}",
                                article.pos)
                else:
                    reported.add(short)


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and " " in text.strip() and sum(c.isupper() for c in letters) / len(letters) > _SHOUTED


def _before(use: m.Pos, definition: m.Pos, article: m.Article, book: m.Book, order: dict[int, int]) -> bool:
    """Whether ``use`` comes before ``definition`` in reading order."""
    if use.path == definition.path:
        return use.line < definition.line
    defining = next((a for a in book.articles if a.pos and a.pos.path == definition.path), None)
    return defining is not None and order[id(article)] < order[id(defining)]


def speakers(book: m.Book) -> Iterator[Diagnostic]:
    for article in book.articles:
        turns = [n for n in iter_nodes(article.blocks) if isinstance(n, m.Turn)]
        answers = [t for e in iter_nodes(article.blocks) if isinstance(e, m.Exchange) for t in e.answers]
        for turn in answers:
            # an answer the reader could give to nobody ("A:") has been reported where it is
            if turn.speaker and not turn.person_id and turn.speaker.lower().strip(".") not in _UNNAMED_ANSWERS:
                yield _warn(turn.pos, f"{turn.speaker} answers in the Q&A but is not among the people in the header",
                            article.pos)
        if not answers:
            continue
        speaking = {t.person_id for t in turns if t.person_id}
        for person in article.meta.people:
            # a moderator or chair may run a Q&A without a turn in its summary
            if person.id not in speaking and set(person.roles) & _SPEAKING_ROLES:
                roles = ", ".join(person.roles) or "no role"
                yield _warn(article.pos, f"{person.name} ({roles}) is in the header but never speaks in the Q&A")
