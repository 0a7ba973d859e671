"""Issue 22, target 5: does ``publish preview`` keep its memory over many rebuilds?

    .venv/bin/python benchmarks/preview_memory.py                     # 50 rebuilds of content/
    .venv/bin/python benchmarks/preview_memory.py --rebuilds 10 --source /tmp/brief100

Starts ``publish preview`` on a copy of the source folder, with a client that
does what the page does (listens to ``/events``, reads ``/state`` and fetches
each new page image and its text), then edits one source N times, each time
waiting until the rebuild's page images are all stored.  After the first and
the last rebuild it reads, from ``/proc/PID/status``, the peak (``VmHWM``) and
current (``VmRSS``) resident memory of the two long-lived processes: the
server and its warm build process.  Each build runs in a child forked from the
build process, which gives its memory back when it exits; the peak of the
largest such job is reported from the server's rusage of its children only
after the preview has stopped, so it is not shown here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def memory(pid: int) -> dict[str, int]:
    """Peak and current resident memory of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = int(value.split()[0])
    return fields


def request(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.read()
    finally:
        connection.close()


def listen(port: int, stop: threading.Event) -> None:
    """An open event stream, read as a page reads it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/events")
    response = connection.getresponse()
    while not stop.is_set() and response.readline():
        pass
    connection.close()


def wait_for_build(port: int, builds: int, fetched: set[str], limit: float = 1800) -> dict:
    """Wait until build number ``builds`` is done and its images stored; fetch the new ones."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = json.loads(request(port, "/state"))
        if state["builds"] >= builds and not state["building"] and all(p["ready"] for p in state["pages"]):
            if state["errors"]:
                raise SystemExit(f"build failed: {state['errors']}")
            for page in state["pages"]:
                if page["key"] not in fetched:
                    request(port, f"/pages/{page['key']}.png")
                    request(port, f"/pages/{page['key']}.txt")
                    fetched.add(page["key"])
            return state
        time.sleep(0.2)
    raise SystemExit(f"build {builds} did not finish in {limit:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT / "content", help="a source folder (default: content/)")
    parser.add_argument("--rebuilds", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write the figures here (KiB: the peaks of the server and "
                                                   "the build process, together, after rebuild 1 and the last)")
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="preview-memory-"))
    shutil.copytree(arguments.source, scratch / "book")
    sources = sorted(p for p in (scratch / "book").iterdir() if p.suffix in (".md", ".txt"))
    target = next((p for p in sources if p.suffix == ".md"), sources[0])
    original = target.read_text()
    paragraphs = original.split("\n\n")
    env = {**os.environ, "PUBLISH_CACHE_DIR": str(scratch / "cache"), "SOURCE_DATE_EPOCH": "1763596800"}
    log = (scratch / "preview.err").open("w")
    process = subprocess.Popen([str(PYTHON), "-m", "publish", "preview", "book", "-o", "out"], cwd=scratch, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                               start_new_session=True)
    stop = threading.Event()
    try:
        port = 0
        while not port:
            if process.poll() is not None:
                raise SystemExit((scratch / "preview.err").read_text())
            found = re.search(r"127\.0\.0\.1:(\d+)/", (scratch / "preview.err").read_text())
            port = int(found[1]) if found else 0
            time.sleep(0.05)
        threading.Thread(target=listen, args=(port, stop), daemon=True).start()
        fetched: set[str] = set()
        wait_for_build(port, 1, fetched)
        builder = next(int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children")
                       .read_text().split())
        rows = [("first build", memory(process.pid), memory(builder))]
        started = time.monotonic()
        for rebuild in range(1, arguments.rebuilds + 1):
            middle = len(paragraphs) // 2  # a paragraph added mid-article, as issue 22's edit is
            edited = [*paragraphs[:middle], f"Rebuild {rebuild} of the memory benchmark.", *paragraphs[middle:]]
            target.write_text("\n\n".join(edited))
            wait_for_build(port, rebuild + 1, fetched)
            if rebuild in (1, 10, 25, 50, 100) or rebuild == arguments.rebuilds:
                rows.append((f"rebuild {rebuild}", memory(process.pid), memory(builder)))
        seconds = time.monotonic() - started
    finally:
        stop.set()
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
        log.close()
    print(f"publish preview on {arguments.source}: {arguments.rebuilds} rebuilds after the first, "
          f"{seconds / arguments.rebuilds:.2f} s each (edit to all page images stored)")
    print(f"{'after':>14} {'server peak':>12} {'server now':>11} {'builder peak':>13} {'builder now':>12}  (MiB)")
    for label, server, build in rows:
        print(f"{label:>14} {server['VmHWM'] / 1024:>12.1f} {server['VmRSS'] / 1024:>11.1f} "
              f"{build['VmHWM'] / 1024:>13.1f} {build['VmRSS'] / 1024:>12.1f}")
    first, last = rows[1], rows[-1]
    grew = last[1]["VmHWM"] > first[1]["VmHWM"] or last[2]["VmHWM"] > first[2]["VmHWM"]
    print(f"peak memory after {last[0]}: " + ("HIGHER than" if grew else "no higher than") + " after rebuild 1")
    if arguments.json:
        arguments.json.write_text(json.dumps({
            "rebuilds": arguments.rebuilds, "seconds_per_rebuild": seconds / arguments.rebuilds,
            "first_peak_kib": first[1]["VmHWM"] + first[2]["VmHWM"],
            "last_peak_kib": last[1]["VmHWM"] + last[2]["VmHWM"],
            "rows": [{"after": label, "server": server, "builder": build} for label, server, build in rows],
        }) + "\n", encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    return 1 if grew else 0


if __name__ == "__main__":
    sys.exit(main())
