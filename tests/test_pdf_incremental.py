"""The incremental PDF: a rebuild typesets only the parts an edit changed, and writes the
bytes a build without the cache writes.

The book: seven articles, of which the second and the sixth cite pages of others
("(p. N)"); the rest print no page number.  Every build here runs in this process
(``PUBLISH_JOBS=1``), so that the parts it typesets can be counted.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish import api
from publish.diagnostics import Reporter
from publish.render.pdf import parts as pdf_parts

ARTICLES = 7
CITING = {2: 5, 6: 1}  # article -> the article whose section it cites


def article_text(n: int, extra: int = 0, heading: str = "") -> str:
    paragraphs = "\n\n".join(
        f"Paragraph {k} of article {n} weighs supply, demand, prices, shipping routes and storage for "
        f"quarter {k}, and what each government would have to give." for k in range(1, 9 + extra))
    cite = ""
    if n in CITING:
        cited = CITING[n]
        cite = f"See [the section of article {cited}](#article-{cited}--section-{cited}).\n\n"
    return textwrap.dedent(f"""\
        ---
        title: "Article {n}"
        author: Analyst Number{n}
        date: 2025-03-{n:02d}
        ---
        The opening of article {n}.

        """) + cite + f"## {heading or f'Section {n}'} {{#article-{n}--section-{n}}}\n\n" + paragraphs + "\n"


def write_book(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "briefing.toml").write_text('title = "Incremental book"\nslug = "incremental"\n', encoding="utf-8")
    for n in range(1, ARTICLES + 1):
        (folder / f"2025-03-{n:02d}-article-{n}.md").write_text(article_text(n), encoding="utf-8")
    return folder


class Builds:
    """Builds of one book, with the cache and without, counting the parts typeset."""

    def __init__(self, source: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.source = source
        self.root = root
        self.styles_dir: Path | None = None
        self.typeset: list[str] = []
        self.folios: list[str] = []
        monkeypatch.setenv("PUBLISH_JOBS", "1")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        part, folios = pdf_parts._typeset_part, pdf_parts._typeset_folios

        def counted_part(document_html, name, *rest):
            self.typeset.append(name)
            return part(document_html, name, *rest)

        def counted_folios(document_html, extra_css, pages, identifier, *rest):
            self.folios.append(identifier.split("/", 1)[1])
            return folios(document_html, extra_css, pages, identifier, *rest)

        monkeypatch.setattr(pdf_parts, "_typeset_part", counted_part)
        monkeypatch.setattr(pdf_parts, "_typeset_folios", counted_folios)

    def pdf(self, use_cache: bool = True) -> bytes:
        self.typeset.clear()
        self.folios.clear()
        outdir = self.root / ("cached" if use_cache else "fresh")
        (written,) = api.build(self.source, outdir, api.BuildOptions(formats=["pdf"], use_cache=use_cache,
                                                                   styles_dir=self.styles_dir),
                               reporter=Reporter(stream=None))
        return written.read_bytes()

    def rebuilt(self) -> tuple[bytes, set[str], set[str]]:
        """The PDF rebuilt with the cache, what that typeset, after checking it against a fresh build."""
        data = self.pdf()
        parts, folios = set(self.typeset), set(self.folios)
        assert data == self.pdf(use_cache=False), "the cached build differs from a build without the cache"
        return data, parts, folios

    def edit(self, n: int, **changes: int | str) -> None:
        path = self.source / f"2025-03-{n:02d}-article-{n}.md"
        path.write_text(article_text(n, **changes), encoding="utf-8")  # type: ignore[arg-type]


@pytest.fixture
def builds(tmp_path, monkeypatch) -> Builds:
    builds = Builds(write_book(tmp_path / "book"), tmp_path, monkeypatch)
    builds.pdf()  # the first build fills the cache
    assert {"front", "article-1", "article-7"} <= set(builds.typeset)
    return builds


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_an_unchanged_book_typesets_nothing(builds):
    _, parts, folios = builds.rebuilt()
    assert parts == folios == set()


def test_an_edit_that_moves_no_page_typesets_that_article_alone(builds):
    builds.edit(4, heading="Section 4")  # the same text...
    path = builds.source / "2025-03-04-article-4.md"
    path.write_text(path.read_text().replace("shipping routes", "shipping lanes", 1))  # ...but one word
    _, parts, folios = builds.rebuilt()
    assert parts == {"article-4"}
    assert folios == set()


def test_an_article_that_grows_costs_the_contents_and_the_citing_parts(builds):
    before = page_count(builds.pdf())
    builds.edit(3, extra=40)  # about three pages more: every later page moves
    data, parts, folios = builds.rebuilt()
    assert page_count(data) > before
    # the article, the front matter (its contents print page numbers) and article 2, which
    # cites a page that moved; not article 6, whose cited page did not move, nor the
    # other articles, whose pages moved but did not change
    assert parts == {"article-3", "front", "article-2"}
    # and no folio, unless the book grew into a window of folios it did not have
    windows = {f"folios-{start + 1}" for start in range(0, page_count(data), pdf_parts.FOLIO_WINDOW)}
    assert folios <= windows | {"folios-front"}


def test_a_heading_the_contents_print(builds):
    builds.edit(5, heading="A new name for section five")
    _, parts, _ = builds.rebuilt()
    assert {"article-5", "front"} <= parts
    assert not parts & {"article-1", "article-3", "article-4", "article-7"}


def test_an_article_added_and_one_removed(builds):
    added = builds.source / "2025-03-04-article-4b.md"
    added.write_text(article_text(8).replace("date: 2025-03-08", "date: 2025-03-04")
                     .replace("article-8--", "article-4b--").replace("Article 8", "Article 4b"), encoding="utf-8")
    _, parts, _ = builds.rebuilt()
    assert "article-4b" in parts
    assert not parts & {"article-1", "article-3", "article-5", "article-7"}

    added.unlink()
    (builds.source / "2025-03-05-article-5.md").unlink()  # article 2 cites it: its link loses its page
    _, parts, _ = builds.rebuilt()
    assert not parts & {"article-1", "article-3", "article-4", "article-7"}


def test_a_changed_stylesheet_typesets_everything_again(builds, tmp_path):
    builds.styles_dir = tmp_path / "styles"
    shutil.copytree(api.default_styles_dir(), builds.styles_dir)
    builds.pdf()
    css = builds.styles_dir / "print.css"
    css.write_text(css.read_text() + "\nh2 { letter-spacing: 0.02em; }\n", encoding="utf-8")
    _, parts, _ = builds.rebuilt()
    assert {f"article-{n}" for n in range(1, ARTICLES + 1)} <= parts
