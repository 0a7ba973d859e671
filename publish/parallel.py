"""Rendering one format in a child process while the parent renders another.

The EPUB needs nothing from the PDF, so on a machine with two cores it is
rendered in a forked child during the PDF's layout.  The child reports its
warnings back instead of printing them, so the user sees each once.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import replace

from .diagnostics import BuildError, Reporter
from .model import Book
from .renderers import Renderer
from .renderers.context import RenderContext, Rendered
from .timelimit import timed_out


def available() -> bool:
    """Whether to render in parallel: more than one core, fork, and not turned off."""
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1
            and os.environ.get("PUBLISH_JOBS", "") != "1")


class ChildRender:
    """One format rendering in a forked child; :meth:`result` waits for it."""

    def __init__(self, name: str, renderer: Renderer, book: Book, context: RenderContext) -> None:
        # fork, not spawn: the child shares the parent's book and renderer as they are, unpickled
        fork = multiprocessing.get_context("fork")
        self.name = name
        self.receive, send = fork.Pipe(duplex=False)
        self.process = fork.Process(target=_render_in_child, args=(renderer, book, context, send), daemon=True)
        self.process.start()
        send.close()

    def result(self, timeout: float, reporter: Reporter) -> bytes:
        if not self.receive.poll(timeout if timeout > 0 else None):
            self.stop()
            raise timed_out(self.name, timeout)
        try:
            status, payload, warnings = self.receive.recv()
        except EOFError:
            self.stop()
            raise BuildError(self.name, f"the {self.name} renderer stopped unexpectedly "
                                        f"(exit status {self.process.exitcode})") from None
        self.process.join()
        for diagnostic in warnings:
            reporter.warn(diagnostic.pos, diagnostic.message)
        if status != "ok":
            raise BuildError(self.name, payload)
        return payload

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _render_in_child(renderer: Renderer, book: Book, context: RenderContext, send) -> None:
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
