"""What the EPUB says about its accessibility (schema.org metadata, the conformance claim),
and the facts of each content document it is worked out from."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from ebooklib import epub

from ...build.cache import EPUB_PAGE, BuildCache, memoised
from ...diagnostics import BuildError
from ...model.nodes import Book
from ...theme import Theme
from ..html.theme_css import CSS_COLOUR
from .colours import MINIMUM_CONTRAST, colour_or, contrast_ratio, readable_on_both
from .documents import EpubDocument, EpubDocuments

XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

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



@dataclass(frozen=True)
class PageFacts:
    """What the package needs to know of a document's body, from one parse."""

    characters: frozenset[int]  # in either case (for text-transform)
    code_characters: frozenset[int]  # of code, set in the mono face
    images: tuple[tuple[str, str], ...]  # src and alt of each
    features: frozenset[str]  # notes, images, tables, japanese: what the summary names
    gaps: tuple[str, ...]  # why it would not meet WCAG 2.1 AA (see accessibility_gaps)


def page_facts(doc: EpubDocument, cache: BuildCache | None = None) -> PageFacts:
    return memoised(cache, EPUB_PAGE, lambda: _page_facts(doc), doc.file_name, doc.xhtml)


def _page_facts(doc: EpubDocument) -> PageFacts:
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


def _body(doc: EpubDocument) -> ET.Element:
    try:
        root = ET.fromstring(doc.xhtml.encode("utf-8"))
    except ET.ParseError as exc:
        raise BuildError("epub", f"{doc.file_name} is not well-formed XHTML: {exc}") from None
    body = root.find(f"{{{XHTML_NS}}}body")
    if body is None:
        raise BuildError("epub", f"{doc.file_name} has an empty body")
    return body


def shown_text(doc: EpubDocument, body: ET.Element | None = None) -> str:
    """The text a document's body shows; it fails loudly rather than ship a chapter
    that lost its text on the way."""
    body = _body(doc) if body is None else body
    text = "".join(body.itertext())
    if not text.strip() and body.find(f".//{{{XHTML_NS}}}img") is None:
        raise BuildError("epub", f"{doc.file_name} has an empty body")
    return text



def add_accessibility(package: epub.EpubBook, book: Book, docs: EpubDocuments,
                       theme: Theme, cache: BuildCache | None) -> None:
    # ebooklib has no API for these: they are plain <meta property> entries.
    facts = [page_facts(doc, cache) for doc in content_docs(docs)]
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


def content_docs(docs: EpubDocuments) -> tuple[EpubDocument, ...]:
    """Every document but the cover (whose image is described by its title)."""
    return (docs.glance, *docs.articles, *docs.back)


def accessibility_gaps(docs: EpubDocuments, theme: Theme, cache: BuildCache | None = None) -> list[str]:
    """Why the EPUB would not meet WCAG 2.1 AA; empty when it does.

    The markup meets the rest by construction (a language on every document,
    headings for every section, notes linked both ways, no script, reflowable
    text, no fixed sizes); what depends on the book or the theme is checked
    here on the documents as written.
    """
    gaps = [gap for doc in content_docs(docs) for gap in page_facts(doc, cache).gaps]
    reading = reading_theme(theme)
    for role in TEXT_COLOUR_ROLES:
        colour = colour_or(reading.colours.get(role), "#000000")
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
        if CSS_COLOUR.fullmatch(value):
            colours[role] = readable_on_both(value)
    return replace(theme, colours=colours)



def _characters(text: str) -> frozenset[int]:
    return frozenset(map(ord, text + text.upper() + text.lower()))


