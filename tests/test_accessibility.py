"""Accessibility as the field's checkers see it: Ace by DAISY on every EPUB the suite knows, a
PDF/UA-1 checker on every PDF, and what those checkers do not cover, asserted here."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.render.epub import package as epub
from publish.render.pdf import book as pdf
from tests.ace import violations
from tests.samplebook import FIXTURES_DIR, book_context, sample_book, sample_context

ROOT = Path(__file__).resolve().parent.parent
#: Every source folder the suite builds, and the hand-made book that has every node type.
BOOKS = {"seed": ROOT / "content", "japanese": FIXTURES_DIR / "japanese", "sources": ROOT / "tests" / "sources"}


@pytest.fixture(scope="module")
def epubs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ace")
    built = {}
    for name, source in BOOKS.items():
        data = epub.render(load_book(source, Reporter(stream=None)), book_context(source, Reporter(stream=None)))
        built[name] = folder / f"{name}.epub"
        built[name].write_bytes(data)
    built["sample"] = folder / "sample.epub"
    built["sample"].write_bytes(epub.render(sample_book(), sample_context()))
    return built


@pytest.mark.parametrize("name", [*BOOKS, "sample"])
def test_ace_finds_no_violation(name, epubs, tmp_path):
    assert violations(epubs[name], tmp_path / "report") == []


def test_the_package_declares_its_language_and_claims_what_holds(epubs):
    with zipfile.ZipFile(epubs["japanese"]) as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert re.search(r'<package [^>]*xml:lang="en-GB"', opf)  # the manifest's language
    assert "EPUB Accessibility 1.1 - WCAG 2.1 Level AA" in opf


def test_every_epub_type_has_its_aria_role(epubs):
    """The pairs DPUB-ARIA defines; Ace's epub-type-has-matching-role checks them."""
    pairs = {"glossary": "doc-glossary", "endnotes": "doc-endnotes", "footnote": "doc-footnote",
             "noteref": "doc-noteref"}
    seen = set()
    for path in epubs.values():
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith(".xhtml"):
                    continue
                for tag in re.findall(r"<[a-z]+ [^>]*epub:type=\"[^\"]+\"[^>]*>", archive.read(name).decode()):
                    kind = re.search(r'epub:type="([^"]+)"', tag).group(1)
                    if kind in pairs:
                        seen.add(kind)
                        assert f'role="{pairs[kind]}"' in tag, (name, tag)
    assert seen == set(pairs)


def test_a_lead_image_without_alt_gets_one(tmp_path):
    source = tmp_path / "book"
    (source / "images").mkdir(parents=True)
    (source / "images" / "chart.png").write_bytes((FIXTURES_DIR / "images" / "chart.png").read_bytes())
    (source / "2025-01-01-lead.md").write_text("---\ntitle: A lead image\nauthor: Ann Lee\nimage: images/chart.png\n"
                                               "---\nText.\n", encoding="utf-8")
    data = epub.render(load_book(source, Reporter(stream=None)), book_context(source, Reporter(stream=None)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        page = next(archive.read(n).decode() for n in archive.namelist() if n.endswith("lead-image.xhtml"))
    assert re.search(r'<img [^>]*alt="Lead image of the article “A lead image”"', page)


# ----------------------------------------------------------------------- PDF


def pdfua_findings(path: Path) -> list[str]:
    """Every error and warning of the pdfua checker (the machine-checkable subset of PDF/UA-1)."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1, 2, 3), done.stderr
    report = json.loads(done.stdout)
    files = report if isinstance(report, list) else report.get("files", [report])
    return [f"{f.get('rule_id') or f.get('rule')} {f.get('message', '')[:160]}"
            for entry in files for f in entry.get("findings", [])
            if str(f.get("severity", "")).lower() in ("error", "warning")]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfua")
    built = {}
    for name, source in BOOKS.items():
        book = load_book(source, Reporter(stream=None))
        ctx = book_context(source, Reporter(stream=None))
        built[name] = folder / f"{name}.pdf"
        built[name].write_bytes(pdf.render(book, ctx))
        if name == "japanese":  # in one go, the PDF/UA-2 variant and a handout, on the Japanese fixture
            import dataclasses

            # a book is typeset in parts: the same book in one go must be as accessible
            built["one-go"] = folder / "one-go.pdf"
            built["one-go"].write_bytes(pdf.layout_in_one_go(book, ctx).data)
            # PDF/UA-2 too; a PDF/A variant declares PDF/A, not PDF/UA (see the README)
            built["pdf-ua-2"] = folder / "pdf-ua-2.pdf"
            built["pdf-ua-2"].write_bytes(pdf.render(book, dataclasses.replace(ctx, pdf_variant="pdf/ua-2")))
            built["handout"] = folder / "handout.pdf"
            built["handout"].write_bytes(pdf.handouts(book, ctx)[0][1])
    built["sample"] = folder / "sample.pdf"
    built["sample"].write_bytes(pdf.render(sample_book(), sample_context()))
    return built


@pytest.mark.parametrize("name", [*BOOKS, "sample", "one-go", "pdf-ua-2", "handout"])
def test_the_pdf_ua_checker_finds_nothing(name, pdfs):
    assert pdfua_findings(pdfs[name]) == []


def structure(path: Path):
    """(tag, element) of the structure tree in its reading order, depth first."""
    import pikepdf

    document = pikepdf.open(path)
    out = []
    stack = [document.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if element.get("/S") is not None:
            out.append((str(element.get("/S")), element))
        children = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        stack.extend(reversed([k for k in children if isinstance(k, pikepdf.Dictionary) and "/S" in k]))
    return document, out


@pytest.mark.parametrize("name", [*BOOKS, "one-go"])
def test_the_structure_tree_reads_in_the_models_order(name, pdfs):
    """Headings in the tree come in the order of the contents, figures have /Alt, table headers
    a /Scope, and the viewer shows the document's title; the checker covers none of these."""
    from publish.model.nodes import Heading
    from publish.model.walk import iter_nodes, plain_text
    from tests.pdftools import page_texts

    source = BOOKS.get(name, BOOKS["japanese"])
    book = load_book(source, Reporter(stream=None))
    document, elements = structure(pdfs[name])
    assert document.Root.ViewerPreferences.DisplayDocTitle is True
    tags = [tag for tag, _ in elements]
    assert not [e for tag, e in elements if tag == "/Figure" and not str(e.get("/Alt", "")).strip()]
    headers = [e for tag, e in elements if tag == "/TH"]
    for header in headers:
        import pikepdf

        attributes = header.get("/A")
        attributes = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
        assert any(a.get("/Scope") is not None for a in attributes if a is not None), header
    # the article titles, in the book's order, as H1s: what a screen reader's heading list shows
    assert tags.count("/H1") >= len(book.articles)
    text = " ".join(page_texts(pdfs[name]))
    titles = [a.meta.title for a in book.articles]
    assert [t for t in titles if t in text] == titles
    headings = [plain_text(n.children) for a in book.articles for n in iter_nodes(a.blocks) if isinstance(n, Heading)]
    assert sum(tags.count(f"/H{level}") for level in range(1, 7)) >= len(book.articles) + len(headings)


@pytest.mark.parametrize("name", [*BOOKS, "one-go"])
def test_every_link_annotation_has_contents_and_a_link_element(name, pdfs):
    import pikepdf

    document, elements = structure(pdfs[name])
    links = [e for tag, e in elements if tag == "/Link"]
    annotations = [a for page in document.pages for a in page.get("/Annots", [])
                   if a.get("/Subtype") == "/Link"]
    assert annotations
    assert not [a for a in annotations if not str(a.get("/Contents", "")).strip()]
    referenced = {k.get("/Obj").objgen for link in links for k in
                  (link.get("/K") if isinstance(link.get("/K"), pikepdf.Array) else [link.get("/K")])
                  if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"}
    assert {a.objgen for a in annotations} <= referenced


# ---------------------------------------------------------------------- DOCX


def test_the_word_document_has_outline_levels_languages_header_rows_and_descriptions():
    from lxml import etree

    from publish.render.docx import writer as docx

    source = BOOKS["japanese"]
    data = docx.render(load_book(source, Reporter(stream=None)), book_context(source, Reporter(stream=None)))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    levels = {s.get(f"{w}styleId"): s.find(f"{w}pPr/{w}outlineLvl").get(f"{w}val")
              for s in styles.iter(f"{w}style") if s.find(f"{w}pPr/{w}outlineLvl") is not None}
    assert {f"Heading{n}": str(n - 1) for n in range(1, 7)}.items() <= levels.items()
    default = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}lang")
    assert (default.get(f"{w}val"), default.get(f"{w}eastAsia")) == ("en-GB", "ja-JP")
    assert settings.find(f"{w}themeFontLang").get(f"{w}eastAsia") == "ja-JP"
    for table in document.iter(f"{w}tbl"):
        assert table.find(f"{w}tr/{w}trPr/{w}tblHeader") is not None
    descriptions = [p.get("descr") for p in document.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                                                          "wordprocessingDrawing}docPr")]
    assert descriptions and all(d.strip() for d in descriptions)
    japanese = [r for r in document.iter(f"{w}r") if "経済" in "".join(r.itertext())]
    assert japanese and all(r.find(f"{w}rPr/{w}lang").get(f"{w}eastAsia") == "ja-JP" for r in japanese)


def test_japanese_runs_are_one_model_node_marked_in_the_epub_and_pdf(epubs, pdfs):
    from publish.model.nodes import Span
    from publish.model.walk import iter_nodes

    book = load_book(BOOKS["japanese"], Reporter(stream=None))
    spans = [n for a in book.articles for n in iter_nodes(a.blocks) if isinstance(n, Span) and n.lang]
    assert spans and {s.lang for s in spans} == {"ja"}
    with zipfile.ZipFile(epubs["japanese"]) as archive:
        page = archive.read("EPUB/01-key-terms-and-friends.xhtml").decode()
    assert '<span class="language" lang="ja" xml:lang="ja">経済安全保障推進法</span>' in page
    _document, elements = structure(pdfs["japanese"])
    assert any(str(e.get("/Lang", "")) == "ja" for _, e in elements)
