"""Onboarding through the API (A10): the operator registers — and deactivates — managers, contractors
and the machine identities of their ERPs, and registers the central purchasing body. Where they live:

  managers/{manager_id}           name, siret, territory?, status (the manager's private space, A1)
  contractors/{contractor_id}     name, siret, managers (whom it works for), erp_service_account,
                                  territory?, status, topology (its Pub/Sub names), conformance (its passed run)
  purchasing_bodies/{id}          name, territory?, status (B1 parties: the purchasing body's tenant id)
  machine_identities/{email}      role, tenant, rights?, status (read by shared/edge/auth.py)

Each registration is an upsert committed in one unit of work (its audit record with it: B15); the
same content again writes nothing. Registering a contractor also makes its Pub/Sub topology exist
(``Topology`` port: topics, subscriptions, the ERP's permissions on them only) — outside Firestore,
so it is applied first, idempotently, and the record is committed after it: a retry after a failure
in between applies it again (no change) and commits then. Nothing is provisioned for a registration
that has errors. Deactivating a contractor withdraws its ERP's Pub/Sub permissions the same way
(its topics stay: what is in flight is delivered, and a later registration restores it). A beneficiary (B1
parties), registered by shared/service/sourcing/pool.py, is deactivated here too: ``beneficiaries/{id}`` marked
inactive, its people's tokens then refused like a deactivated manager's.
"""

from __future__ import annotations

import logging
from typing import Any

from shared import topology
from shared.domain import sandbox
from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.identity import ROLE_RIGHTS, Role
from shared.domain.parties import (
    KIND_LABELS, ContractorRecord, ContractorRegistered, DeactivateParty, ListedKind, MachineIdentityRecord,
    MachineIdentityRegistered, ManagerRecord, ManagerRegistered, PartyDeactivated, PartyKind, PartyList, PartyRow,
    PartyStatus, PurchasingBodyRecord, PurchasingBodyRegistered, RegisterContractor, RegisterMachineIdentity,
    RegisterManager, RegisterPurchasingBody, TopologyApplied, reserved_prefix,
)
from shared.domain.territories import clock_fields
from shared.ports import Clock, Topology, UnitOfWork
from shared.service import id_pages, registry
from shared.service.transaction import transact

log = logging.getLogger(__name__)

ACTIVE, INACTIVE = PartyStatus.ACTIVE.value, PartyStatus.INACTIVE.value


# --- storage ------------------------------------------------------------------------------------


def manager_path(manager_id: str) -> str:
    return f"managers/{manager_id}"


def contractor_path(contractor_id: str) -> str:
    return f"contractors/{contractor_id}"


def purchasing_body_path(purchasing_body_id: str) -> str:
    return f"purchasing_bodies/{purchasing_body_id}"


def machine_identity_path(email: str) -> str:
    return f"machine_identities/{email}"


def beneficiary_path(beneficiary_id: str) -> str:
    return f"beneficiaries/{beneficiary_id}"


_PATHS = {PartyKind.MANAGER: manager_path, PartyKind.CONTRACTOR: contractor_path,
          PartyKind.MACHINE_IDENTITY: machine_identity_path, PartyKind.PURCHASING_BODY: purchasing_body_path,
          PartyKind.BENEFICIARY: beneficiary_path}
_TENANT_PATHS = {Role.MANAGER: manager_path, Role.CONTRACTOR: contractor_path,
                 Role.BENEFICIARY: beneficiary_path}
_ROLE_LABELS = {Role.MANAGER: "gestionnaire", Role.CONTRACTOR: "prestataire", Role.BENEFICIARY: "bénéficiaire"}


def is_active(record: dict[str, Any] | None) -> bool:
    """A registry record that exists and is not deactivated (records written before ``status``
    existed are active): the registry's own test (``registry.deactivated``), which refuses its tokens."""
    return record is not None and not registry.deactivated(record)


def contractor_serves(uow: UnitOfWork, contractor_id: str, manager_id: str) -> bool:
    """The contractor is registered, active (A10 onboarding), and works for the manager — or the space is
    its own conformance sandbox."""
    contractor = uow.get(f"contractors/{contractor_id}")
    if not is_active(contractor):
        return False
    return manager_id in contractor.get("managers", ()) or sandbox.is_sandbox_of(manager_id, contractor_id)


def _upsert(uow: UnitOfWork, path: str, fields: dict[str, Any], now) -> tuple[dict[str, Any], bool, bool]:
    """Buffer the record's registry fields; (record, created, changed). Other fields are kept."""
    current = uow.get(path)
    if current is not None and all(current.get(k) == v for k, v in fields.items()):
        return current, False, False
    record = {**fields, "updated_at": now}
    if current is None:
        record["registered_at"] = now
    if fields.get("status") == ACTIVE and current is not None and current.get("status") == INACTIVE:
        record["deactivated_at"] = None
    uow.save(path, record)
    return {**(current or {}), **record}, current is None, True


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}


# --- commands -----------------------------------------------------------------------------------


def register_manager(command: RegisterManager, uow: UnitOfWork, clock: Clock) -> ManagerRegistered:
    """A manager and its private space; its territory (B18) when given."""
    _refuse_reserved("$.manager_id", command.manager_id)
    fields = {"manager_id": command.manager_id, "name": command.name, "siret": command.siret, "status": ACTIVE}
    if command.territory is not None:
        fields["territory"] = command.territory

    def attempt() -> tuple[dict[str, Any], bool, bool]:
        registry.claim_id(uow, registry.Kind.MANAGER, command.manager_id, "$.manager_id")  # one namespace
        return _upsert(uow, manager_path(command.manager_id), fields, clock.now())

    record, created, changed = transact(uow, attempt)
    if changed:
        log.info("manager registered", extra={"manager_id": command.manager_id, "new": created})
    return ManagerRegistered(manager=ManagerRecord.model_validate(record), created=created, changed=changed)


def register_contractor(command: RegisterContractor, uow: UnitOfWork, bus: Topology,
                        clock: Clock) -> ContractorRegistered:
    """A contractor linked to the managers it works for, its topics and subscriptions provisioned and
    its ERP allowed on them (none when it has no Pub/Sub connector yet)."""
    _refuse_reserved("$.contractor_id", command.contractor_id)
    _check_managers(uow, command.managers)
    registry.claim_id(uow, registry.Kind.CONTRACTOR, command.contractor_id, "$.contractor_id")  # before any topic
    erp = (command.erp_service_account,) if command.erp_service_account else ()
    plan = topology.contractor_topology(command.contractor_id, erp)
    provisioned = bus.apply(plan)  # outside Firestore, idempotent: before the record that says it is done
    fields = {"contractor_id": command.contractor_id, "name": command.name, "siret": command.siret,
              "managers": list(command.managers), "erp_service_account": command.erp_service_account,
              "status": ACTIVE, "topology": {"topics": list(plan.topics),
                                             "subscriptions": [s.name for s in plan.subscriptions],
                                             "dead_letter_topic": plan.dead_letter_topic}}
    if command.territory is not None:  # B18: as a manager's, kept when a later registration names none
        fields["territory"] = command.territory

    def attempt() -> tuple[dict[str, Any], bool, bool]:
        registry.claim_id(uow, registry.Kind.CONTRACTOR, command.contractor_id, "$.contractor_id")
        return _upsert(uow, contractor_path(command.contractor_id), fields, clock.now())

    record, created, changed = transact(uow, attempt)
    log.info("contractor registered", extra={"contractor_id": command.contractor_id, "new": created,
                                             "changed": changed, "created_resources": provisioned.get("created")})
    return ContractorRegistered(contractor=ContractorRecord.model_validate(record), created=created, changed=changed,
                                topology=TopologyApplied.model_validate(provisioned))


def register_purchasing_body(command: RegisterPurchasingBody, uow: UnitOfWork,
                             clock: Clock) -> PurchasingBodyRegistered:
    """B1 parties, B18 territories: the central purchasing body under the tenant id its accounts carry, with
    the territory its own deadlines are counted in (an incident's D8 naming none) when given."""
    _refuse_reserved("$.purchasing_body_id", command.purchasing_body_id)
    fields = {"purchasing_body_id": command.purchasing_body_id, "name": command.name, "status": ACTIVE}
    if command.territory is not None:
        fields["territory"] = command.territory

    def attempt() -> tuple[dict[str, Any], bool, bool]:
        registry.claim_id(uow, registry.Kind.PURCHASING_BODY, command.purchasing_body_id, "$.purchasing_body_id")
        return _upsert(uow, purchasing_body_path(command.purchasing_body_id), fields, clock.now())

    record, created, changed = transact(uow, attempt)
    if changed:
        log.info("purchasing body registered", extra={"purchasing_body_id": command.purchasing_body_id,
                                                      "new": created})
    return PurchasingBodyRegistered(purchasing_body=PurchasingBodyRecord.model_validate(record), created=created,
                                    changed=changed)


def register_machine_identity(command: RegisterMachineIdentity, uow: UnitOfWork,
                              clock: Clock) -> MachineIdentityRegistered:
    """An ERP's service account, with the role, tenant and rights its Google-signed tokens carry."""
    errors: list[ErrorDetail] = []
    allowed = {r.value for r in ROLE_RIGHTS[command.role]}
    for i, right in enumerate(command.rights or ()):
        if right.value not in allowed:
            errors.append(ErrorDetail.of(f"$.rights[{i}]", "INVALID_VALUE",
                                         detail=f"le rôle {command.role.value} ne peut détenir « {right.value} »"))
    tenant_path = _TENANT_PATHS.get(command.role)
    if tenant_path is not None and not is_active(uow.get(tenant_path(command.tenant))):
        errors.append(ErrorDetail.of("$.tenant", "TENANT_NOT_FOUND", kind=_ROLE_LABELS[command.role],
                                     tenant=command.tenant))
    if errors:
        raise DomainError(errors)
    email = command.email.lower()
    fields = {"email": email, "role": command.role.value, "tenant": command.tenant, "status": ACTIVE,
              "rights": sorted(r.value for r in command.rights) if command.rights is not None else None}

    record, created, changed = transact(uow, lambda: _upsert(uow, machine_identity_path(email), fields, clock.now()))
    if changed:
        log.info("machine identity registered", extra={"email": email, "role": command.role.value,
                                                       "tenant": command.tenant})
    return MachineIdentityRegistered(machine_identity=MachineIdentityRecord.model_validate(record), created=created,
                                     changed=changed)


def deactivate(command: DeactivateParty, uow: UnitOfWork, bus: Topology, clock: Clock) -> PartyDeactivated:
    """Mark the party inactive (its record and its history stay); a contractor's ERP loses its Pub/Sub
    permissions first. Deactivating it again changes nothing."""
    party_id = command.id.lower() if command.kind is PartyKind.MACHINE_IDENTITY else command.id
    path = _PATHS[command.kind](party_id)
    current = uow.get(path)
    if current is None:
        raise DomainError([ErrorDetail.of("$.id", "PARTY_NOT_FOUND", kind=KIND_LABELS[command.kind],
                                          party_id=command.id)])
    revoked = None
    if command.kind is PartyKind.CONTRACTOR:  # no ERP member any more: its policies are emptied
        revoked = bus.apply(topology.contractor_topology(party_id))

    def attempt() -> tuple[dict[str, Any], bool]:
        record = uow.get(path) or {}
        if record.get("status") == INACTIVE:
            return record, False
        now = clock.now()
        uow.update(path, {"status": INACTIVE, "deactivated_at": now, "updated_at": now})
        return {**record, "status": INACTIVE, "deactivated_at": now, "updated_at": now}, True

    record, changed = transact(uow, attempt)
    if changed:
        log.info("party deactivated", extra={"kind": command.kind.value, "party_id": party_id})
    return PartyDeactivated(kind=command.kind, id=party_id, record=_jsonable(record), changed=changed,
                            topology=TopologyApplied.model_validate(revoked) if revoked is not None else None)


# --- the operator's directory -------------------------------------------------------------------

_COLLECTIONS = {ListedKind.MANAGER: "managers", ListedKind.CONTRACTOR: "contractors",
                ListedKind.BENEFICIARY: "beneficiaries", ListedKind.PURCHASING_BODY: "purchasing_bodies"}


def _listed(kind: ListedKind, record: dict[str, Any]) -> bool:
    """A beneficiary's manager-like space (``kind: beneficiary``) is listed as the beneficiary it is, and a
    contractor's conformance sandbox (``sandbox: true``) is the platform's: neither is a manager."""
    if kind is not ListedKind.MANAGER:
        return True
    return record.get("kind", "manager") == "manager" and not record.get("sandbox")


def _row(kind: ListedKind, party_id: str, record: dict[str, Any], names: dict[str, str] | None = None,
         d2: Deadline | None = None) -> PartyRow:
    """The row of a registry record: the fields that name the organisation, never its contacts. ``names``: the
    managers' names read for the page; ``d2``: the contractor's earliest open D2 (onboarding.open_d2)."""
    fields: dict[str, Any] = {
        "id": party_id, "kind": kind, "name": record.get("name") or party_id, "siret": record.get("siret"),
        "territory": record.get("territory"), "status": INACTIVE if not is_active(record) else ACTIVE,
        "registered_at": record.get("registered_at"), "deactivated_at": record.get("deactivated_at"),
        "managers": None, "connected": None, "conformance_passed_at": None, "erp_service_account": None,
        "conformance_progress": None, "manager_names": None, "d2_due_at": None, "d2_time_zone": None,
        "region": None, "region_label": None}
    if fields["status"] == ACTIVE:
        fields["deactivated_at"] = None
    if kind is ListedKind.CONTRACTOR:
        passed_at = (record.get("conformance") or {}).get("passed_at")
        managers = list(record.get("managers", ()))
        fields.update(managers=managers, connected=passed_at is not None,
                      conformance_passed_at=passed_at, erp_service_account=record.get("erp_service_account"),
                      conformance_progress=record.get("conformance_progress"),
                      manager_names={m: (names or {}).get(m, m) for m in managers})
        if d2 is not None and passed_at is None and fields["status"] == ACTIVE:
            fields.update(d2_due_at=d2.due_at, d2_time_zone=clock_fields(d2.territory)["time_zone"])
    elif kind is ListedKind.BENEFICIARY:
        from shared.domain.sourcing.records import REGION_LABELS, Region  # only this kind names a region

        if record.get("region"):
            region = Region(record["region"])
            fields.update(region=region.value, region_label=REGION_LABELS[region])
    return PartyRow.model_validate(fields)


def list_parties(uow: UnitOfWork, kind: ListedKind, after: str | None = None,
                 connected: bool | None = None) -> dict[str, Any]:
    """A1 spaces, B1 parties, A10 onboarding: the registered parties of one kind by id, from after
    ``after``, at most MAX_ROWS, as the operator's directory and pickers show them. ``next_cursor`` is the
    page's last id when more follow. A manager-like space that is not a manager is skipped, reading on
    until the page is full; so is, with ``connected`` (contractors), a contractor that is not as asked —
    False: active and its conformance run not passed yet (waiting to be connected, D2 running); True: passed."""
    def keep(data: dict[str, Any]) -> bool:
        if not _listed(kind, data):
            return False
        if connected is None:
            return True
        passed = bool((data.get("conformance") or {}).get("passed_at"))
        return passed if connected else (is_active(data) and not passed)

    found, more = id_pages.page_by_id(uow, _COLLECTIONS[kind], after, keep)
    names: dict[str, str] = {}
    d2: dict[str, Deadline] = {}
    if kind is ListedKind.CONTRACTOR:
        names, d2 = _contractor_page_reads(uow, found)
    rows = [_row(kind, doc.id, doc.data, names, d2.get(doc.id)) for doc in found]
    return PartyList(kind=kind, parties=rows, count=len(rows),
                     next_cursor=rows[-1].id if more else None).model_dump(mode="json")


def _contractor_page_reads(uow: UnitOfWork, found) -> tuple[dict[str, str], dict[str, Deadline]]:
    """What a page of contractors shows beside their records (A10 onboarding): the names of the managers they work
    for — one batch read of the registry for the whole page — and, for those active and not connected yet, their
    earliest open D2 (onboarding.open_d2: one query per 30 of them)."""
    from shared.service import onboarding  # only this kind reads deadlines

    wanted = list(dict.fromkeys(m for doc in found for m in doc.data.get("managers", ())))
    records = uow.get_all([manager_path(m) for m in wanted]) if wanted else {}
    names = {m: records[manager_path(m)].get("name") or m for m in wanted if manager_path(m) in records}
    waiting = [doc.id for doc in found
               if is_active(doc.data) and not (doc.data.get("conformance") or {}).get("passed_at")]
    return names, (onboarding.open_d2(uow, waiting) if waiting else {})


# --- checks -------------------------------------------------------------------------------------


def _refuse_reserved(field: str, identifier: str) -> None:
    prefix = reserved_prefix(identifier)
    if prefix is not None:
        raise DomainError([ErrorDetail.of(field, "RESERVED_IDENTIFIER", value=identifier, prefix=prefix)])


def _check_managers(uow: UnitOfWork, managers: list[str]) -> None:
    """Every manager a contractor works for is registered and active (every problem at once)."""
    found = uow.get_all([manager_path(m) for m in managers])
    errors = []
    for i, manager in enumerate(managers):
        record = found.get(manager_path(manager))
        if record is None:
            errors.append(ErrorDetail.of(f"$.managers[{i}]", "MANAGER_NOT_FOUND", manager_id=manager))
        elif not is_active(record):
            errors.append(ErrorDetail.of(f"$.managers[{i}]", "MANAGER_INACTIVE", manager_id=manager))
    if errors:
        raise DomainError(errors)


def client_name(uow: UnitOfWork, manager_id: str) -> str:
    """The client's name as its registry record gives it (a manager's, else a beneficiary's), else its id: both
    records in one round trip (an order's first history entry names it: ``orders.issue``)."""
    paths = (manager_path(manager_id), beneficiary_path(manager_id))
    found = uow.get_all(list(paths))
    for path in paths:
        name = (found.get(path) or {}).get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return manager_id
