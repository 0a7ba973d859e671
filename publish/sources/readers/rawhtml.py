"""Raw HTML inside Markdown: sanitised to a small allow-list, then read into the model.

The model holds no HTML, so raw HTML is not passed through: nh3 first removes
everything outside the allow-list (scripts and styles with their content,
iframes, event handlers, ``javascript:`` links), then the clean fragment is
read into model blocks and inlines like any other markup.  What was removed is
reported once per kind, at the block's position, and accounted for by a rule
(:func:`removed_spans`): a comment by ``html-comment``, what the sanitiser takes
out by ``raw-html-removed``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from ...model import nodes as m
from ...model.walk import merge_text

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}

# inline tag -> model wrapper (None: a line break)
INLINE_TAGS: dict[str, type | None] = {
    "em": m.Emph, "i": m.Emph, "cite": m.Emph, "dfn": m.Emph,
    "strong": m.Strong, "b": m.Strong,
    "s": m.Strikeout, "del": m.Strikeout, "strike": m.Strikeout,
    "sup": m.Superscript, "sub": m.Subscript,
    "code": m.Code, "kbd": m.Code, "samp": m.Code, "tt": m.Code,
    "br": None,
}
# Kept by the sanitiser for their text; they add no meaning the model records.
TRANSPARENT_TAGS = {"span", "abbr", "u", "mark", "small", "ins", "q", "time", "wbr", "div", "section",
                    "article", "figure", "center", "font", "big"}
BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "thead", "tbody", "tfoot", "tr", "th", "td", "figcaption", "caption"}
ALLOWED_TAGS = set(INLINE_TAGS) | TRANSPARENT_TAGS | BLOCK_TAGS | {"a", "img"}
REMOVED_WITH_CONTENT = {"script", "style", "template", "noscript", "textarea", "select", "svg", "math"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
              "th": {"align"}, "td": {"align"}}
#: Elements whose content is text up to their end tag, never markup (HTML's raw text and
#: escapable raw text elements; ``noscript`` too, as the sanitiser's parser runs with scripting).
RAW_TEXT = {"script", "style", "noscript", "textarea", "title", "iframe", "xmp", "noembed", "noframes"}

#: The rules by which raw HTML is left out of the model: a comment, and what the sanitiser removes
#: (an element with its content, a tag it does not allow, a declaration or processing instruction).
COMMENT_RULE = "html-comment"
REMOVED_RULE = "raw-html-removed"


def safe_link(target: str) -> bool:
    """Relative links, fragments and the web's own schemes; never ``javascript:`` or ``data:``."""
    scheme = urlsplit(target.strip()).scheme.lower()
    return not scheme or scheme in SAFE_SCHEMES


# ---------------------------------------------------------------- auditing


class _Audit(HTMLParser):
    """Names what the sanitiser will remove, so the user hears about it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.note(f"<{tag}>" + (" with its content" if tag in REMOVED_WITH_CONTENT else ""))
        for name, value in attrs:
            if name.startswith("on"):
                self.note(f"event handler {name}")
            elif name in ("href", "src") and value and not safe_link(value):
                self.note(f"{urlsplit(value.strip()).scheme}: link")

    handle_startendtag = handle_starttag


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.removed


# ---------------------------------------------------------------- accounting

_ATTRIBUTE = r"""\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:[^"'=<>`\s]+|'[^']*'|"[^"]*"))?"""
START_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)(?:{_ATTRIBUTE})*\s*/?>")
END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
#: A comment as HTML ends one (``-->``, ``--!>``, or ``<!-->`` at once); unclosed, it runs to the end.
_COMMENT = re.compile(r"<!--(?:-?>|.*?(?:--!?>|\Z))", re.DOTALL)
#: A declaration, CDATA or a processing instruction: HTML ends each at the first ``>``.
_BOGUS_COMMENT = re.compile(r"<[!?][^>]*(?:>|\Z)")


def removed_spans(html: str) -> list[tuple[int, int, str]]:
    """The parts of a raw HTML block that the model does not hold, as ``(start, end, rule)``
    offsets into ``html``: comments (``html-comment``), and what :func:`sanitise` removes
    (``raw-html-removed``): an element it removes with its content, the markup of a tag it does
    not allow, a declaration or a processing instruction.  The text of the elements it keeps, and
    their tags, are not listed: their words are in the model."""
    spans: list[tuple[int, int, str]] = []
    at = 0
    while (start := html.find("<", at)) >= 0:
        if found := _COMMENT.match(html, start):
            spans.append((start, found.end(), COMMENT_RULE))
        elif found := _BOGUS_COMMENT.match(html, start):
            spans.append((start, found.end(), REMOVED_RULE))
        elif found := END_TAG.match(html, start):
            if found[1].lower() not in ALLOWED_TAGS:
                spans.append((start, found.end(), REMOVED_RULE))
        elif found := START_TAG.match(html, start):
            name = found[1].lower()
            if name in REMOVED_WITH_CONTENT:
                end = _element_end(html, name, found)
                spans.append((start, end, REMOVED_RULE))
                at = end
                continue
            if name not in ALLOWED_TAGS:
                spans.append((start, found.end(), REMOVED_RULE))
            if name in RAW_TEXT:  # its content is text (kept, as the sanitiser keeps it), not markup
                close = re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE).search(html, found.end())
                at = close.start() if close else len(html)
                continue
        else:
            at = start + 1
            continue
        at = found.end()
    return spans


def _element_end(html: str, name: str, start_tag: re.Match[str]) -> int:
    """Where an element that starts with ``start_tag`` ends: after its end tag (the first one
    for an element whose content is text, the matching one for an element whose content is
    markup), or at the end of the HTML when it is not closed."""
    if name in RAW_TEXT:
        close = re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE).search(html, start_tag.end())
        if close is None:
            return len(html)
        end = html.find(">", close.end())
        return end + 1 if end >= 0 else len(html)
    if start_tag[0].endswith("/>") and name in ("svg", "math"):
        return start_tag.end()  # a foreign element closes itself
    depth = 1
    at = start_tag.end()
    while (start := html.find("<", at)) >= 0:
        if found := _COMMENT.match(html, start) or _BOGUS_COMMENT.match(html, start):
            at = found.end()
        elif (found := END_TAG.match(html, start)) and found[1].lower() == name:
            depth -= 1
            if depth == 0:
                return found.end()
            at = found.end()
        elif (found := START_TAG.match(html, start)) and found[1].lower() == name:
            depth += 0 if found[0].endswith("/>") and name in ("svg", "math") else 1
            at = found.end()
        else:
            at = start + 1
    return len(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, clean_content_tags=REMOVED_WITH_CONTENT, attributes=ATTRIBUTES,
        url_schemes=SAFE_SCHEMES, link_rel=None, strip_comments=True,
    )


# ---------------------------------------------------------------- reading


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Element | str] = []


_VOID = {"br", "hr", "img", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _tree(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def html_blocks(html: str, pos: m.Pos) -> tuple[tuple[m.Block, ...], list[str]]:
    """Model blocks for a raw HTML block, and what the sanitiser removed from it."""
    removed = audit(html)
    return _Blocks(pos).read(_tree(sanitise(html)).children), removed


class _Blocks:
    def __init__(self, pos: m.Pos) -> None:
        self.pos = pos

    def read(self, nodes: list[_Element | str]) -> tuple[m.Block, ...]:
        blocks: list[m.Block] = []
        pending: list[_Element | str] = []

        def flush() -> None:
            inlines = _trim(_inlines(pending))
            if inlines:
                blocks.append(m.Paragraph(inlines, pos=self.pos))
            pending.clear()

        for node in nodes:
            if isinstance(node, _Element) and node.tag in (*BLOCK_TAGS, "div", "section", "article", "figure"):
                flush()
                blocks.extend(self.block(node))
            else:
                pending.append(node)
        flush()
        return tuple(blocks)

    def block(self, node: _Element) -> list[m.Block]:
        tag, pos = node.tag, self.pos
        if tag in ("p", "figcaption", "caption"):
            inlines = _trim(_inlines(node.children))
            return [m.Paragraph(inlines, pos=pos)] if inlines else []
        if tag[0] == "h" and tag[1:].isdigit():
            return [m.Heading(int(tag[1]), _trim(_inlines(node.children)), pos=pos)]
        if tag in ("ul", "ol"):
            items = tuple(m.ListItem(self.read(li.children), pos=pos)
                          for li in node.children if isinstance(li, _Element) and li.tag == "li")
            if tag == "ul":
                return [m.BulletList(items, pos=pos)]
            start = node.attrs.get("start", "1")
            return [m.OrderedList(items, int(start) if start.isdigit() else 1, pos=pos)]
        if tag == "li":
            return list(self.read(node.children))
        if tag == "blockquote":
            return [m.Quote(self.read(node.children), pos=pos)]
        if tag == "pre":
            return [m.CodeBlock(_text(node).strip("\n"), pos=pos)]
        if tag == "hr":
            return [m.Rule(pos=pos)]
        if tag == "table":
            return [self.table(node)]
        if tag == "figure":
            images = [c for c in node.children if isinstance(c, _Element) and c.tag == "img"]
            captions = [c for c in node.children if isinstance(c, _Element) and c.tag == "figcaption"]
            if len(images) == 1:
                image = _image(images[0])
                caption = _trim(_inlines(captions[0].children)) if captions else ()
                return [m.Figure(image, caption, pos=pos)]
        return list(self.read(node.children))  # div, section and the like: their content

    def table(self, node: _Element) -> m.Table:
        head: list[tuple[m.TableCell, ...]] = []
        body: list[tuple[m.TableCell, ...]] = []

        def rows(element: _Element, into: list[tuple[m.TableCell, ...]]) -> None:
            for child in element.children:
                if not isinstance(child, _Element):
                    continue
                if child.tag == "tr":
                    cells = [c for c in child.children if isinstance(c, _Element) and c.tag in ("th", "td")]
                    row = tuple(m.TableCell(_trim(_inlines(c.children)), c.attrs.get("align", "")) for c in cells)
                    target = head if into is body and cells and all(c.tag == "th" for c in cells) and not body else into
                    target.append(row)
                elif child.tag == "thead":
                    rows(child, head)
                elif child.tag in ("tbody", "tfoot"):
                    rows(child, body)

        rows(node, body)
        return m.Table(tuple(head), tuple(body), pos=self.pos)


def _text(node: _Element | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(c) for c in node.children)


def _image(node: _Element) -> m.Image:
    return m.Image(node.attrs.get("src", ""), node.attrs.get("alt", ""), node.attrs.get("title", ""))


def _inlines(nodes: list[_Element | str]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, str):
            text = " ".join(node.split())
            if node[:1].isspace():
                text = " " + text
            if node[-1:].isspace() and text.strip():
                text += " "
            if text:
                out.append(m.Text(text))
            continue
        tag = node.tag
        if tag == "br":
            out.append(m.LineBreak())
        elif tag == "img":
            out.append(_image(node))
        elif tag == "a" and node.attrs.get("href"):
            out.append(m.Link(_inlines(node.children), node.attrs["href"], node.attrs.get("title", "")))
        elif tag in INLINE_TAGS and INLINE_TAGS[tag] is m.Code:
            out.append(m.Code(_text(node)))
        elif tag in INLINE_TAGS and INLINE_TAGS[tag] is not None:
            out.append(INLINE_TAGS[tag](_inlines(node.children)))  # type: ignore[misc]
        else:
            out.extend(_inlines(node.children))
    return merge_text(out)


def _trim(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    """No white space at the edges of a paragraph."""
    items = list(inlines)
    while items and isinstance(items[0], m.Text) and not items[0].text.strip():
        items.pop(0)
    while items and isinstance(items[-1], m.Text) and not items[-1].text.strip():
        items.pop()
    if items and isinstance(items[0], m.Text):
        items[0] = m.Text(items[0].text.lstrip())
    if items and isinstance(items[-1], m.Text):
        items[-1] = m.Text(items[-1].text.rstrip())
    return tuple(items)


# ---------------------------------------------------------------- single tags


def parse_tag(html: str) -> tuple[str, bool, dict[str, str]] | None:
    """``(name, closing, attributes)`` of one inline tag; None for comments and the like."""
    found: list[tuple[str, bool, dict[str, str]]] = []

    class _One(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, False, {k: v or "" for k, v in attrs}))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, False, {k: v or "" for k, v in attrs}))

        def handle_endtag(self, tag: str) -> None:
            found.append((tag, True, {}))

    parser = _One(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found[0] if found else None
