"""ErasePersonalData for a professional (GDPR, B15): the record anonymised, and every copy of what
named them reached (docs/personal-data.md lists them):

1. ``professionals/{p}`` anonymised, the search index's revision bumped and the erasure recorded
   (``erasures/{p}``: when, why — no name), in one audited commit;
2. every ranked result and need that lists them (``beneficiaries/*/needs/*/results/*``, the needs'
   proposals): the name replaced, the explanation and matched terms (drawn from their profile)
   dropped — the scores and ids stay, the decisions made on them too;
3. the HTTP answers kept 24 h for idempotency that carry their id: deleted;
4. every search index object (they list every name of the pool), every stored version: deleted; the
   next scorer rebuilds the index from the anonymised pool;
5. the export archives of the tenants whose needs listed them, made before the erasure: deleted, the
   job marked ``purged`` (the tenant exports again).

Steps 2 to 5 run in commits of their own after the first: erasing again (a retry after a crash)
runs them again and finds nothing left to change.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from shared.domain.sourcing.erasure import anonymise, is_anonymised
from shared.domain.sourcing.records import Professional
from shared.ports import BlobStore, Clock, ExportArchive, Query, UnitOfWork
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.transaction import transact

log = logging.getLogger(__name__)

ERASED_EXPLANATION = "Données du professionnel effacées à sa demande (RGPD)."
INDEX_PREFIX = "search-index/"
CHUNK = 100  # documents scrubbed per commit (each write and its audit record: well within 500)


def erasure_path(professional_id: str) -> str:
    return f"erasures/{professional_id}"


def erase_professional(professional_id: str, uow: UnitOfWork, *, blobs: BlobStore, archive: ExportArchive,
                       clock: Clock, reason: str = "") -> dict[str, Any]:
    def attempt() -> tuple[str, Professional, dict[str, Any]]:
        path = paths.professional(professional_id)
        professional = paths.load(uow, path, Professional, "PROFESSIONAL_NOT_FOUND", "$.professional_id",
                                  professional_id=professional_id)
        record = uow.get(erasure_path(professional_id))
        if is_anonymised(professional) and record is not None:
            return "already_erased", professional, record
        erased = anonymise(professional)
        if not is_anonymised(professional):
            uow.update(path, paths.dump(erased))
            search_index.bump_revision(uow)
        record = record or {"professional_id": professional_id, "erased_at": clock.now().isoformat(),
                            "reason": reason}
        uow.put(erasure_path(professional_id), record)
        return "erased", erased, record

    status, erased, record = transact(uow, attempt)
    copies = {"needs": 0, "results": 0, "idempotency": 0, "index_objects": 0, "exports_purged": 0}
    tenants: set[str] = set()
    for collection in ("needs", "results"):
        copies[collection], found_in = _scrub(uow, collection, professional_id, erased.name)
        tenants |= found_in
    copies["idempotency"] = _forget_answers(uow, professional_id)
    for name in list(blobs.names(INDEX_PREFIX)):
        blobs.delete(name)
        copies["index_objects"] += 1
    search_index.forget()
    erased_at = dt.datetime.fromisoformat(record["erased_at"])
    copies["exports_purged"] = _purge_exports(uow, archive, sorted(tenants), erased_at, clock)
    log.info("professional erased", extra={"professional_id": professional_id, "status": status, "copies": copies})
    return {"professional_id": professional_id, "status": status, "copies": copies}


def _scrubbed(value: Any, professional_id: str, name: str) -> Any:
    """``value`` with every entry about the professional stripped of what named or described them."""
    if isinstance(value, dict):
        out = {k: _scrubbed(v, professional_id, name) for k, v in value.items()}
        if out.get("professional_id") == professional_id:
            if "name" in out:
                out["name"] = name
            if "explanation" in out:
                out["explanation"] = ERASED_EXPLANATION
            if "matched_terms" in out:
                out["matched_terms"] = []
        return out
    if isinstance(value, list):
        return [_scrubbed(v, professional_id, name) for v in value]
    return value


def _scrub(uow: UnitOfWork, collection: str, professional_id: str, name: str) -> tuple[int, set[str]]:
    """Every document of that collection across the beneficiaries' spaces that lists the professional."""
    needle = json.dumps(professional_id)
    touched: list[str] = []
    tenants: set[str] = set()
    for doc in uow.stream(Query(collection, group=True)):
        if not doc.path.startswith("beneficiaries/") or needle not in json.dumps(doc.data, default=str):
            continue
        tenants.add(doc.path.split("/")[1])
        if _scrubbed(doc.data, professional_id, name) != doc.data:
            touched.append(doc.path)
    for start in range(0, len(touched), CHUNK):
        chunk = touched[start:start + CHUNK]

        def attempt(chunk: list[str] = chunk) -> None:
            for path in chunk:
                data = uow.get(path)
                if data is None:
                    continue
                clean = _scrubbed(data, professional_id, name)
                changed = {k: v for k, v in clean.items() if data.get(k) != v}
                if changed:
                    uow.update(path, changed)

        transact(uow, attempt)
    return len(touched), tenants


def _forget_answers(uow: UnitOfWork, professional_id: str) -> int:
    """HTTP answers stored for idempotency (24 h) that carry the professional: an answer replayed after the
    erasure must not bring the name back (a retry under that key runs again instead)."""
    needle = json.dumps(professional_id)
    stale = [doc.path for doc in uow.stream(Query("idempotency")) if needle in json.dumps(doc.data, default=str)]
    for start in range(0, len(stale), CHUNK):
        chunk = stale[start:start + CHUNK]

        def attempt(chunk: list[str] = chunk) -> None:
            for path in chunk:
                uow.delete(path)

        transact(uow, attempt)
    return len(stale)


def _purge_exports(uow: UnitOfWork, archive: ExportArchive, tenants: list[str], erased_at: dt.datetime,
                   clock: Clock) -> int:
    """The archives those tenants made before the erasure (they hold the ranked results as they were)."""
    purged = 0
    for tenant in tenants:
        for doc in uow.query(Query("exports", where=(("tenant", "==", tenant),))):
            job = doc.data
            done = job.get("completed_at")
            if job.get("status") != "completed" or not done or dt.datetime.fromisoformat(done) > erased_at:
                continue
            archive.delete(job["archive"])
            update = {"status": "purged", "purged_at": clock.now().isoformat(),
                      "purge_reason": "effacement de données personnelles (RGPD) : exportez à nouveau"}
            transact(uow, lambda path=doc.path, update=update: uow.update(path, update))
            purged += 1
    return purged
