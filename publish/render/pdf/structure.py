"""A part's structure tree, and the book's made of the parts' trees.

The analysis of a part's tree (its top-level elements, the elements outside it, the
prefixed ids) visits every element of the part.  :func:`prepare_part` does it where the
part is typeset, in parallel and kept in the build cache with the part, and marks the part
as prepared, so that joining a hundred parts of which one changed costs the copying only.
A part that is not prepared (one written by WeasyPrint as it is) is prepared when joined.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, String

from .tags import set_scope

#: In a prepared part's StructTreeRoot: the elements outside the Document's tree (see
#: PartStructure).  The part's root is never copied into the book, nor is this entry.
PREPARED_ORPHANS = Name("/PublishOrphans")


def prepare_structure(source: pikepdf.Pdf, id_prefix: bytes) -> None:
    """Make a tagged part ready to be joined (see the module's notes), in place."""
    if Name.StructTreeRoot in source.Root and PREPARED_ORPHANS not in source.Root.StructTreeRoot:
        structure = PartStructure(source, id_prefix)
        source.Root.StructTreeRoot[PREPARED_ORPHANS] = Array(structure.orphans)


class PartStructure:
    """A part's structure tree, made ready in the part to be copied into the book.

    The part's top-level elements have the part's Document for parent, and so have the
    elements WeasyPrint makes for the content of margin boxes, outside the tree (found
    through the ParentTree only): they lose their /P, lest copying them copy the part's
    Document and, through it, the part's StructTreeRoot.  The /ID of elements gets the
    part's prefix: WeasyPrint names a table's header cells after the table's object
    number, which another part may give to a table of its own.
    """

    def __init__(self, source: pikepdf.Pdf, id_prefix: bytes):
        root = source.Root.StructTreeRoot
        document = _document_element(root)
        self.source = source
        self.kids = as_list(document.get(Name.K))
        self.parent_tree = list(pikepdf.NumberTree(root.ParentTree).items())
        self.key_count = max(int(root.get(Name.ParentTreeNextKey, 0)),
                             max((key for key, _ in self.parent_tree), default=-1) + 1)
        if PREPARED_ORPHANS in root:  # prepared where it was typeset: its ids are prefixed already
            self.orphans: list[Object] = list(root[PREPARED_ORPHANS])
            return
        elements = list(_descendants(self.kids))
        mapped = [element for _, value in self.parent_tree for element in as_list(value)]
        self.orphans = _topmost_outside(document, mapped, {element.objgen for element in elements})
        elements += _descendants(self.orphans)
        _prefix_ids(elements, id_prefix)
        # The header scopes of ``tags``, here, where every element is visited anyway.
        for element in elements:
            if isinstance(element, Dictionary) and element.get(Name.S) == Name.TH:
                set_scope(element)
        for element in (*self.kids, *self.orphans):
            if Name.P in element:
                del element[Name.P]


class StructureTree:
    """The book's structure tree, one part after the other."""

    def __init__(self, book: pikepdf.Pdf, first: pikepdf.Pdf):
        self._book = book
        self._document = book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        # Keys in order: each part's NumberTree is, and the parts' keys follow each other.
        self._nums: list[tuple[int, Object]] = []
        self._next_key = 0
        # Role and class maps and PDF 2.0 namespaces are the document's, alike in every part.
        first_root = first.Root.StructTreeRoot
        keys = [key for key in (Name.RoleMap, Name.ClassMap, Name.Namespaces) if key in first_root]
        self._entries = dict(zip(keys, import_objects(book, first, [first_root[key] for key in keys]), strict=True))
        first_document = _document_element(first_root)
        if Name.NS in first_document:
            self._document.NS = book.copy_foreign(first_document.NS)

    def add(self, part: PartStructure, pages: Sequence[pikepdf.Page]) -> None:
        """Add a part's structure, its pages being already in the book as `pages`."""
        offset = self._next_key
        _shift_struct_parents(pages, offset)
        values = import_objects(self._book, part.source, (value for _, value in part.parent_tree))
        self._nums.extend((key + offset, value) for (key, _), value in zip(part.parent_tree, values, strict=True))
        kids = [self._book.copy_foreign(kid) for kid in part.kids]
        self._document.K.extend(kids)
        for element in (*kids, *(self._book.copy_foreign(orphan) for orphan in part.orphans)):
            element.P = self._document
        self._next_key = offset + part.key_count

    def finish(self) -> Object:
        """The StructTreeRoot of the book."""
        root = self._book.make_indirect(Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([self._document]),
            ParentTree=Dictionary(Nums=Array([item for entry in self._nums for item in entry])),
            ParentTreeNextKey=self._next_key))
        for key, value in self._entries.items():
            root[key] = value
        self._document.P = root
        return root


def _document_element(root: Object) -> Object:
    kids = as_list(root.get(Name.K))
    if len(kids) != 1 or kids[0].get(Name.S) != Name.Document:
        raise ValueError("a part's structure tree must have one /Document element at its root")
    return kids[0]


def _descendants(elements: Iterable[Object]) -> Iterator[Object]:
    """The structure elements among `elements` and under them."""
    stack = list(elements)
    while stack:
        element = stack.pop()
        # Not an MCID, nor a reference to marked content or to an object.
        if isinstance(element, Dictionary) and Name.S in element:
            yield element
            stack.extend(as_list(element.get(Name.K)))


def _topmost_outside(document: Object, elements: Iterable[Object],
                     inside: set[tuple[int, int]]) -> list[Object]:
    """The topmost ancestors, below `document`, of those `elements` not `inside` its tree."""
    topmost: list[Object] = []
    seen = set(inside)
    for element in elements:
        while isinstance(element, Dictionary) and element.objgen not in seen:
            seen.add(element.objgen)
            parent = element.get(Name.P)
            if parent is None or same_object(parent, document):
                topmost.append(element)
                break
            element = parent
    return topmost


def _prefix_ids(elements: Iterable[Object], prefix: bytes) -> None:
    """Prefix the /ID of `elements`, and the table /Headers naming them."""
    for element in elements:
        keys = element.keys()  # one call for both tests, on every element of the part
        if "/ID" in keys:
            element.ID = String(prefix + bytes(element.ID))
        for attributes in as_list(element.A if "/A" in keys else None):
            if isinstance(attributes, Dictionary) and Name.Headers in attributes:
                attributes.Headers = Array([String(prefix + bytes(header)) for header in attributes.Headers])


def _shift_struct_parents(pages: Iterable[pikepdf.Page], offset: int) -> None:
    """Shift the ParentTree keys the pages and their annotations refer to."""
    for page in pages:
        if Name.StructParents in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get(Name.Annots, ()):
            if Name.StructParent in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def import_objects(book: pikepdf.Pdf, source: pikepdf.Pdf, objects: Iterable[Object]) -> list[Object]:
    """`objects` of `source` copied into `book`.

    copy_foreign takes indirect objects only: the objects, direct arrays and dictionaries
    among them, travel in one indirect array (which the book then leaves unreferenced).
    """
    return list(book.copy_foreign(source.make_indirect(Array(objects))))


def as_list(obj: Object | None) -> list[Object]:
    """The items of an entry that holds one object or an array of them (/K, /A)."""
    if obj is None:
        return []
    return list(obj) if isinstance(obj, Array) else [obj]


def same_object(obj: Object | None, other: Object) -> bool:
    return isinstance(obj, Object) and obj.is_indirect and obj.objgen == other.objgen
