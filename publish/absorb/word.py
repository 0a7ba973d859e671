"""A Word file's paragraphs as ``publish absorb`` compares them.

Each paragraph of the body and of the footnotes comes with its text in both
forms (every tracked change accepted, every one rejected), the source anchors
whose bookmarks start in it (``conventions.source_anchor``), its tracked
changes and the comments anchored in it.  Word splits runs freely (``w:rsid*``,
``w:proofErr``, bookmarks, smart tags, content controls, fields): only the text
counts here.  The package is opened with the Word reader's bounded zip reading
and safe XML parsing (``docx_package``), so a hostile file costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..conventions import read_source_anchor
from ..sources.readers.docx_package import W_NS, Package, PackageError

W = f"{{{W_NS}}}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Subtrees whose text is not the paragraph's: properties, drawings (text boxes hold
#: paragraphs of their own), the fallback copy of alternate content.
_PRUNED = {f"{W}pPr", f"{W}rPr", f"{W}sdtPr", f"{W}sdtEndPr", f"{W}smartTagPr", f"{W}customXmlPr",
           f"{W}drawing", f"{W}pict", f"{W}object", f"{_MC}AlternateContent", f"{W}footnoteRef"}
_REVISIONS = {f"{W}ins": "inserted", f"{W}del": "deleted", f"{W}moveTo": "moved to", f"{W}moveFrom": "moved from"}
_REMOVED = ("deleted", "moved from")
_SPECIAL = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
_DATE = re.compile(r"[1-9]\d{3}-\d\d-\d\d")  # LibreOffice writes "0-00-00T00:00:00Z" for no date
#: Field results that are text of the paragraph; other fields (TOC, NOTEREF, PAGE...) are computed.
_TEXT_FIELDS = ("HYPERLINK",)
MAX_FILE_BYTES = 200 * 1024 * 1024


class NotAbsorbable(Exception):
    """The file cannot be compared: not a Word document, or not one this toolkit wrote."""


@dataclass(frozen=True)
class Revision:
    """One tracked change: what was done, by whom, when, to which text."""

    kind: str  # inserted, deleted, moved to, moved from, paragraph inserted, paragraph deleted, formatting
    author: str
    date: str
    text: str = ""


@dataclass(frozen=True)
class Comment:
    id: str
    author: str
    date: str
    text: str
    passage: str  # the text its range covers


@dataclass
class WordParagraph:
    story: str  # "body" or "notes"
    index: int  # its place in the story
    accepted: str = ""  # every tracked change accepted
    rejected: str = ""  # every tracked change rejected
    anchors: list[str] = field(default_factory=list)  # source anchors with text in their range, in order
    marks: list[str] = field(default_factory=list)  # the other bookmarks that start here
    label: str = ""  # the text in the Speaker style that opens a Q&A turn ("KATO Hiroshi:")
    revisions: list[Revision] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # ids of the comments that start here
    note: str = ""  # the footnote it belongs to (notes)
    note_refs: list[str] = field(default_factory=list)  # the footnotes it refers to
    mark_inserted: bool = False  # its paragraph mark is a tracked insertion
    mark_deleted: bool = False  # ... a tracked deletion
    split: bool = False  # its anchor's range runs on into the next paragraph: Enter was pressed inside it
    contents: bool = False  # part of the contents field: computed by Word, not text

    @property
    def gone(self) -> bool:
        """Deleted as a whole by a tracked change: absent once the changes are accepted."""
        return self.mark_deleted and not self.accepted.strip()


@dataclass
class WordFile:
    body: list[WordParagraph]
    notes: list[WordParagraph]
    comments: dict[str, Comment]

    def anchored(self) -> bool:
        return any(p.anchors for p in (*self.body, *self.notes))


def read_word(data: bytes) -> WordFile:
    """The body and footnote paragraphs of a .docx; raises NotAbsorbable."""
    try:
        package = Package(data)
        rels = package.relationships(package.main)
        document = package.xml(package.main)
        styles = package.xml(package.part_of_type(rels, "styles"))
        notes = package.xml(package.part_of_type(rels, "footnotes"))
        comments = package.xml(package.part_of_type(rels, "comments"))
    except PackageError as exc:
        raise NotAbsorbable(str(exc)) from None
    body = document.find(f"{W}body") if document is not None else None
    if body is None:
        raise NotAbsorbable("not a Word document: the main part has no body")
    walker = _Walker(_speaker_styles(styles))
    paragraphs = [walker.paragraph(p, "body", i) for i, p in enumerate(_paragraphs(body))]
    footnotes: list[WordParagraph] = []
    if notes is not None:
        for note in notes.iterchildren(f"{W}footnote"):
            if note.get(f"{W}type") not in (None, "normal"):
                continue  # the separators
            for p in _paragraphs(note):
                footnotes.append(walker.paragraph(p, "notes", len(footnotes), note=note.get(f"{W}id") or ""))
    return WordFile(paragraphs, footnotes, _comments(comments, walker.passages))


def _paragraphs(root: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs in reading order (table cells included), not those inside drawings and text boxes."""
    for p in root.iter(f"{W}p"):
        if not any(a.tag in _PRUNED or a.tag == f"{W}txbxContent" for a in p.iterancestors()):
            yield p


def _speaker_styles(styles: etree._Element | None) -> set[str]:
    """Ids of the character styles named Speaker (the renderer's style for a turn's label)."""
    found = {"Speaker"}
    if styles is not None:
        for style in styles.iterchildren(f"{W}style"):
            name = style.find(f"{W}name")
            if name is not None and (name.get(f"{W}val") or "").strip().lower() == "speaker":
                found.add(style.get(f"{W}styleId") or "")
    return found


def _comments(part: etree._Element | None, passages: dict[str, list[str]]) -> dict[str, Comment]:
    out: dict[str, Comment] = {}
    if part is None:
        return out
    for comment in part.iterchildren(f"{W}comment"):
        key = comment.get(f"{W}id") or ""
        lines = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")]
        out[key] = Comment(key, comment.get(f"{W}author") or "", _date(comment.get(f"{W}date")),
                           "\n".join(lines).strip(), "".join(passages.get(key, [])).strip())
    return out


def _date(value: str | None) -> str:
    return value if value and _DATE.match(value) else ""


def _revision(element: etree._Element, kind: str, text: str = "") -> Revision:
    return Revision(kind, element.get(f"{W}author") or "", _date(element.get(f"{W}date")), text)


@dataclass
class _Field:
    instruction: str = ""
    result: bool = False  # past its "separate" mark

    def hides_text(self) -> bool:
        return not self.result or not self.instruction.strip().upper().startswith(_TEXT_FIELDS)


class _Walker:
    """Reads paragraphs in document order, keeping what runs across them: open fields
    (the contents field spans many paragraphs) and open comment ranges."""

    def __init__(self, speaker_styles: set[str]) -> None:
        self.speaker_styles = speaker_styles
        self.fields: list[_Field] = []
        self.open_comments: set[str] = set()
        self.passages: dict[str, list[str]] = {}
        self.seen_comments: set[str] = set()

    def paragraph(self, p: etree._Element, story: str, index: int, note: str = "") -> WordParagraph:
        out = WordParagraph(story, index, note=note)
        properties = p.find(f"{W}pPr")
        if properties is not None:
            mark = properties.find(f"{W}rPr")
            for tag, kind in ((f"{W}ins", "paragraph inserted"), (f"{W}del", "paragraph deleted")):
                element = mark.find(tag) if mark is not None else None
                if element is not None:
                    out.revisions.append(_revision(element, kind))
                    out.mark_inserted |= kind == "paragraph inserted"
                    out.mark_deleted |= kind == "paragraph deleted"
            for change in properties.iter(f"{W}pPrChange", f"{W}rPrChange"):
                out.revisions.append(_revision(change, "formatting"))
        out.contents = self._in_contents(p)  # a contents field that began before it
        state = _ParagraphState(out)
        self._walk(p, state, ())
        out.contents |= self._in_contents(p)  # ... or begins in it
        out.accepted, out.rejected = "".join(state.accepted), "".join(state.rejected)
        # An anchor whose range holds no text was left behind by a deletion (its bookmark
        # collapsed into a neighbour); a paragraph with no text at all keeps the one it has.
        out.anchors = [name for name in state.anchor_order if name in state.anchors_with_text] or \
            (state.anchor_order[:1] if not out.accepted.strip() else [])
        out.split = bool(out.anchors) and out.anchors[0] in state.open_anchors.values()
        return out

    def _in_contents(self, p: etree._Element) -> bool:
        if any(_is_contents_control(a) for a in p.iterancestors(f"{W}sdt")):
            return True
        return any(f.instruction.strip().upper().startswith("TOC") for f in self.fields)

    def _walk(self, element: etree._Element, state: _ParagraphState, revisions: tuple[int, ...]) -> None:
        """``revisions``: the tracked changes the element is inside (text inserted, then deleted by
        another reviewer, is in neither form), by index in the paragraph's list."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _PRUNED:
                self._properties(child, state)
                continue
            if tag in _REVISIONS:
                state.out.revisions.append(_revision(child, _REVISIONS[tag]))
                self._walk(child, state, (*revisions, len(state.out.revisions) - 1))
            elif tag in (f"{W}t", f"{W}delText"):
                self._text(child.text or "", child, state, revisions)
            elif tag in _SPECIAL:
                self._text(_SPECIAL[tag], child, state, revisions)
            elif tag in (f"{W}instrText", f"{W}delInstrText"):
                if self.fields:
                    self.fields[-1].instruction += child.text or ""
            elif tag == f"{W}fldChar":
                self._field_char(child.get(f"{W}fldCharType") or "", state)
            elif tag == f"{W}fldSimple":
                self.fields.append(_Field(child.get(f"{W}instr") or "", result=True))
                self._walk(child, state, revisions)
                self.fields.pop()
            else:
                self._mark(child, tag, state)
                self._walk(child, state, revisions)

    def _properties(self, element: etree._Element, state: _ParagraphState) -> None:
        if element.tag == f"{W}rPr":
            for change in element.iterchildren(f"{W}rPrChange"):
                state.out.revisions.append(_revision(change, "formatting"))

    def _field_char(self, kind: str, state: _ParagraphState) -> None:
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            self.fields[-1].result = True
        elif kind == "end" and self.fields and self.fields.pop().instruction.strip().upper().startswith("TOC"):
            state.out.contents = True  # the contents field's last paragraph

    def _mark(self, element: etree._Element, tag: str, state: _ParagraphState) -> None:
        """Bookmarks, comment ranges and note references: no text, but they place things."""
        key = element.get(f"{W}id") or ""
        if tag == f"{W}bookmarkStart":
            name = element.get(f"{W}name") or ""
            if read_source_anchor(name) is not None:
                state.open_anchors[key] = name
                state.anchor_order.append(name)
            elif name:
                state.out.marks.append(name)
        elif tag == f"{W}bookmarkEnd":
            state.open_anchors.pop(key, None)
        elif tag == f"{W}commentRangeStart":
            self.open_comments.add(key)
            self._comment_here(key, state)
        elif tag == f"{W}commentRangeEnd":
            self.open_comments.discard(key)
        elif tag == f"{W}commentReference":
            self._comment_here(key, state)  # a comment on a point, or one whose range Word left out
        elif tag == f"{W}footnoteReference":
            state.out.note_refs.append(key)

    def _comment_here(self, key: str, state: _ParagraphState) -> None:
        if key not in self.seen_comments:
            self.seen_comments.add(key)
            state.out.comments.append(key)
            self.passages.setdefault(key, [])

    def _text(self, text: str, element: etree._Element, state: _ParagraphState, revisions: tuple[int, ...]) -> None:
        if any(f.hides_text() for f in self.fields):
            return
        if revisions:
            old = state.out.revisions[revisions[-1]]
            state.out.revisions[revisions[-1]] = Revision(old.kind, old.author, old.date, old.text + text)
        kinds = {state.out.revisions[i].kind for i in revisions}
        removed = bool(kinds & set(_REMOVED))
        added = bool(kinds - set(_REMOVED))
        if not added:
            state.rejected.append(text)
        if removed:
            return
        state.accepted.append(text)
        state.anchors_with_text.update(state.open_anchors.values())
        for key in self.open_comments:
            self.passages.setdefault(key, []).append(text)
        if state.labelling:
            run = element.getparent()
            style = run.find(f"{W}rPr/{W}rStyle") if run is not None else None
            if style is not None and style.get(f"{W}val") in self.speaker_styles:
                state.out.label += text
            elif text.strip():
                state.labelling = False


class _ParagraphState:
    def __init__(self, out: WordParagraph) -> None:
        self.out = out
        self.accepted: list[str] = []
        self.rejected: list[str] = []
        self.open_anchors: dict[str, str] = {}  # bookmark id -> name
        self.anchor_order: list[str] = []
        self.anchors_with_text: set[str] = set()
        self.labelling = True  # still at the start, where a turn's label stands


def _is_contents_control(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and (gallery.get(f"{W}val") or "").lower().startswith("table of contents")
