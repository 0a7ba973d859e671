"""``publish build --split``: one PDF per article, for handing out on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from publish.api import BuildOptions, build, load_book
from publish.diagnostics import Reporter
from publish.model.walk import plain_text

from .conftest import CONTENT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    outdir = tmp_path_factory.mktemp("dist")
    return outdir, build(CONTENT, outdir, BuildOptions(formats=["pdf"], split=True), reporter=Reporter(stream=None))


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_one_handout_per_article(built) -> None:
    outdir, written = built
    book = load_book(CONTENT, Reporter(stream=None))
    handouts = sorted((outdir / "articles").iterdir())
    assert [p.name for p in handouts] == [f"{i:02d}-{a.id}.pdf" for i, a in enumerate(book.articles, 1)]
    assert set(handouts) <= set(written)
    for path, article, other in zip(handouts, book.articles, reversed(book.articles), strict=False):
        text = _text(path)
        assert article.meta.title in text and book.meta.title in text
        assert plain_text(article.blocks[-1])[:40] in text
        assert other.meta.title not in text  # only its own article
        assert "Contents" not in text.split(article.meta.title)[0]


def test_handouts_number_their_own_pages(built) -> None:
    outdir, _ = built
    for path in (outdir / "articles").iterdir():
        reader = PdfReader(path)
        footers = [page.extract_text().split() for page in reader.pages]
        assert [str(n) in words for n, words in enumerate(footers, 1)] == [True] * len(footers)
        assert reader.outline  # its own bookmarks


def test_the_build_manifest_lists_only_the_book(built) -> None:
    import json

    outdir, _ = built
    record = json.loads((outdir / "us-japan-briefing.manifest.json").read_text())
    assert [o["path"] for o in record["outputs"]] == ["us-japan-briefing.pdf"]
