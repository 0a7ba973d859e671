"""Each source's model, as a readable dump, against a reviewed golden file.

Regenerate with ``pytest --update-goldens`` (or ``make goldens``) and review
the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.model.native import dump

from .conftest import CONTENT, GOLDENS, ROOT, SOURCES

CASES = sorted(
    [p for p in SOURCES.iterdir() if p.suffix in (".md", ".markdown", ".txt")]
    + [p for p in CONTENT.iterdir() if p.suffix in (".md", ".txt")]
    + list((SOURCES.parent / "docx").glob("*.docx"))
)


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.name)
def test_model_dump_matches_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # positions in the dump are relative to the repository
    reporter = Reporter(stream=None)
    book = load_book(Path(os.path.relpath(source, ROOT)), reporter)
    warnings = "".join(f"# {w}\n" for w in reporter.warnings)
    actual = warnings + dump(book)
    golden = GOLDENS / f"{source.name}.native"
    if update_goldens or not golden.exists():
        golden.write_text(actual, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"golden {golden.name} was missing and has been written: review and commit it")
    assert actual == golden.read_text(encoding="utf-8")
