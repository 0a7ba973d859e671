"""Memoranda: ``MEMORANDUM``, ``TO:``/``FROM:``/``CC:``/``DATE:``/``SUBJECT:``, numbered paragraphs.

The subject is the title, FROM the author, TO the recipients, CC those copied (often
posts, ``Director, Economic Security Unit``, recorded as such with no name invented),
CLASSIFICATION the article's marking.  The marking repeated at the top and foot of each
page is left out, and so is a subject repeated as a running head.  Paragraphs numbered
``1.``, ``a.``, ``(1)`` keep their numbers, their numbering style and their nesting.

The labels may be written in any case (``TO:``, ``To:``, ``to:``); one in lower case
counts only in the run of header lines at the top, where a memo's header stands.

Addressees are separated by ``;``, and by a comma only where every part reads as a
personal name (``Ann Lee, Ken Tanaka``).  A name followed by posts or bodies is one
person and their post (``Ann Lee, Deputy Director, Policy Planning Staff``); posts
alone are a post (``Director, Economic Security Unit``).  Any other mixture (``Lee,
Ann``: one name inverted, or two family names?) is kept whole, with no name read from
it, and a warning: words are never attributed to the wrong person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ....model import nodes as m
from ...authors import author, is_organisation
from ...names import make_person, name_key, split_honorific
from .blocks import ITEM, list_block
from .inlines import paragraph
from .people import POST_WORDS, named, split_top
from .sheet import Chunk, Sheet
from .words import key

_FIELD = re.compile(r"(?P<label>TO|FROM|CC|BCC|DATE|SUBJECT|SUBJ|RE|CLASSIFICATION|THROUGH|THRU|VIA|ATTN|REF|"
                    r"REFERENCES?|ENCL|MEMORANDUM FOR|COPY TO)\s*:\s*(?P<value>.*)", re.IGNORECASE)
_MEMORANDUM = re.compile(r"\s*(?:MEMORANDUM|MEMO|Memorandum)\s*")
_MARKINGS = {"unclassified", "official", "official-sensitive", "official sensitive", "confidential", "secret",
             "top secret", "restricted", "for official use only", "cui", "sensitive but unclassified", "internal",
             "internal use only", "limited distribution"}
_NUMBERED = re.compile(r"(?P<indent>[ \t]*)(?:(?P<num>\d{1,3})[.)]|(?P<alpha>[a-zA-Z])[.)]|\((?P<pnum>\d{1,3})\)"
                       r"|\((?P<palpha>[a-zA-Z])\)|(?P<roman>ii|iii|iv|vi|vii|viii|ix)[.)])\s+(?P<text>\S.*)")
_ATTACHMENTS = re.compile(r"(?:Attachments?|Enclosures?|Encl\.?|Annex(?:es)?)\s*:?\s*", re.IGNORECASE)
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")
#: The order in which memo styles nest when the indentation does not say.
_RANK = ("decimal.", "lower-alpha.", "decimal()", "lower-alpha()", "lower-roman.", "upper-alpha.")
#: Words of a memo's posts and the units of a ministry or a firm (beside the header's post words
#: and a body's words): a part of an address line with one is a post, never a personal name.
_UNIT_WORDS = frozenset("""
    division section branch directorate desk unit team staff bureau secretariat policy affairs planning
    operations relations strategy security legal markets trade economic energy defence defense finance
    treasury intelligence communications press cabinet mission delegation headquarters consulate all
    counsellor councillor attache attaché ambassador consul envoy spokesperson coordinator specialist clerk
""".split())
_NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "bin", "al"})
#: An affiliation in parentheses after a name: ``Ann Lee (Treasury)``.
_IN_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
#: ``and`` or ``&`` between two names, and before the last of a list (``A, B, and C``).
_AND = re.compile(r"\s+(?:and|&)\s+")
_LEADING_AND = re.compile(r"^(?:and|&)\s+")
#: A degree or a generation after a name and a comma: part of the name (``Ann Lee, PhD``).
_SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV|PhD|Ph\.D|MD|M\.D|Esq)\.?", re.IGNORECASE)


def is_memo(sheet: Sheet) -> bool:
    """``MEMORANDUM`` near the top, or a FROM with a TO or a SUBJECT.  A label in lower case
    (``to:``) counts only in the run of header lines at the top: elsewhere such a line is as
    likely to be prose."""
    labels: set[str] = set()
    header = True  # still in the run of header lines at the top
    for number in [n for n in range(1, sheet.last + 1) if sheet.kept(n)][:15]:
        line = sheet.line(number)
        text = line.strip()
        if _MEMORANDUM.fullmatch(text) or text.upper().startswith("MEMORANDUM FOR"):
            return True
        found = _FIELD.fullmatch(text)
        if found is None and key(text) not in _MARKINGS and not (labels and line[:1].isspace()):
            header = False  # neither a field, a marking, nor a field's value run on
        elif found and (header or found["label"][:1].isupper()):
            labels.add(found["label"].upper())
    return "FROM" in labels and bool(labels & {"TO", "SUBJECT", "SUBJ", "RE"})


@dataclass
class Memo:
    title: str = ""
    date: str = ""
    date_line: int = 0
    marking: str = ""
    people: list[m.Person] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    body: int = 1
    blocks: list[m.Block] = field(default_factory=list)


def read_memo(sheet: Sheet) -> Memo:
    memo = Memo()
    _header(sheet, memo)
    _banners(sheet, memo)
    memo.blocks = _body(sheet, sheet.chunks(memo.body), memo)
    order = ("author", "recipient", "copied")  # who wrote it, then to whom, as a memo's reader takes them
    memo.people.sort(key=lambda p: order.index(p.roles[0]) if p.roles and p.roles[0] in order else len(order))
    return memo


def _header(sheet: Sheet, memo: Memo) -> None:
    label, values, start = "", list[str](), 0
    kept = [n for n in range(1, sheet.last + 1) if sheet.kept(n)]
    for number in kept:
        text = sheet.line(number)
        found = _FIELD.fullmatch(text.strip())
        if found:  # in any case: these are the header lines at the top
            _field(sheet, memo, label, " ".join(values), start)
            label, values, start = found["label"].upper(), [found["value"].strip()], number
            sheet.drop(number, number, "metadata")
        elif label and text[:1].isspace() and not _NUMBERED.match(text) and number == start + len(values):
            values.append(text.strip())  # a value run over onto an indented line
            sheet.drop(number, number, "metadata")
        elif _MEMORANDUM.fullmatch(text) or key(text) in _MARKINGS:
            sheet.drop(number, number, "marker" if _MEMORANDUM.fullmatch(text) else "classification-banner")
            memo.marking = memo.marking or (text.strip() if key(text) in _MARKINGS else "")
        else:
            memo.body = number
            break
    else:
        memo.body = sheet.last + 1
    _field(sheet, memo, label, " ".join(values), start)


def _field(sheet: Sheet, memo: Memo, label: str, value: str, line: int) -> None:
    if not label:
        return
    if label in ("SUBJECT", "SUBJ", "RE"):
        memo.title = value
    elif label == "DATE":
        memo.date, memo.date_line = value, line
    elif label == "CLASSIFICATION":
        memo.marking = value
    elif label in ("TO", "MEMORANDUM FOR", "FROM", "CC", "BCC", "COPY TO"):
        role = {"FROM": "author", "CC": "copied", "BCC": "copied", "COPY TO": "copied"}.get(label, "recipient")
        for part in split_top(value, "; "):
            memo.people.extend(_addressees(sheet, part, role, line))
    else:
        memo.extra.append((label.casefold(), value))


def _addressees(sheet: Sheet, part: str, role: str, line: int) -> list[m.Person]:
    """The people (or the post) one ``;``-separated part of an address line names.

    A comma (or ``and``) separates people only where every part reads as a personal name.  A
    name followed by posts or bodies is one person; posts alone are one post.  Any other mixture
    cannot be read with confidence: it is kept whole, with no name read from it, and a warning."""
    pieces = _pieces(part)
    if len(pieces) == 1:
        return [_addressee(part, role)]
    names = [_reads_as_name(piece) for piece in pieces]
    if all(names):
        return [_addressee(piece, role) for piece in pieces]
    rest_are_posts = all(_reads_as_post(piece) for piece in pieces[1:])
    if (names[0] and rest_are_posts) or (_reads_as_post(pieces[0]) and not any(names)):
        return [_addressee(part, role)]
    sheet.warn(line, f"cannot tell whether '{' '.join(part.split())}' names several people or one person "
                     "and a post: kept whole, with no name read from it (separate people with ';')")
    return [m.Person(name=" ".join(part.split()), roles=(role,), organisation=True)]


def _pieces(part: str) -> list[str]:
    """The parts of an address between commas, outside parentheses; ``and`` or ``&`` separates
    too, where each side reads as a personal name (``Ken Tanaka and Mei Lin``)."""
    out: list[str] = []
    for piece in split_top(part, ","):
        if out and _SUFFIX.fullmatch(piece):
            out[-1] += ", " + piece
            continue
        piece = _LEADING_AND.sub("", piece)  # "A, B, and C"
        names = _AND.split(piece)
        out.extend(names if len(names) > 1 and all(_reads_as_name(n) for n in names) else [piece])
    return out


def _reads_as_name(piece: str) -> bool:
    """Whether ``piece`` is a personal name and nothing more (an affiliation in parentheses
    aside): ``Ann Lee``, ``Dr. Ken TANAKA``, ``R. Castellanos``, ``Ludwig van Beethoven``.  Two to
    four capitalised words (one after an honorific), none a word of a post or a body."""
    honorific, rest = split_honorific(_IN_PARENTHESES.sub("", piece))
    head, comma, suffix = rest.rpartition(",")
    if comma and _SUFFIX.fullmatch(suffix.strip()):
        rest = head
    words = rest.split()
    if not (1 if honorific else 2) <= len(words) <= 4 or is_organisation(rest):
        return False
    for index, word in enumerate(words):
        folded = word.casefold().strip(".,")
        if folded in POST_WORDS or folded in _UNIT_WORDS:
            return False
        if folded in _NAME_PARTICLES and 0 < index < len(words) - 1:
            continue
        core = word.rstrip(".")
        if not core or not core[0].isupper() or not all(c.isalpha() or c in "'’-." for c in core):
            return False
    return True


def _reads_as_post(piece: str) -> bool:
    """Whether ``piece`` names a post or a body: ``Deputy Director``, ``Policy Planning Staff``."""
    words = {w.casefold().strip(".,()（）") for w in piece.split()}
    return bool(words & (POST_WORDS | _UNIT_WORDS)) or is_organisation(piece)


def _addressee(text: str, role: str) -> m.Person:
    """A person (``R. Castellanos, Energy Markets Desk``) or a post (``Director, Economic Security Unit``)."""
    head, comma, suffix = text.rpartition(",")
    if comma and _SUFFIX.fullmatch(suffix.strip()) and _reads_as_name(head) and "(" not in head:  # "Ann Lee, PhD"
        honorific, rest = split_honorific(" ".join(text.split()))
        return replace(author(rest, roles=(role,)), honorific=honorific)
    found = named(text)
    head = found.name if found else text
    words = {w.casefold().strip(".,") for w in head.split()}
    if found is None or words & POST_WORDS or is_organisation(head):
        return m.Person(name=" ".join(text.split()), roles=(role,), organisation=True)
    return make_person(found.name, (role,), found.affiliations, found.honorific)


def _banners(sheet: Sheet, memo: Memo) -> None:
    """The marking repeated on every page, and a subject repeated as a running head."""
    for number in range(1, sheet.last + 1):
        text = sheet.line(number).strip()
        if memo.marking and key(text) == key(memo.marking) and sheet.rules.get(number, "page-furniture") == \
                "page-furniture" and text:
            sheet.rules[number] = "classification-banner"  # a repeated line, and more precisely the marking
        elif not sheet.kept(number) or number < memo.body:
            continue
        elif memo.title and key(text) in (key(memo.title), key("SUBJECT: " + memo.title)):
            sheet.drop(number, number, "page-furniture")


# ------------------------------------------------------------------ body


@dataclass
class _Entry:
    depth: int
    style: str
    delimiter: str
    number: int
    lines: list[str]
    line: int
    children: list[_Entry] = field(default_factory=list)


def _body(sheet: Sheet, chunks: list[Chunk], memo: Memo) -> list[m.Block]:
    out: list[m.Block] = []
    entries: list[_Entry] = []
    stack: list[tuple[int, str]] = []
    author = next((p for p in memo.people if "author" in p.roles and not p.organisation), None)
    for chunk in chunks:
        signature = author is not None and name_key(chunk.first) == name_key(author.name)
        found = _NUMBERED.fullmatch(chunk.lines[0])
        if found and not signature:
            entries.append(_entry(found, chunk, stack))
            continue
        out += _lists(entries, sheet.path)
        entries, stack = [], []
        if signature:
            out.append(m.Div("signature", (_lines(chunk, sheet.path),), pos=sheet.pos(chunk.line)))
        elif _ATTACHMENTS.fullmatch(chunk.first):
            rest = [(line, n) for line, n in zip(chunk.lines[1:], chunk.numbers[1:], strict=True)]
            blocks: list[m.Block] = [paragraph([chunk.first], sheet.pos(chunk.line))]
            if rest:
                listed = all(ITEM.match(line) or _NUMBERED.fullmatch(line) for line, _ in rest)
                blocks.append(_letters([line for line, _ in rest], [n for _, n in rest], sheet.path) if listed
                              else paragraph([line for line, _ in rest], sheet.pos(rest[0][1])))
            out.append(m.Div("attachments", tuple(blocks), pos=sheet.pos(chunk.line)))
        else:
            out.append(paragraph(chunk.lines, sheet.pos(chunk.line)))
    out += _lists(entries, sheet.path)
    return out


def _entry(found: re.Match[str], chunk: Chunk, stack: list[tuple[int, str]]) -> _Entry:
    """A numbered paragraph, at the depth its indentation (else its numbering style) gives it."""
    indent = len(found["indent"].expandtabs(4))
    if found["num"] or found["pnum"]:
        style, number = "decimal", int(found["num"] or found["pnum"])
    elif found["roman"]:
        style, number = "lower-roman", _ROMAN.index(found["roman"]) + 1
    else:
        letter = found["alpha"] or found["palpha"]
        style, number = ("lower-alpha" if letter.islower() else "upper-alpha"), ord(letter.lower()) - ord("a") + 1
    delimiter = "()" if found["pnum"] or found["palpha"] else found.group(0).strip()[len(
        found["num"] or found["alpha"] or found["roman"] or ""):][:1]
    kind = style + ("()" if delimiter == "()" else ".")
    while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][1] != kind
                                                and _rank(kind) < _rank(stack[-1][1]))):
        stack.pop()
    if stack and stack[-1] == (indent, kind):
        depth = len(stack) - 1
    elif stack and (indent > stack[-1][0] or _rank(kind) > _rank(stack[-1][1])):
        stack.append((indent, kind))
        depth = len(stack) - 1
    else:
        stack[:] = [(indent, kind)]
        depth = 0
    lines = [found["text"], *(line.strip() for line in chunk.lines[1:])]
    return _Entry(depth, style, delimiter, number, lines, chunk.line)


def _rank(kind: str) -> int:
    return _RANK.index(kind) if kind in _RANK else len(_RANK)


def _lists(entries: list[_Entry], path: str) -> list[m.Block]:
    """Numbered paragraphs as nested ordered lists."""
    roots: list[_Entry] = []
    parents: list[_Entry] = []
    for entry in entries:
        del parents[entry.depth:]
        (parents[-1].children if parents else roots).append(entry)
        parents.append(entry)
    return _ordered(roots, path)


def _ordered(entries: list[_Entry], path: str) -> list[m.Block]:
    out: list[m.Block] = []
    run: list[_Entry] = []
    for entry in [*entries, None]:
        if run and (entry is None or (entry.style, entry.delimiter) != (run[0].style, run[0].delimiter)
                    or entry.number != run[-1].number + 1):  # numbers as written: a gap starts a new list
            items = tuple(m.ListItem((paragraph(e.lines, m.Pos(path, e.line, 1)), *_ordered(e.children, path)),
                                     pos=m.Pos(path, e.line, 1)) for e in run)
            out.append(m.OrderedList(items, start=run[0].number, tight=False, style=run[0].style,
                                     delimiter=run[0].delimiter, pos=m.Pos(path, run[0].line, 1)))
            run = []
        if entry is not None:
            run.append(entry)
    return out


def _letters(lines: list[str], numbers: list[int], path: str) -> m.Block:
    """``A. Contract exposure table``: an attachment list, lettered as written."""
    block = list_block(lines, numbers, path)
    first = _NUMBERED.fullmatch(lines[0])
    if isinstance(block, m.BulletList) and first and (first["alpha"] or first["palpha"]):
        items = tuple(m.ListItem((paragraph([f["text"] if (f := _NUMBERED.fullmatch(line)) else line],
                                            m.Pos(path, n, 1)),), pos=m.Pos(path, n, 1))
                      for line, n in zip(lines, numbers, strict=True))
        letter = first["alpha"] or first["palpha"]
        return m.OrderedList(items, start=ord(letter.lower()) - ord("a") + 1,
                             style="lower-alpha" if letter.islower() else "upper-alpha",
                             delimiter="()" if first["palpha"] else ".", pos=m.Pos(path, numbers[0], 1))
    return block


def _lines(chunk: Chunk, path: str) -> m.Paragraph:
    """A signature block: its lines kept apart."""
    children: list[m.Inline] = []
    for index, line in enumerate(chunk.lines):
        if index:
            children.append(m.LineBreak())
        children.append(m.Text(" ".join(line.split())))
    return m.Paragraph(tuple(children), pos=m.Pos(path, chunk.line, 1))
