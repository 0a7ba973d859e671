"""A book typeset in parts and assembled, against the same book typeset in one go.

A book of seven short articles is assembled from nine parts (the front matter,
each article, the back matter); the book typeset as one document is the
reference, read back with pypdf, pdftotext and qpdf.
"""

from __future__ import annotations

import dataclasses
import io
import re
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.render.pdf import book as pdf
from publish.render.pdf import parts as pdf_parts
from publish.render.pdf.parts import (
    BLANK_KINDS,
    FOLIO_WINDOW,
    LaidPart,
    body_folio,
    body_windows,
    book_page_kinds,
    first_pages,
    folio_document,
    window_kinds,
)
from publish.verify.run import check_outputs
from tests.pdftools import page_texts, syntax_problems
from tests.samplebook import book_context

ARTICLES = 7


def write_book(folder: Path) -> Path:
    """Seven posts, each citing a section of the next (a page reference across parts)."""
    folder.mkdir()
    for i in range(1, ARTICLES + 1):
        j = i % ARTICLES + 1
        paragraphs = "\n\n".join(
            f"Paragraph {k} of post {i} weighs supply, demand, prices, shipping routes and storage "
            f"for quarter {k}, which the IEA figures put in a longer perspective.[^n{k}]" for k in range(1, 7))
        energy = "\n\n".join(
            f"Energy paragraph {k} of post {i} turns to the policy choices ahead for both governments, "
            f"and to what each would have to give." for k in range(1, 9))
        notes = "\n".join(f"[^n{k}]: Note {k} of post {i}." for k in range(1, 7))
        (folder / f"2025-03-0{i}-post-{i}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "Outlook number {i} for the alliance"
            author: Analyst Number{i}
            date: 2025-03-0{i}
            ---
            The International Energy Agency (IEA) reviewed the outlook for quarter {i}.

            ## Trade outlook {i}

            See [the trade outlook of post {j}](#outlook-number-{j}-for-the--trade-outlook-{j}) and the
            [energy question](#outlook-number-{j}-for-the--energy-question-{j}).

            """) + paragraphs + f"\n\n## Energy question {i}\n\n" + energy + "\n\n" + notes + "\n",
            encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The book typeset in one go, in parts by one process, and in parts by two."""
    source = write_book(tmp_path_factory.mktemp("parts") / "book")
    book = load_book(source, Reporter(stream=None))
    out = {"single": pdf.layout_in_one_go(book, book_context(source, Reporter(stream=None)))}
    for jobs in ("1", "2"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PUBLISH_JOBS", jobs)
            reporter = Reporter(stream=None)
            out[f"parts-{jobs}"] = pdf.layout(book, book_context(source, reporter))
            out[f"warnings-{jobs}"] = reporter.warnings
            out["plan"] = pdf_parts.plan(book)
    out["book"] = book
    return out


def pages_text(data: bytes, tmp_path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page).strip() for page in page_texts(data)]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return entries


def links(reader: PdfReader) -> list[list[str]]:
    per_page = []
    for page in reader.pages:
        found = []
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                found.append("#" + str(annotation["/Dest"]))
            elif "/A" in annotation:
                found.append(str(annotation["/A"].get("/URI")))
        per_page.append(sorted(found))
    return per_page


def test_the_plan_has_front_matter_each_article_and_back_matter(built):
    plan = built["plan"]
    assert plan[0].front and not plan[0].articles
    assert [list(part.articles) for part in plan[1:-1]] == [[i] for i in range(ARTICLES)]
    assert plan[-1].back


def test_a_book_of_front_matter_alone_is_one_part():
    from tests.samplebook import sample_book

    book = dataclasses.replace(sample_book(), articles=(), people=(), abbreviations=())
    assert pdf_parts.plan(book) == [pdf_parts.PrintPart(front=True)]


def test_parts_give_the_same_pages_as_one_document(built, tmp_path):
    single = pages_text(built["single"].data, tmp_path)
    assembled = pages_text(built["parts-2"].data, tmp_path)
    # every page: body text, running heads, folios, contents numbers, "(p. N)" references
    assert assembled == single
    assert any(re.search(r"\(p\. \d+\)", page) for page in assembled)


def test_parts_give_the_same_outline_destinations_and_links(built):
    single = PdfReader(io.BytesIO(built["single"].data))
    assembled = PdfReader(io.BytesIO(built["parts-2"].data))
    assert outline(assembled) == outline(single)
    assert {name: assembled.get_destination_page_number(dest)
            for name, dest in assembled.named_destinations.items()} == \
        {name: single.get_destination_page_number(dest) for name, dest in single.named_destinations.items()}
    assert links(assembled) == links(single)
    assert assembled.trailer["/Root"]["/Lang"] == single.trailer["/Root"]["/Lang"]
    assert assembled.metadata.title == single.metadata.title


def test_page_labels_are_the_printed_numbers(built, tmp_path):
    single = PdfReader(io.BytesIO(built["single"].data))
    assembled = PdfReader(io.BytesIO(built["parts-2"].data))
    assert assembled.page_labels == single.page_labels
    first_article = next(i for i, page in enumerate(pages_text(built["single"].data, tmp_path))
                         if "Paragraph 1 of post 1 " in page)
    assert single.page_labels[:3] == ["i", "ii", "iii"]
    assert single.page_labels[first_article] == "1"
    assert single.page_labels[-1] == str(len(single.pages) - first_article)


def test_parts_put_every_anchor_on_the_same_page(built, tmp_path):
    assert built["parts-2"].anchors == built["single"].anchors
    # counted from the cover
    first = built["book"].articles[0].id
    pages = pages_text(built["single"].data, tmp_path)
    assert "Paragraph 1 of post 1 " in pages[built["parts-2"].anchors[first] - 1]


def test_one_process_and_two_give_the_same_bytes(built):
    assert built["parts-1"].data == built["parts-2"].data
    assert built["warnings-1"] == built["warnings-2"] == []


def test_the_assembled_book_passes_qpdf_and_the_check(built, tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(built["parts-2"].data)
    assert syntax_problems(path) == []
    assert [str(f) for f in check_outputs(built["book"], {"pdf": path})] == []


# ------------------------------------------------------------------- page arithmetic


def laid(*kinds: str) -> LaidPart:
    return LaidPart(b"", {}, kinds, ())


def test_every_part_starts_on_a_right_hand_page():
    parts = [laid("", ""), laid("", "", ""), laid("")]
    assert first_pages(parts) == [1, 3, 7]
    assert book_page_kinds(parts, first_pages(parts)) == ["", "", "", "", "", "blank", ""]


def test_folio_windows_depend_only_on_where_they_start():
    kinds = ["body", "body", "blank", "", ""] + [""] * FOLIO_WINDOW
    windows = body_windows(kinds)
    assert [(run.start, len(run)) for run in windows] == [(0, FOLIO_WINDOW), (FOLIO_WINDOW, FOLIO_WINDOW)]
    # a blank page takes its neighbour's kind (its folio is a blank page's), and the
    # window runs past the end with the last page's
    assert window_kinds(kinds, windows[0])[:5] == ["body", "body", "body", "", ""]
    assert window_kinds(kinds, windows[1]) == [""] * FOLIO_WINDOW
    # two more pages before page 6 move its blank page, not the second window's kinds
    shifted = ["body", "body", "body", "body", "blank", "", ""] + [""] * FOLIO_WINDOW
    assert window_kinds(shifted, body_windows(shifted)[1]) == window_kinds(kinds, windows[1])


def test_a_blank_page_gets_the_furniture_of_a_blank_page_on_its_side():
    kinds = ["", "blank", "", "", "blank"]
    assert body_folio(kinds, 0) == (2, 0)
    assert body_folio(kinds, 1) == (1, BLANK_KINDS.index("blank"))  # page 2: a left-hand blank page
    assert body_folio(kinds, 4) == (1, len(BLANK_KINDS) - 1 - BLANK_KINDS[::-1].index("blank"))  # page 5: right
    assert BLANK_KINDS[1] == BLANK_KINDS[4] == "blank"


def test_folio_document_makes_blank_pages_by_breaks_and_groups_named_pages():
    document = folio_document(["cover", "blank", "front", "front", "body", "blank", ""], range(7), "en")
    assert document.count('class="folio-sheet') == 5
    assert document.count('style="page: front"') == 1  # two pages, one element: one page group
    assert 'style="break-before: right"' in document  # page 3 after the blank page 2
    assert 'style="break-before: right"' in document.split("page: body")[1]  # page 7 after page 6


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-2", "none"])
def test_every_pdf_variant_can_be_assembled(built, variant, tmp_path, monkeypatch):
    book = built["book"]
    ctx = dataclasses.replace(book_context(Path(book.articles[0].pos.path).parent, Reporter(stream=None)),
                              pdf_variant=variant)
    data = pdf.layout(book, ctx).data
    path = tmp_path / "book.pdf"
    path.write_bytes(data)
    assert syntax_problems(path) == []
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert len(reader.pages) == len(PdfReader(io.BytesIO(built["single"].data)).pages)
    assert "/StructTreeRoot" in root  # tagged whatever the variant
    if variant == "pdf/a-3b":
        assert "/OutputIntents" in root
        assert b"pdfaid" in root["/Metadata"].get_object().get_data()
    if variant == "pdf/ua-2":
        assert reader.pdf_header.startswith("%PDF-2.0")


def test_a_time_limit_stops_every_part_and_writes_nothing(built, tmp_path, monkeypatch):
    import multiprocessing

    from publish import api
    from publish.diagnostics import BuildError

    monkeypatch.setenv("PUBLISH_JOBS", "2")
    source = Path(built["book"].articles[0].pos.path).parent
    with pytest.raises(BuildError, match="time"):
        api.build(source, tmp_path / "out", api.BuildOptions(formats=["pdf"], timeout=1), reporter=Reporter(stream=None))
    assert not list((tmp_path / "out").glob("*.pdf"))
    assert multiprocessing.active_children() == []
