"""The Markdown shapes (Jekyll with kramdown, Hugo, author lines) read as their expectation files say.

Each ``tests/shapes/NAME.md`` has a ``NAME.expect.toml`` beside it (format: ``tests/shapes/README.md``):
what a careful editor writes down about the post.  This checks the reader's model against it
(title, date, language, standfirst, people and roles, headings, metadata, the lines left out and
by which rule, figures, links, callouts, definition lists, abbreviations, footnotes, bios, and the
warnings at their lines); a diagnostic marked ``stage = "build"`` is checked on the built book.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

from publish.build.book import load_book
from publish.diagnostics import InputError, Reporter
from publish.model import nodes as m
from publish.model.walk import iter_nodes, plain_text
from publish.sources.authors import author, split_authors
from publish.sources.ingest import read_source
from publish.sources.readers.markdown import read_accounted

from .conftest import ROOT, TESTS

SHAPES = TESTS / "shapes"
EXPECTATIONS = [
    *sorted(p for p in SHAPES.glob("*.expect.toml") if tomllib.loads(p.read_text())["source"].endswith(".md")),
    TESTS / "shapes-errors" / "hugo-bad-front-matter.expect.toml",
]


def expectation(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def read(path: Path) -> tuple[m.Article, tuple, list]:
    reporter = Reporter(stream=None)
    shown = path.name  # messages name the file as the expectation files do
    article, dropped = read_accounted(read_source(path, shown), shown, reporter)
    return article, dropped, reporter.warnings


def text_of(node: Any) -> str:
    return " ".join(plain_text(node).split())


def starts(actual: str, expected: str) -> bool:
    return " ".join(actual.split()).startswith(" ".join(expected.split()))


CASES = [pytest.param(p, id=p.name.removesuffix(".expect.toml")) for p in EXPECTATIONS]


@pytest.mark.parametrize("path", CASES)
def test_the_post_reads_as_the_editor_expects(path: Path) -> None:
    want = expectation(path)
    source = path.parent / want["source"]
    if want["outcome"] == "error":
        with pytest.raises(InputError) as raised:
            read(source)
        diagnostic = raised.value.diagnostic
        (expected,) = want["diagnostics"]
        assert (diagnostic.pos.line, diagnostic.pos.col) == (expected["line"], expected["col"])
        assert expected["message_contains"] in diagnostic.message
        assert str(raised.value).startswith(expected["message_form"])
        return
    article, _, _ = read(source)
    meta = article.meta
    assert meta.title == want["title"]
    assert meta.subtitle == want.get("subtitle", "")
    assert meta.date == want["date"]
    if want["language"] == "ja":
        assert meta.language == "ja"
    else:  # English text says nothing: the article inherits the book's language
        assert meta.language in ("", want["language"])
    assert starts(text_of(meta.standfirst), want["standfirst_starts"])
    assert meta.draft is (want["outcome"] == "skipped")
    for key, value in ((e["key"], e["value"]) for e in want.get("extra", [])):
        assert (key, value) in meta.extra


@pytest.mark.parametrize("path", [c for c in CASES if expectation(c.values[0])["outcome"] != "error"])
def test_people_and_their_roles(path: Path) -> None:
    want = expectation(path)
    article, _, _ = read(path.parent / want["source"])
    people = article.meta.people
    assert len(people) == len(want.get("people", []))
    for person, expected in zip(people, want.get("people", []), strict=True):
        assert person.roles == tuple(expected["roles"])
        if "manifest_key" in expected:
            # the manifest's [people.KEY] record is the person: a transform puts it in, not the reader
            assert (person.name, person.ref) == (expected["manifest_key"], expected["manifest_key"])
            continue
        assert person.name == expected["name"]
        assert person.organisation is expected.get("organisation", False)
        assert person.family_name == expected.get("family_name", "")
        assert person.given_name == expected.get("given_name", "")
        assert person.family_first is expected.get("family_first", False)
        assert person.honorific == expected.get("honorific", "")
        assert person.affiliations == tuple(expected.get("affiliations", []))
        assert starts(text_of(person.bio), expected.get("bio_starts", ""))
        assert bool(person.bio) is ("bio_starts" in expected)


@pytest.mark.parametrize("path", [c for c in CASES if expectation(c.values[0])["outcome"] != "error"])
def test_headings_and_the_lines_left_out(path: Path) -> None:
    want = expectation(path)
    article, dropped, _ = read(path.parent / want["source"])
    headings = [(n.pos.line, n.level, text_of(n.children), n.id) for n in iter_nodes(article.blocks)
                if isinstance(n, m.Heading)]
    assert headings == [(h["line"], h["level"], h["text"], h.get("id", "")) for h in want.get("headings", [])]
    for expected in want.get("dropped", []):
        lines = range(expected["line"], expected.get("last", expected["line"]) + 1)
        rules = {d.rule for line in lines for d in dropped if d.line <= line <= d.last}
        assert rules == {expected["rule"]}, f"line {expected['line']}"


@pytest.mark.parametrize("path", [c for c in CASES if expectation(c.values[0]).get("features")])
def test_features(path: Path) -> None:
    want = expectation(path)
    article, _, _ = read(path.parent / want["source"])
    nodes = list(iter_nodes(article.blocks))
    bios = {p.name: p.bio for p in article.meta.people}
    for feature in want["features"]:
        kind = feature["kind"]
        if kind == "link":
            links = [(text_of(n.children), n.target) for n in nodes if isinstance(n, m.Link)]
            assert (feature["text"], feature["target"]) in links
        elif kind == "figure":
            figures = [n for n in nodes if isinstance(n, m.Figure) and n.pos and n.pos.line == feature["line"]]
            assert [(f.image.src, f.image.alt, text_of(f.caption)) for f in figures] \
                == [(feature["src"], feature["alt"], feature["caption"])]
        elif kind == "callout":
            callouts = [n for n in nodes if isinstance(n, m.Div) and starts(text_of(n.blocks), feature["starts"])]
            assert [c.role for c in callouts] == [feature["role"]]
        elif kind == "definition-list":
            lists = [n for n in nodes if isinstance(n, m.DefinitionList)]
            assert [[text_of(t) for item in d.items for t in item.terms] for d in lists] == [feature["terms"]]
        elif kind == "abbreviation":
            assert (feature["abbr"], feature["expansion"]) in article.meta.abbreviations
        elif kind == "footnote":
            notes = [n for n in nodes if isinstance(n, m.FootnoteDef) and n.note_id == feature["label"]]
            assert len(notes) == 1 and starts(text_of(notes[0].blocks), feature["starts"])
            assert notes[0].pos is not None and notes[0].pos.line == feature["line"]
        elif kind == "bio":
            assert starts(text_of(bios[feature["person"]]), feature["starts"])
        else:
            pytest.fail(f"unknown feature kind {kind!r}")


@pytest.mark.parametrize("path", [c for c in CASES if expectation(c.values[0])["outcome"] != "error"])
def test_warnings_at_their_lines(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = expectation(path)
    source = path.parent / want["source"]
    _, _, warnings = read(source)
    expected = [d for d in want.get("diagnostics", []) if d.get("stage", "reader") == "reader"]
    assert len(warnings) == len(expected), [str(w) for w in warnings]
    for diagnostic in expected:
        assert any(w.pos.line == diagnostic["line"] and w.pos.col == diagnostic.get("col", w.pos.col)
                   and diagnostic["message_contains"] in w.message for w in warnings), diagnostic
    built = [d for d in want.get("diagnostics", []) if d.get("stage") == "build"]
    if built:
        monkeypatch.chdir(ROOT)
        reporter = Reporter(stream=None)
        load_book(Path(os.path.relpath(source, ROOT)), reporter)
        for diagnostic in built:
            assert any(w.pos.line == diagnostic["line"] and diagnostic["message_contains"] in w.message
                       for w in reporter.warnings), diagnostic


# ---------------------------------------------------------------- beyond the fixtures


@pytest.mark.parametrize(("line", "names"), [
    ("Ann Lee & Ken Tanaka", ["Ann Lee", "Ken Tanaka"]),
    ("Ann Lee, Ken Tanaka, and Mei Lin", ["Ann Lee", "Ken Tanaka", "Mei Lin"]),
    ("Ann Lee and RIETI Editorial Staff", ["Ann Lee", "RIETI Editorial Staff"]),
    ("Ministry of Economy, Trade and Industry", ["Ministry of Economy, Trade and Industry"]),
    ("Ann Lee, PhD", ["Ann Lee, PhD"]),
    ("ジョン・スミス", ["ジョン・スミス"]),
])
def test_author_lines(line: str, names: list[str]) -> None:
    assert split_authors(line) == names


def test_an_author_written_with_an_honorific_or_a_degree() -> None:
    assert (author("Dr. Ann Lee").name, author("Dr. Ann Lee").honorific) == ("Ann Lee", "Dr.")
    assert (author("Ann Lee, PhD").family_name, author("Ann Lee, PhD").given_name) == ("Lee", "Ann")
    assert author("ktanaka").ref == "ktanaka"
    assert author("事務局").organisation


def body(source: str) -> tuple[m.Article, tuple, list]:
    reporter = Reporter(stream=None)
    article, dropped = read_accounted("---\ntitle: T\ndate: 2025-01-01\n---\n" + source, "post.md", reporter)
    return article, dropped, reporter.warnings


def test_a_block_ial_before_its_block_and_a_theme_class_as_a_callout() -> None:
    article, dropped, _ = body("First.\n\n{: #kept-id}\n## Heading\n\n{: .notice--warning}\nCareful.\n")
    heading, callout = article.blocks
    assert isinstance(heading, m.Heading) and heading.id == "kept-id"
    assert isinstance(callout, m.Div) and callout.role == "warning" and text_of(callout.blocks) == "Careful."
    assert {(d.line, d.rule) for d in dropped} >= {(7, "kramdown-ial"), (10, "kramdown-ial")}


def test_a_contents_heading_goes_with_the_contents_marker() -> None:
    article, dropped, _ = body("## Table of contents\n{: .no_toc .text-delta }\n\n1. TOC\n{:toc}\n\nThe text.\n")
    assert text_of(article.meta.standfirst) == "The text." and article.blocks == ()
    assert [(d.line, d.last, d.rule) for d in dropped if d.rule == "toc-marker"] == [(5, 9, "toc-marker")]


def test_liquid_that_means_something_outside_jekyll() -> None:
    article, _, warnings = body(
        "Intro.\n\n![Chart]({{ site.baseurl }}/images/chart.png)\n\n"
        "See [about]({{ '/about/' | relative_url }}) and [home]({{ site.url }}/).\n\n"
        "{% highlight python %}\nprint(1)\n{% endhighlight %}\n\n{% comment %}\nnot for print\n{% endcomment %}\n")
    figure, paragraph, code = article.blocks
    assert isinstance(figure, m.Figure) and figure.image.src == "images/chart.png"
    assert [n.target for n in iter_nodes(paragraph) if isinstance(n, m.Link)] == ["/about/", "/"]
    assert isinstance(code, m.CodeBlock) and (code.language, code.text) == ("python", "print(1)")
    assert warnings == []


def test_hugo_shortcodes_that_mean_something_outside_hugo() -> None:
    article, _, warnings = body(
        "Intro.\n\n{{< admonition type=\"warning\" title=\"Careful\" >}}\nInside.\n{{< /admonition >}}\n\n"
        "{{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}\n\n[other]({{< ref \"other.md\" >}})\n\n"
        "{{< youtube abc >}}\n")
    callout, code, paragraph = article.blocks
    assert isinstance(callout, m.Div) and callout.role == "warning"
    assert [text_of(b) for b in callout.blocks] == ["Careful", "Inside."]
    assert isinstance(code, m.CodeBlock) and code.language == "go"
    assert [n.target for n in iter_nodes(paragraph) if isinstance(n, m.Link)] == ["other.md"]
    assert [(w.pos.line, "youtube" in w.message) for w in warnings] == [(17, True)]


def test_toml_written_as_yaml_is_refused_with_its_place_and_cause() -> None:
    with pytest.raises(InputError) as raised:
        read_accounted('+++\ntitle = "T"\nitems: 10\n+++\n\nBody.\n', "post.md", Reporter(stream=None))
    assert str(raised.value).startswith("post.md:3:6: error: front matter is not valid TOML")
    assert "TOML writes key = value" in str(raised.value)


def test_a_bold_name_that_is_no_authors_is_no_bio() -> None:
    article, _, _ = body("Intro.\n\nText.[^1]\n\n---\n\n**Bob Other** is someone else.\n\n[^1]: A note.\n")
    assert isinstance(article.blocks[-2], m.Paragraph) and isinstance(article.blocks[-1], m.FootnoteDef)
