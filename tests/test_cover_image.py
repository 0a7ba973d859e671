"""An optional photograph on the printed cover, named in the manifest and sandboxed like any image."""

from __future__ import annotations

import shutil
from pathlib import Path

from pypdf import PdfReader

from publish.api import BuildOptions, build
from publish.diagnostics import Reporter

from .conftest import SOURCES


def _briefing(folder: Path, cover: str) -> Path:
    folder.mkdir()
    shutil.copy(SOURCES / "images" / "chart.png", folder / "cover.png")
    (folder / "briefing.toml").write_text(f'title = "With a cover"\ncover_image = "{cover}"\n')
    (folder / "a.md").write_text("---\ntitle: A\nauthor: A B\ndate: 2025-01-01\n---\n\nLead.\n\nBody.\n")
    return folder


def test_cover_image_on_the_first_page(tmp_path: Path) -> None:
    source = _briefing(tmp_path / "b", "cover.png")
    reporter = Reporter(stream=None)
    [pdf] = build(source, tmp_path / "out", BuildOptions(formats=["pdf"]), reporter=reporter)
    reader = PdfReader(pdf)
    assert len(reader.pages[0].images) >= 1


def test_a_cover_image_outside_the_folder_is_refused(tmp_path: Path) -> None:
    shutil.copy(SOURCES / "images" / "chart.png", tmp_path / "outside.png")
    source = _briefing(tmp_path / "b", "../outside.png")
    reporter = Reporter(stream=None)
    [pdf] = build(source, tmp_path / "out", BuildOptions(formats=["pdf"]), reporter=reporter)
    assert any("outside the content folder" in w.message for w in reporter.warnings)
    assert sum(len(page.images) for page in PdfReader(pdf).pages) == 0
