"""A source paragraph's visible text, each character tied to the source characters it comes from.

``--apply`` aligns these characters with the paragraph's text as rendered, and replaces
only the source characters of the changed words: what is not visible (``**``, a link's
``](url)``, a ``[^1]`` call, a list marker) stays where it is.  The renderer's
typography is folded in here (``---`` shows as an em dash, ``--`` as an en dash, ``...``
as an ellipsis) so that both sides count the same characters.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_BLANK = re.compile(r"\s*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Lines that start a new block in Markdown, and so end the paragraph before them.
_MD_BLOCK = re.compile(r" {0,3}(?:#{1,6}(?:\s|$)|(?:[-*+]|\d{1,9}[.)])\s|```|~~~|\[\^[^\]]+\]:|\||<|\{[:%]"
                       r"|(?:=+|-+)\s*$|(?:([-*_])\s*){3,}$)")
_MD_QUOTE = re.compile(r" {0,3}>")
#: What opens a Markdown paragraph's first line without being text: quote markers, a list
#: marker (and a task box), a heading's hashes, a footnote's label.
_MD_PREFIX = re.compile(r"\s*(?:>\s?)*\s*(?:(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?(?:#{1,6}\s+)?"
                        r"(?:\[\^[^\]]+\]:\s*)?")
_MD_CONTINUATION = re.compile(r"\s*(?:>\s?)*\s*")
_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.DOTALL)
_BRACES = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[:#.][^{}\n]*\}", re.DOTALL)
_NOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_LINK_TAIL = re.compile(r"""\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)|\[[^\]]*\]""")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_DASHES = (("---", "—"), ("--", "–"), ("...", "…"))

#: A change to make in a source's text: (start, end, new text).
Replacement = tuple[int, int, str]


@dataclass
class Visible:
    """The visible characters of a stretch of source, with the source range of each."""

    text: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def add(self, char: str, start: int, end: int) -> None:
        self.text.append(char)
        self.starts.append(start)
        self.ends.append(end)

    def string(self) -> str:
        return "".join(self.text)


def line_starts(text: str) -> list[int]:
    """Offset of each line's start, lines as the readers count them (any line ending)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def paragraph_range(text: str, line: int, reader: str) -> tuple[int, int]:
    """The source range of the paragraph whose first line is ``line`` (1-based): to the next
    blank line, or, in Markdown, to the next line that starts another block."""
    starts = line_starts(text)
    first = starts[line - 1]
    quoted = bool(_MD_QUOTE.match(text, first))
    last = line
    while last < len(starts):
        begin = starts[last]
        content = _content_end(text, begin)
        body = text[begin:content]
        if _BLANK.fullmatch(body) or (reader == "markdown" and _starts_block(body, quoted)):
            break
        last += 1
    return first, _content_end(text, starts[last - 1])


def _starts_block(line: str, quoted: bool) -> bool:
    if quoted:  # inside a quotation the markers continue it; what follows them decides
        line = _MD_CONTINUATION.sub("", line, count=1)
    return bool(_MD_BLOCK.match(line)) or (not quoted and bool(_MD_QUOTE.match(line)))


def _content_end(text: str, begin: int) -> int:
    found = _LINE_BREAK.search(text, begin)
    return found.start() if found else len(text)


def visible(text: str, start: int, end: int, reader: str) -> Visible:
    """The visible characters of ``text[start:end]`` as the reader and the typography show them."""
    out = Visible()
    offsets: list[int] = []  # source offset of each character of the content
    content: list[str] = []
    lines = [(m.start(), m.end()) for m in _LINE_BREAK.finditer(text, start, end)]
    begin = start
    for index, (stop, after) in enumerate([*lines, (end, end)]):
        prefix = _MD_PREFIX if index == 0 else _MD_CONTINUATION
        skip = prefix.match(text, begin, stop) if reader == "markdown" else _BLANK.match(text, begin, stop)
        line_end = stop
        if reader == "markdown" and index == 0 and skip is not None and "#" in skip.group():
            closing = _HEADING_CLOSE.search(text, begin, stop)
            line_end = closing.start() if closing else stop
        for offset in range(skip.end() if skip else begin, line_end):
            content.append(text[offset])
            offsets.append(offset)
        if after > stop:  # a line break reads as a space
            content.append("\n")
            offsets.append(stop)
        begin = after
    string = "".join(content)
    if reader == "markdown":
        _markdown(string, offsets, out, text)
    else:
        _plain(string, 0, len(string), offsets, out, text)
    return out


def _plain(string: str, i: int, stop: int, offsets: list[int], out: Visible, text: str) -> None:
    """Characters as they are, with the typography's dashes and ellipses folded in."""
    while i < stop:
        for ascii_form, shown in _DASHES:
            if string.startswith(ascii_form, i) and i + len(ascii_form) <= stop:
                out.add(shown, offsets[i], offsets[i + len(ascii_form) - 1] + 1)
                i += len(ascii_form)
                break
        else:
            char = string[i]
            end = offsets[i] + (2 if char == "\n" and text.startswith("\r\n", offsets[i]) else 1)
            out.add(" " if char == "\n" else char, offsets[i], end)
            i += 1


def _markdown(s: str, offsets: list[int], out: Visible, text: str) -> None:
    """CommonMark's inline markup, as far as telling text from markup needs."""
    i = 0
    link_ends: dict[int, int] = {}  # index of a link text's "]" -> the end of its "(url)" or "[ref]"
    while i < len(s):
        char = s[i]
        if i in link_ends:
            i = link_ends.pop(i)
        elif char == "\\" and i + 1 < len(s) and _PUNCTUATION.match(s[i + 1]):
            out.add(s[i + 1], offsets[i], offsets[i + 1] + 1)
            i += 2
        elif char == "&" and (entity := _ENTITY.match(s, i)):
            out.add(html.unescape(entity.group()), offsets[i], offsets[entity.end() - 1] + 1)
            i = entity.end()
        elif char == "`":
            i = _code_span(s, i, offsets, out)
        elif char == "!" and s.startswith("[", i + 1) and (tail := _link(s, i + 1)):
            i = tail  # a picture shows no text
        elif char == "[" and (note := _NOTE_CALL.match(s, i)):
            i = note.end()
        elif char == "[" and (tail := _link(s, i)):
            link_ends[_closing(s, i)] = tail
            i += 1
        elif char == "<" and (link := _AUTOLINK.match(s, i)):
            _plain(s, link.start(1), link.end(1), offsets, out, text)
            i = link.end()
        elif char == "<" and (tag := _TAG.match(s, i)):
            i = tag.end()
        elif char == "{" and (braces := _BRACES.match(s, i)):
            i = braces.end()
        elif char in "*_~":
            run = _run(s, i, char)
            if not _delimiter(s, i, run, char):
                for k in range(i, i + run):
                    out.add(char, offsets[k], offsets[k] + 1)
            i += run
        else:
            end = i + 1
            while end < len(s) and s[end] not in "\\&`![]<{*_~" and end not in link_ends:
                end += 1
            _plain(s, i, end, offsets, out, text)
            i = end


def _code_span(s: str, i: int, offsets: list[int], out: Visible) -> int:
    run = _run(s, i, "`")
    fence = "`" * run
    close = s.find(fence, i + run)
    while close != -1 and s.startswith("`", close + run):
        close = s.find(fence, close + run + 1)
    if close == -1:  # no closing run: the backticks are text
        for k in range(i, i + run):
            out.add("`", offsets[k], offsets[k] + 1)
        return i + run
    for k in range(i + run, close):  # verbatim: no typography in code
        out.add(" " if s[k] == "\n" else s[k], offsets[k], offsets[k] + 1)
    return close + run


def _run(s: str, i: int, char: str) -> int:
    """The length of the run of ``char`` starting at ``i``."""
    end = i
    while end < len(s) and s[end] == char:
        end += 1
    return end - i


def _closing(s: str, i: int) -> int:
    """The index of the "]" that closes the "[" at ``i``, or -1."""
    depth, k = 0, i
    while k < len(s):
        if s[k] == "\\":
            k += 2
            continue
        if s[k] == "[":
            depth += 1
        elif s[k] == "]":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return -1


def _link(s: str, i: int) -> int:
    """The end of a link or picture whose text opens at ``i`` ("[text](url)" or "[text][ref]"), or 0."""
    close = _closing(s, i)
    if close == -1:
        return 0
    tail = _LINK_TAIL.match(s, close + 1)
    return tail.end() if tail else 0


def _delimiter(s: str, i: int, run: int, char: str) -> bool:
    """Whether a run of ``*``, ``_`` or ``~`` can open or close emphasis (CommonMark's flanking rules)."""
    before = s[i - 1] if i else " "
    after = s[i + run] if i + run < len(s) else " "
    if char == "~" and run != 2:
        return False
    punct_before, punct_after = bool(_PUNCTUATION.match(before)), bool(_PUNCTUATION.match(after))
    left = not after.isspace() and (not punct_after or before.isspace() or punct_before)
    right = not before.isspace() and (not punct_before or after.isspace() or punct_after)
    if char == "_":  # never inside a word
        return (left and (not right or punct_before)) or (right and (not left or punct_after))
    return left or right
