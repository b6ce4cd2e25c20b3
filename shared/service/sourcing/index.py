"""The search index's life: rebuilt from Firestore when the pool changed, kept in Cloud
Storage, loaded once and cached per function instance.

``search_index/professionals`` holds ``revision`` (bumped by every professional change, in the
same batch) and ``built_revision`` / ``object`` (the last index uploaded). A scorer whose
cached index matches ``object`` uses it; otherwise it downloads it; when the pool moved on
(``built_revision < revision``) it rebuilds, uploads and records it first.
"""

from __future__ import annotations

import logging
import threading
import time

from shared.domain.sourcing.records import Professional
from shared.domain.sourcing.scoring import SearchIndex
from shared.ports import BlobStore, Clock, ConcurrencyConflict, DocumentStore, DocWrite, digest
from shared.service.sourcing import paths

log = logging.getLogger(__name__)

_cache: dict[str, SearchIndex] = {}
_lock = threading.Lock()


def load_professionals(docs: DocumentStore) -> list[Professional]:
    return [Professional.model_validate(data, strict=False) for _, data in docs.list("professionals")]


def rebuild(docs: DocumentStore, blobs: BlobStore, clock: Clock) -> SearchIndex:
    meta = docs.get(paths.INDEX_META)
    revision = int(meta.value.get("revision", 0)) if meta else 0
    started = time.perf_counter()
    index = SearchIndex.build(load_professionals(docs), revision=revision, built_at=clock.now().isoformat())
    blob = index.to_bytes()
    name = f"search-index/professionals-r{revision}-{digest(blob)[:12]}.npz"
    blobs.put(name, blob)
    _cache[name] = index
    data = {**(meta.value if meta else {"revision": 0}), "built_revision": revision, "object": name,
            "built_at": index.built_at, "count": len(index), "bytes": len(blob)}
    try:
        docs.commit([DocWrite(paths.INDEX_META, data, "update" if meta else "create", meta.version if meta else None)])
    except ConcurrencyConflict:  # the pool changed meanwhile: the next scorer rebuilds again
        log.info("index superseded while building", extra={"revision": revision})
    log.info("search index built", extra={"revision": revision, "count": len(index), "bytes": len(blob),
                                          "seconds": round(time.perf_counter() - started, 3)})
    return index


def current(docs: DocumentStore, blobs: BlobStore, clock: Clock) -> SearchIndex:
    """The index of the current pool, from this instance's cache whenever possible."""
    meta = docs.get(paths.INDEX_META)
    data = meta.value if meta else {}
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
                    _cache[name] = SearchIndex.from_bytes(blob)
            if name in _cache:
                return _cache[name]
    with _lock:
        return rebuild(docs, blobs, clock)


def bump_revision(docs: DocumentStore) -> DocWrite:
    """The write that marks the pool changed; goes in the batch that changes professionals."""
    meta = docs.get(paths.INDEX_META)
    if meta is None:
        return DocWrite(paths.INDEX_META, {"revision": 1}, "create")
    return DocWrite(paths.INDEX_META, {**meta.value, "revision": int(meta.value.get("revision", 0)) + 1},
                    "update", meta.version)
