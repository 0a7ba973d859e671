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
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ebooklib import epub

from ...build.cache import EPUB_COVER, memoised
from ...conventions import CONTENTS_TITLE
from ...diagnostics import BuildError
from ...model.nodes import Book, Image, Pos
from ..archive import reproducible_zip
from ..context import RenderContext
from ..html.theme_css import theme_properties
from ..html.views import TocEntry
from .accessibility import XML_LANG, add_accessibility, reading_theme
from .cover import COVER_ARTICLES, cover_png
from .documents import COVER_FILE, EpubDocument, EpubDocuments, epub_documents
from .fonts import EMBEDDED_FAMILIES, EmbeddedFont, book_characters, book_code_characters, embedded_fonts, font_face_css

STYLESHEET = "style/book.css"
XHTML = "application/xhtml+xml"
#: Where ebooklib writes the package document.
PACKAGE_DOCUMENT = "EPUB/content.opf"
COVER_IMAGE = "images/cover.png"
#: uuid5 namespace for identifiers derived from the book slug.
IDENTIFIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:publish:briefing")


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


def render(book: Book, ctx: RenderContext) -> bytes:
    package = epub.EpubBook()
    images = _ImageRegistry(package, ctx)
    docs = epub_documents(book, ctx.build_time, images.url, ctx.reporter,
                               cover_image=COVER_IMAGE, stylesheet=STYLESHEET, cache=ctx.cache)
    fonts = embedded_fonts(ctx, book_characters(docs, ctx.cache), ctx.build_time,
                           code_characters=book_code_characters(docs, ctx.cache))
    for font in fonts:
        package.add_item(epub.EpubItem(uid=f"font-{PurePosixPath(font.file_name).stem}",
                                       file_name=font.file_name, media_type=font.media_type,
                                       content=font.data))
    stylesheet = epub_stylesheet(ctx, fonts)

    _set_metadata(package, book, docs, ctx)
    add_accessibility(package, book, docs, ctx.theme, ctx.cache)
    cover_inputs = (book.meta, [a.meta.title for a in book.articles[:COVER_ARTICLES]], ctx.theme)
    package.set_cover(COVER_IMAGE, memoised(ctx.cache, EPUB_COVER, lambda: cover_png(book, ctx.theme),
                                            cover_inputs), create_page=False)
    package.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                   content=stylesheet.encode("utf-8")))

    cover = _document("cover", docs.cover)
    glance = _document("glance", docs.glance)
    articles = [_document(f"article-{i + 1:02d}", d) for i, d in enumerate(docs.articles)]
    back = [_document(PurePosixPath(d.file_name).stem, d) for d in docs.back]
    for item in (cover, glance, *articles, *back):
        package.add_item(item)

    nav = epub.EpubNav(title=CONTENTS_TITLE)
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.toc = _toc(docs)
    package.spine = [cover, nav, glance, *articles, *back]
    package.guide = [
        {"type": "cover", "href": COVER_FILE, "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": CONTENTS_TITLE},
    ]
    if articles:
        package.guide.append({"type": "text", "href": articles[0].file_name, "title": "Start of content"})

    return _reproducible(_write(package, ctx), ctx.build_time, book.meta.language or "en")


# -------------------------------------------------------------------- parts


class _XhtmlDocument(epub.EpubItem):
    """A content document written as given (see the module docstring)."""


def _document(uid: str, doc: EpubDocument) -> epub.EpubItem:
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


def _toc(docs: EpubDocuments) -> list[object]:
    toc: list[object] = [epub.Link(docs.glance.file_name, docs.glance.title, "toc-glance")]
    for index, (view, doc) in enumerate(zip(docs.book.articles, docs.articles, strict=True)):
        uid = f"toc-{index + 1:02d}"
        head = epub.Link(doc.file_name, doc.title, uid)
        children = _toc_entries(view.sections, uid)
        toc.append((head, children) if children else head)
    toc.extend(epub.Link(d.file_name, d.title, f"toc-{PurePosixPath(d.file_name).stem}")
               for d in docs.back)
    return toc



def _toc_entries(entries: tuple[TocEntry, ...], parent: str) -> list[object]:
    out: list[object] = []
    for index, entry in enumerate(entries):
        uid = f"{parent}-{index + 1:02d}"
        link = epub.Link(entry.href, entry.title, uid)
        children = _toc_entries(entry.children, uid)
        out.append((link, children) if children else link)
    return out


def epub_stylesheet(ctx: RenderContext, fonts: Sequence[EmbeddedFont] = ()) -> str:
    """Theme variables, the embedded faces (first in each stack), then ``styles/epub.css``."""
    css = ctx.stylesheet("epub.css")
    # The embedded faces go first in each stack, before the theme's own (and its CJK fallback).
    embedded = {role: family for role, family in EMBEDDED_FAMILIES.items()
                if any(font.family == family for font in fonts)}
    theme = theme_properties(reading_theme(ctx.theme), ctx.reporter, Pos(str(ctx.styles_dir / "theme.toml")),
                                  size_unit="em", first_fonts=embedded)
    return theme + font_face_css(fonts) + "\n" + css


# ----------------------------------------------------------------- metadata


def book_identifier(book: Book) -> str:
    if book.meta.identifier:
        return book.meta.identifier
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, book.meta.slug)}"


def _set_metadata(package: epub.EpubBook, book: Book, docs: EpubDocuments,
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



# ---------------------------------------------------------------- packaging


def _write(package: epub.EpubBook, ctx: RenderContext) -> bytes:
    out = io.BytesIO()
    # compresslevel 0: _reproducible compresses the entries, once
    options = {"mtime": ctx.build_time.astimezone(dt.UTC), "raise_exceptions": True,
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




def _reproducible(data: bytes, build_time: dt.datetime, language: str) -> bytes:
    """ebooklib's archive again, the same for the same book: mimetype first and stored
    (as EPUB requires), fixed times, the package document with its language."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    if "mimetype" not in names:
        raise BuildError("epub", "ebooklib wrote no mimetype entry")

    def entry(name: str) -> tuple[str, bytes]:
        content = source.read(name)
        return name, with_package_language(content, language) if name == PACKAGE_DOCUMENT else content

    ordered = ["mimetype", *(name for name in names if name != "mimetype")]
    return reproducible_zip(map(entry, ordered), build_time, stored=frozenset({"mimetype"}))
