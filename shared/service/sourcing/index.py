"""The search index's life: rebuilt from Firestore when the pool changed, kept in Cloud
Storage, loaded once and cached per function instance.

``search_index/professionals`` holds ``revision`` (bumped by every professional change, in the
same batch) and ``built_revision`` / ``object`` (the last index uploaded). A scorer whose
cached index matches ``object`` uses it; otherwise it downloads it; when the pool moved on
(``built_revision < revision``) it rebuilds, uploads and records it first.

The index itself (``SearchIndex``: numpy, bm25s) is imported by ``rebuild`` and ``current``, the two
that build or read one: the functions that only mark the pool changed (``bump_revision``: a
professional's upsert, an erasure) or drop the cache do not load it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shared.domain.sourcing.records import Professional
from shared.ports import BlobStore, Clock, ConcurrencyConflict, Query, UnitOfWork, digest
from shared.service.sourcing import paths

if TYPE_CHECKING:
    from shared.domain.sourcing.scoring import SearchIndex

log = logging.getLogger(__name__)

_cache: dict[str, SearchIndex] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop this instance's cached index (a new instance starts so)."""
    _cache.clear()


def load_professionals(uow: UnitOfWork) -> Iterator[Professional]:
    """The professional records one at a time, read page by page (``UnitOfWork.stream``): the rows
    and the records are never all held at once, and a scan remembers nothing for a commit."""
    for doc in uow.stream(Query("professionals")):
        yield Professional.model_validate(doc.data, strict=False)


def rebuild(uow: UnitOfWork, blobs: BlobStore, clock: Clock) -> SearchIndex:
    """Build the index of the pool, upload it and record it in a commit of its own on ``uow``."""
    from shared.domain.sourcing.scoring import SearchIndex

    uow.begin()
    meta = uow.get(paths.INDEX_META)
    revision = int(meta.get("revision", 0)) if meta else 0
    started = time.perf_counter()
    index = SearchIndex.build(load_professionals(uow), revision=revision, built_at=clock.now().isoformat())
    blob = index.to_bytes()
    name = f"search-index/professionals-r{revision}-{digest(blob)[:12]}.npz"
    blobs.put(name, blob)
    _cache[name] = index
    data = {**(meta if meta else {"revision": 0}), "built_revision": revision, "object": name,
            "built_at": index.built_at, "count": len(index), "bytes": len(blob)}
    uow.save(paths.INDEX_META, data)  # under the version read: a pool changed meanwhile refuses it
    try:
        uow.commit()
    except ConcurrencyConflict:  # the pool changed meanwhile: the next scorer rebuilds again
        log.info("index superseded while building", extra={"revision": revision})
    log.info("search index built", extra={"revision": revision, "count": len(index), "bytes": len(blob),
                                          "seconds": round(time.perf_counter() - started, 3)})
    return index


def current(uow: UnitOfWork, blobs: BlobStore, clock: Clock) -> SearchIndex:
    """The index of the current pool, from this instance's cache whenever possible (a rebuild
    commits on ``uow``: pass one holding nothing else)."""
    from shared.domain.sourcing.scoring import SearchIndex

    meta = uow.get(paths.INDEX_META)
    data = meta or {}
    name = data.get("object")
    if name and data.get("built_revision") == data.get("revision", 0):
        cached = _cache.get(name)
        if cached is not None:
            return cached
        with _lock:
            if name not in _cache:
                blob = blobs.get(name)
                if blob is not None:
                    _cache.clear()  # one index per instance is enough
                    try:
                        _cache[name] = SearchIndex.from_bytes(blob)
                    except ValueError:  # an index this version cannot read (another format): rebuild it
                        log.warning("stored search index unreadable, rebuilding", extra={"object": name})
                    del blob
            if name in _cache:
                return _cache[name]
    with _lock:
        return rebuild(uow, blobs, clock)


def bump_revision(uow: UnitOfWork) -> None:
    """Mark the pool changed, in the unit of work that changes professionals."""
    meta = uow.get(paths.INDEX_META)
    uow.save(paths.INDEX_META, {"revision": int((meta or {}).get("revision", 0)) + 1})
