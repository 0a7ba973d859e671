"""Hugo's TOML front matter between ``+++`` lines, read with ``tomllib``.

The values are handed on as YAML nodes, the form the YAML front matter has, so
that one set of accessors (``frontmatter.string``, ``entries``...) reads both.
Keys of the ``[params]`` table, where Hugo sites keep their own keys, read as
if they were at the top level.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

import yaml

from ...diagnostics import InputError
from ...model.nodes import Pos
from .frontmatter import FrontMatter

_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")
_CURLY = "“”‘’"


def opens(text: str) -> bool:
    """Whether the text starts with TOML front matter."""
    return _OPEN.match(text) is not None


def split(text: str, path: str) -> FrontMatter:
    """The front matter's keys (``[params]`` ones among them) and where the body starts."""
    opening = _OPEN.match(text)
    assert opening is not None, "split() is for text that opens() says has TOML front matter"
    close = _CLOSE.search(text, opening.end())
    if close is None:
        raise InputError(Pos(path, 1, 1), "front matter opened with '+++' is never closed")
    toml_text = text[opening.end() : close.start()]
    body_start = close.end() + 1 if close.end() < len(text) else close.end()
    body_line = text.count("\n", 0, body_start) + 1
    values = _parse(toml_text, path, body_line - 1)
    params = values.pop("params", None)
    if isinstance(params, dict):
        for key, value in params.items():
            values.setdefault(key, value)
    lines = toml_text.split("\n")
    representer = yaml.representer.SafeRepresenter()
    nodes = {str(key): (representer.represent_data(_plain(value)), _where(lines, str(key), path))
             for key, value in values.items()}
    return FrontMatter(nodes, text[body_start:], body_line, path)


def _parse(toml_text: str, path: str, closing_line: int) -> dict[str, Any]:
    try:
        return tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _AT.search(message)
        line, col = closing_line, 1  # "at end of document"
        if at and at.group(1):
            line, col = int(at.group(1)) + 1, int(at.group(2))  # +1: the TOML starts below '+++'
        reason = _AT.sub("", message) + _hint(toml_text, line - 1)
        raise InputError(Pos(path, line, col), f"front matter is not valid TOML: {reason}") from None


def _hint(toml_text: str, line: int) -> str:
    """The likely cause of the two mistakes people make most in TOML front matter."""
    lines = toml_text.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if any(quote in text for quote in _CURLY):
        return " (typographic quotes “ ” are not TOML quotes: write straight quotes \"...\")"
    if re.match(r"\s*[\w-]+\s*:\s", text):
        return " (this is YAML: TOML writes key = value)"
    return ""


def _plain(value: Any) -> Any:
    """TOML's values as YAML can represent them (a time of day as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _where(lines: list[str], key: str, path: str) -> Pos:
    """Where the value of ``key`` is written (its first ``key =`` line), for messages."""
    pattern = re.compile(r"\s*[\"']?" + re.escape(key) + r"[\"']?\s*=\s*")
    for number, line in enumerate(lines, 2):
        found = pattern.match(line)
        if found:
            return Pos(path, number, found.end() + 1)
    return Pos(path, 2, 1)
