"""The differences between the Word file as built and as edited, each at its source's ``path:line``."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..conventions import read_source_anchor
from .align import Pair, align
from .built import Built
from .sources import SourceFile
from .word import Comment, Revision, WordFile, WordParagraph
from .words import normal, same

#: What each kind of edit is called in the report.
TITLES = {
    "text": "text changed", "heading": "heading renamed", "footnote": "footnote changed",
    "turn": "Q&A turn edited", "speaker": "speaker label changed", "added": "paragraph added",
    "removed": "paragraph removed", "footnote-added": "footnote added", "footnote-removed": "footnote removed",
    "moved": "paragraph moved", "joined": "paragraphs joined", "split": "paragraph split",
    "tracked": "tracked changes", "comment": "comment",
}


@dataclass(frozen=True)
class Place:
    path: str  # the source as messages name it; the book's manifest or folder for the book's own text
    line: int
    tag: str = ""  # the source's anchor tag ("" for the book's own text)
    exact: bool = False  # the paragraph's own anchor, not a neighbour's


@dataclass
class Edit:
    place: Place
    kind: str  # a key of TITLES
    old: str = ""
    new: str = ""
    anchor: str = ""  # the anchor of the paragraph changed, when its place in the source is exact
    label: str = ""  # a Q&A turn's speaker label, left as it is
    where: str = ""  # "after" (an added paragraph), "near" (a paragraph no source line is known for)
    revisions: list[Revision] = field(default_factory=list)
    accepted: str = ""
    rejected: str = ""
    comment: Comment | None = None
    status: str = ""  # "applied", "applicable", "not applied"
    reason: str = ""  # why it is not applied

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def find_edits(built: Built, edited: WordFile, sources: dict[str, SourceFile], book_place: Place) -> list[Edit]:
    finder = _Finder(built, edited, sources, book_place)
    return finder.edits()


class _Finder:
    def __init__(self, built: Built, edited: WordFile, sources: dict[str, SourceFile], book_place: Place) -> None:
        self.built = built
        self.edited = edited
        self.sources = sources
        self.book_place = book_place
        self.body = align(built.word.body, edited.body)
        self.notes = align(built.word.notes, edited.notes)
        self.out: list[Edit] = []

    def edits(self) -> list[Edit]:
        for story, note in ((self.body, False), (self.notes, True)):
            for pair in story:
                self._pair(pair, story, note)
        self._comments()
        return self.out

    # -- places ------------------------------------------------------------------

    def place_of(self, paragraph: WordParagraph) -> Place:
        """Where a paragraph as built comes from: its anchor, else the nearest anchored one before
        it in its article (a title, a byline, a table cell...), else the article's first line."""
        if paragraph.anchors:
            return self._anchor_place(paragraph.anchors[0], exact=True)
        if paragraph.story == "notes":
            referring = next((p for p in self.built.word.body if paragraph.note in p.note_refs), None)
            return self.place_of(referring) if referring is not None else self.book_place
        article = self.built.article_of[paragraph.index]
        if article is None or article.pos is None:
            return self.book_place
        for before in reversed(self.built.word.body[:paragraph.index]):
            if self.built.article_of[before.index] is not article:
                break
            if before.anchors:
                return self._anchor_place(before.anchors[0], exact=False)
        return self._anchor_place_of_path(article.pos.path, article.pos.line)

    def _anchor_place(self, anchor: str, *, exact: bool) -> Place:
        tag, line = read_source_anchor(anchor) or ("", 1)
        source = self.sources.get(tag)
        return Place(source.shown, line, tag, exact) if source is not None else self.book_place

    def _anchor_place_of_path(self, path: str, line: int) -> Place:
        found = next((s for s in self.sources.values() if s.shown == path), None)
        return Place(found.shown, line, found.tag) if found is not None else self.book_place

    def _added_place(self, paragraph: WordParagraph, story: list[Pair]) -> Place:
        """An added paragraph goes after the nearest paragraph before it that was there as built."""
        if paragraph.story == "notes":
            referring = next((p for p in self.edited.body if paragraph.note in p.note_refs), None)
            return self._edited_place(referring, self.body) if referring is not None else self.book_place
        before = [p for p in story if p.edited is not None and p.built is not None
                  and p.edited.index < paragraph.index]
        if before:
            nearest = max(before, key=lambda p: p.edited.index if p.edited is not None else -1)
            assert nearest.built is not None
            return self.place_of(nearest.built)
        return self.book_place

    def _edited_place(self, paragraph: WordParagraph, story: list[Pair]) -> Place:
        pair = next((p for p in story if p.edited is paragraph), None)
        if pair is not None and pair.built is not None:
            return self.place_of(pair.built)
        return self._added_place(paragraph, story)

    # -- edits -------------------------------------------------------------------

    def _pair(self, pair: Pair, story: list[Pair], note: bool) -> None:
        built, edited = pair.built, pair.edited
        if built is None:
            assert edited is not None
            if not edited.gone:
                self._add(Edit(self._added_place(edited, story), "footnote-added" if note else "added",
                               new=normal(edited.accepted), where="after"), edited)
            return
        place = self.place_of(built)
        old = normal(built.accepted)
        if edited is None or edited.gone:
            edit = Edit(place, "footnote-removed" if note else "removed", old=old, where="" if place.exact else "near")
            self._add(edit, edited)
            return
        new = normal(edited.accepted)
        if pair.joined:
            old = " ".join([old, *(normal(p.accepted) for p in pair.joined)])
            self._add(Edit(place, "joined", old=old, new=new), edited)
            return
        if edited.split:  # what follows it is reported as a paragraph added after it
            self._add(Edit(place, "split", old=old, new=new), edited)
            return
        if pair.moved:
            self._add(Edit(place, "moved", old=old, new=new), None)
        kind, label = self._kind(built, note), normal(built.label)
        if label:
            if not new.startswith(label):
                self._add(Edit(place, "speaker", old=old, new=new, label=label), edited)
                return
            old, new = normal(old[len(label):]), normal(new[len(label):])
        exact = place.exact and pair.by_anchor and not pair.moved
        if not same(old, new):
            self._add(Edit(place, kind, old=old, new=new, label=label, anchor=built.anchors[0] if exact else "",
                           where="" if place.exact else "near"), edited)
        elif edited.revisions:
            self._add(Edit(place, "tracked", old=old, new=new, where="" if place.exact else "near"), edited)

    def _kind(self, built: WordParagraph, note: bool) -> str:
        if note:
            return "footnote"
        if built.label:
            return "turn"
        return "heading" if built.anchors and self.built.kind(built.anchors[0]) == "heading" else "text"

    def _add(self, edit: Edit, edited: WordParagraph | None) -> None:
        if edited is not None and edited.revisions:
            edit.revisions = list(edited.revisions)
            if any(r.text for r in edited.revisions):
                edit.accepted, edit.rejected = normal(edited.accepted), normal(edited.rejected)
        self.out.append(edit)

    def _comments(self) -> None:
        placed: set[str] = set()
        for story in (self.body, self.notes):
            for pair in story:
                paragraph = pair.edited
                if paragraph is None:
                    continue
                for key in paragraph.comments:
                    comment = self.edited.comments.get(key)
                    if comment is None or key in placed:
                        continue
                    placed.add(key)
                    place = self._edited_place(paragraph, story)
                    self.out.append(Edit(place, "comment", comment=comment,
                                         where="" if place.exact and pair.built is not None else "near"))
        for key, comment in self.edited.comments.items():
            if key not in placed:  # a comment anchored nowhere in the text
                self.out.append(Edit(self.book_place, "comment", comment=comment, where="near"))
