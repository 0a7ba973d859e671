"""One embedded font per face in a book assembled from parts, where each part embedded its own subset.

WeasyPrint names a font after its Pango description (``/TAG+Family-Name``): the same tag in
every part, the same font instance before subsetting.  Its subsets (``pdf_subset``) keep the
glyph ids of the font up to the last glyph the part uses, emptying the glyphs it does not use,
and the PDF addresses glyphs by those ids (``/CIDToGIDMap /Identity``).  The components of the
part's composite glyphs that lie beyond its last glyph are the exception: they are renumbered
to follow it (the *tail*), differently in every part.

So the subsets of one face merge into one that holds, at every id up to the highest any part
draws (a part's /W lists every CID it draws), the glyph of the parts that hold one there (they
must agree), then the parts' tail glyphs, each once (matched by content, and at its own id
where another part holds it there), with the components of composites renumbered to match.
The subset of the part that draws the highest id keeps its ids, tail included: its tables that
list glyphs (cmap, GDEF) stay true, and are kept; a PDF reader consults none of them.
TrueType outlines only; whatever does not fit this picture keeps its one subset per part.
"""

from __future__ import annotations

import io
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pikepdf
from fontTools.ttLib import TTFont, TTLibError, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from pikepdf import Array, Dictionary, Name, Stream

#: Tables the merge writes again: the glyphs, their metrics, and the sums over the glyphs.
_REWRITTEN = frozenset({"glyf", "loca", "hmtx", "head", "hhea", "maxp"})
#: Tables cut to each part's glyphs that no PDF reader consults: those of the subset that keeps its ids.
_KEPT = frozenset({"cmap", "OS/2", "post", "GDEF"})
#: Tables that must be the same in every subset.
_SAME = frozenset({"name", "gasp", "fpgm", "prep", "cvt "})
#: Fields summing up the glyphs of a subset: the merge takes the extreme over the subsets
#: (and the highest of every ``max*`` field of maxp).
_EXTREMES = {"head": {"xMin": min, "yMin": min, "xMax": max, "yMax": max},
             "hhea": {"minLeftSideBearing": min, "minRightSideBearing": min, "advanceWidthMax": max,
                      "xMaxExtent": max}}
#: Fields the merge or fontTools sets anew.
_RECOMPUTED = {"head": {"checkSumAdjustment", "indexToLocFormat"}, "hhea": {"numberOfHMetrics"},
               "maxp": {"numGlyphs"}}
#: A composite glyph's component flags: argument words, scale, x and y scale, 2x2 matrix, more to come.
_WORDS, _SCALE, _XY_SCALE, _TWO_BY_TWO, _MORE = 0x0001, 0x0008, 0x0040, 0x0080, 0x0020
_MAX_DEPTH = 16

_Entry = tuple[bytes, tuple[int, int]]  # a glyph record and its (advance, left side bearing)


class _Unsafe(Exception):
    """The subsets do not merge as this module understands them."""


#: Merges the subsets of one face: (font file, highest glyph id drawn) -> one font file, or None.
MergeFonts = Callable[[Sequence[tuple[bytes, int]]], "bytes | None"]


def share_fonts(pdf: pikepdf.Pdf, merge: MergeFonts | None = None) -> None:
    """Fonts that several parts embedded as subsets of the same face become one subset
    (``merge``, :func:`merge_subsets` unless told otherwise)."""
    descriptors: dict[str, list[Dictionary]] = defaultdict(list)
    last_cid: dict[tuple[int, int], int] = {}  # FontFile2 stream -> highest CID drawn with it
    unsure: set[str] = set()
    seen: set[tuple[int, int]] = set()
    for obj in _fonts(pdf):
        descriptor = obj.FontDescriptor
        assert isinstance(descriptor, Dictionary)  # as _fonts found it
        if descriptor.objgen not in seen and isinstance(descriptor.get(Name.FontFile2), Stream):
            seen.add(descriptor.objgen)
            descriptors[str(descriptor.FontName)].append(descriptor)
        font_file, widths = descriptor.get(Name.FontFile2), obj.get(Name.W)
        # Glyph ids are CIDs, and /W names every CID drawn (WeasyPrint writes a width for each);
        # a simple font would read the font's cmap, which the merge does not merge.
        if (obj.get(Name.Subtype) != Name.CIDFontType2 or obj.get(Name.CIDToGIDMap) != Name.Identity
                or not isinstance(widths, Array) or font_file is None):
            unsure.add(str(descriptor.get(Name.FontName)))
        else:
            last_cid[font_file.objgen] = max(last_cid.get(font_file.objgen, -1), _highest_cid(widths))
    for name in sorted(descriptors.keys() - unsure):
        group = descriptors[name]
        streams = {descriptor.FontFile2.objgen: descriptor.FontFile2 for descriptor in group}
        if len(streams) < 2 or not streams.keys() <= last_cid.keys():
            continue
        subsets: dict[bytes, int] = {}  # the same bytes may come with different CIDs drawn
        for objgen in sorted(streams):
            data = streams[objgen].read_bytes()
            subsets[data] = max(subsets.get(data, -1), last_cid[objgen])
        if len(subsets) == 1:
            program, shared = next(iter(subsets)), streams[min(streams)]
        else:
            merged = (merge or merge_subsets)(sorted(subsets.items()))
            if merged is None:
                continue
            program, shared = merged, pdf.make_stream(merged)
            shared.Length1 = len(merged)
        for descriptor in group:
            descriptor.FontFile2 = shared
        _share_cid_sets(pdf, group, program)


def _fonts(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    """The fonts with a descriptor that the pages use (a composite font's descendant in its
    place), through their resources and those of the forms they draw (the folios): far fewer
    objects than the whole file holds."""
    seen: set[tuple[int, int]] = set()
    resources = [page.obj.get(Name.Resources) for page in pdf.pages]
    while resources:
        found = resources.pop()
        if not isinstance(found, Dictionary) or (found.is_indirect and found.objgen in seen):
            continue
        if found.is_indirect:
            seen.add(found.objgen)
        for font in dict(found.get(Name.Font, {})).values():
            if not isinstance(font, Dictionary) or (font.is_indirect and font.objgen in seen):
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            for member in [*font.get(Name.DescendantFonts, ()), font]:
                if isinstance(member, Dictionary) and isinstance(member.get(Name.FontDescriptor), Dictionary):
                    yield member
        resources += [xobject.get(Name.Resources) for xobject in dict(found.get(Name.XObject, {})).values()
                      if isinstance(xobject, Stream) and xobject.get(Name.Subtype) == Name.Form]


def merge_subsets(subsets: Sequence[tuple[bytes, int]]) -> bytes | None:
    """One subset holding every glyph of ``subsets`` (font file, highest glyph id drawn), or None
    when they do not merge safely."""
    try:
        fonts = [_Subset.read(data, last) for data, last in subsets]
        return _merge(fonts)
    except (_Unsafe, TTLibError, struct.error, KeyError, IndexError, ValueError):
        return None


@dataclass
class _Subset:
    data: bytes
    font: TTFont
    glyphs: list[bytes]              # glyph records by glyph id
    metrics: list[tuple[int, int]]   # (advance, left side bearing) by glyph id
    last: int                        # glyphs after this one are the renumbered components

    @classmethod
    def read(cls, data: bytes, last_drawn: int) -> _Subset:
        # Read lazily, and never stamped with the time: the output depends on the input alone.
        font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        if "glyf" not in font.reader or "loca" not in font.reader:
            raise _Unsafe("not TrueType outlines")
        # Glyph names differ between subsets (and may repeat): glyphs are read by index, from
        # the tables' bytes (fontTools' hmtx would name them, and takes longer).
        count, long_metrics = int(font["maxp"].numGlyphs), int(font["hhea"].numberOfHMetrics)
        offsets, glyf, hmtx = font["loca"].locations, font.reader["glyf"], font.reader["hmtx"]
        glyphs = [glyf[start:end] for start, end in pairwise(offsets[:count + 1])]
        metrics = list(struct.iter_unpack(">Hh", hmtx[:4 * long_metrics]))
        side_bearings = struct.unpack_from(f">{count - long_metrics}h", hmtx, 4 * long_metrics)
        metrics += [(metrics[-1][0], side_bearing) for side_bearing in side_bearings]
        if len(glyphs) != count:
            raise _Unsafe("a short loca table")
        subset = cls(data, font, glyphs, metrics, min(last_drawn, count - 1))
        referenced = {component for record in glyphs if record and record[0] & 0x80
                      for component in _components(record).values()}
        if any(gid not in referenced for gid in range(subset.last + 1, count)):
            raise _Unsafe("a glyph after the last one drawn is no component")
        return subset


def _merge(subsets: list[_Subset]) -> bytes | None:
    # The subset that keeps its ids first, the rest in the order of their bytes.
    subsets.sort(key=lambda subset: (-subset.last, -len(subset.glyphs), subset.data))
    base = subsets[0]
    _check_tables(subsets)
    # A glyph in one subset's tail may be at its own id in another: the glyphs there, by content.
    ids: dict[_Entry, int] = {}
    for subset in subsets:
        for gid, record in enumerate(subset.glyphs[:subset.last + 1]):
            entry = (record, subset.metrics[gid])
            if record and entry not in ids and all(c <= subset.last for c in _components(record).values()):
                ids[entry] = gid
    placed: list[_Entry] = []  # the merged subset's glyphs after base.last
    memo: dict[tuple[int, int], int] = {}

    def merged_id(index: int, gid: int, depth: int = 0) -> int:
        subset = subsets[index]
        if gid <= subset.last:
            return gid
        if (index, gid) not in memo:
            entry = (renumbered(index, gid, depth + 1), subset.metrics[gid])
            if entry not in ids:
                ids[entry] = base.last + 1 + len(placed)
                placed.append(entry)
            memo[index, gid] = ids[entry]
        return memo[index, gid]

    def renumbered(index: int, gid: int, depth: int) -> bytes:
        if depth > _MAX_DEPTH:
            raise _Unsafe("components nested too deep, or in a cycle")
        record = bytearray(subsets[index].glyphs[gid])
        for offset, component in _components(bytes(record)).items():
            struct.pack_into(">H", record, offset, merged_id(index, component, depth))
        return bytes(record)

    # The base keeps its ids, tail included.
    memo.update(((0, gid), gid) for gid in range(base.last + 1, len(base.glyphs)))
    for gid in range(base.last + 1, len(base.glyphs)):
        entry = (renumbered(0, gid, 1), base.metrics[gid])
        ids.setdefault(entry, gid)
        placed.append(entry)
    glyphs: list[_Entry] = []
    for gid in range(base.last + 1):
        entries = {(renumbered(index, gid, 0), subset.metrics[gid]) for index, subset in enumerate(subsets)
                   if gid <= subset.last and (subset.glyphs[gid] or subset.metrics[gid] != (0, 0))}
        outlined = {entry for entry in entries if entry[0]}
        # A subset empties the glyphs it does not draw; the ones it holds must agree.
        if len(outlined) > 1 or len({metrics[0] for _, metrics in entries}) > 1:
            raise _Unsafe(f"the subsets differ on glyph {gid}")
        glyphs.append(min(outlined or entries or {(b"", (0, 0))}))
    glyphs += placed
    if len(glyphs) > 0xFFFF:
        raise _Unsafe("too many glyphs")
    for record, _ in glyphs:
        if any(component >= len(glyphs) or not glyphs[component][0]
               for component in _components(record).values()):
            raise _Unsafe("a composite glyph lost a component")
    if "post" in base.font.reader and base.font.reader["post"][:4] == b"\0\2\0\0" and len(glyphs) != len(base.glyphs):
        raise _Unsafe("the glyph names would not cover the glyphs")
    return _write(base, subsets, glyphs)


def _check_tables(subsets: list[_Subset]) -> None:
    base = subsets[0].font
    tags = set(base.reader.keys())
    if not tags <= _REWRITTEN | _KEPT | _SAME:
        raise _Unsafe(f"tables not merged: {sorted(tags - _REWRITTEN - _KEPT - _SAME)}")
    for subset in subsets[1:]:
        font = subset.font
        # HarfBuzz leaves out a kept table that would be empty (no cmap for figures alone).
        if set(font.reader.keys()) - _KEPT != tags - _KEPT or any(font.reader[tag] != base.reader[tag]
                                                                  for tag in tags & _SAME):
            raise _Unsafe("the subsets come from different fonts")
        for tag in ("head", "hhea", "maxp"):
            if _fixed_fields(font, tag) != _fixed_fields(base, tag):
                raise _Unsafe(f"the subsets differ in {tag!r}")


def _fixed_fields(font: TTFont, tag: str) -> dict[str, object]:
    """The fields of a table that must be the same in every subset: all but the sums over the glyphs."""
    varying = {*_EXTREMES.get(tag, ()), *_RECOMPUTED[tag]}
    return {key: value for key, value in vars(font[tag]).items()
            if key not in varying and not (tag == "maxp" and key.startswith("max"))}


def _write(base: _Subset, subsets: list[_Subset], glyphs: list[_Entry]) -> bytes:
    font = TTFont(io.BytesIO(base.data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    names = [f"g{gid}" for gid in range(len(glyphs))]
    font.setGlyphOrder(names)
    glyf, loca, hmtx = newTable("glyf"), newTable("loca"), newTable("hmtx")
    glyf.glyphOrder = names
    # Records stay as they are: without recalcBBoxes, fontTools writes them back unparsed.
    glyf.glyphs = {name: Glyph(record) for name, (record, _) in zip(names, glyphs, strict=True)}
    hmtx.metrics = {name: metrics for name, (_, metrics) in zip(names, glyphs, strict=True)}
    font["glyf"], font["loca"], font["hmtx"] = glyf, loca, hmtx
    # Every glyph comes from a subset, so the extremes over the subsets bound the merged glyphs.
    extremes = {**_EXTREMES, "maxp": {key: max for key in vars(font["maxp"]) if key.startswith("max")}}
    for tag, fields in extremes.items():
        for key, extreme in fields.items():
            setattr(font[tag], key, extreme(getattr(subset.font[tag], key) for subset in subsets))
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


def _components(record: bytes) -> dict[int, int]:
    """Where a glyph record names its components' glyph ids -> those ids (none for a simple glyph)."""
    if len(record) < 10 or struct.unpack_from(">h", record)[0] >= 0:
        return {}
    found, offset, flags = {}, 10, _MORE
    while flags & _MORE:
        flags, gid = struct.unpack_from(">HH", record, offset)
        found[offset + 2] = gid
        offset += 4 + (4 if flags & _WORDS else 2)
        offset += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
    return found


def _highest_cid(widths: Array) -> int:
    """The highest CID of a /W array: ``c [w ...]`` and ``c_first c_last w`` runs."""
    highest, index = -1, 0
    while index < len(widths):
        run = widths[index + 1]
        highest = max(highest, int(widths[index]) + len(run) - 1 if isinstance(run, Array) else int(run))
        index += 2 if isinstance(run, Array) else 3
    return highest


def _share_cid_sets(pdf: pikepdf.Pdf, group: Iterable[Dictionary], program: bytes) -> None:
    """One /CIDSet (PDF/A-1) for the descriptors that have one: every CID any of them lists,
    and every glyph the shared program holds."""
    holders = [descriptor for descriptor in group if isinstance(descriptor.get(Name.CIDSet), Stream)]
    if not holders:
        return
    cids = {cid for descriptor in holders for bits in (descriptor.CIDSet.read_bytes(),)
            for cid in range(8 * len(bits)) if bits[cid // 8] & 0x80 >> cid % 8}
    loca = TTFont(io.BytesIO(program), lazy=True)["loca"]
    cids.update(gid for gid in range(len(loca) - 1) if loca[gid] != loca[gid + 1])
    bits = bytearray(max(cids) // 8 + 1)
    for cid in cids:  # CID 0 is the first byte's highest bit
        bits[cid // 8] |= 0x80 >> cid % 8
    shared = pdf.make_stream(bytes(bits))
    for descriptor in holders:
        descriptor.CIDSet = shared
