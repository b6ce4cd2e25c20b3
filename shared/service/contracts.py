"""Manager → contractor, one way: contracts and billing accounts (A2.1 contracts, A2.2 billing
accounts), and how they are stored.

  managers/{manager}/contracts/{contract}             a contract (A2.1), its version and perimeter (A13)
  managers/{manager}/billing_accounts/{account}       a billing account (A2.2)

Each change is committed in one unit of work with its CloudEvent (transactional outbox),
published on the contractor's ``orders-<id>`` topic, ordered by the contract (or account) id.
A contract's message carries its penalty terms versions (A9, ``penalty_terms_versions``); a new
version set by set_penalty_terms is a change of the contract too: ``version`` + 1, sent the same way
(``shared.service.penalty_terms``, ``terms_versions_changed``).
A contract's save also opens its contractor's D2 onboarding deadline (A10) in that same commit.
Sending the same content again changes nothing and sends nothing. Contractors have no function
that writes here: only managers (right ``contracts.write``) call these services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.domain import contracts as c
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.ports import Clock, UnitOfWork
from shared.service import onboarding, penalty_terms
from shared.service.parties import contractor_serves
from shared.service.perimeter_messages import publish_changed
from shared.service.transaction import transact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    data: dict[str, Any]
    version: int
    changed: bool  # False when the same content was sent again

    def answer(self) -> dict[str, Any]:
        """What upsert_contract / upsert_billing_account answer (ContractSaved, BillingAccountSaved)."""
        return {"changed": self.changed, "version": self.version, **self.data}


# --- storage ------------------------------------------------------------------------------------


def contract_path(manager_id: str, contract_id: str) -> str:
    return f"managers/{manager_id}/contracts/{contract_id}"


def billing_account_path(manager_id: str, account_id: str) -> str:
    return f"managers/{manager_id}/billing_accounts/{account_id}"


def load_contract(uow: UnitOfWork, manager_id: str, contract_id: str) -> dict[str, Any] | None:
    """The stored contract document (A2.1), or None."""
    return uow.get(contract_path(manager_id, contract_id))


# --- commands -----------------------------------------------------------------------------------


def upsert_contract(manager_id: str, command: c.UpsertContract, uow: UnitOfWork, clock: Clock) -> Saved:
    """A2.1 contracts: create or update one of the manager's contracts and tell its contractor; the
    contractor's D2 onboarding month (A10) opens in the same commit (once: a resend or an update
    finds it open)."""
    path = contract_path(manager_id, command.contract_id)
    content = command.model_dump(mode="json")

    def attempt() -> Saved:
        if not contractor_serves(uow, command.contractor_id, manager_id):
            raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND",
                                              contractor_id=command.contractor_id)])
        current = uow.get(path)
        if current is not None and current.get("contractor_id") != command.contractor_id:
            raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_CHANGED")])
        # A9: a change of the terms is a dated version, effective today (shared/service/penalty_terms.py) in the
        # contract's territory as it is saved (B18: its perimeter's, else its manager's)
        versions = penalty_terms.load_versions(uow, manager_id, command.contract_id) if current is not None else []
        day = penalty_terms.today(clock, penalty_terms.terms_territory(uow, "manager", manager_id, command.contract_id,
                                                                       content))
        recorded = penalty_terms.inline_terms_changed(uow, manager_id, command.contract_id, current,
                                                      command.penalty_terms, clock, versions, day)
        versions = [*versions, recorded] if recorded is not None else versions
        saved = _save(uow, path, current, content, manager_id, [command.contractor_id], "contracts",
                      command.contract_id, EventType.CONTRACT_CHANGED, clock,
                      shown=lambda _, data: {**data, "penalty_terms_versions": penalty_terms.read_versions(
                          uow, manager_id, command.contract_id, data, day,
                          versions, accounts=False).model_dump(mode="json")})
        onboarding.contract_saved(uow, manager_id, command.contract_id, command.contractor_id, command.signed_on,
                                  clock.now(), terms=command.penalty_terms,
                                  contract=content)  # its perimeter: D2's territory (B18)
        return saved

    return transact(uow, attempt)


def upsert_billing_account(manager_id: str, command: c.UpsertBillingAccount, uow: UnitOfWork,
                           clock: Clock) -> Saved:
    """A2.2 billing accounts: create or update one, and tell every contractor holding one of its contracts."""
    path = billing_account_path(manager_id, command.billing_account_id)
    content = command.model_dump(mode="json")

    def attempt() -> Saved:
        found = uow.get_all([contract_path(manager_id, cid) for cid in command.contract_ids])
        errors = [ErrorDetail.of(f"$.contract_ids[{i}]", "CONTRACT_NOT_FOUND", contract_id=cid)
                  for i, cid in enumerate(command.contract_ids) if contract_path(manager_id, cid) not in found]
        if errors:
            raise DomainError(errors)
        holders = {cid: found[contract_path(manager_id, cid)]["contractor_id"] for cid in command.contract_ids}
        return _save(uow, path, uow.get(path), content, manager_id, sorted(set(holders.values())), "billing_accounts",
                     command.billing_account_id, EventType.BILLING_ACCOUNT_CHANGED, clock,
                     shown=lambda contractor, data: own_contracts(data, holders, contractor))

    return transact(uow, attempt)


def own_contracts(account: dict[str, Any], holders: dict[str, str], contractor: str) -> dict[str, Any]:
    """A billing account as one contractor sees it: only its own contracts among those it serves."""
    return {**account, "contract_ids": [c for c in account.get("contract_ids", ()) if holders.get(c) == contractor]}


def _save(uow: UnitOfWork, path: str, current: dict[str, Any] | None, content: dict[str, Any], manager_id: str,
          contractors: list[str], kind: str, item_id: str, event_type: EventType, clock: Clock,
          shown: Callable[[str, dict[str, Any]], dict[str, Any]] = lambda _, data: data) -> Saved:
    """Buffer the new version and one ``*.changed`` message per contractor (what ``shown`` lets it see);
    nothing if the content is the same."""
    if current is not None and {k: current.get(k) for k in content} == content:
        return Saved(current, current.get("version", 1), changed=False)
    now = clock.now()
    version = (current.get("version", 0) if current else 0) + 1
    data = {**content, "manager_id": manager_id, "version": version, "updated_at": now.isoformat()}
    if current is None:
        uow.create(path, data)
    else:
        uow.update(path, data)  # under the version read: a concurrent save starts this one again
    for contractor in contractors:
        publish_changed(uow, manager_id, contractor, kind, item_id, version, event_type,
                        {**shown(contractor, data), "change": "created" if current is None else "updated"}, now)
    uow.after_commit(lambda: log.info("%s saved", kind, extra={"manager_id": manager_id, "id": item_id,
                                                                "version": version}))
    return Saved(data, version, changed=True)
