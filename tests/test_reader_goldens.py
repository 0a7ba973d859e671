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
from publish.sources.ingest import read_source
from publish.sources.readers import Dropped, accounted_reader_for

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
    check_golden(GOLDENS / f"{source.name}.native", actual, update_goldens)


#: The shapes of tests/shapes/ (and the plain-text ones of tests/shapes-errors/), each as its reader alone reads it.
SHAPES = sorted(p for p in (SOURCES.parent / "shapes").iterdir()
                if p.suffix in (".md", ".markdown", ".txt") and p.name != "README.md") + sorted(
    (SOURCES.parent / "shapes-errors").glob("*.txt"))


@pytest.mark.parametrize("source", SHAPES, ids=lambda p: p.name)
def test_shape_dump_matches_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's article (before any transform), its warnings and the lines it left out, by rule."""
    monkeypatch.chdir(ROOT)
    reporter = Reporter(stream=None)
    shown = os.path.relpath(source, ROOT)
    reader = accounted_reader_for(source.name)
    assert reader is not None
    article, dropped = reader(read_source(source, shown), shown, reporter)
    actual = "".join(f"# {w}\n" for w in reporter.warnings)
    actual += "".join(f"# left out: {_where(d)} ({d.rule})\n" for d in dropped)
    check_golden(GOLDENS / "shapes" / f"{source.name}.native", actual + dump(article), update_goldens)


def _where(drop: Dropped) -> str:
    """``12`` or ``12-14`` for whole lines; ``12:7-14:3`` when part of a line is left out."""
    if drop.column or drop.end_column:
        return f"{drop.line}:{drop.column or 1}-{drop.last}:{drop.end_column or 'end'}"
    return f"{drop.line}{f'-{drop.last}' if drop.last > drop.line else ''}"


def check_golden(golden: Path, actual: str, update_goldens: bool) -> None:
    if update_goldens or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"golden {golden.name} was missing and has been written: review and commit it")
    assert actual == golden.read_text(encoding="utf-8")
