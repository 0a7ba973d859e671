"""kramdown's own syntax, which Jekyll posts use and CommonMark does not know: read, never printed.

- block attribute lists (IAL) on a line of their own, after the block they qualify
  (``{: .lead}`` under a paragraph) or before it; attribute list definitions
  (``{:refdef: .callout}``) and their use (``{: refdef}``); header ids
  (``## Title {#id}``); span IALs after a link or emphasis (``{:target="_blank"}``);
- extensions: ``{::comment}...{:/comment}`` (gone with its content), ``{::options /}``,
  ``{::nomarkdown}`` (its content is raw HTML, sanitised like any other);
- the contents marker (``* TOC`` then ``{:toc}``, ``[TOC]``): the book makes its own contents;
- abbreviation definitions (``*[FOIP]: Free and Open Indo-Pacific``): to the article's metadata.

markdown-it's attrs plugins read djot's ``{.class}`` before a block, not kramdown's
``{: .class}`` after it, so this is a pass over the lines before parsing: each
line it takes is emptied in place and recorded with its rule.
"""

from __future__ import annotations

import re

from .prepared import Attributes, Prepared

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ALD = re.compile(r"^\s*\{:(?P<name>[\w-]+):(?P<body>[^{}]*)\}\s*$")
_IAL = re.compile(r"^\s*\{:(?!:)(?P<body>[^{}]*)\}\s*$")
_EXTENSION = re.compile(r"^\s*\{::(?!comment\b|nomarkdown\b)[\w-]+[^{}]*/\}\s*$")
_COMMENT_OPEN = re.compile(r"^\s*\{::comment\}")
_BLOCK_CLOSE = re.compile(r"\{:/(?:comment|nomarkdown)?\}")
_NOMARKDOWN = re.compile(r"^\s*\{::nomarkdown\}\s*$|^\s*\{:/(?:nomarkdown)?\}\s*$")
_HEADER_ID = re.compile(r"\s*\{(?P<body>(?:\s*[#.][\w:-]+)+)\s*\}\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_ABBREVIATION = re.compile(r"^\s*\*\[(?P<short>[^\]]+)\]:\s*(?P<long>.*?)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,9}[.)])\s+\S")
_TOC_LINE = re.compile(r"^\s*(?:\[TOC\]|\[\[_TOC_\]\]|\[\[TOC\]\])\s*$")
_END_OF_BLOCK = re.compile(r"^\s*\^\s*$")
#: Inline: a span IAL after a span, an extension's tags, a comment on one line.
_INLINE = re.compile(r"\{::comment\}.*?\{:/(?:comment)?\}|\{::[\w-]+[^{}]*?/?\}|\{:/[\w-]*\}|\{:(?!:)[^{}\n]*\}")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_ATTRIBUTE = re.compile(r"#(?P<id>[\w:-]+)|\.(?P<cls>[\w:-]+)"
                        r"|(?P<key>[\w:-]+)=(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\S+)|(?P<ref>[\w-]+)")

#: A class that makes a block a callout box, by its role; exact names first.
ROLES = {"callout": "callout", "note": "note", "warning": "warning", "lead": "lead",
         "notice": "note", "info": "note", "tip": "note", "hint": "note", "important": "note",
         "caution": "warning", "danger": "warning", "alert": "callout"}


def role_of(attributes: Attributes) -> str:
    """The role a block's classes give it (``callout``, ``note``, ``warning``, ``lead``), or ""."""
    for cls in attributes.classes:
        if cls in ROLES and cls in ("callout", "note", "warning", "lead"):
            return ROLES[cls]
    for cls in attributes.classes:  # Minimal Mistakes' notice--warning, Bootstrap's alert-warning
        for word in reversed(re.split(r"-+", cls)):
            if word in ROLES and word != "lead":
                return ROLES[word]
    return ""


def take_kramdown(prepared: Prepared) -> None:
    """Empty the lines that hold kramdown syntax, recording what they say (see the module's docstring)."""
    outside = _outside_code(prepared.lines)
    definitions = _definitions(prepared, outside)
    _contents_markers(prepared, outside)
    lines = prepared.lines
    first = prepared.first_line
    index = 0
    after_key = -1  # the IAL line the block above is keyed by, while IALs follow one another
    while index < len(lines):
        line, number = lines[index], index + first
        if not outside[index] or not line.strip():
            after_key = -1
            index += 1
            continue
        if _COMMENT_OPEN.match(line):
            last = next((j for j in range(index, len(lines)) if _BLOCK_CLOSE.search(lines[j])), len(lines) - 1)
            prepared.drop(number, last + first, "kramdown-comment")
            index = last + 1
            continue
        if _EXTENSION.match(line) or _NOMARKDOWN.match(line):
            prepared.drop(number, number, "kramdown-extension")
        elif abbreviation := _ABBREVIATION.match(line):
            prepared.abbreviations.append((abbreviation["short"].strip(), abbreviation["long"]))
            prepared.drop(number, number, "abbreviation-definition")
        elif _END_OF_BLOCK.match(line):
            prepared.drop(number, number, "marker")
        elif ial := _IAL.match(line):
            attributes = parse(ial["body"], definitions)
            if after_key >= 0 or (index > 0 and lines[index - 1].strip()):
                key = after_key if after_key >= 0 else number
                prepared.after[key] = prepared.after.get(key, Attributes()).merged(attributes)
                after_key = key
            elif index + 1 < len(lines) and lines[index + 1].strip():
                prepared.before[number + 1] = attributes
            prepared.drop(number, number, "kramdown-ial")
            index += 1
            continue
        else:
            _header_id(prepared, index)
            lines[index] = _without_inline(lines[index])
        after_key = -1
        index += 1


def _outside_code(lines: list[str]) -> list[bool]:
    """For each line, whether it is outside a fenced code block (fences themselves are inside)."""
    out = []
    fence = ""
    for line in lines:
        found = _FENCE.match(line)
        if fence:
            out.append(False)
            if found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence) \
                    and not line[found.end():].strip():
                fence = ""
        elif found:
            out.append(False)
            fence = found.group(1)
        else:
            out.append(True)
    return out


def _definitions(prepared: Prepared, outside: list[bool]) -> dict[str, Attributes]:
    """The attribute list definitions (kramdown's ALDs), which apply wherever they are used."""
    definitions: dict[str, Attributes] = {}
    for index, line in enumerate(prepared.lines):
        found = _ALD.match(line) if outside[index] else None
        if found:
            definitions[found["name"]] = parse(found["body"], definitions)
            prepared.drop(index + prepared.first_line, index + prepared.first_line, "kramdown-ald")
    return definitions


def parse(body: str, definitions: dict[str, Attributes]) -> Attributes:
    """An attribute list's id and classes, with those of the definitions it names."""
    result = Attributes()
    for found in _ATTRIBUTE.finditer(body):
        if found["id"]:
            result = result.merged(Attributes(found["id"]))
        elif found["cls"]:
            result = result.merged(Attributes(classes=(found["cls"],)))
        elif found["ref"]:
            result = result.merged(definitions.get(found["ref"], Attributes(classes=("ref:" + found["ref"],))))
    return result


def _contents_markers(prepared: Prepared, outside: list[bool]) -> None:
    """``* TOC`` + ``{:toc}`` (with a ``{: .no_toc}`` heading before it), ``[TOC]``: dropped."""
    lines, first = prepared.lines, prepared.first_line
    for index, line in enumerate(lines):
        if not outside[index]:
            continue
        if _TOC_LINE.match(line):
            prepared.drop(index + first, index + first, "toc-marker")
            continue
        found = _IAL.match(line)
        if not found or "ref:toc" not in parse(found["body"], {}).classes:
            continue
        start = index
        while start > 0 and _LIST_ITEM.match(lines[start - 1]):
            start -= 1
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        no_toc = _IAL.match(lines[above]) if above > 0 else None
        if no_toc and "no_toc" in parse(no_toc["body"], {}).classes and _ATX.match(lines[above - 1]):
            start = above - 1  # the "Contents" heading over the marker goes with it
        prepared.drop(start + first, index + first, "toc-marker")


def _header_id(prepared: Prepared, index: int) -> None:
    """``## Title {#id}`` (and a setext title's first line): the id is the heading's, not its text."""
    lines = prepared.lines
    line = lines[index]
    setext = index + 1 < len(lines) and _SETEXT.match(lines[index + 1]) and not _LIST_ITEM.match(line)
    found = _HEADER_ID.search(line)
    if found and (_ATX.match(line) or setext):
        lines[index] = line[: found.start()]
        prepared.before[index + prepared.first_line] = parse(found["body"], {})


def _without_inline(line: str) -> str:
    """The line without span IALs and inline extension tags (code spans keep theirs)."""
    if "{:" not in line:
        return line
    pieces = []
    last = 0
    for code in _CODE_SPAN.finditer(line):
        pieces.append(_INLINE.sub("", line[last:code.start()]))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_INLINE.sub("", line[last:]))
    return "".join(pieces)
