"""Where a build's independent work runs: the executor seam.

A build has work that needs nothing from the work beside it: the EPUB and the
DOCX render while the PDF is laid out, the editor's findings are worked out
meanwhile, the sources of a large book are parsed in batches, the parts of a
long PDF are typeset side by side.  It all goes through an :class:`Executor`:
``map`` runs tasks and gives their results in order, ``start`` runs one task
in the background.  :class:`LocalExecutor` forks a child process per task on
this machine (or runs everything here, in order, with one worker).

A task is a callable of no arguments; one that gives warnings is wrapped with
:func:`reporting`, so that its warnings travel back with its result
(:class:`Reported`) and the caller replays them, in order, into its reporter.
Nothing here imports a reader or a renderer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, Protocol, TypeVar

from ..diagnostics import BuildError, Diagnostic, InputError, Reporter
from .timelimit import time_limit, timed_out

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


# ------------------------------------------------------------------ the seam


class Job(Protocol[T_co]):
    """A task running in the background."""

    def result(self, timeout: float) -> T_co:
        """Its result, waiting at most ``timeout`` seconds (0: no limit); its failure raised here."""
        ...

    def stop(self) -> None:
        """Stop it, if it still runs; nothing else happens to it."""
        ...


class Executor(Protocol):
    """Runs a build's independent tasks."""

    @property
    def workers(self) -> int:
        """How many tasks may run at once (1: one after the other, here)."""
        ...

    @property
    def ships(self) -> bool:
        """Whether tasks leave this machine: then what they need must travel with them
        (``RenderContext.portable``), and nothing they do to this machine's files counts."""
        ...

    def map(self, name: str, tasks: Sequence[Callable[[], T]]) -> list[T]:
        """Every task's result, in order; the first failure stops the rest and is raised."""
        ...

    def start(self, name: str, task: Callable[[], T]) -> Job[T]:
        """``task`` running in the background."""
        ...

    def each(self, name: str, tasks: Sequence[Callable[[], T]]) -> Iterator[tuple[int, T | BuildError]]:
        """Every task's index and result as it comes; a task that fails gives its error and
        the others go on (a batch of books)."""
        ...


@dataclass(frozen=True)
class Reported(Generic[T]):
    """A result and the warnings given on the way to it."""

    value: T
    warnings: tuple[Diagnostic, ...]


def reporting(work: Callable[[Reporter], T], strict: bool = False) -> Callable[[], Reported[T]]:
    """A task that runs ``work`` with a reporter of its own and hands back what it reported."""
    return _Reporting(work, strict)


@dataclass(frozen=True)
class _Reporting(Generic[T]):
    work: Callable[[Reporter], T]
    strict: bool

    def __call__(self) -> Reported[T]:
        reporter = Reporter(stream=None, strict=self.strict)
        value = self.work(reporter)
        return Reported(value, tuple(reporter.warnings))


# --------------------------------------------------------------- this machine


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


class LocalExecutor:
    """Forked child processes on this machine, one per task.

    A child per task gives its memory back when the task ends, and shares what
    this process already holds without pickling it (fork, not spawn: only
    results travel back).  With one worker every task runs here, in order, and
    gives the same result.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or jobs()

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def ships(self) -> bool:
        return False

    def map(self, name: str, tasks: Sequence[Callable[[], T]]) -> list[T]:
        if self._workers <= 1 or len(tasks) <= 1:
            return [task() for task in tasks]
        return [_unwrap(name, result) for _, result in sorted(_forked_each(name, tasks, self._workers, stop=True))]

    def each(self, name: str, tasks: Sequence[Callable[[], T]]) -> Iterator[tuple[int, T | BuildError]]:
        if self._workers <= 1:
            for index, task in enumerate(tasks):
                yield index, _settled(name, task)
            return
        for index, result in _forked_each(name, tasks, self._workers, stop=False):
            yield index, result if not isinstance(result, BaseException) else _as_build_error(name, result)

    def start(self, name: str, task: Callable[[], T]) -> Job[T]:
        if self._workers <= 1:
            return _Deferred(name, task)
        return _Forked(name, task)


class _Deferred(Generic[T]):
    """A background task with no other process to run in: it runs when its result is asked for."""

    def __init__(self, name: str, task: Callable[[], T]) -> None:
        self.name = name
        self.task: Callable[[], T] | None = task

    def result(self, timeout: float) -> T:
        if self.task is None:
            raise BuildError(self.name, f"the {self.name} task was stopped")
        task, self.task = self.task, None
        with time_limit(timeout, self.name):
            return task()

    def stop(self) -> None:
        self.task = None


#: The parent's ends of the pipes to its children.  A child closes every one it inherited:
#: holding the reading end of its own pipe, a child whose parent was killed would wait
#: forever to write its result instead of failing and exiting.
_PARENT_ENDS: set[Connection] = set()


def _pipe() -> tuple[Connection, Connection]:
    """(receiving end, sending end); the parent's, the receiving one, is remembered."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    _PARENT_ENDS.add(receive)
    return receive, send


def _close(end: Connection) -> None:
    _PARENT_ENDS.discard(end)
    end.close()


def _fork(task: Callable[[], object], daemon: bool = True) -> tuple[Connection, BaseProcess]:
    receive, send = _pipe()
    process = multiprocessing.get_context("fork").Process(target=_run_in_child, args=(task, send), daemon=daemon)
    process.start()
    send.close()
    return receive, process


def _run_in_child(task: Callable[[], object], send: Connection) -> None:
    for end in list(_PARENT_ENDS):
        _close(end)
    try:
        send.send(("ok", task()))
    except (BuildError, InputError) as exc:  # raised again by the parent, as they are
        send.send(("raise", exc))
    except Exception as exc:  # reported by the parent, which decides the exit status
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _receive(name: str, receive: Connection, process: BaseProcess) -> object:
    try:
        status, payload = receive.recv()
    except EOFError:
        process.join()
        raise BuildError(name, f"the {name} worker stopped unexpectedly (exit status {process.exitcode})") from None
    finally:
        _close(receive)
    process.join()
    if status == "raise":
        raise payload
    if status != "ok":
        raise BuildError(name, payload)
    return payload


def _forked_each(name: str, tasks: Sequence[Callable[[], T]], workers: int,
                 stop: bool) -> Iterator[tuple[int, T | BaseException]]:
    """Each task in a child of its own, at most ``workers`` at a time, as they end; with
    ``stop``, the first failure stops the rest."""
    waiting = iter(enumerate(tasks))
    running: dict[Connection, tuple[int, BaseProcess]] = {}
    done = 0
    try:
        while done < len(tasks):
            for index, task in itertools.islice(waiting, workers - len(running)):
                receive, process = _fork(task)
                running[receive] = (index, process)
            for ready in wait(list(running)):
                assert isinstance(ready, Connection)
                index, process = running.pop(ready)
                done += 1
                try:
                    result: T | BaseException = _receive(name, ready, process)  # type: ignore[assignment]
                except (BuildError, InputError) as error:
                    if stop:
                        raise
                    result = error
                yield index, result
    finally:
        for receive, (_, process) in running.items():
            process.kill()
            process.join()
            _close(receive)


def _unwrap(name: str, result: T | BaseException) -> T:
    if isinstance(result, BaseException):
        raise result
    return result


def _settled(name: str, task: Callable[[], T]) -> T | BuildError:
    try:
        return task()
    except (BuildError, InputError) as error:
        return _as_build_error(name, error)
    except Exception as error:  # a task's own failure is its result; the batch goes on
        return BuildError(name, f"{type(error).__name__}: {error}")


def _as_build_error(name: str, error: BaseException) -> BuildError:
    if isinstance(error, BuildError):
        return error
    if isinstance(error, InputError):
        return BuildError(error.diagnostic.pos, error.diagnostic.message)
    return BuildError(name, f"{type(error).__name__}: {error}")


def forked_build(task: Callable[[], T]) -> Job[T]:
    """A whole build in a forked child, started at once: unlike a task's, its process may
    fork children of its own (the build's tasks)."""
    return _Forked("build", task, daemon=False)


class _Forked(Generic[T]):
    """One task in a forked child, started at once."""

    def __init__(self, name: str, task: Callable[[], T], daemon: bool = True) -> None:
        self.name = name
        self.receive, self.process = _fork(task, daemon)

    def result(self, timeout: float) -> T:
        if not self.receive.poll(timeout if timeout > 0 else None):
            self.stop()
            raise timed_out(self.name, timeout)
        return _receive(self.name, self.receive, self.process)  # type: ignore[return-value]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        _close(self.receive)
