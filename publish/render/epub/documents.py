"""The EPUB's content documents: the cover, the at-a-glance page, one XHTML document per
article and the back matter, from the shared HTML writer and templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from ...build.cache import EPUB_ARTICLE, BuildCache
from ...conventions import ABBREVIATIONS_TITLE, GLANCE_TITLE, PEOPLE_TITLE
from ...diagnostics import Diagnostic, Reporter
from ...model.nodes import Article, Book, Image, Pos, Turn
from ...model.walk import nodes
from ..html.markup import css_class
from ..html.templates import render_template
from ..html.views import PEOPLE_INDEX, ArticleView, BookView, TocEntry, article_view, book_view, known_ids
from ..html.writer import Target


@dataclass(frozen=True)
class EpubDocument:
    file_name: str
    title: str
    xhtml: str


@dataclass(frozen=True)
class EpubDocuments:
    book: BookView
    cover: EpubDocument
    glance: EpubDocument
    articles: tuple[EpubDocument, ...]
    #: Contributors and abbreviations, when the book has any.
    back: tuple[EpubDocument, ...]


COVER_FILE = "cover.xhtml"
GLANCE_FILE = "glance.xhtml"
PEOPLE_FILE = "people.xhtml"
ABBREVIATIONS_FILE = "abbreviations.xhtml"


def article_file_name(index: int, article: Article) -> str:
    return f"{index + 1:02d}-{css_class(article.id)[:48]}.xhtml"


@dataclass(frozen=True)
class _ArticlePage:
    """An article's EPUB document as a build wrote it, with what it took from the rest of
    the book (the hrefs of the ids it links to) and the warnings it gave."""

    xhtml: str
    hrefs: tuple[tuple[str, str], ...]
    warnings: tuple[Diagnostic, ...]


class _Hrefs:
    """Where an in-book id is, seen from the document being written (``current``, an article's
    index; -1 for the documents outside the articles), and who hears of an unknown one."""

    def __init__(self, book: Book, files: list[str], reporter: Reporter) -> None:
        self.known = known_ids(book, reporter)
        self.files = files
        self.current = -1
        self.reporter = reporter

    def find(self, anchor: str) -> str | None:
        index = self.known.get(anchor)
        if index is None:
            return None
        if index == PEOPLE_INDEX:
            return f"{PEOPLE_FILE}#{anchor}"
        if index == self.current:
            return f"#{anchor}"
        return f"{self.files[index]}#{anchor}"

    def __call__(self, anchor: str) -> str:
        found = self.find(anchor)
        if found is None:
            self.reporter.warn(Pos("book"), f"link to an unknown id: #{anchor}")
        return found or f"#{anchor}"


def epub_documents(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                   reporter: Reporter, cover_image: str, stylesheet: str,
                   cache: BuildCache | None = None) -> EpubDocuments:
    """The cover, the at-a-glance page and one XHTML document per article.

    With a build cache, an article's document is kept with the hrefs it used; a later
    build takes it as it is when the article and those hrefs are unchanged.  (Articles
    with pictures are written afresh: their images must be added to the package.)
    """
    files = [article_file_name(i, a) for i, a in enumerate(book.articles)]
    hrefs = _Hrefs(book, files, reporter)
    target = Target("epub", image_url, hrefs)
    people = frozenset(c.person.id for c in book.people)
    views, pages = [], []
    for index, article in enumerate(book.articles):
        hrefs.current = index
        key = None
        if cache is not None and not any(isinstance(n, Image) for n in nodes(article)):
            # of the people index, only whether this article's people and speakers are in it
            asked = {p.id for p in article.meta.people} | {n.person_id for n in nodes(article) if isinstance(n, Turn)}
            key = cache.key(article, files[index], book.meta.language, sorted(people & asked), stylesheet)
        kept = cache.load(EPUB_ARTICLE, key) if cache is not None and key else None
        if isinstance(kept, _ArticlePage) and all((hrefs.find(a) or f"#{a}") == h for a, h in kept.hrefs):
            # the page as it is; its view only for the contents, the glance page and the nav
            hrefs.reporter = Reporter(stream=None)
            views.append(article_view(article, book, target, files[index], hrefs.reporter, with_body=False))
            reporter.replay(kept.warnings)
            pages.append(kept.xhtml)
            hrefs.reporter = reporter
            continue
        used: list[tuple[str, str]] = []
        recorder = hrefs.reporter = Reporter(stream=None)

        def recording_href(anchor: str, used: list[tuple[str, str]] = used) -> str:
            used.append((anchor, hrefs(anchor)))
            return used[-1][1]

        view = article_view(article, book, replace(target, href_for_id=recording_href), files[index], recorder)
        hrefs.reporter = reporter
        reporter.replay(recorder.warnings)
        xhtml = _epub_page(stylesheet, view.title, view.lang, "article", article=view)
        if cache is not None and key:
            cache.store(EPUB_ARTICLE, key, _ArticlePage(xhtml, tuple(dict.fromkeys(used)), tuple(recorder.warnings)))
        views.append(view)
        pages.append(xhtml)
    # Section hrefs in the nav and the glance page point from outside each article.
    hrefs.current = -1
    views = [_with_outside_hrefs(view, files[i]) for i, view in enumerate(views)]
    shown = book_view(book, views, build_time, target, reporter)

    def page(file_name: str, title: str, lang: str, content_template: str, **values: object) -> EpubDocument:
        return EpubDocument(file_name, title, _epub_page(stylesheet, title, lang, content_template,
                                                         book=shown, **values))

    cover = page(COVER_FILE, shown.title, shown.lang, "cover", cover_image=cover_image)
    glance = page(GLANCE_FILE, GLANCE_TITLE, shown.lang, "glance")
    articles = tuple(EpubDocument(a.href, a.title, xhtml) for a, xhtml in zip(views, pages, strict=True))
    back = []
    if shown.contributors:
        back.append(page(PEOPLE_FILE, PEOPLE_TITLE, shown.lang, "contributors"))
    if shown.abbreviations:
        back.append(page(ABBREVIATIONS_FILE, ABBREVIATIONS_TITLE, shown.lang, "abbreviations"))
    return EpubDocuments(shown, cover, glance, articles, tuple(back))


def _epub_page(stylesheet: str, title: str, lang: str, content_template: str, **values: object) -> str:
    values.setdefault("book", None)
    return render_template("epub_page.xhtml.j2", title=title, lang=lang, stylesheet=stylesheet,
                           content_template=content_template, **values)


def _with_outside_hrefs(view: ArticleView, file_name: str) -> ArticleView:
    def fix(entry: TocEntry) -> TocEntry:
        href = entry.href if not entry.href.startswith("#") else f"{file_name}{entry.href}"
        return TocEntry(entry.id, entry.title, entry.level, href, tuple(fix(c) for c in entry.children))

    return replace(view, sections=tuple(fix(s) for s in view.sections))


