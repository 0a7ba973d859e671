"""A readable text dump of the model, one block per line, for golden tests and for people.

Like pandoc's native format, it shows structure and text and nothing else:
reviewing a reader change is reading a diff of these dumps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any, assert_never

from . import nodes as m

#: Defaults that say nothing worth a line (the empty and false values are left out anyway).
_QUIET_DEFAULTS = {("style", "decimal"), ("delimiter", "."), ("timestamps", True)}
LISTS = (m.BulletList, m.OrderedList)


def dump(node: Any) -> str:
    lines: list[str] = []
    _node(node, 0, lines)
    return "\n".join(lines) + "\n"


def inline_text(inlines: tuple[m.Inline, ...]) -> str:
    return "[" + ", ".join(_inline(i) for i in inlines) + "]"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _inline(node: m.Inline) -> str:
    match node:
        case m.Text(text=text):
            return f"Str {_q(text)}"
        case m.SoftBreak():
            return "SoftBreak"
        case m.LineBreak():
            return "LineBreak"
        case m.Code(text=text):
            return f"Code {_q(text)}"
        case m.Image(src=src, alt=alt, title=title):
            return f"Image {_q(src)} alt={_q(alt)}" + (f" title={_q(title)}" if title else "")
        case m.FootnoteRef(note_id=note_id):
            return f"NoteRef {_q(note_id)}"
        case m.Link(children=children, target=target):
            return f"Link {_q(target)} {inline_text(children)}"
        case m.Span(role=role, children=children):
            return f"Span {_q(role)} {inline_text(children)}"
        case m.Emph(children=children):
            return f"Emph {inline_text(children)}"
        case m.Strong(children=children):
            return f"Strong {inline_text(children)}"
        case m.Strikeout(children=children):
            return f"Strike {inline_text(children)}"
        case m.Superscript(children=children):
            return f"Sup {inline_text(children)}"
        case m.Subscript(children=children):
            return f"Sub {inline_text(children)}"
        case m.Direction(text=text):
            return f"Direction {_q(text)}"
        case m.Timestamp(text=text):
            return f"Time {_q(text)}"
        case _:
            assert_never(node)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    if isinstance(value, tuple) and all(isinstance(v, tuple) for v in value):
        return "{" + ", ".join(f"{_q(k)}: {_q(v)}" for k, v in value) + "}"
    return str(value)


def _holds_nodes(value: Any) -> bool:
    """A node, or a tuple of nodes (not of strings or of pairs)."""
    if dataclasses.is_dataclass(value):
        return True
    return isinstance(value, tuple) and bool(value) and not isinstance(value[0], str | tuple)


def _node(node: Any, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if m.is_inline(node):
        lines.append(pad + _inline(node))
        return
    head = [type(node).__name__]
    nested: list[tuple[str, Any]] = []
    inline_field = ""
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if f.name == "pos":
            continue
        if f.name in ("children", "caption") and isinstance(value, tuple):
            if value:
                inline_field = (f" {f.name}=" if f.name == "caption" else " ") + inline_text(value)
        elif f.name in ("head", "body") and isinstance(node, m.Table):
            nested.append((f.name, value))
        elif isinstance(value, m.Image):
            head.append(f"{f.name}=({_inline(value)})")
        elif _holds_nodes(value) or isinstance(node, m.DefinitionItem):
            nested.append((f.name, value))
        elif (f.name, value) in _QUIET_DEFAULTS:
            continue
        elif value not in ("", (), None, False) or (f.name == "tight" and isinstance(node, LISTS)):
            head.append(f"{f.name}={_scalar(value)}")
    pos = getattr(node, "pos", None)
    if pos is not None:
        head.append(f"@{pos.line}")
    lines.append(pad + " ".join(head) + inline_field)
    for name, value in nested:
        children = value if isinstance(value, tuple) else (value,)
        if isinstance(node, m.DefinitionItem) and name == "terms":
            lines.extend(f"{pad}  Term {inline_text(term)}" for term in children)
        elif isinstance(node, m.DefinitionItem) and name == "definitions":
            for definition in children:
                lines.append(f"{pad}  Definition:")
                for block in definition:
                    _node(block, depth + 2, lines)
        elif isinstance(node, m.Table) and name in ("head", "body"):
            lines.append(f"{pad}  {name}:")
            for row in children:
                cells = " | ".join((f"{c.align}: " if c.align else "") + inline_text(c.children) for c in row)
                lines.append(f"{pad}    Row {cells}")
        elif name in ("blocks", "items", "articles"):
            for child in children:
                _node(child, depth + 1, lines)
        else:
            lines.append(f"{pad}  {name}:")
            for child in children:
                _node(child, depth + 2, lines)
