"""The pipeline: read the sources, apply the transforms, render each format, write atomically."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from . import model as m
from . import parallel
from .buildinfo import write_build_manifest
from .diagnostics import BuildError, Diagnostic, InputError, Reporter
from .ingest import read_source
from .lint import lint
from .manifest import Manifest, SourceEntry, locate
from .output import write_atomic
from .parallel import ChildRender
from .readers import reader_for
from .remote import RemotePolicy
from .renderers import FORMATS, extension, get_handout_renderer, get_renderer
from .renderers.context import RenderContext, Rendered
from .resources import Resources
from .theme import load_theme
from .timelimit import time_limit
from .transforms import apply_transforms


def _lint(book: m.Book, context: RenderContext) -> list[Diagnostic]:
    return lint(book)


def _report(findings: Iterable[Diagnostic], reporter: Reporter) -> None:
    for finding in findings:
        reporter.warn(finding.pos, finding.message)


def default_timeout(book: m.Book) -> float:
    """Seconds a format may take to render: generous for a real book (a 400-article,
    1,800-page PDF takes four to ten minutes on two cores), finite for a hostile one."""
    return 300.0 + 3.0 * len(book.articles)


PACKAGE_STYLES = Path(__file__).resolve().parent.parent / "styles"


def default_styles_dir() -> Path:
    local = Path("styles")
    return local if (local / "theme.toml").is_file() else PACKAGE_STYLES


#: From this many sources on, several processes read them: each source is parsed on its
#: own, and the models travel back pickled, which costs less than parsing.
PARALLEL_READING_FROM = 40


def read_book(manifest: Manifest, reporter: Reporter) -> m.Book:
    """Every source through its reader, with the manifest's per-source metadata; no transforms yet."""
    entries = list(manifest.sources)
    workers = parallel.jobs() if len(entries) >= PARALLEL_READING_FROM else 1
    if workers > 1:
        size = -(-len(entries) // workers)
        tasks = [functools.partial(_read_apart, entries[start:start + size], reporter.strict)
                 for start in range(0, len(entries), size)]
        articles = []
        for read, warnings in parallel.run_all("read", tasks, workers):
            articles += read
            _report(warnings, reporter)  # in source order, as one process would give them
    else:
        articles = [_read_entry(entry, reporter) for entry in entries]
    meta = manifest.meta
    if manifest.path is None and len(articles) == 1:
        meta = replace(meta, title=articles[0].meta.title)  # one file built alone: the book is that article
    if meta.cover_image:
        meta = replace(meta, cover_image=os.path.relpath(manifest.root / meta.cover_image))
    return m.Book(meta, tuple(articles))


def _read_entry(entry: SourceEntry, reporter: Reporter) -> m.Article:
    shown = os.path.relpath(entry.path) if not entry.path.is_absolute() else str(entry.path)
    reader = reader_for(entry.path.name)
    if reader is None:
        raise InputError(entry.pos, f"no reader for '{entry.path.name}'")
    article = reader(read_source(entry.path, shown), shown, reporter)
    overrides = {k: v for k, v in (("publisher", entry.publisher), ("url", entry.url),
                                    ("language", entry.language)) if v}
    if overrides:
        article = replace(article, meta=replace(article.meta, **overrides))
    return article


def _read_apart(entries: list[SourceEntry], strict: bool) -> tuple[list[m.Article], list[Diagnostic]]:
    """Some sources read in a child process: the articles, and the warnings to report in order."""
    reporter = Reporter(stream=None, strict=strict)
    return [_read_entry(entry, reporter) for entry in entries], reporter.warnings


def load_book(source: Path, reporter: Reporter | None = None) -> m.Book:
    """The finished model of SOURCE: read and transformed, ready for any renderer."""
    return finish_book(locate(source), reporter or Reporter())


def finish_book(manifest: Manifest, reporter: Reporter) -> m.Book:
    """The model of the book a manifest describes: read, transformed, dated."""
    book = apply_transforms(read_book(manifest, reporter), reporter)
    if book.meta.date is None:
        book = replace(book, meta=replace(book.meta, date=_book_date(book)))
    return book


def _source_date_epoch() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(m.Pos("SOURCE_DATE_EPOCH", 1, 1), f"'{epoch}' is not a count of seconds") from None


def _book_date(book: m.Book) -> dt.date | None:
    """The date the cover shows when the manifest gives none: the build's, else the newest source's."""
    epoch = _source_date_epoch()
    if epoch:
        return epoch.date()
    dates = [a.meta.date for a in book.articles if a.meta.date]
    return max(dates) if dates else None


def build_time(book: m.Book) -> dt.datetime:
    """SOURCE_DATE_EPOCH, else the manifest's date, else the newest source date; the clock last."""
    epoch = _source_date_epoch()
    if epoch:
        return epoch
    dates = [book.meta.date] if book.meta.date else [a.meta.date for a in book.articles if a.meta.date]
    if dates:
        newest = max(dates)
        return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build(
    source: Path,
    outdir: Path,
    formats: Iterable[str] = FORMATS,
    reporter: Reporter | None = None,
    page_size: str | None = None,
    pdf_variant: str = "pdf/ua-1",
    styles_dir: Path | None = None,
    allow_remote: bool = False,
    timeout: float | None = None,
    split: bool = False,
    progress: Callable[[str], None] = lambda step: None,
) -> list[Path]:
    """Build the requested formats; write them only when every one of them succeeded.

    With a strict reporter, any warning fails the build before anything is written.
    """
    reporter = reporter or Reporter()
    strict = reporter.strict
    progress("reading sources")
    manifest = locate(source)
    book = finish_book(manifest, reporter)
    styles = styles_dir or default_styles_dir()
    if timeout is None:
        timeout = default_timeout(book)
    workdir = outdir / ".publish" / book.meta.slug
    context = RenderContext(
        styles_dir=styles,
        build_time=build_time(book),
        theme=load_theme(styles),
        resources=Resources([manifest.root, styles], reporter,
                            remote=RemotePolicy() if allow_remote else None, cache_dir=workdir / "remote"),
        page_size=page_size or book.meta.page_size,
        pdf_variant=pdf_variant,
        reporter=reporter,
        workdir=workdir,
    )
    # The editor's findings are only reported: with two cores they are worked out
    # while the formats render.  With --strict they come first: a finding stops the build.
    editorial = None
    if parallel.available() and not strict:
        editorial = ChildRender("lint", _lint, book, context)
    else:
        _report(lint(book), reporter)
        if strict and reporter.warnings:
            raise BuildError(str(source), f"{len(reporter.warnings)} warning(s) with --strict")
    rendered: list[tuple[Path, bytes]] = []
    formats = list(dict.fromkeys(formats))
    # The EPUB needs nothing from the others: with two cores it renders alongside them.
    child = None
    if "epub" in formats and len(formats) > 1 and parallel.available():
        child = ChildRender("epub", get_renderer("epub"), book, context)
    try:
        # The PDF goes first: the pages it finds for each heading fill the DOCX contents.
        for name in sorted(formats, key=lambda f: f != "pdf"):
            path = outdir / f"{book.meta.slug}{extension(name)}"
            if child is not None and name == child.name:
                continue
            progress(f"rendering {name}")
            with time_limit(timeout, name):
                result = get_renderer(name)(book, context)
            if isinstance(result, Rendered):
                if result.anchors:
                    context = replace(context, page_numbers=dict(result.anchors))
                result = result.data
            rendered.append((path, result))
        if child is not None:
            progress(f"waiting for {child.name}")
            data = child.result(timeout, reporter)
            rendered.append((outdir / f"{book.meta.slug}{extension(child.name)}", data))
        if editorial is not None:
            _report(editorial.result(timeout, reporter), reporter)
    finally:
        for background in (child, editorial):
            if background is not None:
                background.stop()
    rendered.sort(key=lambda item: formats.index(item[0].suffix[1:]))
    if split and "pdf" in formats:
        progress("rendering handouts")
        with time_limit(timeout, "pdf"):
            rendered += [(outdir / "articles" / f"{index:02d}-{article.id}.pdf", data) for index, (article, data)
                         in enumerate(get_handout_renderer()(book, context), 1)]
    if strict and reporter.warnings:
        raise BuildError(str(source), f"{len(reporter.warnings)} warning(s) with --strict")
    for path, data in rendered:
        write_atomic(path, data)
    written = [path for path, _ in rendered]
    write_build_manifest(manifest, outdir, book.meta.slug, [p for p in written if p.parent == outdir],
                         context.build_time)
    return written
