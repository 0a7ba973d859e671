"""Lines that are not content, found before anything is read: page furniture, separators,
closing marks, credits, certificates and contact blocks.

Text copied out of a PDF repeats a running head and a footer on every page and
numbers the pages; a transcript ends with ``(END)``, ``###`` or ``以上``, a
transcriber's credit or certificate, and an enquiries block.  Each is marked on
the :class:`~.sheet.Sheet` with the rule that leaves it out.
"""

from __future__ import annotations

import re
from collections import Counter

from .inlines import STAMP, direction_alone
from .sheet import Sheet

_PAGE_NUMBER = re.compile(
    r"\s*(?:page\s+\d+(?:\s+of\s+\d+)?|[-－‐–—]\s*[\d０-９]+\s*[-－‐–—]|\d+\s*/\s*\d+)\s*", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"\s*\d{1,3}\s*")
#: A running head that ends with its page number, set off by a run of spaces.
_RUNNING_HEAD = re.compile(r"\S.*\S\s{2,}\d{1,4}\s*")
_SEPARATOR = re.compile(r"\s*(?:[*•·・\-–—_=~―─━]\s*){3,}")
END_MARK = re.compile(r"\s*(?:\(END\)|\[END\]|-\s*END\s*-|END|#\s*#\s*#|-30-|（了）|\(了\)|以上|（以上）)\s*")
_LETTER_SPACED = re.compile(r"\s*(?:[A-Z]\s){4,}[A-Z]\s*")
_CREDIT = re.compile(r"\s*(?:Transcript(?:ion)?(?:\s+(?:provided|prepared))?\s+by|Transcribed\s+by)\b\s*:?"
                     r"\s*(?P<rest>.*)", re.IGNORECASE)
_CERTIFICATE = re.compile(r"\s*(?:[A-Z'’]+\s+)*CERTIFICATE(?:\s+OF\s+[A-Z ]+)?\s*")
_CONTACT = re.compile(r"\s*(?:お問(?:い)?合(?:わ)?せ先?|問(?:い)?合(?:わ)?せ先|連絡先|Contacts?|Media contacts?|"
                      r"For (?:more information|further information|enquiries|inquiries))\s*[:：]?\s*", re.IGNORECASE)
_DISCLAIMER = re.compile(r"\s*(?:Transcript not checked against delivery|Please note: this transcript is based\b.*)\s*",
                         re.IGNORECASE)
#: A label and a colon: a turn or a field, which may repeat without being furniture.
_LABELLED = re.compile(r"[^:：]{1,60}[:：](?:\s|$)")
#: How many non-blank lines from the end an enquiries block may start.
_CONTACT_REACH = 8


def mark_page_furniture(sheet: Sheet) -> None:
    """Running heads, footers and page numbers: lines a printed page repeats, not what was said."""
    counts = Counter(_shape(sheet.line(n)) for n in range(1, sheet.last + 1) if sheet.kept(n))
    bare = [n for n in range(1, sheet.last + 1) if sheet.kept(n) and _BARE_NUMBER.fullmatch(sheet.line(n))]
    for number in range(1, sheet.last + 1):
        if not sheet.kept(number):
            continue
        line = sheet.line(number)
        shape = _shape(line)
        repeated = counts[shape] >= 3 or (counts[shape] >= 2 and _RUNNING_HEAD.fullmatch(line))
        if (_PAGE_NUMBER.fullmatch(line) or (len(bare) >= 2 and number in bare)
                or (repeated and _may_be_furniture(line))):
            sheet.drop(number, number, "page-furniture")


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _may_be_furniture(line: str) -> bool:
    text = line.strip()
    return (len(text) >= 4 and any(c.isalpha() for c in text) and not _LABELLED.match(text)
            and not direction_alone(text) and not STAMP.fullmatch(text) and not _SEPARATOR.fullmatch(text)
            and not END_MARK.fullmatch(text))


def mark_closings(sheet: Sheet) -> None:
    """Separators, letter-spaced markers, closing marks and what follows them: credits, certificates,
    disclaimers and enquiries blocks."""
    kept = [n for n in range(1, sheet.last + 1) if sheet.kept(n)]
    for index, number in enumerate(kept):
        if not sheet.kept(number):
            continue
        line = sheet.line(number)
        if END_MARK.fullmatch(line):
            sheet.drop(number, number, "end-marker")
        elif _SEPARATOR.fullmatch(line):
            sheet.drop(number, number, "separator")
        elif _LETTER_SPACED.fullmatch(line):
            sheet.drop(number, number, "marker")
        elif _DISCLAIMER.fullmatch(line):
            sheet.drop(number, number, "boilerplate")
        elif _CERTIFICATE.fullmatch(line) and index > len(kept) // 2:
            sheet.drop(number, sheet.last, "certificate")
        elif _CONTACT.fullmatch(line) and index >= len(kept) - _CONTACT_REACH:
            sheet.drop(number, sheet.last, "contact")
        else:
            credit = _CREDIT.fullmatch(line)
            if credit is not None:
                sheet.drop(number, _paragraph_end(sheet, number) if not credit["rest"] else number, "credit")


def _paragraph_end(sheet: Sheet, number: int) -> int:
    """The last line of the paragraph that ``number`` opens."""
    while number < sheet.last and not sheet.blank(number + 1):
        number += 1
    return number
