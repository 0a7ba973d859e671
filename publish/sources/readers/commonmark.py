"""CommonMark (plus tables, footnotes, strikethrough, autolinks, definition lists) to model blocks,
via markdown-it-py.  What the passes before parsing found (``prepared``: kramdown attributes,
figures from shortcodes and includes, callout regions) is put back here, by line.

Raw HTML the model does not hold is accounted for (``Dropped``): a comment by
``html-comment``, what the sanitiser removes (a ``<script>`` and its content, a tag it
does not allow) by ``raw-html-removed``; when text the model holds shares a line with it,
only its part of the line."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ...diagnostics import Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ...model.walk import merge_text, plain_text
from . import Dropped, rawhtml
from .kramdown import role_of
from .prepared import Attributes, FigureSpec, Prepared, arrange


@cache
def parser() -> MarkdownIt:
    # html=True so that raw HTML reaches us as tokens we can reduce and warn
    # about, instead of being printed as literal text.
    md = MarkdownIt("commonmark", {"html": True, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)  # kramdown's "Term" / ": definition"
    # Every link reaches the converter, which drops unsafe ones with a warning;
    # markdown-it's own check would leave "[text](javascript:...)" as literal text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it's documented hook
    return md


class Converter:
    """Turns the tokens of one Markdown text into model blocks.

    ``line_offset`` is the file line of the text's first line, so that every
    block's :class:`Pos` points into the original file.
    """

    def __init__(self, path: str, line_offset: int, reporter: Reporter, prepared: Prepared | None = None) -> None:
        self.path = path
        self.line_offset = line_offset
        self.reporter = reporter
        self.prepared = prepared
        #: Lines (or parts of lines) the text holds that the blocks do not: link reference
        #: definitions, HTML comments, raw HTML the sanitiser removes.
        self.dropped: list[Dropped] = []

    def convert(self, text: str) -> tuple[m.Block, ...]:
        env: dict[str, object] = {}
        tokens = parser().parse(text, env)
        self._account_raw_html(tokens, text.split("\n"))
        root = SyntaxTreeNode(tokens)
        blocks = self.blocks(root.children, self.pos(None))
        self._definitions(env)
        if self.prepared is None:
            return blocks
        last = self.line_offset + text.count("\n")
        figures = [(spec.line, self.figure(spec)) for spec in self.prepared.figures
                   if self.line_offset <= spec.line <= last]
        regions = [r for r in self.prepared.regions if self.line_offset <= r.first <= last]
        return arrange(blocks, figures, regions, self.pos(None))

    def _definitions(self, env: dict[str, object]) -> None:
        """A link reference definition's target is on the links that use it, not at its line."""
        references = env.get("references", {})
        duplicates = env.get("duplicate_refs", [])
        entries = [*references.values(), *duplicates] if isinstance(references, dict) and isinstance(
            duplicates, list) else []
        for entry in entries:
            start, end = entry["map"]
            self.dropped.append(Dropped(start + self.line_offset, end - 1 + self.line_offset, "link-definition"))

    def _account_raw_html(self, tokens: list[Token], parsed: list[str]) -> None:
        """The raw HTML of each block and each run of inline text that the model does not hold,
        as ``Dropped`` (``parsed``: the lines of the text markdown-it read)."""
        for token in tokens:
            if token.map is None:
                continue
            if token.type == "html_block":
                spans = rawhtml.removed_spans(token.content)
            elif token.type == "inline":
                spans = _inline_spans(token)
            else:
                continue
            first = token.map[0] + self.line_offset
            for start, end, rule in _merged(spans):
                drop = self._span(token.content, first, start, end, rule, parsed)
                if drop is not None:
                    self.dropped.append(drop)

    def _span(self, content: str, first: int, start: int, end: int, rule: str,
              parsed: list[str]) -> Dropped | None:
        """``content[start:end]`` (the content of a block whose first line is file line ``first``,
        one line of content to one line of the file) as a ``Dropped`` in the file's lines and
        columns.  A part that cannot be found on its line as the file has it (a pass rewrote the
        line) leaves that line to ``publish check``, which then reports its words if the model
        lacks them: it is never left out by guess."""
        lines = content.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        top = bisect_right(starts, start) - 1
        bottom = bisect_right(starts, end) - 1
        begin, stop = start - starts[top], end - starts[bottom]
        if stop == 0 and bottom > top:  # the span ends with the line before
            bottom -= 1
            stop = len(lines[bottom])
        if top == bottom:
            at = self._locate(first + top, lines[top], begin, stop, parsed)
            if at is None:
                return None
            source = self._source(first + top, parsed) or ""
            after = at + stop - begin
            return Dropped(first + top, first + top, rule, at + 1 if source[:at].strip() else 0,
                           after + 1 if source[after:].strip() else 0)
        column = end_column = 0
        at = self._locate(first + top, lines[top], begin, len(lines[top]), parsed)
        if at is None:
            top += 1  # its first line is left to the check; the lines after it are the span's whole
        elif (self._source(first + top, parsed) or "")[:at].strip():
            column = at + 1
        at = self._locate(first + bottom, lines[bottom], 0, stop, parsed)
        if at is None:
            bottom -= 1  # likewise its last line; the span runs to the end of the line before
        elif (self._source(first + bottom, parsed) or "")[at + stop:].strip():
            end_column = at + stop + 1
        if bottom < top:
            return None
        return Dropped(first + top, first + bottom, rule, column, end_column)

    def _source(self, number: int, parsed: list[str]) -> str | None:
        """File line ``number`` as the file has it (as markdown-it read it, when there is no file)."""
        if self.prepared is not None:
            return self.prepared.source_line(number)
        index = number - self.line_offset
        return parsed[index] if 0 <= index < len(parsed) else None

    def _locate(self, number: int, line: str, start: int, end: int, parsed: list[str]) -> int | None:
        """Where ``line[start:end]`` (``line``: the content markdown-it gave for file line ``number``)
        is on that line as the file has it: the same occurrence, counted from the left."""
        source = self._source(number, parsed)
        piece = line[start:end]
        if source is None or not piece:
            return None
        at = -1
        for _ in range(line.count(piece, 0, start) + 1):
            at = source.find(piece, at + 1)
            if at < 0:
                return None
        return at

    def figure(self, spec: FigureSpec) -> m.Figure:
        """The figure a shortcode or an include asks for; its caption is Markdown."""
        pos = Pos(self.path, spec.line, 1)
        caption = self.inline_markdown(spec.caption, pos)
        alt = spec.alt or plain_text(caption)  # as Hugo's figure does: the caption, without markup
        if spec.title:
            caption = merge_text((m.Strong((m.Text(spec.title),)), *((m.Text(" "), *caption) if caption else ())))
        return m.Figure(m.Image(spec.src, alt), caption, pos=pos)

    def inline_markdown(self, text: str, pos: Pos) -> tuple[m.Inline, ...]:
        if not text.strip():
            return ()
        root = SyntaxTreeNode(parser().parseInline(text.strip()))
        return self.inlines(root.children[0].children if root.children else [], pos)

    def attributes(self, node: SyntaxTreeNode) -> Attributes:
        """The kramdown attributes of a block: an IAL before it (or a header id), or right after it."""
        if self.prepared is None or not node.map:
            return Attributes()
        before = self.prepared.before.pop(node.map[0] + self.line_offset, Attributes())
        return before.merged(self.prepared.after.pop(node.map[1] + self.line_offset, Attributes()))

    # ----------------------------------------------------------------- helpers

    def pos(self, node: SyntaxTreeNode | None, fallback: Pos | None = None) -> Pos:
        if node is not None and node.map:
            return Pos(self.path, node.map[0] + self.line_offset, 1)
        return fallback or Pos(self.path, self.line_offset, 1)

    # ------------------------------------------------------------------ blocks

    def blocks(self, nodes: list[SyntaxTreeNode], parent: Pos) -> tuple[m.Block, ...]:
        out: list[m.Block] = []
        for node in nodes:
            out.extend(self.block(node, self.pos(node, parent)))
        return tuple(out)

    def block(self, node: SyntaxTreeNode, pos: Pos) -> list[m.Block]:
        attributes = self.attributes(node)
        blocks = self.plain_block(node, pos, attributes.id)
        role = role_of(attributes)
        if role and blocks and not isinstance(blocks[0], m.Heading):
            return [m.Div(role, tuple(blocks), pos=pos)]  # a callout box, or the lead paragraph
        return blocks

    def plain_block(self, node: SyntaxTreeNode, pos: Pos, block_id: str = "") -> list[m.Block]:
        kind = node.type
        if kind == "paragraph":
            inlines = self.inlines(node.children[0].children if node.children else [], pos)
            figure = _as_figure(inlines, pos)
            if figure:
                return [figure]
            return [m.Paragraph(inlines, pos=pos)] if inlines else []
        if kind == "heading":
            level = int(node.tag[1])
            return [m.Heading(level, self.inlines(node.children[0].children, pos), block_id, pos=pos)]
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(
                m.ListItem(self.blocks(item.children, self.pos(item, pos)), pos=self.pos(item, pos))
                for item in node.children
            )
            # markdown-it marks the paragraphs of tight lists as hidden.
            tight = all(
                p.nester_tokens is not None and p.nester_tokens.opening.hidden
                for item in node.children
                for p in item.children
                if p.type == "paragraph"
            )
            if kind == "bullet_list":
                return [m.BulletList(items, tight, pos=pos)]
            start = int(node.attrs.get("start", 1))
            delimiter = node.markup if node.markup in (".", ")") else "."
            return [m.OrderedList(items, start, tight, delimiter=delimiter, pos=pos)]
        if kind == "blockquote":
            return [m.Quote(self.blocks(node.children, pos), pos=pos)]
        if kind in ("fence", "code_block"):
            words = (node.info or "").split() if kind == "fence" else []
            language = words[0] if words else ""
            return [m.CodeBlock(node.content.rstrip("\n"), language, pos=pos)]
        if kind == "hr":
            return [m.Rule(pos=pos)]
        if kind == "table":
            return [self.table(node, pos)]
        if kind == "html_block":
            return self.html_block(node.content, pos)
        if kind == "footnote_block":
            return [self.footnote(n, pos) for n in node.children]
        if kind == "dl":
            return [self.definitions(node, pos)]
        self.reporter.warn(pos, f"unsupported Markdown element '{kind}' dropped")
        return []

    def definitions(self, node: SyntaxTreeNode, pos: Pos) -> m.DefinitionList:
        """Terms (``dt``) and the definitions (``dd``) after them, one item per run of terms."""
        items: list[tuple[list[tuple[m.Inline, ...]], list[tuple[m.Block, ...]], Pos]] = []
        for child in node.children:
            here = self.pos(child, pos)
            if child.type == "dt":
                if not items or items[-1][1]:
                    items.append(([], [], here))
                items[-1][0].append(self.inlines(child.children[0].children if child.children else [], here))
            elif child.type == "dd":
                if not items:
                    items.append(([], [], here))
                items[-1][1].append(self.blocks(child.children, here))
        return m.DefinitionList(tuple(m.DefinitionItem(tuple(terms), tuple(definitions), pos=where)
                                      for terms, definitions, where in items), pos=pos)

    def table(self, node: SyntaxTreeNode, pos: Pos) -> m.Table:
        head: list[tuple[m.TableCell, ...]] = []
        body: list[tuple[m.TableCell, ...]] = []
        for section in node.children:
            rows = head if section.type == "thead" else body
            for row in section.children:
                rows.append(tuple(self.cell(cell, pos) for cell in row.children))
        return m.Table(tuple(head), tuple(body), pos=pos)

    def cell(self, node: SyntaxTreeNode, pos: Pos) -> m.TableCell:
        style = str(node.attrs.get("style", ""))
        align = style.removeprefix("text-align:") if style.startswith("text-align:") else ""
        children = node.children[0].children if node.children else []
        return m.TableCell(self.inlines(children, pos), align)

    def footnote(self, node: SyntaxTreeNode, parent: Pos) -> m.FootnoteDef:
        meta = node.meta or {}
        label = str(meta.get("label") or int(meta.get("id", 0)) + 1)
        first = next((c for c in node.children if c.map), None)
        pos = self.pos(first, parent)
        return m.FootnoteDef(label, self.blocks(node.children, pos), pos=pos)

    def html_block(self, html: str, pos: Pos) -> list[m.Block]:
        # A block that starts with a comment may go on after it (``<!-- note --> <b>Text</b>``):
        # the sanitiser removes the comment, and what follows is read.
        blocks, removed = rawhtml.html_blocks(html, pos)
        if removed:
            self.reporter.warn(pos, f"raw HTML: removed {', '.join(removed)}")
        return list(blocks)

    # ----------------------------------------------------------------- inlines

    def inlines(self, nodes: list[SyntaxTreeNode], pos: Pos) -> tuple[m.Inline, ...]:
        # Raw inline HTML arrives as separate open and close tokens around
        # ordinary siblings, so wrappers are built with a stack.
        stack: list[tuple[str, list[m.Inline], dict[str, str]]] = [("", [], {})]
        for node in nodes:
            if node.type == "html_inline":
                self.html_inline(node.content, stack, pos)
            else:
                stack[-1][1].extend(self.inline(node, pos))
        while len(stack) > 1:  # unclosed tags: keep their content (unless it is a script's)
            tag, children, _ = stack.pop()
            if tag not in rawhtml.REMOVED_WITH_CONTENT:
                stack[-1][1].extend(children)
        return merge_text(stack[0][1])

    def inline(self, node: SyntaxTreeNode, pos: Pos) -> list[m.Inline]:
        kind = node.type
        if kind == "text":
            return [m.Text(node.content)] if node.content else []
        if kind == "softbreak":
            return [m.SoftBreak()]
        if kind == "hardbreak":
            return [m.LineBreak()]
        if kind == "code_inline":
            return [m.Code(node.content)]
        wrappers: dict[str, Callable[[tuple[m.Inline, ...]], m.Inline]] = {
            "em": m.Emph, "strong": m.Strong, "s": m.Strikeout,
        }
        if kind in wrappers:
            return [wrappers[kind](self.inlines(node.children, pos))]
        if kind == "link":
            children = self.inlines(node.children, pos)
            href = str(node.attrs.get("href", ""))
            if not rawhtml.safe_link(href):
                self.reporter.warn(pos, f"link to {urlsplit(href).scheme}: removed; its text is kept")
                return list(children)
            return [m.Link(children, href, str(node.attrs.get("title", "") or ""))]
        if kind == "image":
            alt = "".join(t.content for t in (node.token.children or [])) if node.token else ""
            return [m.Image(str(node.attrs.get("src", "")), alt, str(node.attrs.get("title", "") or ""))]
        if kind == "footnote_ref":
            meta = node.meta or {}
            return [m.FootnoteRef(str(meta.get("label") or int(meta.get("id", 0)) + 1))]
        if kind == "footnote_anchor":
            return []
        self.reporter.warn(pos, f"unsupported Markdown inline '{kind}' dropped")
        return []

    def html_inline(self, html: str, stack: list[tuple[str, list[m.Inline], dict[str, str]]], pos: Pos) -> None:
        tag = rawhtml.parse_tag(html)
        if tag is None:  # comment, processing instruction, declaration
            return
        name, closing, attrs = tag
        removed = rawhtml.audit(html)
        if removed:
            self.reporter.warn(pos, f"raw HTML: removed {', '.join(removed)}")
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth][0] == name:
                    while len(stack) > depth:
                        opened, children, attributes = stack.pop()
                        wrapped = _wrap(opened, children, attributes)
                        stack[-1][1].extend(wrapped)
                    return
            return
        if name == "br":
            stack[-1][1].append(m.LineBreak())
        elif name == "img":
            stack[-1][1].append(m.Image(attrs.get("src", ""), attrs.get("alt", ""), attrs.get("title", "")))
        elif name in rawhtml.INLINE_TAGS or name in rawhtml.REMOVED_WITH_CONTENT or name == "a":
            stack.append((name, [], attrs))


def _wrap(tag: str, children: list[m.Inline], attrs: dict[str, str]) -> list[m.Inline]:
    """The model inlines for a closed raw inline tag and its content."""
    merged = merge_text(children)
    if tag in rawhtml.REMOVED_WITH_CONTENT:
        return []
    if tag == "a":
        href = attrs.get("href", "")
        return [m.Link(merged, href, attrs.get("title", ""))] if href and rawhtml.safe_link(href) else list(merged)
    wrapper = rawhtml.INLINE_TAGS[tag]
    if wrapper is m.Code:
        return [m.Code(plain_text(merged))]
    return [wrapper(merged)] if wrapper else list(merged)


def _inline_spans(inline: Token) -> list[tuple[int, int, str]]:
    """The parts of an inline run's content that :meth:`Converter.html_inline` leaves out, as
    ``(start, end, rule)`` offsets: comments, declarations, tags the model has no use for, and an
    element removed with its content (``<script>`` to its end tag, or to the end of the run),
    found as the converter's stack of open tags finds them."""
    content = inline.content
    spans: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int]] = []
    at = 0
    for token in inline.children or []:
        if token.type != "html_inline":
            continue
        start = content.find(token.content, at)
        if start < 0:  # not found as written: the rest of the run is left to the check
            return spans
        end = at = start + len(token.content)
        tag = rawhtml.parse_tag(token.content)
        if tag is None:
            comment = token.content.startswith("<!--")
            spans.append((start, end, rawhtml.COMMENT_RULE if comment else rawhtml.REMOVED_RULE))
            continue
        name, closing, _ = tag
        if closing:
            depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == name), None)
            if depth is not None:
                spans += [(opened_at, end, rawhtml.REMOVED_RULE) for opened, opened_at in stack[depth:]
                          if opened in rawhtml.REMOVED_WITH_CONTENT]
                del stack[depth:]
            elif name not in rawhtml.ALLOWED_TAGS:
                spans.append((start, end, rawhtml.REMOVED_RULE))
        elif name != "br" and (name in rawhtml.INLINE_TAGS or name in rawhtml.REMOVED_WITH_CONTENT or name == "a"):
            stack.append((name, start))
        elif name not in rawhtml.ALLOWED_TAGS:
            spans.append((start, end, rawhtml.REMOVED_RULE))
    spans += [(opened_at, len(content), rawhtml.REMOVED_RULE) for opened, opened_at in stack
              if opened in rawhtml.REMOVED_WITH_CONTENT]
    return spans


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans in order, one where they overlap (a comment inside a removed ``<script>``), with the
    rule of the one that starts first."""
    out: list[tuple[int, int, str]] = []
    for start, end, rule in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end), out[-1][2])
        else:
            out.append((start, end, rule))
    return out


def _as_figure(inlines: tuple[m.Inline, ...], pos: Pos) -> m.Figure | None:
    """A paragraph holding nothing but an image is a figure, captioned by its title or alt text."""
    content = [i for i in inlines if not (isinstance(i, m.Text) and not i.text.strip())]
    if len(content) == 1 and isinstance(content[0], m.Image):
        image = content[0]
        caption = image.title or image.alt
        return m.Figure(image, (m.Text(caption),) if caption else (), pos=pos)
    return None
