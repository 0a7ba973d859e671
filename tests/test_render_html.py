"""The shared HTML renderer: markup, escaping and well-formed XHTML for both targets."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import jinja2
import pytest

from publish.diagnostics import Reporter
from publish.model.nodes import Image, Pos
from publish.render.epub.documents import EpubDocument, EpubDocuments, epub_documents
from publish.render.html.templates import environment
from publish.render.html.theme_css import theme_properties
from publish.render.pdf.document import print_document
from tests.samplebook import BUILD_TIME, sample_book

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
NASTY = 'Tariffs <b>&" more'


def fake_image_url(image: Image, pos: Pos) -> str:
    return f"images/{image.src.rsplit('/', 1)[-1]}"


def epub_docs(book=None, reporter=None):
    return epub_documents(book or sample_book(), BUILD_TIME, fake_image_url,
                               reporter or Reporter(stream=None),
                               cover_image="images/cover.png", stylesheet="style/book.css")


def all_pages(docs: EpubDocuments) -> list[EpubDocument]:
    return [docs.cover, docs.glance, *docs.articles]


def with_nasty_title(book):
    article = dataclasses.replace(
        book.articles[0], meta=dataclasses.replace(book.articles[0].meta, title=NASTY))
    return dataclasses.replace(book, articles=(article, *book.articles[1:]))


def test_templates_escape_everything_and_fail_on_unknown_names():
    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


@pytest.mark.parametrize("index", range(4))
def test_every_epub_document_is_well_formed_with_lang_and_unique_ids(index):
    page = all_pages(epub_docs())[index]
    root = ET.fromstring(page.xhtml.encode("utf-8"))
    assert root.tag == f"{XHTML}html"
    assert root.get("lang") and root.get("{http://www.w3.org/XML/1998/namespace}lang")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), ids


def test_title_with_markup_characters_is_text_in_print_and_epub():
    book = with_nasty_title(sample_book())
    reporter = Reporter(stream=None)
    document = print_document(book, BUILD_TIME, fake_image_url, reporter)
    assert "<b>" not in document
    assert "Tariffs &lt;b&gt;&amp;&#34; more" in document
    page = epub_docs(book).articles[0]
    root = ET.fromstring(page.xhtml.encode("utf-8"))
    h1 = root.find(f".//{XHTML}h1")
    assert "".join(h1.itertext()) == NASTY
    assert root.find(f".//{XHTML}b") is None


def test_article_markup_is_semantic():
    docs = epub_docs()
    post = ET.fromstring(docs.articles[0].xhtml.encode("utf-8"))
    article = post.find(f".//{XHTML}article")
    assert article.get("id") == "us-japan-bilateral-stability"
    assert post.find(f".//{XHTML}h1").get("class") == "article-title"
    assert post.find(f".//{XHTML}h2[@id='theatre-and-substance']") is not None
    assert post.find(f".//{XHTML}section/{XHTML}section/{XHTML}h3[@id='projects-listed']") is not None
    assert post.find(f".//{XHTML}div[@class='standfirst']") is not None
    assert post.find(f".//{XHTML}figure/{XHTML}figcaption") is not None
    assert len(post.findall(f".//{XHTML}thead//{XHTML}th")) == 3
    assert post.find(f".//{XHTML}ol[@start='3']") is not None
    for element in ("blockquote", "pre", "hr", "s", "sup", "sub", "code", "ul"):
        assert post.find(f".//{XHTML}{element}") is not None, element
    bio = post.find(f".//{XHTML}aside[@class='bio']")
    assert "Economic Security" in "".join(bio.itertext())
    assert " ".join("".join(post.find(f".//{XHTML}ul[@class='byline']").itertext()).split()) == (
        "By Daisuke Kawai RCAST, The University of Tokyo")


def test_qa_exchanges_have_question_label_and_speakers():
    event = ET.fromstring(epub_docs().articles[1].xhtml.encode("utf-8"))
    qa = event.findall(f".//{XHTML}section[@class='qa']")
    assert len(qa) == 1
    exchanges = qa[0].findall(f"{XHTML}div[@class='exchange']")
    assert len(exchanges) == 2
    question = exchanges[1].find(f"{XHTML}div[@class='question']")
    assert "".join(question.find(f"{XHTML}span[@class='label']").itertext()) == "Q"
    speakers = list(exchanges[1].findall(f"{XHTML}div[@class='answer']/*[@class='speaker']"))
    assert ["".join(s.itertext()) for s in speakers] == ["William CHOU", "TOMIURA Eiichi"]
    # each name links to the person's entry in "People in this briefing"
    ids = {c.person.name: c.person.id for c in sample_book().people}
    assert [s.get("href") for s in speakers] == [f"people.xhtml#{ids['William CHOU']}",
                                                 f"people.xhtml#{ids['TOMIURA Eiichi']}"]
    assert event.find(f".//{XHTML}aside[@class='source-note']") is not None


def test_epub_footnotes_are_noterefs_with_back_links():
    post = ET.fromstring(epub_docs().articles[0].xhtml.encode("utf-8"))
    refs = [a for a in post.iter(f"{XHTML}a") if a.get(f"{EPUB_NS}type") == "noteref"]
    notes = [n for n in post.iter(f"{XHTML}aside") if n.get(f"{EPUB_NS}type") == "footnote"]
    assert [r.text for r in refs] == ["1", "2"]
    assert {r.get("href")[1:] for r in refs} == {n.get("id") for n in notes}
    back_links = {a.get("href")[1:] for n in notes for a in n.iter(f"{XHTML}a")
                  if a.get("role") == "doc-backlink"}
    assert back_links == {r.get("id") for r in refs}


def test_print_footnotes_sit_at_the_call_site():
    document = print_document(sample_book(), BUILD_TIME, fake_image_url, Reporter(stream=None))
    assert '<span class="footnote" id="fn-us-japan-bilateral-stability-visit" data-n="1">' in document
    assert 'epub:type' not in document


def test_internal_links_point_across_epub_documents():
    docs = epub_docs()
    post = docs.articles[0].xhtml
    assert 'href="#outlook"' in post  # same document
    nav_hrefs = [s.href for s in docs.book.articles[1].sections]
    assert nav_hrefs == [f"{docs.articles[1].file_name}#summary", f"{docs.articles[1].file_name}#q-and-a"]


def test_refused_image_keeps_its_text_equivalent():
    reporter = Reporter(stream=None)
    document = print_document(sample_book(), BUILD_TIME, lambda image, pos: None, reporter)
    assert "[Bar chart of five investment sectors]" in document
    assert "<img" not in document


def test_theme_values_cannot_break_out_of_css():
    from publish.theme import Theme

    reporter = Reporter(stream=None)
    theme = Theme(fonts={"body": 'Evil"; } body { x'}, colours={"text": "red;}"}, sizes={"body": "x"})
    css = theme_properties(theme, reporter, Pos("theme.toml"))
    assert "Evil" not in css and "red" not in css
    assert len(reporter.warnings) == 3
