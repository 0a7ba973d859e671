"""Tasks on a Dask cluster: the executor for ``--scheduler tcp://HOST:PORT`` (``PUBLISH_SCHEDULER``).

A task travels to a worker pickled (Dask's cloudpickle) with everything it needs
— the book's model, a portable render context with the theme's files and the
book's images (``RenderContext.portable``) —, so a worker needs the installed
package and its fonts, not the content folder.  Its result travels back, and
this process, the client, writes every output: a worker writes nothing.

Dask retries a task that fails once (``retries=1``), and reschedules the tasks
of a worker that is lost; a task that fails twice is a failure of its book or
format, reported as such.  ``distributed`` is the optional ``cluster`` extra
(``pip install 'publish[cluster]'``): this module imports it only when used.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..diagnostics import BuildError, InputError
from .timelimit import timed_out

if TYPE_CHECKING:
    from distributed import Client, Future

T = TypeVar("T")

#: How long to wait for the scheduler to answer before saying it cannot be reached.
CONNECT_SECONDS = 20


def scheduler_address(given: str | None = None) -> str | None:
    """The scheduler to use: the one given, else ``PUBLISH_SCHEDULER``, else none (this machine)."""
    return given or os.environ.get("PUBLISH_SCHEDULER", "").strip() or None


class ClusterExecutor:
    """Each task a future on a Dask cluster."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise InputError(_where(address), "a scheduler needs the cluster extra: pip install "
                                              "'publish[cluster]' (Dask distributed)") from None
        try:
            self.client: Client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise InputError(_where(address), f"cannot reach the scheduler: {exc}") from None

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    @property
    def ships(self) -> bool:
        return True

    def _submit(self, name: str, task: Callable[[], T]) -> Future:
        # pure=False: the same task twice is two runs; the key names it in the dashboard
        return self.client.submit(task, key=f"{name}-{uuid.uuid4().hex}", pure=False, retries=1)

    def map(self, name: str, tasks: Sequence[Callable[[], T]]) -> list[T]:
        futures = [self._submit(name, task) for task in tasks]
        try:
            return [_result(name, future) for future in futures]
        finally:
            for future in futures:
                future.cancel()

    def start(self, name: str, task: Callable[[], T]) -> _ClusterJob[T]:
        return _ClusterJob(name, self._submit(name, task))

    def each(self, name: str, tasks: Sequence[Callable[[], T]]) -> Iterator[tuple[int, T | BuildError]]:
        from distributed import as_completed

        futures = {self._submit(name, task): index for index, task in enumerate(tasks)}
        with self.client.as_current():  # as_completed asks for the current client
            finished = as_completed(list(futures))
        for future in finished:
            try:
                yield futures[future], _result(name, future)
            except BuildError as error:
                yield futures[future], error

    def close(self) -> None:
        self.client.close()


class _ClusterJob(Generic[T]):
    def __init__(self, name: str, future: Future) -> None:
        self.name = name
        self.future = future

    def result(self, timeout: float) -> T:
        return _result(self.name, self.future, timeout)

    def stop(self) -> None:
        self.future.cancel()


def _result(name: str, future: Any, timeout: float = 0) -> Any:
    """A future's result; its failure as the build's errors say it."""
    try:
        return future.result(timeout=timeout or None)
    except (BuildError, InputError):
        raise
    except TimeoutError:
        raise timed_out(name, timeout) from None
    except Exception as exc:  # the task failed twice, or its worker was lost more than Dask allows
        raise BuildError(name, f"failed on the cluster: {type(exc).__name__}: {exc}") from None


def _where(address: str) -> Any:
    from ..model.nodes import Pos

    return Pos(address, 1, 1)
