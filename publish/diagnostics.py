"""Messages about the sources, in the ``path:line:col: severity: text`` form editors understand."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from .model.nodes import Pos


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str  # "error" or "warning"
    pos: Pos
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity}: {self.message}"


class InputError(Exception):
    """Bad input: the build cannot go on.  The CLI prints it and exits with status 2."""

    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(f"{pos}: error: {message}")
        self.diagnostic = Diagnostic("error", pos, message)

    def __reduce__(self):  # so that a child process can hand it to its parent
        return (InputError, (self.diagnostic.pos, self.diagnostic.message))


class BuildError(Exception):
    """A build or check failed for a reason other than its input (exit status 1)."""

    def __init__(self, pos: Pos | str, message: str) -> None:
        super().__init__(f"{pos}: error: {message}")
        self.where = pos
        self.message = message

    def __reduce__(self):  # so that a child process can hand it to its parent
        return (BuildError, (self.where, self.message))


@dataclass
class Reporter:
    """Collects warnings during a run and echoes them to a stream as they come."""

    stream: TextIO | None = field(default_factory=lambda: sys.stderr)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: With --strict a warning is an error: it is labelled so, and the build fails.
    strict: bool = False

    def warn(self, pos: Pos, message: str) -> None:
        diagnostic = Diagnostic("error" if self.strict else "warning", pos, message)
        if diagnostic in self.warnings:
            return
        self.warnings.append(diagnostic)
        if self.stream is not None:
            print(diagnostic, file=self.stream)

    def note(self, message: str) -> None:
        """A line for the reader that is not about a place in a source (a summary)."""
        if self.stream is not None:
            print(f"publish: {message}", file=self.stream)

    def replay(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Warn again, in order, what another reporter collected (a child process, a
        cached result): each labelled by this reporter's strictness."""
        for diagnostic in diagnostics:
            self.warn(diagnostic.pos, diagnostic.message)
