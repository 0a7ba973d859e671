"""The parts of a .docx, read with bounded effort and never trusted.

A .docx is a zip of XML parts tied together by relationship parts.  Before
anything is inflated, every entry's declared size and compression ratio are
checked against caps, and each part is then read in chunks that stop at the
cap whatever the entry claims, so that a zip bomb costs nothing.  XML is
parsed without DTDs, entities or network access; a part that declares a
DOCTYPE is refused, as Word never writes one.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

#: Caps on what a .docx may make us inflate; a real document is far below them.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
#: Deflate packs Word's XML 10 to 50 times, very repetitive XML some hundred times; a bomb packs
#: 1000 times.  Small parts are let through whatever their ratio: they cannot cost much.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAIN_DOCUMENT = "word/document.xml"
_CHUNK = 64 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_PROLOG = 64 * 1024  # where a DOCTYPE would stand: before the root element


class PackageError(Exception):
    """The file cannot be read as a Word document; the message says why, for the user."""


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its type (the last segment of the URI), target and whether it leaves the file."""

    type: str
    target: str
    external: bool


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, lxml's default limits on depth and text size.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           remove_comments=True, remove_pis=True)


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip, its directory checked against the caps; raises PackageError."""
    if data[:8] == _OLE_MAGIC:
        raise PackageError(_ole_message(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PackageError("not a Word document: a .docx file is a zip archive and this file is not one") from None
    check_directory(archive)
    return archive


def _ole_message(data: bytes) -> str:
    if _ENCRYPTED_STREAM in data:
        return ("encrypted documents cannot be read: remove the password in Word "
                "(File › Info › Protect Document › Encrypt with Password) and save again")
    return "this is a Word 97–2003 document (.doc) named .docx: open it in Word or LibreOffice and save it as .docx"


def check_directory(archive: zipfile.ZipFile) -> None:
    """Every entry's declared size and ratio within the caps, before a byte is inflated."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise PackageError(f"the file holds {len(entries)} parts; a Word document holds a few dozen")
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            raise PackageError(f"part {info.filename} is encrypted; encrypted documents cannot be read")
        if info.file_size > MAX_PART_BYTES:
            raise PackageError(f"part {info.filename} would be {_size(info.file_size)} uncompressed; "
                               f"the limit is {_size(MAX_PART_BYTES)} per part")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_FROM and ratio > MAX_RATIO:
            raise PackageError(f"part {info.filename} is compressed {ratio:.0f} to 1, as a zip bomb is; refused")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise PackageError(f"the parts would be {_size(total)} uncompressed; the limit is {_size(MAX_TOTAL_BYTES)}")


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MiB" if count >= 1024 * 1024 else f"{count} bytes"


def read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> bytes:
    """A part's bytes, read in chunks that stop at ``limit`` and at the size the directory declares."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageError(f"no part {name} in the file") from None
    cap = min(limit, info.file_size)
    if info.file_size > limit:
        raise PackageError(f"part {name} is {_size(info.file_size)}; the limit is {_size(limit)}")
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise PackageError(f"part {name} inflates beyond the size it declares; refused")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise PackageError(f"part {name} cannot be read ({exc}): the file is damaged or forged") from None
    return b"".join(chunks)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """A part's XML, refused if it declares a DOCTYPE (entities) or is not well-formed."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"part {name} is not well-formed XML ({exc.msg}, line {exc.lineno})") from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.public_id or _DOCTYPE.search(data[:_PROLOG]):
        raise PackageError(f"part {name} declares a DOCTYPE (entities), which Word never writes; refused")
    return root


class Package:
    """The parts of one .docx: XML parsed on request, relationships resolved to part names."""

    def __init__(self, data: bytes) -> None:
        self.archive = open_archive(data)
        self.names = set(self.archive.namelist())
        package_rels = self.relationships("")
        main = next((r.target for r in package_rels.values() if r.type == "officeDocument" and not r.external),
                    _MAIN_DOCUMENT)
        if main not in self.names:
            raise PackageError(self._not_word_message())
        self.main = main
        self.core = next((r.target for r in package_rels.values() if r.type == "core-properties"), "")

    def _not_word_message(self) -> str:
        if "xl/workbook.xml" in self.names:
            return "this is an Excel workbook, not a Word document"
        if "ppt/presentation.xml" in self.names:
            return "this is a PowerPoint presentation, not a Word document"
        return f"not a Word document: the file has no {_MAIN_DOCUMENT}"

    def xml(self, name: str) -> etree._Element | None:
        """The part's root element, or None when the file has no such part."""
        if not name or name not in self.names:
            return None
        root = parse_xml(read_member(self.archive, name), name)
        if etree.QName(root).namespace == _STRICT_W_NS:
            raise PackageError("this document is saved as Strict Open XML; save it as a Word Document (.docx)")
        return root

    def relationships(self, part: str) -> dict[str, Relationship]:
        """The relationships of ``part`` (``""``: of the package), by id, with targets as part names."""
        folder, name = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if rels is None:
            return {}
        out: dict[str, Relationship] = {}
        for rel in rels.iter(f"{{{_PACKAGE_RELS_NS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            out[rel.get("Id", "")] = Relationship(rel.get("Type", "").rsplit("/", 1)[-1], target if external
                                                  else _part_name(folder, target), external)
        return out

    def part_of_type(self, rels: dict[str, Relationship], kind: str) -> str:
        """The part name of the first internal relationship of ``kind`` (e.g. ``styles``), or ""."""
        return next((r.target for r in rels.values() if r.type == kind and not r.external), "")


def _part_name(folder: str, target: str) -> str:
    """A relationship target as a part name; "" for one that climbs out of the package."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    name = posixpath.normpath(joined)
    return "" if name.startswith("..") or name == "." else name
