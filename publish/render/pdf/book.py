"""The book as a print PDF: the renderer's entry points (the whole book, and one handout per article).

A book is typeset in parts, side by side, then assembled (``parts``, ``assemble``);
``typeset`` lays out each HTML document.  The HTML comes from ``document``, the
print stylesheet from ``styles/print.css``.
"""

from __future__ import annotations

from collections.abc import Callable

from ...model.nodes import Article, Book, Image, Pos
from ...theme import fonts
from ..context import RenderContext, Rendered
from . import parts
from .assemble import label_pages, with_header_scopes
from .document import handout_documents, print_document
from .typeset import LocalFetcher, parsed_stylesheet, typeset_document


def render(book: Book, ctx: RenderContext) -> bytes:
    """The book as a PDF, in the variant the context asks for (``pdf/ua-1`` unless told otherwise)."""
    return layout(book, ctx).data


def layout(book: Book, ctx: RenderContext) -> Rendered:
    """The PDF, and the page every article, heading and person entry landed on, counted
    from the cover (not as the folios number them).

    The book is typeset in parts, side by side and kept between builds (``parts``);
    one with nothing but its front matter, in one go.
    """
    plan = parts.plan(book)
    if len(plan) == 1:
        return layout_in_one_go(book, ctx)
    fetcher = _fetcher(ctx)
    return parts.typeset(book, plan, ctx, fetcher, _image_url(ctx, fetcher))


def layout_in_one_go(book: Book, ctx: RenderContext) -> Rendered:
    """The book typeset as one HTML document: what the parts, assembled, must equal."""
    fetcher = _fetcher(ctx)
    document_html = print_document(book, ctx.build_time, _image_url(ctx, fetcher), ctx.reporter)
    rendered = _typeset(document_html, book.meta.slug, ctx, fetcher)
    data = rendered.data
    if book.articles and book.articles[0].id in rendered.anchors:
        data = label_pages(data, rendered.anchors[book.articles[0].id] - 1)
    return Rendered(data, rendered.anchors)


def warm_up(ctx: RenderContext) -> None:
    """Parse the print stylesheet and load its fonts, for every document this process and the
    processes it forks typeset after (``render.warm_up``)."""
    parsed_stylesheet(ctx, _fetcher(ctx))


def handouts(book: Book, ctx: RenderContext) -> list[tuple[Article, bytes]]:
    """One PDF per article, each with a strip naming the briefing and its own page numbers."""
    fetcher = _fetcher(ctx)
    documents = handout_documents(book, ctx.build_time, _image_url(ctx, fetcher), ctx.reporter)
    return [(article, with_header_scopes(_typeset(document_html, f"{book.meta.slug}/{article.id}", ctx, fetcher).data))
            for article, document_html in documents]


def _fetcher(ctx: RenderContext) -> LocalFetcher:
    return LocalFetcher([ctx.styles_dir, *fonts.font_dirs(ctx.theme)])


def _image_url(ctx: RenderContext, fetcher: LocalFetcher) -> Callable[[Image, Pos], str | None]:
    def image_url(image: Image, pos: Pos) -> str | None:
        resource = ctx.resources.fetch(image.src, pos)
        if resource is None:
            return None
        fetcher.allow_resource(resource)
        return resource.path.as_uri()

    return image_url


def _typeset(document_html: str, identifier: str, ctx: RenderContext, fetcher: LocalFetcher) -> Rendered:
    pdf, document = typeset_document(document_html, identifier, ctx, fetcher)
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return Rendered(pdf, anchors)


