"""The ranked result of a need version (B3 ranked results): score_candidates' service.

The one sourcing service that ranks, so the one that imports the scoring (numpy, bm25s) at module
level: the other sourcing functions (a need's submission, proposals, decisions, missions, timesheets)
load none of it.
"""

from __future__ import annotations

import logging
from typing import Any

from shared.domain.sourcing import scoring
from shared.domain.sourcing.messages import NeedSubmitted
from shared.domain.sourcing.process import NeedStatus
from shared.domain.sourcing.records import NeedContent
from shared.ports import BlobStore, Clock, UnitOfWork
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.sourcing.needs import load_need
from shared.service.sourcing.paths import dump
from shared.service.transaction import transact

log = logging.getLogger(__name__)


def score_need(event: NeedSubmitted, uow: UnitOfWork, blobs: BlobStore, clock: Clock,
               weights: dict[str, float] | None = None) -> dict[str, Any] | None:
    """score_candidates: rank the pool for one need version and keep the result (idempotent: a
    redelivered event finds the result written, a concurrent scorer's result stands)."""
    b, n, v = event.beneficiary_id, event.need_id, event.version
    uow.begin()
    found = uow.get_all([paths.need(b, n), paths.result(b, n, v), paths.need_version(b, n, v)])
    if paths.need(b, n) not in found:
        log.warning("need to score not found", extra={"need_id": n})
        return None
    if paths.result(b, n, v) in found:
        return found[paths.result(b, n, v)]
    if paths.need_version(b, n, v) not in found:
        log.warning("need version to score not found", extra={"need_id": n, "version": v})
        return None
    content = NeedContent.model_validate(found[paths.need_version(b, n, v)], strict=False)
    index = search_index.current(uow.fork(), blobs, clock)
    ranking = scoring.rank(index, content, n, v, weights=weights or scoring.DEFAULT_WEIGHTS)
    result = {"need_id": n, "version": v, "scored_at": clock.now().isoformat(), "index_revision": index.revision,
              **ranking.as_dict()}

    def attempt() -> dict[str, Any]:
        stored = uow.get(paths.result(b, n, v))
        if stored is not None:
            return stored
        record = load_need(uow, b, n)
        uow.create(paths.result(b, n, v), result)
        if record.version == v and record.status is NeedStatus.ACKNOWLEDGED:
            now = clock.now()
            uow.update(paths.need(b, n), dump(record.model_copy(update={
                "status": NeedStatus.SCORED, "updated_at": now, "history": [
                    *record.history, {"version": v, "status": NeedStatus.SCORED.value, "at": now.isoformat(),
                                      "partial": ranking.partial, "full_matches": ranking.full_matches}]})))
        return result

    kept = transact(uow, attempt)
    log.info("need scored", extra={"need_id": n, "version": v, "pool": ranking.pool_size, "partial": ranking.partial})
    return kept
