"""The model as JSON, and back, without loss.

Each node becomes an object whose ``"t"`` names its class; tuples become
arrays, dates ISO strings, positions ``"path:line:col"`` strings.  Decoding is
driven by the dataclasses' type hints, so a field added to the model needs no
change here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from functools import cache
from typing import Any

from . import nodes as model
from .nodes import NODE_TYPES, Book, Pos

_BY_NAME = {cls.__name__: cls for cls in NODE_TYPES}


def to_data(node: Any) -> Any:
    """Turn a node (or a value inside one) into JSON-ready data."""
    if isinstance(node, Pos):
        return str(node)
    if dataclasses.is_dataclass(node):
        data: dict[str, Any] = {"t": type(node).__name__}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "pos" and value is None:
                continue
            data[f.name] = to_data(value)
        return data
    if isinstance(node, tuple):
        return [to_data(v) for v in node]
    if isinstance(node, (dt.datetime, dt.date)):
        return node.isoformat()
    return node


def to_json(book: Book) -> str:
    return json.dumps(to_data(book), ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> Book:
    book = from_data(json.loads(text), Book)
    assert isinstance(book, Book)
    return book


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _parse_pos(text: str) -> Pos:
    path, line, col = text.rsplit(":", 2)
    return Pos(path, int(line), int(col))


def from_data(data: Any, hint: Any) -> Any:
    """Rebuild a value of type ``hint`` from :func:`to_data`'s output."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        if isinstance(data, dict) and "t" in data:
            return _node(data)
        for option in options:
            if option is not type(None):
                return from_data(data, option)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(v, args[0]) for v in data)
        return tuple(from_data(v, a) for v, a in zip(data, args, strict=True))
    if hint is Pos:
        return _parse_pos(data)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat(data)
    if hint is dt.date:
        return dt.date.fromisoformat(data)
    if isinstance(data, dict) and "t" in data:
        return _node(data)
    return data


def _node(data: dict[str, Any]) -> Any:
    cls = _BY_NAME.get(data["t"])
    if cls is None:
        raise ValueError(f"unknown node type {data['t']!r}")
    hints = _hints(cls)
    kwargs = {k: from_data(v, hints[k]) for k, v in data.items() if k != "t"}
    return cls(**kwargs)
