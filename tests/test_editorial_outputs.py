"""People and abbreviations reach all three formats, read back with independent readers."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from publish.api import build, load_book
from publish.diagnostics import Reporter

from .conftest import CONTENT

XHTML = "{http://www.w3.org/1999/xhtml}"
PEOPLE = {
    "William CHOU": ("Speaker", "Hudson Institute"),
    "Daisuke Kawai": ("Author", "Project Assistant Professor"),  # his bio says who he is
    "TOMIURA Eiichi": ("Commentator & Moderator", "Otsuma Women’s University"),
}
DEFINED = ("FOIP", "FEFTA", "PTAAP", "JIP", "DFC")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outdir = tmp_path_factory.mktemp("dist")
    written = build(CONTENT, outdir, reporter=Reporter(stream=None))
    return {p.suffix[1:]: p for p in written}


@pytest.fixture(scope="module")
def book():
    return load_book(CONTENT, Reporter(stream=None))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_people_and_abbreviations(outputs, book) -> None:
    pages = [_squash(page.extract_text()) for page in PdfReader(outputs["pdf"]).pages]
    people_page = next(p for p in pages if p.startswith("People in this briefing") or
                       "People in this briefing William CHOU" in p)
    order = [people_page.index(name) for name in PEOPLE]
    assert order == sorted(order)  # by family name: Chou, Kawai, Tomiura
    for name, (role, detail) in PEOPLE.items():
        # letter-spaced small capitals come out of the PDF as "S P E A K E R"
        entry = re.sub(r"\s", "", people_page[people_page.index(name):]).upper()
        assert re.sub(r"\s", "", role).upper() in entry and re.sub(r"\s", "", detail).upper() in entry
    glossary = next(p for p in pages if "Abbreviations" in p and "Free and Open Indo-Pacific" in p)
    listed = re.findall(r"\b([A-Z]{2,6})\b (?=[A-Z][a-z])", glossary)
    assert set(DEFINED) <= set(listed)
    assert set(listed) <= {a.short for a in book.abbreviations} | {"US"}


def test_epub_people_and_abbreviations(outputs, book) -> None:
    with zipfile.ZipFile(outputs["epub"]) as archive:
        people = etree.fromstring(archive.read("EPUB/people.xhtml"))
        glossary = etree.fromstring(archive.read("EPUB/abbreviations.xhtml"))
        event = next(etree.fromstring(archive.read(n)) for n in archive.namelist() if n.startswith("EPUB/02-"))
    entries = people.findall(f".//{XHTML}li[@class='person-entry']")
    assert [_squash(e.findtext(f".//{XHTML}span[@class='name']")) for e in entries] == list(PEOPLE)
    for entry, (name, (role, detail)) in zip(entries, PEOPLE.items(), strict=False):
        text = _squash("".join(entry.itertext()))
        assert role.lower() in text.lower() and detail in text
        assert entry.get("id") == next(c.person.id for c in book.people if c.person.name == name)
    terms = [_squash("".join(dt.itertext())) for dt in glossary.iter(f"{XHTML}dt")]
    assert set(DEFINED) <= set(terms) and set(terms) == {a.short for a in book.abbreviations}
    assert glossary.find(f".//{XHTML}section").get("{http://www.idpf.org/2007/ops}type") == "glossary"
    speakers = [a.get("href") for a in event.iter(f"{XHTML}a") if a.get("class") == "speaker"]
    assert len(speakers) == 8 and set(speakers) == {"people.xhtml#person-chou-william"}


def test_docx_people_and_abbreviations(outputs, book) -> None:
    document = docx.Document(str(outputs["docx"]))
    styles = [(p.style.name, _squash(p.text)) for p in document.paragraphs]
    names = [text for style, text in styles if style == "Person Name"]
    assert names == list(PEOPLE)
    details = " ".join(text for style, text in styles if style in ("Person Detail", "Bio"))
    for role, detail in PEOPLE.values():
        assert role in details and detail in details
    terms = [text.split(" ")[0] for style, text in styles if style == "Abbreviation Entry"]
    assert set(DEFINED) <= set(terms) and set(terms) == {a.short for a in book.abbreviations}
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings[-2:] == ["People in this briefing", "Abbreviations"]
