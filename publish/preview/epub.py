"""The built EPUB as the preview shows it: its chapters in reading order, and the files it holds.

The chapters are read from the package document's spine, with the title of
each; :attr:`EpubContents.members` is every file of the archive with its media
type, the only names the server answers for (a chapter's CSS, fonts and
images are among them, at the paths its relative links lead to).  The EPUB is
this build's own output, so its XML is read with the standard library.
"""

from __future__ import annotations

import mimetypes
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Chapter:
    href: str  # the member's name in the archive
    title: str


@dataclass(frozen=True)
class EpubContents:
    chapters: list[Chapter] = field(default_factory=list)
    #: member name -> media type
    members: dict[str, str] = field(default_factory=dict)


def read_epub(path: Path) -> EpubContents:
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
        rootfile = container.find(f"{_CONTAINER}rootfiles/{_CONTAINER}rootfile")
        if rootfile is None:
            return EpubContents(members=_media_types(names, {}))
        package_name = rootfile.get("full-path", "")
        package = ElementTree.fromstring(archive.read(package_name))
        base = posixpath.dirname(package_name)
        manifest: dict[str, tuple[str, str]] = {}
        for item in package.iter(f"{_OPF}item"):
            name = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            manifest[item.get("id", "")] = (name, item.get("media-type", ""))
        chapters = []
        for itemref in package.iter(f"{_OPF}itemref"):
            name, media_type = manifest.get(itemref.get("idref", ""), ("", ""))
            if name in names and media_type == "application/xhtml+xml":
                chapters.append(Chapter(name, _title(archive.read(name)) or posixpath.basename(name)))
        return EpubContents(chapters, _media_types(names, dict(manifest.values())))


def _title(document: bytes) -> str:
    try:
        title = ElementTree.fromstring(document).find(f"{_XHTML}head/{_XHTML}title")
    except ElementTree.ParseError:
        return ""
    return " ".join("".join(title.itertext()).split()) if title is not None else ""


def _media_types(names: list[str], declared: dict[str, str]) -> dict[str, str]:
    return {name: declared.get(name) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            for name in names}


def read_member(path: Path, name: str) -> bytes:
    """One file of the archive; the caller has checked that ``name`` is one of its members."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)
