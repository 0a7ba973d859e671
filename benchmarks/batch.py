"""A batch of synthetic briefings built here and on a local Dask cluster, and what that
says about 2,000 briefings on many workers.

    python benchmarks/batch.py [--books 20] [--articles 5] [--json results.json]

Measured, in one run on this machine:

- the batch built by forked processes here (``LocalExecutor``, one per core);
- the same batch on a ``distributed.LocalCluster`` of as many worker processes, over
  TCP on 127.0.0.1: every task pickled, sent, unpickled, its result sent back, as
  on remote machines;
- per book: the client's own work (reading and transforming the sources, writing
  the outputs), the task's work on a worker (Dask's task stream: start to end),
  the bytes a task carries (its pickle) and brings back (the outputs);
- the disk: how fast this machine writes outputs atomically (fsync included).

From these, the time for 2,000 briefings on 1, 8, 32 and 128 workers: the client
reads, sends, receives and writes every book one after another (the serial part),
while the workers render side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PROJECTED_BOOKS = 2000
PROJECTED_WORKERS = (1, 8, 32, 128)


def make_books(root: Path, books: int, articles: int) -> list[Path]:
    from synthetic import SEED, generate

    folders = []
    for index in range(books):
        folder = generate(articles, root / f"briefing-{index:03d}", seed=SEED + index)
        manifest = folder / "briefing.toml"  # a slug of its own: each book has its own output folder
        manifest.write_text(manifest.read_text().replace(f'slug = "synthetic-{articles}"',
                                                         f'slug = "briefing-{index:03d}"'), encoding="utf-8")
        folders.append(folder)
    return folders


def timed_batch(folders: list[Path], outdir: Path, executor) -> tuple[float, list]:
    from publish.build.batch import BookRequest, run_batch
    from publish.build.pipeline import BuildOptions

    started = time.perf_counter()
    outcomes = run_batch([BookRequest(f, None, BuildOptions(use_cache=False)) for f in folders], outdir, executor)
    elapsed = time.perf_counter() - started
    failed = [o.error for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"batch failed: {failed[:3]}")
    return elapsed, outcomes


def client_work(folders: list[Path], outdir: Path) -> tuple[float, float, int]:
    """Seconds per book to read and prepare it here, bytes a task carries, seconds to write."""
    import cloudpickle

    from publish.build.batch import _travelling, render_book
    from publish.build.pipeline import BuildOptions, prepare, write_outputs
    from publish.build.workers import LocalExecutor, reporting
    from publish.diagnostics import Reporter

    class Ships(LocalExecutor):  # to prepare as for a cluster
        @property
        def ships(self) -> bool:
            return True

    prepare_seconds, write_seconds, task_bytes = [], [], []
    for folder in folders[:5]:
        reporter = Reporter(stream=None)
        started = time.perf_counter()
        prepared = prepare(folder, outdir / folder.name, BuildOptions(use_cache=False), reporter, LocalExecutor(1))
        travelling = _travelling(prepared, Ships(1))
        task = reporting(lambda r, p=travelling: render_book(p, r))
        prepare_seconds.append(time.perf_counter() - started)
        task_bytes.append(len(cloudpickle.dumps(task)))
        outputs = render_book(travelling, reporter).outputs
        started = time.perf_counter()
        write_outputs(prepared, list(outputs), reporter)
        write_seconds.append(time.perf_counter() - started)
    return statistics.fmean(prepare_seconds), statistics.fmean(write_seconds), int(statistics.fmean(task_bytes))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1763596800")

    import distributed

    from publish.build.cluster import ClusterExecutor
    from publish.build.workers import LocalExecutor, jobs

    workers = jobs()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folders = make_books(root / "src", args.books, args.articles)
        local_seconds, outcomes = timed_batch(folders, root / "local", LocalExecutor(workers))
        output_bytes = sum(p.stat().st_size for o in outcomes for p in o.written) / len(outcomes)
        pages = statistics.fmean(o.pages for o in outcomes)
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None) as cluster:
            executor = ClusterExecutor(cluster.scheduler_address)
            try:
                executor.client.get_task_stream()  # start recording
                with distributed.get_task_stream(client=executor.client) as stream:
                    cluster_seconds, _ = timed_batch(folders, root / "cluster", executor)
                tasks = [t for t in stream.data if t["key"].startswith("book-")]
                compute = [sum(s["stop"] - s["start"] for s in t["startstops"] if s["action"] == "compute")
                           for t in tasks]
            finally:
                executor.close()
        prepare_seconds, write_seconds, task_bytes = client_work(folders, root / "client")
    task_seconds = statistics.fmean(compute)
    # the cluster's own cost per book: what its wall time holds beyond the tasks' work, spread over the workers
    overhead = max(0.0, cluster_seconds - args.books * task_seconds / workers) / args.books
    serial = prepare_seconds + write_seconds + overhead / workers
    figures = {
        "books": args.books, "articles_per_book": args.articles, "pages_per_book": pages, "workers": workers,
        "local_seconds": local_seconds, "cluster_seconds": cluster_seconds,
        "task_seconds": task_seconds, "overhead_per_book": overhead,
        "client_prepare_seconds": prepare_seconds, "client_write_seconds": write_seconds,
        "task_bytes": task_bytes, "result_bytes": output_bytes,
        "projection": {str(w): PROJECTED_BOOKS * max(serial, task_seconds / w) + task_seconds
                       for w in PROJECTED_WORKERS},
        "workers_until_client_bound": task_seconds / serial,
        "disk_bytes_per_second_needed_at_128": PROJECTED_BOOKS * output_bytes /
        (PROJECTED_BOOKS * max(serial, task_seconds / 128)),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
