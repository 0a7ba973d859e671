"""``publish absorb``: one run, from the edited Word file to the report (and the writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..conventions import read_source_anchor
from ..diagnostics import Diagnostic, InputError
from ..model.nodes import Pos
from ..sources.manifest import locate
from .apply import ApplyError, plan, write_sources
from .built import Built, build_word
from .edits import Edit, Place, find_edits
from .report import Report
from .sources import Record, RecordError, SourceFile, book_sources, read_record, record_path
from .word import MAX_FILE_BYTES, NotAbsorbable, WordFile, read_word

EXIT_OK, EXIT_DIFFERENCES = 0, 1


@dataclass
class Outcome:
    report: Report
    status: int
    #: For stderr, as ``path:line:col: error|warning: text``: a refused or failed --apply, a
    #: build record that is missing or does not match.
    messages: list[str] = field(default_factory=list)


def absorb(edited_path: Path, source: Path, outdir: Path, *, apply: bool = False) -> Outcome:
    """Compare the edited Word file with the one the build makes from SOURCE now; with
    ``apply``, write the exact text edits back.  Raises InputError for bad input (exit 2)."""
    where = Pos(str(edited_path))
    edited = _read(edited_path, where)
    manifest = locate(source)
    built = build_word(manifest)
    record_file = record_path(outdir, built.book.meta.slug)
    messages: list[Diagnostic] = []
    record = _record(record_file, source, outdir, apply, messages)
    sources = book_sources(manifest, record)
    tags = {place[0] for p in (*edited.body, *edited.notes) for a in p.anchors if (place := read_source_anchor(a))}
    if not tags & set(sources):
        raise InputError(where, f"this Word file was made from other sources than those of {source}: "
                         "none of its paragraphs comes from them")
    _check_sources(built, record, record_file, sources, messages)
    skipped = [s.shown for s in sources.values() if record is not None and s.recorded is None]
    book_place = Place(str(manifest.path or manifest.root), 1)
    edits = [e for e in find_edits(built, edited, sources, book_place) if e.place.path not in skipped]
    report = Report(str(edited_path), str(source), str(record_file) if record is not None else None, apply,
                    list(sources.values()), edits, skipped, [d.message for d in messages])
    texts = plan(edits, sources, built, manifest)
    changed = [s for s in sources.values() if s.changed_since_build]
    if apply and changed:
        messages += [Diagnostic("error", Pos(s.shown), "changed since the build that made the Word file (its bytes "
                                "differ from the build record's): --apply refuses to write") for s in changed]
        _not_applied(edits, "another source has changed since the build: nothing was written")
    elif apply and texts:
        try:
            write_sources(texts, sources)
        except ApplyError as exc:
            _not_applied(edits, "a write failed: every source was put back")
            return Outcome(report, EXIT_DIFFERENCES, [*map(str, messages), str(exc)])
        for edit in edits:
            if edit.status == "applicable":
                edit.status = "applied"
    left = [e for e in edits if e.status != "applied"]
    return Outcome(report, EXIT_DIFFERENCES if left else EXIT_OK, [str(d) for d in messages])


def _read(path: Path, where: Pos) -> WordFile:
    try:
        if not path.is_file():
            raise InputError(where, "no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(where, f"the file is over {MAX_FILE_BYTES // (1024 * 1024)} MiB: "
                             "not a briefing's Word file")
        edited = read_word(path.read_bytes())
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror}") from None
    except NotAbsorbable as exc:
        raise InputError(where, str(exc)) from None
    if not edited.anchored():
        raise InputError(where, "no source anchors: this Word file was not written by publish build "
                         "(or its hidden _S bookmarks were removed), so its paragraphs cannot be traced to sources")
    return edited


def _record(path: Path, source: Path, outdir: Path, apply: bool, messages: list[Diagnostic]) -> Record | None:
    """The build record: --apply needs it; a report goes on without it, and says so."""
    try:
        record = read_record(path)
    except RecordError as exc:
        if apply:
            raise InputError(Pos(str(path)), str(exc)) from None
        messages.append(Diagnostic("warning", Pos(str(path)), f"{exc}: whether the sources changed since the "
                                   "build is not known"))
        return None
    if record is None:
        if apply:
            raise InputError(Pos(str(path)), "no build record: --apply needs the record of the build that made "
                             f"the Word file (publish build {source} -o {outdir} writes it)")
        messages.append(Diagnostic("warning", Pos(str(path)), "no build record: whether the sources changed since "
                                   "the Word file was made is not known"))
    return record


def _check_sources(built: Built, record: Record | None, record_file: Path, sources: dict[str, SourceFile],
                   messages: list[Diagnostic]) -> None:
    """What the reader of the report should know about the sources and the build."""
    recorded_docx = record.outputs.get(f"{built.book.meta.slug}.docx") if record is not None else None
    if recorded_docx and recorded_docx != built.sha256 and not any(s.changed_since_build for s in sources.values()):
        messages.append(Diagnostic("warning", Pos(str(record_file)), (
            "the Word file built now is not byte for byte the one this record lists, though the sources are the "
            "same: the toolkit, the theme or SOURCE_DATE_EPOCH differ from that build's, and a difference "
            "reported may come from that rather than from an editor")))
    messages += [Diagnostic("warning", Pos(s.shown), (
        f"several sources are named {s.path.name}: the Word file's anchors name a source by its file name, so "
        "their paragraphs are reported under the first, and none of them is rewritten"))
        for s in sources.values() if s.shared_tag]


def _not_applied(edits: list[Edit], reason: str) -> None:
    for edit in edits:
        if edit.status == "applicable":
            edit.status, edit.reason = "not applied", reason
