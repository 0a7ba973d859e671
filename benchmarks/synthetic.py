"""Synthetic briefings of N articles for the benchmark.

Alternates Markdown posts (YAML front matter, h2/h3, lists, footnotes, a
table, links, a blockquote, a closing bio) and plain-text event summaries
shaped like content/2025-10-23-us-japan-relations-for-a-new-era.txt
(header fields, Summary sections, a Q&A).  Each article is sized to about
four printed pages, so 400 articles make a book of about 1,600 pages.

The text is drawn from a seeded generator: the same N and seed always give
byte-identical files, so timings from different runs compare like with like.

    python benchmarks/synthetic.py 100 /tmp/brief100
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

SEED = 20251120
#: Paragraphs of body text per article; tuned so that an article prints on about four pages.
BODY_PARAGRAPHS = 8

WORDS = (
    "alliance supply chain investment framework tariff semiconductor shipbuilding ministerial "
    "coordination resilience security economic policy government partner industrial capacity "
    "critical minerals energy standards negotiation strategy cooperation agreement regional "
    "market competition trade export control technology research development fund project "
    "bilateral multilateral dialogue summit commitment deterrence infrastructure finance "
    "diplomacy analysts officials ministries budget election coalition mandate reform "
    "manufacturing data network grid subsidy procurement dependency allies institutions "
    "implementation roadmap stability growth inflation wages productivity capital"
).split()
VERBS = ("strengthens", "reshapes", "anchors", "complicates", "accelerates", "tests",
         "reflects", "undermines", "clarifies", "extends", "reinforces", "limits")
CONNECTIVES = ("However,", "Meanwhile,", "In practice,", "By contrast,", "For now,",
               "As a result,", "At the same time,", "In the longer term,")
GIVEN = ("Kenji", "Maria", "Daniel", "Aiko", "Priya", "Thomas", "Hana", "Samuel", "Yuki", "Laura")
FAMILY = ("TANAKA", "LOPEZ", "KIM", "SATO", "NAKAMURA", "CHEN", "MÜLLER", "OKAFOR", "ITO", "BERG")
INSTITUTES = ("Institute for Strategic Studies", "Centre for Economic Security",
              "Pacific Policy Forum", "University of Tokyo", "Atlantic Research Council",
              "Asia Trade Observatory")
TAGS = ("trade", "security", "energy", "technology", "diplomacy", "finance")


SYLLABLES = ("ka", "ro", "mi", "ten", "sa", "lu", "ver", "do", "an", "tri", "pel", "os", "ne", "gar",
             "bi", "sto", "men", "ra", "cu", "lis", "for", "de", "qua", "nor", "ti", "zel", "ham", "e")
#: Share of words drawn from the policy vocabulary; the rest are coined words, so that
#: sentences rarely share their distinctive words (the editorial check for repeated
#: passages would otherwise flag the synthetic text, which real articles do not trigger).
DOMAIN_SHARE = 0.3
COINED = 4000


def coined_words(rng: random.Random) -> list[str]:
    """Pronounceable made-up words of two to four syllables, all distinct."""
    words: set[str] = set()
    while len(words) < COINED:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Deterministic text from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.coined = coined_words(rng)

    def word(self) -> str:
        pool = WORDS if self.rng.random() < DOMAIN_SHARE else self.coined
        return self.rng.choice(pool)

    def words(self, low: int, high: int) -> list[str]:
        return [self.word() for _ in range(self.rng.randint(low, high))]

    def title(self, low: int = 3, high: int = 7) -> str:
        return " ".join(w.capitalize() for w in self.words(low, high))

    def sentence(self) -> str:
        head = " ".join(self.words(2, 5))
        tail = " ".join(self.words(6, 14))
        opener = self.rng.choice(CONNECTIVES) + " " if self.rng.random() < 0.25 else ""
        text = f"{opener}the {head} {self.rng.choice(VERBS)} the {tail}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: tuple[int, int] = (5, 8)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))

    def person(self) -> tuple[str, str]:
        """(name with the family name in capitals, affiliation)."""
        given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
        name = f"{family} {given}" if self.rng.random() < 0.5 else f"{given} {family}"
        return name, f"Senior Fellow, {self.rng.choice(INSTITUTES)}"


# ------------------------------------------------------------------ Markdown


def markdown_post(w: Writer, number: int, date: dt.date) -> str:
    """A Jekyll post with every construct the Markdown reader handles in ordinary use."""
    rng = w.rng
    author, _ = w.person()
    tags = ", ".join(sorted(rng.sample(TAGS, 2)))
    parts = [
        "---",
        f"title: {w.title()} ({number})",
        f"author: {author.title()}",
        f"date: {date.isoformat()} 09:00:00 +0900",
        f"tags: [{tags}]",
        f'description: "{w.title(4, 8)}"',
        "excerpt_separator: <excerpt/>",
        "---",
        "",
        f"_{w.sentence()}_",
        "",
        "<excerpt/>",
        "",
        _with_inlines(w, w.paragraph(), footnote=1),
        "",
    ]
    sections = _split(BODY_PARAGRAPHS - 2, 3)
    for index, count in enumerate(sections):
        parts += [f"## {w.title()}", ""]
        for p in range(count):
            if p == 1:
                parts += [f"### {w.title(2, 5)}", ""]
            parts += [_with_inlines(w, w.paragraph(), footnote=2 if (index, p) == (1, 0) else 0), ""]
        parts += _markdown_extra(w, index)
    parts += [
        "---",
        "",
        f"__{author.title()}__ is {w.paragraph((2, 3)).lower()}",
        "",
        f"[^1]: {w.sentence()} See [the source](https://example.org/notes/{number}).",
        f"[^2]: {w.sentence()}",
        "",
    ]
    return "\n".join(parts)


def _markdown_extra(w: Writer, section: int) -> list[str]:
    """After each section one of: a bullet list, a numbered list and a blockquote, a table."""
    rng = w.rng
    if section == 0:
        return [*(f"- __{w.title(2, 4)}__ – {w.sentence()}" for _ in range(4)), ""]
    if section == 1:
        items = [f"{i}. {w.sentence()}" for i in range(1, 4)]
        return [*items, "", f"> {w.paragraph((2, 3))}", ""]
    header = "| Item | Value | Change | Note |"
    rows = [f"| {w.title(1, 2)} | {rng.randint(10, 999)} | {rng.randint(-20, 20)}% | {w.title(2, 3)} |"
            for _ in range(5)]
    return [header, "|---|---:|---:|---|", *rows, ""]


def _with_inlines(w: Writer, text: str, footnote: int = 0) -> str:
    """Emphasis, strong text, a link and an optional footnote reference in a paragraph."""
    sentences = text.split(". ")
    first = sentences[0].split(" ")
    if len(first) > 6:
        first[2] = f"*{first[2]}*"
        first[5] = f"**{first[5]}**"
    sentences[0] = " ".join(first)
    if len(sentences) > 2:
        link = w.rng.choice(WORDS)
        sentences[1] += f" (see [{link}](https://example.org/{link}))"
    out = ". ".join(sentences)
    return out + (f"[^{footnote}]" if footnote else "")


# ------------------------------------------------------------ event summary


def event_summary(w: Writer, number: int, date: dt.date) -> str:
    """An event summary: header fields, abstract, Summary with sections, Q&A, closing note."""
    speaker, speaker_aff = w.person()
    moderator, moderator_aff = w.person()
    while moderator == speaker:
        moderator, moderator_aff = w.person()
    parts = [
        f"{w.title(5, 9)} ({number})",
        "",
        f"Date {date.strftime('%B')} {date.day}, {date.year}",
        f"Speaker {speaker} ({speaker_aff})",
        f"Commentator & Moderator {moderator} ({moderator_aff} / Visiting Professor, {w.rng.choice(INSTITUTES)})",
        "Materials",
        "",
        w.paragraph((6, 9)),
        "",
        "Summary",
        "",
    ]
    for count in _split(BODY_PARAGRAPHS - 2, 3):
        parts += [w.title(), ""]
        parts += [x for _ in range(count) for x in (w.paragraph(), "")]
    parts += ["Q&A", ""]
    for turn in range(3):
        answerer = speaker if turn % 2 == 0 else moderator
        parts += ["Q:", w.paragraph((1, 3)).replace(".", "?", 1), "", f"{answerer}:", w.paragraph((3, 5)), ""]
    parts += ["*This summary was compiled by the editorial staff.", ""]
    return "\n".join(parts)


def _split(total: int, parts: int) -> list[int]:
    """``total`` paragraphs over ``parts`` sections, as evenly as possible."""
    return [total // parts + (i < total % parts) for i in range(parts)]


# ------------------------------------------------------------------ briefing


def manifest(n: int, names: list[str]) -> str:
    sources = "\n".join(f'[[sources]]\npath = "{name}"\n' for name in names)
    return (
        f'title = "Synthetic Briefing of {n} Articles"\n'
        'subtitle = "Benchmark content"\n'
        "date = 2025-11-20\n"
        'prepared_by = "Benchmark Desk"\n'
        'distribution = "For internal use"\n'
        'language = "en-GB"\n'
        'page_size = "A4"\n'
        f'slug = "synthetic-{n}"\n\n'
        f"{sources}"
    )


def generate(n: int, folder: Path, seed: int = SEED) -> Path:
    """Write a briefing of ``n`` articles and its manifest into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    w = Writer(random.Random(seed))
    start = dt.date(2025, 1, 1)
    names = []
    for i in range(n):
        date = start + dt.timedelta(days=i % 300)
        if i % 2 == 0:
            name, text = f"{date.isoformat()}-post-{i:04d}.md", markdown_post(w, i + 1, date)
        else:
            name, text = f"{date.isoformat()}-event-{i:04d}.txt", event_summary(w, i + 1, date)
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
    (folder / "briefing.toml").write_text(manifest(n, names), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    print(generate(args.articles, args.folder, args.seed))


if __name__ == "__main__":
    main()
