"""Which links stay links: one rule for every format, applied once to the model.

A link to an address every reader can open (``conventions.LIVE_SCHEMES``) and a
cross-reference to a place the book has stay links.  Any other target — ``tel:``,
a path relative to the web site the post came from, ``{{ site.baseurl }}``, an id
no heading has — keeps its text and loses the link, with one warning at the
block that holds it: a ``Span("link-dropped")`` in the model, so that no
renderer has to decide again (and none can decide differently).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..conventions import ABBREVIATIONS_ID, PEOPLE_ID, cross_reference, is_live_address
from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import iter_nodes, node_fields

DROPPED = "link-dropped"


def settle_links(book: m.Book, reporter: Reporter) -> m.Book:
    known = link_targets(book)
    articles = tuple(_article(article, known, reporter) for article in book.articles)
    if all(new is old for new, old in zip(articles, book.articles, strict=True)):
        return book
    return dataclasses.replace(book, articles=articles)


def link_targets(book: m.Book) -> frozenset[str]:
    """Every id a cross-reference may lead to: articles, headings, people, the back matter."""
    ids = {article.id for article in book.articles}
    ids |= {node.id for article in book.articles for node in iter_nodes(article.blocks)
            if isinstance(node, m.Heading) and node.id}
    ids |= {entry.person.id for entry in book.people if entry.person.id}
    if book.people:
        ids.add(PEOPLE_ID)
    if book.abbreviations:
        ids.add(ABBREVIATIONS_ID)
    return frozenset(ids)


def _article(article: m.Article, known: frozenset[str], reporter: Reporter) -> m.Article:
    where = article.pos or m.Pos(article.id)
    meta = article.meta
    if meta.url and not is_live_address(meta.url):
        reporter.warn(where, f"source address not a web address, left out: {meta.url}")
        meta = dataclasses.replace(meta, url="")
    meta = _settle(meta, where, known, reporter)
    blocks = _settle(article.blocks, where, known, reporter)
    if meta is article.meta and blocks is article.blocks:
        return article
    return dataclasses.replace(article, meta=meta, blocks=blocks)


def _settle(node: Any, pos: m.Pos, known: frozenset[str], reporter: Reporter) -> Any:
    """``node`` with every link that must not stay one made a span (the same object when none)."""
    if isinstance(node, tuple):
        items = tuple(_settle(item, pos, known, reporter) for item in node)
        return node if all(new is old for new, old in zip(items, node, strict=True)) else items
    names = node_fields(type(node))
    if names is None:
        return node
    own = getattr(node, "pos", None)
    if isinstance(own, m.Pos):
        pos = own  # warnings go to the innermost block that knows where it came from
    changes = {}
    for name in names:
        value = getattr(node, name)
        new = _settle(value, pos, known, reporter)
        if new is not value:
            changes[name] = new
    if changes:
        node = dataclasses.replace(node, **changes)
    if isinstance(node, m.Link):
        reason = _refusal(node.target, known)
        if reason:
            reporter.warn(pos, reason)
            return m.Span(DROPPED, node.children)
    return node


def _refusal(target: str, known: frozenset[str]) -> str:
    """Why a link to ``target`` keeps its text only, or "" when it stays a link."""
    anchor = cross_reference(target)
    if anchor:
        return "" if anchor in known else f"link to an unknown id: #{anchor}"
    if is_live_address(target):
        return ""
    return f"link target not allowed, kept as text: {target.strip()}"
