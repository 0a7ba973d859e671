"""What `publish build` promises: exactly the outputs asked for, written atomically, all or none."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from publish import api
from publish.build import pipeline
from publish.build.output import write_atomic
from publish.diagnostics import BuildError, Reporter

from .conftest import CONTENT


@pytest.fixture
def fake_renderers(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Renderers that return their format's name, so the pipeline is tested without layout."""
    behaviour: dict[str, object] = {}

    def get_renderer(name: str):
        def render(book, context):
            outcome = behaviour.get(name, f"{name}:{book.meta.slug}".encode())
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return render

    monkeypatch.setattr(pipeline, "get_renderer", get_renderer)
    return behaviour


def test_outputs_are_named_by_slug(tmp_path: Path, fake_renderers) -> None:
    written = api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    assert [p.name for p in written] == ["us-japan-briefing.pdf", "us-japan-briefing.epub", "us-japan-briefing.docx"]
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert files == sorted([*(p.name for p in written), "us-japan-briefing.manifest.json"])
    assert (tmp_path / "us-japan-briefing.pdf").read_bytes() == b"pdf:us-japan-briefing"


def test_build_manifest_records_hashes_and_versions(tmp_path: Path, fake_renderers) -> None:
    import hashlib
    import json

    api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    record = json.loads((tmp_path / "us-japan-briefing.manifest.json").read_text())
    assert [s["path"] for s in record["sources"]] == [
        "2025-11-13-us-japan-bilateral-stability.md", "2025-10-23-us-japan-relations-for-a-new-era.txt"]
    seed = (CONTENT / record["sources"][0]["path"]).read_bytes()
    assert record["sources"][0]["sha256"] == hashlib.sha256(seed).hexdigest()
    assert {o["path"]: o["sha256"] for o in record["outputs"]}["us-japan-briefing.pdf"] == hashlib.sha256(
        b"pdf:us-japan-briefing").hexdigest()
    assert record["tools"]["weasyprint"] and record["tools"]["ebooklib"] and record["tools"]["python-docx"]
    assert record["build_time"] == "2025-11-20T00:00:00+00:00"


def test_a_failing_format_writes_nothing_and_keeps_previous_outputs(tmp_path: Path, fake_renderers) -> None:
    api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    fake_renderers["pdf"] = b"new pdf"
    fake_renderers["docx"] = RuntimeError("layout exploded")
    # (raised here, or in the child that writes the DOCX alongside the PDF and reported so)
    with pytest.raises((RuntimeError, BuildError), match="layout exploded"):
        api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # the PDF that did render is not written either, and no temporary is left


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomic(target, b"new and longer")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_strict_turns_warnings_into_a_failed_build(tmp_path: Path, fake_renderers) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "undated.md").write_text("---\ntitle: Undated\n---\n\nNo date at all.\n")
    reporter = Reporter(stream=None, strict=True)
    with pytest.raises(BuildError):
        api.build(source, tmp_path / "out", reporter=reporter)
    assert [str(w).split(": ", 1)[1] for w in reporter.warnings] == [
        "error: no date in the front matter or the file name", "error: no author"]
    assert not (tmp_path / "out").exists()


def test_single_file_source_builds_a_book_of_one(tmp_path: Path, fake_renderers) -> None:
    shutil.copy(CONTENT / "2025-11-13-us-japan-bilateral-stability.md", tmp_path)
    written = api.build(tmp_path / "2025-11-13-us-japan-bilateral-stability.md", tmp_path / "out",
                        api.BuildOptions(formats=["epub"]), reporter=Reporter(stream=None))
    assert [p.name for p in written] == ["2025-11-13-us-japan-bilateral-stability.epub"]


def test_build_time_comes_from_source_date_epoch_then_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    book = api.load_book(CONTENT, Reporter(stream=None))
    assert api.build_time(book).isoformat() == "2025-11-20T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert api.build_time(book).isoformat() == "1970-01-01T00:00:00+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert api.build_time(book).date().isoformat() == "2025-11-20"  # the manifest's date


def test_epub_renders_in_parallel_and_reports_once(tmp_path: Path, fake_renderers, monkeypatch) -> None:
    monkeypatch.setenv("PUBLISH_JOBS", "2")
    fake_renderers["epub"] = b"epub from the child"
    written = api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    assert [p.name for p in written] == ["us-japan-briefing.pdf", "us-japan-briefing.epub", "us-japan-briefing.docx"]
    assert (tmp_path / "us-japan-briefing.epub").read_bytes() == b"epub from the child"


def test_a_failing_child_fails_the_build_and_writes_nothing(tmp_path: Path, fake_renderers, monkeypatch) -> None:
    monkeypatch.setenv("PUBLISH_JOBS", "2")
    fake_renderers["epub"] = RuntimeError("no room in the zip")
    with pytest.raises(BuildError, match="RuntimeError: no room in the zip"):
        api.build(CONTENT, tmp_path, reporter=Reporter(stream=None))
    assert not list(tmp_path.glob("*.pdf"))


def test_the_docx_and_epub_render_in_children_while_the_pdf_is_laid_out(tmp_path: Path, monkeypatch) -> None:
    import os

    def get_renderer(name: str):
        return lambda book, context: f"{name} in {os.getpid()}".encode()

    monkeypatch.setattr(pipeline, "get_renderer", get_renderer)
    monkeypatch.setenv("PUBLISH_JOBS", "2")
    api.build(CONTENT, tmp_path / "two", reporter=Reporter(stream=None))
    here = str(os.getpid()).encode()
    outputs = {path.suffix: path.read_bytes() for path in (tmp_path / "two").glob("us-japan-briefing.*")}
    assert outputs[".pdf"] == b"pdf in " + here
    assert here not in outputs[".docx"] and here not in outputs[".epub"]
    assert outputs[".docx"] != outputs[".epub"].replace(b"epub", b"docx")  # two children, not one
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    api.build(CONTENT, tmp_path / "one", reporter=Reporter(stream=None))
    assert (tmp_path / "one" / "us-japan-briefing.docx").read_bytes() == b"docx in " + here
