"""The report of ``publish absorb``: source by source, each edit at ``path:line``, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .edits import Edit
from .sources import SourceFile
from .word import Revision
from .words import excerpt, word_diff

#: Longest passage quoted whole in the text report.
QUOTED = 240


@dataclass
class Report:
    edited: str
    source: str
    record: str | None  # the build record read, if any
    applying: bool
    sources: list[SourceFile]
    edits: list[Edit]
    #: Sources not in the build record: added since the Word file was made, so not compared.
    skipped: list[str] = field(default_factory=list)
    #: What else the reader should know (an unreadable record...).
    notes: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(1 for e in self.edits if e.status in ("applied", "applicable"))

    def groups(self) -> list[tuple[str, SourceFile | None, list[Edit]]]:
        """Edits by source, in the book's order, each sorted by line; the book's own text last."""
        order = {s.shown: i for i, s in enumerate(self.sources)}
        by_path: dict[str, list[Edit]] = {}
        for edit in self.edits:
            by_path.setdefault(edit.place.path, []).append(edit)
        known = {s.shown: s for s in self.sources}
        paths = sorted(by_path, key=lambda p: order.get(p, len(order)))
        return [(p, known.get(p), sorted(by_path[p], key=lambda e: (e.place.line, e.where == "after")))
                for p in paths]


def as_text(report: Report) -> str:
    lines = [f"publish absorb: {report.edited}, compared with the build of {report.source}"
             + (f" (record {report.record})" if report.record else " (no build record)")]
    lines += [f"  note: {note}" for note in report.notes]
    lines += [f"  not compared (not in the build record, added since): {path}" for path in report.skipped]
    for path, source, edits in report.groups():
        rewritten = any(e.status == "applied" for e in edits)
        lines += ["", f"{path}: {_count(len(edits), 'edit')}{_state(source, rewritten)}"]
        for edit in edits:
            lines += _edit_lines(edit, report.applying)
    done = report.applied
    verb = "applied" if report.applying else "can be applied with --apply"
    summary = (f"{_count(len(report.edits), 'edit')} in {_count(len(report.groups()), 'source')}; "
               f"{done} {verb}, {len(report.edits) - done} left for you") if report.edits else "nothing to absorb"
    lines += ["", f"publish absorb: {summary}"]
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _state(source: SourceFile | None, rewritten: bool) -> str:
    if source is None:
        return " (the book's own text: the cover, the contents, the back matter)"
    if source.reader == "docx":
        return " (a Word document: reported, never rewritten)"
    if rewritten:
        return " (rewritten by --apply)"
    changed = source.changed_since_build
    return {True: " (CHANGED since the build that made the Word file)", False: " (unchanged since the build)",
            None: ""}[changed]


def _quote(text: str) -> str:
    return "“" + (text if len(text) <= QUOTED else text[:QUOTED - 1] + "…") + "”"


def _edit_lines(edit: Edit, applying: bool) -> list[str]:
    where = f"{edit.place.path}:{edit.place.line}"
    title = edit.title + {"after": " after this line", "near": " near this line"}.get(edit.where, "")
    if edit.kind in ("added", "removed", "footnote-added", "footnote-removed"):
        head = f"{where}: {title}: {_quote(edit.new or edit.old)}"
    elif edit.kind == "comment" and edit.comment is not None:
        comment = edit.comment
        by = f" by {comment.author or 'an unnamed author'}" + (f" ({comment.date})" if comment.date else "")
        on = f", on {_quote(comment.passage)}" if comment.passage else ""
        head = f"{where}: comment{by}: {_quote(comment.text)}{on}"
    elif edit.kind == "tracked":
        what = "the source has the text as accepted" if edit.accepted else "formatting only"
        head = f"{where}: {title} ({what})"
    else:
        speaker = f" ({edit.label})" if edit.label and edit.kind == "turn" else ""
        head = f"{where}: {title}{speaker}: {word_diff(edit.old, edit.new)}"
    out = [head]
    out += [f"    tracked: {_revision(r)}" for r in edit.revisions]
    if edit.accepted or edit.rejected:
        out += [f"    accepted: {excerpt(edit.accepted, edit.rejected)}",
                f"    rejected: {excerpt(edit.rejected, edit.accepted)}"]
    if edit.status in ("applied", "applicable"):
        taken = " (tracked changes taken as accepted)" if edit.revisions else ""
        out.append(f"    → {'applied' if applying else '--apply would write this'}{taken}")
    elif edit.reason and (applying or edit.kind not in ("comment",)):
        out.append(f"    → {'not applied' if applying else 'left for you'}: {edit.reason}")
    return out


def _revision(revision: Revision) -> str:
    text = f" {_quote(revision.text)}" if revision.text else ""
    by = revision.author or "an unnamed author"
    return f"{revision.kind}{text} by {by}" + (f", {revision.date}" if revision.date else "")


def as_json(report: Report) -> str:
    groups = []
    for path, source, edits in report.groups():
        groups.append({
            "path": path,
            "reader": source.reader if source else None,
            "changed_since_build": source.changed_since_build if source else None,
            "edits": [_edit_json(e) for e in edits],
        })
    document: dict[str, Any] = {
        "edited": report.edited, "source": report.source, "record": report.record, "apply": report.applying,
        "sources": groups, "skipped": report.skipped, "notes": report.notes,
        "summary": {"edits": len(report.edits), "applied" if report.applying else "applicable": report.applied},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _edit_json(edit: Edit) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line": edit.place.line, "kind": edit.kind, "title": edit.title, "exact": edit.place.exact,
        "where": edit.where or None, "old": edit.old, "new": edit.new,
        "diff": word_diff(edit.old, edit.new) if edit.kind not in ("comment",) else None,
        "label": edit.label or None, "status": edit.status or "not applied", "reason": edit.reason or None,
        "tracked": [{"kind": r.kind, "author": r.author, "date": r.date or None, "text": r.text}
                    for r in edit.revisions],
    }
    if edit.accepted or edit.rejected:
        out.update(accepted=edit.accepted, rejected=edit.rejected)
    if edit.comment is not None:
        c = edit.comment
        out["comment"] = {"author": c.author, "date": c.date or None, "text": c.text, "passage": c.passage}
    return out
