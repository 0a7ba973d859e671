"""Every source through its reader: the book's articles, in the manifest's order.

A source whose bytes were read before comes back from the build cache with
the warnings its reader gave; the rest are parsed, in several processes when
there are many of them.  Warnings are reported in source order either way.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, replace

from ..diagnostics import Diagnostic, InputError, Reporter
from ..model import nodes as m
from ..sources.ingest import decode, source_bytes
from ..sources.manifest import Manifest, SourceEntry
from ..sources.readers import reader_for, reader_name, reads_bytes
from .cache import READ, BuildCache
from .workers import Executor, LocalExecutor

#: From this many sources to parse on, several processes parse them: each source
#: is parsed on its own, and the models travel back pickled, which costs less than parsing.
PARALLEL_READING_FROM = 40

#: A reader's result: the article and the warnings it gave.
Read = tuple[m.Article, list[Diagnostic]]


@dataclass
class _Source:
    """One manifest entry on its way through: its bytes, its cache key, and what came of it."""

    entry: SourceEntry
    shown: str
    data: bytes = b""
    key: str = ""
    result: Read | None = None
    error: InputError | None = None  # raised in its turn, after the warnings of the sources before it


def read_book(manifest: Manifest, reporter: Reporter, cache: BuildCache | None = None,
              executor: Executor | None = None) -> m.Book:
    """Every source through its reader, with the manifest's per-source metadata; no transforms yet."""
    sources = [_look_up(entry, cache) for entry in manifest.sources]
    unread = [s for s in sources if s.result is None and s.error is None]
    executor = executor or LocalExecutor()
    if len(unread) >= PARALLEL_READING_FROM and executor.workers > 1:
        size = -(-len(unread) // executor.workers)
        tasks = [functools.partial(_parse_all, unread[start:start + size], reporter.strict, cache)
                 for start in range(0, len(unread), size)]
        results = [read for batch in executor.map("read", tasks) for read in batch]
        for source, read in zip(unread, results, strict=True):
            source.result = read
    articles = []
    for source in sources:
        if source.error is not None:
            raise source.error
        article, warnings = source.result or _parse(source, reporter.strict, cache)
        reporter.replay(warnings)
        articles.append(_with_overrides(article, source.entry))
    meta = manifest.meta
    if manifest.path is None and len(articles) == 1:
        meta = replace(meta, title=articles[0].meta.title)  # one file built alone: the book is that article
    if meta.cover_image:
        meta = replace(meta, cover_image=os.path.relpath(manifest.root / meta.cover_image))
    return m.Book(meta, tuple(articles))


def _look_up(entry: SourceEntry, cache: BuildCache | None) -> _Source:
    shown = os.path.relpath(entry.path) if not entry.path.is_absolute() else str(entry.path)
    source = _Source(entry, shown)
    try:
        reader = reader_name(entry.path.name)
        if reader is None:
            raise InputError(entry.pos, f"no reader for '{entry.path.name}'")
        source.data = source_bytes(entry.path, shown)
    except InputError as error:
        source.error = error
        return source
    if cache is not None:
        # the shown path is in every position the model holds
        source.key = cache.key(reader, shown, source.data)
        kept = cache.load(READ, source.key)
        if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], m.Article):
            source.result = kept
    return source


def _parse(source: _Source, strict: bool, cache: BuildCache | None) -> Read:
    recorder = Reporter(stream=None, strict=strict)
    reader = reader_for(source.entry.path.name)
    assert reader is not None  # checked by _look_up
    content = source.data if reads_bytes(source.entry.path.name) else decode(source.data, source.shown)
    result = (reader(content, source.shown, recorder), recorder.warnings)
    if cache is not None:
        cache.store(READ, source.key, result)
    return result


def _parse_all(sources: list[_Source], strict: bool, cache: BuildCache | None) -> list[Read]:
    """Some sources parsed in a child process; an InputError travels back to the parent."""
    return [_parse(source, strict, cache) for source in sources]


def _with_overrides(article: m.Article, entry: SourceEntry) -> m.Article:
    if not (entry.publisher or entry.url or entry.language):
        return article
    meta = article.meta
    return replace(article, meta=replace(meta, publisher=entry.publisher or meta.publisher, url=entry.url or meta.url,
                                         language=entry.language or meta.language))
