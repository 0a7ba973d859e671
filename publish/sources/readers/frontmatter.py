"""YAML front matter as Jekyll writes it: split from the body, parsed safely, positions kept.

Values are validated on the YAML *nodes*, not on what PyYAML constructs, so a
title written ``NO`` stays the string "NO" and a date is parsed by us, with the
line and column of any mistake.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from ...diagnostics import InputError
from ...model.nodes import Pos

_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    """The front matter's top-level nodes by key, and where the body starts."""

    nodes: dict[str, tuple[yaml.Node, Pos]]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    path: str

    def pos(self, key: str) -> Pos:
        return self.nodes[key][1]


def split(text: str, path: str) -> FrontMatter:
    """Separate the front matter (if any) from the body and parse it."""
    if not _OPEN.match(text):
        return FrontMatter({}, text, 1, path)
    start = _OPEN.match(text).end()  # type: ignore[union-attr]
    close = _CLOSE.search(text, start)
    if close is None:
        raise InputError(Pos(path, 1, 1), "front matter opened with '---' is never closed")
    yaml_text = text[start : close.start()]
    body_start = close.end() + 1 if close.end() < len(text) else close.end()
    body_line = text.count("\n", 0, body_start) + 1
    return FrontMatter(_parse(yaml_text, path), text[body_start:], body_line, path)


def _parse(yaml_text: str, path: str) -> dict[str, tuple[yaml.Node, Pos]]:
    def at(mark: yaml.Mark) -> Pos:
        # +2: the YAML starts on the line after the opening '---'; marks are 0-based.
        return Pos(path, mark.line + 2, mark.column + 1)

    try:
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = at(mark) if mark else Pos(path, 2, 1)
        raise InputError(where, f"front matter is not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(Pos(path, 2, 1), f"front matter is not valid YAML: {exc}") from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise InputError(at(root.start_mark), "front matter must be a mapping of keys to values")
    for nested_key, first_line in _nested_duplicates(root):
        raise InputError(at(nested_key.start_mark),
                         f"duplicate key '{nested_key.value}' (first given at line {first_line + 2})")
    nodes: dict[str, tuple[yaml.Node, Pos]] = {}
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError(at(key_node.start_mark), "front matter keys must be plain names")
        key = key_node.value
        if key in nodes:
            first = nodes[key][1]
            raise InputError(
                at(key_node.start_mark), f"duplicate key '{key}' (first given at line {first.line})"
            )
        nodes[key] = (value_node, at(value_node.start_mark))
    return nodes


def _nested_duplicates(node: yaml.Node, top: bool = True) -> Iterator[tuple[yaml.ScalarNode, int]]:
    """Duplicate keys below the top level (PyYAML silently keeps the last one)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and not top:
                if key.value in seen:
                    yield key, seen[key.value]
                seen.setdefault(key.value, key.start_mark.line)
            yield from _nested_duplicates(value, top=False)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nested_duplicates(item, top=False)


# ------------------------------------------------------------ typed accessors


def string(fm: FrontMatter, key: str) -> str | None:
    """A scalar value as the author wrote it (no YAML booleans or numbers)."""
    if key not in fm.nodes:
        return None
    node, pos = fm.nodes[key]
    if isinstance(node, yaml.ScalarNode):
        unquoted_null = node.tag == "tag:yaml.org,2002:null" and node.style is None
        if unquoted_null and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return str(node.value).strip()
    raise InputError(pos, f"'{key}' must be a single text value")


def string_list(fm: FrontMatter, key: str, split_words: bool = False) -> list[str] | None:
    """A list of strings, or one string (split on spaces when ``split_words``, as Jekyll does for tags)."""
    if key not in fm.nodes:
        return None
    node, pos = fm.nodes[key]
    if isinstance(node, yaml.ScalarNode):
        value = string(fm, key)
        if value is None:
            return []
        return value.split() if split_words else [value]
    if isinstance(node, yaml.SequenceNode):
        out = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise InputError(pos, f"'{key}' must be a list of text values")
            out.append(item.value.strip())
        return [v for v in out if v]
    raise InputError(pos, f"'{key}' must be a text value or a list of them")


#: YAML 1.2's booleans: ``NO`` or ``off`` is text, as with every other value here.
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def flag(fm: FrontMatter, key: str) -> bool | None:
    """``true`` or ``false`` as written (None when absent or anything else)."""
    if key not in fm.nodes or not isinstance(fm.nodes[key][0], yaml.ScalarNode):
        return None
    return _BOOLEANS.get(str(fm.nodes[key][0].value).strip())


def entries(fm: FrontMatter, key: str) -> list[dict[str, list[str]]] | None:
    """Each entry of a list of names or records (``authors: [Ann Lee, {name: ..., affiliation: ...}]``),
    or of one name or record, as fields of text values; a plain name is the field ``name``.
    None when the value has another shape."""
    node, _ = fm.nodes[key]
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out: list[dict[str, list[str]]] = []
    for item in items:
        if isinstance(item, yaml.ScalarNode):
            out.append({"name": [str(item.value).strip()]})
        elif isinstance(item, yaml.MappingNode):
            record: dict[str, list[str]] = {}
            for field_node, value in item.value:
                if not isinstance(field_node, yaml.ScalarNode):
                    continue
                values = value.value if isinstance(value, yaml.SequenceNode) else [value]
                record[str(field_node.value)] = [str(v.value).strip() for v in values
                                                 if isinstance(v, yaml.ScalarNode) and str(v.value).strip()]
            out.append(record)
        else:
            return None
    return out


def mapping(fm: FrontMatter, key: str) -> dict[str, str] | None:
    """A flat mapping of scalars (e.g. ``image: {path: ..., alt: ...}``)."""
    node, _ = fm.nodes[key]
    if not isinstance(node, yaml.MappingNode):
        return None
    out = {}
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode):
            out[k.value] = v.value.strip()
    return out


def as_json(fm: FrontMatter, key: str) -> str:
    """Any value, constructed safely and kept as text (for metadata we do not interpret)."""
    node, _ = fm.nodes[key]
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    loader = yaml.SafeLoader("")
    try:
        value = loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
