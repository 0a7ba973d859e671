"""What the PDF's structure tree needs beyond what WeasyPrint writes: languages, and header scopes.

WeasyPrint ties each data cell to its header cells with ``/Headers`` and ``/IDs``, a
valid association that not every checker follows; a column header's ``/Scope`` says the
same in the form they all read (PDF/UA-1 §7.5, Matterhorn 15-003).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

import pikepdf
import pydyf
from pikepdf import Array, Dictionary, Name

#: How deep a structure tree may nest before the walk stops: a guard, not a limit met.
MAX_DEPTH = 200


def set_header_scopes(pdf: pikepdf.Pdf) -> None:
    """``/Scope /Column`` on every ``/TH`` that has none (our tables' headers are their head rows)."""
    tree = pdf.Root.get(Name.StructTreeRoot)
    if not isinstance(tree, Dictionary):  # none (an untagged PDF)
        return
    stack: list[tuple[Dictionary, int]] = [(tree, 0)]
    while stack:
        element, depth = stack.pop()
        if element.get(Name.S) == Name.TH:
            set_scope(element)
        kids = element.get(Name.K)
        if depth < MAX_DEPTH and kids is not None:
            for kid in (kids if isinstance(kids, Array) else [kids]):
                if isinstance(kid, Dictionary) and (Name.S in kid or Name.K in kid):  # not an MCID or OBJR
                    stack.append((kid, depth + 1))


def set_scope(header: pikepdf.Dictionary) -> None:
    """``/Scope /Column`` on one ``/TH`` element, unless it has a scope."""
    attributes = header.get(Name.A)
    owners = list(attributes) if isinstance(attributes, Array) else [attributes] if attributes is not None else []
    table = next((a for a in owners if isinstance(a, Dictionary) and a.get(Name.O) == Name.Table), None)
    if table is None:
        table = Dictionary(O=Name.Table)
        header.A = Array([*owners, table]) if owners else table
    if Name.Scope not in table:
        table.Scope = Name.Column


# ------------------------------------------------------------- languages

_BINDING_LOCK = threading.Lock()
_DOCUMENT_LANGUAGE = re.compile(r'<html[^>]*\slang="([^"]+)"')


def document_language(document_html: str) -> str:
    found = _DOCUMENT_LANGUAGE.search(document_html[:2000])
    return found.group(1) if found else ""


@contextlib.contextmanager
def element_languages(language: str) -> Iterator[None]:
    """While the block runs, WeasyPrint's structure elements carry ``/Lang`` where their HTML
    element's ``lang`` differs from the document's (``language``): a run of Japanese in an
    English article is announced as Japanese.  WeasyPrint 70 writes the document's language
    only; its tree builder is bound to one that adds the element's, as ``pdf_fonts`` binds
    the font subsetter."""
    from weasyprint.pdf import tags

    with _BINDING_LOCK:
        build = tags._build_box_tree

        def with_language(box: object, parent: object, *args: object) -> Iterator[pydyf.Dictionary]:
            for element in build(box, parent, *args):
                source = getattr(box, "element", None)
                lang = source.get("lang") if source is not None and hasattr(source, "get") else None
                if lang and lang != language and "Lang" not in element and element.get("Type") == "/StructElem":
                    element["Lang"] = pydyf.String(lang)
                yield element

        tags._build_box_tree = with_language
        try:
            yield
        finally:
            tags._build_box_tree = build
