"""``publish batch``: many briefings in one command, each built as ``publish build`` builds it.

Every book is read and transformed here (that needs its content folder), then
rendered as one task — the lint and every format, in order — on the executor:
forked processes on this machine, or a Dask cluster.  Its outputs come back as
bytes and are written here, atomically, into the book's own folder, so a batch
on a cluster leaves nothing half-written when a worker dies, and a book that
fails stops no other.  The renderers and the steps are ``pipeline``'s own: a
book of a batch has the bytes ``publish build`` gives it.

A batch is a list of sources, or a ``batch.toml``::

    outdir = "dist"                  # each book goes to OUTDIR/<slug>/ unless it says otherwise
    formats = ["pdf", "epub"]        # defaults for every book

    [[books]]
    source = "briefings/japan"       # a folder, a briefing.toml or one source file
    outdir = "dist/japan"
    page_size = "Letter"
"""

from __future__ import annotations

import functools
import io
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..diagnostics import BuildError, Diagnostic, InputError, Reporter
from ..lint import lint
from ..model import nodes as m
from ..render import FORMATS, get_handout_renderer, get_renderer, warm_up
from ..render.context import RenderContext
from ..sources.manifest import locate
from .pipeline import BuildOptions, Prepared, output_name, prepare, write_outputs
from .timelimit import time_limit
from .workers import Executor, LocalExecutor, Reported, reporting

#: What a book of ``batch.toml`` may say besides its source.
_BOOK_KEYS = {"source", "outdir", "formats", "page_size", "pdf_variant", "split", "drafts"}


@dataclass(frozen=True)
class BookRequest:
    """One book of a batch: its source, where its outputs go, and how to build it."""

    source: Path
    outdir: Path | None
    options: BuildOptions


@dataclass(frozen=True)
class BookOutcome:
    """What became of one book."""

    source: Path
    slug: str = ""
    written: tuple[Path, ...] = ()
    pages: int = 0
    seconds: float = 0.0
    warnings: int = 0
    findings: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class _Rendered:
    """A book's outputs by name, and the editor's findings, as a task gives them back."""

    outputs: tuple[tuple[str, bytes], ...]
    findings: tuple[Diagnostic, ...] = field(default=())


def read_batch(path: Path) -> tuple[list[BookRequest], Path | None]:
    """The books a ``batch.toml`` lists, and its ``outdir``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(m.Pos(str(path)), f"cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(m.Pos(str(path)), f"invalid TOML: {exc}") from None
    defaults = {key: value for key, value in data.items() if key in _BOOK_KEYS - {"source"}}
    books = data.get("books")
    if not isinstance(books, list) or not books:
        raise InputError(m.Pos(str(path)), "a batch needs [[books]] tables, each with a source")
    outdir = Path(data["outdir"]) if isinstance(data.get("outdir"), str) else None
    requests = []
    for index, book in enumerate(books, 1):
        if not isinstance(book, dict) or not isinstance(book.get("source"), str):
            raise InputError(m.Pos(str(path)), f"book {index} needs source = \"...\"")
        unknown = sorted(set(book) - _BOOK_KEYS)
        if unknown:
            raise InputError(m.Pos(str(path)), f"book {index}: unknown key '{unknown[0]}' "
                                               f"(known: {', '.join(sorted(_BOOK_KEYS))})")
        settings = {**defaults, **book}
        requests.append(BookRequest(path.parent / settings["source"],
                                    path.parent / settings["outdir"] if "outdir" in settings else None,
                                    _options(settings, path)))
    return requests, outdir


def _options(settings: dict[str, Any], path: Path) -> BuildOptions:
    formats = settings.get("formats", list(FORMATS))
    if not isinstance(formats, list) or not set(formats) <= set(FORMATS) or not formats:
        raise InputError(m.Pos(str(path)), f"formats must be a list of {', '.join(FORMATS)}")
    return BuildOptions(formats=tuple(formats), page_size=settings.get("page_size"),
                        pdf_variant=settings.get("pdf_variant", "pdf/ua-1"), split=bool(settings.get("split")),
                        drafts=bool(settings.get("drafts")))


def run_batch(requests: Sequence[BookRequest], outdir: Path, executor: Executor, strict: bool = False,
              progress: Callable[[BookOutcome], None] = lambda outcome: None) -> list[BookOutcome]:
    """Build every book; each outcome as it comes (``progress``), all of them in the batch's order."""
    outcomes: dict[int, BookOutcome] = {}
    ready: list[tuple[int, Prepared, Reporter, float]] = []
    for index, request in enumerate(requests):
        reporter = Reporter(stream=None, strict=strict)
        started = time.perf_counter()
        try:
            target = request.outdir or outdir / locate(request.source).meta.slug
            # the book's work is one task: read here, rendered in order where the task runs; the
            # build cache lives on this machine, so a batch on a cluster keeps none
            options = replace(request.options, use_cache=request.options.use_cache and not executor.ships)
            prepared = prepare(request.source, target, options, reporter, LocalExecutor(1))
        except (InputError, BuildError) as error:
            outcomes[index] = _failed(request.source, error, reporter, started)
            progress(outcomes[index])
            continue
        ready.append((index, prepared, reporter, started))
    if ready and not executor.ships:
        # Forked here, each book's task starts with the renderers imported and the first
        # book's print stylesheet parsed, as a build of `publish watch` does; otherwise
        # every book pays for both again (a second of CPU each).
        formats = sorted({name for _, prepared, _, _ in ready for name in prepared.formats})
        warm_up(formats, ready[0][1].context.with_reporter(Reporter(stream=None)))
    tasks = [reporting(functools.partial(render_book, _travelling(prepared, executor)), strict)
             for _, prepared, _, _ in ready]
    for position, result in executor.each("book", tasks):
        index, prepared, reporter, started = ready[position]
        outcomes[index] = _finish(prepared, result, reporter, started)
        progress(outcomes[index])
    return [outcomes[index] for index in range(len(requests))]


def _travelling(prepared: Prepared, executor: Executor) -> Prepared:
    """The book as its task needs it: on another machine, with everything in memory."""
    if not executor.ships:
        return prepared
    return replace(prepared, context=prepared.context.portable(prepared.book), cache=None)


def render_book(prepared: Prepared, reporter: Reporter) -> _Rendered:
    """A book's lint and every format, in order, where the task runs: ``publish build``'s
    renderers on ``publish build``'s context, so the bytes are its own."""
    book = prepared.book
    context: RenderContext = prepared.context.with_reporter(reporter)
    findings = tuple(lint(book, prepared.cache))
    if reporter.strict:
        reporter.replay(findings)
    outputs: list[tuple[str, bytes]] = []
    for name in prepared.formats:
        with time_limit(prepared.timeout, name):
            result = get_renderer(name)(book, context)
        outputs.append((output_name(book, name), result if isinstance(result, bytes) else result.data))
    if prepared.split and "pdf" in prepared.formats:
        with time_limit(prepared.timeout, "pdf"):
            outputs += [(f"articles/{index:02d}-{article.id}.pdf", data)
                        for index, (article, data) in enumerate(get_handout_renderer()(book, context), 1)]
    return _Rendered(tuple(outputs), () if reporter.strict else findings)


def _finish(prepared: Prepared, result: Reported[_Rendered] | BuildError, reporter: Reporter,
            started: float) -> BookOutcome:
    if isinstance(result, BuildError):
        return _failed(prepared.source, result, reporter, started, prepared.book.meta.slug)
    reporter.replay(result.warnings)
    try:
        written = write_outputs(prepared, list(result.value.outputs), reporter)
    except (BuildError, OSError) as error:
        return _failed(prepared.source, error, reporter, started, prepared.book.meta.slug)
    pdf = next((data for name, data in result.value.outputs if name.endswith(".pdf") and "/" not in name), None)
    return BookOutcome(prepared.source, prepared.book.meta.slug, tuple(written), _pages(pdf),
                       time.perf_counter() - started, len(reporter.warnings), len(result.value.findings))


def _failed(source: Path, error: BaseException, reporter: Reporter, started: float, slug: str = "") -> BookOutcome:
    message = str(error.diagnostic) if isinstance(error, InputError) else str(error)
    return BookOutcome(source, slug, seconds=time.perf_counter() - started, warnings=len(reporter.warnings),
                       error=message)


def _pages(pdf: bytes | None) -> int:
    if pdf is None:
        return 0
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def outcome_rows(outcomes: Sequence[BookOutcome]) -> Iterator[tuple[str, ...]]:
    """The table at the end of a batch: book, status, pages, seconds, warnings."""
    for outcome in outcomes:
        yield (outcome.slug or str(outcome.source), "ok" if outcome.ok else "failed",
               str(outcome.pages or ""), f"{outcome.seconds:.1f}", str(outcome.warnings + outcome.findings))
