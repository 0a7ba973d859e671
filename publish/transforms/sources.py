"""What the manifest says of the sources: drafts left out, authors named by key, time marks.

``drafts``: a post not yet published (``draft: true``, ``published: false``) is
left out of the book, with a warning, unless the manifest's ``drafts = true``
(or ``--drafts``) asks for drafts.  ``people``: an author a post names by key
(``author: ktanaka``) is the manifest's ``[people.ktanaka]`` record, with what the post
itself says of them (``author: {name: ktanaka, affiliation: ...}``) winning over it.
``timestamps``: a transcript's time marks go when the manifest's
``timestamps = false`` says so.
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import rebuild


def leave_out_drafts(book: m.Book, reporter: Reporter) -> m.Book:
    if book.meta.drafts or not any(a.meta.draft for a in book.articles):
        return book
    for article in book.articles:
        if article.meta.draft:
            reporter.warn(article.pos or m.Pos(article.id),
                          "a draft (draft: true or published: false), left out of the book "
                          "(drafts = true in briefing.toml, or --drafts, keeps it)")
    return replace(book, articles=tuple(a for a in book.articles if not a.meta.draft))


def resolve_people(book: m.Book, reporter: Reporter) -> m.Book:
    records = dict(book.meta.people)
    articles = []
    for article in book.articles:
        people = []
        for person in article.meta.people:
            record = records.get(person.ref) if person.ref else None
            if person.ref and record is None:
                reporter.warn(article.pos or m.Pos(article.id),
                              f"author key '{person.ref}' has no [people.{person.ref}] record in briefing.toml")
            people.append(_with_record(person, record) if record else person)
        changed = any(new is not old for new, old in zip(people, article.meta.people, strict=True))
        articles.append(replace(article, meta=replace(article.meta, people=tuple(people))) if changed else article)
    return replace(book, articles=tuple(articles))


def _with_record(person: m.Person, record: m.Person) -> m.Person:
    """The person a post names by key: the record, and what the post says of them where it says it
    (its roles, its affiliations, an honorific, a bio); the record fills the rest.  The name and
    its parts are the record's: the post gave only the key."""
    return replace(
        record,
        roles=person.roles or ("author",),
        affiliations=person.affiliations or record.affiliations,
        honorific=person.honorific or record.honorific,
        bio=person.bio or record.bio,
        id=person.id or record.id,
    )


def drop_timestamps(book: m.Book, reporter: Reporter) -> m.Book:
    if book.meta.timestamps:
        return book

    def visit(node: object) -> object:
        if isinstance(node, m.Timestamp):
            return ()
        return node

    return replace(book, articles=tuple(rebuild(a, visit) for a in book.articles))
