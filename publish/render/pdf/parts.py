"""A long book's PDF, typeset in parts side by side and then assembled.

WeasyPrint lays a document out in one process, and its cost per page grows with
the document's length (page references make it lay pages out again, PDF/UA
tagging walks the whole tree per page).  A briefing book falls into parts that
lay out the same alone as together, because every article starts on a
right-hand page: the front matter, runs of articles, the back matter.  So:

1. The runs of articles and the back matter are typeset each alone, in a
   process of its own, without page numbers in their margins.  Their page
   counts number every page from the first article's, page 1 (the front
   matter has roman numbers, so its length moves nothing); a part that would
   start on a left-hand page gets a blank page before it, as the book's
   ``break-before: right`` would have given it.
2. The parts that print the page numbers of other places cannot count them:
   the front matter (contents, at a glance) is typeset now, with the numbers
   written into its links (``data-page``), and so are the parts with
   cross-references, again, until none of their pages moves.
3. The folios (the page number and marking at the foot of each page, from the
   same stylesheet) are typeset as documents of empty pages, in runs.
4. ``pdf_assemble`` joins the parts and draws the folios over them, with one
   structure tree, outline, set of named destinations and page labels.

Which parts there are depends on the book alone, and every part is typeset
the same way whether one process does all of them or several share them: the
PDF does not depend on the machine's number of cores (``PUBLISH_JOBS``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from markupsafe import escape

from ...diagnostics import Diagnostic, Reporter
from ...model.nodes import Book, Image, Pos
from ...model.walk import plain_text
from ..context import RenderContext, Rendered
from .assemble import Part, assemble
from .document import PrintBook, PrintPart
from .typeset import LocalFetcher, typeset_document

#: Characters of text that fill a page, roughly: only for sizing the parts.
CHARACTERS_PER_PAGE = 2600
#: About this many pages of articles go into one part: enough that a part's fixed
#: cost (a process, fonts, its own font subsets in the PDF) is small beside its
#: layout, few enough that the parts share two or more cores evenly.
PART_PAGES = 100
#: A book is typeset in parts from this many parts of articles on; below, in one go.
MIN_ARTICLE_PARTS = 3
#: Pages of folios typeset together.
FOLIO_RUN = 240
#: Rounds of typesetting the front matter and the parts with cross-references
#: before giving up on their pages settling: a number written in seldom moves
#: more than the rest of its line, so one round is the rule.
MAX_ROUNDS = 4

_PAGE_REFERENCE = re.compile(r' data-page="')
_INTERNAL_LINK = "internal"


@dataclass(frozen=True)
class LaidPart:
    """A part as typeset: its PDF, its own ids' pages and the kind of each page."""

    pdf: bytes
    #: Each id the part holds -> the index of its page within the part.
    anchors: dict[str, int]
    #: Per page: "blank" for a page left empty before a right-hand start, else the
    #: page's name (``page: cover``), "" for none.
    kinds: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]

    @property
    def pages(self) -> int:
        return len(self.kinds)


def plan(book: Book) -> list[PrintPart] | None:
    """The parts of a book long enough to be worth typesetting in parts, else None."""
    groups: list[range] = []
    start, filled = 0, 0.0
    for index, article in enumerate(book.articles):
        filled += _estimated_pages(article)
        if filled >= PART_PAGES:
            groups.append(range(start, index + 1))
            start, filled = index + 1, 0.0
    if start < len(book.articles):
        groups.append(range(start, len(book.articles)))
    if len(groups) < MIN_ARTICLE_PARTS:
        return None
    parts = [PrintPart(front=True)] + [PrintPart(articles=group) for group in groups]
    if book.people or book.abbreviations:
        parts.append(PrintPart(back=True))
    return parts


def _estimated_pages(article) -> float:
    # Text length is a fair guide; each article also starts a page of its own.
    return 1 + len(plain_text(article.blocks)) / CHARACTERS_PER_PAGE


def typeset(book: Book, parts: Sequence[PrintPart], ctx: RenderContext, fetcher: LocalFetcher,
            image_url: Callable[[Image, Pos], str | None]) -> Rendered:
    """The PDF of a book planned into parts (the front matter first), and the page of
    every id counted from the cover."""
    executor = ctx.executor
    # what the tasks are given: everything in memory when they run on other machines
    travelling = ctx.portable(book) if executor.ships else ctx
    slug = book.meta.slug
    running = running_strings_css(book)
    front, body = parts[0], list(parts[1:])

    printing = PrintBook(book, ctx.build_time, image_url, ctx.reporter)

    def document(part: PrintPart, page_of: Callable[[str], str], reporter: Reporter) -> str:
        return printing.document(reporter, part, page_of)

    def later_folios(kinds: Sequence[str]) -> list[Callable[[], bytes]]:
        # The first run waits for the front matter, whose folios it follows.
        return [_folio_task(kinds, run, book, f"{slug}/folios-{n}", travelling, fetcher)
                for n, run in enumerate(folio_runs(kinds)[1:], 1)]

    def part_task(document_html: str, index: int) -> Callable[[], LaidPart]:
        extra = "" if index == 0 else running  # the front part's cover sets the running strings itself
        return functools.partial(_typeset_part, document_html, f"{slug}/part-{index}", travelling, fetcher, extra)

    # Until the articles are counted, a page number is a placeholder as wide as the largest.
    placeholder = "0" * len(str(int(sum(_estimated_pages(a) for a in book.articles)) + 20))
    documents = [document(part, lambda anchor: placeholder, ctx.reporter) for part in body]
    # Only those that print page numbers need them: the others are typeset once.
    with_numbers = [index for index, text in enumerate(documents) if _PAGE_REFERENCE.search(text)]
    laid = executor.map("pdf", [part_task(text, i + 1) for i, text in enumerate(documents)])

    reporter = ctx.reporter  # the first documents of the front report; the next ones say the same
    for _ in range(MAX_ROUNDS):
        starts = first_pages(laid)
        numbers = page_numbers(laid, starts)
        page_of = functools.partial(_printed, numbers)
        for index in with_numbers:
            documents[index] = document(body[index], page_of, Reporter(stream=None))
        kinds = book_page_kinds(laid, starts)
        # The front, the parts that cite pages, and (on the chance that those keep
        # their length, the rule) the folios of the articles, all side by side.
        parts_tasks = [part_task(document(front, page_of, reporter), 0)]
        parts_tasks += [part_task(documents[i], i + 1) for i in with_numbers]
        tasks: list[Callable[[], LaidPart | bytes]] = [*parts_tasks, *later_folios(kinds)]
        results = executor.map("pdf", tasks)
        reporter = Reporter(stream=None)
        laid_now = [result for result in results[:len(parts_tasks)] if isinstance(result, LaidPart)]
        folios = [result for result in results[len(parts_tasks):] if isinstance(result, bytes)]
        front_laid, again = laid_now[0], laid_now[1:]
        settled = all(new.anchors == laid[i].anchors and new.kinds == laid[i].kinds
                      for i, new in zip(with_numbers, again, strict=True))
        for i, new in zip(with_numbers, again, strict=True):
            laid[i] = new
        if settled:  # then starts, numbers and kinds hold for the parts as they are now
            break
    else:
        ctx.reporter.warn(Pos(slug), "pdf: the page numbers of cross-references did not settle; "
                                     "some may be off by a page")
        starts = first_pages(laid)
        numbers = page_numbers(laid, starts)
        kinds = book_page_kinds(laid, starts)
        folios = executor.map("pdf", later_folios(kinds))
    for part in [front_laid, *laid]:
        ctx.reporter.replay(part.warnings)

    # The front matter, then a blank page if it ends on a right-hand one (page 1 is a
    # right-hand page), then the first run of article pages: one document of folios,
    # in which page 1's page group restarts the count as in the book.
    front_kinds = list(front_laid.kinds) + ["blank"] * (front_laid.pages % 2)
    lead = range(len(front_kinds) + folio_runs(kinds)[0].stop)
    front_folios = _folio_task(front_kinds + kinds, lead, book, f"{slug}/folios-0", ctx, fetcher)()
    assembled = [Part(front_laid.pdf, frozenset(front_laid.anchors))]
    assembled += [Part(part.pdf, frozenset(part.anchors),
                       pad_before=_padded(starts, laid, i) or (i == 0 and front_laid.pages % 2 == 1))
                  for i, part in enumerate(laid)]
    pdf = assemble(assembled, [front_folios, *folios], first_body_page=len(front_kinds))
    # Counted from the cover, as a book typeset in one go gives them (see pdf.layout).
    from_cover = {anchor: page + 1 for anchor, page in front_laid.anchors.items()}
    from_cover |= {anchor: page + len(front_kinds) for anchor, page in numbers.items()}
    return Rendered(pdf, from_cover)


def _printed(numbers: dict[str, int], anchor: str) -> str:
    # The front matter's own ids are not here: it refers to them with target-counter().
    return str(numbers.get(anchor, ""))


# ------------------------------------------------------------------- pages


def first_pages(laid: Sequence[LaidPart]) -> list[int]:
    """The printed number of each part's first page: page 1 is the first article's,
    and every part starts on a right-hand (odd) page."""
    starts, next_page = [], 1
    for part in laid:
        if next_page % 2 == 0:
            next_page += 1  # the blank left-hand page before it
        starts.append(next_page)
        next_page += part.pages
    return starts


def _padded(starts: Sequence[int], laid: Sequence[LaidPart], index: int) -> bool:
    previous_end = starts[index - 1] + laid[index - 1].pages if index else 1
    return starts[index] != previous_end


def page_numbers(laid: Sequence[LaidPart], starts: Sequence[int]) -> dict[str, int]:
    """Every id the parts hold -> the number of the page it is on."""
    return {anchor: start + page
            for part, start in zip(laid, starts, strict=True) for anchor, page in part.anchors.items()}


def book_page_kinds(laid: Sequence[LaidPart], starts: Sequence[int]) -> list[str]:
    """The kind of every page from page 1 on, the blank pages between parts included."""
    kinds: list[str] = []
    for part, start in zip(laid, starts, strict=True):
        kinds.extend(["blank"] * (start - 1 - len(kinds)))
        kinds.extend(part.kinds)
    return kinds


def folio_runs(kinds: Sequence[str]) -> list[range]:
    """Runs of about FOLIO_RUN pages (0-based indexes, index 0 being page 1), each
    starting on a right-hand page and neither starting nor ending with a blank page
    (the folios make a blank page by breaking before the next)."""
    runs, start = [], 0
    for index in range(1, len(kinds)):
        # an even index is an odd page number: a right-hand page
        if (index - start >= FOLIO_RUN and index % 2 == 0
                and kinds[index] != "blank" and kinds[index - 1] != "blank"):
            runs.append(range(start, index))
            start = index
    runs.append(range(start, len(kinds)))
    return runs


# ------------------------------------------------------------------- typesetting


def _typeset_part(document_html: str, identifier: str, ctx: RenderContext, fetcher: LocalFetcher,
                  extra_css: str) -> LaidPart:
    reporter = Reporter(stream=None, strict=ctx.reporter.strict)  # reported by the caller, in order
    own: dict[str, int] = {}

    def keep_links_out(document) -> None:
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                own.setdefault(anchor, number)
        # A link to an id in another part would be dropped for want of its anchor:
        # a stand-in on the first page keeps it; the assembly keeps only the real one.
        wanted = {target for page in document.pages for kind, target, *_ in page.links
                  if kind == _INTERNAL_LINK and target not in own}
        for target in sorted(wanted):
            document.pages[0].anchors[target] = (0, 0, 0, 0)

    pdf, document = typeset_document(document_html, identifier, replace(ctx, reporter=reporter), fetcher,
                                     PART_CSS + extra_css, before_writing=keep_links_out)
    return LaidPart(pdf, own, tuple(_page_kind(page) for page in document.pages), tuple(reporter.warnings))


def _page_kind(page) -> str:
    # WeasyPrint keeps a page's type on its (internal) page box: blank, and its name.
    page_type = page._page_box.page_type
    return "blank" if page_type.blank else page_type.name or ""


def _folio_task(kinds: Sequence[str], run: range, book: Book, identifier: str, ctx: RenderContext,
                fetcher: LocalFetcher) -> Callable[[], bytes]:
    return functools.partial(_typeset_folios, folio_document(kinds, run, book.meta.language or "en"),
                             _folio_css(run, "" if book.meta.cover_image else book.meta.distribution),
                             len(run), identifier, ctx, fetcher)


def folio_document(kinds: Sequence[str], run: range, lang: str) -> str:
    """Empty pages of the given kinds, for the margins the parts leave out.

    Consecutive pages of one name share an element, as in the book, so that a page
    group (``:nth(1 of body)``) starts where the book's does; a blank page is made
    as the book makes it, by the next page's break to a right or left page.
    """
    groups: list[tuple[str, list[str]]] = []
    for index in run:
        kind = kinds[index]
        if kind == "blank":
            continue
        after_blank = index > run.start and kinds[index - 1] == "blank"
        sheet = ('<div class="folio-sheet" style="break-before: {}"></div>'
                 .format("right" if index % 2 == 0 else "left") if after_blank else '<div class="folio-sheet"></div>')
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(sheet)
        else:
            groups.append((kind, [sheet]))
    body = "".join(
        f'<div class="folio-group" style="page: {kind}">{"".join(sheets)}</div>' if kind
        else f'<div class="folio-group">{"".join(sheets)}</div>'
        for kind, sheets in groups)
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"/>'
            f'<title>folios</title></head><body>{body}</body></html>')


def _folio_css(run: range, marking: str) -> str:
    return (FOLIO_CSS + f"@page :first {{ counter-reset: page {run.start + 1}; }}\n"
            + f"body {{ string-set: marking {css_string(marking)}; }}\n")


def _typeset_folios(document_html: str, extra_css: str, pages: int, identifier: str, ctx: RenderContext,
                    fetcher: LocalFetcher) -> bytes:
    pdf, document = typeset_document(document_html, identifier, replace(ctx, reporter=Reporter(stream=None)),
                                     fetcher, extra_css, tagged=False)
    if len(document.pages) != pages:
        raise AssertionError(f"{identifier}: {len(document.pages)} pages of folios for {pages} pages")
    return pdf


#: A part's pages leave their foot to the folios, which know the page numbers.  The
#: front matter's named pages set their own (roman) folio, in rules that outrank ``:left``.
PART_CSS = """
@page { @bottom-center { content: none; } }
@page :left { @bottom-left { content: none; } }
@page :right { @bottom-right { content: none; } }
@page front:left { @bottom-left { content: none; } }
@page front:right { @bottom-right { content: none; } }
"""

#: The folios are the foot of each page, nothing else.
FOLIO_CSS = """
@page :left { @top-left { content: none; } }
@page :right { @top-right { content: none; } }
.folio-sheet { break-before: page; }
.folio-group:first-child > .folio-sheet:first-child { break-before: auto; }
"""


def running_strings_css(book: Book) -> str:
    """The running strings the cover sets, for parts that do not start with the cover."""
    if book.meta.cover_image:
        return ""  # with a cover image the cover sets none
    return f"body {{ string-set: book-title {css_string(book.meta.title)}; }}\n"


def css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'
