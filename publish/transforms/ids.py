"""Stable, unique ids for articles, headings, footnotes and people; Q&A speakers tied to people.

Ids are made from text (titles, headings, names), so they survive edits
elsewhere in the book, and are unique across the whole book, because the EPUB
and the print HTML may put several articles in one document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import plain_text, rebuild
from ..sources.names import name_key, person_id
from ..sources.slug import IdAllocator, slugify

#: Ids of the book's back matter, which the renderers put after the articles.
BACK_MATTER_IDS = ("people", "abbreviations")
#: Ids the renderers use for the book's own parts; no article or heading may take them.
RESERVED_IDS = ("cover", "contents", "at-a-glance", *BACK_MATTER_IDS)


def assign_ids(book: m.Book, reporter: Reporter) -> m.Book:
    allocator = IdAllocator()
    for reserved in RESERVED_IDS:
        allocator.take(reserved)
    people_ids = {person_id(p) for a in book.articles for p in a.meta.people}
    allocator.used |= people_ids
    return replace(book, articles=tuple(_article(a, allocator, reporter) for a in book.articles))


def _article(article: m.Article, allocator: IdAllocator, reporter: Reporter) -> m.Article:
    wanted = slugify(article.meta.title, 32)
    if not wanted and article.pos:
        wanted = slugify(Path(article.pos.path).stem)
    article_id = article.id or allocator.take(wanted, "article")
    if article.id:
        allocator.used.add(article.id)

    notes: dict[str, str] = {}

    def note_id(label: str) -> str:
        if label not in notes:
            notes[label] = allocator.take(f"{article_id}-fn-{slugify(label) or len(notes) + 1}", "note")
        return notes[label]

    people = tuple(replace(p, id=p.id or person_id(p)) for p in article.meta.people)
    by_name = {name_key(p.name): p.id for p in people}
    # a family name alone stands for a person only when one person in the article has it
    families = Counter(name_key(p.family_name) for p in people if p.family_name)
    by_name.update({name_key(p.family_name): p.id for p in people
                    if p.family_name and families[name_key(p.family_name)] == 1
                    and name_key(p.family_name) not in by_name})

    renamed: dict[str, str] = {}

    def visit(node):
        if isinstance(node, m.Heading) and node.id:
            # an id the source gives (kramdown's {#findings}) is kept, unless the book has it already
            unique = allocator.take(node.id, "section")
            if unique != node.id:
                renamed[node.id] = unique
                return replace(node, id=unique)
            return node
        if isinstance(node, m.Heading):
            wanted = f"{article_id}--{slugify(plain_text(node.children), 40)}"
            return replace(node, id=allocator.take(wanted, "section"))
        if isinstance(node, m.FootnoteRef):
            return replace(node, note_id=note_id(node.note_id))
        if isinstance(node, m.FootnoteDef):
            return replace(node, note_id=note_id(node.note_id))
        if isinstance(node, m.Turn) and node.speaker and not node.person_id:
            found = by_name.get(name_key(node.speaker), "")
            return replace(node, person_id=found) if found else node
        return node

    blocks = rebuild(article.blocks, visit)
    if renamed:  # this article's own links follow its renamed headings
        blocks = rebuild(blocks, lambda node: replace(node, target="#" + renamed[node.target[1:]])
                         if isinstance(node, m.Link) and node.target[1:] in renamed and node.target[:1] == "#"
                         else node)
    meta = replace(article.meta, people=people)
    return replace(article, id=article_id, meta=meta, blocks=blocks)
