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
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ebooklib import epub

from ...build.cache import BuildCache, memoised
from ...conventions import format_date
from ...diagnostics import BuildError
from ...model.nodes import Book, Image, Pos
from ...theme import Theme
from ...theme import fonts as fonts_model
from ..context import RenderContext
from ..html import writer as html
from .colours import MINIMUM_CONTRAST, contrast_ratio, readable_on_both

# fontTools, HarfBuzz and Pillow are imported where they are used: a rebuild
# finds the font cuts and the cover in the build cache, and needs none of them.
if TYPE_CHECKING:
    from PIL import ImageFont

STYLESHEET = "style/book.css"
#: Where ebooklib writes the package document.
PACKAGE_DOCUMENT = "EPUB/content.opf"
COVER_IMAGE = "images/cover.png"
COVER_SIZE = (1600, 2400)
#: The cover lists the first few articles' titles.
COVER_ARTICLES = 6
XHTML = "application/xhtml+xml"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
#: The theme's colours the EPUB sets text in: each at a lightness readable in both schemes.
TEXT_COLOUR_ROLES = ("accent", "muted", "marking")

ACCESSIBILITY_SUMMARY = "Reflowable text with a navigable table of contents and headings for every section."
#: What the summary adds for each feature a book's documents have (PageFacts.features).
FEATURE_SUMMARIES = (
    ("notes", " Footnotes are linked both ways."),
    ("images", " Every image has a text alternative; captions are text."),
    ("tables", " Tables have header cells."),
    ("japanese", " Japanese text is marked as Japanese."),
)


def render(book: Book, ctx: RenderContext) -> bytes:
    package = epub.EpubBook()
    images = _ImageRegistry(package, ctx)
    docs = html.epub_documents(book, ctx.build_time, images.url, ctx.reporter,
                               cover_image=COVER_IMAGE, stylesheet=STYLESHEET, cache=ctx.cache)
    fonts = embedded_fonts(ctx, book_characters(docs, ctx.cache), ctx.build_time,
                           code_characters=book_code_characters(docs, ctx.cache))
    for font in fonts:
        package.add_item(epub.EpubItem(uid=f"font-{PurePosixPath(font.file_name).stem}",
                                       file_name=font.file_name, media_type=font.media_type,
                                       content=font.data))
    stylesheet = epub_stylesheet(ctx, fonts)

    _set_metadata(package, book, docs, ctx)
    _add_accessibility(package, book, docs, ctx.theme, ctx.cache)
    cover_inputs = (book.meta, [a.meta.title for a in book.articles[:COVER_ARTICLES]], ctx.theme)
    package.set_cover(COVER_IMAGE, memoised(ctx.cache, "epub/cover", lambda: cover_png(book, ctx.theme),
                                            cover_inputs), create_page=False)
    package.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                   content=stylesheet.encode("utf-8")))

    cover = _document("cover", docs.cover)
    glance = _document("glance", docs.glance)
    articles = [_document(f"article-{i + 1:02d}", d) for i, d in enumerate(docs.articles)]
    back = [_document(PurePosixPath(d.file_name).stem, d) for d in docs.back]
    for item in (cover, glance, *articles, *back):
        package.add_item(item)

    nav = epub.EpubNav(title="Contents")
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.toc = _toc(docs)
    package.spine = [cover, nav, glance, *articles, *back]
    package.guide = [
        {"type": "cover", "href": html.COVER_FILE, "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
    ]
    if articles:
        package.guide.append({"type": "text", "href": articles[0].file_name, "title": "Start of content"})

    language = book.meta.language or "en"
    return deterministic_zip(_write(package, ctx), ctx.build_time,
                             {PACKAGE_DOCUMENT: lambda opf: with_package_language(opf, language)})


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
    toc.extend(epub.Link(d.file_name, d.title, f"toc-{PurePosixPath(d.file_name).stem}")
               for d in docs.back)
    return toc


@dataclass(frozen=True)
class PageFacts:
    """What the package needs to know of a document's body, from one parse."""

    characters: frozenset[int]  # in either case (for text-transform)
    code_characters: frozenset[int]  # of code, set in the mono face
    images: tuple[tuple[str, str], ...]  # src and alt of each
    features: frozenset[str]  # notes, images, tables, japanese: what the summary names
    gaps: tuple[str, ...]  # why it would not meet WCAG 2.1 AA (see accessibility_gaps)


def page_facts(doc: html.EpubDocument, cache: BuildCache | None = None) -> PageFacts:
    return memoised(cache, "epub/page", lambda: _page_facts(doc), doc.file_name, doc.xhtml)


def _page_facts(doc: html.EpubDocument) -> PageFacts:
    body = _body(doc)
    text = shown_text(doc, body)
    images = tuple((img.get("src") or "", img.get("alt") or "") for img in body.iter(f"{{{XHTML_NS}}}img"))
    gaps = [f"image without alternative text: {src}" for src, alt in images if not alt.strip()]
    gaps += ["table without header cells" for table in body.iter(f"{{{XHTML_NS}}}table")
             if table.find(f".//{{{XHTML_NS}}}th") is None]
    gaps += [f"link without text: {link.get('href')}" for link in body.iter(f"{{{XHTML_NS}}}a")
             if not "".join(link.itertext()).strip()]
    code = "".join(text for tag in ("code", "pre") for element in body.iter(f"{{{XHTML_NS}}}{tag}")
                   for text in element.itertext())
    features = {name for name, present in (
        ("notes", body.find(".//*[@role='doc-noteref']") is not None),
        ("images", bool(images)),
        ("tables", body.find(f".//{{{XHTML_NS}}}table") is not None),
        ("japanese", any((element.get("lang") or element.get(XML_LANG) or "").startswith("ja")
                         for element in body.iter())),
    ) if present}
    return PageFacts(_characters(text), frozenset(map(ord, code)), images, frozenset(features), tuple(gaps))


def _body(doc: html.EpubDocument) -> ET.Element:
    try:
        root = ET.fromstring(doc.xhtml.encode("utf-8"))
    except ET.ParseError as exc:
        raise BuildError("epub", f"{doc.file_name} is not well-formed XHTML: {exc}") from None
    body = root.find(f"{{{XHTML_NS}}}body")
    if body is None:
        raise BuildError("epub", f"{doc.file_name} has an empty body")
    return body


def shown_text(doc: html.EpubDocument, body: ET.Element | None = None) -> str:
    """The text a document's body shows; it fails loudly rather than ship a chapter
    that lost its text on the way."""
    body = _body(doc) if body is None else body
    text = "".join(body.itertext())
    if not text.strip() and body.find(f".//{{{XHTML_NS}}}img") is None:
        raise BuildError("epub", f"{doc.file_name} has an empty body")
    return text


def _toc_entries(entries: tuple[html.TocEntry, ...], parent: str) -> list[object]:
    out: list[object] = []
    for index, entry in enumerate(entries):
        uid = f"{parent}-{index + 1:02d}"
        link = epub.Link(entry.href, entry.title, uid)
        children = _toc_entries(entry.children, uid)
        out.append((link, children) if children else link)
    return out


def epub_stylesheet(ctx: RenderContext, fonts: Sequence[EmbeddedFont] = ()) -> str:
    """Theme variables, the embedded faces (first in each stack), then ``styles/epub.css``."""
    css_path = ctx.styles_dir / "epub.css"
    try:
        css = css_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(str(css_path), f"cannot read stylesheet: {exc.strerror}") from None
    # The embedded faces go first in each stack, before the theme's own (and its CJK fallback).
    embedded = {role: family for role, family in EMBEDDED_FAMILIES.items()
                if any(font.family == family for font in fonts)}
    theme = html.theme_properties(reading_theme(ctx.theme), ctx.reporter, Pos(str(ctx.styles_dir / "theme.toml")),
                                  size_unit="em", first_fonts=embedded)
    return theme + font_face_css(fonts) + "\n" + css


# ----------------------------------------------------------------- metadata


def book_identifier(book: Book) -> str:
    if book.meta.identifier:
        return book.meta.identifier
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, book.meta.slug)}"


def _set_metadata(package: epub.EpubBook, book: Book, docs: html.EpubDocuments,
                  ctx: RenderContext) -> None:
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


def _add_accessibility(package: epub.EpubBook, book: Book, docs: html.EpubDocuments,
                       theme: Theme, cache: BuildCache | None) -> None:
    # ebooklib has no API for these: they are plain <meta property> entries.
    facts = [page_facts(doc, cache) for doc in _content_docs(docs)]
    images = [alt for fact in facts for _, alt in fact.images]
    features = frozenset().union(*(fact.features for fact in facts))
    properties = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "displayTransformability"),
    ]
    if images and all(alt.strip() for alt in images):
        properties.append(("schema:accessibilityFeature", "alternativeText"))
    summary = ACCESSIBILITY_SUMMARY + "".join(text for name, text in FEATURE_SUMMARIES if name in features)
    properties += [
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
    ]
    for prop, value in properties:
        package.add_metadata(None, "meta", value, {"property": prop})
    if not accessibility_gaps(docs, theme, cache):
        package.add_metadata(None, "meta", CONFORMANCE, {"property": "dcterms:conformsTo"})
        certifier = book.meta.publisher or book.meta.prepared_by
        if certifier:
            package.add_metadata(None, "meta", certifier, {"property": "a11y:certifiedBy"})


def _content_docs(docs: html.EpubDocuments) -> tuple[html.EpubDocument, ...]:
    """Every document but the cover (whose image is described by its title)."""
    return (docs.glance, *docs.articles, *docs.back)


def accessibility_gaps(docs: html.EpubDocuments, theme: Theme, cache: BuildCache | None = None) -> list[str]:
    """Why the EPUB would not meet WCAG 2.1 AA; empty when it does.

    The markup meets the rest by construction (a language on every document,
    headings for every section, notes linked both ways, no script, reflowable
    text, no fixed sizes); what depends on the book or the theme is checked
    here on the documents as written.
    """
    gaps = [gap for doc in _content_docs(docs) for gap in page_facts(doc, cache).gaps]
    reading = reading_theme(theme)
    for role in TEXT_COLOUR_ROLES:
        colour = _colour(reading.colours.get(role), "#000000")
        for page in ("#ffffff", "#000000"):
            ratio = contrast_ratio(colour, page)
            if ratio < MINIMUM_CONTRAST:
                gaps.append(f"theme colour {role} {colour} has contrast {ratio:.2f}:1 on {page}")
    return gaps


def reading_theme(theme: Theme) -> Theme:
    """The theme as the EPUB sets it: its text colours readable on a white page and on a black
    one (a reading system's dark mode may keep the book's colours on its own black page)."""
    colours = dict(theme.colours)
    for role in TEXT_COLOUR_ROLES:
        value = str(colours.get(role, ""))
        if html.CSS_COLOUR.fullmatch(value):
            colours[role] = readable_on_both(value)
    return replace(theme, colours=colours)


# -------------------------------------------------------------------- cover


def cover_png(book: Book, theme: Theme) -> bytes:
    """A cover drawn from the title, subtitle and date; same input, same pixels."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

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
        draw.text((margin, y), format_date(book.meta.date), font=_font(theme, "heading", 64, 600),
                  fill=accent)
        y += 140
    article_font = _font(theme, "heading", 46, 400)
    for article in book.articles[:COVER_ARTICLES]:
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
    from PIL import ImageFont

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
    # compresslevel 0: deterministic_zip compresses the entries, once
    options = {"mtime": ctx.build_time.astimezone(dt.timezone.utc), "raise_exceptions": True,
               "epub2_guide": False, "epub3_pages": False, "landmark_title": "Landmarks", "compresslevel": 0}
    if not epub.write_epub(out, package, options):
        raise BuildError("epub", "ebooklib could not write the EPUB")
    return out.getvalue()


def with_package_language(opf: bytes, language: str) -> bytes:
    """The package document with ``xml:lang`` on its root, which ebooklib does not write
    and reading systems and Ace's epub-lang rule read for the metadata's language."""
    from lxml import etree

    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def deterministic_zip(data: bytes, build_time: dt.datetime,
                      rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same archive with mimetype first and stored, fixed times and permissions;
    ``rewrite`` changes the entries it names on the way."""
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
            # zlib's default level: 9 took half as long again for 1.5 % less
            content = source.read(name)
            if rewrite and name in rewrite:
                content = rewrite[name](content)
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()


# ------------------------------------------------------------------- fonts
# The theme's faces travel with the book, so that it reads as designed where
# the reading system lets publisher fonts through (readers can still choose
# their own).  Only subsets are embedded, to keep the file small: the text's
# own characters, as static instances of the packaged variable fonts.

#: Media types and file endings by the font's outlines (``font_type``).
FONT_TYPES = {"ttf": ("font/ttf", ".ttf"), "otf": ("font/otf", ".otf")}
FONT_FOLDER = "fonts"
#: Licences that allow embedding a subset of the font in a distributed e-book.
EMBEDDABLE_LICENCES = frozenset({"OFL-1.1", "Apache-2.0"})
#: (theme role, weight, style) of the faces the reading-system stylesheet uses;
#: bold italic and sans italic are rare enough to leave to the reading system.
#: The mono face is cut to the characters of code, the CJK face to those the
#: Latin faces lack; a book with neither embeds neither.
EMBEDDED_FACES = (
    ("body", 400, "normal"), ("body", 700, "normal"), ("body", 400, "italic"),
    ("heading", 400, "normal"), ("heading", 600, "normal"),
    ("mono", 400, "normal"), ("cjk", 400, "normal"), ("cjk", 700, "normal"),
)
#: A subset is a Modified Version under the OFL, which may not keep a Reserved
#: Font Name (Adobe reserves "Source", in Noto Sans CJK too), so the embedded
#: faces get names of their own.
EMBEDDED_FAMILIES = {"body": "Briefing Serif", "heading": "Briefing Sans", "mono": "Briefing Mono",
                     "cjk": "Briefing CJK"}
#: The roles whose faces set Latin text; the CJK face is embedded for what they lack.
LATIN_ROLES = ("body", "heading")
STYLE_LABELS = {400: "Regular", 600: "SemiBold", 700: "Bold"}
#: The optical size the serif is instanced at: reading text on a phone.
READING_OPTICAL_SIZE = 12


@dataclass(frozen=True)
class EmbeddedFont:
    family: str
    weight: int
    style: str
    file_name: str
    data: bytes

    @property
    def media_type(self) -> str:
        return FONT_TYPES[font_type(self.data)][0]


def book_characters(docs: html.EpubDocuments, cache: BuildCache | None = None) -> frozenset[int]:
    """Every character the book's documents show, in either case (for text-transform)."""
    characters = set(map(ord, "0123456789"))
    for doc in (docs.cover, *_content_docs(docs)):
        characters |= page_facts(doc, cache).characters
    return frozenset(characters)


def _characters(text: str) -> frozenset[int]:
    return frozenset(map(ord, text + text.upper() + text.lower()))


def book_code_characters(docs: html.EpubDocuments, cache: BuildCache | None = None) -> frozenset[int]:
    """Every character of the book's code, which the mono face sets."""
    return frozenset().union(*(page_facts(doc, cache).code_characters for doc in _content_docs(docs)))


def embedded_fonts(ctx: RenderContext, characters: frozenset[int], build_time: dt.datetime,
                   code_characters: frozenset[int] = frozenset()) -> list[EmbeddedFont]:
    sources = {face: embeddable_font_file(str(ctx.theme.fonts.get(face[0], "")), face[1], face[2])
               for face in EMBEDDED_FACES}
    repertoires = {face: _repertoire(ctx.cache, source) for face, source in sources.items() if source}
    latin = frozenset().union(*(chars for face, chars in repertoires.items() if face[0] in LATIN_ROLES))
    wanted_by_role = {"mono": code_characters, "cjk": characters - latin}
    fonts = []
    for (role, weight, style), repertoire in repertoires.items():
        source = sources[role, weight, style]
        assert source is not None  # only faces with a file have a repertoire
        wanted = frozenset(wanted_by_role.get(role, characters) & repertoire)
        if not wanted:
            continue
        family = EMBEDDED_FAMILIES[role]
        label = font_style_label(weight, style)
        stat = source.stat()
        data = memoised(ctx.cache, "epub/font", lambda: subset_font(source, weight, wanted, family, label, build_time),
                        str(source), stat.st_size, stat.st_mtime_ns, weight, sorted(wanted), family, label,
                        build_time.isoformat())
        ending = FONT_TYPES[font_type(data)][1]
        file_name = f"{FONT_FOLDER}/{family.lower().replace(' ', '-')}-{label.lower()}{ending}"
        fonts.append(EmbeddedFont(family, weight, style, file_name, data))
    return fonts


def _repertoire(cache: BuildCache | None, source: Path) -> frozenset[int]:
    stat = source.stat()
    return memoised(cache, "epub/repertoire", lambda: _font_characters(source),
                    str(source), stat.st_size, stat.st_mtime_ns)


def font_type(data: bytes) -> str:
    """``otf`` for a font with CFF outlines, ``ttf`` for TrueType ones."""
    return "otf" if data[:4] == b"OTTO" else "ttf"


def font_face_css(fonts: Sequence[EmbeddedFont]) -> str:
    if not fonts:
        return ""
    rules = [
        f'@font-face {{ font-family: "{font.family}"; src: url("../{font.file_name}");'
        f" font-weight: {font.weight}; font-style: {font.style}; }}"
        for font in fonts
    ]
    return "\n".join(rules) + "\n"


def font_style_label(weight: int, style: str) -> str:
    label = STYLE_LABELS.get(weight, str(weight))
    if style == "italic":
        return "Italic" if label == "Regular" else f"{label}Italic"
    return label


@cache
def embeddable_font_file(name: str, weight: int, style: str) -> Path | None:
    """The packaged file of family ``name`` for a face, when its licence allows embedding."""
    file = fonts_model.nearest_file(name, weight, style)
    if file is None or file.licence not in EMBEDDABLE_LICENCES:
        return None  # not packaged: the reading system's fonts apply
    return file.path


def _font_characters(source: Path) -> frozenset[int]:
    from ..font_instances import font_characters

    return font_characters(source.read_bytes())


def subset_font(source: Path, weight: int, characters: frozenset[int], family: str, label: str,
                build_time: dt.datetime) -> bytes:
    """The book's own characters at one weight and the reading optical size, renamed,
    stamped with the build time: same book, same bytes."""
    from fontTools.misc.timeTools import timestampSinceEpoch
    from fontTools.ttLib import TTFont

    from ..font_instances import rename_font, static_instance

    location = {"wght": weight, "opsz": READING_OPTICAL_SIZE}
    data = static_instance(source.read_bytes(), location, characters)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    rename_font(font, family, label)
    stamp = timestampSinceEpoch(int(build_time.timestamp()))
    font["head"].created = font["head"].modified = stamp
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
