"""Paragraph and character styles: what each one means, by identity, not by display name.

A localised Word shows "Heading 1" as "Überschrift 1" or "見出し 1" and may
save it under the style id ``berschrift1`` or ``1``; editors and templates
rename styles freely.  What does not change is the outline level a style
carries (``w:outlineLvl``, inherited along ``w:basedOn``) and the built-in
ids and names Word writes in English (``Heading1``, ``heading 1``,
``Quote``, ``Title``).  Every question about a style is answered by walking
its ``basedOn`` chain, nearest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from lxml import etree

from .docx_package import W_NS

W = f"{{{W_NS}}}"
_BODY_TEXT_LEVEL = 9  # w:outlineLvl 9 means "body text": explicitly not a heading
_HEADING_NAME = re.compile(r"heading([1-9])")

#: Roles a paragraph style can give a paragraph, by built-in (English) id or name, spaces removed, lower case.
_PARAGRAPH_ROLES = {
    "title": "title", "subtitle": "subtitle",
    "quote": "quote", "intensequote": "quote", "quotations": "quote", "blocktext": "quote",
    "caption": "caption", "imagecaption": "caption", "tablecaption": "caption",
    "sourcecode": "code", "preformattedtext": "code", "htmlpreformatted": "code",
    "author": "author", "date": "date", "abstract": "abstract", "abstracttitle": "abstract-title",
    "listparagraph": "list-continue", "listcontinue": "list-continue",
    "tocheading": "toc", "contentsheading": "toc",
}
_TOC_ENTRY = re.compile(r"(toc|contents)[1-9]")
_CHARACTER_CODE = {"verbatimchar", "htmlcode", "sourcetext", "htmltypewriter"}


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.casefold())


@dataclass(frozen=True)
class RunProps:
    """The run properties the model can express; None: not set here (inherit)."""

    bold: bool | None = None
    italic: bool | None = None
    smallcaps: bool | None = None
    strike: bool | None = None
    vert: str | None = None  # "superscript", "subscript" or "baseline"
    code: bool | None = None

    def over(self, below: RunProps) -> RunProps:
        """These properties laid over ``below``: what is set here wins."""
        return RunProps(
            bold=below.bold if self.bold is None else self.bold,
            italic=below.italic if self.italic is None else self.italic,
            smallcaps=below.smallcaps if self.smallcaps is None else self.smallcaps,
            strike=below.strike if self.strike is None else self.strike,
            vert=below.vert if self.vert is None else self.vert,
            code=below.code if self.code is None else self.code,
        )


@dataclass(frozen=True)
class ParagraphStyle:
    """What a paragraph style says about its paragraphs, its basedOn chain resolved."""

    role: str = ""  # see _PARAGRAPH_ROLES, or ""
    outline: int | None = None  # 0-based outline level (Word's heading 1 is 0), None: not a heading
    run: RunProps = RunProps()
    numbering: tuple[str, int] | None = None  # (numId, ilvl) the style numbers its paragraphs with


def on(element: etree._Element | None) -> bool | None:
    """An OOXML on/off property: present means on unless its value says off; absent is None."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in ("0", "false", "off", "none")


def run_props(r_pr: etree._Element | None) -> RunProps:
    """The run properties written in one ``w:rPr``."""
    if r_pr is None:
        return RunProps()
    strike = on(r_pr.find(f"{W}strike"))
    double = on(r_pr.find(f"{W}dstrike"))
    vert = r_pr.find(f"{W}vertAlign")
    return RunProps(
        bold=on(r_pr.find(f"{W}b")),
        italic=on(r_pr.find(f"{W}i")),
        smallcaps=on(r_pr.find(f"{W}smallCaps")),
        strike=None if strike is None and double is None else bool(strike or double),
        vert=vert.get(f"{W}val") if vert is not None else None,
    )


def numbering_of(p_pr: etree._Element | None) -> tuple[str, int] | None:
    """``(numId, ilvl)`` from a ``w:numPr``; numId "0" means "no numbering" and is kept as such."""
    num_pr = p_pr.find(f"{W}numPr") if p_pr is not None else None
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{W}numId")
    level = num_pr.find(f"{W}ilvl")
    if num_id is None:
        return None
    try:
        return num_id.get(f"{W}val", "0"), int(level.get(f"{W}val", "0")) if level is not None else 0
    except ValueError:
        return None


def outline_of(p_pr: etree._Element | None) -> int | None:
    """The ``w:outlineLvl`` written in one ``w:pPr``; None when absent or unreadable."""
    element = p_pr.find(f"{W}outlineLvl") if p_pr is not None else None
    if element is None:
        return None
    try:
        return int(element.get(f"{W}val", ""))
    except ValueError:
        return None


class Styles:
    """The styles part, answering for paragraph and character styles by id."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        self.default_paragraph = ""
        for style in root.iter(f"{W}style") if root is not None else ():
            style_id = style.get(f"{W}styleId", "")
            self._styles.setdefault(style_id, style)
            if style.get(f"{W}type") == "paragraph" and on(style.find(f"{W}default")):
                self.default_paragraph = self.default_paragraph or style_id
        self._paragraph: dict[str, ParagraphStyle] = {}
        self._character: dict[str, RunProps] = {}

    def _chain(self, style_id: str) -> Iterator[etree._Element]:
        """The style and those it is based on, nearest first; a loop in basedOn ends the walk."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val", "") if based is not None else ""

    def paragraph(self, style_id: str) -> ParagraphStyle:
        style_id = style_id or self.default_paragraph
        if style_id not in self._paragraph:
            self._paragraph[style_id] = self._resolve_paragraph(style_id)
        return self._paragraph[style_id]

    def character(self, style_id: str) -> RunProps:
        if style_id not in self._character:
            props = RunProps()
            for style in self._chain(style_id):
                props = props.over(run_props(style.find(f"{W}rPr")))
                if any(key in _CHARACTER_CODE for key in _identities(style)):
                    props = props.over(RunProps(code=True))
            self._character[style_id] = props
        return self._character[style_id]

    def _resolve_paragraph(self, style_id: str) -> ParagraphStyle:
        role, outline, run, numbering = "", None, RunProps(), None
        builtin_level: int | None = None
        chain: list[etree._Element | None] = list(self._chain(style_id))
        # a style used but never defined (Word reads it as Normal) is still known by a built-in id
        identities = [_identities(style) for style in chain if style is not None] or [(_key(style_id),)]
        for style, keys in zip(chain or [None], identities, strict=True):
            p_pr = style.find(f"{W}pPr") if style is not None else None
            run = run.over(run_props(style.find(f"{W}rPr") if style is not None else None))
            outline = outline if outline is not None else outline_of(p_pr)
            numbering = numbering or numbering_of(p_pr)
            for key in keys:
                role = role or _PARAGRAPH_ROLES.get(key, "") or ("toc" if _TOC_ENTRY.fullmatch(key) else "")
                found = _HEADING_NAME.fullmatch(key)
                if found and builtin_level is None:
                    builtin_level = int(found.group(1)) - 1
        if outline is None:
            outline = builtin_level
        if outline is not None and (outline >= _BODY_TEXT_LEVEL or outline < 0 or role in ("title", "subtitle", "toc")):
            outline = None
        return ParagraphStyle(role, outline, run, numbering)


def _identities(style: etree._Element) -> tuple[str, ...]:
    """A style's id and name, normalised for comparison with the built-in ones."""
    name = style.find(f"{W}name")
    return tuple(_key(value) for value in (style.get(f"{W}styleId", ""),
                                           name.get(f"{W}val", "") if name is not None else "") if value)


def with_outline(style: ParagraphStyle, p_pr: etree._Element | None) -> ParagraphStyle:
    """The style as a paragraph's own ``w:outlineLvl`` overrides it."""
    own = outline_of(p_pr)
    if own is None:
        return style
    return replace(style, outline=own if 0 <= own < _BODY_TEXT_LEVEL and style.role not in ("title", "subtitle")
                   else None)
