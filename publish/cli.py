"""The ``publish`` command.

Exit status: 0 success, 1 a failed build or check, 2 bad input or usage.
Written paths go to stdout, one per line; progress and messages to stderr.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .conventions import PAGE_SIZES, page_size_name
from .diagnostics import BuildError, InputError, Reporter
from .render import FORMATS

if TYPE_CHECKING:
    from .build.workers import Executor

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated)")
    return list(dict.fromkeys(names))


# Options shared by the commands that read a book and write (or read back) its outputs.
source_argument = click.argument("source", type=click.Path(path_type=Path), default=Path("content"))
outdir_option = click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False),
                             default=Path("dist"), show_default=True, help="Folder for the outputs.")
formats_option = click.option("-f", "--formats", default=",".join(FORMATS), show_default=True,
                              callback=_formats, help="Formats to build, comma-separated.")
styles_option = click.option("--styles", "styles_dir", help="Theme folder (default: ./styles).",
                             type=click.Path(path_type=Path, file_okay=False, exists=True))
scheduler_option = click.option("--scheduler", metavar="tcp://HOST:PORT",
                                help="Run the work on this Dask scheduler (default: PUBLISH_SCHEDULER, else here).")
drafts_option = click.option("--drafts", is_flag=True,
                             help="Keep drafts in the book (draft: true, published: false), as drafts = true does.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show a traceback for every error.")
@click.version_option(package_name="publish")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Briefing books from Markdown posts and event summaries: PDF, EPUB and Word."""
    ctx.obj = {"debug": debug}


@contextmanager
def _reporting(ctx: click.Context):
    """Turn the pipeline's exceptions into messages and exit statuses, without tracebacks."""
    debug = ctx.obj.get("debug", False)
    try:
        yield
    except InputError as exc:
        if debug:
            traceback.print_exc()
        click.echo(str(exc.diagnostic), err=True)
        ctx.exit(EXIT_INPUT)
    except BuildError as exc:
        if debug:
            traceback.print_exc()
        click.echo(str(exc), err=True)
        ctx.exit(EXIT_FAILED)
    except Exception as exc:  # a renderer or library failure: report it, keep the old outputs
        if debug:
            traceback.print_exc()
        click.echo(f"publish: error: build failed: {type(exc).__name__}: {exc}", err=True)
        if not debug:
            click.echo("publish: note: run with --debug for the traceback", err=True)
        ctx.exit(EXIT_FAILED)


def _progress_printer() -> tuple[Callable[[str], None], Callable[[], None]]:
    """A Rich progress display on a terminal; plain lines otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        return (lambda step: click.echo(f"publish: {step}", err=True)), (lambda: None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task("starting", total=None)
    progress.start()
    return (lambda step: progress.update(task, description=step)), progress.stop


@cli.command()
@source_argument
@outdir_option
@formats_option
@click.option("--page-size", type=click.Choice(list(PAGE_SIZES), case_sensitive=False),
              help="Override the manifest's page size for the PDF.")
@styles_option
@click.option("--pdf-variant", default="pdf/ua-1", show_default=True,
              type=click.Choice(["pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u",
                                 "pdf/a-4u", "pdf/x-3", "pdf/x-4", "none"]),
              help="The PDF standard to follow: tagged PDF/UA, or PDF/A for archiving.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="Seconds each format may take to render (0: no limit; default: 300 + 3 per article).")
@click.option("--split", is_flag=True,
              help="Also write one PDF per article into OUTDIR/articles/, for handouts.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--allow-remote", is_flag=True,
              help="Fetch http(s) images (public addresses only, with a timeout and a size cap).")
@click.option("--no-cache", is_flag=True,
              help="Do everything afresh, and keep nothing for the next build (see \"The build cache\" in the README).")
@drafts_option
@scheduler_option
@click.pass_context
def build(ctx: click.Context, source: Path, outdir: Path, formats: list[str], page_size: str | None,
          styles_dir: Path | None, pdf_variant: str, timeout: float, split: bool, strict: bool,
          allow_remote: bool, no_cache: bool, drafts: bool, scheduler: str | None) -> None:
    """Build SOURCE (a folder, a briefing.toml or one source file; default: content)."""
    from .build.pipeline import BuildOptions
    from .build.pipeline import build as run_build

    reporter = Reporter(strict=strict)
    step, stop = _progress_printer()
    with _reporting(ctx), _executor(scheduler) as executor:
        options = BuildOptions(formats=formats, page_size=page_size_name(page_size) if page_size else None,
                               pdf_variant=pdf_variant, styles_dir=styles_dir, allow_remote=allow_remote,
                               timeout=timeout, split=split, use_cache=not no_cache, drafts=drafts,
                               executor=executor)
        try:
            written = run_build(source, outdir, options, reporter, progress=step)
        finally:
            stop()
        for path in written:
            click.echo(str(path))


@contextmanager
def _executor(scheduler: str | None) -> Iterator[Executor | None]:
    """The Dask cluster a scheduler names (and closed after), or None: this machine."""
    from .build.cluster import ClusterExecutor, scheduler_address

    address = scheduler_address(scheduler)
    if address is None:
        yield None
        return
    executor = ClusterExecutor(address)
    try:
        yield executor
    finally:
        executor.close()


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch", "batch_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A batch.toml listing the books (see the README).")
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"),
              show_default=True, help="Each book's outputs go to OUTDIR/<slug>/.")
@formats_option
@click.option("--page-size", type=click.Choice(list(PAGE_SIZES), case_sensitive=False),
              help="Override every manifest's page size for the PDF.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@drafts_option
@scheduler_option
@click.pass_context
def batch(ctx: click.Context, sources: tuple[Path, ...], batch_file: Path | None, outdir: Path,
          formats: list[str], page_size: str | None, strict: bool, drafts: bool, scheduler: str | None) -> None:
    """Build many briefings: each SOURCE (or each book of a batch.toml) as publish build builds it."""
    from .build.batch import BookRequest, read_batch, run_batch
    from .build.pipeline import BuildOptions
    from .build.workers import LocalExecutor

    options = BuildOptions(formats=formats, page_size=page_size_name(page_size) if page_size else None,
                           drafts=drafts)
    status = EXIT_OK
    with _reporting(ctx), _executor(scheduler) as cluster:
        requests = [BookRequest(source, None, options) for source in sources]
        if batch_file is not None:
            listed, listed_outdir = read_batch(batch_file)
            requests += listed
            outdir = listed_outdir or outdir
        if not requests:
            raise click.UsageError("name the books: SOURCE ... or --batch batch.toml")
        executor = cluster or LocalExecutor()
        tick, stop = _batch_progress(len(requests))
        try:
            outcomes = run_batch(requests, outdir, executor, strict, progress=tick)
        finally:
            stop()
        for outcome in outcomes:
            for path in outcome.written:
                click.echo(str(path))
            if not outcome.ok:
                click.echo(outcome.error, err=True)
        _print_outcomes(outcomes)
        status = EXIT_OK if all(outcome.ok for outcome in outcomes) else EXIT_FAILED
    ctx.exit(status)


def _batch_progress(total: int) -> tuple[Callable[[Any], None], Callable[[], None]]:
    """A Rich progress bar over the books on a terminal; a line per book otherwise."""
    if not sys.stderr.isatty():
        return (lambda outcome: click.echo(f"publish: {outcome.slug or outcome.source}: "
                                           f"{'ok' if outcome.ok else 'failed'}", err=True)), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("books"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task("books", total=total)
    progress.start()
    return (lambda outcome: progress.advance(task)), progress.stop


def _print_outcomes(outcomes: Sequence[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .build.batch import outcome_rows

    table = Table("book", "status", "pages", "seconds", "warnings", title="publish batch")
    for row in outcome_rows(outcomes):
        table.add_row(*row)
    Console(stderr=True, width=100).print(table)


@cli.command()
@source_argument
@outdir_option
@formats_option
@styles_option
@drafts_option
@click.pass_context
def watch(ctx: click.Context, source: Path, outdir: Path, formats: list[str], styles_dir: Path | None,
          drafts: bool) -> None:
    """Build SOURCE, then build again whenever a source, the manifest or the theme changes.

    The libraries and the print stylesheet are loaded once; each build runs in a
    process forked from this one, and the build cache keeps what did not change."""
    from watchfiles import watch as changes

    from .build.pipeline import BuildOptions, default_styles_dir
    from .build.warm import WarmBuilds

    styles = styles_dir or default_styles_dir()
    folder = source if source.is_dir() else source.parent
    builds = WarmBuilds(source, outdir, BuildOptions(formats=formats, styles_dir=styles, drafts=drafts))

    def rebuild() -> None:
        try:
            for path in builds.build():
                click.echo(str(path))
        except (InputError, BuildError) as exc:  # a mistake while editing: say so and keep watching
            click.echo(str(exc.diagnostic) if isinstance(exc, InputError) else str(exc), err=True)

    rebuild()
    click.echo(f"publish: watching {folder} and {styles} (Ctrl-C to stop)", err=True)
    outputs = outdir.resolve()
    # Our own outputs land in OUTDIR, which may sit inside the watched folder.
    for _ in changes(folder, styles, watch_filter=lambda change, path: not Path(path).resolve()
                     .is_relative_to(outputs), rust_timeout=0, yield_on_timeout=False):
        rebuild()


@cli.command()
@source_argument
@outdir_option
@styles_option
@drafts_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.pass_context
def preview(ctx: click.Context, source: Path, outdir: Path, styles_dir: Path | None, drafts: bool, port: int,
            open_browser: bool) -> None:
    """Build SOURCE and show its PDF pages and EPUB chapters in the browser, on 127.0.0.1;
    rebuild and refresh whenever a source, the manifest or the theme changes."""
    from .build.pipeline import default_styles_dir
    from .preview.serve import bind
    from .preview.serve import preview as serve

    if not source.exists():
        click.echo(f"publish: error: {source}: no such file or folder", err=True)
        ctx.exit(EXIT_INPUT)
    try:
        sock = bind(port)
    except OSError as exc:
        click.echo(f"publish: error: cannot listen on 127.0.0.1:{port}: {exc.strerror}", err=True)
        ctx.exit(EXIT_INPUT)
    # The page shows the PDF and the EPUB: the DOCX is left to publish build and watch.
    serve(source, outdir, styles_dir or default_styles_dir(), ["pdf", "epub"], drafts, sock, open_browser)


@cli.command("lint")
@source_argument
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning.")
@drafts_option
@click.pass_context
def lint_command(ctx: click.Context, source: Path, strict: bool, drafts: bool) -> None:
    """Report an editor's findings on SOURCE: repetitions, undefined abbreviations, skipped levels..."""
    from .build.book import load_book
    from .lint import lint

    reporter = Reporter()
    with _reporting(ctx):
        book = load_book(source, reporter, drafts=drafts)
        reporter.replay(lint(book))
    if strict and reporter.warnings:
        ctx.exit(EXIT_FAILED)


@cli.command()
@source_argument
@drafts_option
@click.pass_context
def model(ctx: click.Context, source: Path, drafts: bool) -> None:
    """Print the normalised model of SOURCE as JSON."""
    from .build.book import load_book
    from .model.json import to_json

    with _reporting(ctx):
        book = load_book(source, Reporter(), drafts=drafts)
        click.echo(to_json(book), nl=False)


@cli.command()
@source_argument
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"),
              show_default=True, help="Folder holding the built outputs.")
@click.option("-f", "--formats", default=",".join(FORMATS), show_default=True, callback=_formats,
              help="Formats to check, comma-separated.")
@drafts_option
@click.pass_context
def check(ctx: click.Context, source: Path, outdir: Path, formats: list[str], drafts: bool) -> None:
    """Check that SOURCE's model holds every line of its sources, and that the outputs built
    from it say what the model says and are valid."""
    from .build.book import load_book
    from .diagnostics import Diagnostic
    from .model.nodes import Pos
    from .sources.manifest import locate
    from .verify import EXTENSIONS, INSTALL_HINT, check_outputs, check_sources, missing_readers

    missing = missing_readers(formats)
    if missing:
        click.echo(f"publish: error: check needs {', '.join(missing)}, not installed: {INSTALL_HINT}", err=True)
        ctx.exit(EXIT_INPUT)
    status = EXIT_OK
    with _reporting(ctx):
        book = load_book(source, Reporter(stream=None), drafts=drafts)  # the build showed its warnings
        outputs = {f: outdir / f"{book.meta.slug}{EXTENSIONS[f]}" for f in formats}
        absent = [path for path in outputs.values() if not path.is_file()]
        for path in absent:
            click.echo(str(Diagnostic("error", Pos(str(path)), "not built; run publish build first")), err=True)
        if absent:
            status = EXIT_INPUT
        else:
            findings = check_sources(locate(source)) + check_outputs(book, outputs)
            for finding in findings:
                click.echo(str(finding), err=True)
            status = EXIT_FAILED if findings else EXIT_OK
            summary = f"{len(findings)} difference(s)" if findings else f"{', '.join(formats)} match the model"
            click.echo(f"publish: check: {summary}", err=True)
    # Outside the reporting block, which would take the exit for a failure.
    ctx.exit(status)


@cli.command()
@click.argument("edited", type=click.Path(path_type=Path, dir_okay=False))
@source_argument
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"),
              show_default=True, help="Folder holding the build record (<slug>.manifest.json).")
@click.option("--apply", "apply_edits", is_flag=True,
              help="Write the text edits whose place in a Markdown or .txt source is exact.")
@click.option("--format", "report_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The report on stdout.")
@click.pass_context
def absorb(ctx: click.Context, edited: Path, source: Path, outdir: Path, apply_edits: bool,
           report_format: str) -> None:
    """Report the edits made in EDITED (the briefing's Word file) at their lines in SOURCE's sources."""
    from .absorb import absorb as run_absorb
    from .absorb.report import as_json, as_text

    status = EXIT_OK
    with _reporting(ctx):
        outcome = run_absorb(edited, source, outdir, apply=apply_edits)
        click.echo((as_json if report_format == "json" else as_text)(outcome.report), nl=False)
        for message in outcome.messages:
            click.echo(message, err=True)
        status = outcome.status
    # Outside the reporting block, which would take the exit for a failure.
    ctx.exit(status)


def main(argv: list[str] | None = None) -> int:
    try:
        # Without standalone mode, click returns the status given to ctx.exit().
        status = cli.main(args=argv, prog_name="publish", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except click.exceptions.Abort:
        click.echo("publish: interrupted", err=True)
        return 130
    return status if isinstance(status, int) else EXIT_OK
