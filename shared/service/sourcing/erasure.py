"""ErasePersonalData for a professional: one atomic update, audited, index revision bumped."""

from __future__ import annotations

import logging
from typing import Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing.erasure import anonymise, is_anonymised
from shared.domain.sourcing.records import Professional
from shared.ports import DocWrite, DocumentStore
from shared.service.retry import with_optimistic_retry
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths

log = logging.getLogger(__name__)


def erase_professional(professional_id: str, docs: DocumentStore) -> dict[str, Any]:
    def attempt() -> dict[str, Any]:
        path = paths.professional(professional_id)
        current = docs.get(path)
        if current is None:
            raise DomainError([ErrorDetail.of("$.professional_id", "PROFESSIONAL_NOT_FOUND",
                                              professional_id=professional_id)])
        professional = Professional.model_validate(current.value, strict=False)
        if is_anonymised(professional):
            return {"professional_id": professional_id, "status": "already_erased"}
        erased = anonymise(professional)
        docs.commit([DocWrite(path, erased.model_dump(mode="json"), "update", current.version),
                     search_index.bump_revision(docs)])
        log.info("professional erased", extra={"professional_id": professional_id})
        return {"professional_id": professional_id, "status": "erased"}

    return with_optimistic_retry(attempt)
