"""Expected items against what a reader observed: missing, extra, out of order, wrong level."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from itertools import zip_longest

from ..model.nodes import Pos
from .align import best_chain
from .expected import ArticleExpected, BookExpected, Item
from .normalise import letters, quoted
from .observed import ArticleObserved, ContentsEntry, Observed
from .report import Finding

#: Candidate places per item considered when aligning; short items can occur often.
MAX_CANDIDATES = 40
#: Unmatched output text shorter than this (in letters) is taken for labels and furniture.
EXTRA_TEXT_MIN = 24


def compare(fmt: str, expected: BookExpected, observed: Observed) -> list[Finding]:
    findings: list[Finding] = []
    pairs = list(zip(expected.articles, observed.articles, strict=False))  # (one may have more)
    for want, got in zip_longest(expected.articles, observed.articles):
        if got is None:
            findings.append(Finding(want.pos, fmt, f"article missing: {quoted(want.title)}"))
        elif want is None:
            first = got.units[0].text if got.units else ""
            findings.append(Finding(expected.articles[-1].pos, fmt, f"extra article: {quoted(first)}"))
        else:
            findings += compare_article(fmt, want, got)
    findings += compare_notes(fmt, pairs)
    findings += compare_contents(fmt, expected.contents, observed.contents, expected.deeper_headings)
    return findings


def compare_article(fmt: str, want: ArticleExpected, got: ArticleObserved) -> list[Finding]:
    return [*compare_flow(fmt, want, got), *compare_links(fmt, want, got),
            *compare_cross_references(fmt, want, got), *compare_images(fmt, want, got)]


def compare_cross_references(fmt: str, want: ArticleExpected, got: ArticleObserved) -> list[Finding]:
    """Every link inside the book leads to the heading or article the model says."""
    available = Counter(letters(t) for t in got.internal_links)
    findings = []
    for link in want.internal_links:
        if available[link.key] > 0:
            available[link.key] -= 1
        else:
            findings.append(Finding(link.pos, fmt, f"cross-reference broken (should lead to {quoted(link.text)})"))
    return findings


def compare_flow(fmt: str, want: ArticleExpected, got: ArticleObserved) -> list[Finding]:
    keys = [letters(u.text) for u in got.units]
    starts, offset = [], 0
    for key in keys:
        starts.append(offset)
        offset += len(key)
    stream = "".join(keys)
    heading_starts = {s for s, u, k in zip(starts, got.units, keys, strict=True) if u.heading and k}
    items = [i for i in want.flow if i.key]
    candidates = []
    for item in items:
        spans = [m.span() for _, m in zip(range(MAX_CANDIDATES), item.pattern.finditer(stream), strict=False)]
        if item.kind == "heading":
            # A heading is looked for where the output starts a heading first.
            spans = [s for s in spans if s[0] in heading_starts] or spans
        candidates.append(spans)
    chosen = best_chain(candidates, [len(i.key) for i in items], len(stream))

    findings: list[Finding] = []
    covered = [False] * len(got.units)
    previous: list[Pos] = [want.pos] * len(got.units)
    for item, spans, pick in zip(items, candidates, chosen, strict=True):
        if pick is None:
            what = "out of order" if spans else "missing"
            findings.append(Finding(item.pos, fmt, f"{item.kind} {what}: {quoted(item.text)}"))
            continue
        start, end = spans[pick]
        first = _unit_at(starts, start)
        for index in range(first, _unit_at(starts, max(start, end - 1)) + 1):
            covered[index] = True
        for index in range(first, len(previous)):
            previous[index] = item.pos
        if item.kind == "heading":
            level = got.units[first].heading
            if not level:
                findings.append(Finding(item.pos, fmt, f"heading not set as a heading: {quoted(item.text)}"))
            elif level != item.level:
                findings.append(Finding(item.pos, fmt,
                                        f"heading at level {level}, not {item.level}: {quoted(item.text)}"))
    metadata = [letters(t) for t in want.metadata if letters(t)]
    for index, (unit, key) in enumerate(zip(got.units, keys, strict=True)):
        if covered[index] or unit.heading or len(_without(key, metadata)) < EXTRA_TEXT_MIN:
            continue
        findings.append(Finding(previous[index], fmt, f"extra text: {quoted(unit.text)}"))
    return findings


def _unit_at(starts: list[int], position: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:  # the last unit starting at or before position
        mid = (low + high + 1) // 2
        if starts[mid] <= position:
            low = mid
        else:
            high = mid - 1
    return low


def _without(key: str, parts: list[str]) -> str:
    for part in sorted(parts, key=len, reverse=True):
        key = key.replace(part, "")
    return key


def compare_notes(fmt: str, pairs: list[tuple[ArticleExpected, ArticleObserved]]) -> list[Finding]:
    """Each article's footnotes must be set with that article; a note found elsewhere is named so."""
    missing: list[tuple[int, Item]] = []
    extra: list[tuple[int, str]] = []
    for index, (want, got) in enumerate(pairs):
        keys = [letters(n) for n in got.notes]
        # A footnote area may hold several notes: each is searched after the last one found there.
        searched_to = [0] * len(keys)
        for note in want.notes:
            for area, key in enumerate(keys):
                found = note.pattern.search(key, searched_to[area])
                if found:
                    searched_to[area] = max(found.end(), 1)
                    break
            else:
                missing.append((index, note))
        extra += [(index, text) for text, done in zip(got.notes, searched_to, strict=True) if not done]
    findings = []
    for _, note in missing:
        elsewhere = next((e for e in extra if note.pattern.search(letters(e[1]))), None)
        if elsewhere is None:
            findings.append(Finding(note.pos, fmt, f"footnote missing: {quoted(note.text)}"))
        else:
            extra.remove(elsewhere)
            title = pairs[elsewhere[0]][0].title
            findings.append(Finding(note.pos, fmt, f"footnote set under another article ({quoted(title)}): "
                                                   f"{quoted(note.text)}"))
    for index, text in extra:
        findings.append(Finding(pairs[index][0].pos, fmt, f"extra footnote: {quoted(text)}"))
    return findings


def compare_links(fmt: str, want: ArticleExpected, got: ArticleObserved) -> list[Finding]:
    """Targets, not occurrences: a link broken across lines may become several annotations."""
    findings = []
    found = {t.strip() for t in got.links}
    reported = set()
    for link in want.links:
        if link.text not in found and link.text not in reported:
            reported.add(link.text)
            findings.append(Finding(link.pos, fmt, f"link missing (target {quoted(link.text)})"))
    allowed = {link.text for link in want.links} | want.optional_links
    for target in sorted(found - allowed):
        findings.append(Finding(want.pos, fmt, f"extra link (target {quoted(target)})"))
    return findings


def compare_images(fmt: str, want: ArticleExpected, got: ArticleObserved) -> list[Finding]:
    return _compare_counts(fmt, "image", want.images, got.images, want.optional_images, want.pos, letters)


def _compare_counts(fmt: str, kind: str, wanted: list[Item], found: list[str], optional: set[str],
                    pos: Pos, key: Callable[[str], str]) -> list[Finding]:
    """Each expected value must be there as often as the model has it; others are extra."""
    findings = []
    available = Counter(key(v) for v in found)
    for item in wanted:
        value = key(item.text)
        if available[value] > 0:
            available[value] -= 1
        else:
            label = "alt text" if kind == "image" else "target"
            findings.append(Finding(item.pos, fmt, f"{kind} missing ({label} {quoted(item.text)})"))
    for value in found:
        value_key = key(value)
        if available[value_key] > 0:
            available[value_key] -= 1
            if value_key in {key(o) for o in optional}:
                continue
            findings.append(Finding(pos, fmt, f"extra {kind}: {quoted(value)}"))
    return findings


def compare_contents(fmt: str, wanted: list[Item], found: list[ContentsEntry],
                     deeper: AbstractSet[str] = frozenset()) -> list[Finding]:
    if not wanted:
        return []
    keys = [letters(e.text) for e in found]
    wanted_keys = {i.key for i in wanted}
    # Entries before the first article or section are front matter (contents, at a glance).
    first = next((n for n, k in enumerate(keys) if k in wanted_keys), len(keys))
    entries, keys = found[first:], keys[first:]
    candidates = [[(n, n + 1) for n, k in enumerate(keys) if k == item.key][:MAX_CANDIDATES] for item in wanted]
    chosen = best_chain(candidates, [1] * len(wanted), len(keys))
    findings, used = [], set()
    previous = [wanted[0].pos] * len(entries)
    for item, spans, pick in zip(wanted, candidates, chosen, strict=True):
        if pick is None:
            what = "out of order" if spans else "missing"
            findings.append(Finding(item.pos, fmt, f"contents entry {what}: {quoted(item.text)}"))
            continue
        index = spans[pick][0]
        used.add(index)
        for later in range(index, len(entries)):
            previous[later] = item.pos
        depth = entries[index].depth
        if (item.level == 1) != (depth == 1):
            findings.append(Finding(item.pos, fmt, f"contents entry at depth {depth}: {quoted(item.text)}"))
    # Top-level entries after the last article are back matter (contributors, abbreviations).
    last_article = max((spans[pick][0] for item, spans, pick in zip(wanted, candidates, chosen, strict=True)
                        if pick is not None and item.level == 1), default=len(entries))
    for index, entry in enumerate(entries):
        back_matter = index > last_article and entry.depth == 1 and all(
            e.depth == 1 for e in entries[index:])
        if index not in used and keys[index] not in deeper and not back_matter:
            findings.append(Finding(previous[index], fmt, f"extra contents entry: {quoted(entry.text)}"))
    return findings
