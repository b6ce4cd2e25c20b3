"""The bulk import of professionals (B4 professionals): JSON Lines in commits of ``BULK_CHUNK``, then
one rebuild of the search index.

Every import that changes the pool rebuilds the index, so this module loads the scoring it is built
with (numpy, bm25s) at import, with the function, rather than in its first request; the functions that
change one professional (``pool.upsert_professional``) only bump the revision and load none of it.
"""

from __future__ import annotations

import json
from typing import Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing import scoring  # noqa: F401 (the index's build, see above)
from shared.domain.sourcing.records import Professional
from shared.domain.validation import parse_object
from shared.ports import MAX_WRITES, BlobStore, Clock, UnitOfWork
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.sourcing.paths import dump
from shared.service.transaction import transact

# Professionals per commit of a bulk import: each one and the index revision are audited (three
# writes each), within Firestore's 500 writes per commit.
BULK_CHUNK = 150
assert 3 * (BULK_CHUNK + 1) <= MAX_WRITES


def import_professionals(raw: bytes, uow: UnitOfWork, blobs: BlobStore, clock: Clock) -> dict[str, Any]:
    """JSON Lines, one professional per line: valid lines are stored, every invalid line is
    reported with its line number and errors (nothing silently dropped); the index is rebuilt once.
    Stored in commits of ``BULK_CHUNK`` professionals, each with its revision bump."""
    lines: list[dict[str, Any]] = []
    valid: dict[str, Professional] = {}
    for number, text in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not text.strip():
            continue
        root = f"$[{number}]"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            lines.append({"line": number, "status": "rejected",
                          "errors": [dump(ErrorDetail.of(root, "MALFORMED_JSON", detail=exc.msg))]})
            continue
        model, errors = parse_object(Professional, data, root)
        if model is not None and model.professional_id in valid:
            errors = [ErrorDetail.of(f"{root}.professional_id", "DUPLICATE_VALUE", value=model.professional_id)]
        if errors:
            lines.append({"line": number, "status": "rejected", "errors": [dump(e) for e in errors]})
            continue
        valid[model.professional_id] = model
        lines.append({"line": number, "status": "accepted", "professional_id": model.professional_id})
    if not valid:
        raise DomainError([ErrorDetail(**e) for line in lines for e in line.get("errors", [])]
                          or [ErrorDetail.of("$", "REQUIRED")])
    pros = list(valid.values())
    changed = 0
    for start in range(0, len(pros), BULK_CHUNK):
        chunk = pros[start:start + BULK_CHUNK]

        def attempt(chunk=chunk) -> int:
            existing = uow.get_all([paths.professional(p.professional_id) for p in chunk])
            moved = [p for p in chunk if existing.get(paths.professional(p.professional_id)) != dump(p)]
            for p in moved:
                uow.put(paths.professional(p.professional_id), dump(p))
            if moved:
                search_index.bump_revision(uow)
            return len(moved)

        changed += transact(uow, attempt)
    index = search_index.rebuild(uow, blobs, clock) if changed else None
    return {"accepted": len(valid), "rejected": sum(1 for line in lines if line["status"] == "rejected"),
            "changed": changed, "index_revision": index.revision if index else None, "lines": lines}
