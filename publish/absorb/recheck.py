"""The check before --apply writes: the changed sources built once more, from copies.

Every paragraph an edit was applied to must come out as the edited Word file has it,
every other paragraph of the source as it was, and every ``#id`` link must still lead
somewhere.  An edit that fails is marked "not applied" with the reason, and the source
is rewritten without it.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..conventions import cross_reference, read_source_anchor, source_tag
from ..model import nodes as m
from ..model.walk import iter_nodes
from ..sources.manifest import Manifest
from .built import Built, build_word
from .edits import Edit
from .markup import Replacement, line_starts
from .sources import SourceFile
from .words import normal, same


def verify(rewritten: dict[str, tuple[str, list[Replacement]]], candidates: dict[str, dict[int, list[Edit]]],
           sources: dict[str, SourceFile], built: Built, manifest: Manifest) -> set[str]:
    """The tags of the sources whose rewritten text does not build to the edited paragraphs
    (their failing edits marked); empty when all do."""
    texts = {tag: text for tag, (text, _) in rewritten.items()}
    lines = {tag: _line_map(sources[tag].data.decode("utf-8"), changes) for tag, (_, changes) in rewritten.items()}
    with tempfile.TemporaryDirectory(prefix="publish-absorb-") as scratch:
        entries = []
        for index, entry in enumerate(manifest.sources):
            tag = source_tag(str(entry.path))
            if tag in texts:
                copy = Path(scratch) / str(index) / entry.path.name  # the same name: the same anchors
                copy.parent.mkdir()
                copy.write_bytes(texts[tag].encode("utf-8"))
                entry = dataclasses.replace(entry, path=copy)
            entries.append(entry)
        try:
            rebuilt = build_word(dataclasses.replace(manifest, sources=tuple(entries)))
        except Exception as exc:  # whatever stops the build stops these edits, not the report
            for tag in texts:
                _fail(_all(candidates[tag]), f"the source would not build ({type(exc).__name__}: {exc})")
            return set(texts)
    failed: set[str] = set()
    now = {_key(a): p for p in (*rebuilt.word.body, *rebuilt.word.notes) for a in p.anchors}
    for paragraph in (*built.word.body, *built.word.notes):
        for anchor in paragraph.anchors:
            tag, line = read_source_anchor(anchor) or ("", 0)
            if tag not in texts:
                continue
            moved = (tag, lines[tag](line), _key(anchor)[2])
            live = [e for e in candidates[tag].get(line, []) if e.status == "applicable"]
            expected = " ".join([normal(paragraph.label), normal(live[0].new)]) if live else paragraph.accepted
            got = now.get(moved)
            if got is not None and same(got.accepted, expected):
                continue
            failed.add(tag)
            _fail(live or _all(candidates[tag]), "rebuilding the source would not give the edited text"
                  if live else "it would change another paragraph of the source")
    for tag in _broken_links(built.book, rebuilt.book) & set(texts):
        failed.add(tag)
        _fail([e for e in _all(candidates[tag]) if e.kind == "heading"] or _all(candidates[tag]),
              "links lead to this heading by its id, which the new title would change")
    return failed


def _key(anchor: str) -> tuple[str, int, str]:
    """(source tag, line, ordinal) of an anchor."""
    tag, line = read_source_anchor(anchor) or ("", 0)
    return tag, line, anchor.rsplit("_", 1)[-1]


def _all(by_line: dict[int, list[Edit]]) -> list[Edit]:
    return [e for edits in by_line.values() for e in edits if e.status == "applicable"]


def _fail(edits: list[Edit], reason: str) -> None:
    for edit in edits:
        edit.status, edit.reason = "not applied", reason


def _broken_links(before: m.Book, after: m.Book) -> set[str]:
    """Tags of the sources where an id that a ``#id`` link leads to is gone."""
    def ids(book: m.Book) -> dict[str, str]:
        return {n.id: source_tag(n.pos.path) for n in iter_nodes(book.articles)
                if isinstance(n, m.Heading) and n.id and n.pos is not None}

    targets = {cross_reference(n.target) for n in iter_nodes(before.articles) if isinstance(n, m.Link)}
    had, has = ids(before), ids(after)
    return {had[t] for t in targets if t in had and t not in has}


def _line_map(text: str, changes: list[Replacement]) -> Callable[[int], int]:
    """Where each line of ``text`` is once ``changes`` are made: a change that takes out a
    line break (words deleted across two lines) moves the lines after it up."""
    starts = line_starts(text)
    removed = sorted((end, len(line_starts(text[start:end])) - 1) for start, end, _ in changes)

    def moved(line: int) -> int:
        offset = starts[line - 1] if line <= len(starts) else len(text)
        return line - sum(count for end, count in removed if end <= offset)

    return moved
