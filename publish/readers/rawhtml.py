"""Raw HTML inside Markdown, reduced to what the model can say.

The model holds no HTML.  Inline tags with a clear meaning (``<sup>``, ``<em>``,
``<br>``...) become model inlines; anything else is dropped with a warning and
its text kept.  Scripts, styles and comments vanish with their content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# inline tag -> name of the model wrapper (None: a line break, no wrapper)
INLINE_TAGS: dict[str, str | None] = {
    "em": "Emph", "i": "Emph", "cite": "Emph", "dfn": "Emph",
    "strong": "Strong", "b": "Strong",
    "s": "Strikeout", "del": "Strikeout", "strike": "Strikeout",
    "sup": "Superscript", "sub": "Subscript",
    "code": "Code", "kbd": "Code", "samp": "Code",
    "br": None,
}
# Tags whose presence changes nothing worth a warning: their text is kept as is.
SILENT_TAGS = {"span", "abbr", "u", "mark", "small", "ins", "q", "time", "wbr", "p", "div"}
DROP_CONTENT = {"script", "style", "template", "iframe", "object", "noscript", "svg", "math"}

_TAG = re.compile(r"<\s*(/)?\s*([A-Za-z][A-Za-z0-9-]*)[^>]*?(/)?\s*>\Z", re.DOTALL)


def parse_tag(html: str) -> tuple[str, bool, bool] | None:
    """``(name, closing, self_closing)`` of a single tag, or None for comments and the like."""
    match = _TAG.match(html.strip())
    if not match:
        return None
    return match.group(2).lower(), bool(match.group(1)), bool(match.group(3))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag in DROP_CONTENT:
            self._skip += 1
        elif tag in {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}:
            self.paragraphs.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.paragraphs[-1].append(data)


def block_text(html: str) -> tuple[list[str], list[str]]:
    """The text paragraphs of an HTML block, and the tag names it held."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    paragraphs = [" ".join("".join(p).split()) for p in parser.paragraphs]
    return [p for p in paragraphs if p], parser.tags
