"""Where one ``publish`` run spends its time: wall seconds of each step, on stderr.

    .venv/bin/python benchmarks/phases.py build SOURCE -o OUTDIR -f epub,docx

takes the same arguments as ``publish`` and runs it in this process, with the
pipeline's steps wrapped in timers: the imports, reading, the transforms,
each renderer's import and render (a renderer in a child process reports from
there), the waits for the children, writing, the build manifest and the cache's
pruning.  It is how the steps in ``benchmarks/README.md`` were measured; unlike
cProfile it adds next to nothing to what it measures.
"""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()


def report(label: str, since: float) -> None:
    now = time.perf_counter()
    print(f"{label:28s} {now - since:6.3f} s  (ends at {now - STARTED:.3f} s)", file=sys.stderr)


def timed(owner: object, name: str, label: str | None = None) -> None:
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        since = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            report(label or name, since)

    setattr(owner, name, wrapper)


def main() -> int:
    since = time.perf_counter()
    from publish import cli
    from publish import render as renderers
    from publish.build import book, workers
    from publish.build import pipeline as api
    from publish.build.cache import BuildCache

    report("imports", since)
    for name in ("read_book", "apply_transforms"):
        timed(book, name)
    for name in ("write_atomic", "write_build_manifest"):
        timed(api, name)
    timed(BuildCache, "prune")
    result = workers._Forked.result

    def waited(child, *args, **kwargs):
        since = time.perf_counter()
        try:
            return result(child, *args, **kwargs)
        finally:
            report(f"waiting for {child.name}", since)

    workers._Forked.result = waited  # type: ignore[method-assign]
    get_renderer = renderers.get_renderer

    def timed_renderer(name: str):
        since = time.perf_counter()
        render = get_renderer(name)
        report(f"import {name}", since)

        def run(*args, **kwargs):
            since = time.perf_counter()
            try:
                return render(*args, **kwargs)
            finally:
                report(f"render {name}", since)

        return run

    api.get_renderer = timed_renderer
    try:
        return cli.main(sys.argv[1:])
    finally:
        report("total", STARTED)


if __name__ == "__main__":
    sys.exit(main())
