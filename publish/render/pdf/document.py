"""The printed book as HTML for WeasyPrint: whole, in parts (``parts``), or one article per handout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ...diagnostics import Reporter
from ...model.nodes import Article, Book, Heading, Image, Pos
from ...model.walk import nodes
from ..html.templates import render_template
from ..html.views import BookView, article_view, book_view, known_ids
from ..html.writer import Target


@dataclass(frozen=True)
class PrintPart:
    """A run of the print book that WeasyPrint can typeset on its own: the front matter
    (cover, contents, at a glance), some articles, the back matter (people, abbreviations)."""

    front: bool = False
    articles: range = range(0)
    back: bool = False


def print_document(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                   reporter: Reporter) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    return PrintBook(book, build_time, image_url, reporter).document(reporter)


class PrintBook:
    """The print HTML of one book, whole or one part at a time (``pdf_parts``): what
    every part needs (the ids a link may lead to) is worked out once."""

    def __init__(self, book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                 reporter: Reporter) -> None:
        self.book = book
        self.build_time = build_time
        self.image_url = image_url
        self.known_ids = known_ids(book, reporter)

    def document(self, reporter: Reporter, part: PrintPart | None = None,
                 page_of: Callable[[str], str] = lambda anchor: "") -> str:
        """One part of the book (the whole book by default) as an HTML document.

        ``page_of`` gives the printed page of an id, written into the links that show
        one (contents, cross-references) when a part cannot count pages it does not hold.
        """
        book = self.book

        def href_for_id(anchor: str) -> str:
            if anchor not in self.known_ids:
                reporter.warn(Pos("book"), f"link to an unknown id: #{anchor}")
            return f"#{anchor}"

        target = Target("print", self.image_url, href_for_id, page_of)
        part = part or PrintPart(front=True, articles=range(len(book.articles)), back=True)
        if part.front or part.back:
            # The contents and the people index name every article, without its body if not shown.
            articles = [article_view(a, book, target, f"#{a.id}", reporter, with_body=index in part.articles)
                        for index, a in enumerate(book.articles)]
            view = _with_cover_photo(book_view(book, articles, self.build_time, target, reporter), book,
                                     self.image_url)
            shown = view.articles[part.articles.start:part.articles.stop]
        else:
            # Articles alone: their book view needs only them.
            chosen = book.articles[part.articles.start:part.articles.stop]
            shown = tuple(article_view(a, book, target, f"#{a.id}", reporter) for a in chosen)
            view = book_view(replace(book, articles=chosen, people=(), abbreviations=()), shown,
                             self.build_time, target, reporter)
        return render_template("book.html.j2", book=view, front=part.front, articles=shown, back=part.back,
                               first_article=book.articles[0].id if book.articles else "")


def _with_cover_photo(view: BookView, book: Book, image_url: Callable[[Image, Pos], str | None]) -> BookView:
    if not book.meta.cover_image:
        return view
    path = Path(book.meta.cover_image)
    return replace(view, cover_photo=image_url(Image(path.name), Pos(str(path))) or "")


def handout_documents(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                      reporter: Reporter) -> list[tuple[Article, str]]:
    """Each article alone, as an HTML document for a handout PDF.

    Links to other articles and to the people section have no target in a
    handout, so they keep their text and lose the link.
    """
    out = []
    for article in book.articles:
        own = {article.id} | {n.id for n in nodes(article.blocks) if isinstance(n, Heading) and n.id}

        def href_for_id(anchor: str, own: set[str] = own) -> str:
            return f"#{anchor}" if anchor in own else ""

        target = Target("print", image_url, href_for_id)
        single = replace(book, articles=(article,), people=())
        view = article_view(article, single, target, f"#{article.id}", reporter)
        out.append((article, render_template("handout.html.j2", book=book_view(single, [view], build_time,
                                                                                 target, reporter),
                                              article=view)))
    return out


