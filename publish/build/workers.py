"""Work in forked child processes: one format while the parent renders another, the
editor's findings meanwhile, and the parts of a long PDF side by side.

The EPUB needs nothing from the PDF, so on a machine with two cores it is
rendered in a forked child during the PDF's layout, and the lint works out its
findings in another.  The DOCX is written in a third, which is sent the PDF's
page numbers for its contents when the PDF is done.  A child reports its
warnings back instead of printing them, so the user sees each once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import TypeVar

from ..diagnostics import BuildError, InputError, Reporter
from ..model.nodes import Book
from ..render import Renderer
from ..render.context import RenderContext, Rendered
from .timelimit import timed_out

T = TypeVar("T")

#: The parent's ends of the pipes to its children.  A child closes every one it inherited:
#: holding the reading end of its own pipe, a child whose parent was killed would wait
#: forever to write its result (or holding the writing end of another's, to read its
#: page numbers) instead of failing and exiting.
_PARENT_ENDS: set[Connection] = set()


def _pipe(fork) -> tuple[Connection, Connection]:
    """(receiving end, sending end); the parent's, the receiving one, is remembered."""
    receive, send = fork.Pipe(duplex=False)
    _PARENT_ENDS.add(receive)
    return receive, send


def _close(end: Connection) -> None:
    _PARENT_ENDS.discard(end)
    end.close()


def _in_child() -> None:
    for end in list(_PARENT_ENDS):
        _close(end)


def jobs() -> int:
    """How many processes may work at once: PUBLISH_JOBS, else the cores this process may use.

    One where there is no fork: the work then runs in this process, in order.
    """
    if not sys.platform.startswith("linux"):
        return 1
    wanted = os.environ.get("PUBLISH_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, len(os.sched_getaffinity(0)))


def available() -> bool:
    """Whether to render in parallel: more than one core, fork, and not turned off."""
    return jobs() > 1


def run_all(name: str, tasks: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """Every task's result, in order.

    With more than one worker each task runs in a forked child of its own, at most
    ``workers`` at a time: a child per task gives its memory back when the task ends,
    and shares what this process already holds without pickling it (only results
    travel).  With one worker the tasks run here, in order, and give the same results.
    A task that fails or a child that dies stops the rest.
    """
    if workers <= 1 or len(tasks) <= 1:
        return [task() for task in tasks]
    fork = multiprocessing.get_context("fork")
    waiting = iter(enumerate(tasks))
    running: dict[Connection, tuple[int, multiprocessing.process.BaseProcess]] = {}
    results: dict[int, T] = {}
    try:
        while len(results) < len(tasks):
            for index, task in itertools.islice(waiting, workers - len(running)):
                receive, send = _pipe(fork)
                process = fork.Process(target=_run_in_child, args=(task, send), daemon=True)
                process.start()
                send.close()
                running[receive] = (index, process)
            for receive in wait(list(running)):
                index, process = running.pop(receive)
                results[index] = _receive(name, receive, process)
    finally:
        for receive, (_, process) in running.items():
            process.kill()
            process.join()
            _close(receive)
    return [results[index] for index in range(len(tasks))]


def _run_in_child(task: Callable[[], object], send: Connection) -> None:
    _in_child()
    try:
        send.send(("ok", task()))
    except (BuildError, InputError) as exc:  # raised again by the parent, as they are
        send.send(("raise", exc))
    except Exception as exc:  # reported by the parent, which decides the exit status
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _receive(name: str, receive: Connection, process: multiprocessing.process.BaseProcess) -> object:
    try:
        status, payload = receive.recv()
    except EOFError:
        process.join()
        raise BuildError(name, f"a {name} worker stopped unexpectedly (exit status {process.exitcode})") from None
    finally:
        _close(receive)
    process.join()
    if status == "raise":
        raise payload
    if status != "ok":
        raise BuildError(name, payload)
    return payload


class ChildRender:
    """One format rendering in a forked child (or any work given as a renderer: a
    callable of the book and context); :meth:`result` waits for it."""

    def __init__(self, name: str, renderer: Renderer, book: Book, context: RenderContext) -> None:
        # fork, not spawn: the child shares the parent's book and renderer as they are, unpickled
        fork = multiprocessing.get_context("fork")
        self.name = name
        self.receive, send = _pipe(fork)
        self.process = fork.Process(target=_render_in_child, args=(renderer, book, context, send), daemon=True)
        self.process.start()
        send.close()

    def result(self, timeout: float, reporter: Reporter) -> object:
        if not self.receive.poll(timeout if timeout > 0 else None):
            self.stop()
            raise timed_out(self.name, timeout)
        try:
            status, payload, warnings = self.receive.recv()
        except EOFError:
            self.stop()
            raise BuildError(self.name, f"the {self.name} child process stopped unexpectedly "
                                        f"(exit status {self.process.exitcode})") from None
        self.process.join()
        _close(self.receive)
        reporter.replay(warnings)
        if status != "ok":
            raise BuildError(self.name, payload)
        return payload

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        _close(self.receive)


def _render_in_child(renderer: Renderer, book: Book, context: RenderContext, send: Connection) -> None:
    _in_child()
    reporter = Reporter(stream=None, strict=context.reporter.strict)
    context.resources.reporter = reporter  # the child's own copy of the resources
    try:
        result = renderer(book, replace(context, reporter=reporter))
        data = result.data if isinstance(result, Rendered) else result
        send.send(("ok", data, reporter.warnings))
    except Exception as exc:  # reported by the parent, which decides the exit status
        send.send(("error", f"{type(exc).__name__}: {exc}", reporter.warnings))
    finally:
        send.close()
