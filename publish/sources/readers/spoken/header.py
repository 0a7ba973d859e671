"""An event's header: title, subtitle, publisher, the fields (date, venue...) and the people.

Headers come in several layouts, all read by one pass over the lines at the top:

- ``Label: value`` or ``Label value`` on one line (``Speaker William CHOU (...)``, ``日時：...``),
  the label perhaps in two languages (``Speaker / 講演者: English / 日本語``);
- a label alone on its line with its value below (``Moderator`` then the name; CSIS's
  ``DATE``, ``FEATURING``), people each as a name line and title lines;
- a court reporter's ``PARTICIPANTS:`` grouped by role, ``NAME, Moderator`` inside a group;
- an attendance table in columns (``出席者``);
- free lines: the title, a subtitle, the institution, the format (``WEBINAR``), the place,
  a date alone.

The header ends at the first line that is none of these.  Every line it takes is left
out of the body as ``metadata`` (or ``marker``, ``boilerplate``); a label it does not
know is kept with its value and reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ....model import nodes as m
from ...names import is_cjk
from .blocks import section_word
from .fields import COLON, Label, field_line, halves, singular
from .people import Named, add_person, attendance_row, is_name_line, named, person, recased, split_people, split_top
from .sheet import Sheet
from .titles import free_line, resolve
from .turns import turn_label
from .when import date_and_time
from .words import BOILERPLATE, MARKERS, ROLES, key


@dataclass
class Header:
    title: str = ""
    subtitle: str = ""
    publisher: str = ""
    people: list[m.Person] = field(default_factory=list)
    date: dt.date | None = None
    timestamp: dt.datetime | None = None
    #: The line of the date as written, for a warning when it cannot be read.
    date_line: int = 0
    extra: list[tuple[str, str]] = field(default_factory=list)
    #: Lines taken as fields or people (not title lines): the source has a header.
    fields: int = 0
    #: Where the body begins.
    body: int = 1


@dataclass
class _Block:
    """A label alone on its line, gathering the lines below it."""

    label: Label
    line: int
    values: list[str] = field(default_factory=list)
    current: Named | None = None
    titles: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.header = Header()
        self.free: list[tuple[int, str]] = []
        self.block: _Block | None = None
        self.field_run = False
        #: The lines this pass left out (the rest of the sheet's rules are not the header's).
        self.taken: list[int] = []

    def read(self) -> Header:
        first, previous = True, 0
        for number in range(1, self.sheet.last + 1):
            if not self.sheet.kept(number):
                continue
            after_blank = any(self.sheet.blank(n) for n in range(previous + 1, number))
            previous = number
            if after_blank:
                self.field_run = False
            if not self._take(number, self.sheet.line(number).strip(), first, after_blank):
                self.header.body = number
                break
            first = False
        else:
            self.header.body = self.sheet.last + 1
        self._close_block()
        if self.header.fields == 0:
            self._title_chunk_only()
        titles = resolve(self.free, self.sheet)
        self.header.title, self.header.subtitle = titles.title, titles.subtitle
        self.header.publisher = titles.publisher
        self.header.extra = titles.extra + self.header.extra
        self.header.people = recased(self.header.people)
        return self.header

    def _take(self, number: int, text: str, first: bool, after_blank: bool) -> bool:
        word = key(text)
        if word in BOILERPLATE:
            self._drop(number, "boilerplate")
            return True
        if word in MARKERS or word.replace(" ", "") == "participants":
            self._close_block()
            if word.startswith("participants"):
                self.block = _Block(Label(), number)
            self._drop(number, "marker")
            return True
        if section_word(text) and not (first and self.header.fields == 0):
            return False
        found = field_line(text, spaced=not first, unknown=self.field_run and not after_blank)
        if found is not None and self._is_field(found, text, after_blank):
            label, value = found
            self._close_block()
            self._drop(number, "metadata")
            if value:
                self._field(label, value, number)
                self.field_run = True
            else:  # a label alone: its value is on the lines below
                self.block = _Block(label, number)
                self.header.fields += 1
            return True
        if self.block is not None and self._block_line(text, number, after_blank):
            self._drop(number, "metadata")
            return True
        self._close_block()
        strict = self.header.fields == 0  # "HYDROGEN TRADE CORRIDORS: WHO BUILDS?" is a title, not a turn
        if turn_label(text, self.header.people, strict=strict) is not None and not first:
            return False
        day, stamp, time = date_and_time(text) if len(text.split()) <= 12 else (None, None, "")
        if day is not None and self.header.date is None and not first:
            self.header.date, self.header.timestamp, self.header.date_line = day, stamp, number
            self.header.fields += 1
            if time:
                self.header.extra.append(("time", time))
            self._drop(number, "metadata")
            return True
        if self.header.fields == 0 and free_line(text):
            self.free.append((number, text))
            return True
        return False

    def _is_field(self, found: tuple[Label, str], text: str, after_blank: bool) -> bool:
        """Whether a line that reads as a field is one.  Without a colon (``Speaker William CHOU``) its
        value must fit the label, and under a person's name it is rather that person's next title line."""
        label, value = found
        if not value or COLON.fullmatch(text):
            return True
        block = self.block
        if block is not None and block.current is not None and not after_blank and not is_name_line(text, False):
            return False
        if label.field == "date":
            return date_and_time(value)[0] is not None
        if label.roles:
            return all((n := named(p)) is not None and (n.name[:1].isupper() or is_cjk(n.name))
                       for p in split_people(value))
        return True

    # ------------------------------------------------------------------ values

    def _field(self, label: Label, value: str, number: int) -> None:
        header = self.header
        header.fields += 1
        if label.ja:
            english, japanese = halves(value)
            if japanese:
                header.extra.append((label.ja, japanese))
            value = english or value
        if label.unknown:
            self.sheet.warn(number, f"unknown header label '{label.unknown}': kept with its value")
            someone = named(value)
            if someone is not None and (someone.affiliations or _capitals(someone.name)):
                add_person(header.people, person(someone, (singular(label.unknown),)))
            else:
                header.extra.append((key(label.unknown), value))
        elif label.roles or label.attendance:
            for part in split_people(value):
                found = named(part)
                if found is not None:
                    add_person(header.people, person(found, label.roles))
                else:
                    header.extra.append((label.roles[0] if label.roles else "attendance", part))
        elif label.field == "date":
            day, stamp, time = date_and_time(value)
            header.date_line = number
            if day is None:
                header.extra.append(("date", value))
                self.sheet.warn(number, f"'{value}' is not a date this reader understands")
            else:
                header.date, header.timestamp = day, stamp
            if time:
                header.extra.append(("time", time))
        else:
            header.extra.append((label.field, value))

    def _block_line(self, text: str, number: int, after_blank: bool) -> bool:
        block = self.block
        assert block is not None
        label = block.label
        if label.field or label.unknown:
            if after_blank:
                return False
            block.values.append(text)
            return True
        if turn_label(text, self.header.people, strict=False) is not None:
            return False
        if label.attendance and is_cjk(text):
            row = attendance_row(text)
            if row is None:
                return False
            post, name, affiliation = row
            role = ROLES.get(post, "")
            made = person(Named(name, (affiliation,) if affiliation else ()), (role,) if role else ())
            if role == "secretariat" and not affiliation:
                made = m.Person(name=name, roles=(role,), organisation=True)
            add_person(self.header.people, made)
            return True
        first = after_blank or (block.current is None and not block.titles)
        if first or block.current is None:
            people = [named(p) for p in split_people(text)]
            if people and all(p is not None and p.affiliations for p in people):
                self._flush()
                for each in people:
                    if each is not None:
                        add_person(self.header.people, person(each, label.roles))
                return True
        if is_name_line(text, first):
            self._flush()
            block.current = named(text) or Named(text)
            return True
        if block.current is not None and not after_blank:
            block.titles.append(text)
            return True
        return False

    def _flush(self) -> None:
        block = self.block
        if block is None or block.current is None:
            return
        titles = split_top(", ".join(t.rstrip(",") for t in block.titles), "; ") if block.titles else []
        found = block.current
        if titles:
            found = Named(found.name, found.affiliations + tuple(titles), found.honorific, found.role)
        add_person(self.header.people, person(found, block.label.roles))
        block.current, block.titles = None, []

    def _close_block(self) -> None:
        block = self.block
        if block is None:
            return
        self._flush()
        if block.values:
            self._field(block.label, " ".join(block.values), block.line)
        self.block = None

    def _drop(self, number: int, rule: str) -> None:
        if self.sheet.kept(number):
            self.sheet.drop(number, number, rule)
            self.taken.append(number)

    # ------------------------------------------------------------------ title

    def _title_chunk_only(self) -> None:
        """No header fields: only the first lines, up to a blank line, can be the title and subtitle;
        the body begins after them (what the pass took beyond them is the body's again)."""
        chunk = self.free[:1]
        for number, text in self.free[1:]:
            if number != chunk[-1][0] + 1:
                break
            chunk.append((number, text))
        body = chunk[-1][0] + 1 if chunk else self.header.body
        for number in self.taken:
            if body <= number < self.header.body:
                del self.sheet.rules[number]
        self.free, self.header.body = chunk, min(body, self.header.body)


def _capitals(name: str) -> bool:
    """A family name in capitals (``Tom ELLIS``): the value names a person."""
    return any(w.isupper() and len(w) > 1 for w in name.split())


def read_header(sheet: Sheet) -> Header:
    """The header at the top of ``sheet``; its lines are marked as left out of the body."""
    return _Reader(sheet).read()
