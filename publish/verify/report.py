"""A difference found by the check, pointing at the model node (or the output) it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.nodes import Pos


@dataclass(frozen=True)
class Finding:
    pos: Pos
    fmt: str
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: error: {self.fmt}: {self.message}"
