"""The nodes the readers of real sources need, in every format alike: a transcript's turns,
questions from the floor, stage directions and time marks; definition lists; numbered
paragraphs as a memo numbers them; callouts; a memo's marking; small capitals; Japanese dates
and roles."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree as ET

import pytest
from lxml import etree

from publish.conventions import format_date, role_label
from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.render.docx import writer as docx
from publish.render.epub import package as epub
from publish.render.pdf import book as pdf
from publish.transforms import apply_transforms
from tests.pdftools import page_texts
from tests.samplebook import FIXTURES_DIR, sample_context

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
POS = m.Pos(str(FIXTURES_DIR / "transcript.txt"))


def para(*inlines: m.Inline) -> m.Paragraph:
    return m.Paragraph(tuple(inlines))


def text(value: str) -> m.Text:
    return m.Text(value)


@pytest.fixture(scope="module")
def book() -> m.Book:
    moderator = m.Person("Rachel OKAFOR", "Okafor", "Rachel", roles=("moderator",))
    panellist = m.Person("Helen MARCH", "March", "Helen", roles=("panelist",), honorific="Dr.")
    memo_list = m.OrderedList((
        m.ListItem((para(text("First point.")),)),
        m.ListItem((para(text("Second point.")),)),
    ), start=1, style="lower-alpha", delimiter="()")
    blocks: tuple[m.Block, ...] = (
        m.Turn("RACHEL OKAFOR", (para(m.Timestamp("00:00:12"), text("Good morning, everyone.")),)),
        m.Exchange(
            m.Turn("OKAFOR", (para(text("Helen, how much of it is sabotage?")),), addressed_to=("Helen MARCH",)),
            (m.Turn("MARCH", (para(text("Less than the headlines suggest. "), m.Direction("Laughter.")),)),),
        ),
        m.Exchange(
            m.Turn("Q", (para(text("Is it about fishing rules?")),), asker="Sam Ortiz",
                   asker_affiliation="Gridwatch Analytics"),
            (m.Turn("MARCH", (para(text("Mostly, yes.")),)),),
        ),
        m.DefinitionList((m.DefinitionItem(((text("Interconnector"),),), ((para(text("A cable between grids.")),),)),)),
        memo_list,
        m.Div("callout", (para(text("Repair capacity is scarce.")),)),
        para(m.Span("smallcaps", (text("Classified Annex"),))),
    )
    article = m.Article("", m.ArticleMeta(title="Grid Security", people=(moderator, panellist),
                                          date=dt.date(2025, 5, 14), kind="transcript", marking="Official – Sensitive"),
                        blocks, pos=POS)
    meta = m.BookMeta(title="Book", slug="book", date=dt.date(2025, 11, 20), language="en")
    return apply_transforms(m.Book(meta, (article,)), Reporter(stream=None))


def test_turns_are_matched_to_people_by_the_transforms(book) -> None:
    blocks = book.articles[0].blocks
    assert isinstance(blocks[0], m.Turn) and blocks[0].person_id == "person-okafor-rachel"
    exchange = blocks[1]
    assert isinstance(exchange, m.Exchange)
    assert exchange.question.person_id == "person-okafor-rachel"  # the family name alone
    assert exchange.answers[0].person_id == "person-march-helen"
    asked = blocks[2]
    assert isinstance(asked, m.Exchange) and asked.question.person_id == ""  # an asker is nobody in the header


@pytest.fixture(scope="module")
def epub_page(book) -> ET.Element:
    with zipfile.ZipFile(io.BytesIO(epub.render(book, sample_context()))) as archive:
        name = next(n for n in archive.namelist() if n.endswith("grid-security.xhtml"))
        return ET.fromstring(archive.read(name))


def test_the_epub_sets_each_node_apart(epub_page) -> None:
    shown = "".join(epub_page.itertext())
    direction = epub_page.find(f".//{XHTML}i[@class='direction']")
    assert direction is not None and direction.text == "(Laughter.)"
    assert epub_page.find(f".//{XHTML}span[@class='timestamp']").text == "00:00:12"
    turn = epub_page.find(f".//{XHTML}div[@class='turn']")
    assert "Rachel OKAFOR" in "".join(turn.find(f"{XHTML}*[@class='speaker']").itertext())
    assert "Sam Ortiz (Gridwatch Analytics)" in shown
    assert [e.text for e in epub_page.iter(f"{XHTML}dt")] == ["Interconnector"]
    numbered = epub_page.find(f".//{XHTML}ol")
    assert set(numbered.get("class").split()) == {"tight", "lower-alpha", "delimiter-parens"}
    assert epub_page.find(f".//{XHTML}aside[@class='callout']") is not None
    assert epub_page.find(f".//{XHTML}p[@class='article-marking']").text == "Official – Sensitive"
    assert epub_page.find(f".//{XHTML}span[@class='smallcaps']") is not None


def test_the_pdf_prints_them(book) -> None:
    printed = " ".join(page_texts(pdf.render(book, sample_context())))
    for expected in ("(Laughter.)", "00:00:12", "Sam Ortiz", "Interconnector", "(a)", "(b)", "OFFICIAL"):
        assert expected in printed, expected


@pytest.fixture(scope="module")
def word(book) -> tuple[etree._Element, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx.render(book, sample_context()))) as archive:
        return (etree.fromstring(archive.read("word/document.xml")),
                etree.fromstring(archive.read("word/numbering.xml")))


def styled(document: etree._Element) -> list[tuple[str, str]]:
    return [(p.findtext(f"{W}pPr/{W}pStyle/[@{W}val]") or p.find(f"{W}pPr/{W}pStyle").get(f"{W}val"),
             "".join(p.itertext())) for p in document.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None]


def test_the_word_document_names_every_speaker_as_the_other_formats_do(word) -> None:
    paragraphs = styled(word[0])
    texts = [t for _, t in paragraphs]
    assert any(t.startswith("Rachel OKAFOR: ") and "Good morning" in t for t in texts)
    assert any(t.startswith("Q – Rachel OKAFOR: Helen") for t in texts)  # the moderator's question
    assert any(t.startswith("Q – Sam Ortiz (Gridwatch Analytics): ") for t in texts)
    assert any(t.startswith("Helen MARCH: Less than") and "(Laughter.)" in t for t in texts)
    assert ("DefinitionTerm", "Interconnector") in paragraphs
    assert ("Callout", "Repair capacity is scarce.") in paragraphs
    assert ("ArticleMarking", "Official – Sensitive") in paragraphs
    runs = {r.findtext(f"{W}t"): r.find(f"{W}rPr/{W}rStyle") for r in word[0].iter(f"{W}r")}
    assert runs["(Laughter.)"].get(f"{W}val") == "StageDirection"
    assert runs["00:00:12"].get(f"{W}val") == "Timestamp"
    assert word[0].find(f".//{W}smallCaps") is not None


def test_the_word_document_numbers_a_list_as_the_source_does(word) -> None:
    overrides = word[1].findall(f".//{W}num/{W}lvlOverride/{W}lvl")
    assert [(lvl.find(f"{W}numFmt").get(f"{W}val"), lvl.find(f"{W}lvlText").get(f"{W}val")) for lvl in overrides] \
        == [("lowerLetter", "(%1)")]


def test_japanese_dates_and_roles() -> None:
    assert format_date(dt.date(2025, 11, 20), "ja") == "2025年11月20日"
    assert role_label(("commentator", "moderator"), language="ja") == "コメンテーター・モデレーター"
    assert role_label(("recipient",), plural=True) == "To"


def test_drafts_are_left_out_unless_asked_for() -> None:
    draft = m.Article("", m.ArticleMeta(title="Not yet", draft=True), (para(text("Soon.")),), pos=POS)
    final = m.Article("", m.ArticleMeta(title="Out"), (para(text("Now.")),), pos=POS)
    reporter = Reporter(stream=None)
    book = apply_transforms(m.Book(m.BookMeta(title="B"), (draft, final)), reporter)
    assert [a.meta.title for a in book.articles] == ["Out"]
    assert ["left out of the book" in w.message for w in reporter.warnings] == [True]
    kept = apply_transforms(m.Book(m.BookMeta(title="B", drafts=True), (draft, final)), Reporter(stream=None))
    assert len(kept.articles) == 2


def test_an_author_named_by_key_is_the_manifests_record() -> None:
    record = m.Person("Ken Tanaka", "Tanaka", "Ken", affiliations=("Tokyo Institute",), ref="ktanaka")
    post = m.Article("", m.ArticleMeta(title="P", people=(m.Person("ktanaka", roles=("author",), ref="ktanaka"),)),
                     (para(text("Body.")),), pos=POS)
    book = apply_transforms(m.Book(m.BookMeta(title="B", people=(("ktanaka", record),)), (post,)),
                            Reporter(stream=None))
    [person] = book.articles[0].meta.people
    assert (person.name, person.affiliations, person.roles) == ("Ken Tanaka", ("Tokyo Institute",), ("author",))


def test_time_marks_go_when_the_manifest_says_so() -> None:
    turn = m.Turn("A", (para(m.Timestamp("00:01:00"), text("Hello.")),))
    article = m.Article("", m.ArticleMeta(title="T"), (turn,), pos=POS)
    book = apply_transforms(m.Book(m.BookMeta(title="B", timestamps=False), (article,)), Reporter(stream=None))
    [kept] = book.articles[0].blocks
    assert isinstance(kept, m.Turn) and kept.blocks == (para(text("Hello.")),)
