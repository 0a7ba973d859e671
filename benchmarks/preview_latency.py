"""Issue 22, target 2: from saving a source to seeing its new page in ``publish preview``.

    .venv/bin/python benchmarks/preview_latency.py                      # content/, five edits
    .venv/bin/python benchmarks/preview_latency.py --source /tmp/brief100 --repeat 5 --json out.json

Starts ``publish preview`` on a copy of the source folder, opens its page in Debian's
Chromium (headless, driven by Playwright), waits until every page image is shown, then
five times adds a paragraph with a word of its own in the middle of the middle article
and measures, with ``time.monotonic()``, from just before the write until the page shows
a page image whose text holds that word (the image loaded, for the new key).  Prints
each figure and the median; ``--json`` writes them (``median_s``, ``samples_s``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
#: A figure whose image is loaded for its current key and whose text holds the word.
SHOWN = """(word) => [...document.querySelectorAll('#pages figure')].some((figure) =>
    figure.dataset.shown && figure.dataset.shown === figure.dataset.key
    && figure.querySelector('img').complete && figure.querySelector('img').naturalWidth > 0
    && figure.querySelector('.text').textContent.includes(word))"""
ALL_SHOWN = """() => { const figures = [...document.querySelectorAll('#pages figure')];
    return figures.length > 0 && figures.every((f) => f.dataset.shown === f.dataset.key
        && f.querySelector('img').naturalWidth > 0); }"""


def wait_until(check, limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except PlaywrightError:  # the page was reloading: ask again
            pass
        time.sleep(0.01)
    raise SystemExit(f"not within {limit:.0f} s: {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT / "content", help="a source folder (default: content/)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures here")
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="preview-latency-"))
    shutil.copytree(arguments.source, scratch / "book")
    articles = sorted(p for p in (scratch / "book").iterdir() if p.suffix in (".md", ".txt"))
    target = articles[len(articles) // 2]
    env = {**os.environ, "PUBLISH_CACHE_DIR": str(scratch / "cache"), "SOURCE_DATE_EPOCH": "1763596800"}
    stderr = scratch / "preview.err"
    process = subprocess.Popen([str(PYTHON), "-m", "publish", "preview", "book", "-o", "out"], cwd=scratch, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr.open("w"),
                               start_new_session=True)
    samples: list[float] = []
    try:
        port = 0
        while not port:
            if process.poll() is not None:
                raise SystemExit(stderr.read_text())
            found = re.search(r"127\.0\.0\.1:(\d+)/", stderr.read_text())
            port = int(found[1]) if found else 0
            time.sleep(0.05)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            wait_until(lambda: page.evaluate(ALL_SHOWN), 1800, "the first build's page images")
            for count in range(1, arguments.repeat + 1):
                time.sleep(1.0)  # the watcher and the machine settle
                word = f"Zqx{count}marker"
                paragraphs = target.read_text(encoding="utf-8").split("\n\n")
                paragraphs.insert(len(paragraphs) // 2, f"{word} is one more paragraph, added in the middle of "
                                                        "the article to change it.")
                written = time.monotonic()
                target.write_text("\n\n".join(paragraphs), encoding="utf-8")
                wait_until(lambda word=word: page.evaluate(SHOWN, word), 600, f"edit {count} on the page")
                samples.append(time.monotonic() - written)
                print(f"edit {count}: {samples[-1]:.2f} s", flush=True)
            browser.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    median = statistics.median(samples)
    print(f"publish preview on {arguments.source}: from the write to the new page image, "
          f"median {median:.2f} s of {len(samples)}")
    if arguments.json:
        arguments.json.write_text(json.dumps({"median_s": median, "samples_s": samples}) + "\n", encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
