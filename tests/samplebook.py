"""A small hand-built book that uses every node type of the model.

Renderer tests in every format start from it, so that each node type is
rendered at least once without depending on the readers.  Keep the API
(``sample_book()``, ``FIXTURES_DIR``, ``sample_context()``) stable: several
test modules import it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from publish.diagnostics import Reporter
from publish.model.nodes import (
    Article,
    ArticleMeta,
    Book,
    BookMeta,
    BulletList,
    Code,
    CodeBlock,
    Div,
    Emph,
    Exchange,
    Figure,
    FootnoteDef,
    FootnoteRef,
    Heading,
    Image,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Person,
    Pos,
    Quote,
    Rule,
    SoftBreak,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
    Turn,
)
from publish.transforms.abbreviations import build_abbreviations
from publish.transforms.people import build_people_index

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"

#: Sources are imaginary files inside the fixtures folder, so that relative
#: image paths (``images/chart.png``) resolve against ``FIXTURES_DIR``.
POST_SOURCE = str(FIXTURES_DIR / "sample-post.md")
EVENT_SOURCE = str(FIXTURES_DIR / "sample-event.txt")

BUILD_TIME = dt.datetime(2025, 11, 20, 9, 30, tzinfo=dt.UTC)


def _p(*inlines, line: int = 1, source: str = POST_SOURCE) -> Paragraph:
    return Paragraph(tuple(_inline(i) for i in inlines), pos=Pos(source, line))


def _inline(item):
    return Text(item) if isinstance(item, str) else item


def _item(*inlines) -> ListItem:
    return ListItem((Paragraph(tuple(_inline(i) for i in inlines)),))


def _post() -> Article:
    author = Person(
        name="Daisuke Kawai",
        family_name="Kawai",
        given_name="Daisuke",
        roles=("author",),
        affiliations=("RCAST, The University of Tokyo",),
        bio=(
            _p(
                Strong((Text("Daisuke Kawai"),)),
                " is Director of the Economic Security & Policy Innovation Program"
                " at RCAST, The University of Tokyo.",
                line=60,
            ),
        ),
        id="daisuke-kawai",
    )
    meta = ArticleMeta(
        title="US-Japan Bilateral Stability",
        subtitle="The Trump–Takaichi Summit and Japan’s Emerging Economic Statecraft",
        people=(author,),
        date=dt.date(2025, 11, 13),
        timestamp=dt.datetime(2025, 11, 13, 4, 0, tzinfo=dt.UTC),
        publisher="Economic Security Program",
        url="https://example.org/2025/11/13/us-japan-bilateral-stability",
        language="en",
        description="The Trump–Takaichi Summit and Japan’s Emerging Economic Statecraft",
        standfirst=(
            _p(
                Emph((Text("Economic matters held more focus than defence in a visit that"
                           " consolidated bilateral stability."),)),
                line=12,
            ),
        ),
        image=Image("images/chart.png", alt="Bar chart of investment pledges by sector"),
        tags=("US-Japan", "economic security"),
        categories=("analysis",),
        kind="post",
        extra=(("layout", "post"),),
    )
    blocks = (
        _p(
            "In late October 2025, President Trump returned to Tokyo for a state visit",
            FootnoteRef("visit"),
            ".",
            SoftBreak(),
            "Both leaders spoke of a ",
            Emph((Text("“New Golden Age”"),)),
            " for the alliance (",
            Span("abbr", (Text("FOIP"),)),
            ").",
            line=16,
        ),
        Heading(2, (Text("Theatre & Substance"),), id="theatre-and-substance",
                pos=Pos(POST_SOURCE, 19)),
        _p("Four major documents were signed:", line=23),
        BulletList(
            (
                _item(Strong((Text("Implementation Document"),)), " – reconfirming the July framework."),
                _item(Strong((Text("Critical Minerals Framework"),)), " – diversifying supply chains."),
                _item("Shipbuilding memorandum, see ", Link((Text("the outlook"),), "#outlook"), "."),
            ),
            tight=True,
            pos=Pos(POST_SOURCE, 25),
        ),
        _p(
            "Tariffs were capped at 15",
            Superscript((Text("%"),)),
            " and CO",
            Subscript((Text("2"),)),
            " targets were ",
            Strikeout((Text("abandoned"),)),
            " deferred; the ",
            Code("reciprocal_tariff"),
            " schedule applies.",
            LineBreak(),
            "Source: ",
            Link((Text("White House fact sheet"),), "https://www.whitehouse.gov/fact-sheets/",
                 title="Fact sheet"),
            FootnoteRef("tariff"),
            ".",
            line=33,
        ),
        Figure(
            Image("images/chart.png", alt="Bar chart of five investment sectors"),
            caption=(Text("Candidate projects by sector "), Emph((Text("(illustrative)"),))),
            pos=Pos(POST_SOURCE, 36),
        ),
        Heading(3, (Text("Projects listed"),), id="projects-listed", pos=Pos(POST_SOURCE, 38)),
        Table(
            head=((TableCell((Text("Sector"),)), TableCell((Text("Projects"),), "right"),
                   TableCell((Text("Status"),), "center")),),
            body=(
                (TableCell((Text("Semiconductors"),)), TableCell((Text("6"),), "right"),
                 TableCell((Emph((Text("interest"),)),), "center")),
                (TableCell((Text("Energy"),)), TableCell((Text("5"),), "right"),
                 TableCell((Text("agreed"),), "center")),
                (TableCell((Text("Data centres"),)), TableCell((Text("4"),), "right"),
                 TableCell((Text("interest"),), "center")),
            ),
            caption=(Text("Large-scale candidate projects"),),
            pos=Pos(POST_SOURCE, 40),
        ),
        OrderedList(
            (
                ListItem((_p("Align intelligence calendars.", line=46),
                          _p("Including exercise schedules.", line=47))),
                _item("Coordinate sanctions."),
            ),
            start=3,
            tight=False,
            pos=Pos(POST_SOURCE, 45),
        ),
        Quote(
            (_p("Japan and the US already share the greatest alliance in the world.", line=50),),
            pos=Pos(POST_SOURCE, 50),
        ),
        CodeBlock("tariff_cap = 0.15\nif rate > tariff_cap:\n    rate = tariff_cap\n",
                  language="python", pos=Pos(POST_SOURCE, 52)),
        Heading(2, (Text("Outlook"),), id="outlook", pos=Pos(POST_SOURCE, 56)),
        _p(
            "Takaichi displayed crisis-to-opportunity management ",
            Image("images/chart.png", alt="small chart"),
            " across the Indo-Pacific.",
            line=57,
        ),
        Rule(pos=Pos(POST_SOURCE, 59)),
        FootnoteDef("visit", (_p("The visit ran from 27 to 29 October 2025.", line=62),),
                    pos=Pos(POST_SOURCE, 62)),
        FootnoteDef(
            "tariff",
            (_p("Reciprocal tariffs, as agreed in July 2025; see ",
                Link((Text("the framework"),), "https://example.org/framework"), ".", line=63),),
            pos=Pos(POST_SOURCE, 63),
        ),
    )
    return Article("us-japan-bilateral-stability", meta, blocks, pos=Pos(POST_SOURCE))


def _event() -> Article:
    src = EVENT_SOURCE
    speaker = Person(
        name="William CHOU",
        family_name="Chou",
        given_name="William",
        roles=("speaker",),
        affiliations=("Japan Chair Deputy Director and Senior Fellow, Hudson Institute",),
        id="william-chou",
    )
    moderator = Person(
        name="TOMIURA Eiichi",
        family_name="Tomiura",
        given_name="Eiichi",
        family_first=True,
        roles=("commentator", "moderator"),
        affiliations=("President and CRO, RIETI", "Dean, Faculty of Data Science, Otsuma Women's University"),
        bio=(_p("TOMIURA Eiichi (冨浦英一) is President of RIETI.", line=8, source=src),),
        id="tomiura-eiichi",
    )
    meta = ArticleMeta(
        title="US-Japan Relations for a New Japanese Government and for a New Era",
        people=(speaker, moderator),
        date=dt.date(2025, 10, 23),
        publisher="RIETI",
        language="en",
        standfirst=(
            _p("William CHOU examines the evolving U.S.-Japan relationship under the second"
               " Trump administration.", line=10, source=src),
        ),
        tags=("Q&A",),
        kind="event",
    )

    def turn(speaker_name: str, text: str, line: int, person_id: str = "") -> Turn:
        return Turn(speaker_name, (_p(text, line=line, source=src),), person_id, pos=Pos(src, line))

    blocks = (
        Heading(2, (Text("Summary"),), id="summary", pos=Pos(src, 14)),
        _p("The second Trump administration has shown a clear desire to rebalance"
           " global obligations.", line=16, source=src),
        Heading(2, (Text("Q&A"),), id="q-and-a", pos=Pos(src, 49)),
        Exchange(
            turn("Q", "How can a benchmark be defined for “rebalancing”?", 51),
            (turn("William CHOU", "Rebalancing is measured by burden sharing.", 54, "william-chou"),),
            pos=Pos(src, 51),
        ),
        Exchange(
            turn("Q", "What is the perspective on the exchange rate?", 95),
            (
                turn("William CHOU", "Currency matters, but tariffs come first.", 98, "william-chou"),
                turn("TOMIURA Eiichi", "From the Japanese side, stability of the yen matters most.",
                     101, "tomiura-eiichi"),
            ),
            pos=Pos(src, 95),
        ),
        Div(
            "source-note",
            (_p("This summary was prepared by RIETI’s editorial section. ",
                Link((Text("Materials"),), "https://www.rieti.go.jp/en/events/"), line=110, source=src),),
            pos=Pos(src, 110),
        ),
    )
    return Article("us-japan-relations-for-a-new-era", meta, blocks, pos=Pos(src))


def sample_book() -> Book:
    """Two articles (a post with author and bio, an event with Q&A) and full book metadata."""
    meta = BookMeta(
        title="US–Japan Relations: Trade & Security",
        subtitle="Briefing for the November 2025 roundtable",
        date=dt.date(2025, 11, 20),
        prepared_by="Policy Research Unit",
        distribution="For internal use only",
        language="en",
        page_size="A4",
        slug="us-japan-briefing",
        publisher="Policy Research Unit",
        description="Two readings on the US-Japan alliance after the Trump–Takaichi summit.",
        glossary=(("FOIP", "Free and Open Indo-Pacific"),),
    )
    book = Book(meta, (_post(), _event()))
    # The apparatus a real build derives from the articles: the people index and the abbreviations.
    reporter = Reporter(stream=None)
    return build_abbreviations(build_people_index(book, reporter), reporter)


def sample_context(reporter=None, page_size: str = "A4"):
    """A RenderContext for the sample book: real styles, fixtures as the only resource root."""
    from publish.conventions import page_geometry
    from publish.render.context import RenderContext
    from publish.sources.resources import Resources
    from publish.theme import load_theme

    styles_dir = Path(__file__).resolve().parent.parent / "styles"
    reporter = reporter if reporter is not None else Reporter(stream=None)
    return RenderContext(
        styles_dir=styles_dir,
        build_time=BUILD_TIME,
        theme=load_theme(styles_dir),
        resources=Resources([FIXTURES_DIR], reporter),
        page=page_geometry(page_size),
        reporter=reporter,
    )


# ------------------------------------------------------------------ read-back
# Helpers for tests that read an output back with an independent tool and
# compare its text with the model.

JAPANESE_FIXTURE = FIXTURES_DIR / "japanese"


def book_context(source: Path, reporter=None, page_size: str = "A4"):
    """A RenderContext for a book read from ``source`` (a folder or one file) with real styles."""
    import dataclasses

    from publish.sources.resources import Resources

    context = sample_context(reporter=reporter, page_size=page_size)
    root = source if source.is_dir() else source.parent
    return dataclasses.replace(
        context, resources=Resources([root.resolve(), context.styles_dir], context.reporter))


def load_source(source: Path) -> Book:
    """The finished model of a folder or file, as the build reads it."""
    from publish.api import load_book

    return load_book(source, Reporter(stream=None))


def canonical(text: str) -> str:
    """Letters and digits only, case-folded and NFKC-normalised.

    Comparing this form ignores what layout legitimately changes: line breaks,
    hyphenation, ligatures, quotes and dashes, letter case from text-transform.
    """
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def paragraph_chunks(book: Book) -> list[list[list[str]]]:
    """Per article, per model paragraph (standfirst, body, bios in reading order),
    the paragraph's canonical text cut where a renderer may insert something
    of its own: a note call, an image's text, a printed link address or page reference."""
    from publish.model.nodes import FootnoteDef, Link, Paragraph
    from publish.model.walk import iter_nodes

    def chunks(paragraph: Paragraph) -> list[str]:
        pieces, current = [], []
        for node in paragraph.children:
            for inner in iter_nodes(node):
                if isinstance(inner, (Text, Code)):
                    current.append(inner.text)
                elif isinstance(inner, (FootnoteRef, Image)):
                    # A note call, or an image's alt text where a reader shows it.
                    pieces.append("".join(current))
                    current = []
            if isinstance(node, (Link, FootnoteRef)) or any(isinstance(n, Link) for n in iter_nodes(node)):
                pieces.append("".join(current))
                current = []
        pieces.append("".join(current))
        return [c for c in map(canonical, pieces) if c]

    def paragraphs(blocks) -> list[Paragraph]:
        found = []
        for node in iter_nodes(blocks):
            if isinstance(node, FootnoteDef):
                continue
            if isinstance(node, Paragraph) and not _inside_note(node, blocks):
                found.append(node)
        return found

    out = []
    for article in book.articles:
        ordered = paragraphs(article.meta.standfirst) + paragraphs(article.blocks)
        ordered += [p for person in article.meta.people for p in paragraphs(person.bio)]
        out.append([c for c in map(chunks, ordered) if c])
    return out


def _inside_note(paragraph, blocks) -> bool:
    from publish.model.nodes import FootnoteDef
    from publish.model.walk import iter_nodes

    return any(paragraph in note.blocks for note in iter_nodes(blocks) if isinstance(note, FootnoteDef))


def footnote_texts(book: Book) -> list[str]:
    from publish.model.nodes import FootnoteDef
    from publish.model.walk import iter_nodes, plain_text

    return [canonical(plain_text(n.blocks)) for n in iter_nodes(book.articles) if isinstance(n, FootnoteDef)]


#: A renderer's own insertion inside a paragraph (note number, URL, page reference) is at most this long.
MAX_INSERTION = 160


def find_in_order(stream: str, paragraphs: list[list[str]], start: int = 0) -> list[str]:
    """The paragraphs (as chunk lists) that are not found in ``stream`` in order; [] when all are."""
    missing, cursor = [], start
    for pieces in paragraphs:
        position = _find_paragraph(stream, pieces, cursor)
        if position is None:
            missing.append(" | ".join(pieces))
        else:
            cursor = position
    return missing


def _find_paragraph(stream: str, pieces: list[str], cursor: int) -> int | None:
    """The end of the first place at or after ``cursor`` where the pieces follow each other."""
    start = stream.find(pieces[0], cursor)
    while start != -1:
        end = start + len(pieces[0])
        for piece in pieces[1:]:
            found = stream.find(piece, end, end + MAX_INSERTION + len(piece))
            if found == -1:
                break
            end = found + len(piece)
        else:
            return end
        start = stream.find(pieces[0], start + 1)
    return None


def outline_of(book: Book, depth: int = 3) -> list[tuple[int, str]]:
    """(level, title) of every article (level 1) and its headings down to ``depth``."""
    from publish.model.nodes import Heading
    from publish.model.walk import plain_text

    entries = []
    for article in book.articles:
        entries.append((1, article.meta.title))
        entries += [(block.level, plain_text(block.children).strip()) for block in article.blocks
                    if isinstance(block, Heading) and block.level <= depth]
    return entries
