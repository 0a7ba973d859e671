"""The edit loop, measured (issue 22): what an author waits for between a save and the result.

Called by ``run.py`` (``make bench``), which passes its own helpers in, so that every
figure comes from the same run as the pandoc and full-build figures it is compared with:

1. the 100-article briefing, one paragraph added in the middle of one article, all three
   formats rebuilt by ``publish build`` with the build cache, against a full build of the
   same book (and the rebuilt files compared with a build without the cache);
2. the same edit seen in ``publish preview`` (``preview_latency.py``);
3. the example briefing in ``publish watch``, one source changed, all three formats;
4. the example briefing from a cold process (measured by ``run.py``);
5. the preview's peak memory after 50 rebuilds of the 100-article book (``preview_memory.py``);

and where typesetting the PDF's parts in two processes starts to pay on this machine.
"""

from __future__ import annotations

import json
import math
import os
import select
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORMATS = ("pdf", "epub", "docx")


def add_paragraph(path: Path, count: int) -> None:
    """One more paragraph in the middle of the article: its pages change, and maybe its length."""
    text = path.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    middle = len(paragraphs) // 2
    paragraphs.insert(middle, f"One more paragraph ({count}), added in the middle of the article to change "
                              "it, long enough to be a paragraph an analyst would write in a revision.")
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def middle_article(folder: Path) -> Path:
    articles = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt"))
    return articles[len(articles) // 2]


def outputs(folder: Path, slug: str) -> dict[str, bytes]:
    return {fmt: (folder / f"{slug}.{fmt}").read_bytes() for fmt in FORMATS if (folder / f"{slug}.{fmt}").exists()}


def incremental_build(source: Path, workdir: Path, slug: str, publish: Path, run_cold: Callable[..., tuple],
                      env: dict[str, str], repeat: int = 5) -> dict[str, Any]:
    """Target 1: ``publish build`` of all three formats after one paragraph was added to one
    article, each a cold process over the previous build's cache; then the same book built
    without the cache, which must give the same bytes."""
    folder = workdir / "edit-loop-100"
    shutil.copytree(source, folder)
    outdir = workdir / "out-edit-loop-100"
    command = [str(publish), "build", str(folder), "-o", str(outdir), "--timeout", "0"]
    first = run_cold(command, workdir, env, workdir / "edit-loop-first")
    if first[3] != 0:
        return {"error": first[5][-1500:]}
    changed = middle_article(folder)
    walls, cpus = [], []
    for count in range(1, repeat + 1):
        add_paragraph(changed, count)
        wall, cpu, _, status, _, stderr = run_cold(command, workdir, env, workdir / f"edit-loop-{count}")
        if status != 0:
            return {"error": stderr[-1500:]}
        walls.append(wall)
        cpus.append(cpu)
    fresh = workdir / "out-edit-loop-fresh"
    run_cold([*command[:4], str(fresh), "--no-cache", "--timeout", "0"], workdir, env, workdir / "edit-loop-fresh")
    rebuilt, full = outputs(outdir, slug), outputs(fresh, slug)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "samples": walls,
            "identical": {fmt: rebuilt.get(fmt) == full.get(fmt) for fmt in FORMATS}}


class _Lines:
    """Lines of a child's stdout as they come, read from the pipe itself: a buffered reader
    would hold lines that arrived together while select() waits for more."""

    def __init__(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        self.fd = process.stdout.fileno()
        self.pending = b""

    def next(self, count: int, limit: float) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + limit
        while len(lines) < count:
            if b"\n" in self.pending:
                line, self.pending = self.pending.split(b"\n", 1)
                lines.append(line.decode().strip())
                continue
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self.fd, 65536) if ready else b""
            if not chunk:
                break
            self.pending += chunk
        return lines


def watch_rebuild(content: Path, workdir: Path, publish: Path, env: dict[str, str], repeat: int = 5
                  ) -> dict[str, Any]:
    """Target 3: ``publish watch`` of the example briefing; from writing a changed source to
    the third output's path on stdout (each build prints its outputs when all are written)."""
    folder = workdir / "edit-loop-watch"
    shutil.copytree(content, folder)
    outdir = workdir / "out-edit-loop-watch"
    process = subprocess.Popen([str(publish), "watch", str(folder), "-o", str(outdir)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = _Lines(process)
    try:
        if len(lines.next(len(FORMATS), 300)) < len(FORMATS):
            return {"error": "the first build of publish watch did not finish"}
        changed = middle_article(folder)
        walls = []
        for count in range(1, repeat + 1):
            time.sleep(1.5)  # the watcher settles; the machine too
            start = time.perf_counter()
            add_paragraph(changed, count)
            if len(lines.next(len(FORMATS), 120)) < len(FORMATS):
                return {"error": f"rebuild {count} did not finish"}
            walls.append(time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"wall": statistics.median(walls), "samples": walls}


def crossover(workdir: Path, publish: Path, env: dict[str, str], generate: Callable[[int, Path], Path],
              run_cold: Callable[..., tuple], sizes: tuple[int, ...] = (1, 2, 4, 8, 16)) -> list[dict[str, Any]]:
    """The PDF of synthetic briefings of a few articles, cold and without the cache, typeset
    by one process and by two: where the second core starts to pay."""
    rows = []
    for n in sizes:
        source = generate(n, workdir / f"crossover-{n}")
        row: dict[str, Any] = {"articles": n}
        for jobs in ("1", "2"):
            outdir = workdir / f"out-crossover-{n}-{jobs}"
            command = [str(publish), "build", str(source), "-o", str(outdir), "-f", "pdf", "--no-cache",
                       "--timeout", "0"]
            walls = []
            for _ in range(3):
                shutil.rmtree(outdir, ignore_errors=True)
                wall, _, _, status, _, _ = run_cold(command, workdir, env | {"PUBLISH_JOBS": jobs},
                                                    workdir / f"crossover-{n}-{jobs}")
                if status == 0:
                    walls.append(wall)
            row[f"jobs {jobs}"] = statistics.median(walls) if walls else math.nan
        row["two / one"] = row["jobs 2"] / row["jobs 1"] if row["jobs 1"] else math.nan
        rows.append(row)
    return rows


def preview_figures(workdir: Path, source100: Path, env: dict[str, str], rebuilds: int = 50) -> dict[str, Any]:
    """Targets 2 and 5, from the preview's own benchmarks (they drive a browser and a server)."""
    figures: dict[str, Any] = {}
    for name, script, extra in (("latency", "preview_latency.py", ["--repeat", "5"]),
                                ("memory", "preview_memory.py", ["--rebuilds", str(rebuilds)])):
        path = HERE / script
        if not path.exists():
            figures[name] = {"error": f"{script} is missing"}
            continue
        out = workdir / f"preview-{name}.json"
        done = subprocess.run([sys.executable, str(path), "--source", str(source100), "--json", str(out), *extra],
                              env=env, capture_output=True, text=True, timeout=3600)
        # preview_memory.py exits 1 when the memory grew: a figure, kept; no figures is a failure.
        if not out.exists():
            figures[name] = {"error": (done.stderr or done.stdout)[-1500:]}
            continue
        figures[name] = json.loads(out.read_text(encoding="utf-8"))
    return figures


def targets(full_100: float, pandoc_three: float, seed_cold: float, incremental: dict[str, Any],
            watch: dict[str, Any], preview: dict[str, Any]) -> list[dict[str, Any]]:
    """The five targets of issue 22, each with its figure, goal and whether it is met."""
    def row(name: str, value: float, goal: str, met: Callable[[float], bool], note: str = "") -> dict[str, Any]:
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        return {"target": name, "value": value, "goal": goal, "met": None if missing else bool(met(value)),
                "note": note}

    rebuilt = incremental.get("wall", math.nan)
    identical = incremental.get("identical", {})
    latency = preview.get("latency", {}).get("median_s", math.nan)
    memory = preview.get("memory", {})
    first_peak, last_peak = memory.get("first_peak_kib"), memory.get("last_peak_kib")
    grown = (last_peak / first_peak) if first_peak and last_peak else math.nan
    return [
        row("1. 100 articles, 1 changed, all three / full build", rebuilt / full_100 if full_100 else math.nan,
            "<= 0.10", lambda v: v <= 0.10 and all(identical.values()),
            "byte-identical to a build without the cache: " + (", ".join(f"{k} {'yes' if v else 'NO'}"
                                                                          for k, v in identical.items()) or "-")),
        row("2. preview: save to new page shown (s, median of 5)", latency, "<= 2.0", lambda v: v <= 2.0),
        row("3. seed in watch, 1 source changed / pandoc's three", watch.get("wall", math.nan) / pandoc_three
            if pandoc_three else math.nan, "<= 0.5", lambda v: v <= 0.5),
        row("4. seed, cold, all three / pandoc's three", seed_cold / pandoc_three if pandoc_three else math.nan,
            "<= 1.0", lambda v: v <= 1.0),
        row("5. preview peak memory, after 50 rebuilds / after 1", grown, "<= 1.0", lambda v: v <= 1.0,
            f"{first_peak or '-'} KiB after the first, {last_peak or '-'} KiB after the last"),
    ]


def report(edit: dict[str, Any]) -> list[str]:
    """The edit-loop figures as lines of text: the crossover, then the targets."""
    def shown(value: object) -> str:
        return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"

    lines = ["", "PDF typeset by one process or two (cold, no cache; seconds, median of 3)",
             f"  {'articles':>8} {'one':>7} {'two':>7} {'two/one':>8}"]
    for row in edit.get("crossover", []):
        lines.append(f"  {row['articles']:>8} {shown(row['jobs 1']):>7} {shown(row['jobs 2']):>7} "
                     f"{shown(row['two / one']):>8}")
    for name in ("incremental", "watch"):
        figures = edit.get(name, {})
        if "samples" in figures:
            lines.append(f"{name}: " + ", ".join(f"{s:.2f}" for s in figures["samples"]) + " s")
        if "error" in figures:
            lines.append(f"{name}: FAILED {figures['error']}")
    for name, figures in edit.get("preview", {}).items():
        if "error" in figures:
            lines.append(f"preview {name}: FAILED {figures['error']}")
    lines += ["", "Targets of issue 22 (wall time)"]
    for goal in edit.get("targets", []):
        mark = {True: "met", False: "NOT MET", None: "not measured"}[goal["met"]]
        lines.append(f"  {goal['target']:<54} {shown(goal['value']):>6}  goal {goal['goal']:<7} {mark}"
                     + (f"  ({goal['note']})" if goal["note"] else ""))
    return lines
