"""The performance benchmark of issue 8: ours against pandoc and bare WeasyPrint, in one run.

    .venv/bin/python benchmarks/run.py            # seed, pandoc, synthetic 10/100/400, make
    .venv/bin/python benchmarks/run.py --quick    # stops the synthetic briefings at 100 articles

Every measurement is a fresh subprocess (a cold process, as a user's build
is): wall time from time.perf_counter around the child, peak memory from the
child's own rusage (os.wait4), pages read back with pypdf.  Prints a table
and writes benchmarks/results.json.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import edit_loop  # noqa: E402  (sibling modules, not a package)
import synthetic  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
BIN = VENV_BIN if (VENV_BIN / "python").exists() else Path(sys.executable).parent
PYTHON = str(BIN / "python")
CONTENT = ROOT / "content"
RESULTS = HERE / "results.json"
FORMATS = ("pdf", "epub", "docx")
ALL3 = ",".join(FORMATS)
SIZES = (10, 100, 400)
#: A child that runs longer than this is stopped and recorded as failed, so that one hang
#: does not cost the whole run.
TIMEOUT = 1800
WARNING = re.compile(r": warning: ")

# Writes our print HTML and stylesheet the way publish/render/pdf/ builds them,
# without laying them out, so that bare WeasyPrint can be timed on exactly that input.
DUMP_HTML = r"""
import json, sys
from pathlib import Path
from publish import api
from publish.diagnostics import Reporter
from publish.conventions import page_geometry
from publish.render.context import RenderContext
from publish.render.pdf.document import print_document
from publish.render.pdf.typeset import print_stylesheet
from publish.sources.manifest import locate
from publish.sources.resources import Resources
from publish.theme import load_theme

source, out = Path(sys.argv[1]), Path(sys.argv[2])
reporter = Reporter()
book = api.load_book(source, reporter)
styles = api.default_styles_dir()
ctx = RenderContext(
    styles_dir=styles, build_time=api.build_time(book), theme=load_theme(styles),
    resources=Resources([locate(source).root, styles], reporter, remote=None, cache_dir=out / "remote"),
    page=page_geometry(book.meta.page_size), reporter=reporter,
)

def image_url(image, pos):
    resource = ctx.resources.fetch(image.src, pos)
    return None if resource is None else resource.path.as_uri()

(out / "book.html").write_text(print_document(book, ctx.build_time, image_url, reporter), encoding="utf-8")
(out / "book.css").write_text(print_stylesheet(ctx), encoding="utf-8")
variant = ctx.pdf_variant
print(json.dumps({"base_url": styles.resolve().as_uri() + "/", "epoch": int(ctx.build_time.timestamp()),
                  "pdf_variant": None if variant == "none" else variant}))
"""

# Bare WeasyPrint: our HTML and CSS files in, a PDF out, nothing of ours imported.
# The font configuration is what makes the @font-face rules apply, as in our renderer.
BARE_WEASYPRINT = r"""
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

html, css, base, out, variant = sys.argv[1:6]
fonts = FontConfiguration()
options = {"pdf_variant": variant} if variant else {}
HTML(filename=html, base_url=base).write_pdf(
    out, stylesheets=[CSS(filename=css, base_url=base, font_config=fonts)], font_config=fonts, **options)
"""


@dataclass
class Run:
    """One cold subprocess and what it cost."""

    label: str
    briefing: str
    tool: str  # ours, pandoc, bare, make, html
    formats: str
    command: list[str]
    wall: float = math.nan
    #: User + system CPU seconds of the child and the children it waited for: less
    #: sensitive than wall time to other work on the machine, but blind to parallelism.
    cpu: float = math.nan
    peak_mb: float = math.nan
    returncode: int | None = None
    pages: int | None = None
    bytes: int | None = None
    warnings: int = 0
    error: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall if self.pages and self.ok else math.nan


# ------------------------------------------------------------------ running


#: The build cache of every build this run measures (PUBLISH_CACHE_DIR).
CACHE_DIR: Path | None = None


def own_cache(workdir: Path) -> Path:
    folder = workdir / "publish-cache"
    folder.mkdir()
    return folder


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The venv's bin first on PATH: pandoc finds the weasyprint command there."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONSTARTUP", None)
    if CACHE_DIR is not None:
        env["PUBLISH_CACHE_DIR"] = str(CACHE_DIR)
    env.update(extra or {})
    return env


def run_cold(command: list[str], cwd: Path, env: dict[str, str], log: Path
             ) -> tuple[float, float, float, int, str, str]:
    """(wall s, CPU s, peak RSS MB, exit status, stdout, stderr) of one child, waited for with os.wait4."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        status, usage = wait_with_timeout(child)
        wall = time.perf_counter() - start
    child.returncode = status  # os.wait4 reaped it; Popen must not wait again
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024) if usage else math.nan
    cpu = usage.ru_utime + usage.ru_stime if usage else math.nan
    return (wall, cpu, peak, status, out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def wait_with_timeout(child: subprocess.Popen) -> tuple[int, os.struct_rusage | None]:
    deadline = time.monotonic() + TIMEOUT
    try:
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status), usage
            if time.monotonic() > deadline:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                return -9, usage
            time.sleep(0.005)
    except BaseException:  # interrupted: leave no build running behind
        child.kill()
        raise


def measure(run: Run, workdir: Path, repeat: int = 1, cwd: Path = ROOT,
            env: dict[str, str] | None = None, output: Path | None = None, fresh: Path | None = None) -> Run:
    """Run ``run.command`` ``repeat`` times cold; keep the median times and the largest peak.

    ``fresh`` is a folder removed before every run, with the build cache: a cold
    build must find neither the previous run's outputs nor its cached results.
    """
    env = env or child_env()
    log = workdir / re.sub(r"[^a-z0-9]+", "-", f"{run.briefing}-{run.label}".lower())
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        if output is not None and output.exists():
            output.unlink()  # a failed run must not count a stale file
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
            if CACHE_DIR is not None:
                shutil.rmtree(CACHE_DIR / "builds", ignore_errors=True)
        wall, cpu, peak, status, _, stderr = run_cold(run.command, cwd, env, log)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        run.returncode = status
        run.warnings = len(WARNING.findall(stderr))
        if status != 0:
            run.error = stderr.strip()[-2000:]
            break
    run.samples = [round(w, 4) for w in walls]
    run.wall = statistics.median(walls)
    run.cpu = statistics.median(cpus)
    run.peak_mb = max(peaks)
    if output is not None and output.exists() and run.ok:
        run.bytes = output.stat().st_size
        if output.suffix == ".pdf":
            run.pages = count_pages(output)
    return run


def count_pages(pdf: Path) -> int | None:
    """Pages, counted in a child process.

    A child's ru_maxrss starts from its parent's high-water mark (Linux carries
    it across fork and exec), so reading a 1,800-page PDF in this process
    would raise the peak memory reported for every later measurement.
    """
    script = "import sys, pypdf; print(len(pypdf.PdfReader(sys.argv[1]).pages))"
    done = subprocess.run([PYTHON, "-c", script, str(pdf)], capture_output=True, text=True)
    return int(done.stdout) if done.returncode == 0 else None  # no pypdf: only the counts are lost


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------ the measurements


@functools.cache
def no_time_limit() -> list[str]:
    """``--timeout 0`` when the command has a time limit: a slow build is a figure, not a failure."""
    done = subprocess.run([str(BIN / "publish"), "build", "--help"], capture_output=True, text=True)
    return ["--timeout", "0"] if "--timeout" in done.stdout else []


def ours(briefing: str, source: Path, formats: tuple[str, ...], workdir: Path, slug: str,
         repeat: int = 1, warm: bool = False) -> Run:
    """Our build into an empty folder; with ``warm``, a rebuild over a finished first build."""
    outdir = workdir / f"out-{briefing}-{'-'.join(formats)}{'-warm' if warm else ''}"
    label = "+".join(formats) if len(formats) < 3 else "all three"
    command = [str(BIN / "publish"), "build", str(source), "-o", str(outdir), "-f", ",".join(formats),
               *no_time_limit()]
    primary = outdir / f"{slug}.{formats[0]}"
    if warm:
        progress(f"{briefing}: ours {label}, first build before the rebuilds")
        measure(Run(label, briefing, "ours", "", command), workdir)
        label += ", rebuilt (same dir)"
    progress(f"{briefing}: ours {label}")
    run = Run(label, briefing, "ours", ",".join(formats) + (" warm" if warm else ""), command)
    return measure(run, workdir, repeat, output=primary, fresh=None if warm else outdir)


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except Exception:  # pypandoc-binary missing: the pandoc rows are left out
        return shutil.which("pandoc")


def pandoc(fmt: str, sources: list[Path], workdir: Path, repeat: int) -> Run:
    """pandoc reads every file as Markdown (front matter as a YAML metadata block), one output."""
    out = workdir / f"pandoc.{fmt}"
    command = [pandoc_path() or "pandoc", "-f", "markdown", *map(str, sources), "-o", str(out)]
    if fmt == "pdf":
        command.append("--pdf-engine=weasyprint")
    progress(f"seed: pandoc {fmt}")
    return measure(Run(fmt, "seed", "pandoc", fmt, command), workdir, repeat, output=out)


def dump_html(briefing: str, source: Path, workdir: Path) -> tuple[Run, dict | None]:
    """Our print HTML and CSS as files, and the base URL and epoch they need."""
    folder = workdir / f"html-{briefing}"
    folder.mkdir(parents=True, exist_ok=True)
    progress(f"{briefing}: our HTML for bare WeasyPrint")
    run = Run("model + HTML only", briefing, "html", "html", [PYTHON, "-c", DUMP_HTML, str(source), str(folder)])
    env = child_env()
    log = workdir / f"{briefing}-dump-html"
    run.wall, run.cpu, run.peak_mb, run.returncode, stdout, stderr = run_cold(run.command, ROOT, env, log)
    if not run.ok:
        run.error = stderr.strip()[-2000:]
        return run, None
    info = json.loads(stdout.strip().splitlines()[-1])
    info.update(html=str(folder / "book.html"), css=str(folder / "book.css"))
    return run, info


def bare_weasyprint(briefing: str, info: dict, variant: str, workdir: Path, repeat: int = 1) -> Run:
    out = workdir / f"bare-{briefing}-{re.sub(r'[^a-z0-9]+', '-', variant or 'defaults')}.pdf"
    label = f"bare WeasyPrint ({variant})" if variant else "bare WeasyPrint (defaults)"
    command = [PYTHON, "-c", BARE_WEASYPRINT, info["html"], info["css"], info["base_url"], str(out), variant]
    progress(f"{briefing}: {label}")
    env = child_env({"SOURCE_DATE_EPOCH": str(info["epoch"])})
    return measure(Run(label, briefing, "bare", "pdf", command), workdir, repeat, env=env, output=out)


def bare_runs(briefing: str, source: Path, workdir: Path, repeat: int = 1) -> list[Run]:
    """The HTML dump, then bare WeasyPrint with our PDF options and with its defaults."""
    html_run, info = dump_html(briefing, source, workdir)
    if info is None:
        return [html_run]
    runs = [html_run]
    if info.get("pdf_variant"):
        runs.append(bare_weasyprint(briefing, info, info["pdf_variant"], workdir, repeat))
    runs.append(bare_weasyprint(briefing, info, "", workdir, repeat))
    return runs


def incremental(source: Path, workdir: Path, slug: str, repeat: int = 5) -> Run:
    """EPUB and DOCX rebuilt into the same folder after one article changed (issue 8, target 4).

    Each of the ``repeat`` rebuilds follows a change of its own (one more paragraph in the
    middle article); the median is kept.
    """
    folder = workdir / "incremental"
    shutil.copytree(source, folder)
    outdir = workdir / "out-incremental"
    command = [str(BIN / "publish"), "build", str(folder), "-o", str(outdir), "-f", "epub,docx", *no_time_limit()]
    progress("incremental: first build of EPUB and DOCX")
    first = measure(Run("first", "incremental", "ours", "epub,docx", command), workdir)
    if not first.ok:
        return first
    articles = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt"))
    changed = articles[len(articles) // 2]
    runs = []
    for count in range(1, repeat + 1):
        changed.write_text(changed.read_text(encoding="utf-8") + f"\nOne more paragraph ({count}), added to "
                           "change the article.\n", encoding="utf-8")
        progress(f"incremental: EPUB and DOCX after changing one article ({count} of {repeat})")
        run = Run("epub+docx, 1 article changed", "synthetic-100", "ours", "epub,docx changed", command)
        runs.append(measure(run, workdir, output=outdir / f"{slug}.epub"))
        if not runs[-1].ok:
            return runs[-1]
    run = runs[0]
    run.samples = [r.wall for r in runs]
    run.wall = statistics.median(r.wall for r in runs)
    run.cpu = statistics.median(r.cpu for r in runs)
    run.peak_mb = max(r.peak_mb for r in runs)
    return run


# ----------------------------------------------------------------------- make


def make_noop(workdir: Path, repeat: int = 5) -> tuple[Run | None, str]:
    """A no-op ``make`` in a scratch copy of the repository, after a warm-up build there.

    A copy, because the repository's own dist/ may be in use and a missing
    .venv/.installed stamp would make ``make`` reinstall the virtualenv.  The
    copy's .venv holds a link to the real bin folder and a fresh stamp, so the
    Makefile, the sources and the dependency scan are exactly the repository's.
    """
    make = shutil.which("make")
    if make is None:
        return None, "make not found"
    copy = workdir / "repo-copy"
    copy.mkdir()
    for name in ("Makefile", "pyproject.toml", "content", "styles", "publish"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, copy / name)
    (copy / ".venv").mkdir(parents=True)
    (copy / ".venv" / "bin").symlink_to(BIN)
    (copy / ".venv" / ".installed").touch()
    env = child_env()
    progress("make: warm-up build in a scratch copy")
    warm = measure(Run("warm-up build", "repository", "make", "all", [make]), workdir, cwd=copy, env=env)
    if not warm.ok:
        return warm, "warm-up build failed"
    progress("make: no-op")
    noop = measure(Run("no-op make", "repository", "make", "all", [make]), workdir, repeat, cwd=copy, env=env)
    question = subprocess.run([make, "-q"], cwd=copy, env=env, capture_output=True)
    note = "up to date" if question.returncode == 0 else "make -q says something is out of date"
    return noop, f"warm-up build {warm.wall:.1f} s; {note}"


# ----------------------------------------------------------------- derived figures


def ratio(a: Run | None, b: Run | None, measure: str = "wall") -> float:
    """a / b in wall time or CPU time; NaN unless both ran and succeeded."""
    if a is None or b is None or not (a.ok and b.ok):
        return math.nan
    top, bottom = getattr(a, measure), getattr(b, measure)
    return top / bottom if bottom else math.nan


def ratios(a: Run | None, b: Run | None) -> dict[str, float]:
    return {"wall": ratio(a, b, "wall"), "cpu": ratio(a, b, "cpu")}


def fit_exponent(points: list[tuple[int, float]]) -> float:
    """Slope of least squares on log(time) against log(articles)."""
    points = [(n, t) for n, t in points if t and not math.isnan(t)]
    if len(points) < 2:
        return math.nan
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=False)) / sum((x - mx) ** 2 for x in xs)


def find(runs: list[Run], briefing: str, tool: str, formats: str) -> Run | None:
    return next((r for r in runs if (r.briefing, r.tool, r.formats) == (briefing, tool, formats)), None)


def bare_primary(runs: list[Run], briefing: str) -> Run | None:
    """Bare WeasyPrint with our PDF options when measured, else with its defaults."""
    return next((r for r in runs if r.briefing == briefing and r.tool == "bare"), None)


def pandoc_total(runs: list[Run]) -> Run | None:
    """pandoc makes one format per run: its "all three" is the sum of three cold runs."""
    parts = [find(runs, "seed", "pandoc", f) for f in ("docx", "epub", "pdf")]
    if any(p is None or not p.ok for p in parts):
        return None
    total = Run("all three (sum of 3 runs)", "seed", "pandoc", ALL3, [])
    total.wall = sum(p.wall for p in parts)
    total.cpu = sum(p.cpu for p in parts)
    total.peak_mb = max(p.peak_mb for p in parts)
    total.returncode = 0
    return total


def scaling(runs: list[Run], sizes: list[int], pick) -> dict[str, float]:
    """Fitted exponents over every size and over 100..400, where the fixed start-up cost matters less."""
    out = {}
    for measure in ("wall", "cpu"):
        points = [(n, getattr(r, measure)) for n in sizes
                  if (r := pick(f"synthetic-{n}")) is not None and r.ok]
        out[f"{measure}, all sizes"] = fit_exponent(points)
        out[f"{measure}, 100 to 400"] = fit_exponent([p for p in points if p[0] >= 100])
    return out


def derived(runs: list[Run], sizes: list[int]) -> dict:
    """Ratios and exponents: the figures the issue's targets are stated in."""
    pandoc_runs = {f: find(runs, "seed", "pandoc", f) for f in ("pdf", "epub", "docx")}
    pandoc_runs[ALL3] = pandoc_total(runs)
    synthetic_names = [f"synthetic-{n}" for n in sizes]
    return {
        "seed_ours_over_pandoc": {f: ratios(find(runs, "seed", "ours", f), other)
                                  for f, other in pandoc_runs.items()},
        "ours_pdf_over_bare": {b: ratios(find(runs, b, "ours", "pdf"), bare_primary(runs, b))
                               for b in ["seed", *synthetic_names]},
        "epub_docx_over_pdf": {b: ratios(find(runs, b, "ours", "epub,docx"), find(runs, b, "ours", "pdf"))
                               for b in synthetic_names},
        "exponents": {
            "our pdf": scaling(runs, sizes, lambda b: find(runs, b, "ours", "pdf")),
            "our epub+docx": scaling(runs, sizes, lambda b: find(runs, b, "ours", "epub,docx")),
            "our all three": scaling(runs, sizes, lambda b: find(runs, b, "ours", ALL3)),
            "bare WeasyPrint": scaling(runs, sizes, lambda b: bare_primary(runs, b)),
        },
    }


def targets(runs: list[Run], figures: dict, noop: Run | None, incr: Run | None, sizes: list[int]) -> list[dict]:
    """The issue's measurable targets (in wall time, as the issue states them), met or not."""
    big = f"synthetic-{SIZES[-1]}"  # the issue states target 2 for 400 articles: not measured without them
    peak = max((r.peak_mb for r in runs if r.briefing == big and r.tool == "ours" and r.ok), default=math.nan)
    rows = [
        ("1. seed, all three: ours / pandoc's three", figures["seed_ours_over_pandoc"][ALL3]["wall"],
         "<= 1.0", lambda v: v <= 1.0),
        (f"2. {big}: our PDF / bare WeasyPrint", figures["ours_pdf_over_bare"].get(big, {}).get("wall", math.nan),
         "<= 0.6", lambda v: v <= 0.6),
        (f"2. {big}: EPUB+DOCX / PDF", figures["epub_docx_over_pdf"].get(big, {}).get("wall", math.nan),
         "<= 0.10", lambda v: v <= 0.10),
        (f"2. {big}: peak memory of our builds (MB)", peak, "<= 1024", lambda v: v <= 1024),
        (f"3. fitted exponent, our PDF ({sizes[0] if sizes else '-'}..{max(sizes) if sizes else '-'})",
         figures["exponents"]["our pdf"]["wall, all sizes"], "<= 1.1", lambda v: v <= 1.1),
        ("4. no-op make (s)", noop.wall if noop and noop.ok else math.nan, "< 0.5", lambda v: v < 0.5),
        ("4. EPUB+DOCX after 1 of 100 articles changed (s)", incr.wall if incr and incr.ok else math.nan,
         "< 1.0", lambda v: v < 1.0),
    ]
    return [{"target": name, "value": value, "goal": goal,
             "met": None if math.isnan(value) else bool(test(value))} for name, value, goal, test in rows]


# ---------------------------------------------------------------------- report


def fmt(value: float | int | None, spec: str = ".2f") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec)


def run_rows(runs: list[Run]) -> list[str]:
    header = (f"{'briefing':<14} {'tool':<6} {'what':<30} {'wall s':>7} {'cpu s':>7} {'pages':>5} "
              f"{'pages/s':>7} {'peak MB':>7} {'warn':>4}")
    lines = [header, "-" * len(header)]
    for run in runs:
        status = "" if run.ok else f"  FAILED (exit {run.returncode})"
        lines.append(f"{run.briefing:<14} {run.tool:<6} {run.label:<30} {fmt(run.wall):>7} {fmt(run.cpu):>7} "
                     f"{fmt(run.pages, 'd'):>5} {fmt(run.pages_per_s, '.1f'):>7} {fmt(run.peak_mb, '.0f'):>7} "
                     f"{run.warnings:>4}{status}")
    return lines


def ratio_rows(figures: dict) -> list[str]:
    lines = ["", f"{'Ratios':<48} {'wall':>6} {'cpu':>6}"]
    groups = (("seed_ours_over_pandoc", "seed, ours / pandoc, {}"),
              ("ours_pdf_over_bare", "{}, our PDF / bare WeasyPrint"),
              ("epub_docx_over_pdf", "{}, our EPUB+DOCX / our PDF"))
    for key, text in groups:
        for name, pair in figures[key].items():
            label = text.format("all three" if name == ALL3 else name)
            lines.append(f"  {label:<46} {fmt(pair['wall']):>6} {fmt(pair['cpu']):>6}")
    heading = f"{'Fitted exponent, time ~ articles^k':<36} {'wall':>6} {'(100..400)':>10} {'cpu':>6} {'(100..400)':>10}"
    lines += ["", heading]
    for name, k in figures["exponents"].items():
        lines.append(f"  {name:<34} {fmt(k['wall, all sizes']):>6} {fmt(k['wall, 100 to 400']):>10} "
                     f"{fmt(k['cpu, all sizes']):>6} {fmt(k['cpu, 100 to 400']):>10}")
    return lines


def table(runs: list[Run], figures: dict, noop: Run | None, noop_note: str, incr: Run | None,
          goals: list[dict]) -> str:
    lines = run_rows([*runs, *filter(None, [pandoc_total(runs), incr, noop])])
    lines += ratio_rows(figures)
    lines += ["", f"no-op make: {noop_note}"]
    lines += ["", "Targets of issue 8 (wall time)"]
    for goal in goals:
        mark = {True: "met", False: "NOT MET", None: "not measured"}[goal["met"]]
        lines.append(f"  {goal['target']:<50} {fmt(goal['value']):>8}  goal {goal['goal']:<8} {mark}")
    for run in (r for r in runs if not r.ok):
        lines += ["", f"FAILED: {shown_command(run.command)}", run.error[-1500:]]
    return "\n".join(lines)


def shown_command(command: list[str]) -> str:
    """The command as typed, with an inline script shown as <script>."""
    shown = ["<script>" if i and command[i - 1] == "-c" else part for i, part in enumerate(command)]
    return " ".join(shown)


def machine() -> dict:
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    model = ""
    with contextlib.suppress(Exception):
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    pandoc_version = None
    with contextlib.suppress(Exception):
        pandoc_version = subprocess.run([pandoc_path() or "pandoc", "--version"], capture_output=True,
                                        text=True).stdout.split("\n", 1)[0]
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "versions": {name: version(name) for name in
                     ("publish", "weasyprint", "EbookLib", "python-docx", "pypandoc-binary", "pydyf", "pypdf")}
                    | {"pandoc": pandoc_version},
    }


def jsonable(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


# ------------------------------------------------------------------------ main


def seed_sources() -> list[Path]:
    """The seed's files in the manifest's reading order, for pandoc."""
    manifest = tomllib.loads((CONTENT / "briefing.toml").read_text(encoding="utf-8"))
    return [CONTENT / (s["path"] if isinstance(s, dict) else s) for s in manifest["sources"]]


def seed_slug() -> str:
    return tomllib.loads((CONTENT / "briefing.toml").read_text(encoding="utf-8"))["slug"]


def formats_to_measure() -> list[tuple[str, ...]]:
    return [("pdf",), ("epub",), ("docx",), ("epub", "docx"), FORMATS]


def save(path: Path, started: dt.datetime, args: argparse.Namespace, sizes: list[int], info: dict,
         runs: list[Run], noop: Run | None, noop_note: str, incr: Run | None, edit: dict,
         complete: bool) -> tuple[dict, list]:
    """Write every figure so far: a long run that is stopped still leaves its measurements."""
    figures = derived(runs, sizes)
    goals = targets(runs, figures, noop, incr, sizes)
    full_100 = find(runs, "synthetic-100", "ours", ALL3)
    pandoc_three, seed_cold = pandoc_total(runs), find(runs, "seed", "ours", ALL3)
    edit["targets"] = edit_loop.targets(
        full_100.wall if full_100 and full_100.ok else math.nan,
        pandoc_three.wall if pandoc_three else math.nan,
        seed_cold.wall if seed_cold and seed_cold.ok else math.nan,
        edit.get("incremental", {}), edit.get("watch", {}), edit.get("preview", {}))
    info = info | {"load_average_now": os.getloadavg(),
                   # The floor of every child's peak memory (see count_pages).
                   "benchmark_process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    results = {
        "complete": complete,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "arguments": {"quick": args.quick, "repeat": args.repeat, "sizes": sizes},
        "machine": info,
        "measurements": [asdict(r) | {"pages_per_s": r.pages_per_s}
                         for r in [*runs, *filter(None, [incr, noop])]],
        "no_op_make_note": noop_note,
        **figures,
        "targets": goals,
        "edit_loop": edit,
    }
    path.write_text(json.dumps(jsonable(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return figures, goals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark publish against pandoc and bare WeasyPrint.")
    parser.add_argument("--quick", action="store_true", help="stop the synthetic briefings at 100 articles")
    parser.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], default=list(SIZES),
                        help="synthetic briefing sizes, comma-separated (default 10,100,400)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold runs of each seed and pandoc measurement; the median is kept (default 3)")
    parser.add_argument("--no-make", action="store_true", help="skip the no-op make measurement")
    parser.add_argument("--no-edit-loop", action="store_true",
                        help="skip the edit-loop measurements (incremental build, watch, preview, crossover)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and print its path")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    sizes = [n for n in args.sizes if not (args.quick and n > 100)]

    started = dt.datetime.now(dt.UTC)
    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    global CACHE_DIR
    CACHE_DIR = own_cache(workdir)
    runs: list[Run] = []
    noop, noop_note, incr = None, "skipped", None
    edit: dict = {}
    publish = BIN / "publish"

    def checkpoint(complete: bool = False) -> tuple[dict, list]:
        return save(args.output, started, args, sizes, info, runs, noop, noop_note, incr, edit, complete)

    try:
        slug = seed_slug()
        for formats in formats_to_measure():
            runs.append(ours("seed", CONTENT, formats, workdir, slug, args.repeat))
        runs.append(ours("seed", CONTENT, FORMATS, workdir, slug, args.repeat, warm=True))
        for fmt_name in ("docx", "epub", "pdf"):
            runs.append(pandoc(fmt_name, seed_sources(), workdir, args.repeat))
        runs += bare_runs("seed", CONTENT, workdir, args.repeat)
        checkpoint()
        for n in sizes:
            briefing = f"synthetic-{n}"
            progress(f"{briefing}: generating")
            source = synthetic.generate(n, workdir / briefing)
            for formats in formats_to_measure():
                runs.append(ours(briefing, source, formats, workdir, briefing))
            runs += bare_runs(briefing, source, workdir)
            if n == 100:
                incr = incremental(source, workdir, briefing)
                if not args.no_edit_loop:
                    progress("edit loop: 100 articles, one paragraph added, all three formats (target 1)")
                    edit["incremental"] = edit_loop.incremental_build(source, workdir, briefing, publish,
                                                                      run_cold, child_env())
                    progress("edit loop: publish preview, latency and memory (targets 2 and 5)")
                    edit["preview"] = edit_loop.preview_figures(workdir, source, child_env())
            checkpoint()
        if not args.no_edit_loop:
            progress("edit loop: the seed in publish watch (target 3)")
            edit["watch"] = edit_loop.watch_rebuild(CONTENT, workdir, publish, child_env())
            progress("edit loop: one process or two, by the number of articles")
            edit["crossover"] = edit_loop.crossover(workdir, publish, child_env(), synthetic.generate, run_cold)
            checkpoint()
        if not args.no_make:
            noop, noop_note = make_noop(workdir)
    finally:
        if args.keep:
            progress(f"scratch folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    figures, goals = checkpoint(complete=True)
    load = info["load_average_at_start"][0], os.getloadavg()[0]
    print(f"{info['cpu_count']} CPUs, Python {info['python']}, load average {load[0]:.2f} at start, "
          f"{load[1]:.2f} at end; {(dt.datetime.now(dt.UTC) - started).total_seconds():.0f} s in all")
    print(table(runs, figures, noop, noop_note, incr, goals))
    if edit:
        print("\n".join(edit_loop.report(edit)))
    progress(f"results written to {args.output}")
    return 1 if any(not r.ok for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
