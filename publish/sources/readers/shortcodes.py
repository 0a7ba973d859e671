"""Hugo shortcodes: ``{{< name args >}}`` and ``{{% name args %}}``, single or paired with ``{{< /name >}}``.

They mean something only to a Hugo site's templates, so none is printed: a
``figure`` becomes a figure, a callout's pair (``note``, ``callout``, ``alert``,
``admonition``, ``hint``...) a callout box around its content, ``toc`` goes (the
book has its own contents), ``ref``/``relref`` in a link target become the path
they name, ``highlight`` becomes a code block; any other is removed with a
warning naming it, the content of a pair kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...diagnostics import Reporter
from . import Dropped
from .prepared import Edit, FigureSpec, Prepared, Region

# the body may run over lines, but not into another shortcode
_SHORTCODE = re.compile(r"\{\{<(?P<angle>(?:(?!\{\{).)*?)>\}\}|\{\{%(?P<percent>(?:(?!\{\{).)*?)%\}\}", re.DOTALL)
#: ``{{</* figure */>}}``: a shortcode written out, as documentation shows one.
_ESCAPED = re.compile(r"\s*/\*(.*)\*/\s*$", re.DOTALL)
_HEAD = re.compile(r"\s*(?P<close>/)?\s*(?P<name>[\w./-]+)(?P<args>.*?)\s*$", re.DOTALL)
_ARG = re.compile(r"(?:(?P<key>[\w-]+)\s*=\s*)?(?P<value>\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[^\s\"`]+)")
#: A shortcode's content is a callout of this role (a shortcode's own kind word can say otherwise).
_CALLOUTS = {"note": "note", "notice": "note", "info": "note", "tip": "note", "important": "note",
             "hint": "note", "warning": "warning", "caution": "warning", "danger": "warning",
             "callout": "callout", "alert": "callout", "admonition": "callout"}
_KIND_WORDS = {"note": "note", "info": "note", "tip": "note", "primary": "note", "success": "note",
               "warning": "warning", "danger": "warning", "caution": "warning", "error": "warning"}


@dataclass(frozen=True)
class Shortcode:
    start: int
    end: int
    kind: str
    name: str
    closing: bool
    args: dict[str, str]
    positional: tuple[str, ...]

    @property
    def shown(self) -> str:
        return "{{" + self.kind + " " + ("/" if self.closing else "") + self.name + " " + \
            {"<": ">", "%": "%"}[self.kind] + "}}"


def parse(text: str) -> list[Shortcode]:
    found = []
    for match in _SHORTCODE.finditer(text):
        kind = "<" if match["angle"] is not None else "%"
        body = match["angle"] if kind == "<" else match["percent"]
        escaped = _ESCAPED.match(body)
        if escaped:
            found.append(Shortcode(match.start(), match.end(), kind, "", False, {}, (escaped.group(1).strip(),)))
            continue
        head = _HEAD.match(body)
        if head is None:
            continue
        args: dict[str, str] = {}
        positional: list[str] = []
        for arg in _ARG.finditer(head["args"]):
            value = _unquote(arg["value"])
            if arg["key"]:
                args[arg["key"].lower()] = value
            else:
                positional.append(value)
        found.append(Shortcode(match.start(), match.end(), kind, head["name"], bool(head["close"]), args,
                               tuple(positional)))
    return found


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"`":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if value[0] == '"' else inner
    return value


def _pairs(codes: list[Shortcode]) -> dict[int, int]:
    """Opening index -> closing index, for the shortcodes that come in pairs."""
    pairs: dict[int, int] = {}
    open_stack: list[int] = []
    for index, code in enumerate(codes):
        if not code.closing:
            open_stack.append(index)
            continue
        for depth in range(len(open_stack) - 1, -1, -1):
            if codes[open_stack[depth]].name == code.name:
                pairs[open_stack[depth]] = index
                del open_stack[depth:]
                break
    return pairs


def take_shortcodes(prepared: Prepared, reporter: Reporter) -> None:
    """Replace every shortcode of the body by what it stands for (see the module's docstring)."""
    codes = parse(prepared.text)
    if not codes:
        return
    at = prepared.locator()
    pairs = _pairs(codes)
    fences = {close for start, close in pairs.items() if codes[start].name.lower() == "highlight"}
    edits: list[Edit] = []
    for index, code in enumerate(codes):
        name = code.name.lower()
        if code.closing:
            edits.append(Edit(code.start, code.end, "```" if index in fences else "", "shortcode"))
            if index not in pairs.values():
                reporter.warn(at(code.start), f"Hugo shortcode removed: {code.shown} closes nothing")
        elif not name:  # written out, as Hugo prints it
            edits.append(Edit(code.start, code.end, "{{" + code.kind + " " + code.positional[0] + " " +
                              {"<": ">", "%": "%"}[code.kind] + "}}", "shortcode"))
        elif name == "toc":
            edits.append(Edit(code.start, code.end, "", "toc-marker"))
        elif name == "figure" and index not in pairs:
            prepared.figures.append(_figure(code, at(code.start).line))
            edits.append(Edit(code.start, code.end, "", "shortcode"))
        elif name in ("ref", "relref") and code.positional:
            edits.append(Edit(code.start, code.end, code.positional[0], "shortcode"))
        elif name == "highlight" and index in pairs:
            edits.append(Edit(code.start, code.end, "```" + " ".join(code.positional[:1]), "shortcode"))
        elif name in _CALLOUTS and index in pairs:
            close = codes[pairs[index]]
            prepared.regions.append(Region(at(code.start).line, at(close.start).line, _role(code, name),
                                           code.args.get("title", "")))
            edits.append(Edit(code.start, code.end, "", "shortcode"))
        else:
            what = "paired shortcode removed, its content kept" if index in pairs else "shortcode removed"
            reporter.warn(at(code.start), f"Hugo {what}: {code.shown} means nothing outside the site")
            edits.append(Edit(code.start, code.end, "", "shortcode"))
    prepared.apply(edits)
    for start, end in pairs.items():  # a fence's line is not blank, but its words are not the code's
        if end in fences:
            for delimiter in (codes[start], codes[end]):
                line = at(delimiter.start).line
                prepared.dropped.append(Dropped(line, line, "shortcode"))


def _role(code: Shortcode, name: str) -> str:
    for word in (code.args.get("type", ""), code.args.get("color", ""), *code.positional):
        if word.lower() in _KIND_WORDS:
            return _KIND_WORDS[word.lower()]
    return _CALLOUTS[name]


def _figure(code: Shortcode, line: int) -> FigureSpec:
    src = code.args.get("src", "") or (code.positional[0] if code.positional else "")
    return FigureSpec(line, src.lstrip("/") if src.startswith("/") and not src.startswith("//") else src,
                      code.args.get("alt", ""), code.args.get("caption", ""), code.args.get("title", ""))
