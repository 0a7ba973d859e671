"""Word documents (.docx) as Word, LibreOffice, Google Docs and pandoc write them.

The reader is handed the file's bytes and reads its XML with lxml, never
running or fetching anything: the package is checked against zip bombs
before anything is inflated (:mod:`.docx_package`); styles are known by
their outline level and built-in ids, not their display names
(:mod:`.docx_styles`); runs are flattened into pieces (:mod:`.docx_inlines`)
and merged into the model's inlines (:mod:`.docx_pieces`); paragraphs and tables are read in order
(:mod:`.docx_body`), the front matter taken off the top (:mod:`.docx_front`),
the rest grouped into blocks (:mod:`.docx_blocks`) and a Q&A section into
exchanges (:mod:`.docx_qa`).

Positions: a Word document has no lines, so every block's ``Pos`` gives as
its "line" the 1-based index of its paragraph among the paragraphs of the
body, in document order, counting those in table cells and content controls
(a table: its first paragraph); the column is always 1.  The blocks of a
footnote or endnote point at the paragraph that refers to the note.

Tracked changes are read as accepted (insertions kept, deletions and the
old place of moved text dropped) and comments are dropped, each with one
warning that counts them.  A picture's ``src`` names its part inside the
file, relative to the source like any other: ``report.docx#word/media/image1.png``;
:class:`~publish.sources.resources.Resources` reads it from there.
"""

from __future__ import annotations

from lxml import etree

from ...diagnostics import InputError, Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from .docx_blocks import build_blocks
from .docx_body import BodyReader, heading_anchors
from .docx_front import Front, core_properties, take_front
from .docx_inlines import DocumentState, InlineReader, picture_src_prefix
from .docx_numbering import Numbering
from .docx_package import W_NS, Package, PackageError, Relationship
from .docx_qa import with_exchanges
from .docx_styles import Styles

W = f"{{{W_NS}}}"
_SPEAKING = {"speaker", "keynote speaker", "presenter", "lecturer", "panelist", "discussant", "commentator",
             "moderator", "chair", "facilitator", "host", "interviewer", "guest"}


def read(data: bytes, path: str, reporter: Reporter) -> m.Article:
    try:
        return _read(Package(data), path, reporter)
    except PackageError as exc:
        raise InputError(Pos(path, 1, 1), str(exc)) from None


def _read(package: Package, path: str, reporter: Reporter) -> m.Article:
    rels = package.relationships(package.main)
    document = package.xml(package.main)
    body = document.find(f"{W}body") if document is not None else None
    if document is None or body is None:
        raise InputError(Pos(path, 1, 1), f"{package.main} has no body: not a Word document")
    styles = Styles(package.xml(package.part_of_type(rels, "styles")))
    numbering = Numbering(package.xml(package.part_of_type(rels, "numbering")))
    notes = {kind: package.xml(package.part_of_type(rels, f"{kind}s")) for kind in ("footnote", "endnote")}
    state = DocumentState(path, reporter, package, styles, picture_src_prefix(path))
    state.anchors = heading_anchors(body, [document, *(n for n in notes.values() if n is not None)], styles, path)

    items = BodyReader(state, InlineReader(state, rels)).read(body)
    front, items = take_front(items, core_properties(package.xml(package.core)), path, reporter)
    blocks = with_exchanges(build_blocks(items, numbering), front.people, path, reporter)
    blocks += _note_definitions(state, notes, rels, numbering)
    if not blocks and not front.standfirst:
        raise InputError(Pos(path, 1, 1), "document has no content")
    _report_counts(state, package, rels, path, reporter)
    return m.Article(id="", meta=_meta(front, blocks), blocks=blocks, pos=Pos(path, 1, 1))


def _meta(front: Front, blocks: tuple[m.Block, ...]) -> m.ArticleMeta:
    roles = {role for person in front.people for role in person.roles}
    event = bool(roles & _SPEAKING) or any(isinstance(b, m.Exchange) for b in blocks)
    return m.ArticleMeta(
        title=front.title, subtitle=front.subtitle, people=tuple(front.people), date=front.date,
        timestamp=front.timestamp, standfirst=tuple(front.standfirst), kind="event" if event else "post",
        extra=tuple((key, value) for key, (value, _) in front.fields.items()),
    )


def _note_definitions(state: DocumentState, parts: dict[str, etree._Element | None],
                      rels: dict[str, Relationship], numbering: Numbering) -> tuple[m.Block, ...]:
    """The footnotes, then the endnotes, in the order the text first refers to them."""
    out: list[m.Block] = []
    for kind in ("footnote", "endnote"):
        root = parts[kind]
        notes = {note.get(f"{W}id", ""): note for note in (root.iter(f"{W}{kind}") if root is not None else ())}
        reader = InlineReader(state, state.package.relationships(state.package.part_of_type(rels, f"{kind}s")))
        missing: list[Pos] = []
        for (note_kind, note_id), (label, pos) in list(state.notes.items()):
            if note_kind != kind:
                continue
            note = notes.get(note_id)
            if note is None:
                missing.append(pos)
            items = BodyReader(state, reader, fixed=pos).read(note) if note is not None else []
            out.append(m.FootnoteDef(label, build_blocks(items, numbering), pos=pos))
        if missing:
            what = f"{len(missing)} {kind}s are" if len(missing) > 1 else f"a {kind} is"
            state.reporter.warn(missing[0], f"{what} referred to but missing from the document; left empty")
    return tuple(out)


def _report_counts(state: DocumentState, package: Package, rels: dict[str, Relationship], path: str,
                   reporter: Reporter) -> None:
    """One warning for each kind of thing read otherwise than written, counting them."""
    at = Pos(path, 1, 1)
    comments = package.xml(package.part_of_type(rels, "comments"))
    count = len(comments.findall(f"{W}comment")) if comments is not None else 0
    for number, message in (
        (state.tracked, "tracked change{s} read as accepted"),
        (count, "comment{s} dropped"),
        (state.dropped_drawings, "drawing{s} other than pictures (charts, shapes, text boxes) dropped"),
        (state.equations, "equation{s} read as plain text"),
    ):
        if number:
            reporter.warn(at, f"{number} " + message.format(s="s" if number != 1 else ""))
