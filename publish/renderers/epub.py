"""The book as a reflowable EPUB 3, packaged by ebooklib from the shared XHTML.

ebooklib writes the package document, the nav and the NCX; the content
documents are ours, passed through unchanged (its own HTML item class would
re-parse them with an HTML parser and drop the head).  The archive is then
re-zipped so that the same book and build time give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import textwrap
import uuid
import zipfile
from pathlib import Path, PurePosixPath

from ebooklib import epub
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from ..diagnostics import BuildError
from ..model import Book, Image, Pos
from ..theme import Theme
from . import html
from .context import RenderContext

STYLESHEET = "style/book.css"
COVER_IMAGE = "images/cover.png"
COVER_SIZE = (1600, 2400)
XHTML = "application/xhtml+xml"
#: uuid5 namespace for identifiers derived from the book slug.
IDENTIFIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:publish:briefing")
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)

#: MARC relator codes for the roles the readers produce.
RELATORS = {
    "author": "aut",
    "speaker": "spk",
    "moderator": "mod",
    "commentator": "cmm",
    "editor": "edt",
    "interviewer": "ivr",
    "interviewee": "ive",
    "translator": "trl",
    "contributor": "ctb",
}

ACCESSIBILITY_SUMMARY = (
    "Reflowable text with a navigable table of contents, headings for every "
    "section, footnotes linked both ways and text alternatives for images."
)


def render(book: Book, ctx: RenderContext) -> bytes:
    package = epub.EpubBook()
    images = _ImageRegistry(package, ctx)
    stylesheet = epub_stylesheet(ctx)
    docs = html.epub_documents(book, ctx.build_time, images.url, ctx.reporter,
                               cover_image=COVER_IMAGE, stylesheet=STYLESHEET)

    _set_metadata(package, book, ctx)
    package.set_cover(COVER_IMAGE, cover_png(book, ctx.theme), create_page=False)
    package.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                   content=stylesheet.encode("utf-8")))

    cover = _document("cover", docs.cover)
    glance = _document("glance", docs.glance)
    articles = [_document(f"article-{i + 1:02d}", d) for i, d in enumerate(docs.articles)]
    for item in (cover, glance, *articles):
        package.add_item(item)

    nav = epub.EpubNav(title="Contents")
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.toc = _toc(docs)
    package.spine = [cover, nav, glance, *articles]
    package.guide = [
        {"type": "cover", "href": html.COVER_FILE, "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
    ]
    if articles:
        package.guide.append({"type": "text", "href": articles[0].file_name, "title": "Start of content"})

    return deterministic_zip(_write(package, ctx), ctx.build_time)


# -------------------------------------------------------------------- parts


class _XhtmlDocument(epub.EpubItem):
    """A content document written as given (see the module docstring)."""


def _document(uid: str, doc: html.EpubDocument) -> epub.EpubItem:
    return _XhtmlDocument(uid=uid, file_name=doc.file_name, media_type=XHTML,
                          content=doc.xhtml.encode("utf-8"))


class _ImageRegistry:
    """Adds each image the book uses once, named by its content hash."""

    def __init__(self, package: epub.EpubBook, ctx: RenderContext) -> None:
        self.package = package
        self.ctx = ctx
        self.names: dict[Path, str] = {}

    def url(self, image: Image, pos: Pos) -> str | None:
        resource = self.ctx.resources.fetch(image.src, pos)
        if resource is None:
            return None
        if resource.path not in self.names:
            digest = hashlib.sha256(resource.data).hexdigest()[:16]
            suffix = PurePosixPath(resource.path.name).suffix.lower()
            name = f"images/{digest}{suffix}"
            if self.package.get_item_with_href(name) is None:
                self.package.add_item(epub.EpubItem(uid=f"img-{digest}", file_name=name,
                                                    media_type=resource.media_type,
                                                    content=resource.data))
            self.names[resource.path] = name
        return self.names[resource.path]


def _toc(docs: html.EpubDocuments) -> list[object]:
    toc: list[object] = [epub.Link(docs.glance.file_name, docs.glance.title, "toc-glance")]
    for index, (view, doc) in enumerate(zip(docs.book.articles, docs.articles, strict=True)):
        uid = f"toc-{index + 1:02d}"
        head = epub.Link(doc.file_name, doc.title, uid)
        children = _toc_entries(view.sections, uid)
        toc.append((head, children) if children else head)
    return toc


def _toc_entries(entries: tuple[html.TocEntry, ...], parent: str) -> list[object]:
    out: list[object] = []
    for index, entry in enumerate(entries):
        uid = f"{parent}-{index + 1:02d}"
        link = epub.Link(entry.href, entry.title, uid)
        children = _toc_entries(entry.children, uid)
        out.append((link, children) if children else link)
    return out


def epub_stylesheet(ctx: RenderContext) -> str:
    css_path = ctx.styles_dir / "epub.css"
    try:
        css = css_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(str(css_path), f"cannot read stylesheet: {exc.strerror}") from None
    theme = html.theme_properties(ctx.theme, ctx.reporter, Pos(str(ctx.styles_dir / "theme.toml")),
                                  size_unit="em")
    return theme + "\n" + css


# ----------------------------------------------------------------- metadata


def book_identifier(book: Book) -> str:
    if book.meta.identifier:
        return book.meta.identifier
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, book.meta.slug)}"


def _set_metadata(package: epub.EpubBook, book: Book, ctx: RenderContext) -> None:
    meta = book.meta
    package.set_identifier(book_identifier(book))
    package.set_title(meta.title)
    package.set_language(meta.language or "en")
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    publisher = meta.publisher or meta.prepared_by
    if publisher:
        package.add_metadata("DC", "publisher", publisher)
    day = meta.date or ctx.build_time.date()
    package.add_metadata("DC", "date", day.isoformat())
    description = meta.description or meta.subtitle
    if description:
        package.add_metadata("DC", "description", description)
    for tag in dict.fromkeys(t for a in book.articles for t in a.meta.tags if t):
        package.add_metadata("DC", "subject", tag)
    _add_creators(package, book)
    _add_accessibility(package)


def _add_creators(package: epub.EpubBook, book: Book) -> None:
    seen: set[str] = set()
    for article in book.articles:
        for person in article.meta.people:
            if not person.name or person.name in seen:
                continue
            seen.add(person.name)
            uid = f"creator-{len(seen):02d}"
            package.add_metadata("DC", "creator", person.name, {"id": uid})
            if person.family_name and person.given_name:
                file_as = f"{person.family_name}, {person.given_name}"
                package.add_metadata(None, "meta", file_as, {"refines": f"#{uid}", "property": "file-as"})
            for role in person.roles:
                code = RELATORS.get(role.strip().lower())
                if code:
                    package.add_metadata(None, "meta", code, {
                        "refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})


def _add_accessibility(package: epub.EpubBook) -> None:
    # ebooklib has no API for these: they are plain <meta property> entries.
    properties = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", ACCESSIBILITY_SUMMARY),
    ]
    for prop, value in properties:
        package.add_metadata(None, "meta", value, {"property": prop})


# -------------------------------------------------------------------- cover


def cover_png(book: Book, theme: Theme) -> bytes:
    """A cover drawn from the title, subtitle and date; same input, same pixels."""
    width, height = COVER_SIZE
    accent = _colour(theme.colours.get("accent"), "#1f3a5f")
    muted = _colour(theme.colours.get("muted"), "#5b6472")
    marking = _colour(theme.colours.get("marking"), "#8a1c1c")
    image = PILImage.new("RGB", COVER_SIZE, "#ffffff")
    draw = ImageDraw.Draw(image)
    band = int(height * 0.52)
    draw.rectangle([0, 0, width, band], fill=accent)
    margin = 130

    y = 200
    if book.meta.distribution:
        font = _font(theme, "heading", 40, 600)
        text = book.meta.distribution.upper()
        box = draw.textbbox((margin, y), text, font=font)
        draw.rectangle([box[0] - 24, box[1] - 16, box[2] + 24, box[3] + 16], outline="#ffffff", width=4)
        draw.text((margin, y), text, font=font, fill="#ffffff")
    y = 420
    draw.text((margin, y), "B R I E F I N G", font=_font(theme, "heading", 44, 600), fill="#c9d3e0")
    y += 110
    title_font = _font(theme, "heading", 120, 600)
    for line in textwrap.wrap(book.meta.title, width=20)[:5]:
        draw.text((margin, y), line, font=title_font, fill="#ffffff")
        y += 140
    if book.meta.subtitle:
        y += 30
        subtitle_font = _font(theme, "heading", 58, 400)
        for line in textwrap.wrap(book.meta.subtitle, width=40)[:3]:
            draw.text((margin, y), line, font=subtitle_font, fill="#e4e9f0")
            y += 76

    y = band + 120
    if book.meta.date:
        draw.text((margin, y), html.format_date(book.meta.date), font=_font(theme, "heading", 64, 600),
                  fill=accent)
        y += 140
    article_font = _font(theme, "heading", 46, 400)
    for article in book.articles[:6]:
        for line in textwrap.wrap(article.meta.title, width=48)[:2]:
            draw.text((margin, y), line, font=article_font, fill=muted)
            y += 62
        y += 26
    foot = height - 220
    draw.line([margin, foot, width - margin, foot], fill=accent, width=6)
    if book.meta.prepared_by:
        draw.text((margin, foot + 40), f"Prepared by {book.meta.prepared_by}",
                  font=_font(theme, "heading", 44, 400), fill=muted)
    if book.meta.distribution:
        draw.text((margin, foot + 110), book.meta.distribution,
                  font=_font(theme, "heading", 40, 600), fill=marking)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _colour(value: object, fallback: str) -> str:
    text = str(value or "")
    return text if html.CSS_COLOUR.fullmatch(text) else fallback


def _font(theme: Theme, role: str, size: int, weight: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        import fontpkg

        font = ImageFont.truetype(str(fontpkg.path(theme.fonts.get(role, ""), weight)), size)
        try:
            font.set_variation_by_axes([weight])
        except (OSError, ValueError):
            pass  # a static font: its weight is fixed
        return font
    except Exception:  # no packaged font: Pillow's own still gives a legible cover
        return ImageFont.load_default(size)


# ---------------------------------------------------------------- packaging


def _write(package: epub.EpubBook, ctx: RenderContext) -> bytes:
    out = io.BytesIO()
    options = {"mtime": ctx.build_time.astimezone(dt.timezone.utc), "raise_exceptions": True,
               "epub2_guide": False, "epub3_pages": False, "landmark_title": "Landmarks"}
    if not epub.write_epub(out, package, options):
        raise BuildError("epub", "ebooklib could not write the EPUB")
    return out.getvalue()


def deterministic_zip(data: bytes, build_time: dt.datetime) -> bytes:
    """The same archive with mimetype first and stored, fixed times and permissions."""
    moment = max(build_time.astimezone(dt.timezone.utc), ZIP_EPOCH)
    date_time = moment.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    if "mimetype" not in names:
        raise BuildError("epub", "ebooklib wrote no mimetype entry")
    ordered = ["mimetype"] + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so that the permissions above are read
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
