"""Plain-text event summaries as policy institutes publish them.

The shape this reader understands::

    Title of the event

    Date October 23, 2025
    Speaker William CHOU (Deputy Director, Hudson Institute)
    Commentator & Moderator TOMIURA Eiichi (President, RIETI / Dean, Otsuma Women's University)
    Materials                                   <- website boilerplate, dropped

    The abstract paragraph.                     <- the standfirst

    Summary                                     <- section headings: short lines standing alone
    A section heading
    Paragraphs...

    Q&A
    Q:
    The question?
    William CHOU:
    The answer, perhaps in several paragraphs.

    *This summary was compiled by the editorial staff.   <- a source note
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ...diagnostics import InputError, Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ..dates import date_from_filename, parse_date
from ..names import make_person, name_key

_ROLES = {
    "speaker": "speaker", "speakers": "speaker", "keynote speaker": "keynote speaker",
    "presenter": "presenter", "presenters": "presenter", "lecturer": "lecturer",
    "commentator": "commentator", "commentators": "commentator",
    "discussant": "discussant", "discussants": "discussant",
    "panelist": "panelist", "panelists": "panelist", "panellist": "panelist", "panellists": "panelist",
    "moderator": "moderator", "moderators": "moderator", "facilitator": "facilitator",
    "chair": "chair", "chairs": "chair", "chairperson": "chair", "host": "host",
    "interviewer": "interviewer", "guest": "guest", "guests": "guest",
    "opening remarks": "opening remarks", "closing remarks": "closing remarks",
}
_FIELDS = {"date": "date", "time": "time", "venue": "venue", "location": "venue", "place": "venue",
           "language": "language", "languages": "language", "organizer": "organizer",
           "organiser": "organizer", "organizers": "organizer", "organisers": "organizer",
           "co-organizer": "co-organizer", "co-organiser": "co-organizer", "sponsor": "sponsor"}
_BOILERPLATE = {"materials", "announcement", "announcements", "download", "downloads", "video",
                "videos", "photos", "handout", "handouts", "slides", "share", "print", "pdf",
                "event report", "related", "back to top", "top", "page top"}
_SUMMARY_WORDS = {"summary", "event summary", "presentation", "presentation summary",
                  "summary of remarks", "lecture summary"}
_QA_WORDS = {"q&a", "q & a", "q and a", "questions and answers", "questions & answers",
             "question and answer session", "question and answer", "q&a session"}

_WORD = "|".join(sorted((re.escape(w) for w in [*_ROLES, *_FIELDS]), key=len, reverse=True))
_LABEL = re.compile(
    rf"(?P<label>(?:{_WORD})(?:\s*(?:&|and|,|/)\s*(?:{_WORD}))*)(?:\s*[:：]\s*|\s+)(?P<value>\S.*)",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"(?:Q|Question)\s*\d*\s*[:：.]\s*(?P<rest>.*)", re.IGNORECASE)
_ANSWER = re.compile(r"(?:A|Answer)\s*\d*\s*(?:[(（](?P<who>[^)）]+)[)）])?\s*[:：]\s*(?P<rest>.*)", re.IGNORECASE)
_SPEAKER = re.compile(r"(?P<name>[^:：]{1,80}?)\s*[:：]\s*(?P<rest>.*)")
_NOTE = re.compile(r"[*※]\s*(?P<text>[^*\s].*?)\s*\*?")
_URL = re.compile(r"https?://[^\s<>()\"]+[^\s<>().,;:!?'\"”’]")
_SENTENCE_END = tuple(".,;:!?…\"”’'")


@dataclass(frozen=True)
class _Chunk:
    """Consecutive non-blank lines; ``line`` is the file line of the first."""

    line: int
    lines: tuple[str, ...]


def read(text: str, path: str, reporter: Reporter) -> m.Article:
    chunks = _chunks(text)
    if not chunks:
        raise InputError(Pos(path, 1, 1), "document has no content")
    title_chunk, rest = chunks[0], chunks[1:]
    title = " ".join(title_chunk.lines[0].split())
    header_lines = [(title_chunk.line + i, line) for i, line in enumerate(title_chunk.lines[1:], 1)]
    subtitle = ""
    if header_lines and not _field(header_lines[0][1]) and not _is_boilerplate(header_lines[0][1]):
        subtitle = header_lines.pop(0)[1].strip()

    fields: dict[str, tuple[str, Pos]] = {}
    people: list[m.Person] = []
    body_chunks = _read_header(header_lines, rest, fields, people, path)

    content = _Body(path, people, reporter).read(body_chunks)
    if not content.blocks and not content.standfirst:
        raise InputError(Pos(path, title_chunk.line, 1), "document has no content after its title and header")

    date, timestamp = None, None
    if "date" in fields:
        written, pos = fields["date"]
        parsed = parse_date(written)
        if parsed is None:
            reporter.warn(pos, f"'{written}' is not a date this reader understands")
        else:
            date, timestamp = parsed
    if date is None:
        date = date_from_filename(Path(path).name)
        if date is None:
            reporter.warn(Pos(path, 1, 1), "no date in the header or the file name")

    extra = tuple((k, v) for k, (v, _) in fields.items() if k != "date")
    meta = m.ArticleMeta(
        title=title, subtitle=subtitle, people=tuple(people), date=date, timestamp=timestamp,
        standfirst=content.standfirst, kind="event", extra=extra,
        language=fields["language"][0] if "language" in fields and len(fields["language"][0]) <= 5 else "",
    )
    return m.Article(id="", meta=meta, blocks=content.blocks, pos=Pos(path, 1, 1))


def _chunks(text: str) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            chunks.append(_Chunk(start, tuple(current)))
            current = []
    if current:
        chunks.append(_Chunk(start, tuple(current)))
    return chunks


# ------------------------------------------------------------------- header


def _field(line: str) -> tuple[str, str] | None:
    match = _LABEL.fullmatch(line.strip())
    if not match:
        return None
    return match["label"], match["value"].strip()


def _is_boilerplate(line: str) -> bool:
    return " ".join(line.lower().split()) in _BOILERPLATE


def _read_header(
    lines: list[tuple[int, str]], rest: list[_Chunk], fields: dict[str, tuple[str, Pos]],
    people: list[m.Person], path: str,
) -> list[_Chunk]:
    """Consume header fields and boilerplate; return the chunks where the body begins.

    ``lines`` are header lines in the title's own chunk (no blank line after the title).
    """
    chunks = [_Chunk(lines[0][0], tuple(line for _, line in lines))] if lines else []
    chunks += rest
    for index, chunk in enumerate(chunks):
        for offset, line in enumerate(chunk.lines):
            if not _take_header_line(line, Pos(path, chunk.line + offset, 1), fields, people):
                remainder = _Chunk(chunk.line + offset, chunk.lines[offset:])
                return [remainder, *chunks[index + 1 :]]
    return []


def _take_header_line(line: str, pos: Pos, fields: dict[str, tuple[str, Pos]], people: list[m.Person]) -> bool:
    if _is_boilerplate(line):
        return True
    found = _field(line)
    if not found:
        return False
    label, value = found
    words = [w.strip().lower() for w in re.split(r"\s*(?:&|\band\b|,|/)\s*", label) if w.strip()]
    roles = tuple(dict.fromkeys(_ROLES[w] for w in words if w in _ROLES))
    if roles:
        persons = _people(value)
        if persons is None:
            return False
        for name, affiliations in persons:
            _add_person(people, name, roles, affiliations)
        return True
    key = _FIELDS[words[0]]
    if key == "date" and parse_date(value) is None and not re.search(r"\d", value):
        return False  # "Date" opening a sentence, not a field
    fields[key] = (value, pos)
    return True


def _add_person(people: list[m.Person], name: str, roles: tuple[str, ...], affiliations: tuple[str, ...]) -> None:
    for index, person in enumerate(people):
        if name_key(person.name) == name_key(name):
            merged_roles = tuple(dict.fromkeys(person.roles + roles))
            people[index] = replace(
                person, roles=merged_roles, affiliations=person.affiliations or affiliations
            )
            return
    people.append(make_person(name, roles, affiliations))


def _split_top(text: str, separator: str = " / ") -> list[str]:
    """Split at ``separator`` outside parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "([（":
            depth += 1
        elif char in ")]）":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _people(value: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """``NAME (AFFILIATION / AFFILIATION) / NAME (...)`` as names with their affiliations."""
    out = []
    parts = [piece for part in _split_top(value, "; ") for piece in _split_top(part)]
    for part in parts:
        name, affiliation = part, ""
        if part.endswith((")", "）")):
            depth = 0
            for i in range(len(part) - 1, -1, -1):
                depth += part[i] in ")）"
                depth -= part[i] in "(（"
                if depth == 0:
                    name, affiliation = part[:i].strip(), part[i + 1 : -1].strip()
                    break
        elif ", " in part and len(part.split(", ", 1)[0].split()) <= 4:
            name, affiliation = (s.strip() for s in part.split(", ", 1))
        if not name or len(name.split()) > 6 or name.endswith(_SENTENCE_END):
            return None
        out.append((" ".join(name.split()), tuple(_split_top(affiliation)) if affiliation else ()))
    return out or None


# --------------------------------------------------------------------- body


@dataclass
class _Content:
    standfirst: tuple[m.Block, ...]
    blocks: tuple[m.Block, ...]


class _Body:
    """Reads the chunks after the header: abstract, sections, Q&A and the closing note."""

    def __init__(self, path: str, people: list[m.Person], reporter: Reporter) -> None:
        self.path = path
        self.people = people
        self.reporter = reporter

    def read(self, chunks: list[_Chunk]) -> _Content:
        chunks = [piece for chunk in chunks for piece in _split_leading_heading(chunk)]
        standfirst: tuple[m.Block, ...] = ()
        if chunks and not self._heading_level(chunks, 0, False):
            first = chunks.pop(0)
            if not _NOTE.fullmatch(first.lines[0]):
                standfirst = (self._paragraph(first.lines, first.line),)
            else:
                chunks.insert(0, first)
        blocks: list[m.Block] = []
        in_summary = in_qa = False
        index = 0
        while index < len(chunks):
            chunk = chunks[index]
            note = _NOTE.fullmatch(" ".join(chunk.lines))
            if note:
                blocks.append(m.Div("source-note", (self._paragraph((note["text"],), chunk.line),),
                                    pos=self._pos(chunk.line)))
                index += 1
                continue
            level = self._heading_level(chunks, index, in_summary)
            if level:
                text = " ".join(chunk.lines[0].split())
                key = text.lower()
                if key in _QA_WORDS:
                    in_qa, in_summary = True, False
                elif key in _SUMMARY_WORDS:
                    in_summary = True
                blocks.append(m.Heading(level, (m.Text(text),), pos=self._pos(chunk.line)))
                index += 1
                continue
            if in_qa or _QUESTION.fullmatch(chunk.lines[0]):
                in_qa = True
                taken, index = self._exchanges(chunks, index)
                blocks.extend(taken)
                continue
            blocks.append(self._paragraph(chunk.lines, chunk.line))
            index += 1
        return _Content(standfirst, tuple(blocks))

    def _pos(self, line: int) -> Pos:
        return Pos(self.path, line, 1)

    def _heading_level(self, chunks: list[_Chunk], index: int, in_summary: bool) -> int:
        chunk = chunks[index]
        if len(chunk.lines) != 1:
            return 0
        text = " ".join(chunk.lines[0].split())
        key = text.lower()
        if key in _QA_WORDS or key in _SUMMARY_WORDS:
            return 2
        looks_like_heading = (
            len(text) <= 120
            and len(text.split()) <= 16
            and not text.endswith(_SENTENCE_END)
            and (text[0].isupper() or text[0].isdigit())
            and not _QUESTION.fullmatch(text)
            and not _NOTE.fullmatch(text)
            and index + 1 < len(chunks)
        )
        if not looks_like_heading:
            return 0
        return 3 if in_summary else 2

    # ---------------------------------------------------------------- Q&A

    def _exchanges(self, chunks: list[_Chunk], index: int) -> tuple[list[m.Block], int]:
        """Exchanges from ``index`` up to the next heading or closing note."""
        blocks: list[m.Block] = []
        question: m.Turn | None = None
        answers: list[m.Turn] = []
        turn: tuple[str, str, int, list[tuple[int, list[str]]]] | None = None  # kind, speaker, line, paragraphs

        def close_turn() -> None:
            nonlocal turn, question
            if turn is None:
                return
            kind, speaker, line, paragraphs = turn
            body = tuple(self._paragraph(tuple(lines), number) for number, lines in paragraphs if lines)
            made = m.Turn(speaker, body, pos=self._pos(line))
            if kind == "q":
                question = made
            else:
                answers.append(made)
            turn = None

        def close_exchange() -> None:
            nonlocal question, answers
            close_turn()
            if question is not None:
                if not answers:
                    self.reporter.warn(question.pos or self._pos(1), "question without an answer")
                blocks.append(m.Exchange(question, tuple(answers), pos=question.pos))
            question, answers = None, []

        while index < len(chunks):
            chunk = chunks[index]
            if _NOTE.fullmatch(" ".join(chunk.lines)) or (self._heading_level(chunks, index, False) and (
                " ".join(chunk.lines[0].split()).lower() in _QA_WORDS | _SUMMARY_WORDS
            )):
                break
            for offset, line in enumerate(chunk.lines):
                number = chunk.line + offset
                question_match = _QUESTION.fullmatch(line.strip())
                speaker = None if question_match else self._speaker(line.strip())
                if question_match:
                    close_exchange()
                    turn = ("q", "", number, [(number, [question_match["rest"]] if question_match["rest"] else [])])
                elif speaker is not None and (turn is not None or question is not None):
                    close_turn()
                    name, rest = speaker
                    turn = ("a", name, number, [(number, [rest] if rest else [])])
                elif turn is None:
                    close_exchange()
                    blocks.append(self._paragraph((line,), number))
                else:
                    paragraphs = turn[3]
                    if offset == 0 and paragraphs[-1][1]:
                        paragraphs.append((number, [line]))
                    else:
                        if not paragraphs[-1][1]:
                            paragraphs[-1] = (number, paragraphs[-1][1])
                        paragraphs[-1][1].append(line)
            index += 1
        close_exchange()
        return blocks, index

    def _speaker(self, line: str) -> tuple[str, str] | None:
        """``(name, rest of line)`` when the line opens with a speaker's name and a colon."""
        answer = _ANSWER.fullmatch(line)
        if answer:
            who = answer["who"] or ""
            return (self._known_name(who) or who.strip()) if who else "", answer["rest"]
        match = _SPEAKER.fullmatch(line)
        if not match:
            return None
        name = re.sub(r"\s*[(（].*[)）]\s*$", "", match["name"]).strip()
        known = self._known_name(name)
        if known:
            return known, match["rest"]
        words = name.split()
        if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not re.search(r"\d", name):
            return name, match["rest"]
        return None

    def _known_name(self, name: str) -> str:
        """The header's spelling of a person named in full or by family name alone, or ""."""
        key = name_key(name)
        for person in self.people:
            family = name_key(person.family_name) if person.family_name else ""
            if key == name_key(person.name) or (family and key == family):
                return person.name
        return ""

    # ------------------------------------------------------------ inlines

    def _paragraph(self, lines: tuple[str, ...] | list[str], line: int) -> m.Paragraph:
        inlines: list[m.Inline] = []
        for i, text in enumerate(lines):
            if i:
                inlines.append(m.SoftBreak())
            inlines.extend(_linkify(" ".join(text.split())))
        return m.Paragraph(tuple(inlines), pos=self._pos(line))


def _split_leading_heading(chunk: _Chunk) -> list[_Chunk]:
    """A heading pasted straight above its first paragraph, with no blank line between.

    Only a short line that reads as a title and is followed by a new sentence
    counts: the first line of a hard-wrapped paragraph ends mid-sentence and is
    as long as the lines after it.
    """
    if len(chunk.lines) < 2:
        return [chunk]
    first, second = " ".join(chunk.lines[0].split()), chunk.lines[1].strip()
    known = first.lower() in _QA_WORDS | _SUMMARY_WORDS
    titled = (
        len(first.split()) <= 8
        and not first.endswith(_SENTENCE_END)
        and not first.endswith(("-", "–", "—"))
        and first[:1].isupper()
        and len(first) < 0.6 * len(second)
        and second[:1].isupper()
        and not _QUESTION.fullmatch(first)
        and not _NOTE.fullmatch(first)
    )
    if not (known or titled):
        return [chunk]
    return [_Chunk(chunk.line, (chunk.lines[0],)), _Chunk(chunk.line + 1, chunk.lines[1:])]


def _linkify(text: str) -> list[m.Inline]:
    out: list[m.Inline] = []
    last = 0
    for match in _URL.finditer(text):
        if match.start() > last:
            out.append(m.Text(text[last : match.start()]))
        out.append(m.Link((m.Text(match.group()),), match.group()))
        last = match.end()
    if last < len(text):
        out.append(m.Text(text[last:]))
    return out
