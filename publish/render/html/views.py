"""View models: a book and its articles as the templates show them, with hrefs worked out for one target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from ...conventions import (
    CONTENTS_DEPTH,
    bio_heading,
    byline_groups,
    format_date,
    is_live_address,
    lead_image_description,
    name_separators,
    role_label,
)
from ...diagnostics import Reporter
from ...model.nodes import (
    Article,
    Book,
    Heading,
    Person,
    Pos,
)
from ...model.walk import nodes, plain_text, section_titles
from .markup import iso_date, running_title, tag, w3c_datetime
from .writer import ArticleWriter, Target


@dataclass(frozen=True)
class TocEntry:
    """A heading reachable from the contents: ``href`` is filled in per target."""

    id: str
    title: str
    level: int
    href: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class PersonView:
    name: str
    roles: str
    affiliations: tuple[str, ...]
    #: Where the person's entry in "People in this briefing" is ("" when the book has none).
    href: str = ""


@dataclass(frozen=True)
class BylineView:
    """One byline: its label (``By``, ``Speakers``) and its people, each followed by its separator."""

    label: str
    people: tuple[tuple[PersonView, str], ...]


@dataclass(frozen=True)
class BioView:
    name: str
    body: Markup


@dataclass(frozen=True)
class ArticleView:
    """An article ready for the templates: plain strings are escaped there, Markup is not."""

    id: str
    href: str
    lang: str
    title: str
    running_title: str
    subtitle: str
    #: A marking the source carries (a memo's classification), printed above the title.
    marking: str
    people: tuple[PersonView, ...]
    bylines: tuple[BylineView, ...]
    names: str
    date: str
    date_iso: str
    publisher: str
    url: str
    standfirst: Markup
    summary: Markup
    lead_image: Markup
    body: Markup
    notes: Markup
    bios: tuple[BioView, ...]
    bio_heading: str
    sections: tuple[TocEntry, ...]


@dataclass(frozen=True)
class ContributorView:
    """An entry of "People in this briefing": one person, their part in each article, and bio."""

    id: str
    name: str
    roles: str
    affiliations: tuple[str, ...]
    appearances: tuple[tuple[str, str, str], ...]  # (roles, article title, href)
    bio: Markup


@dataclass(frozen=True)
class AbbreviationView:
    short: str
    expansion: str
    #: The place of first use: its href and the title of its section or article.
    href: str
    where: str


@dataclass(frozen=True)
class BookView:
    title: str
    subtitle: str
    lang: str
    date: str
    date_iso: str
    prepared_by: str
    publisher: str
    distribution: str
    description: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]
    created: str
    articles: tuple[ArticleView, ...]
    contributors: tuple[ContributorView, ...]
    abbreviations: tuple[AbbreviationView, ...]
    #: The printed cover's image, when the manifest names one that can be had.
    cover_photo: str = ""
    #: The printed page of an id when it is written into the markup (see Target.page_of).
    page_of: Callable[[str], str] = lambda anchor: ""


# ------------------------------------------------------------------- view building


def article_view(article: Article, book: Book, target: Target, href: str,
                 reporter: Reporter, *, with_body: bool = True) -> ArticleView:
    """The article for the templates; without its body (and notes and bios) where only
    its title, people, summary and sections are shown: the contents, the people index."""
    writer = ArticleWriter(article, target, reporter, frozenset(c.person.id for c in book.people))
    meta = article.meta
    # Body first: it numbers the footnotes that the endnotes then list.
    body = writer.body(article.blocks) if with_body else Markup("")
    lead_image = Markup("")
    if meta.image is not None:
        described = replace(meta.image, alt=lead_image_description(meta))
        lead_image = tag("figure", writer.image(described, writer.pos), class_="lead-image")
        if "image-missing" in lead_image:
            lead_image = Markup("")  # a missing decoration is not worth a placeholder
    standfirst = writer.blocks(meta.standfirst) if meta.standfirst else Markup("")
    summary = standfirst or (tag("p", meta.description) if meta.description else Markup(""))
    return ArticleView(
        id=article.id,
        href=href,
        lang=meta.language or book.meta.language or "en",
        title=meta.title,
        running_title=running_title(meta.title),
        subtitle=meta.subtitle,
        marking=meta.marking,
        people=tuple(person_view(p, target, book) for p in meta.people),
        bylines=byline_views(article, target, book),
        names=", ".join(p.name for p in meta.people),
        date=format_date(meta.date, meta.language or book.meta.language),
        date_iso=iso_date(meta.date),
        publisher=meta.publisher,
        url=meta.url if is_live_address(meta.url) else "",
        standfirst=standfirst,
        summary=summary,
        lead_image=lead_image,
        body=body,
        notes=writer.endnotes() if with_body else Markup(""),
        bios=tuple(BioView(p.name, writer.blocks(p.bio)) for p in meta.people if p.bio and with_body),
        bio_heading=bio_heading(meta.people),
        sections=section_entries(article, target),
    )


def byline_views(article: Article, target: Target, book: Book) -> tuple[BylineView, ...]:
    language = article.meta.language or book.meta.language or "en"
    views = []
    for group in byline_groups(article.meta.people):
        people = [person_view(p, target, book) for p in group.people]
        separators = name_separators(len(people), language)
        views.append(BylineView(group.label(language), tuple(zip(people, separators, strict=True))))
    return tuple(views)


def person_view(person: Person, target: Target, book: Book) -> PersonView:
    indexed = any(c.person.id == person.id for c in book.people) and bool(person.id)
    href = target.href_for_id(person.id) if indexed else ""
    return PersonView(person.name, role_label(person.roles), person.affiliations, href)


def section_entries(article: Article, target: Target) -> tuple[TocEntry, ...]:
    """The article's headings (level 2..CONTENTS_DEPTH) as a tree."""
    roots: list[TocEntry] = []
    stack: list[tuple[int, list[TocEntry], TocEntry]] = []
    children_of: dict[int, list[TocEntry]] = {}
    for block in article.blocks:
        if not isinstance(block, Heading) or not block.id or block.level > CONTENTS_DEPTH:
            continue
        level = max(block.level, 2)
        entry = TocEntry(block.id, plain_text(block.children).strip(), level,
                         target.href_for_id(block.id))
        while stack and stack[-1][0] >= level:
            stack.pop()
        siblings = stack[-1][1] if stack else roots
        siblings.append(entry)
        children: list[TocEntry] = []
        children_of[id(entry)] = children
        stack.append((level, children, entry))
    return tuple(_freeze(entry, children_of) for entry in roots)


def _freeze(entry: TocEntry, children_of: dict[int, list[TocEntry]]) -> TocEntry:
    children = tuple(_freeze(c, children_of) for c in children_of.get(id(entry), []))
    return replace(entry, children=children)


def book_view(book: Book, articles: Sequence[ArticleView], build_time: dt.datetime, target: Target,
              reporter: Reporter) -> BookView:
    meta = book.meta
    authors = tuple(dict.fromkeys(
        p.name for a in book.articles for p in a.meta.people if p.name
    ))
    keywords = tuple(dict.fromkeys(t for a in book.articles for t in a.meta.tags if t))
    return BookView(
        title=meta.title,
        subtitle=meta.subtitle,
        lang=meta.language or "en",
        date=format_date(meta.date, meta.language),
        date_iso=iso_date(meta.date),
        prepared_by=meta.prepared_by,
        publisher=meta.publisher,
        distribution=meta.distribution,
        description=meta.description or meta.subtitle,
        authors=authors,
        keywords=keywords,
        created=w3c_datetime(build_time),
        articles=tuple(articles),
        contributors=contributor_views(book, articles, target, reporter),
        abbreviations=abbreviation_views(book, target),
        page_of=target.page_of,
    )


def contributor_views(book: Book, articles: Sequence[ArticleView], target: Target,
                      reporter: Reporter) -> tuple[ContributorView, ...]:
    """The book's people index, in the model's order (by family name), with their parts and bios."""
    views_by_id = {a.id: view for a, view in zip(book.articles, articles, strict=True)}
    out = []
    for entry in book.people:
        person = entry.person
        appearances = tuple(
            (role_label(a.roles), views_by_id[a.article_id].title, views_by_id[a.article_id].href)
            for a in entry.appearances if a.article_id in views_by_id
        )
        home = next((a for a in book.articles if a.id == entry.appearances[0].article_id), None) \
            if entry.appearances else None
        bio = Markup("")
        if person.bio and home is not None:
            bio = ArticleWriter(home, target, reporter).blocks(person.bio)
        out.append(ContributorView(person.id, person.name, role_label(person.roles), person.affiliations,
                                   appearances, bio))
    return tuple(out)


def abbreviation_views(book: Book, target: Target) -> tuple[AbbreviationView, ...]:
    titles = section_titles(book)
    return tuple(
        AbbreviationView(a.short, a.expansion,
                         target.href_for_id(a.first_use) if a.first_use in titles else "",
                         titles.get(a.first_use, ""))
        for a in book.abbreviations
    )



#: The "article index" of ids that live in the people section, not in an article.
PEOPLE_INDEX = -2


def known_ids(book: Book, reporter: Reporter) -> dict[str, int]:
    """Every article, heading and person id, mapped to its article's index; duplicates are reported."""
    ids: dict[str, int] = {c.person.id: PEOPLE_INDEX for c in book.people if c.person.id}
    for index, article in enumerate(book.articles):
        candidates = [(article.id, article.pos)]
        candidates += [(b.id, b.pos) for b in nodes(article.blocks)
                       if isinstance(b, Heading) and b.id]
        for anchor, pos in candidates:
            if anchor in ids:
                reporter.warn(pos or Pos(article.id), f"duplicate id in the book: {anchor}")
            ids.setdefault(anchor, index)
    return ids


