"""Beneficiaries and the pool of professionals (B1 beneficiaries, B4 professionals, B14 pool
statistics): registration, one professional, a bulk import. Every change of a professional
bumps the search index's revision in the same commit (shared/service/sourcing/index.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing import scoring
from shared.domain.sourcing.records import REGION_LABELS, Beneficiary, Professional, Region
from shared.domain.validation import parse_object
from shared.ports import MAX_WRITES, BlobStore, Clock, UnitOfWork
from shared.service import registry
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.sourcing.paths import Settings, dump
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# Professionals per commit of a bulk import: each one and the index revision are audited (three
# writes each), within Firestore's 500 writes per commit.
BULK_CHUNK = 150
assert 3 * (BULK_CHUNK + 1) <= MAX_WRITES


def register_beneficiary(beneficiary: Beneficiary, uow: UnitOfWork, settings: Settings = Settings()) -> bool:
    """Create or update a beneficiary (True when created); it becomes a manager-like tenant served by
    the titulaire, under the framework contract. Registering it again as it is writes nothing. An id
    held by a manager or a contractor is refused (``TENANT_ID_TAKEN``: one namespace of tenants)."""

    def attempt() -> bool:
        b = beneficiary.beneficiary_id
        registry.claim_id(uow, registry.Kind.BENEFICIARY, b, "$.beneficiary_id")
        found = uow.get_all([paths.beneficiary(b), f"contractors/{settings.titulaire_id}"])
        current, titulaire = found.get(paths.beneficiary(b)), found.get(f"contractors/{settings.titulaire_id}")
        served = list((titulaire or {}).get("managers", []))
        if current == dump(beneficiary) and b in served:
            return False
        uow.save(paths.beneficiary(b), dump(beneficiary))
        # Other fields of these two documents (a territory, the contract's penalty terms) are kept.
        uow.save(f"managers/{b}", {"name": beneficiary.name, "kind": "beneficiary", "siret": beneficiary.siret})
        # A13: mission orders are issued under the framework contract, held by the titulaire.
        uow.save(paths.contract(b, settings), {"contract_id": settings.contract_id,
                                               "contractor_id": settings.titulaire_id,
                                               "title": "Accord-cadre de services numériques", "status": "active",
                                               "lots": []})
        if b not in served:
            uow.save(f"contractors/{settings.titulaire_id}",
                     {**(titulaire or {"name": "Titulaire de l'accord-cadre"}), "managers": served + [b]})
        return current is None

    return transact(uow, attempt)


def upsert_professional(professional: Professional, uow: UnitOfWork) -> str:
    """"created", "updated" or "unchanged"; every change bumps the pool revision in the same commit."""

    def attempt() -> str:
        path = paths.professional(professional.professional_id)
        current = uow.get(path)
        if current == dump(professional):
            return "unchanged"
        uow.save(path, dump(professional))
        search_index.bump_revision(uow)
        return "updated" if current is not None else "created"

    return transact(uow, attempt)


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


# B14 pool statistics for the purchasing body: B1 gives it the steering data, and the pool's statistics
# are steering data; a need or a mission is a beneficiary's own business, which it never reads.
STATISTICS_ONLY_ROLES = frozenset({"purchasing_body"})


def may_read_view(view: str, role: str) -> bool:
    """Whether ``role`` may read this get_sourcing view: the purchasing body only ``pool_statistics``."""
    return view == "pool_statistics" or role not in STATISTICS_ONLY_ROLES


def pool_statistics(uow: UnitOfWork, blobs: BlobStore, clock: Clock) -> dict[str, Any]:
    """B14: active professionals per service type and per administrative region."""
    index = search_index.current(uow, blobs, clock)
    regions = list(Region)
    per_region = {r.value: {"label": REGION_LABELS[r], "count": int((index.region == i).sum())}
                  for i, r in enumerate(regions)}
    per_service = {s.value: int(((index.services & bit) > 0).sum()) for s, bit in scoring._SERVICE_BIT.items()}
    return {"total": len(index), "per_service_type": per_service, "per_region": per_region,
            "index_revision": index.revision, "built_at": index.built_at}
