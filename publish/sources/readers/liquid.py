"""Liquid template tags in Jekyll posts: they mean nothing outside Jekyll, so they are removed."""

from __future__ import annotations

import re

from ...diagnostics import Reporter
from ..ingest import position_of

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def strip_liquid(text: str, path: str, line_offset: int, reporter: Reporter) -> str:
    """Remove ``{% ... %}`` and ``{{ ... }}`` with a warning each; keep ``{% raw %}`` content.

    Newlines inside a removed tag are kept, so later line numbers stay true.
    """
    out: list[str] = []
    last = 0
    for raw in _RAW.finditer(text):
        out.append(_strip(text, last, raw.start(), path, line_offset, reporter))
        out.append(raw.group(1))
        last = raw.end()
    out.append(_strip(text, last, len(text), path, line_offset, reporter))
    return "".join(out)


def _strip(text: str, start: int, end: int, path: str, line_offset: int, reporter: Reporter) -> str:
    def replace(match: re.Match[str]) -> str:
        pos = position_of(text, start + match.start(), path)
        shown = " ".join(match.group().split())
        if len(shown) > 60:
            shown = shown[:57] + "..."
        reporter.warn(
            type(pos)(path, pos.line + line_offset - 1, pos.col),
            f"Liquid tag removed: {shown}",
        )
        return "\n" * match.group().count("\n")

    return _TAG.sub(replace, text[start:end]) if start < end else ""
