"""Read a DOCX back from its parts with zipfile and lxml: body paragraphs, footnotes, TOC field.

Headings are the paragraphs with an outline level (from the paragraph or its
style chain), as Word's navigation pane and TOC field see them; the article
titles are the level-1 headings after the contents.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ..transforms.ids import BACK_MATTER_IDS
from .observed import ArticleObserved, ContentsEntry, Observed, Unit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
TOC_STYLE = re.compile(r"toc\s*(\d)", re.IGNORECASE)
BODY_TEXT_LEVEL = 9


def read_docx(path: Path) -> Observed:
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        styles = _styles(archive)
        links = _relationships(archive, "word/document.xml")
        notes, note_links = _footnotes(archive)
    observed = Observed()
    headings_by_mark: dict[str, str] = {}  # bookmark on a heading -> the heading's text
    anchors: list[tuple[ArticleObserved, str]] = []
    in_toc = False
    depth = 0  # of nested fields, to find the end of the TOC field
    article: ArticleObserved | None = None
    for paragraph in _paragraphs(document):
        # (lxml-stubs give itertext() str | bytes; lxml gives str)
        instructions = "".join(paragraph.itertext(f"{W}instrText"))  # type: ignore[arg-type]
        if instructions.strip().upper().startswith("TOC"):
            in_toc, depth = True, 0
        style = _style_id(paragraph)
        text = _text(paragraph)
        if in_toc:
            match = TOC_STYLE.fullmatch(styles.get(style, ("", BODY_TEXT_LEVEL))[0])
            if match and text:
                observed.contents.append(ContentsEntry(text.split("\t")[0].strip(), int(match.group(1))))
            for mark in paragraph.iter(f"{W}fldChar"):
                kind = mark.get(f"{W}fldCharType") or ""
                depth += {"begin": 1, "end": -1}.get(kind, 0)
            if depth <= 0 and any(m.get(f"{W}fldCharType") == "end" for m in paragraph.iter(f"{W}fldChar")):
                in_toc = False
            continue
        level = _outline_level(paragraph, style, styles)
        marks = {name for m in paragraph.iter(f"{W}bookmarkStart") if (name := m.get(f"{W}name")) is not None}
        if level < BODY_TEXT_LEVEL:
            headings_by_mark.update((mark, text.strip()) for mark in marks)
        if level == 0 and marks & set(BACK_MATTER_IDS):
            break  # people and abbreviations: the book's apparatus, not an article
        if level == 0:
            article = ArticleObserved()
            observed.articles.append(article)
        if article is None:
            continue  # the cover and the contents page
        if text.strip():
            article.units.append(Unit(text, level + 1 if level < BODY_TEXT_LEVEL else 0))
        for link in paragraph.iter(f"{W}hyperlink"):
            target = links.get(link.get(f"{R}id") or "")
            anchor = link.get(f"{W}anchor")
            if target:
                article.links.append(target)
            elif anchor:
                anchors.append((article, anchor))
        for picture in paragraph.iter(f"{WP}docPr"):
            article.images.append(picture.get("descr") or "")
        for ref in paragraph.iter(f"{W}footnoteReference"):
            note_id = ref.get(f"{W}id")
            if note_id is not None and note_id in notes:
                article.notes.append(notes[note_id])
                article.links.extend(note_links.get(note_id, []))
    # a link to a heading counts by where it leads; links to people and notes are apparatus
    for owner, anchor in anchors:
        if anchor in headings_by_mark:
            owner.internal_links.append(headings_by_mark[anchor])
    return observed


def _paragraphs(document: etree._Element) -> Iterator[etree._Element]:
    """Body paragraphs in reading order, skipping fallback copies of drawings."""
    body = document.find(f"{W}body")
    if body is None:
        return  # no text (the validity check reports a document python-docx cannot open)
    for paragraph in body.iter(f"{W}p"):
        if not any(a.tag == MC_FALLBACK for a in paragraph.iterancestors()):
            yield paragraph


def _text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\t" if node.tag == f"{W}tab" else " ")
    return "".join(parts)


def _style_id(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _outline_level(paragraph: etree._Element, style: str, styles: dict[str, tuple[str, int]]) -> int:
    own = paragraph.find(f"{W}pPr/{W}outlineLvl")
    own_level = own.get(f"{W}val") if own is not None else None
    if own_level is not None:
        return int(own_level)
    return styles.get(style, ("", BODY_TEXT_LEVEL))[1]


def _styles(archive: zipfile.ZipFile) -> dict[str, tuple[str, int]]:
    """style id -> (name, outline level), the level inherited through basedOn."""
    root = etree.fromstring(archive.read("word/styles.xml"))
    raw: dict[str, tuple[str, int | None, str]] = {}
    for style in root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        if style_id is None:
            continue  # no paragraph can name it
        name = style.find(f"{W}name")
        level = style.find(f"{W}pPr/{W}outlineLvl")
        level_value = level.get(f"{W}val") if level is not None else None
        based = style.find(f"{W}basedOn")
        raw[style_id] = (
            name.get(f"{W}val", "") if name is not None else "",
            int(level_value) if level_value is not None else None,
            based.get(f"{W}val", "") if based is not None else "",
        )

    def level_of(style_id: str, seen: frozenset[str] = frozenset()) -> int:
        _, level, based = raw.get(style_id, ("", None, ""))
        if level is not None:
            return level
        if based and based not in seen:
            return level_of(based, seen | {style_id})
        return BODY_TEXT_LEVEL

    return {sid: (name, level_of(sid)) for sid, (name, _, _) in raw.items()}


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in archive.namelist():
        return {}
    root = etree.fromstring(archive.read(rels))
    links: dict[str, str] = {}
    for r in root.iter(PKG_REL):
        r_id, target = r.get("Id"), r.get("Target")
        if r.get("TargetMode") == "External" and r_id is not None and target is not None:
            links[r_id] = target
    return links


def _footnotes(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Footnote id -> text, and id -> external link targets; separators are not notes."""
    if "word/footnotes.xml" not in archive.namelist():
        return {}, {}
    root = etree.fromstring(archive.read("word/footnotes.xml"))
    links = _relationships(archive, "word/footnotes.xml")
    texts: dict[str, str] = {}
    targets: dict[str, list[str]] = {}
    for note in root.iter(f"{W}footnote"):
        note_id = note.get(f"{W}id")
        if note.get(f"{W}type") not in (None, "normal") or note_id is None:
            continue
        texts[note_id] = " ".join(_text(p) for p in note.iter(f"{W}p")).strip()
        targets[note_id] = [links[r_id] for h in note.iter(f"{W}hyperlink")
                            if (r_id := h.get(f"{R}id")) is not None and r_id in links]
    return texts, targets
