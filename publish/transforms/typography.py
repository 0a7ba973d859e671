"""Typographic quotes, dashes and ellipses in running text and titles (never in code or URLs)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, assert_never

from ..conventions import is_japanese
from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import node_fields

_OPENING_CONTEXT = set(" \t\n([{<“‘—–-/\u00a0")
_QUOTE = re.compile("[\"']")


def smarten(text: str, before: str = "") -> str:
    """Curly quotes by context, ``---`` as an em dash, ``--`` as an en dash, ``...`` as an ellipsis.

    ``before`` is the character preceding ``text`` (from an earlier node), which
    decides whether a quote at its start opens or closes.
    """
    text = text.replace("---", "—").replace("--", "–").replace("...", "…")
    if '"' not in text and "'" not in text:
        return text
    out = list(text)
    for match in _QUOTE.finditer(text):  # only the quotes: the rest stays as it is
        index = match.start()
        previous = out[index - 1] if index else before  # a quote just made curly counts as made
        opening = not previous or previous in _OPENING_CONTEXT
        if match.group() == '"':
            out[index] = "“" if opening else "”"
        else:
            # '90s and 'tis are apostrophes even where a quote could open.
            out[index] = "‘" if opening and not text[index + 1 : index + 2].isdigit() else "’"
    return "".join(out)


def _inlines(nodes: tuple[m.Inline, ...], before: str) -> tuple[tuple[m.Inline, ...], str]:
    """The inlines smartened, and the last character they show; the same tuple when
    nothing in it changed (most nodes do not, and rebuilding them all was the cost)."""
    out: list[m.Inline] = []
    changed = False
    for node in nodes:
        new: m.Inline = node
        match node:
            case m.Text():
                text = smarten(node.text, before)
                if text != node.text:
                    new = m.Text(text)
                before = text[-1:] or before
            case m.Code():
                before = node.text[-1:] or before
            case m.SoftBreak() | m.LineBreak():
                before = " "
            case m.Image():
                alt, title = smarten(node.alt), smarten(node.title)
                if (alt, title) != (node.alt, node.title):
                    new = replace(node, alt=alt, title=title)
            case m.Emph() | m.Strong() | m.Strikeout() | m.Superscript() | m.Subscript() | m.Link() | m.Span():
                children, before = _inlines(node.children, before)
                if children is not node.children:
                    new = replace(node, children=children)
            case m.FootnoteRef() | m.Timestamp():
                pass
            case m.Direction():
                text = smarten(node.text)
                if text != node.text:
                    new = m.Direction(text)
                before = ")"
            case _:
                assert_never(node)
        changed = changed or new is not node
        out.append(new)
    return (tuple(out) if changed else nodes), before


def _block(block: Any) -> Any:
    """Any node with every inline sequence in it smartened (the same node when none changed)."""
    if isinstance(block, tuple):
        new = tuple(_block(b) for b in block)
        return block if all(a is b for a, b in zip(new, block, strict=True)) else new
    names = node_fields(type(block))
    if names is None or isinstance(block, (m.Pos, m.CodeBlock)):
        return block
    changes = {}
    for name in names:
        value = getattr(block, name)
        if name in ("children", "caption") and isinstance(value, tuple):
            new = _inlines(value, "")[0]
        elif isinstance(value, tuple) or node_fields(type(value)) is not None:
            new = _block(value)
        else:
            continue
        if new is not value:
            changes[name] = new
    return replace(block, **changes) if changes else block


def smarten_book(book: m.Book, reporter: Reporter) -> m.Book:
    def meta(article_meta: m.ArticleMeta) -> m.ArticleMeta:
        return replace(
            article_meta,
            title=smarten(article_meta.title),
            subtitle=smarten(article_meta.subtitle),
            description=smarten(article_meta.description),
            publisher=smarten(article_meta.publisher),
            standfirst=_block(article_meta.standfirst),
            people=tuple(
                replace(p, affiliations=tuple(smarten(a) for a in p.affiliations), bio=_block(p.bio))
                for p in article_meta.people
            ),
        )

    # Japanese has its own quotation marks (「」) and dashes: English rules would only harm it
    articles = tuple(a if is_japanese(a.meta.language) else replace(a, meta=meta(a.meta), blocks=_block(a.blocks))
                     for a in book.articles)
    book_meta = replace(
        book.meta,
        title=smarten(book.meta.title),
        subtitle=smarten(book.meta.subtitle),
        prepared_by=smarten(book.meta.prepared_by),
    )
    return replace(book, meta=book_meta, articles=articles)
