"""``--apply``: the edits whose place in a source is exact, written back into it.

An edit is applied when the paragraph's anchor gives its first source line, the source
is Markdown or an event summary whose bytes are those the build record holds, and the
changed words map onto source text with no markup inside them.  Before anything is
written, the changed sources are built once more, from copies: every applied paragraph
must come out as the edited Word file has it, and every other paragraph as it was; an
edit that fails this is left in the report (``recheck``).  The writes are atomic, the original bytes
are kept, and if one write fails the sources already written are put back.
"""

from __future__ import annotations

import difflib
import itertools
import re

from ..build.output import write_atomic
from ..conventions import read_source_anchor
from ..sources.manifest import Manifest
from .built import Built
from .edits import Edit
from .markup import Replacement, Visible, paragraph_range, visible
from .recheck import verify
from .sources import SourceFile
from .word import WordParagraph
from .words import changed_spans, fold, normal

#: The kinds of edit that are text inside a known paragraph.
TEXT_KINDS = ("text", "heading", "footnote", "turn")
_WHY = {
    "added": "a paragraph added is left for you to place in the source",
    "removed": "a paragraph removed is left for you to delete from the source",
    "footnote-added": "a footnote added is left for you to write in the source",
    "footnote-removed": "a footnote removed is left for you to delete from the source",
    "moved": "a paragraph moved is left for you to move in the source",
    "joined": "paragraphs joined are left for you to join in the source",
    "split": "a paragraph split in two is left for you to split in the source",
    "speaker": "a speaker label is left for you to change in the source",
    "comment": "a comment is for you to act on",
    "tracked": "no text to change: tracked changes are resolved in Word, formatting is not carried back",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_SPACES = re.compile(r"\s+")


class ApplyError(Exception):
    """A write failed; every source is as it was (or the message says which is not)."""


def plan(edits: list[Edit], sources: dict[str, SourceFile], built: Built, manifest: Manifest) -> dict[str, str]:
    """Mark each edit "applicable" or "not applied" (with the reason); the new text of each
    source that changes, by tag."""
    candidates: dict[str, dict[int, list[Edit]]] = {}
    places = _places(built)
    for edit in edits:
        reason = _reason(edit, sources)
        if reason:
            edit.status, edit.reason = "not applied", reason
            continue
        tag, line = read_source_anchor(edit.anchor) or ("", 0)
        candidates.setdefault(tag, {}).setdefault(line, []).append(edit)
    rewritten: dict[str, tuple[str, list[Replacement]]] = {}
    pending = list(candidates)
    while pending:  # each round leaves out the edits the check failed, until none fails
        for tag in pending:
            rewritten[tag] = _rewrite(sources[tag], candidates[tag], places)
        rewritten = {tag: done for tag, done in rewritten.items() if done[1]}
        pending = sorted(verify(rewritten, candidates, sources, built, manifest)) if rewritten else []
    return {tag: text for tag, (text, _) in rewritten.items()}


def _reason(edit: Edit, sources: dict[str, SourceFile]) -> str:
    if edit.kind not in TEXT_KINDS:
        return _WHY[edit.kind]
    if not edit.anchor:
        return "not from a source paragraph (a title, byline, table cell, caption, or the book's own text)"
    source = sources.get(edit.place.tag)
    if source is None:
        return "no such source"
    if not source.writable:
        return "a Word document source is not rewritten"
    if source.shared_tag:
        return f"several sources are named {source.path.name}: which one this paragraph is from is not known"
    if source.changed_since_build:
        return "the source has changed since the build that made this Word file"
    if not normal(edit.new):
        return "the paragraph would be empty: delete it in the source"
    return ""


def _places(built: Built) -> dict[tuple[str, int], list[WordParagraph]]:
    """The paragraphs as built by (source tag, line)."""
    out: dict[tuple[str, int], list[WordParagraph]] = {}
    for paragraph in (*built.word.body, *built.word.notes):
        for anchor in paragraph.anchors:
            place = read_source_anchor(anchor)
            if place is not None:
                out.setdefault(place, []).append(paragraph)
    return out


def _rewrite(source: SourceFile, by_line: dict[int, list[Edit]],
             places: dict[tuple[str, int], list[WordParagraph]]) -> tuple[str, list[Replacement]]:
    """The source's text with the still-applicable edits made (each paragraph all or nothing),
    and the replacements made."""
    text = source.data.decode("utf-8")  # it built, so it is UTF-8
    changes: list[Replacement] = []
    for line, edits in sorted(by_line.items()):
        live = [e for e in edits if e.status != "not applied"]
        if not live:
            continue
        reason = _conflict(places.get((source.tag, line), []), live)
        replacements: list[Replacement] = []
        if not reason:
            reason, replacements = _place(text, line, live[0], source.reader)
        if reason:
            for edit in live:
                edit.status, edit.reason = "not applied", reason
            continue
        for edit in live:
            edit.status = "applicable"
        changes += replacements
    new_text = text
    for start, end, new in sorted(changes, reverse=True):
        new_text = new_text[:start] + new + new_text[end:]
    return new_text, changes


def _conflict(paragraphs: list[WordParagraph], edits: list[Edit]) -> str:
    """Why one source line cannot take these edits: it made several different paragraphs, or
    its copies (a bio shown twice) were edited differently."""
    olds = {fold(normal(_without_label(p))) for p in paragraphs}
    if len(olds) > 1:
        return "this source line gives several paragraphs; which words are whose is not known"
    if len({fold(normal(e.new)) for e in edits}) > 1:
        return "the paragraph appears more than once in the Word file, and its copies were edited differently"
    return ""


def _without_label(paragraph: WordParagraph) -> str:
    text, label = normal(paragraph.accepted), normal(paragraph.label)
    return text[len(label):] if label and text.startswith(label) else text


def _place(text: str, line: int, edit: Edit, reader: str) -> tuple[str, list[Replacement]]:
    """The source ranges of an edit's changed words and what replaces each, or why there are none."""
    start, end = paragraph_range(text, line, reader)
    shown = visible(text, start, end, reader)
    old, new = normal(edit.old), normal(edit.new)
    aligned = _aligned(shown, old)
    out: list[Replacement] = []
    for begin, stop, replacement in changed_spans(old, new):
        if begin == stop:  # an insertion: after the character before it, else before the first
            before = aligned[begin - 1] if begin else None
            first = aligned[0] if not begin and aligned else None
            if before is None and first is None:
                return "the place of the added words is not found in the source", []
            at = shown.ends[before] if before is not None else shown.starts[first]  # type: ignore[index]
            out.append((at, at, _styled(replacement, text, reader)))
            continue
        indexes = [i for i in aligned[begin:stop] if i is not None]
        if len(indexes) < stop - begin or any(b != a + 1 for a, b in itertools.pairwise(indexes)):
            return f"the words “{old[begin:stop]}” are not in the source as they were rendered", []
        first_v, last_v = indexes[0], indexes[-1]
        for a in range(first_v, last_v):
            between = text[shown.ends[a]:shown.starts[a + 1]]
            if between:
                return f"the change would cross the source's markup “{between.strip() or between}”", []
        s1, s2 = shown.starts[first_v], shown.ends[last_v]
        if not replacement and _markup_at(shown, s1, before=True) and _markup_at(shown, s2, before=False):
            return "the change would leave empty markup (emphasis or a link with no text)", []
        out.append((s1, s2, _styled(replacement, text, reader)))
    return "", out


def _aligned(shown: Visible, old: str) -> list[int | None]:
    """For each character of ``old``, the visible source character it is, or None."""
    out: list[int | None] = [None] * len(old)
    matcher = difflib.SequenceMatcher(None, fold(shown.string()), fold(old), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            out[block.b + k] = block.a + k
    return out


def _markup_at(shown: Visible, offset: int, *, before: bool) -> bool:
    """Whether markup (not text, not the paragraph's edge) touches ``offset`` on that side."""
    if before:
        return offset > shown.starts[0] and offset not in shown.ends
    return offset < shown.ends[-1] and offset not in shown.starts


def _styled(replacement: str, source: str, reader: str) -> str:
    """Words from Word as the source writes them: its quotes and dashes, Markdown escaped."""
    text = _SPACES.sub(" ", replacement)
    for curly, ascii_form, pattern in (("“”„", '"', r'"'), ("‘’‚", "'", r"'")):
        if re.search(pattern, source) and not any(c in source for c in curly):
            text = re.sub(f"[{curly}]", ascii_form, text)
    for unicode_form, ascii_form, pattern in (("—", "---", r"[^-\n]---|---[^-\n]"), ("–", "--", r"[^-\n]--[^-\n]"),
                                              ("…", "...", r"\.\.\.")):
        if re.search(pattern, source) and unicode_form not in source:
            text = text.replace(unicode_form, ascii_form)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if reader == "markdown" else text


# -- writing -------------------------------------------------------------------------


def write_sources(texts: dict[str, str], sources: dict[str, SourceFile]) -> list[SourceFile]:
    """Write each changed source atomically; if one write fails, put back those written."""
    written: list[SourceFile] = []
    for tag, text in texts.items():
        source = sources[tag]
        try:
            if source.path.read_bytes() != source.data:
                raise ApplyError(f"{source.shown}:1:1: error: changed while absorb ran; nothing was written")
            write_atomic(source.path, text.encode("utf-8"))
        except (OSError, ApplyError) as exc:
            lost = _restore(written)
            message = str(exc) if isinstance(exc, ApplyError) else \
                f"{source.shown}:1:1: error: cannot write: {exc}; the sources written before it were put back"
            if lost:
                message += "; could not put back " + ", ".join(lost)
            raise ApplyError(message) from None
        written.append(source)
    return written


def _restore(written: list[SourceFile]) -> list[str]:
    lost = []
    for source in written:
        try:
            write_atomic(source.path, source.data)
        except OSError:
            lost.append(source.shown)
    return lost
