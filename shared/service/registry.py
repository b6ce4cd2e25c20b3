"""The registry of tenants (A1 private spaces, B1 parties): one namespace of ids, each id held by
one kind of party, never shared between kinds.

  managers/{id}        a property manager (``kind`` absent or "manager"); a beneficiary's
                       manager-like space of part A carries ``kind: "beneficiary"`` and is its own
  contractors/{id}     a contractor
  beneficiaries/{id}   a beneficiary (part B), with its manager-like space ``managers/{id}``
  purchasing_bodies/{id}  the central purchasing body, when the operator registered it (its name and
                       B18 territory: ``register_purchasing_body``)

A token's ``role`` and ``tenant`` claims are checked against it on every call (``principal_errors``,
cached per instance by shared/edge/tenancy.py), and so are the role and tenant the operator gives an
account (``manage_account``) or an id a registration claims (``claim_id``). The operator's tenant
is ``platform``; the purchasing body's is an id no manager, contractor or beneficiary holds (it
reads platform-wide figures only): its registry document is optional — an id the operator never
registered stays valid for it, as before that document existed — and, once registered, no other
kind may take its id. A party ``deactivate_party`` marked inactive (``status: "inactive"``: a manager, a
contractor, a registered purchasing body, a beneficiary — on ``beneficiaries/{id}``) is refused ``TENANT_INACTIVE``
until registered again.
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.errors import DomainError, ErrorDetail
from shared.ports import UnitOfWork

PLATFORM = "platform"


class Kind(StrEnum):
    MANAGER = "manager"
    CONTRACTOR = "contractor"
    BENEFICIARY = "beneficiary"
    PURCHASING_BODY = "purchasing_body"


KIND_LABELS = {Kind.MANAGER: "gestionnaire", Kind.CONTRACTOR: "prestataire", Kind.BENEFICIARY: "bénéficiaire",
               Kind.PURCHASING_BODY: "centrale d'achat"}


def registry_paths(tenant: str) -> tuple[str, str, str, str]:
    return f"managers/{tenant}", f"contractors/{tenant}", f"beneficiaries/{tenant}", f"purchasing_bodies/{tenant}"


def holdings(uow: UnitOfWork, tenant: str) -> dict[Kind, dict]:
    """Every kind of party registered under ``tenant``, with its registry record (one round trip); more than
    one is a conflict that only data written around the services could make."""
    manager, contractor, beneficiary, purchasing_body = registry_paths(tenant)
    found = uow.get_all([manager, contractor, beneficiary, purchasing_body])
    held: dict[Kind, dict] = {}
    if manager in found and found[manager].get("kind", Kind.MANAGER.value) != Kind.BENEFICIARY.value:
        held[Kind.MANAGER] = found[manager]
    for kind, path in ((Kind.CONTRACTOR, contractor), (Kind.BENEFICIARY, beneficiary),
                       (Kind.PURCHASING_BODY, purchasing_body)):
        if path in found:
            held[kind] = found[path]
    return held


def kinds_holding(uow: UnitOfWork, tenant: str) -> frozenset[Kind]:
    """Every kind of party registered under ``tenant`` (one round trip)."""
    return frozenset(holdings(uow, tenant))


def deactivated(record: dict | None) -> bool:
    """A registry record ``deactivate_party`` marked inactive (A10 onboarding); absent status means active."""
    return record is not None and record.get("status") == "inactive"


def kind_of(uow: UnitOfWork, tenant: str) -> Kind | None:
    """The one kind holding ``tenant``; None when nobody holds it (or, refused as well, several do)."""
    kinds = kinds_holding(uow, tenant)
    return next(iter(kinds)) if len(kinds) == 1 else None


def tenant_errors(uow: UnitOfWork, role: str, tenant: str, field: str) -> list[ErrorDetail]:
    """Why ``tenant`` cannot carry ``role`` (an empty list when it can)."""
    if role == "operator":
        return [] if tenant == PLATFORM else [ErrorDetail.of(field, "TENANT_NOT_REGISTERED", tenant=tenant,
                                                             kind="opérateur (espace « platform »)")]
    if tenant == PLATFORM:
        return [ErrorDetail.of(field, "TENANT_ID_TAKEN", tenant=tenant, kind="opérateur")]
    held = holdings(uow, tenant)
    kinds = frozenset(held)
    if role == "purchasing_body":  # registered or not (its registry document is optional)
        others = kinds - {Kind.PURCHASING_BODY}
        if others:
            return [ErrorDetail.of(field, "TENANT_ID_TAKEN", tenant=tenant,
                                   kind=", ".join(sorted(KIND_LABELS[k] for k in others)))]
        return _inactive(field, Kind.PURCHASING_BODY, tenant, held.get(Kind.PURCHASING_BODY))
    try:
        wanted = Kind(role)
    except ValueError:
        return [ErrorDetail.of(field, "TENANT_NOT_REGISTERED", tenant=tenant, kind=role)]
    if kinds != {wanted}:
        return [ErrorDetail.of(field, "TENANT_NOT_REGISTERED", tenant=tenant, kind=KIND_LABELS[wanted])]
    return _inactive(field, wanted, tenant, held[wanted])


def _inactive(field: str, kind: Kind, tenant: str, record: dict | None) -> list[ErrorDetail]:
    """A10 onboarding: a party the operator deactivated no longer acts — its people's tokens, and any account the
    operator would give them, are refused (``TENANT_INACTIVE``) until it is registered again."""
    if deactivated(record):
        return [ErrorDetail.of(field, "TENANT_INACTIVE", tenant=tenant, kind=KIND_LABELS[kind])]
    return []


def require_tenant(uow: UnitOfWork, role: str, tenant: str, field: str = "$.tenant") -> None:
    errors = tenant_errors(uow, role, tenant, field)
    if errors:
        raise DomainError(errors)


def claim_errors(uow: UnitOfWork, kind: Kind, tenant: str, field: str) -> list[ErrorDetail]:
    """A registration of ``tenant`` as ``kind``: refused when another kind (or the platform) holds the id.
    Registering it again as the same kind is an update, allowed."""
    if tenant == PLATFORM:
        return [ErrorDetail.of(field, "TENANT_ID_TAKEN", tenant=tenant, kind="opérateur")]
    others = kinds_holding(uow, tenant) - {kind}
    if others:
        return [ErrorDetail.of(field, "TENANT_ID_TAKEN", tenant=tenant,
                               kind=", ".join(sorted(KIND_LABELS[k] for k in others)))]
    return []


def claim_id(uow: UnitOfWork, kind: Kind, tenant: str, field: str) -> None:
    """Called inside a registration's attempt, before it writes its registry document."""
    errors = claim_errors(uow, kind, tenant, field)
    if errors:
        raise DomainError(errors)
