"""Past one machine: a batch of briefings and a long book in parts on a real Dask scheduler.

A ``distributed.LocalCluster`` (two worker processes, TCP on 127.0.0.1) stands in
for a cluster: its workers are other processes that get every task pickled, as
remote machines would.  A book built there must have the bytes it has when built
here, a worker killed in the middle of a batch must cost nothing but time, and
nothing half-written may be left.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import distributed
import pytest

from publish.api import BuildOptions, build
from publish.build.batch import BookRequest, run_batch
from publish.build.cluster import ClusterExecutor
from publish.build.workers import LocalExecutor
from publish.diagnostics import Reporter
from tests.test_pdf_parts import write_book

from .conftest import CONTENT, SOURCES

BOOKS = 6


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local_cluster:
        executor = ClusterExecutor(local_cluster.scheduler_address)
        try:
            yield local_cluster, executor
        finally:
            executor.close()


@pytest.fixture(scope="module")
def six_books(tmp_path_factory) -> list[Path]:
    """Six small briefings: the example, the test sources, and four cut from them."""
    root = tmp_path_factory.mktemp("books")
    books = [CONTENT, SOURCES]
    for index, name in enumerate(sorted(p.name for p in SOURCES.glob("*.md"))[:2] +
                                 sorted(p.name for p in SOURCES.glob("*.txt"))[:2]):
        folder = root / f"book-{index}"
        folder.mkdir()
        shutil.copy(SOURCES / name, folder / name)
        if (SOURCES / "images").is_dir():
            shutil.copytree(SOURCES / "images", folder / "images")
        (folder / "briefing.toml").write_text(f'title = "Book {index}"\nslug = "book-{index}"\n'
                                              f'sources = ["{name}"]\n', encoding="utf-8")
        books.append(folder)
    assert len(books) == BOOKS
    return books


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".pdf", ".epub", ".docx")}


@pytest.fixture(scope="module")
def local_batch(six_books, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as patch:  # the tests' own moment, as conftest sets it for each test
        patch.setenv("SOURCE_DATE_EPOCH", "1763596800")
        outcomes = run_batch([BookRequest(b, None, BuildOptions(use_cache=False)) for b in six_books], out,
                             LocalExecutor())
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return out


def test_a_batch_on_the_cluster_is_the_batch_built_here(cluster, six_books, local_batch, tmp_path) -> None:
    _, executor = cluster
    outcomes = run_batch([BookRequest(b, None, BuildOptions()) for b in six_books], tmp_path, executor)
    assert [o.error for o in outcomes] == [""] * BOOKS
    assert all(o.pages > 0 for o in outcomes)
    assert outputs(tmp_path) == outputs(local_batch)
    assert len(outputs(tmp_path)) == 3 * BOOKS


def test_a_book_of_a_batch_is_the_book_publish_build_writes(local_batch, tmp_path) -> None:
    build(CONTENT, tmp_path, BuildOptions(use_cache=False), Reporter(stream=None))
    assert outputs(tmp_path) == outputs(local_batch / "us-japan-briefing")


def test_a_book_in_parts_on_the_cluster(cluster, tmp_path) -> None:
    """Seven articles, nine parts, typeset on the workers."""
    _, executor = cluster
    source = write_book(tmp_path / "book")
    here = tmp_path / "here"
    there = tmp_path / "there"
    build(source, here, BuildOptions(formats=["pdf"], use_cache=False), Reporter(stream=None))
    build(source, there, BuildOptions(formats=["pdf"], executor=executor), Reporter(stream=None))
    assert outputs(there) == outputs(here)


def test_a_worker_lost_in_the_middle_of_a_batch_costs_only_time(cluster, six_books, local_batch, tmp_path) -> None:
    local_cluster, executor = cluster
    pids = executor.client.run(os.getpid)
    killed: list[int] = []

    def kill_one(outcome) -> None:
        if not killed:  # after the first book: the others are queued or running
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    outcomes = run_batch([BookRequest(b, None, BuildOptions()) for b in six_books], tmp_path, executor,
                         progress=kill_one)
    assert killed
    assert [o.error for o in outcomes] == [""] * BOOKS
    assert outputs(tmp_path) == outputs(local_batch)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # nothing half-written
    local_cluster.wait_for_workers(2, timeout=60)  # the nanny brings it back for the next test


def test_one_failing_book_stops_no_other(cluster, six_books, tmp_path) -> None:
    _, executor = cluster
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "briefing.toml").write_text('title = "Broken"\nsources = ["missing.md"]\n', encoding="utf-8")
    outcomes = run_batch([BookRequest(broken, None, BuildOptions()),
                          BookRequest(six_books[2], None, BuildOptions())], tmp_path / "out", executor)
    assert not outcomes[0].ok and "missing.md" in outcomes[0].error
    assert outcomes[1].ok and outcomes[1].written
