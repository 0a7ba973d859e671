"""The two documents the toolkit was made for, read as their readers promise."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.model.walk import iter_nodes, plain_text

from .conftest import CONTENT


@pytest.fixture(scope="module")
def book() -> m.Book:
    return load_book(CONTENT, Reporter(stream=None))


@pytest.fixture(scope="module")
def post(book: m.Book) -> m.Article:
    return next(a for a in book.articles if a.meta.kind == "post")


@pytest.fixture(scope="module")
def event(book: m.Book) -> m.Article:
    return next(a for a in book.articles if a.meta.kind == "event")


def test_seeds_are_copied_byte_for_byte() -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir() and not os.environ.get("CI"):  # they live beside the checkout, as in CI
        pytest.skip("../shared/seeds is not beside this checkout")
    for seed in seeds.iterdir():
        assert (CONTENT / seed.name).read_bytes() == seed.read_bytes()


def test_manifest_orders_and_names_the_book(book: m.Book) -> None:
    assert book.meta.title == "US–Japan Relations after the October 2025 Summit"
    assert book.meta.slug == "us-japan-briefing"
    assert book.meta.distribution == "For internal use"
    assert [a.meta.kind for a in book.articles] == ["post", "event"]


def test_post_metadata(post: m.Article) -> None:
    assert post.meta.title == "US-Japan Bilateral Stability"
    assert post.meta.date == dt.date(2025, 11, 13)
    assert post.meta.timestamp == dt.datetime(2025, 11, 13, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    [author] = post.meta.people
    assert author.name == "Daisuke Kawai" and author.family_name == "Kawai" and author.roles == ("author",)
    assert plain_text(author.bio).startswith("Daisuke Kawai is a Project Assistant Professor")
    assert post.meta.image == m.Image("https://i.imgur.com/15Qobo8.jpeg")
    assert dict(post.meta.extra) == {"layout": "post"}


def test_post_standfirst_is_the_excerpt_and_the_separator_never_shows(post: m.Article) -> None:
    assert plain_text(post.meta.standfirst) == (
        "In a visit that consolidated bilateral stability between the US and Japan, "
        "economic matters held more focus than issues of defence for President Trump."
    )
    everything = plain_text(post.blocks) + plain_text(post.meta.standfirst)
    assert "excerpt" not in everything
    assert plain_text(post.blocks[0]).startswith("In late October 2025")


def test_post_sections(post: m.Article) -> None:
    headings = [(h.level, plain_text(h.children)) for h in iter_nodes(post.blocks) if isinstance(h, m.Heading)]
    assert headings == [
        (2, "Theatre and Substance: Trump’s Visit as Economic Diplomacy"),
        (2, "Governing in Motion: Takaichi’s Domestic Balancing Act"),
        (2, "From Bilateral Trust to Trilateral Strategy"),
        (3, "Pragmatism as the New Diplomacy"),
    ]


def test_post_list_with_bold_lead_ins(post: m.Article) -> None:
    [bullets] = [b for b in post.blocks if isinstance(b, m.BulletList)]
    assert len(bullets.items) == 4
    leads = []
    for item in bullets.items:
        first = item.blocks[0]
        assert isinstance(first, m.Paragraph) and isinstance(first.children[0], m.Strong)
        leads.append(plain_text(first.children[0].children))
    assert leads[1] == "Framework on Critical Minerals and Rare Earths"
    assert leads[3] == "“Technology Prosperity” MOC"


def test_post_bio_and_its_rule_leave_the_body(post: m.Article) -> None:
    assert not any(isinstance(b, m.Rule) for b in post.blocks)
    assert "is a Project Assistant Professor" not in plain_text(post.blocks)
    assert plain_text(post.blocks[-1]).startswith("Takaichi, for her part")


def test_event_people(event: m.Article) -> None:
    chou, tomiura = event.meta.people
    assert (chou.name, chou.family_name, chou.given_name, chou.roles) == (
        "William CHOU", "Chou", "William", ("speaker",))
    assert chou.affiliations == ("Japan Chair Deputy Director and Senior Fellow, Hudson Institute",)
    assert (tomiura.name, tomiura.family_name, tomiura.family_first, tomiura.roles) == (
        "TOMIURA Eiichi", "Tomiura", True, ("commentator", "moderator"))
    assert tomiura.affiliations == (
        "President and Chief Research Officer (CRO), RIETI",
        "Dean, Faculty of Data Science, Otsuma Women’s University",
    )


def test_event_header_and_boilerplate(event: m.Article) -> None:
    assert event.meta.title == "US-Japan Relations for a New Japanese Government and for a New Era"
    assert event.meta.date == dt.date(2025, 10, 23)
    assert event.meta.publisher == "Research Institute of Economy, Trade and Industry (RIETI)"
    paragraphs = [plain_text(b) for b in event.blocks if isinstance(b, (m.Paragraph, m.Heading))]
    assert "Materials" not in paragraphs and "Announcement" not in paragraphs
    assert plain_text(event.meta.standfirst).startswith("William CHOU (Japan Chair Deputy Director")


def test_event_sections(event: m.Article) -> None:
    headings = [(h.level, plain_text(h.children)) for h in event.blocks if isinstance(h, m.Heading)]
    assert headings[0] == (2, "Summary")
    assert headings[-1] == (2, "Q&A")
    summary_sections = [t for level, t in headings if level == 3]
    assert summary_sections == [
        "Trump 2.0: Rebalancing, reindustrialization, and personal diplomacy",
        "Prime Minister Takaichi and the importance of domestic stability",
        "Opportunities for bilateral cooperation: Supply chains, investment, and standards",
        "Multilateral engagement and strategic vision",
        "Making the case for Japan in Washington",
    ]


def test_event_question_and_answer(event: m.Article) -> None:
    exchanges = [b for b in event.blocks if isinstance(b, m.Exchange)]
    assert len(exchanges) == 8
    for exchange in exchanges:
        assert plain_text(exchange.question.blocks).strip()
        assert [a.speaker for a in exchange.answers] == ["William CHOU"]
        assert [a.person_id for a in exchange.answers] == ["person-chou-william"]
        assert all(plain_text(a.blocks).strip() for a in exchange.answers)
    assert plain_text(exchanges[0].question.blocks).startswith("How can a benchmark be defined")
    assert len(exchanges[4].answers[0].blocks) == 2  # an answer in two paragraphs


def test_event_editorial_note(event: m.Article) -> None:
    note = event.blocks[-1]
    assert isinstance(note, m.Div) and note.role == "source-note"
    assert plain_text(note.blocks) == "This summary was compiled by RIETI Editorial staff."


def test_every_id_is_unique_and_xml_safe(book: m.Book) -> None:
    ids = [a.id for a in book.articles]
    ids += [n.id for n in iter_nodes(book) if isinstance(n, m.Heading)]
    assert len(ids) == len(set(ids))
    assert all(i[0].isalpha() and all(c.isalnum() or c == "-" for c in i) for i in ids)


def test_positions_point_into_the_sources(book: m.Book) -> None:
    for article in book.articles:
        lines = Path(article.pos.path).read_text(encoding="utf-8").split("\n")
        for heading in (n for n in iter_nodes(article.blocks) if isinstance(n, m.Heading)):
            assert plain_text(heading.children).replace("’", "'")[:20] in lines[heading.pos.line - 1].replace("’", "'")
