"""A book's PDF, typeset in parts side by side, kept between builds, and assembled.

WeasyPrint lays a document out in one process, and its cost per page grows with
the document's length (page references make it lay pages out again, PDF/UA
tagging walks the whole tree per page).  A briefing book falls into parts that
lay out the same alone as together, because every article starts on a
right-hand page: the front matter, each article, the back matter.  So:

1. Each article and the back matter are typeset alone, side by side, without
   page numbers in their margins.  Their page counts number every page from
   the first article's, page 1 (the front matter has roman numbers, so its
   length moves nothing); a part that would start on a left-hand page gets a
   blank page before it, as the book's ``break-before: right`` would have
   given it.
2. The parts that print the page numbers of other places cannot count them:
   the front matter (contents, at a glance) is typeset now, with the numbers
   written into its links (``data-page``), and so are the parts with
   cross-references, again, until none of their pages moves.
3. The folios (the page number and marking at the foot of each page, from the
   same stylesheet) are typeset as documents of empty pages: the front
   matter's after its pages, the body's in windows of ``FOLIO_WINDOW`` pages
   that depend only on where they start, and a blank left and right page.
4. ``assemble`` joins the parts and draws the folios over them, with one
   structure tree, outline, set of named destinations and page labels.

Every part and window of folios is kept in the build cache under a key of
everything its pages depend on: its HTML (which holds the page numbers it
prints), the stylesheet and theme, its images, its name, the PDF variant and
the build time.  A rebuild typesets only what an edit changed: the article
edited and, when that moved page numbers, the front matter and the parts that
print them; no other article, and no folio unless the book gained a window.
Which parts there are and what each holds depend on the book alone, and every
part is typeset the same way whichever process does it: the PDF is the same
with the cache or without, on one core or several (``PUBLISH_JOBS``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import escape

from ...build.cache import PDF_FOLIOS, PDF_FONT, PDF_PART, BuildCache, Kind, memoised
from ...diagnostics import Diagnostic, Reporter
from ...model.nodes import Book, Image, Pos
from ...model.walk import plain_text
from ..context import RenderContext, Rendered
from .assemble import FolioPage, Part, assemble, prepare_part
from .document import PrintBook, PrintPart
from .shared_fonts import merge_subsets
from .typeset import LocalFetcher, parsed_stylesheet, print_stylesheet, typeset_document

#: Characters of text that fill a page, roughly: only for the width of the page
#: numbers written before the pages are counted.
CHARACTERS_PER_PAGE = 2600
#: Pages of body folios typeset together.  A window depends only on where it
#: starts, so a rebuild typesets none unless the book grew into a new one; a
#: book typesets up to a window's worth of folios it does not use.
FOLIO_WINDOW = 32
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


def plan(book: Book) -> list[PrintPart]:
    """The parts of a book: the front matter, each article, the back matter if it has one."""
    parts = [PrintPart(front=True)] + [PrintPart(articles=range(i, i + 1)) for i in range(len(book.articles))]
    if book.people or book.abbreviations:
        parts.append(PrintPart(back=True))
    return parts


def _estimated_pages(article) -> float:
    # Text length is a fair guide; each article also starts a page of its own.
    return 1 + len(plain_text(article.blocks)) / CHARACTERS_PER_PAGE


@dataclass(frozen=True)
class _Job:
    """A part or a document of folios to typeset, and where its result is kept."""

    kind: Kind
    key: str
    task: Callable[[], Any]


class _Jobs:
    """Runs jobs through the executor, each found in the build cache if an earlier build
    ran it.  A key holds everything a document's pages depend on (see the module's notes)."""

    def __init__(self, ctx: RenderContext, fetcher: LocalFetcher) -> None:
        self.ctx = ctx
        self.fetcher = fetcher
        self.cache: BuildCache | None = ctx.cache
        theme = sorted((path.relative_to(ctx.styles_dir).as_posix(), path.read_bytes())
                       for path in ctx.styles_dir.rglob("*") if path.is_file()) if self.cache else []
        self.salt = BuildCache.key(print_stylesheet(replace(ctx, reporter=Reporter(stream=None))), theme,
                                   ctx.pdf_variant, ctx.build_time.isoformat()) if self.cache else ""

    def key(self, html: str, *more: object) -> str:
        if self.cache is None:
            return ""
        images = sorted((uri, hashlib.sha256(resource.data).hexdigest())
                        for path, resource in self.fetcher.resources.items()
                        if (uri := path.as_uri()) in html)
        return BuildCache.key(self.salt, html, images, *more)

    def run(self, jobs: Sequence[_Job]) -> list[Any]:
        cache = self.cache
        results = [cache.load(job.kind, job.key) if cache is not None else None for job in jobs]
        missing = [index for index, result in enumerate(results) if result is None]
        for index, result in zip(missing, self.ctx.executor.map("pdf", [jobs[i].task for i in missing]),
                                 strict=True):
            results[index] = result
            if cache is not None:
                cache.store(jobs[index].kind, jobs[index].key, result)
        return results


def typeset(book: Book, parts: Sequence[PrintPart], ctx: RenderContext, fetcher: LocalFetcher,
            image_url: Callable[[Image, Pos], str | None]) -> Rendered:
    """The PDF of a book planned into parts (the front matter first), and the page of
    every id counted from the cover."""
    executor = ctx.executor
    # what the tasks are given: everything in memory when they run on other machines
    travelling = ctx.portable(book) if executor.ships else ctx
    if not executor.ships:
        parsed_stylesheet(ctx, fetcher)  # here, once, before the processes that typeset the parts fork
    jobs = _Jobs(ctx, fetcher)
    slug = book.meta.slug
    running = running_strings_css(book)
    front, body = parts[0], list(parts[1:])
    names = [_part_name(book, part) for part in body]
    printing = PrintBook(book, ctx.build_time, image_url, ctx.reporter)

    def document(part: PrintPart, page_of: Callable[[str], str], reporter: Reporter) -> str:
        return printing.document(reporter, part, page_of)

    def part_job(document_html: str, name: str) -> _Job:
        extra = "" if name == "front" else running  # the front part's cover sets the running strings itself
        identifier = f"{slug}/{name}"
        return _Job(PDF_PART, jobs.key(document_html, extra, identifier),
                    functools.partial(_typeset_part, document_html, name, identifier, travelling, fetcher, extra))

    def folio_jobs(kinds: Sequence[str]) -> list[_Job]:
        windows = [_folio_job(jobs, window_kinds(kinds, run), run.start + 1, book, f"{slug}/folios-{run.start + 1}",
                              travelling, fetcher) for run in body_windows(kinds)]
        return [*windows, _folio_job(jobs, BLANK_KINDS, 1, book, f"{slug}/folios-blank", travelling, fetcher)]

    # Until the articles are counted, a page number is a placeholder as wide as the largest.
    placeholder = "0" * len(str(int(sum(_estimated_pages(a) for a in book.articles)) + 20))
    documents = [document(part, lambda anchor: placeholder, ctx.reporter) for part in body]
    # Only those that print page numbers need them: the others are typeset once.
    with_numbers = [index for index, text in enumerate(documents) if _PAGE_REFERENCE.search(text)]
    laid: list[LaidPart] = jobs.run([part_job(text, names[i]) for i, text in enumerate(documents)])

    reporter = ctx.reporter  # the first documents of the front report; the next ones say the same
    for _ in range(MAX_ROUNDS):
        starts = first_pages(laid)
        numbers = page_numbers(laid, starts)
        page_of = functools.partial(_printed, numbers)
        for index in with_numbers:
            documents[index] = document(body[index], page_of, Reporter(stream=None))
        kinds = book_page_kinds(laid, starts)
        # The front, the parts that cite pages, and (on the chance that those keep
        # their length, the rule) the folios of the body, all side by side.
        round_jobs = [part_job(document(front, page_of, reporter), "front")]
        round_jobs += [part_job(documents[i], names[i]) for i in with_numbers]
        results = jobs.run([*round_jobs, *folio_jobs(kinds)])
        reporter = Reporter(stream=None)
        front_laid, again = results[0], results[1:len(round_jobs)]
        folios: list[bytes] = results[len(round_jobs):]
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
        folios = jobs.run(folio_jobs(kinds))
    for part in [front_laid, *laid]:
        ctx.reporter.replay(part.warnings)

    # The front matter's folios follow its pages; a blank left-hand page follows it if
    # it ends on a right-hand one (page 1 is a right-hand page).
    front_folios = jobs.run([_folio_job(jobs, front_laid.kinds, 1, book, f"{slug}/folios-front", travelling,
                                        fetcher)])[0]
    front_pages = front_laid.pages + front_laid.pages % 2
    *windows, blanks = folios
    furniture: list[FolioPage] = [(0, page) for page in range(front_laid.pages)]
    furniture += [(1, _BLANK_LEFT)] * (front_laid.pages % 2)
    furniture += [body_folio(kinds, index) for index in range(len(kinds))]
    assembled = [Part(front_laid.pdf, frozenset(front_laid.anchors))]
    assembled += [Part(part.pdf, frozenset(part.anchors),
                       pad_before=_padded(starts, laid, i) or (i == 0 and front_laid.pages % 2 == 1))
                  for i, part in enumerate(laid)]
    pdf = assemble(assembled, [front_folios, blanks, *windows], furniture, first_body_page=front_pages,
                   merge_fonts=functools.partial(_kept_merge, ctx.cache))
    # Counted from the cover, as a book typeset in one go gives them (see pdf.layout).
    from_cover = {anchor: page + 1 for anchor, page in front_laid.anchors.items()}
    from_cover |= {anchor: page + front_pages for anchor, page in numbers.items()}
    return Rendered(pdf, from_cover)


def _kept_merge(cache: BuildCache | None, subsets: Sequence[tuple[bytes, int]]) -> bytes | None:
    """The subsets of one face merged, or the merge an earlier build made of the same subsets:
    an edit changes the subsets of the faces the article uses, not the others'."""
    return memoised(cache, PDF_FONT, functools.partial(merge_subsets, subsets), list(subsets))


def _part_name(book: Book, part: PrintPart) -> str:
    """A part's name, in its PDF's identifier: the same wherever the article moves, so that
    a part typeset before is found in the cache."""
    if part.back:
        return "back"
    return book.articles[part.articles.start].id


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


#: A page, a blank left-hand page, two pages, a blank right-hand page, a page: the
#: furniture of every blank page of the body is one of the two (see ``body_folio``).
BLANK_KINDS = ("", "blank", "", "", "blank", "")
_BLANK_LEFT, _BLANK_RIGHT = 1, 4


def body_windows(kinds: Sequence[str]) -> list[range]:
    """The windows of folios for pages 1 to ``len(kinds)``: 0-based indexes, index 0
    being page 1, FOLIO_WINDOW pages each, the last one running past the book's end."""
    return [range(start, start + FOLIO_WINDOW) for start in range(0, len(kinds), FOLIO_WINDOW)]


def window_kinds(kinds: Sequence[str], run: range) -> list[str]:
    """The kinds of a window's pages: a blank page's is its neighbour's (its folio comes
    from the blank pages, ``body_folio``), a page past the end the last page's."""
    filled, last = [], ""
    for index in range(run.stop):
        if index < len(kinds) and kinds[index] != "blank":
            last = kinds[index]
        if index >= run.start:
            filled.append(last)
    return filled


def body_folio(kinds: Sequence[str], index: int) -> FolioPage:
    """Which folio page goes on body page ``index`` (0-based): in the furniture's documents,
    0 is the front matter's, 1 the blank pages', then the windows."""
    if kinds[index] == "blank":
        return (1, _BLANK_LEFT if index % 2 else _BLANK_RIGHT)  # an odd index is an even, left-hand page
    return (2 + index // FOLIO_WINDOW, index % FOLIO_WINDOW)


# ------------------------------------------------------------------- typesetting


def _typeset_part(document_html: str, name: str, identifier: str, ctx: RenderContext, fetcher: LocalFetcher,
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
    # The ids of its structure elements are prefixed with the part's name, unique in the
    # book and the same wherever the part moves, so that the prepared part can be kept.
    pdf = prepare_part(pdf, f"{name}-".encode())
    return LaidPart(pdf, own, tuple(_page_kind(page) for page in document.pages), tuple(reporter.warnings))


def _page_kind(page) -> str:
    # WeasyPrint keeps a page's type on its (internal) page box: blank, and its name.
    page_type = page._page_box.page_type
    return "blank" if page_type.blank else page_type.name or ""


def _folio_job(jobs: _Jobs, page_kinds: Sequence[str], first_page: int, book: Book, identifier: str,
               ctx: RenderContext, fetcher: LocalFetcher) -> _Job:
    """A document of folios: pages of ``page_kinds``, the first numbered ``first_page``."""
    html = folio_document(page_kinds, range(len(page_kinds)), book.meta.language or "en")
    css = _folio_css(first_page, "" if book.meta.cover_image else book.meta.distribution)
    return _Job(PDF_FOLIOS, jobs.key(html, css, identifier),
                functools.partial(_typeset_folios, html, css, len(page_kinds), identifier, ctx, fetcher))


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


def _folio_css(first_page: int, marking: str) -> str:
    return (FOLIO_CSS + f"@page :first {{ counter-reset: page {first_page}; }}\n"
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
