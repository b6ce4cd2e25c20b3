"""Penalty terms per deadline as versioned contract data (A9 penalties; B5, B9, B10, B12, B16 for
beneficiary agreements): set a new version, and read the terms in force when a deadline starts.

  managers/{tenant}/contracts/{contract}/penalty_terms/v{NNNN}   one version, never rewritten

``tenant`` is a manager (its contract with a contractor) or a beneficiary (its agreement under the
framework contract, ``managers/<beneficiary>/contracts/<framework contract id>``). A contract
stored with ``penalty_terms`` (upsert_contract) carries its terms at signature: they apply until
a version takes effect. Changing them through upsert_contract records a version effective the day
of the change (``inline_terms_changed``), so that every change is a dated version.

Every flow that opens a deadline reads ``terms_on`` for the local date its clock starts and
snapshots the rule, amount and length on the deadline: a later version never reprices it.

The manager and the contractor holding a contract read every version and the one in force today
(``read_versions``, in get_contract). A new version of a manager's contract is announced to its
contractor in the version's own commit: the contract's ``version`` goes up by one and
``fr.passerelle.contract.changed.v1`` carries every version (``terms_versions_changed``), as every
contract.changed of upsert_contract does (``shared.service.contracts``).

A beneficiary's agreement is read by the beneficiary, the purchasing body and the operator
(``shared.service.sourcing.agreements``, get_sourcing?view=agreement). A new version of it is
announced to the titulaire, the agreement's contractor, in the version's own commit, as
``fr.passerelle.agreement.terms_changed.v1`` carrying every version (``agreement_terms_changed``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared import context, topology
from shared.domain.contract_terms import (
    AgreementTermsChanged, PenaltyTermsSet, SetPenaltyTerms, TermsVersion, TermsVersions, in_force, next_version, terms_versions,
)
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.penalties import PenaltyTerms, terms_of
from shared.domain import workdays
from shared.domain.territories import LAST_RESORT
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service.perimeter_messages import publish_changed
from shared.service.transaction import transact

log = logging.getLogger(__name__)

_UNREAD: Any = object()


def contract_path(tenant_id: str, contract_id: str) -> str:
    return f"managers/{tenant_id}/contracts/{contract_id}"


def versions_path(tenant_id: str, contract_id: str) -> str:
    return f"{contract_path(tenant_id, contract_id)}/penalty_terms"


def version_path(tenant_id: str, contract_id: str, version: int) -> str:
    return f"{versions_path(tenant_id, contract_id)}/v{version:04d}"


def load_versions(uow: UnitOfWork, tenant_id: str, contract_id: str) -> list[TermsVersion]:
    """Every version of a contract's terms, oldest first."""
    docs = uow.query(Query(versions_path(tenant_id, contract_id), order_by=(("__name__", "asc"),)))
    return [TermsVersion.model_validate(d.data, strict=False) for d in docs]


def terms_on(uow: UnitOfWork, tenant_id: str, contract_id: str | None, on: dt.date,
             contract: dict[str, Any] | None = _UNREAD) -> PenaltyTerms:
    """The terms in force on ``on``: the latest version effective by then, else the terms the contract
    was stored with, else the catalogue's defaults. ``contract``: the contract document, if read."""
    if not contract_id:
        return PenaltyTerms()
    version = in_force(load_versions(uow, tenant_id, contract_id), on)
    if version is not None:
        return version.terms
    if contract is _UNREAD:
        contract = uow.get(contract_path(tenant_id, contract_id))
    return terms_of(contract)


def read_versions(uow: UnitOfWork, tenant_id: str, contract_id: str, contract: dict[str, Any],
                  on: dt.date, versions: list[TermsVersion] | None = None, *, accounts: bool = True,
                  reader: tuple[str, str] | None = None) -> TermsVersions:
    """Every version of a contract's terms and the one in force on ``on`` (the stored ``contract``'s
    terms at signature while none is). ``versions``: already read (or just written) in this unit of work.
    ``accounts=False``: for the contractor, without the manager's account ids (``set_by`` null).
    ``reader``: (role, tenant) of the caller, who learns by name who set each version (``set_by_names``, one batch
    read of the accounts): the operator any account's, another caller its own party's accounts only."""
    if versions is None:
        versions = load_versions(uow, tenant_id, contract_id)
    shown = terms_versions(versions, terms_of(contract), on, accounts=accounts)
    if not accounts or reader is None:
        return shown
    return shown.model_copy(update={"set_by_names": account_names(uow, {v.set_by for v in versions if v.set_by},
                                                                  *reader)})


def account_names(uow: UnitOfWork, uids: set[str], role: str, tenant: str) -> dict[str, str]:
    """B5 accounts: uid → display name (its e-mail when it has none) of the accounts ``uids``, in ONE batch read of
    ``accounts/<uid>``, whatever their number. A caller other than the operator (``role``, ``tenant``) learns its own
    party's accounts only; a uid without a record (a machine identity, an account gone) is left out."""
    paths = {f"accounts/{uid}": uid for uid in sorted(uids) if uid and "/" not in uid}
    if not paths:
        return {}
    found = uow.get_all(list(paths))
    names = {}
    for path, uid in paths.items():
        record = found.get(path) or {}
        claims = record.get("claims") or {}
        if role != "operator" and (claims.get("tenant"), claims.get("role")) != (tenant, role):
            continue  # another party's account: not this caller's to know
        name = next((v.strip() for v in (record.get("display_name"), record.get("email"))
                     if isinstance(v, str) and v.strip()), None)
        if name:
            names[uid] = name
    return names


def today(clock: Clock, territory: str | None = None) -> dt.date:
    """B18: the day a version's effective date is checked against ("today at the earliest") and the version in force
    is read on: today in the territory whose deadlines read the terms (``terms_territory``), Paris's when none is
    named. Deadlines look their terms up on the day they start in their territory (``terms_on``), so a version
    effective from 1 July applies from 1 July there: Paris's day would let a version reach back a day in Nouméa or
    La Réunion (a D5 counted from yesterday's departure, there) and refuse today in Martinique from 18:00."""
    return workdays.local_date(clock.now(), territory or LAST_RESORT)


def terms_territory(uow: UnitOfWork, role: str, tenant_id: str, contract_id: str,
                    contract: dict[str, Any] | None = _UNREAD) -> str | None:
    """B18: the territory whose day dates a contract's terms versions: a manager's contract's (``contract_territory``:
    its perimeter's when it names exactly one territory, else its manager's — where its D2 counts and its catalogue
    is reviewed); a beneficiary's agreement's (``role`` "purchasing_body" or "beneficiary"), its beneficiary's
    registered territory, where its D4–D8 count. ``contract``: the stored contract, when the caller read it."""
    from shared.service import territories

    if role == "manager":
        return territories.contract_territory(uow, tenant_id, contract_id, contract)
    return territories.tenant_territory(uow, "beneficiary", tenant_id)


def set_penalty_terms(role: str, tenant: str, uid: str, command: SetPenaltyTerms, framework_contract_id: str,
                      uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A manager amends one of its contracts; the purchasing body a beneficiary's agreement. One new
    version, effective from its date, created once (its audit record in the contract's space)."""
    space, contract_id = _target(role, tenant, command, framework_contract_id)

    def attempt() -> tuple[TermsVersion, list[TermsVersion]]:
        contract = uow.get(contract_path(space, contract_id))
        if contract is None:
            if role == "manager":
                raise DomainError([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=contract_id)])
            raise DomainError([ErrorDetail.of("$.beneficiary_id", "BENEFICIARY_NOT_FOUND", beneficiary_id=space)])
        existing = load_versions(uow, space, contract_id)
        day = today(clock, terms_territory(uow, role, space, contract_id, contract))  # B18: the terms' territory's
        version, refused = next_version(existing, contract_id, command.effective_from, day, command.terms,
                                        command.reason, uid, clock.now())
        if refused:
            raise DomainError(refused)
        assert version is not None
        uow.create(version_path(space, contract_id, version.version), version.model_dump(mode="json"))
        versions = [*existing, version]
        # what the contractor is told leaves out which account set the version (set_by null)
        shown = read_versions(uow, space, contract_id, contract, day, versions, accounts=False)
        if role == "manager":  # A9: its contractor is told, on the channel its contracts reach it by
            terms_versions_changed(uow, space, contract_id, contract, shown, clock)
        else:  # A9: the titulaire serving the beneficiary under the agreement is told
            agreement_terms_changed(uow, space, contract_id, contract, version.version, shown, clock)
        return version, versions

    version, versions = transact(uow, attempt)
    log.info("penalty terms set", extra={"tenant": space, "contract_id": contract_id, "version": version.version,
                                         "effective_from": version.effective_from.isoformat()})
    return PenaltyTermsSet(tenant_id=space, contract_id=contract_id, version=version.version,
                           effective_from=version.effective_from, versions=versions).model_dump(mode="json")


def terms_versions_changed(uow: UnitOfWork, manager_id: str, contract_id: str, contract: dict[str, Any],
                           versions: TermsVersions, clock: Clock) -> None:
    """A new version of one of the manager's contracts' terms (``contract``, as read in this unit of work)
    is a change of the contract: its ``version`` + 1, and ``contract.changed`` (``updated``) to its
    contractor with every terms version, in the version's commit."""
    contractor = contract.get("contractor_id")
    if not contractor:
        return
    now = clock.now()
    version = int(contract.get("version", 1)) + 1
    data = {**contract, "version": version, "updated_at": now.isoformat()}
    uow.update(contract_path(manager_id, contract_id), data)
    publish_changed(uow, manager_id, contractor, "contracts", contract_id, version, EventType.CONTRACT_CHANGED,
                    {**data, "penalty_terms_versions": versions.model_dump(mode="json"), "change": "updated"}, now)


def agreement_terms_changed(uow: UnitOfWork, beneficiary_id: str, contract_id: str, contract: dict[str, Any],
                            version: int, versions: TermsVersions, clock: Clock) -> None:
    """A new version of a beneficiary's agreement terms, told to the titulaire (the agreement's contractor, the
    contractor of its mission orders) on ``orders-<titulaire>`` in the version's commit, as
    ``fr.passerelle.agreement.terms_changed.v1``. The agreement record is not a manager's contract (it lacks
    contract.changed's fields), so it is neither rewritten nor sent as one. One message id per agreement,
    version and titulaire: a retried commit never sends it twice."""
    titulaire = contract.get("contractor_id")
    if not titulaire:
        return
    data = AgreementTermsChanged(beneficiary_id=beneficiary_id, contract_id=contract_id,
                                 penalty_terms_versions=versions)
    uow.publish(OutboxMessage(
        id=f"agreement-terms-{digest(beneficiary_id, contract_id, str(version), titulaire)[:32]}",
        topic=topology.orders_topic(titulaire), event_type=EventType.AGREEMENT_TERMS_CHANGED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{beneficiary_id}", subject=agreement_subject(beneficiary_id),
        data=data.model_dump(mode="json"), created_at=clock.now(), ordering_key=agreement_subject(beneficiary_id)))


def agreement_subject(beneficiary_id: str) -> str:
    """ce-subject and ordering key of a beneficiary's agreement messages: its versions arrive in order."""
    return f"agreements/{beneficiary_id}"


def _target(role: str, tenant: str, command: SetPenaltyTerms, framework_contract_id: str) -> tuple[str, str]:
    """Whose contract: a manager's own (``contract_id``), or a beneficiary's agreement (purchasing body)."""
    if role == "manager":
        errors = [] if command.contract_id else [ErrorDetail.of("$.contract_id", "REQUIRED")]
        if command.beneficiary_id is not None:
            errors.append(ErrorDetail.of("$.beneficiary_id", "UNKNOWN_FIELD"))
        if errors:
            raise DomainError(errors)
        return tenant, command.contract_id  # type: ignore[return-value]
    errors = [] if command.beneficiary_id else [ErrorDetail.of("$.beneficiary_id", "REQUIRED")]
    if command.contract_id not in (None, framework_contract_id):
        errors.append(ErrorDetail.of("$.contract_id", "INVALID_VALUE",
                                     detail=f"l'accord d'un bénéficiaire est l'accord-cadre {framework_contract_id}"))
    if errors:
        raise DomainError(errors)
    return command.beneficiary_id, framework_contract_id  # type: ignore[return-value]


def inline_terms_changed(uow: UnitOfWork, manager_id: str, contract_id: str, stored: dict[str, Any] | None,
                         terms: PenaltyTerms | None, clock: Clock, existing: list[TermsVersion],
                         on: dt.date | None = None) -> TermsVersion | None:
    """upsert_contract changed an existing contract's ``penalty_terms``: record the change as a version
    effective today — ``on``, today in the contract's territory (``today``, ``terms_territory``; Paris's when not
    given) — in the contract's commit (a new contract's terms are its terms at signature).
    ``existing``: the contract's versions, read in this unit of work."""
    if stored is None or terms_of(stored) == (terms or PenaltyTerms()):
        return None
    on = on or today(clock)
    version, refused = next_version(existing, contract_id, on, on, terms or PenaltyTerms(),
                                    "modifié avec le marché (upsert_contract)", context.actor.get().who, clock.now())
    if refused:
        raise DomainError([e.model_copy(update={"field": "$.penalty_terms"}) for e in refused])
    assert version is not None
    uow.create(version_path(manager_id, contract_id, version.version), version.model_dump(mode="json"))
    return version
