"""Beneficiaries and the pool of professionals (B1 beneficiaries, B4 professionals, B14 pool
statistics): registration, one professional (the bulk import is ``pool_import.py``). Every change of
a professional bumps the search index's revision in the same commit (shared/service/sourcing/index.py)."""

from __future__ import annotations

import logging
from typing import Any

from shared.domain.sourcing.records import (
    REGION_LABELS, Beneficiary, BeneficiaryList, BeneficiaryRow, Professional, Region,
)
from shared.domain.territories import territory_name
from shared.ports import BlobStore, Clock, UnitOfWork
from shared.service import id_pages, registry
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.sourcing.paths import Settings, dump
from shared.service.transaction import transact

log = logging.getLogger(__name__)


def register_beneficiary(beneficiary: Beneficiary, uow: UnitOfWork, settings: Settings = Settings()) -> bool:
    """Create or update a beneficiary (True when created); it becomes a manager-like tenant served by
    the titulaire, under the framework contract. Registering it again as it is writes nothing; registering it
    after deactivate_party made it inactive makes it active again. An id held by a manager or a contractor is
    refused (``TENANT_ID_TAKEN``: one namespace of tenants)."""

    def attempt() -> bool:
        b = beneficiary.beneficiary_id
        registry.claim_id(uow, registry.Kind.BENEFICIARY, b, "$.beneficiary_id")
        found = uow.get_all([paths.beneficiary(b), f"contractors/{settings.titulaire_id}"])
        current, titulaire = found.get(paths.beneficiary(b)), found.get(f"contractors/{settings.titulaire_id}")
        served = list((titulaire or {}).get("managers", []))
        inactive = registry.deactivated(current)
        if current is not None and paths.registration_of(current) == dump(beneficiary) and not inactive \
                and b in served:
            return False
        # A10 onboarding: registering a beneficiary the operator deactivated makes it active again.
        uow.save(paths.beneficiary(b), {**dump(beneficiary), **({"status": "active", "deactivated_at": None}
                                                                 if inactive else {})})
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


# B14 pool statistics for the purchasing body: B1 gives it the steering data, and the pool's statistics
# are steering data; a need or a mission is a beneficiary's own business, which it never reads. It sets the
# beneficiaries' agreement terms (A9 penalties: set_penalty_terms), so it reads them too, and the list of
# registered beneficiaries to choose one from. A beneficiary reads its own needs, missions and agreement and
# the pool statistics, never the list of the others; the operator reads every view.
PURCHASING_BODY_VIEWS = frozenset({"pool_statistics", "agreement", "beneficiaries"})
BENEFICIARY_VIEWS = frozenset({"need", "mission", "agreement", "pool_statistics"})
# B12 replacement: the missions awaiting one and the pool searched for one, every beneficiary's: the operator's.
OPERATOR_VIEWS = BENEFICIARY_VIEWS | {"beneficiaries", "replacements", "replacement_candidates"}
VIEWS_OF = {"purchasing_body": PURCHASING_BODY_VIEWS, "beneficiary": BENEFICIARY_VIEWS, "operator": OPERATOR_VIEWS}


def may_read_view(view: str, role: str) -> bool:
    """Whether ``role`` may read this get_sourcing view: the purchasing body ``pool_statistics``,
    ``agreement`` and ``beneficiaries``; the beneficiary every view but ``beneficiaries``, ``replacements`` and
    ``replacement_candidates`` (B12 replacement: the operator's list of every beneficiary's missions awaiting one
    and its search of the whole pool); the operator every view;
    any other role none."""
    return view in VIEWS_OF.get(role, frozenset())


def list_beneficiaries(uow: UnitOfWork, after: str | None = None) -> dict[str, Any]:
    """B1 parties: the registered beneficiaries by id, from after ``after``, at most MAX_ROWS, as the
    purchasing body and the operator choose one (their id, name, SIRET, region and territory; never their
    contacts). ``next_cursor`` is the page's last id when more follow. A beneficiary the operator deactivated
    (``deactivate_party``, A10 onboarding) is not offered: its people are refused until it is registered again
    (the operator's directory, ``list_parties?kind=beneficiary``, still shows it, inactive)."""
    found, more = id_pages.page_by_id(uow, "beneficiaries", after, keep=lambda data: not registry.deactivated(data))
    rows = []
    for doc in found:
        # the fields that name the body, not its contacts; a record written partially (its name alone) still listed
        b = doc.data
        region, territory = (Region(b["region"]) if b.get("region") else None), b.get("territory") or None
        rows.append(BeneficiaryRow(beneficiary_id=doc.id, name=b.get("name") or doc.id, siret=b.get("siret") or None,
                                   region=region, region_label=REGION_LABELS[region] if region else None,
                                   territory=territory, territory_label=territory_name(territory)))
    return BeneficiaryList(beneficiaries=rows, count=len(rows),
                           next_cursor=rows[-1].beneficiary_id if more else None).model_dump(mode="json")


def pool_statistics(uow: UnitOfWork, blobs: BlobStore, clock: Clock) -> dict[str, Any]:
    """B14: active professionals per service type and per administrative region."""
    from shared.domain.sourcing import scoring  # with the index it reads: get_sourcing's other views skip both

    index = search_index.current(uow, blobs, clock)
    regions = list(Region)
    per_region = {r.value: {"label": REGION_LABELS[r], "count": int((index.region == i).sum())}
                  for i, r in enumerate(regions)}
    per_service = {s.value: int(((index.services & bit) > 0).sum()) for s, bit in scoring._SERVICE_BIT.items()}
    return {"total": len(index), "per_service_type": per_service, "per_region": per_region,
            "index_revision": index.revision, "built_at": index.built_at}
