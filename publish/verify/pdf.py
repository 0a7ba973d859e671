"""Read a PDF back through its structure tree: what a screen reader or a text export sees.

The text comes from the content streams (``pdf_text``), grouped by the tagged
structure: each article is the ``/Art`` content from one ``/H1`` to the next,
footnotes are the top-level elements set after an article's pages, and
running heads and page numbers are not in the tree at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, Destination, DictionaryObject, IndirectObject

from .observed import ArticleObserved, ContentsEntry, Observed, add_text
from .pdf_text import marked_text

HEADINGS = {f"/H{n}": n for n in range(1, 7)}
#: Structure types that hold one block of text; inline types (Span, Link) belong to them.
UNIT_TYPES = {"/P", "/H", *HEADINGS, "/Lbl", "/LBody", "/TD", "/TH", "/Caption", "/Note", "/Code", "/TOCI"}


def read_pdf(path: Path) -> Observed:
    reader = PdfReader(path)
    texts = marked_text(path)
    # (every page a reader gives is an indirect object, with its reference)
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)
             if page.indirect_reference is not None}
    walker = _StructWalk(texts, pages)
    root = cast(DictionaryObject, reader.trailer["/Root"]).get("/StructTreeRoot")  # (the catalog)
    if root is not None:
        for element in _kids(root):
            document = element if element.get("/S") == "/Document" else None
            for child in (_kids(document) if document is not None else [element]):
                walker.top_level(child)
    observed = Observed(walker.articles, outline_entries(reader))
    places = _bookmarked_places(reader)
    destinations = reader.named_destinations
    for page_number, page in enumerate(reader.pages):
        article = walker.article_on_page.get(page_number)
        if article is not None:
            article.links.extend(_uri_links(page))
            for name in _named_links(page):
                title = _title_at(destinations.get(name), reader, places)
                if title is not None:
                    article.internal_links.append(title)
    return observed


#: How far (in points) a link's destination may lie from a bookmark and still be that heading.
SAME_PLACE = 24


def _named_links(page: PageObject) -> list[str]:
    names = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        dest = annotation.get("/Dest")
        if dest is None and action is not None and action.get("/S") == "/GoTo":
            dest = action.get("/D")
        if isinstance(dest, str):
            names.append(str(dest))
    return names


def _bookmarked_places(reader: PdfReader) -> list[tuple[int | None, float, str]]:
    """(page, top, title) of every bookmark: the headings a cross-reference can lead to."""
    places = []

    def walk(items: list[Any]) -> None:  # (pypdf's OutlineType nests lists in lists)
        for entry in items:
            if isinstance(entry, list):
                walk(entry)
            else:
                page = reader.get_destination_page_number(entry)
                places.append((page, float(entry.top or 0), str(entry.title)))

    walk(reader.outline)
    return places


def _title_at(destination: Destination | None, reader: PdfReader,
              places: list[tuple[int | None, float, str]]) -> str | None:
    """The title of the bookmarked heading at a named destination, if one is there."""
    if destination is None:
        return None
    page = reader.get_destination_page_number(destination)
    top = float(destination.top or 0)
    near = [(abs(t - top), title) for p, t, title in places if p == page and abs(t - top) <= SAME_PLACE]
    return min(near)[1] if near else None


def _kids(element: DictionaryObject | None) -> list[Any]:
    kids = element.get("/K") if element is not None else None
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


class _StructWalk:
    def __init__(self, texts: list[dict[int | None, str]], pages: dict[int, int]) -> None:
        self.texts = texts
        self.pages = pages
        self.articles: list[ArticleObserved] = []
        self.article_on_page: dict[int, ArticleObserved] = {}
        self.keys: list[object] = []
        self.back_matter = False

    def top_level(self, element: object) -> None:
        element = element.get_object() if isinstance(element, IndirectObject) else element
        if not isinstance(element, DictionaryObject):
            return
        if element.get("/S") == "/Art":
            self.walk(element, self._page(element, -1), None, 0)
        elif self.articles and _has_heading(element):
            self.back_matter = True  # contributors, abbreviations: not the articles' notes
        elif self.articles and not self.back_matter:  # set after an article's page: a footnote area
            collected: list[str] = []
            self.collect(element, self._page(element, -1), collected)
            note = "".join(collected).strip()
            if note:
                self.articles[-1].notes.append(note)

    def _page(self, element: DictionaryObject, page: int) -> int:
        ref = element.raw_get("/Pg") if "/Pg" in element else None
        return self.pages.get(ref.idnum, page) if isinstance(ref, IndirectObject) else page

    def _mcid_text(self, kid: Any, page: int) -> tuple[str, int]:
        if isinstance(kid, int):
            return self.texts[page].get(int(kid), "") if 0 <= page < len(self.texts) else "", page
        if kid.get("/Type") == "/MCR":
            page = self._page(kid, page)
            return self._mcid_text(int(kid["/MCID"]), page)
        return "", page

    def walk(self, element: DictionaryObject, page: int, unit: object, heading: int) -> None:
        kind = element.get("/S")
        page = self._page(element, page)
        if kind == "/H1":  # each article opens with its title
            self.articles.append(ArticleObserved())
            self.keys = []
        if kind in UNIT_TYPES:
            unit, heading = id(element), HEADINGS.get(kind, 0)
        if kind == "/Figure":
            self._current().images.append(str(element.get("/Alt", "")))
        for kid in _kids(element):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                self.walk(kid, page, unit, heading)
                continue
            text, text_page = self._mcid_text(kid, page)
            if text:
                article = self._current()
                self.article_on_page.setdefault(text_page, article)
                add_text(article.units, unit if unit is not None else ("loose", id(element)), self.keys,
                         text, heading)

    def _current(self) -> ArticleObserved:
        if not self.articles:
            self.articles.append(ArticleObserved())
        return self.articles[-1]

    def collect(self, element: DictionaryObject, page: int, out: list[str]) -> None:
        page = self._page(element, page)
        for kid in _kids(element):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                self.collect(kid, page, out)
            else:
                out.append(self._mcid_text(kid, page)[0])


def _has_heading(element: DictionaryObject) -> bool:
    for kid in _kids(element):
        kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(kid, DictionaryObject) and "/S" in kid and (kid["/S"] in HEADINGS or _has_heading(kid)):
            return True
    return False


def _uri_links(page: PageObject) -> list[str]:
    links = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        action = annotation.get("/A")
        if annotation.get("/Subtype") == "/Link" and action is not None and action.get("/S") == "/URI":
            links.append(str(action.get("/URI", "")))
    return links


def outline_entries(reader: PdfReader) -> list[ContentsEntry]:
    entries: list[ContentsEntry] = []

    def walk(items: list[Any], depth: int) -> None:  # (pypdf's OutlineType nests lists in lists)
        for entry in items:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                entries.append(ContentsEntry(str(entry.title), depth))

    walk(reader.outline, 1)
    return entries
