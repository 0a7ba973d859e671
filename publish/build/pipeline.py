"""The pipeline: read the sources, apply the transforms, render each format, write atomically."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..diagnostics import BuildError, Diagnostic, InputError, Reporter
from ..lint import lint
from ..model import nodes as m
from ..render import FORMATS, extension, get_handout_renderer, get_renderer
from ..render.context import RenderContext, Rendered
from ..sources.manifest import Manifest, locate
from ..sources.remote import RemotePolicy
from ..sources.resources import Resources
from ..theme import load_theme
from ..theme.fonts import missing_glyphs, unpackaged_faces
from ..transforms import apply_transforms
from . import workers as parallel
from .cache import BuildCache
from .cache import folder_for as cache_folder
from .output import write_atomic
from .read import read_book
from .record import write_build_manifest
from .timelimit import time_limit
from .workers import ChildRender


def _lint(book: m.Book, context: RenderContext) -> list[Diagnostic]:
    return lint(book, context.cache)


def _render(name: str, book: m.Book, context: RenderContext) -> Rendered | bytes:
    """The renderer is imported where it runs: a child's imports cost the parent nothing."""
    return get_renderer(name)(book, context)


def default_timeout(book: m.Book) -> float:
    """Seconds a format may take to render: generous for a real book (a 400-article,
    1,800-page PDF takes four to ten minutes on two cores), finite for a hostile one."""
    return 300.0 + 3.0 * len(book.articles)


PACKAGE_STYLES = Path(__file__).resolve().parents[2] / "styles"


def default_styles_dir() -> Path:
    local = Path("styles")
    return local if (local / "theme.toml").is_file() else PACKAGE_STYLES


def load_book(source: Path, reporter: Reporter | None = None) -> m.Book:
    """The finished model of SOURCE: read and transformed, ready for any renderer."""
    return finish_book(locate(source), reporter or Reporter())


def finish_book(manifest: Manifest, reporter: Reporter, cache: BuildCache | None = None) -> m.Book:
    """The model of the book a manifest describes: read, transformed, dated."""
    book = apply_transforms(read_book(manifest, reporter, cache), reporter)
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
    use_cache: bool = True,
) -> list[Path]:
    """Build the requested formats; write them only when every one of them succeeded.

    With a strict reporter, any warning fails the build before anything is written.
    ``use_cache`` keeps the results of costly steps in the build cache for the next build
    (see publish/cache.py).
    """
    reporter = reporter or Reporter()
    strict = reporter.strict
    progress("reading sources")
    manifest = locate(source)
    cache = BuildCache(cache_folder(outdir, source)) if use_cache else None
    book = finish_book(manifest, reporter, cache)
    if cache is not None:
        for article in book.articles:
            cache.digest(article)  # once, before the children that key their results by it fork
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
        cache=cache,
    )
    # A character no face can show concerns the build, wherever the lint runs.
    reporter.replay(unpackaged_faces(context.theme, m.Pos(str(styles / "theme.toml"))))
    reporter.replay(missing_glyphs(book, context.theme, m.Pos(str(manifest.path or manifest.root))))
    # The editor's findings are only reported: with two cores they are worked out
    # while the formats render.  With --strict they come first: a finding stops the build.
    editorial = None
    if parallel.available() and not strict:
        editorial = ChildRender("lint", _lint, book, context)
    else:
        reporter.replay(lint(book, cache))
        if strict and reporter.warnings:
            raise BuildError(str(source), f"{len(reporter.warnings)} warning(s) with --strict")
    rendered: list[tuple[Path, bytes]] = []
    formats = list(dict.fromkeys(formats))
    # With two cores the formats render side by side: the EPUB and the DOCX need nothing
    # from the PDF, which the parent lays out meanwhile.
    children: list[ChildRender] = []
    if len(formats) > 1 and parallel.available():
        # the parent keeps one: the PDF when it is asked for, else the DOCX
        children += [ChildRender(name, partial(_render, name), book, context)
                     for name in ("docx", "epub") if name in formats and (name == "epub" or "pdf" in formats)]
    elsewhere = {child.name for child in children}
    try:
        # The slowest format, the PDF, renders here while the children work.
        for name in sorted(formats, key=lambda f: f != "pdf"):
            if name in elsewhere:
                continue
            progress(f"rendering {name}")
            with time_limit(timeout, name):
                result = get_renderer(name)(book, context)
            if isinstance(result, Rendered):
                result = result.data
            rendered.append((outdir / f"{book.meta.slug}{extension(name)}", result))
        for child in children:
            progress(f"waiting for {child.name}")
            rendered.append((outdir / f"{book.meta.slug}{extension(child.name)}", child.result(timeout, reporter)))
        if editorial is not None:
            reporter.replay(editorial.result(timeout, reporter))
    finally:
        for background in (*children, editorial):
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
    if cache is not None:
        cache.prune(["read", "lint", *formats])
    return written
