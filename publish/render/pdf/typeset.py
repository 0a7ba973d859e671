"""Typesetting with WeasyPrint: one HTML document with the print stylesheet, fonts and images only from
the folders allowed, WeasyPrint's warnings to the reporter, the same bytes for the same input."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...diagnostics import BuildError, Diagnostic, Reporter
from ...model.nodes import Pos
from ...sources.resources import MAX_BYTES, Resource
from ...theme import Theme, fonts
from ..context import RenderContext
from ..html.theme_css import CSS_FONT_NAME, theme_properties
from .fonts import harfbuzz_instancing
from .tags import document_language, element_languages

#: The weights the print stylesheet sets in each role's face.
FONT_WEIGHTS = {"body": (400, 700), "heading": (400, 600), "mono": (400, 700), "cjk": (400, 700)}

#: Warnings about the machine, not the book, and WeasyPrint's word for a missing
#: glyph, which the build reports at the character's source (publish/fonts.py).
IGNORED_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset", ".notdef glyph rendered for")


def typeset_document(document_html: str, identifier: str, ctx: RenderContext, fetcher: LocalFetcher,
                     extra_css: str = "", *, tagged: bool = True,
                     before_writing: Callable[[Document], None] = lambda document: None) -> tuple[bytes, Document]:
    """The PDF of one HTML document with the print stylesheet (and ``extra_css`` after it),
    and WeasyPrint's laid-out document; ``before_writing`` may adjust the latter first."""
    variant = None if ctx.pdf_variant == "none" or not tagged else ctx.pdf_variant
    stylesheet = parsed_stylesheet(ctx, fetcher)
    ctx.reporter.replay(stylesheet.warnings)
    with weasyprint_warnings(ctx.reporter, Pos(str(ctx.styles_dir / "print.css"))), \
            fixed_font_timestamps(ctx), harfbuzz_instancing(), element_languages(document_language(document_html)):
        document = HTML(string=document_html, base_url=stylesheet.base_url, url_fetcher=fetcher)
        sheets = [stylesheet.css]
        if extra_css:
            sheets.append(CSS(string=extra_css, base_url=stylesheet.base_url, url_fetcher=fetcher,
                              font_config=stylesheet.font_config, counter_style=stylesheet.counter_style))
        # The same options for layout and writing, as HTML.write_pdf() would pass them.
        # Tagged whatever the variant: a PDF/A archive copy stays accessible too.
        options = {"stylesheets": sheets, "pdf_variant": variant, "pdf_tags": tagged,
                   "pdf_identifier": identifier.encode("utf-8")}
        laid_out = document.render(font_config=stylesheet.font_config, counter_style=stylesheet.counter_style,
                                   **options)
        before_writing(laid_out)
        pdf = laid_out.write_pdf(**options)
    if not pdf:
        raise BuildError("pdf", "WeasyPrint produced no output")
    return pdf, laid_out


@dataclass(frozen=True)
class ParsedStylesheet:
    """The print stylesheet as WeasyPrint parsed it, with the fonts its ``@font-face`` rules
    loaded and what parsing it warned about."""

    base_url: str
    css: CSS
    font_config: FontConfiguration
    # the stylesheet's @counter-style rules (a memo's "(a)") reach the layout only through this
    counter_style: CounterStyle
    warnings: tuple[Diagnostic, ...]


#: Stylesheets parsed in this process, by their text and folders.  Parsing the print
#: stylesheet and loading its fonts costs about 0.3 s, as much as laying out a short
#: article: a process parses it once and every document it typesets after reuses it,
#: as do the children it forks for the parts of a book (``prepare_stylesheet``) and
#: the builds of a warm ``publish watch``.  Only the latest few are kept.
_PARSED: dict[tuple[str, str, tuple[Path, ...]], ParsedStylesheet] = {}
_PARSED_KEPT = 2


def parsed_stylesheet(ctx: RenderContext, fetcher: LocalFetcher) -> ParsedStylesheet:
    """The print stylesheet of ``ctx``, parsed once per process."""
    text = print_stylesheet(ctx)
    base_url = ctx.styles_dir.resolve().as_uri() + "/"
    key = (text, base_url, tuple(fetcher.folders))
    parsed = _PARSED.get(key)
    if parsed is None:
        reporter = Reporter(stream=None)
        font_config = FontConfiguration()
        counter_style = CounterStyle()
        with weasyprint_warnings(reporter, Pos(str(ctx.styles_dir / "print.css"))), fixed_font_timestamps(ctx):
            css = CSS(string=text, base_url=base_url, url_fetcher=LocalFetcher(list(fetcher.folders)),
                      font_config=font_config, counter_style=counter_style)
        parsed = ParsedStylesheet(base_url, css, font_config, counter_style, tuple(reporter.warnings))
        while len(_PARSED) >= _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = parsed
    return parsed


def print_stylesheet(ctx: RenderContext) -> str:
    """Theme variables, font faces, the print CSS, then the page size chosen for this build."""
    print_css = ctx.stylesheet("print.css")
    return "\n".join((
        theme_properties(ctx.theme, ctx.reporter, Pos(str(ctx.styles_dir / "theme.toml"))),
        font_face_css(ctx.theme),
        print_css,
        f"@page {{ size: {ctx.page.css_size}; }}",
    ))


class LocalFetcher(URLFetcher):
    """Serves local files from the allowed folders and the images the book named, nothing else.

    WeasyPrint's own fetcher would follow http, ftp and any file: URL; a
    refusal here becomes a WeasyPrint warning, which the reporter receives.
    """

    def __init__(self, folders: list[Path]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.folders = [folder.resolve() for folder in folders]
        #: The images the book named, served from memory: they were read and checked once,
        #: and a render on another machine has them without the content folder.
        self.resources: dict[Path, Resource] = {}

    def allow_resource(self, resource: Resource) -> None:
        self.resources[resource.path.resolve()] = resource

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused (only local files are used): {url}")
        path = Path(url2pathname(parts.path)).resolve()
        known = self.resources.get(path)
        if known is not None:
            return URLFetcherResponse(path.as_uri(), known.data, {"Content-Type": known.media_type})
        allowed = any(path.is_relative_to(f) for f in self.folders)
        if not allowed:
            raise ValueError(f"refused (outside the styles, fonts and content folders): {url}")
        if not path.is_file():
            raise ValueError(f"not found: {url}")
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"refused (larger than {MAX_BYTES} bytes): {url}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})


class _ReporterHandler(logging.Handler):
    def __init__(self, reporter: Reporter, pos: Pos) -> None:
        super().__init__(logging.WARNING)
        self.reporter = reporter
        self.pos = pos

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(IGNORED_WARNINGS):
            self.reporter.warn(self.pos, f"pdf: {message}")


@contextlib.contextmanager
def weasyprint_warnings(reporter: Reporter, pos: Pos) -> Iterator[None]:
    """Route WeasyPrint's log warnings (missing images, CSS errors) to the reporter only."""
    logger = logging.getLogger("weasyprint")
    handler = _ReporterHandler(reporter, pos)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


#: fixed_font_timestamps changes the process environment: one render at a time.
_ENVIRONMENT_LOCK = threading.Lock()


@contextlib.contextmanager
def fixed_font_timestamps(ctx: RenderContext) -> Iterator[None]:
    """Pin the timestamps fontTools writes into subset fonts to the build time.

    WeasyPrint saves the fonts it subsets and instances with fontTools, without
    ``recalcTimestamp=False``, so fontTools stamps each font's ``head`` table
    with the current time unless SOURCE_DATE_EPOCH is set; without this two
    builds of the same book would differ whenever a font goes to fontTools
    (``pdf_fonts`` instances the variable fonts with HarfBuzz, which keeps the
    font's own dates).  Neither WeasyPrint (``write_pdf`` options) nor fontTools
    offers another way in, so the variable is set for the duration of the
    layout.  The environment is process-wide: the lock keeps two PDF
    renders in one process from restoring each other's value; other threads
    that read SOURCE_DATE_EPOCH meanwhile see the build time.
    """
    wanted = str(int(ctx.build_time.timestamp()))
    with _ENVIRONMENT_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = wanted
        try:
            yield
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


# ----------------------------------------------------------------------- fonts
# Every face comes from a pinned package (publish/fonts.py) through @font-face:
# a variable font gets one rule per weight the stylesheet sets, all naming the
# same file; a static one, one rule per file.  Pango still falls back through
# fontconfig for a character no face has, which the build reports at its source.


def font_face_css(theme: Theme) -> str:
    rules = []
    for role, weights in FONT_WEIGHTS.items():
        name = str(theme.fonts.get(role, ""))
        if not CSS_FONT_NAME.fullmatch(name):
            continue
        for file in fonts.family_files(name):
            for weight in weights if file.weight is None else (file.weight,):
                rules.append(
                    f'@font-face {{ font-family: "{name}"; src: url("{file.path.as_uri()}");'
                    f" font-weight: {weight}; font-style: {file.style}; }}"
                )
    return "\n".join(rules)
