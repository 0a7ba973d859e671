"""Read an EPUB back with zipfile and lxml: the spine's ``<article>`` elements and the nav."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from .observed import ArticleObserved, ContentsEntry, Observed, add_text

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
HEADINGS = {f"{XHTML}h{n}": n for n in range(1, 7)}
UNIT_ELEMENTS = {*HEADINGS, *(XHTML + t for t in ("p", "li", "td", "th", "caption", "figcaption",
                                                   "pre", "dt", "dd"))}
NOTE_TYPES = {"footnote", "endnote", "rearnote", "note", "footnotes", "endnotes", "rearnotes"}
NOTE_ROLES = {"doc-footnote", "doc-endnote", "doc-endnotes"}
EXTERNAL = ("http:", "https:", "mailto:")


def read_epub(path: Path) -> Observed:
    with zipfile.ZipFile(path) as archive:
        opf_path = _rootfile(archive)
        opf = etree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
        observed = Observed()
        documents: list[tuple[str, etree._Element]] = []
        for ref in opf.iter(f"{OPF}itemref"):
            item = items.get(ref.get("idref"))
            href = item.get("href") if item is not None else None
            if item is None or href is None or "nav" in (item.get("properties") or "").split():
                continue  # (an item without href is EPUBCheck's to report)
            documents.append((href, etree.fromstring(archive.read(posixpath.join(base, href)))))
        titles = _destination_titles(documents)
        for href, document in documents:
            for article in document.iter(f"{XHTML}article"):
                read = read_article(article)
                read.internal_links = [t for t in (_resolve(a, href, titles) for a in _internal_links(article))
                                       if t is not None]
                observed.articles.append(read)
        nav = next((i for i in items.values() if "nav" in (i.get("properties") or "").split()), None)
        nav_href = nav.get("href") if nav is not None else None
        if nav_href is not None:
            observed.contents = nav_entries(etree.fromstring(archive.read(posixpath.join(base, nav_href))))
    return observed


def _destination_titles(documents: list[tuple[str, etree._Element]]) -> dict[tuple[str, str], str]:
    """(document, id) -> the title a link there leads to: a heading's text, or an article's heading."""
    titles = {}
    for href, document in documents:
        for element in document.iter():
            anchor = element.get("id") if isinstance(element.tag, str) else None
            if not anchor:
                continue
            heading: etree._Element | None
            if element.tag in HEADINGS:
                heading = element
            elif element.tag in (f"{XHTML}article", f"{XHTML}section"):
                heading = next((h for h in element.iter(*HEADINGS)), None)
            else:
                continue
            if heading is not None:
                # (lxml-stubs give itertext() str | bytes; lxml gives str)
                titles[(href, anchor)] = " ".join("".join(heading.itertext()).split())  # type: ignore[arg-type]
    return titles


def _internal_links(article: etree._Element) -> list[etree._Element]:
    return [a for a in article.iter(f"{XHTML}a")
            if (href := a.get("href")) and not href.lower().startswith(EXTERNAL)
            and not _types(a) & {"noteref", "doc-noteref", "backlink", "doc-backlink"}]


def _resolve(link: etree._Element, document: str, titles: dict[tuple[str, str], str]) -> str | None:
    target, _, fragment = link.get("href", "").partition("#")  # (_internal_links: it has one)
    file = posixpath.normpath(posixpath.join(posixpath.dirname(document), target)) if target else document
    return titles.get((file, fragment))


def _rootfile(archive: zipfile.ZipFile) -> str:
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    path = next(container.iter(f"{CONTAINER}rootfile")).get("full-path")
    if path is None:
        raise ValueError("META-INF/container.xml: the rootfile has no full-path")
    return path


def _types(element: etree._Element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split()) | set((element.get("role") or "").split())


def is_note(element: etree._Element) -> bool:
    return bool(_types(element) & (NOTE_TYPES | NOTE_ROLES))


def is_noteref(element: etree._Element) -> bool:
    return bool(_types(element) & {"noteref", "doc-noteref"})


def read_article(article: etree._Element) -> ArticleObserved:
    out = ArticleObserved()
    keys: list[object] = []

    def walk(element: etree._Element, unit: object, heading: int) -> None:
        if element.tag in UNIT_ELEMENTS:
            unit, heading = id(element), HEADINGS.get(element.tag, 0)
        key = unit if unit is not None else ("loose", id(element))
        add_text(out.units, key, keys, element.text or "", heading)
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif is_note(child):  # a note, or the section that gathers them: not running text
                notes = [n for n in child.iter(f"{XHTML}aside") if is_note(n)] or [child]
                # (lxml-stubs give itertext() str | bytes; lxml gives str)
                out.notes.extend(" ".join("".join(n.itertext()).split()) for n in notes)  # type: ignore[arg-type]
            elif is_noteref(child):
                pass  # a call mark: its number is not the model's text
            else:
                walk(child, unit, heading)
            add_text(out.units, key, keys, child.tail or "", heading)

    walk(article, None, 0)
    for element in article.iter(f"{XHTML}a", f"{XHTML}img"):
        href = element.get("href") or ""
        if element.tag == f"{XHTML}img":
            out.images.append(element.get("alt") or "")
        elif href.lower().startswith(EXTERNAL):
            out.links.append(href)
    return out


def nav_entries(document: etree._Element) -> list[ContentsEntry]:
    toc = next((n for n in document.iter(f"{XHTML}nav") if "toc" in _types(n) or "doc-toc" in _types(n)), None)
    entries: list[ContentsEntry] = []

    def walk(ol: etree._Element, depth: int) -> None:
        for li in ol.findall(f"{XHTML}li"):
            label = li.find(f"{XHTML}a")
            if label is None:
                label = li.find(f"{XHTML}span")
            if label is not None:
                # (lxml-stubs give itertext() str | bytes; lxml gives str)
                entries.append(ContentsEntry(" ".join("".join(label.itertext()).split()), depth))  # type: ignore[arg-type]
            for sub in li.findall(f"{XHTML}ol"):
                walk(sub, depth + 1)

    if toc is not None:
        for ol in toc.findall(f"{XHTML}ol"):
            walk(ol, 1)
    return entries
