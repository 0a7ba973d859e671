"""``publish watch`` rebuilds when a source changes, and keeps going after a mistake."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
import zipfile
from pathlib import Path


def _lines(process: subprocess.Popen, count: int, limit: float = 60) -> list[str]:
    """The next ``count`` lines on stdout, waiting at most ``limit`` seconds."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    lines: list[str] = []
    deadline = time.monotonic() + limit
    while len(lines) < count and time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
    return lines


def test_watch_rebuilds_on_save(tmp_path: Path) -> None:
    source = tmp_path / "briefing"
    source.mkdir()
    post = source / "a.md"
    post.write_text("---\ntitle: First title\nauthor: A B\ndate: 2025-01-01\n---\n\nLead.\n\nBody.\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "watch", str(source), "-o", str(source / "out"), "-f", "epub"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PUBLISH_JOBS": "1"})
    try:
        epub = source / "out" / "briefing.epub"
        assert _lines(process, 1) == [str(epub)]
        time.sleep(1)  # let the watcher settle before the edit
        post.write_text("---\ntitle: Second title\nauthor: A B\ndate: 2025-01-01\n---\n\nLead.\n\nBody.\n")
        assert _lines(process, 1) == [str(epub)]
        with zipfile.ZipFile(epub) as archive:
            assert b"Second title" in archive.read("EPUB/content.opf")
        post.write_text("---\ntitle: [broken\n---\n\nBody.\n")  # a mistake: reported, the watch goes on
        time.sleep(3)
        post.write_text("---\ntitle: Third title\nauthor: A B\ndate: 2025-01-01\n---\n\nLead.\n\nBody.\n")
        assert _lines(process, 1) == [str(epub)]
        with zipfile.ZipFile(epub) as archive:
            assert b"Third title" in archive.read("EPUB/content.opf")
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "a.md:3:1: error: front matter is not valid YAML" in process.stderr.read()


def test_a_build_forked_from_the_warm_process_parses_no_stylesheet(tmp_path: Path, monkeypatch) -> None:
    from publish.build.pipeline import BuildOptions
    from publish.build.warm import WarmBuilds
    from publish.render.pdf import typeset

    source = tmp_path / "briefing"
    source.mkdir()
    (source / "a.md").write_text("---\ntitle: A title\nauthor: A B\ndate: 2025-01-01\n---\n\nLead.\n\nBody.\n")
    parsed = tmp_path / "parsed"
    css = typeset.CSS

    def recorded(*args, string: str = "", **kwargs):
        if "@font-face" in string:  # the print stylesheet, not a part's few extra rules
            with parsed.open("a") as log:
                log.write(f"{os.getpid()}\n")
        return css(*args, string=string, **kwargs)

    monkeypatch.setattr(typeset, "CSS", recorded)
    monkeypatch.setattr(typeset, "_PARSED", {})
    monkeypatch.setenv("PUBLISH_JOBS", "2")
    builds = WarmBuilds(source, tmp_path / "out", BuildOptions(formats=["pdf"]))
    builds.warm_up()
    assert parsed.read_text().split() == [str(os.getpid())]
    for _ in range(2):
        (written,) = builds.build()
        assert written.suffix == ".pdf" and written.stat().st_size > 0
    # both builds ran in children, which found the stylesheet parsed by this process
    assert parsed.read_text().split() == [str(os.getpid())]
