"""``publish build``: read the sources, apply the transforms, render each format, write atomically.

Each step is a function of its own, in the order :func:`build` calls them.
Work that can run beside other work (the editor's findings, the EPUB and the
DOCX while the PDF is laid out) goes through the executor (``workers``), and
its warnings come back with its result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..conventions import page_geometry
from ..diagnostics import BuildError, Diagnostic, Reporter
from ..lint import lint
from ..model import nodes as m
from ..render import FORMATS, extension, get_handout_renderer, get_renderer
from ..render.context import RenderContext, Rendered
from ..sources.manifest import Manifest, locate
from ..sources.remote import RemotePolicy
from ..sources.resources import Resources
from ..theme import load_theme
from ..theme.fonts import missing_glyphs, unpackaged_faces
from .book import build_time, finish_book
from .cache import BuildCache
from .cache import folder_for as cache_folder
from .output import write_atomic
from .record import write_build_manifest
from .timelimit import time_limit
from .workers import Executor, Job, LocalExecutor, Reported, reporting

PACKAGE_STYLES = Path(__file__).resolve().parents[2] / "styles"


@dataclass(frozen=True)
class BuildOptions:
    """What ``publish build`` is asked for besides the sources and the output folder."""

    formats: Sequence[str] = FORMATS
    #: "A4" or "Letter" in place of the manifest's ``page_size``.
    page_size: str | None = None
    pdf_variant: str = "pdf/ua-1"
    styles_dir: Path | None = None
    allow_remote: bool = False
    #: Seconds each format may take to render (0: no limit; None: :func:`default_timeout`).
    timeout: float | None = None
    #: Also one PDF per article, into ``OUTDIR/articles/``.
    split: bool = False
    #: Drafts in the book too (as the manifest's ``drafts = true``).
    drafts: bool = False
    use_cache: bool = True
    #: Where the work runs (None: processes on this machine).
    executor: Executor | None = field(default=None, compare=False)


def default_timeout(book: m.Book) -> float:
    """Seconds a format may take to render: generous for a real book (a 400-article,
    1,800-page PDF takes four to ten minutes on two cores), finite for a hostile one."""
    return 300.0 + 3.0 * len(book.articles)


def default_styles_dir() -> Path:
    local = Path("styles")
    return local if (local / "theme.toml").is_file() else PACKAGE_STYLES


@dataclass(frozen=True)
class Prepared:
    """A book read, transformed and ready to render, with where its outputs go."""

    source: Path
    outdir: Path
    manifest: Manifest
    book: m.Book
    context: RenderContext
    cache: BuildCache | None
    formats: tuple[str, ...]
    timeout: float
    split: bool

    def path(self, name: str) -> Path:
        """Where the output named ``name`` (``<slug>.pdf``, ``articles/01-x.pdf``) is written."""
        return self.outdir / name


def build(source: Path, outdir: Path, options: BuildOptions | None = None, reporter: Reporter | None = None,
          progress: Callable[[str], None] = lambda step: None) -> list[Path]:
    """Build the requested formats; write them only when every one of them succeeded.

    With a strict reporter, any warning fails the build before anything is written.
    With ``options.use_cache`` the results of costly steps are kept in the build
    cache for the next build (see ``cache``).
    """
    options = options or BuildOptions()
    reporter = reporter or Reporter()
    executor = options.executor or LocalExecutor()
    progress("reading sources")
    prepared = prepare(source, outdir, options, reporter, executor)
    editorial = start_lint(prepared, reporter, executor)
    outputs = render_formats(prepared, progress, editorial)
    if prepared.split and "pdf" in prepared.formats:
        progress("rendering handouts")
        outputs += render_handouts(prepared.book, prepared.context, prepared.timeout)
    return write_outputs(prepared, outputs, reporter)


def prepare(source: Path, outdir: Path, options: BuildOptions, reporter: Reporter, executor: Executor) -> Prepared:
    """The book of ``source`` read and transformed, and the context its renderers need."""
    manifest = locate(source)
    # the cache lives on this machine: a build whose work ships elsewhere keeps none
    cache = BuildCache(cache_folder(outdir, source)) if options.use_cache and not executor.ships else None
    book = finish_book(manifest, reporter, cache, executor, drafts=options.drafts)
    if cache is not None:
        for article in book.articles:
            cache.digest(article)  # once, before the children that key their results by it fork
    context = render_context(book, manifest, outdir, options, reporter, cache, executor)
    report_glyphs(book, context, manifest)
    timeout = default_timeout(book) if options.timeout is None else options.timeout
    return Prepared(source, outdir, manifest, book, context, cache, tuple(dict.fromkeys(options.formats)),
                    timeout, options.split)


def write_outputs(prepared: Prepared, outputs: list[tuple[str, bytes]], reporter: Reporter) -> list[Path]:
    """Every output written atomically, then the build record; nothing when --strict found anything."""
    fail_if_strict(reporter, prepared.source)
    written = []
    for name, data in outputs:
        write_atomic(prepared.path(name), data)
        written.append(prepared.path(name))
    book = prepared.book
    write_build_manifest(prepared.manifest, prepared.outdir, book.meta.slug,
                         [p for p in written if p.parent == prepared.outdir], prepared.context.build_time)
    if prepared.cache is not None:
        prepared.cache.prune(["read", "lint", *prepared.formats])
    return written


def output_name(book: m.Book, name: str) -> str:
    return f"{book.meta.slug}{extension(name)}"


def render_context(book: m.Book, manifest: Manifest, outdir: Path, options: BuildOptions, reporter: Reporter,
                   cache: BuildCache | None, executor: Executor) -> RenderContext:
    """What every renderer is given: the theme, the page, the resources, the build's time."""
    styles = options.styles_dir or default_styles_dir()
    remote = RemotePolicy() if options.allow_remote else None
    # remote images are kept beside the outputs, so that every format uses the same bytes
    fetched = outdir / ".publish" / book.meta.slug / "remote"
    return RenderContext(
        styles_dir=styles,
        build_time=build_time(book),
        theme=load_theme(styles),
        resources=Resources([manifest.root, styles], reporter, remote=remote, cache_dir=fetched),
        page=page_geometry(options.page_size or book.meta.page_size),
        pdf_variant=options.pdf_variant,
        reporter=reporter,
        cache=cache,
        executor=executor,
    )


def report_glyphs(book: m.Book, context: RenderContext, manifest: Manifest) -> None:
    """A character no face can show concerns the build, wherever the lint runs."""
    reporter = context.reporter
    reporter.replay(unpackaged_faces(context.theme, m.Pos(str(context.styles_dir / "theme.toml"))))
    reporter.replay(missing_glyphs(book, context.theme, m.Pos(str(manifest.path or manifest.root))))


def start_lint(prepared: Prepared, reporter: Reporter, executor: Executor) -> Job[list[Diagnostic]] | None:
    """The editor's findings, worked out beside the rendering.

    With --strict they come first, here, each reported: a finding stops the build before
    anything renders.  Otherwise the build says how many there are (``publish lint`` lists
    them), and prints only what concerns the build itself.
    """
    if not reporter.strict:
        return executor.start("lint", functools.partial(lint, prepared.book, prepared.cache))
    reporter.replay(lint(prepared.book, prepared.cache))
    fail_if_strict(reporter, prepared.source)
    return None


def count_findings(findings: list[Diagnostic], reporter: Reporter) -> None:
    if findings:
        reporter.note(f"{len(findings)} editorial finding{'s' if len(findings) > 1 else ''}; "
                      "publish lint lists them")


def render_formats(prepared: Prepared, progress: Callable[[str], None],
                   editorial: Job[list[Diagnostic]] | None) -> list[tuple[str, bytes]]:
    """Every format's bytes, in the order asked for.

    With more than one worker the EPUB and the DOCX render beside the PDF, which
    is laid out here meanwhile (they need nothing from it); without the PDF, the
    DOCX renders here.
    """
    book, context, formats, timeout = prepared.book, prepared.context, prepared.formats, prepared.timeout
    reporter = context.reporter
    executor = context.executor
    travelling = context.portable(book) if executor.ships else context
    elsewhere: dict[str, Job[Reported[bytes]]] = {}
    try:
        if len(formats) > 1 and executor.workers > 1:
            for name in ("docx", "epub"):
                if name in formats and (name == "epub" or "pdf" in formats):
                    work = functools.partial(_render_elsewhere, name, book, travelling)
                    elsewhere[name] = executor.start(name, reporting(work, reporter.strict))
        rendered: dict[str, bytes] = {}
        for name in sorted(formats, key=lambda f: f != "pdf"):  # the slowest first
            if name not in elsewhere:
                progress(f"rendering {name}")
                with time_limit(timeout, name):
                    rendered[name] = _data(get_renderer(name)(book, context))
        for name, job in elsewhere.items():
            progress(f"waiting for {name}")
            result = job.result(timeout)
            reporter.replay(result.warnings)
            rendered[name] = result.value
        if editorial is not None:
            count_findings(editorial.result(timeout), reporter)
    finally:
        for job in elsewhere.values():
            job.stop()
        if editorial is not None:
            editorial.stop()
    return [(output_name(book, name), rendered[name]) for name in formats]


def _render_elsewhere(name: str, book: m.Book, context: RenderContext, reporter: Reporter) -> bytes:
    """The renderer is imported where it runs: a child's imports cost the parent nothing."""
    return _data(get_renderer(name)(book, context.with_reporter(reporter)))


def _data(result: Rendered | bytes) -> bytes:
    return result.data if isinstance(result, Rendered) else result


def render_handouts(book: m.Book, context: RenderContext, timeout: float) -> list[tuple[str, bytes]]:
    """One PDF per article for handing out (``--split``), named by its place and id."""
    with time_limit(timeout, "pdf"):
        return [(f"articles/{index:02d}-{article.id}.pdf", data)
                for index, (article, data) in enumerate(get_handout_renderer()(book, context), 1)]


def fail_if_strict(reporter: Reporter, source: Path) -> None:
    if reporter.strict and reporter.warnings:
        raise BuildError(str(source), f"{len(reporter.warnings)} warning(s) with --strict")
