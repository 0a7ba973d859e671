"""A time limit for a step of the build, so a hostile document cannot hang ``make``."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from ..diagnostics import BuildError


def timed_out(what: str, seconds: float) -> BuildError:
    """The error for a step that ran out of time, the same wherever the limit is kept."""
    return BuildError(what, f"stopped after {seconds:g} s (raise the limit with --timeout)")


class _Expired(BaseException):
    """Not an Exception, so that no library's ``except Exception`` can swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`BuildError` if the block runs longer than ``seconds`` (0: no limit).

    It uses the real-time interval timer, which only the main thread can
    receive; elsewhere the block runs unbounded.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer repeats: should a library swallow the first interruption, the next one comes.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    except _Expired:
        raise timed_out(what, seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
