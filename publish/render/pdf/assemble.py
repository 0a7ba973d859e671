"""One book PDF from the PDFs WeasyPrint wrote for its parts, with the folios drawn over them.

Each part (the front matter, a run of articles, the back matter) is a complete tagged PDF
of its own.  Joining them must give what WeasyPrint would have written for the whole book:

* the pages in order, with a padding page wherever the caller asks for one;
* one structure tree: a single ``/Document`` holding every part's top-level elements, and
  one ParentTree whose keys are each part's keys shifted past the previous parts' keys;
* one name tree of destinations, holding each part's own names only (a part also holds
  placeholders for the ids of other parts, so that WeasyPrint kept the links to them);
* one outline, the parts' outlines one after the other;
* the document-wide catalog entries, the XMP metadata and the Info dictionary of the
  first part, and the highest PDF version of the parts;
* one subset of each face where every part embedded its own (``shared_fonts``).

Objects move between PDFs with ``Pdf.copy_foreign``, which copies every object once per
source PDF and maps references to objects already copied.  Hence the order of work on a
part: first the changes to the part itself (an object is copied once: a later change is
not), then its pages, then what refers to its pages (structure elements, destinations,
outline items).  A part is closed once copied: copied streams read their
data from the part's bytes when the book is written, not from its parsed objects.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, ObjectStreamMode, Stream, String

from .shared_fonts import MergeFonts, merge_subsets, share_fonts
from .structure import PartStructure, StructureTree, import_objects, prepare_structure
from .tags import set_header_scopes

#: Catalog entries that describe the whole document, alike in every part: taken from the first.
_DOCUMENT_ENTRIES = (Name.Lang, Name.MarkInfo, Name.ViewerPreferences, Name.Metadata,
                     Name.OutputIntents, Name.PageMode, Name.PageLayout, Name.AF)
#: Catalog entries built for the book from every part.
_JOINED_ENTRIES = (Name.Type, Name.Pages, Name.Names, Name.Outlines, Name.StructTreeRoot)
#: Name trees of the catalog's /Names: the destinations are joined, the attachments are
#: the document's (WeasyPrint attaches the same files to every part).
_NAME_TREES = (Name.Dests, Name.EmbeddedFiles)

#: Operators that leave marks on the page: a folio page with none of them draws nothing.
_PAINTING_OPERATORS = "S s f F f* B B* b b* sh Do BI Tj TJ ' \""

_FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"


@dataclass(frozen=True)
class Part:
    pdf: bytes                 # one part as WeasyPrint wrote it
    owned: frozenset[str]      # the named destinations this part really holds; the part may also
                               # hold placeholder destinations for ids that live in other parts
                               # (so that WeasyPrint kept the links to them): drop those
    pad_before: bool = False   # a padding page goes before this part's first page


#: Where a page's folio comes from: (which folio document, which of its pages), or None for none.
FolioPage = tuple[int, int] | None


def assemble(parts: Sequence[Part], folios: Sequence[bytes], furniture: Sequence[FolioPage], *,
             first_body_page: int | None = None, merge_fonts: MergeFonts = merge_subsets) -> bytes:
    """One PDF of every part's pages in order, with padding pages, page furniture drawn over them.

    ``folios`` are PDFs of the book's page furniture (folios, marking); ``furniture``
    names, for each page of the book (padding pages included), the folio page drawn
    over it.  One folio page may serve several pages (every blank page's).
    ``first_body_page`` (0-based) is where the page labels turn from roman to 1, 2, 3
    (see :func:`set_page_labels`). ``merge_fonts`` merges the subsets of one face
    (``shared_fonts``; the caller may keep its results).
    """
    if not parts:
        raise ValueError("no parts to assemble")
    with contextlib.ExitStack() as stack:
        book = _Book([stack.enter_context(_open(data)) for data in folios], furniture)
        for index, part in enumerate(parts):
            with _open(part.pdf) as source:
                book.add_part(index, part, source)
        return book.finish(first_body_page, merge_fonts)


def prepare_part(data: bytes, id_prefix: bytes) -> bytes:
    """A part made ready to be joined where it is typeset (see ``structure``): the same
    pages, the structure analysed once, not at every assembly that takes it from the cache."""
    with _open(data) as pdf:
        if Name.StructTreeRoot not in pdf.Root:
            return data
        prepare_structure(pdf, id_prefix)
        return _save(pdf, pdf.pdf_version)


def label_pages(data: bytes, first_body_page: int) -> bytes:
    """A PDF written in one go, with the page labels of :func:`set_page_labels`."""
    with _open(data) as pdf:
        set_page_labels(pdf, first_body_page)
        set_header_scopes(pdf)
        return _save(pdf, pdf.pdf_version)


def with_header_scopes(data: bytes) -> bytes:
    """A PDF written in one go, with the structure tree's additions of ``pdf_tags``."""
    with _open(data) as pdf:
        set_header_scopes(pdf)
        return _save(pdf, pdf.pdf_version)


def set_page_labels(pdf: pikepdf.Pdf, first_body_page: int) -> None:
    """Page labels as the folios print them: the front matter in lower-case roman
    figures from the cover (i), the body in arabic from 1 at ``first_body_page``
    (0-based), so that a viewer's "page 5" is the page that prints 5."""
    nums = Array([0, Dictionary(S=Name.r)]) if first_body_page > 0 else Array()
    # pikepdf converts the int as Array() does; its stub wants Objects only
    nums.extend([first_body_page, Dictionary(S=Name.D)])  # type: ignore[list-item]
    pdf.Root.PageLabels = Dictionary(Nums=nums)


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


class _Book:
    """The book being assembled, one part after the other."""

    def __init__(self, folios: Sequence[pikepdf.Pdf], furniture: Sequence[FolioPage]):
        self._pdf = pikepdf.new()
        self._furniture = _Furniture(self._pdf, folios, furniture)
        self._tree: StructureTree | None = None
        self._dests = _Destinations(self._pdf)
        self._outlines = _Outlines(self._pdf)
        self._version = "1.0"

    def add_part(self, index: int, part: Part, source: pikepdf.Pdf) -> None:
        _check_catalog(index, source)
        tagged = Name.StructTreeRoot in source.Root
        if index > 0 and tagged != (self._tree is not None):
            raise ValueError(f"part {index} is {'' if tagged else 'not '}tagged, unlike part 0")
        structure = PartStructure(source, id_prefix=f"{index}-".encode()) if tagged else None
        if index == 0:
            _copy_document_entries(self._pdf, source)
            if tagged:
                self._tree = StructureTree(self._pdf, source)
        if part.pad_before:
            self._furniture.add_padding_page(source.pages[0].mediabox)
        first = len(self._pdf.pages)
        for page in source.pages:
            self._pdf.pages.append(page)
            self._furniture.draw_over(self._pdf.pages[-1])
        if self._tree is not None and structure is not None:
            self._tree.add(structure, self._pdf.pages[first:])
        self._dests.add(index, part, source)
        self._outlines.add(source)
        self._version = max(self._version, source.pdf_version, key=_version_key)

    def finish(self, first_body_page: int | None, merge_fonts: MergeFonts) -> bytes:
        self._furniture.check_all_drawn()
        if first_body_page is not None:
            set_page_labels(self._pdf, first_body_page)
        self._dests.check_links()
        self._dests.finish()
        self._outlines.finish()
        if self._tree is not None:
            self._pdf.Root.StructTreeRoot = self._tree.finish()
        share_fonts(self._pdf, merge_fonts)
        return _save(self._pdf, self._version)


def _check_catalog(index: int, source: pikepdf.Pdf) -> None:
    """Refuse what joining would silently get wrong (interactive forms, page labels, ...)."""
    unknown = sorted(_keys(source.Root) - _keys(_DOCUMENT_ENTRIES) - _keys(_JOINED_ENTRIES))
    unknown += sorted(f"/Names{key}" for key in _keys(source.Root.get(Name.Names, ())) - _keys(_NAME_TREES))
    if unknown:
        raise ValueError(f"part {index}: cannot join the catalog entries {', '.join(unknown)}")


def _copy_document_entries(book: pikepdf.Pdf, first: pikepdf.Pdf) -> None:
    keys = [key for key in _DOCUMENT_ENTRIES if key in first.Root]
    for key, value in zip(keys, import_objects(book, first, [first.Root[key] for key in keys]), strict=True):
        book.Root[key] = value
    names = first.Root.get(Name.Names, Dictionary())
    if Name.EmbeddedFiles in names:
        book.Root.Names = Dictionary(EmbeddedFiles=import_objects(book, first, [names.EmbeddedFiles])[0])
    if Name.Info in first.trailer:
        book.trailer.Info = import_objects(book, first, [first.trailer.Info])[0]


# ------------------------------------------------------------------- folios


class _Furniture:
    """Draws the folio pages over the book's pages, in order, padding pages included."""

    def __init__(self, book: pikepdf.Pdf, folios: Sequence[pikepdf.Pdf], furniture: Sequence[FolioPage]):
        self._book = book
        self._folios = folios
        self._furniture = furniture
        self._drawn = 0
        # A folio page drawn over several pages is copied into the book once.
        self._forms: dict[tuple[int, int], Object | None] = {}
        # The few bytes wrapped around each page's content are the same on every page:
        # one stream each, shared.
        self._streams: dict[bytes, Stream] = {}

    def add_padding_page(self, mediabox: Array) -> None:
        """An empty page, as the book's ``break-before: right`` leaves one, with its furniture."""
        self._book.add_blank_page(page_size=(float(mediabox[2]), float(mediabox[3])))
        self.draw_over(self._book.pages[-1])

    def draw_over(self, page: pikepdf.Page) -> None:
        form = self._form(self._next())
        if form is None:
            return
        name = _add_xobject(page, form, "Folio")
        # WeasyPrint leaves its flip of the y axis (a `cm` outside any `q`) in force at the
        # end of a page: restore the initial graphics state before drawing the folio.
        page.contents_add(self._stream(b"q\n"), prepend=True)
        page.contents_add(self._stream(b"\nQ\n" + _FOOTER + b"q %s Do Q\nEMC\n" % str(name).encode()))

    def check_all_drawn(self) -> None:
        if self._drawn != len(self._furniture):
            raise ValueError(f"the furniture names {len(self._furniture)} pages, but the book has {self._drawn}")

    def _next(self) -> FolioPage:
        if self._drawn == len(self._furniture):
            raise ValueError(f"the furniture names {self._drawn} pages, but the book has more")
        self._drawn += 1
        return self._furniture[self._drawn - 1]

    def _form(self, where: FolioPage) -> Object | None:
        if where is None:
            return None
        if where not in self._forms:
            document, number = where
            folio_page = self._folios[document].pages[number]
            self._forms[where] = self._book.copy_foreign(_form_xobject(folio_page)) if _paints(folio_page) else None
        return self._forms[where]

    def _stream(self, data: bytes) -> Stream:
        if data not in self._streams:
            self._streams[data] = self._book.make_stream(data)
        return self._streams[data]


def _paints(page: pikepdf.Page) -> bool:
    return bool(pikepdf.parse_content_stream(page, _PAINTING_OPERATORS))


def _form_xobject(page: pikepdf.Page) -> Object:
    form = page.as_form_xobject()
    # as_form_xobject clips to the TrimBox; furniture may bleed (thumb tabs, a tint).
    form.BBox = page.mediabox
    return form


def _add_xobject(page: pikepdf.Page, xobject: Object, prefix: str) -> Name:
    """Add `xobject` to the page's resources, under a name they do not use yet.

    The page gets resource dictionaries of its own: WeasyPrint's pages share theirs, and
    adding to those would list every page's folio on every page.
    """
    # (Dictionary() copies a pikepdf Dictionary too; its stub names only Python mappings)
    resources = Dictionary(page.obj.Resources)  # type: ignore[arg-type]
    xobjects = Dictionary(resources.get(Name.XObject, Dictionary()))  # type: ignore[arg-type]
    name, number = Name("/" + prefix), 0
    while name in xobjects:
        number += 1
        name = Name(f"/{prefix}{number}")
    xobjects[name] = xobject
    resources.XObject = xobjects
    page.obj.Resources = resources
    return name


# ------------------------------------------------------------------- names and outlines


class _Destinations:
    """The book's named destinations: each part's own, in one name tree."""

    def __init__(self, book: pikepdf.Pdf):
        self._book = book
        # By the bytes of the names: the order of a name tree, and what links match.
        self._dests: dict[bytes, Object] = {}
        self._owners: dict[bytes, int] = {}

    def add(self, index: int, part: Part, source: pikepdf.Pdf) -> None:
        dests = source.Root.get(Name.Names, Dictionary()).get(Name.Dests)
        # The names the part does not own are placeholders for the ids of other parts.
        owned = [(bytes(name), dest) for name, dest in _name_tree_items(dests) if str(name) in part.owned]
        for (name, _), dest in zip(owned, import_objects(self._book, source, (dest for _, dest in owned)), strict=True):
            if name in self._dests:
                raise ValueError(f"parts {self._owners[name]} and {index} both own the destination "
                                 f"{str(String(name))!r}")
            self._dests[name], self._owners[name] = dest, index

    def check_links(self) -> None:
        """Every link to a named destination finds it: a part's placeholder promised that
        another part owns the name."""
        dangling = sorted({str(annotation.Dest) for page in self._book.pages
                           for annotation in page.obj.get(Name.Annots, ())
                           if isinstance(annotation.get(Name.Dest), String)
                           and bytes(annotation.Dest) not in self._dests})
        if dangling:
            raise ValueError(f"links to destinations that no part owns: {', '.join(map(repr, dangling))}")

    def finish(self) -> None:
        if not self._dests:
            return
        names = Array([item for name in sorted(self._dests) for item in (String(name), self._dests[name])])
        if Name.Names not in self._book.Root:
            self._book.Root.Names = Dictionary()
        self._book.Root.Names.Dests = Dictionary(Names=names)


def _name_tree_items(node: Object | None) -> Iterator[tuple[Object, Object]]:  # (name, value)
    # Not pikepdf.NameTree: it decodes the names, and links match the names' bytes.
    if node is None:
        return
    names = node.get(Name.Names, ())
    for index in range(0, len(names), 2):
        yield names[index], names[index + 1]
    for kid in node.get(Name.Kids, ()):
        yield from _name_tree_items(kid)


class _Outlines:
    """The parts' outlines, one after the other, under one outline dictionary."""

    def __init__(self, book: pikepdf.Pdf):
        self._book = book
        self._outlines = book.make_indirect(Dictionary(Type=Name.Outlines))
        self._last: Object | None = None
        self._count = 0

    def add(self, source: pikepdf.Pdf) -> None:
        outlines = source.Root.get(Name.Outlines)
        if outlines is None or Name.First not in outlines:
            return
        # The copy of the part's outline dictionary is left unreferenced: it is not written.
        copied = self._book.copy_foreign(outlines)
        item = copied.First
        if self._last is None:
            self._outlines.First = item
        else:
            self._last.Next, item.Prev = item, self._last
        item.Parent = self._outlines
        while Name.Next in item:
            item = item.Next
            item.Parent = self._outlines
        self._last = item
        # The count of visible items at every level: the parts' counts add up.
        self._count += int(copied.get(Name.Count, 0))

    def finish(self) -> None:
        if self._last is None:
            return
        self._outlines.Last = self._last
        if self._count:
            self._outlines.Count = self._count
        self._book.Root.Outlines = self._outlines


# ------------------------------------------------------------------- writing


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(number) for number in version.split("."))


def _save(book: pikepdf.Pdf, version: str) -> bytes:
    output = io.BytesIO()
    book.save(
        output,
        min_version=version,
        # The /ID is a digest of the content: the same parts give the same bytes.
        deterministic_id=True,
        # Keep the first part's XMP packet as it is (pikepdf would rewrite it, to change a
        # pdf:PDFVersion that WeasyPrint does not write).
        fix_metadata_version=False,
        # Object streams came with PDF 1.5; PDF/A-1 (PDF 1.4) forbids them.
        object_stream_mode=(ObjectStreamMode.generate if _version_key(version) >= (1, 5)
                            else ObjectStreamMode.disable),
    )
    return output.getvalue()


def _keys(names: Iterable[object]) -> set[str]:
    """Names as strings, to compare the keys of a dictionary with Name constants."""
    return {str(name) for name in names}
