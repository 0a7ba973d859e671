"""Make the committed .docx fixtures of the Word reader from the sources in ``src/``.

    .venv/bin/python tests/docx/make_fixtures.py      # needs soffice on PATH; pandoc comes from pypandoc

Each fixture is written by a real editor, then adjusted where the brief needs
something that editor does not write:

- ``formatting.docx``: LibreOffice from ``src/formatting.fodt``, then made to
  look as Word writes it: ``w:rsid*`` attributes, runs split mid-word with
  ``w:proofErr`` marks, a ``_GoBack`` bookmark, a smart tag, content controls
  around a run and around two paragraphs, caption numbers as a simple and a
  complex ``SEQ`` field, an empty paragraph, the picture as a bare ``w:drawing``
  (LibreOffice wraps it in ``mc:AlternateContent``; the inline one is left so).
- ``localised.docx``: LibreOffice from ``src/localised.fodt``, then given the
  styles of a localised Word: ``berschrift1`` "Überschrift 1" and ``1``
  "見出し 1", each ``basedOn`` a style that carries ``w:outlineLvl``, their
  second levels with an outline level of their own; ``Zitat`` based on ``Quote``.
- ``tracked.docx``: LibreOffice from ``src/tracked.fodt`` (2 tracked changes, 1 comment).
- ``seminar.docx``: LibreOffice from ``src/seminar.fodt`` (a seminar record with a Q&A).
- ``pandoc.docx``: pandoc from ``src/pandoc.md``.

Every zip entry gets one fixed timestamp, so that running this again changes
only what the editors themselves change.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def chart_png() -> bytes:
    image = Image.new("RGB", (80, 40), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x, height, colour in ((10, 30, (30, 80, 160)), (30, 20, (30, 80, 160)), (50, 35, (200, 80, 30))):
        draw.rectangle([x, 40 - height, x + 10, 39], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def mark_png() -> bytes:
    image = Image.new("RGB", (16, 8), (255, 255, 255))
    ImageDraw.Draw(image).rectangle([2, 2, 12, 7], fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# ------------------------------------------------------------------ editors


def soffice(fodt: Path, work: Path) -> Path:
    text = fodt.read_text(encoding="utf-8")
    text = text.replace("@CHART_PNG@", base64.b64encode(chart_png()).decode())
    text = text.replace("@MARK_PNG@", base64.b64encode(mark_png()).decode())
    source = work / fodt.name
    source.write_text(text, encoding="utf-8")
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        sys.exit("LibreOffice (soffice) is needed to make the fixtures")
    subprocess.run([program, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work), str(source)],
                   check=True, capture_output=True, timeout=120)
    return work / f"{fodt.stem}.docx"


def pandoc(markdown: Path, work: Path) -> Path:
    import pypandoc

    (work / "chart.png").write_bytes(chart_png())
    shutil.copy(markdown, work / markdown.name)
    out = work / f"{markdown.stem}.docx"
    # pandoc stamps the core properties with the time unless SOURCE_DATE_EPOCH says otherwise
    subprocess.run([pypandoc.get_pandoc_path(), markdown.name, "-o", out.name], cwd=work, check=True, timeout=120,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1762905600"})
    return out


# ------------------------------------------------------------- adjustments

Parts = dict[str, bytes]
Adjust = Callable[[dict[str, etree._Element]], None]


def rewrite(docx: Path, target: Path, adjust: Adjust | None, xml_parts: tuple[str, ...]) -> None:
    with zipfile.ZipFile(docx) as archive:
        names = archive.namelist()
        parts: Parts = {name: archive.read(name) for name in names}
    trees = {name: etree.fromstring(parts[name]) for name in xml_parts if name in parts}
    if adjust is not None:
        adjust(trees)
    for name, tree in trees.items():
        parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, parts[name])


def fixed_modified(core: etree._Element) -> None:
    """LibreOffice stamps the conversion time; the fixture keeps its created date only."""
    for element in core.findall(f"{{{DCTERMS}}}modified"):
        core.remove(element)


def run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(w("t")))


def make_run(text: str, like: etree._Element) -> etree._Element:
    run = etree.Element(w("r"))
    properties = like.find(w("rPr"))
    if properties is not None:
        run.append(etree.fromstring(etree.tostring(properties)))
    t = etree.SubElement(run, w("t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def split_run(run: etree._Element, *pieces: str) -> list[etree._Element]:
    """The run as several runs of the same formatting, as Word leaves them after editing."""
    assert "".join(pieces) == run_text(run), (pieces, run_text(run))
    new = [make_run(piece, run) for piece in pieces]
    parent = run.getparent()
    index = parent.index(run)
    parent.remove(run)
    for offset, piece in enumerate(new):
        parent.insert(index + offset, piece)
    return new


def find_run(body: etree._Element, text: str) -> etree._Element:
    return next(r for r in body.iter(w("r")) if run_text(r) == text)


def paragraph_of(body: etree._Element, text: str) -> etree._Element:
    return next(p for p in body.iter(w("p")) if text in "".join(t.text or "" for t in p.iter(w("t"))))


def wordify(trees: dict[str, etree._Element]) -> None:
    document, settings = trees["word/document.xml"], trees["word/settings.xml"]
    body = document.find(w("body"))
    # rsids: Word stamps the editing session on every paragraph and run
    for number, p in enumerate(body.iter(w("p"))):
        p.set(w("rsidR"), f"00{number % 7 + 1:02X}3A1F")
        p.set(w("rsidRDefault"), "0047B2C1")
        for run in p.iter(w("r")):
            run.set(w("rsidRPr"), f"00{number % 5 + 3:02X}9D40")
    rsids = etree.SubElement(settings, w("rsids"))
    for value in ("0047B2C1", "00013A1F", "00029D40"):
        etree.SubElement(rsids, w("rsid")).set(w("val"), value)

    # a word split over runs, with Word's spelling marks around a proper noun
    _, second, _ = split_run(find_run(body, "The ministers cited "), "The mini", "sters", " cited ")
    oecd = find_run(body, "Oecd")
    oecd.addprevious(etree.Element(w("proofErr"), {w("type"): "spellStart"}))
    oecd.addnext(etree.Element(w("proofErr"), {w("type"): "spellEnd"}))
    etree.SubElement(second, w("lastRenderedPageBreak"))
    # Word's "where you were" bookmark, mid-sentence
    before, after = split_run(find_run(body, " worded note, with "), " worded ", "note, with ")
    before.addnext(etree.Element(w("bookmarkStart"), {w("id"): "90", w("name"): "_GoBack"}))
    after.addprevious(etree.Element(w("bookmarkEnd"), {w("id"): "90"}))
    # a smart tag around a run
    subsidies = find_run(body, "Subsidies")
    tag = etree.Element(w("smartTag"), {w("uri"): "urn:schemas-microsoft-com:office:smarttags", w("element"): "place"})
    subsidies.addprevious(tag)
    tag.append(subsidies)
    # a content control around a run, and one around the two quoted paragraphs
    _wrap_in_sdt(find_run(body, "Lithography tools"))
    quotes = [p for p in body if p.tag == w("p") and p.find(f"{w('pPr')}/{w('pStyle')}[@{w('val')}='Quote']") is not None]
    _wrap_in_sdt(*quotes)
    # caption numbers as fields, as Insert › Caption writes them
    table_caption = find_run(body, "Table 1: Exports of chip-making tools (USD bn)")
    _, number, _ = split_run(table_caption, "Table ", "1", ": Exports of chip-making tools (USD bn)")
    simple = etree.Element(w("fldSimple"), {w("instr"): r" SEQ Table \* ARABIC "})
    number.addprevious(simple)
    simple.append(number)
    figure_caption = find_run(body, "Figure 1: Exports by country")
    _, number, _ = split_run(figure_caption, "Figure ", "1", ": Exports by country")
    for kind, text in (("begin", None), ("instr", r" SEQ Figure \* ARABIC "), ("separate", None)):
        run = etree.Element(w("r"))
        if kind == "instr":
            instr = etree.SubElement(run, w("instrText"))
            instr.text = text
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        else:
            etree.SubElement(run, w("fldChar"), {w("fldCharType"): kind})
        number.addprevious(run)
    end = etree.Element(w("r"))
    etree.SubElement(end, w("fldChar"), {w("fldCharType"): "end"})
    number.addnext(end)
    # the chart as Word writes a picture: a bare w:drawing, no alternate content
    chart = next(body.iter(f"{{{MC}}}AlternateContent"))
    drawing = chart.find(f"{{{MC}}}Choice/{w('drawing')}")
    chart.addprevious(drawing)
    chart.getparent().remove(chart)
    # an empty paragraph typed for space
    paragraph_of(body, "The desk’s mark").addprevious(etree.Element(w("p")))
    for link in body.iter(w("hyperlink")):
        if link.get(w("anchor")) is None:
            link.set(w("history"), "1")
    fixed_modified(trees["docProps/core.xml"])


def _wrap_in_sdt(*content: etree._Element) -> None:
    """The elements inside a content control (``w:sdt``) where they stood."""
    sdt = etree.Element(w("sdt"))
    properties = etree.SubElement(sdt, w("sdtPr"))
    etree.SubElement(properties, w("alias"), {w("val"): "Desk field"})
    holder = etree.SubElement(sdt, w("sdtContent"))
    content[0].addprevious(sdt)
    for element in content:
        holder.append(element)


def localise(trees: dict[str, etree._Element]) -> None:
    """The styles a German or Japanese Word writes: ids made from localised names, levels from the base style."""
    styles, document = trees["word/styles.xml"], trees["word/document.xml"]
    renamed = {"Berschrift1": "berschrift1", "Berschrift2": "berschrift2", "Style14": "a"}
    for element in [*styles.iter(w("style")), *document.iter(w("pStyle")), *styles.iter(w("basedOn"))]:
        for attribute in (w("styleId"), w("val")):
            if element.get(attribute) in renamed:
                element.set(attribute, renamed[element.get(attribute)])
    by_id = {s.get(w("styleId")): s for s in styles.iter(w("style"))}
    # Word writes the built-in name of a style in English whatever the display language
    by_id["Titel"].find(w("name")).set(w("val"), "Title")
    chain = {"berschrift1": ("Gliederung", None), "berschrift2": ("berschrift1", 1), "Gliederung": (None, 0),
             "1": ("a", None), "2": ("1", 1), "a": (None, 0), "Zitat": ("Quote", None)}
    quote = etree.SubElement(styles, w("style"), {w("type"): "paragraph", w("styleId"): "Quote"})
    etree.SubElement(quote, w("name"), {w("val"): "Quote"})
    by_id["Quote"] = quote
    for style_id, (based_on, level) in chain.items():
        style = by_id[style_id]
        name = style.find(w("name"))
        if based_on is not None:
            name.addnext(etree.Element(w("basedOn"), {w("val"): based_on}))
        if level is not None:
            p_pr = style.find(w("pPr"))
            if p_pr is None:
                p_pr = etree.SubElement(style, w("pPr"))
            etree.SubElement(p_pr, w("outlineLvl"), {w("val"): str(level)})
    fixed_modified(trees["docProps/core.xml"])


def plain(trees: dict[str, etree._Element]) -> None:
    fixed_modified(trees["docProps/core.xml"])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        editable = ("word/document.xml", "word/styles.xml", "word/settings.xml", "docProps/core.xml")
        rewrite(soffice(SRC / "formatting.fodt", work), HERE / "formatting.docx", wordify, editable)
        rewrite(soffice(SRC / "localised.fodt", work), HERE / "localised.docx", localise, editable)
        for name in ("tracked", "seminar"):
            rewrite(soffice(SRC / f"{name}.fodt", work), HERE / f"{name}.docx", plain, editable)
        rewrite(pandoc(SRC / "pandoc.md", work), HERE / "pandoc.docx", None, ())
    for made in sorted(HERE.glob("*.docx")):
        print(f"{made.relative_to(HERE.parent.parent)}: {made.stat().st_size} bytes")


if __name__ == "__main__":
    main()
