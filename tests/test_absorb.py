"""publish absorb: a colleague's edits in the briefing's Word file, traced back to the sources.

The Word files are made here, at test time: the briefing built from ``tests/absorb/sources``,
then edited by LibreOffice itself (a Basic macro, ``tests/absorb/edit.bas``) and by lxml
writing the XML as Word writes it (``w:rsid*`` attributes, words split across runs,
``w:proofErr``, smart tags, content controls, a localised style).
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from publish.absorb.word import read_word
from publish.absorb.words import same
from publish.api import BuildOptions, build
from publish.build.workers import LocalExecutor
from publish.cli import main
from publish.conventions import source_anchor, source_tag
from publish.diagnostics import Reporter

from .conftest import TESTS
from .libreoffice import soffice

FIXTURE = TESTS / "absorb"
MD = "2025-11-13-alliance-stability.md"
TXT = "2025-10-23-economic-security-seminar.txt"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
TEXT_KINDS = {"text", "heading", "footnote", "turn"}


# -- the briefing, built ------------------------------------------------------------------


@pytest.fixture
def briefing(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(content folder, output folder, the Word file the build wrote) in tmp_path."""
    content, dist = tmp_path / "content", tmp_path / "dist"
    shutil.copytree(FIXTURE / "sources", content)
    return content, dist, build_docx(content, dist)


def build_docx(content: Path, dist: Path) -> Path:
    options = BuildOptions(formats=["docx"], use_cache=False, executor=LocalExecutor(1))
    written = build(content, dist, options, Reporter(stream=None))
    return next(p for p in written if p.suffix == ".docx")


def absorb(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    status = main(["absorb", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def report(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, list[dict], str]:
    """The JSON report's edits, each with its source's file name as "file"."""
    status, out, err = absorb(capsys, *args, "--format", "json")
    document = json.loads(out)
    edits = [dict(edit, file=Path(group["path"]).name) for group in document["sources"] for edit in group["edits"]]
    return status, edits, err


def find(edits: list[dict], file: str, line: int, kind: str) -> dict:
    found = [e for e in edits if e["file"] == file and e["line"] == line and e["kind"] == kind]
    assert len(found) == 1, (file, line, kind, edits)
    return found[0]


# -- no edits -------------------------------------------------------------------------------


def test_the_word_file_as_built_has_nothing_to_absorb(briefing, capsys) -> None:
    content, dist, docx = briefing
    status, out, err = absorb(capsys, docx, content, "-o", dist)
    assert (status, err) == (0, "")
    assert out.rstrip().endswith("publish absorb: nothing to absorb")
    status, out, _ = absorb(capsys, docx, content, "-o", dist, "--apply")
    assert status == 0
    assert (content / MD).read_bytes() == (FIXTURE / "sources" / MD).read_bytes()


# -- edits made by LibreOffice ------------------------------------------------------------------


def libreoffice_profile(folder: Path) -> str:
    """A LibreOffice profile of the test's own, holding the macro and the name of the user
    whose tracked changes LibreOffice records."""
    url = f"file://{folder}"
    subprocess.run([soffice(), f"-env:UserInstallation={url}", "--headless", "--terminate_after_init"],
                   check=True, capture_output=True, timeout=120)
    module = folder / "user" / "basic" / "Standard" / "Module1.xba"
    module.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">'
        + escape((FIXTURE / "edit.bas").read_text()) + "</script:module>\n")
    registry = folder / "user" / "registrymodifications.xcu"
    user = "".join(f'<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="{key}" oor:op="fuse">'
                   f"<value>{value}</value></prop></item>\n" for key, value in (("givenname", "Tom"), ("sn", "Tracker")))
    registry.write_text(registry.read_text().replace("</oor:items>", user + "</oor:items>"))
    return url


def run_macro(profile: str, macro: str, *args: str, timeout: float = 180) -> None:
    """Run a macro of the profile in a headless LibreOffice of its own; ``args[1]`` is the file it writes."""
    quoted = ",".join(f'"{arg}"' for arg in args)
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
               f"macro:///Standard.Module1.{macro}({quoted})"]
    # a session of its own, so that a LibreOffice that hangs is stopped with every process it started
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"LibreOffice did not finish {macro} in {timeout:.0f} s")
    failure = Path(args[1] + ".error")
    assert not failure.exists(), failure.read_text()
    assert process.returncode == 0, stderr
    assert Path(args[1]).is_file(), stderr


def test_edits_made_in_libreoffice_are_reported_at_their_source_lines_and_applied(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    profile = libreoffice_profile(tmp_path / "profile")
    resaved, edited = tmp_path / "resaved.docx", tmp_path / "edited.docx"
    run_macro(profile, "Resave", str(docx), str(resaved))
    run_macro(profile, "Edit", str(docx), str(edited), "borders", "oceans", "Ministers will meet again",
              "real", "steady", "Invest at home", "Is this still the plan?")

    status, out, _ = absorb(capsys, resaved, content, "-o", dist)  # LibreOffice alone changes no text
    assert status == 0, out

    status, edits, _ = report(capsys, edited, content, "-o", dist)
    assert status == 1
    word = find(edits, TXT, 14, "text")
    assert word["diff"].startswith("Supply chains cross [-borders-]{+oceans+} and break")
    assert word["status"] == "applicable"
    assert find(edits, MD, 15, "removed")["old"] == "Ministers will meet again in the spring."
    tracked = find(edits, MD, 13, "text")
    assert "slow but [-real-]{+steady+} progress" in tracked["diff"]
    assert [(r["kind"], r["author"], r["text"]) for r in tracked["tracked"]] == [
        ("deleted", "Tom Tracker", "real"), ("inserted", "Tom Tracker", "steady")]
    assert all(r["date"] for r in tracked["tracked"])
    assert tracked["accepted"] == "The defence talks made slow but steady progress on procurement."
    assert tracked["rejected"] == "The defence talks made slow but real progress on procurement."
    comment = find(edits, TXT, 21, "comment")["comment"]
    assert (comment["author"], comment["text"], comment["passage"]) == (
        "Rita Reviewer", "Is this still the plan?", "Invest at home")
    assert len(edits) == 4

    status, out, _ = absorb(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1  # the removed paragraph and the comment are left for the analyst
    lines = (content / MD).read_text().splitlines()
    assert lines[12] == "The defence talks made **slow but steady** progress on procurement."
    assert (content / TXT).read_text().splitlines()[13] == "Supply chains cross oceans and break under pressure."
    assert_applied_edits_rebuild(content, dist, edited, capsys, {(MD, 13), (TXT, 14)})


def assert_applied_edits_rebuild(content: Path, dist: Path, edited: Path, capsys, applied: set[tuple[str, int]]) -> None:
    """Every applied edit leaves the source building to the same model as the edited Word file's
    text: the Word file built again reads as the edited one at those lines, and absorbing the
    edited file again finds no text change there."""
    rebuilt = read_word(build_docx(content, dist).read_bytes())
    theirs = read_word(edited.read_bytes())
    ours = {a: p.accepted for p in (*rebuilt.body, *rebuilt.notes) for a in p.anchors}
    for paragraph in (*theirs.body, *theirs.notes):
        for anchor in paragraph.anchors:
            if any(anchor == source_anchor(file, line, 0) for file, line in applied):
                assert same(ours[anchor], paragraph.accepted), (anchor, ours[anchor], paragraph.accepted)
    _, edits, _ = report(capsys, edited, content, "-o", dist)
    assert not [e for e in edits if (e["file"], e["line"]) in applied and e["kind"] in TEXT_KINDS]


# -- the same kind of edits, written into the XML as Word writes it ---------------------------


def w(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element, text: str | None = None) -> etree._Element:
    element = etree.Element(W + tag, {W + k: v for k, v in (attrs or {}).items()}, nsmap={"w": W_NS})
    element.extend(children)
    if text is not None:
        element.text = text
        if text != text.strip():
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


class WordEdit:
    """A built DOCX, edited in its XML as Word saves an edited document."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.xml = {name: etree.fromstring(self.parts[name]) for name in
                    ("word/document.xml", "word/footnotes.xml", "word/styles.xml")}
        self.rsid = 0x00A10000
        for p in self.xml["word/document.xml"].iter(W + "p"):  # Word stamps every paragraph and run
            p.set(W + "rsidR", self.next_rsid())
            p.set(W + "rsidRDefault", "00A10000")
            for r in p.iter(W + "r"):
                r.set(W + "rsidR", self.next_rsid())

    def next_rsid(self) -> str:
        self.rsid += 1
        return f"{self.rsid:08X}"

    def paragraph(self, text: str, part: str = "word/document.xml") -> etree._Element:
        """The paragraph from a source line whose text holds ``text``."""
        found = [p for p in self.xml[part].iter(W + "p")
                 if any((b.get(W + "name") or "").startswith("_S") for b in p.iter(W + "bookmarkStart"))
                 and text in "".join(t.text or "" for t in p.iter(W + "t"))]
        assert len(found) == 1, text
        return found[0]

    def run(self, text: str, like: etree._Element | None = None, tag: str = "t") -> etree._Element:
        r = w("r", {"rsidR": self.next_rsid()})
        properties = like.find(W + "rPr") if like is not None else None
        if properties is not None:
            r.append(copy.deepcopy(properties))
        r.append(w(tag, text=text))
        return r

    def replace(self, p: etree._Element, old: str, *parts: str | etree._Element) -> None:
        """Put ``parts`` (strings: runs formatted as the old one; elements as they are) in place of
        the text ``old`` inside one run of ``p``."""
        t = next(t for t in p.iter(W + "t") if old in (t.text or ""))
        r = t.getparent()
        before, after = (t.text or "").split(old, 1)
        pieces = [self.run(before, r)] if before else []
        pieces += [self.run(part, r) if isinstance(part, str) else part for part in parts]
        pieces += [self.run(after, r)] if after else []
        parent = r.getparent()
        index = parent.index(r)
        parent.remove(r)
        for offset, piece in enumerate(pieces):
            parent.insert(index + offset, piece)

    def tracked(self, p: etree._Element, old: str, new: str, author: str, date: str) -> None:
        t = next(t for t in p.iter(W + "t") if old in (t.text or ""))
        like = t.getparent()
        deleted = w("del", {"id": "901", "author": author, "date": date}, self.run(old, like, "delText"))
        inserted = w("ins", {"id": "902", "author": author, "date": date}, self.run(new, like))
        self.replace(p, old, deleted, inserted)

    def comment(self, p: etree._Element, passage: str, text: str, author: str, date: str) -> None:
        self.replace(p, passage, w("commentRangeStart", {"id": "0"}), passage, w("commentRangeEnd", {"id": "0"}),
                     w("r", None, w("commentReference", {"id": "0"})))
        comments = w("comments", None, w("comment", {"id": "0", "author": author, "date": date, "initials": "AE"},
                                          w("p", None, w("r", None, w("annotationRef")), w("r", None, w("t", text=text)))))
        self.parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
        rels = self.parts["word/_rels/document.xml.rels"].decode()
        self.parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
            '<Relationship Id="rIdComments1" Target="comments.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/comments"/></Relationships>')).encode()
        types = self.parts["[Content_Types].xml"].decode()
        self.parts["[Content_Types].xml"] = types.replace("</Types>", (
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.comments+xml"/></Types>')).encode()

    def localise_style(self, style_id: str, new_id: str, name: str) -> None:
        """Rename a style as a localised Word does: another id, another name, the same outline level."""
        for style in self.xml["word/styles.xml"].iter(W + "style"):
            if style.get(W + "styleId") == style_id:
                style.set(W + "styleId", new_id)
                style.find(W + "name").set(W + "val", name)
        for part in ("word/styles.xml", "word/document.xml"):
            for ref in self.xml[part].iter(W + "pStyle", W + "basedOn", W + "next"):
                if ref.get(W + "val") == style_id:
                    ref.set(W + "val", new_id)

    def save(self, path: Path) -> Path:
        for name, root in self.xml.items():
            self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return path


def proof(kind: str) -> etree._Element:
    return w("proofErr", {"type": kind})


def word_edits(docx: Path, target: Path) -> Path:
    """A colleague's session in Word, as Word would save it."""
    doc = WordEdit(docx.read_bytes())
    doc.localise_style("Heading2", "berschrift2", "Überschrift 2")
    # a word changed, split across runs around a spelling mark; a turn edited after its label
    doc.replace(doc.paragraph("cross borders"), "borders", proof("spellStart"), "oce", "ans", proof("spellEnd"))
    doc.replace(doc.paragraph("coordinate abroad"), "coordinate", "coop", "erate")
    # inside **bold** and "quotes", and a quoted word typed in Word's curly quotes
    doc.replace(doc.paragraph("broadly stable"), "broadly", "largely")
    doc.replace(doc.paragraph("“framework”"), "“framework” for trade", "“mechanism” for “fair” trade")
    # across a link: the old words and the link's markup cannot be told apart
    joint = doc.paragraph("as the ")
    link = next(joint.iter(W + "hyperlink"))
    says = link.getnext()
    link.getparent().replace(link, doc.run("communiqué"))
    says.find(W + "t").text = " notes."
    # a heading renamed (in the localised style), a footnote changed, a paragraph removed and one added
    doc.replace(doc.paragraph("Risks"), "Risks", "Risks", " ahead")
    doc.replace(doc.paragraph("13 November", "word/footnotes.xml"), "13", "14")
    removed = doc.paragraph("Ministers will meet again")
    removed.getparent().remove(removed)
    talks = doc.paragraph("The defence talks")
    added = w("p", {"rsidR": doc.next_rsid()}, copy.deepcopy(talks.find(W + "pPr")),
              doc.run("A paragraph a colleague added."))
    talks.addnext(added)
    # a tracked change, a comment, a dash typed in Word
    doc.tracked(doc.paragraph("government in Tokyo"), "Tokyo", "Japan", "Ann Editor", "2025-11-21T09:00:00Z")
    quote = doc.paragraph("calm weather")
    doc.replace(quote, "official put", "official – a minister – put")
    doc.comment(quote, "calm weather", "Who said this?", "Ann Editor", "2025-11-21T09:05:00Z")
    # no text changed: a smart tag, a content control and Word's _GoBack bookmark around runs
    standfirst = doc.paragraph("The seminar discussed")
    first = next(standfirst.iter(W + "r"))
    tag = w("smartTag", {"uri": "urn:schemas-microsoft-com:office:smarttags", "element": "place"})
    first.addprevious(tag)
    tag.append(first)
    control = w("sdt", None, w("sdtPr", None, w("alias", {"val": "Abstract"})), w("sdtContent"))
    tag.addprevious(control)
    control.find(W + "sdtContent").append(tag)
    control.addnext(w("bookmarkStart", {"id": "999", "name": "_GoBack"}))
    return doc.save(target)


def test_edits_written_as_word_writes_them(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    edited = word_edits(docx, tmp_path / "edited.docx")
    status, edits, _ = report(capsys, edited, content, "-o", dist)
    assert status == 1
    kinds = sorted((e["file"], e["line"], e["kind"]) for e in edits)
    assert kinds == sorted([
        (MD, 6, "text"), (MD, 10, "text"), (MD, 13, "added"), (MD, 15, "removed"), (MD, 17, "heading"),
        (MD, 19, "text"), (MD, 22, "text"), (MD, 22, "comment"), (MD, 24, "footnote"),
        (TXT, 14, "text"), (TXT, 21, "turn"),
    ])
    assert find(edits, MD, 6, "text")["diff"] == (
        "The summit left the alliance [-broadly-]{+largely+} stable, with a new [-“framework”-]{+“mechanism”+} "
        "for {+“fair”+} trade.")
    assert find(edits, MD, 13, "added")["new"] == "A paragraph a colleague added."
    assert find(edits, MD, 13, "added")["where"] == "after"
    assert find(edits, MD, 17, "heading")["diff"] == "Risks {+ahead+}"
    assert find(edits, MD, 24, "footnote")["diff"] == "The statement was published on [-13-]{+14+} November."
    turn = find(edits, TXT, 21, "turn")
    assert (turn["label"], turn["diff"]) == ("KATO Hiroshi:", "Invest at home and [-coordinate-]{+cooperate+} abroad.")
    tracked = find(edits, MD, 19, "text")
    assert [(r["kind"], r["author"], r["date"], r["text"]) for r in tracked["tracked"]] == [
        ("deleted", "Ann Editor", "2025-11-21T09:00:00Z", "Tokyo"),
        ("inserted", "Ann Editor", "2025-11-21T09:00:00Z", "Japan")]
    assert (tracked["accepted"], tracked["rejected"]) == (
        "A change of government in Japan.", "A change of government in Tokyo.")
    comment = find(edits, MD, 22, "comment")["comment"]
    assert comment == {"author": "Ann Editor", "date": "2025-11-21T09:05:00Z", "text": "Who said this?",
                       "passage": "calm weather"}
    crossing = find(edits, MD, 10, "text")
    assert crossing["status"] == "not applied" and "markup" in crossing["reason"]

    status, out, err = absorb(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1 and err == ""
    assert "→ not applied: the change would cross the source's markup" in out
    original = (FIXTURE / "sources" / MD).read_text().splitlines()
    expected = list(original)
    expected[5] = 'The summit left the alliance **largely stable**, with a new "mechanism" for "fair" trade.'
    expected[16] = "## Risks ahead"
    expected[18] = "1. A change of government in Japan."
    expected[21] = '> Alliances are "built in calm weather", as one official -- a minister -- put it.'
    expected[23] = "[^1]: The statement was published on 14 November."
    assert (content / MD).read_text().splitlines() == expected
    lines = (FIXTURE / "sources" / TXT).read_text().splitlines()
    lines[13] = "Supply chains cross oceans and break under pressure."
    lines[20] = "KATO Hiroshi: Invest at home and cooperate abroad."
    assert (content / TXT).read_text().splitlines() == lines
    assert_applied_edits_rebuild(content, dist, edited, capsys,
                                 {(MD, 6), (MD, 17), (MD, 19), (MD, 22), (MD, 24), (TXT, 14), (TXT, 21)})


def test_the_text_report_names_each_edit_at_its_source_line(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    edited = word_edits(docx, tmp_path / "edited.docx")
    status, out, _ = absorb(capsys, edited, content, "-o", dist)
    assert status == 1
    md = f"{content / MD}"
    for line in (
        f"{md}:15: paragraph removed: “Ministers will meet again in the spring.”",
        f"{md}:13: paragraph added after this line: “A paragraph a colleague added.”",
        f"{md}:17: heading renamed: Risks {{+ahead+}}",
        f"{md}:22: comment by Ann Editor (2025-11-21T09:05:00Z): “Who said this?”, on “calm weather”",
        "    tracked: deleted “Tokyo” by Ann Editor, 2025-11-21T09:00:00Z",
        "    accepted: A change of government in Japan.",
        "    rejected: A change of government in Tokyo.",
        f"{content / TXT}:21: Q&A turn edited (KATO Hiroshi:): Invest at home and [-coordinate-]{{+cooperate+}} abroad.",
    ):
        assert line in out.splitlines(), line


# -- what --apply refuses, and what it never loses -------------------------------------------


def test_a_source_changed_since_the_build_is_refused_by_name(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    edited = word_edits(docx, tmp_path / "edited.docx")
    changed = (content / MD).read_bytes() + b"\nA line written after the build.\n"
    (content / MD).write_bytes(changed)
    before = (content / TXT).read_bytes()
    status, out, err = absorb(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1
    assert f"{content / MD}:1:1: error: changed since the build that made the Word file" in err
    assert str(content / TXT) not in err
    assert f"{content / MD}: " in out and "CHANGED since the build" in out
    assert "the source has changed since the build that made this Word file" in out
    assert ((content / MD).read_bytes(), (content / TXT).read_bytes()) == (changed, before)  # nothing written


def test_a_failed_write_puts_every_source_back(briefing, tmp_path, capsys, monkeypatch) -> None:
    content, dist, docx = briefing
    edited = word_edits(docx, tmp_path / "edited.docx")
    originals = {name: (content / name).read_bytes() for name in (MD, TXT)}
    import publish.absorb.apply as apply_module

    real_write = apply_module.write_atomic
    calls: list[Path] = []

    def failing_second_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(apply_module, "write_atomic", failing_second_write)
    status, out, err = absorb(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1
    assert "cannot write: [Errno 28] No space left on device; the sources written before it were put back" in err
    assert len(calls) == 3  # the first source written, the second failing, the first put back
    assert {name: (content / name).read_bytes() for name in (MD, TXT)} == originals
    assert "→ applied" not in out


def test_a_word_document_source_is_reported_never_rewritten(tmp_path, capsys) -> None:
    content, dist = tmp_path / "content", tmp_path / "dist"
    content.mkdir()
    shutil.copy(FIXTURE / "sources" / MD, content / MD)
    shutil.copy(TESTS / "docx" / "seminar.docx", content / "seminar.docx")
    (content / "briefing.toml").write_text(f'title = "Mixed"\nsources = ["{MD}", "seminar.docx"]\n')
    docx = build_docx(content, dist)
    doc = WordEdit(docx.read_bytes())
    prefix = f"_S{source_tag('seminar.docx')}_"
    paragraph = next(p for p in doc.xml["word/document.xml"].iter(W + "p")
                     if any((b.get(W + "name") or "").startswith(prefix) for b in p.iter(W + "bookmarkStart"))
                     and len("".join(p.itertext()).split()) > 3)
    word = next(t for t in paragraph.iter(W + "t") if (t.text or "").strip()).text.split()[0]
    doc.replace(paragraph, word, "Edited")
    doc.replace(doc.paragraph("broadly stable"), "broadly", "largely")
    edited = doc.save(tmp_path / "edited.docx")
    before = (content / "seminar.docx").read_bytes()
    status, edits, _ = report(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1
    from_word = [e for e in edits if e["file"] == "seminar.docx"]
    assert len(from_word) == 1 and from_word[0]["kind"] in TEXT_KINDS
    assert from_word[0]["status"] == "not applied"
    assert from_word[0]["reason"] == "a Word document source is not rewritten"
    assert find(edits, MD, 6, "text")["status"] == "applied"
    assert (content / "seminar.docx").read_bytes() == before


# -- bad input: a clear message, exit status 2 --------------------------------------------------


def not_a_zip(folder: Path) -> Path:
    (folder / "notes.docx").write_text("just text, named .docx")
    return folder / "notes.docx"


def zip_bomb(folder: Path) -> Path:
    path = folder / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (40 * 1024 * 1024))
    return path


@pytest.mark.parametrize(("make", "message"), [
    (not_a_zip, "not a Word document: a .docx file is a zip archive and this file is not one"),
    (zip_bomb, "as a zip bomb is; refused"),
    (lambda tmp: shutil.copy(TESTS / "docx" / "pandoc.docx", tmp / "pandoc.docx"),
     "no source anchors: this Word file was not written by publish build"),
    (lambda tmp: tmp / "missing.docx", "no such file"),
])
def test_bad_input_is_refused_with_one_message(briefing, tmp_path, capsys, make, message) -> None:
    content, dist, _ = briefing
    path = Path(make(tmp_path))
    status, out, err = absorb(capsys, path, content, "-o", dist)
    assert status == 2
    assert out == ""
    assert err.startswith(f"{path}:1:1: error: ") and message in err, err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_a_word_file_of_other_sources_is_refused(briefing, tmp_path, capsys) -> None:
    content, dist, _ = briefing
    other = build_docx(shutil.copytree(TESTS / "sources", tmp_path / "other"), tmp_path / "other-dist")
    status, _, err = absorb(capsys, other, content, "-o", dist)
    assert status == 2
    assert "was made from other sources" in err


def test_apply_needs_the_build_record(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    edited = word_edits(docx, tmp_path / "edited.docx")
    (dist / "alliance-briefing.manifest.json").unlink()
    before = (content / MD).read_bytes()
    status, _, err = absorb(capsys, edited, content, "-o", dist, "--apply")
    assert status == 2
    assert err.startswith(f"{dist / 'alliance-briefing.manifest.json'}:1:1: error: no build record")
    assert (content / MD).read_bytes() == before
    status, out, _ = absorb(capsys, edited, content, "-o", dist)  # the report alone goes without it
    assert status == 1 and "(no build record)" in out


def test_paragraphs_deleted_inserted_moved_split_and_joined(briefing, tmp_path, capsys) -> None:
    content, dist, docx = briefing
    doc = WordEdit(docx.read_bytes())
    who = {"author": "Ann Editor", "date": "2025-11-22T08:00:00Z"}

    def mark(p: etree._Element, kind: str) -> None:  # a tracked change of the paragraph mark itself
        p.find(W + "pPr").append(w("rPr", None, w(kind, {"id": "800", **who})))

    gone = doc.paragraph("Ministers will meet again")  # deleted as a whole, tracked
    for r in list(gone.iter(W + "r")):
        t = r.find(W + "t")
        t.tag = W + "delText"
        r.addprevious(w("del", {"id": "801", **who}))
        r.getprevious().append(r)
    mark(gone, "del")
    standfirst = doc.paragraph("The seminar discussed")  # a paragraph inserted after it, tracked
    inserted = w("p", None, copy.deepcopy(standfirst.find(W + "pPr")), w("ins", {"id": "802", **who},
                                                                     doc.run("An inserted paragraph.")))
    mark(inserted, "ins")
    standfirst.addnext(inserted)
    moving = doc.paragraph("cross borders")  # its second sentence moved to the front
    doc.replace(moving, "Allies can coordinate their stockpiles.",
                w("moveFrom", {"id": "803", **who}, doc.run("Allies can coordinate their stockpiles.", None, "delText")))
    first = next(moving.iter(W + "r"))
    first.addprevious(w("moveTo", {"id": "804", **who}, doc.run("Allies can coordinate their stockpiles. ")))
    talks = doc.paragraph("The defence talks")  # Enter pressed before "progress"
    tail = w("p", None, copy.deepcopy(talks.find(W + "pPr")))
    last_run = [child for child in talks if child.tag == W + "r"][-1]
    for child in list(talks)[list(talks).index(last_run):]:
        tail.append(child)
    talks.addnext(tail)
    first_item, second_item = doc.paragraph("government in Tokyo"), doc.paragraph("Tariff escalation")
    for child in list(second_item):  # the mark between two list items deleted: one paragraph
        if child.tag != W + "pPr":
            first_item.append(child)
    second_item.getparent().remove(second_item)
    edited = doc.save(tmp_path / "edited.docx")

    status, edits, _ = report(capsys, edited, content, "-o", dist, "--apply")
    assert status == 1
    removed = find(edits, MD, 15, "removed")
    assert [r["kind"] for r in removed["tracked"]] == ["paragraph deleted", "deleted"]
    added = find(edits, TXT, 8, "added")
    assert (added["new"], [r["kind"] for r in added["tracked"]]) == (
        "An inserted paragraph.", ["paragraph inserted", "inserted"])
    moved = find(edits, TXT, 14, "text")
    assert [r["kind"] for r in moved["tracked"]] == ["moved to", "moved from"]
    assert moved["accepted"] == "Allies can coordinate their stockpiles. Supply chains cross borders and break under pressure."
    assert moved["rejected"] == "Supply chains cross borders and break under pressure. Allies can coordinate their stockpiles."
    assert moved["status"] == "applied"
    split = find(edits, MD, 13, "split")
    assert (split["new"], split["status"]) == ("The defence talks made slow but real", "not applied")
    assert find(edits, MD, 13, "added")["new"] == "progress on procurement."
    joined = find(edits, MD, 19, "joined")
    assert joined["old"] == "A change of government in Tokyo. Tariff escalation by Washington."
    assert joined["new"] == "A change of government in Tokyo.Tariff escalation by Washington."
    assert len(edits) == 6
    # the moved sentence took its line break with it: the lines after it moved up, and were checked there
    lines = (content / TXT).read_text().splitlines()
    assert lines[13] == "Allies can coordinate their stockpiles. Supply chains cross borders and break under pressure."
    assert lines[14:] == (FIXTURE / "sources" / TXT).read_text().splitlines()[15:]
    assert (content / MD).read_bytes() == (FIXTURE / "sources" / MD).read_bytes()


# -- reading a Word file: text, not runs ---------------------------------------------------------


def minimal_docx(body: str, comments: str = "") -> bytes:
    namespace = f'xmlns:w="{W_NS}"'
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    parts = {"[Content_Types].xml": "<Types/>", "_rels/.rels": rels,
             "word/document.xml": f"<w:document {namespace}><w:body>{body}</w:body></w:document>"}
    if comments:
        parts["word/_rels/document.xml.rels"] = rels.replace("officeDocument\" Target=\"word/document.xml",
                                                             "comments\" Target=\"comments.xml")
        parts["word/comments.xml"] = f"<w:comments {namespace}>{comments}</w:comments>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_word_text_is_read_through_fields_controls_and_nested_changes() -> None:
    by = 'w:author="A" w:date="2025-11-21T09:00:00Z"'
    body = (
        '<w:p w:rsidR="00A1"><w:bookmarkStart w:id="1" w:name="_Sabcdef_3_0"/>'
        '<w:r w:rsidR="00A2"><w:t xml:space="preserve">One </w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r w:rsidR="00A3"><w:t>tw</w:t></w:r><w:r w:rsidR="00A4"><w:t>o</w:t></w:r><w:proofErr w:type="spellEnd"/>'
        '<w:smartTag w:uri="u" w:element="e"><w:r><w:t xml:space="preserve"> three</w:t></w:r></w:smartTag>'
        '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:r><w:tab/><w:t>four</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://x.org" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> five</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> NOTEREF _RefNote1 \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple>'
        f'<w:commentRangeStart w:id="5"/><w:ins w:id="2" {by}><w:r><w:t xml:space="preserve"> six</w:t></w:r>'
        f'<w:del w:id="3" {by}><w:r><w:delText> gone</w:delText></w:r></w:del></w:ins><w:commentRangeEnd w:id="5"/>'
        f'<w:r><w:commentReference w:id="5"/></w:r>'
        f'<w:del w:id="4" {by}><w:r><w:delText> seven</w:delText></w:r></w:del>'
        f'<w:moveFrom w:id="6" {by}><w:r><w:delText> eight</w:delText></w:r></w:moveFrom>'
        f'<w:moveTo w:id="7" {by}><w:r><w:t xml:space="preserve"> nine</w:t></w:r></w:moveTo>'
        '<w:r><w:br/><w:t>ten</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>'
        '<w:p><w:r><w:drawing><w:t>not text</w:t></w:drawing></w:r></w:p>'
    )
    comment = '<w:comment w:id="5" w:author="B" w:date="0-00-00T00:00:00Z"><w:p><w:r><w:t>Why?</w:t></w:r></w:p></w:comment>'
    word = read_word(minimal_docx(body, comment))
    first = word.body[0]
    assert first.anchors == ["_Sabcdef_3_0"]
    assert first.accepted == "One two three\tfour five six nine\nten"
    assert first.rejected == "One two three\tfour five seven eight\nten"
    assert [(r.kind, r.text) for r in first.revisions] == [
        ("inserted", " six"), ("deleted", " gone"), ("deleted", " seven"), ("moved from", " eight"), ("moved to", " nine")]
    assert word.comments["5"].passage == "six" and word.comments["5"].date == ""
    assert first.comments == ["5"]
    assert word.body[1].accepted == ""
