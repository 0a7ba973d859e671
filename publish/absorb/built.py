"""The Word file as the build makes it from the sources now, read back as absorb reads an
edited one.  Rendering is deterministic, so this is the file the colleague was given,
as long as the sources have not changed since (the build record says)."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..build.book import finish_book
from ..build.pipeline import BuildOptions, render_context
from ..build.workers import LocalExecutor
from ..conventions import ABBREVIATIONS_TITLE, PEOPLE_TITLE, read_source_anchor, source_tag
from ..diagnostics import Diagnostic, Reporter
from ..model import nodes as m
from ..model.walk import iter_nodes
from ..render import get_renderer
from ..sources.manifest import Manifest
from .word import WordFile, read_word
from .words import normal


@dataclass
class Built:
    book: m.Book
    word: WordFile
    warnings: list[Diagnostic]
    sha256: str  # of the Word file's bytes
    #: (source tag, line) of every heading: a changed heading is a heading renamed.
    headings: set[tuple[str, int]] = field(default_factory=set)
    #: The article each body paragraph belongs to (None: the cover, the contents, the back matter).
    article_of: list[m.Article | None] = field(default_factory=list)

    def kind(self, anchor: str) -> str:
        """What the paragraph of an anchor is in the model: heading or paragraph."""
        place = read_source_anchor(anchor)
        return "heading" if place is not None and place in self.headings else "paragraph"


def build_word(manifest: Manifest) -> Built:
    """Read, transform and render the book's Word file, in this process, with no cache."""
    reporter = Reporter(stream=None)  # the build showed its warnings; these are compared, not shown
    book = finish_book(manifest, reporter)
    with tempfile.TemporaryDirectory(prefix="publish-absorb-") as scratch:
        options = BuildOptions(formats=["docx"], use_cache=False)
        context = render_context(book, manifest, Path(scratch), options, reporter, None, LocalExecutor(1))
        rendered = get_renderer("docx")(book, context)
    data = rendered if isinstance(rendered, bytes) else rendered.data
    built = Built(book, read_word(data), list(reporter.warnings), hashlib.sha256(data).hexdigest())
    for article in book.articles:
        for node in iter_nodes(article.blocks):
            if isinstance(node, m.Heading) and node.pos is not None:
                built.headings.add((source_tag(node.pos.path), node.pos.line))
    built.article_of = _articles(book, built.word)
    return built


def _articles(book: m.Book, word: WordFile) -> list[m.Article | None]:
    """Each body paragraph's article, found by the article titles in book order: a title is a
    bookmarked paragraph (outside the contents) that reads as the title."""
    out: list[m.Article | None] = []
    pending = list(book.articles)
    current: m.Article | None = None
    back = {normal(PEOPLE_TITLE), normal(ABBREVIATIONS_TITLE)}
    for paragraph in word.body:
        text = normal(paragraph.accepted)
        if paragraph.marks and not paragraph.anchors and not paragraph.contents:
            if pending and text == normal(pending[0].meta.title):
                current = pending.pop(0)
            elif not pending and text in back:
                current = None  # the people and the abbreviations: the book's own
        out.append(current)
    return out
