"""Joining part PDFs into the book's PDF, read back with tools we did not write: pypdf,
pdfminer, qpdf (``qpdf --check``, and pikepdf for counting the objects written).

The book here: part A (front matter, 1 page), part B (2 pages), a padding page, part C
(2 pages), each linking to another part through a placeholder; B and C each hold a table
whose header ids WeasyPrint numbers alike.  The folios: none on page 1, "Intentionally
blank" on the padding page, the page number on the others.

Timing: a synthetic book of 1,800 pages (16 parts of 112 pages, 8 padding pages; per part
about 9,000 structure elements, 7,700 marked-content sequences and 1,000 links; 6 MB of
parts) assembles in about 4.2 s (one process, on this 2-core machine) at a peak RSS of
about 390 MB.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pikepdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTFigure, LTTextContainer
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject
from weasyprint import HTML

from publish.render.pdf.assemble import Part, assemble
from tests.pdftools import syntax_problems

TABLE = "<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>"
HEAD = '<head><title>The Book</title><meta name="author" content="A. Writer"></head>'
PART_A = f"""<html lang="en">{HEAD}<body>
<h1 id="front">Front matter</h1><p>See <a href="#ch1">chapter one</a>.</p>
<span id="ch1"></span></body></html>"""
PART_B = f"""<html lang="en">{HEAD}<body>
<h1 id="ch1" style="bookmark-state: closed">Chapter one</h1><p>Text.</p>{TABLE}
<h2 id="s1" style="break-before: page">Section one</h2><p>Back to <a href="#front">the front</a>.</p>
<span id="front"></span></body></html>"""
PART_C = f"""<html lang="en">{HEAD}<body>
<h1 id="back">Back matter</h1><p>Text.</p>{TABLE}
<h2 id="notes" style="break-before: page">Notes</h2><p>Back to <a href="#s1">section one</a>.</p>
<span id="s1"></span></body></html>"""

PADDING = 3  # the index of the padding page
#: The text of each page of the book, in reading order, folio last.
PAGE_TEXTS = [
    ["Front matter", "See chapter one."],
    ["Chapter one", "Text.", "2"],
    ["Section one", "Back to the front.", "3"],
    ["Intentionally blank"],
    ["Back matter", "Text.", "5"],
    ["Notes", "Back to section one.", "6"],
]
DESTINATIONS = {"front": 0, "ch1": 1, "s1": 2, "back": 4, "notes": 5}


def write(html: str, variant: str | None = "pdf/ua-1", **options) -> bytes:
    return HTML(string=html).write_pdf(pdf_tags=True, pdf_variant=variant, **options)


def joined(parts: Sequence[Part], folio_pdf: bytes) -> bytes:
    """The parts assembled with the folio pages drawn in order, one per page of the book."""
    with pikepdf.open(io.BytesIO(folio_pdf)) as pdf:
        pages = len(pdf.pages)
    return assemble(parts, [folio_pdf], [(0, page) for page in range(pages)])


def folios(kinds: Sequence[str]) -> bytes:
    """A page per kind: "number" (the page number), "none" (nothing), "blank" (a padding page)."""
    style = """
        @page { @bottom-right { content: counter(page) } }
        @page plain { @bottom-right { content: none } }
        @page blank { @bottom-right { content: none } @top-center { content: "Intentionally blank" } }"""
    pages = {"number": "", "none": "page: plain", "blank": "page: blank"}
    sheets = "".join(f'<div style="break-before: page; {pages[kind]}"></div>' for kind in kinds)
    return HTML(string=f"<html><head><style>{style}</style></head><body>{sheets}</body></html>").write_pdf()


@pytest.fixture(scope="module")
def parts() -> list[Part]:
    return [Part(write(PART_A), frozenset({"front"})),
            Part(write(PART_B), frozenset({"ch1", "s1"})),
            Part(write(PART_C), frozenset({"back", "notes"}), pad_before=True)]


@pytest.fixture(scope="module")
def folio_pdf() -> bytes:
    return folios(["none", "number", "number", "blank", "number", "number"])


@pytest.fixture(scope="module")
def book(parts: list[Part], folio_pdf: bytes) -> bytes:
    return joined(parts, folio_pdf)


@pytest.fixture(scope="module")
def reader(book: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(book))


# ------------------------------------------------------------------- helpers


def operations(page) -> list[tuple[list, bytes]]:
    return ContentStream(page.get_contents(), page.pdf).operations


def mcids(page) -> list[int]:
    return [operands[1]["/MCID"] for operands, operator in operations(page)
            if operator == b"BDC" and isinstance(operands[1], DictionaryObject) and "/MCID" in operands[1]]


def parent_tree(reader: PdfReader) -> dict[int, object]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {nums[i]: nums[i + 1].get_object() for i in range(0, len(nums), 2)}


def document(reader: PdfReader) -> DictionaryObject:
    (element,) = reader.trailer["/Root"]["/StructTreeRoot"]["/K"]
    return element.get_object()


def struct_elements(element: DictionaryObject):
    yield element
    for kid in element.get("/K", []):
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            yield from struct_elements(kid)


def links(reader: PdfReader):
    """(page index, annotation) of every link annotation."""
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            if annotation.get_object()["/Subtype"] == "/Link":
                yield index, annotation


def count(book: bytes, predicate: Callable[[pikepdf.Dictionary], bool]) -> int:
    """How many of the file's dictionaries meet `predicate` (qpdf lists every object written)."""
    with pikepdf.open(io.BytesIO(book)) as pdf:
        return sum(isinstance(obj, pikepdf.Dictionary) and predicate(obj) for obj in pdf.objects)


def is_structure_root(obj: pikepdf.Dictionary) -> bool:
    return obj.get("/Type") == "/StructTreeRoot"


def is_document(obj: pikepdf.Dictionary) -> bool:
    return obj.get("/S") == "/Document"


def is_outline_root(obj: pikepdf.Dictionary) -> bool:
    return "/First" in obj and "/Title" not in obj  # WeasyPrint's has no /Type


def contains_in_order(text: str, pieces: Sequence[str]) -> bool:
    position = 0
    for piece in pieces:
        position = text.find(piece, position)
        if position < 0:
            return False
        position += len(piece)
    return True


# ------------------------------------------------------------------- pages and text


def test_pypdf_reads_the_pages_in_order_with_their_folios(reader: PdfReader) -> None:
    assert len(reader.pages) == len(PAGE_TEXTS)
    for page, expected in zip(reader.pages, PAGE_TEXTS, strict=False):
        text = page.extract_text()
        assert contains_in_order(text, expected), (text, expected)
        assert text.split()[-1] == expected[-1].split()[-1]  # the folio, or no folio


def test_pdfminer_reads_the_pages_in_order_with_their_folios(book: bytes) -> None:
    def text(container) -> str:  # the folios are drawn from form XObjects: pdfminer's figures
        return " ".join(element.get_text().strip() if isinstance(element, LTTextContainer) else text(element)
                        for element in container if isinstance(element, (LTTextContainer, LTFigure)))

    pages = [text(page) for page in extract_pages(io.BytesIO(book), laparams=LAParams(all_texts=True))]
    assert len(pages) == len(PAGE_TEXTS)
    for text, expected in zip(pages, PAGE_TEXTS, strict=False):
        assert contains_in_order(text, expected), (text, expected)
    assert pages[PADDING] == "Intentionally blank"
    assert pages[0].endswith("See chapter one.")  # no folio


def test_qpdf_finds_no_error(book: bytes) -> None:
    assert syntax_problems(book) == []


def test_the_folio_is_drawn_over_the_page_as_a_footer_artifact(reader: PdfReader) -> None:
    for index in (1, 2, 4, 5):
        page = reader.pages[index]
        ops = operations(page)
        # The part's content in q ... Q: the folio is drawn in the page's initial graphics state.
        assert ops[0] == ([], b"q")
        assert [operator for _, operator in ops[-6:]] == [b"Q", b"BDC", b"q", b"Do", b"Q", b"EMC"]
        assert ops[-5][0] == ["/Artifact", {"/Type": "/Pagination", "/Subtype": "/Footer"}]
        # The page's own folio, and no other page's: the part's pages shared their resources.
        (form,) = page["/Resources"]["/XObject"].values()
        assert form.get_object() == page["/Resources"]["/XObject"][ops[-3][0][0]]
        assert form.get_object()["/Subtype"] == "/Form"


def test_the_folio_may_draw_into_the_bleed() -> None:
    style = "<style>@page { bleed: 5mm; @bottom-right { content: counter(page) } }</style>"
    part = Part(write(f'<html lang="en"><head>{style}</head><body><p>Text.</p></body></html>'), frozenset())
    page = PdfReader(io.BytesIO(joined([part], HTML(string=f"{style}<div></div>").write_pdf()))).pages[0]
    (form,) = page["/Resources"]["/XObject"].values()
    assert list(form.get_object()["/BBox"]) == list(page["/MediaBox"]) != list(page["/TrimBox"])


def test_an_empty_folio_leaves_the_page_alone(reader: PdfReader, parts: list[Part]) -> None:
    original = PdfReader(io.BytesIO(parts[0].pdf)).pages[0]
    assert operations(reader.pages[0]) == operations(original)
    assert not reader.pages[0]["/Resources"]["/XObject"]


def test_the_padding_page_is_an_empty_page_with_its_folio(reader: PdfReader) -> None:
    page = reader.pages[PADDING]
    ops = [operator for _, operator in operations(page)]
    assert ops == [b"q", b"Q", b"BDC", b"q", b"Do", b"Q", b"EMC"]  # nothing but the folio, an artifact
    assert list(page["/MediaBox"]) == list(reader.pages[PADDING - 1]["/MediaBox"])
    assert "/StructParents" not in page and "/Annots" not in page


def test_a_folio_page_drawn_on_several_pages_is_copied_once(parts: list[Part], folio_pdf: bytes) -> None:
    # every page but the first gets the second folio page ("2")
    reader = PdfReader(io.BytesIO(assemble(parts, [folio_pdf], [(0, 0)] + [(0, 1)] * 5)))
    forms = {form.idnum for page in reader.pages[1:] for form in page["/Resources"]["/XObject"].values()}
    assert len(forms) == 1
    assert [page.extract_text().split()[-1] for page in reader.pages[1:3]] == ["2", "2"]


# ------------------------------------------------------------------- structure tree


def test_one_structure_tree_and_outline_for_the_book(book: bytes) -> None:
    # No part's own StructTreeRoot, Document or outline dictionary came along.
    assert count(book, is_structure_root) == 1
    assert count(book, is_document) == 1
    assert count(book, is_outline_root) == 1


def test_the_elements_of_margin_boxes_join_the_books_document() -> None:
    # WeasyPrint maps the content of margin boxes to elements outside the tree, children
    # of the part's Document.
    html = ('<html lang="en"><head><style>@page { @top-center { content: "Running head" } }</style></head>'
            '<body><h1 id="h-INDEX">Part INDEX</h1></body></html>')
    parts = [Part(write(html.replace("INDEX", str(index))), frozenset({f"h-{index}"})) for index in range(2)]
    book = joined(parts, folios(["number", "number"]))
    assert count(book, is_structure_root) == count(book, is_document) == 1
    reader = PdfReader(io.BytesIO(book))
    doc = document(reader).indirect_reference.idnum
    topmost = set()
    for elements in parent_tree(reader).values():
        for element in elements:
            element = element.get_object()
            while element.raw_get("/P").idnum != doc:
                element = element["/P"]
            topmost.add(element.indirect_reference.idnum)
    kids = {kid.idnum for kid in document(reader)["/K"]}
    assert topmost - kids  # the margin boxes' elements, under the book's Document


def test_the_document_holds_every_parts_elements_in_order(reader: PdfReader, parts: list[Part]) -> None:
    doc = document(reader)
    kinds = [kid.get_object()["/S"] for kid in doc["/K"]]
    expected = [kid.get_object()["/S"] for part in parts
                for kid in document(PdfReader(io.BytesIO(part.pdf)))["/K"]]
    assert kinds == expected
    assert kinds[0] == "/H1" and kinds.count("/H1") == 3
    assert {kid.get_object().raw_get("/P").idnum for kid in doc["/K"]} == {doc.indirect_reference.idnum}
    assert doc.raw_get("/P").idnum == reader.trailer["/Root"].raw_get("/StructTreeRoot").idnum


def test_every_marked_content_maps_to_an_element_on_its_page(reader: PdfReader) -> None:
    nums = parent_tree(reader)
    pages = 0
    for index, page in enumerate(reader.pages):
        if index == PADDING:
            assert not mcids(page) and "/StructParents" not in page
            continue
        elements = nums[page["/StructParents"]]
        assert sorted(mcids(page)) == list(range(len(elements)))
        for mcid in mcids(page):
            element = elements[mcid].get_object()
            assert element["/Type"] == "/StructElem"
            assert element.raw_get("/Pg").idnum == page.indirect_reference.idnum
            assert mcid in [kid for kid in element["/K"] if isinstance(kid, int)]
        pages += 1
    assert pages == len(reader.pages) - 1


def test_every_link_maps_to_its_link_element(reader: PdfReader) -> None:
    nums = parent_tree(reader)
    found = list(links(reader))
    assert len(found) == 3
    for index, reference in found:
        element = nums[reference.get_object()["/StructParent"]]
        assert element["/S"] == "/Link"
        (objr,) = [kid.get_object() for kid in element["/K"]
                   if isinstance(kid.get_object(), DictionaryObject) and kid.get_object().get("/Type") == "/OBJR"]
        assert objr.raw_get("/Obj").idnum == reference.idnum
        assert objr.raw_get("/Pg").idnum == reader.pages[index].indirect_reference.idnum


def test_the_parent_tree_keys_are_unique_sorted_and_bounded(reader: PdfReader) -> None:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = list(nums[::2])
    assert keys == sorted(set(keys))
    assert reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTreeNextKey"] > keys[-1]
    used = [page["/StructParents"] for page in reader.pages if "/StructParents" in page]
    used += [annotation.get_object()["/StructParent"] for _, annotation in links(reader)]
    assert sorted(used) == keys


def test_table_header_ids_stay_unique(reader: PdfReader, parts: list[Part]) -> None:
    def ids(doc: DictionaryObject) -> list[str]:
        return [element["/ID"] for element in struct_elements(doc) if "/ID" in element]

    in_parts = [ids(document(PdfReader(io.BytesIO(part.pdf)))) for part in parts]
    assert set(in_parts[1]) == set(in_parts[2])  # WeasyPrint numbered both tables alike
    in_book = ids(document(reader))
    assert len(in_book) == len(set(in_book)) == len(in_parts[1]) * 2
    headers = [header for element in struct_elements(document(reader))
               for header in element.get("/A", {}).get("/Headers", [])]
    assert headers and set(headers) <= set(in_book)


# ------------------------------------------------------------------- destinations and outlines


def test_named_destinations_are_the_owned_ones_on_their_pages(reader: PdfReader) -> None:
    dests = reader.named_destinations
    assert {name: reader.get_destination_page_number(dest) for name, dest in dests.items()} == DESTINATIONS
    names = reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"][::2]
    assert names == sorted(names)


def test_parts_held_placeholders(parts: list[Part]) -> None:
    # The premise of the test above: each part also had a destination it does not own.
    for part in parts:
        assert set(PdfReader(io.BytesIO(part.pdf)).named_destinations) - part.owned


def test_links_across_parts_land_on_their_pages(reader: PdfReader) -> None:
    dests = reader.named_destinations
    landings = {(index, reader.get_destination_page_number(dests[annotation.get_object()["/Dest"]]))
                for index, annotation in links(reader)}
    assert landings == {(0, 1), (2, 0), (5, 2)}


def test_the_outlines_follow_one_another(reader: PdfReader) -> None:
    def flatten(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    assert list(flatten(reader.outline)) == [
        (0, "Front matter", 0), (0, "Chapter one", 1), (1, "Section one", 2),
        (0, "Back matter", 4), (1, "Notes", 5)]
    outlines = reader.trailer["/Root"]["/Outlines"]
    top = [outlines["/First"]]
    while "/Next" in top[-1]:
        top.append(top[-1]["/Next"])
    assert [item["/Title"] for item in top] == ["Front matter", "Chapter one", "Back matter"]
    assert {item.raw_get("/Parent").idnum for item in top} == {outlines.indirect_reference.idnum}
    assert [item["/Prev"] for item in top[1:]] == top[:-1] and "/Prev" not in top[0]
    assert outlines["/Last"] == top[-1]
    assert top[1]["/Count"] == -1  # "Chapter one" is closed
    assert outlines["/Count"] == 4  # the visible items: all but "Section one"


# ------------------------------------------------------------------- document


def test_catalog_and_metadata_come_from_the_first_part(reader: PdfReader, parts: list[Part], book: bytes) -> None:
    first = PdfReader(io.BytesIO(parts[0].pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert catalog["/Metadata"].get_data() == first.trailer["/Root"]["/Metadata"].get_data()
    assert b"pdfuaid:part" in catalog["/Metadata"].get_data()
    assert reader.metadata.title == "The Book" and reader.metadata.author == "A. Writer"
    assert reader.metadata.producer == first.metadata.producer
    assert book.startswith(b"%PDF-1.7")


def test_the_same_parts_give_the_same_bytes(parts: list[Part], folio_pdf: bytes, book: bytes) -> None:
    assert joined(parts, folio_pdf) == book


def test_parts_prepared_where_typeset_join_into_the_same_book(parts: list[Part], folio_pdf: bytes,
                                                               book: bytes) -> None:
    """A part prepared in its typesetting process (and kept so in the cache) is joined without
    its tree being walked again, into the bytes the unprepared part gives."""
    from dataclasses import replace

    from publish.render.pdf.assemble import prepare_part
    from publish.render.pdf.structure import PREPARED_ORPHANS

    prepared = [replace(part, pdf=prepare_part(part.pdf, f"{index}-".encode())) for index, part in enumerate(parts)]
    for part in prepared:
        with pikepdf.open(io.BytesIO(part.pdf)) as pdf:
            assert PREPARED_ORPHANS in pdf.Root.StructTreeRoot
    assert joined(prepared, folio_pdf) == book


@pytest.mark.parametrize(("variants", "version"), [
    (("pdf/a-1b", "pdf/a-1b"), "1.4"),
    (("pdf/a-1b", "pdf/ua-1"), "1.7"),
    (("pdf/ua-2", "pdf/ua-2"), "2.0"),
])
def test_the_highest_version_of_the_parts(variants, version, tmp_path) -> None:
    html = '<html lang="en"><body><h1 id="h{0}">Part {0}</h1><p>Text.</p></body></html>'
    parts = [Part(write(html.format(index), variant), frozenset({f"h{index}"})) for index, variant in enumerate(variants)]
    book = joined(parts, folios(["number", "number"]))
    assert book.startswith(f"%PDF-{version}".encode())
    path = tmp_path / "book.pdf"
    path.write_bytes(book)
    assert syntax_problems(path) == []
    if version == "1.4":  # PDF/A-1 forbids object streams
        assert b"/ObjStm" not in book
    with pikepdf.open(path) as pdf:
        if version == "2.0":  # the PDF 2.0 namespace of the structure tree
            assert len(pdf.Root.StructTreeRoot.Namespaces) == 1
            assert pdf.Root.StructTreeRoot.Namespaces[0] == pdf.Root.StructTreeRoot.K[0].NS


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize("kinds", [["number"] * 5, ["number"] * 7], ids=["fewer", "more"])
def test_the_folios_must_have_the_books_page_count(parts: list[Part], kinds: list[str]) -> None:
    with pytest.raises(ValueError, match="the furniture names"):
        joined(parts, folios(kinds))


def test_two_owners_of_one_destination(parts: list[Part], folio_pdf: bytes) -> None:
    twice = [parts[0], parts[1], Part(parts[2].pdf, parts[2].owned | {"s1"}, pad_before=True)]
    with pytest.raises(ValueError, match="parts 1 and 2 both own the destination 's1'"):
        joined(twice, folio_pdf)


def test_a_link_nobody_owns(parts: list[Part], folio_pdf: bytes) -> None:
    orphaned = [parts[0], Part(parts[1].pdf, parts[1].owned - {"ch1"}), parts[2]]
    with pytest.raises(ValueError, match="no part owns: 'ch1'"):
        joined(orphaned, folio_pdf)


def test_tagged_and_untagged_parts_do_not_mix(parts: list[Part]) -> None:
    untagged = Part(HTML(string=PART_A).write_pdf(), parts[0].owned)
    with pytest.raises(ValueError, match="part 1 is not tagged"):
        joined([parts[0], untagged], folios(["number", "number"]))


def test_interactive_forms_are_refused(parts: list[Part]) -> None:
    form = Part(write('<html lang="en"><body><form><input name="x"></form></body></html>', pdf_forms=True),
                frozenset())
    with pytest.raises(ValueError, match="cannot join the catalog entries /AcroForm"):
        joined([parts[0], form], folios(["number", "number"]))


def test_folios_may_come_in_several_documents(parts: list[Part], book: bytes):
    kinds = ["none", "number", "number", "blank", "number", "number"]
    first, second = folios(kinds[:3]), folios(kinds[3:])
    split = PdfReader(io.BytesIO(assemble(parts, [first, second], [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)])))
    assert len(split.pages) == len(PdfReader(io.BytesIO(book)).pages)
    # the second run numbers its pages from 1: page 5 shows "2"
    assert split.pages[4].extract_text().split()[-1] == "2"
