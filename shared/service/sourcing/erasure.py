"""ErasePersonalData for a professional (GDPR): one audited commit that anonymises the record and
bumps the search index's revision, so that the record leaves the pool."""

from __future__ import annotations

import logging
from typing import Any

from shared.domain.sourcing.erasure import anonymise, is_anonymised
from shared.domain.sourcing.records import Professional
from shared.ports import UnitOfWork
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.transaction import transact

log = logging.getLogger(__name__)


def erase_professional(professional_id: str, uow: UnitOfWork) -> dict[str, Any]:
    def attempt() -> dict[str, Any]:
        path = paths.professional(professional_id)
        professional = paths.load(uow, path, Professional, "PROFESSIONAL_NOT_FOUND", "$.professional_id",
                                  professional_id=professional_id)
        if is_anonymised(professional):
            return {"professional_id": professional_id, "status": "already_erased"}
        uow.update(path, paths.dump(anonymise(professional)))
        search_index.bump_revision(uow)
        return {"professional_id": professional_id, "status": "erased"}

    outcome = transact(uow, attempt)
    if outcome["status"] == "erased":
        log.info("professional erased", extra={"professional_id": professional_id})
    return outcome
