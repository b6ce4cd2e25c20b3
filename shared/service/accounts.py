"""Accounts (B5, D7): a manager or beneficiary requests an account; the operator creates it.

The request starts the D7 clock (72 working hours in the requester's territory); creating
the account stops it — met or missed is recorded on the request and, when the deadline
service is wired in, on a D7 deadline with its penalty rule.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.identity import (
    ACCOUNT_CREATION_WORKING_HOURS, ROLE_RIGHTS, AccountRequest, CreateAccount, RequestAccount, Role,
    password_is_strong,
)
from shared.ports import Clock, digest

log = logging.getLogger(__name__)


class IdentityAdmin(Protocol):
    """Creates users and sets their custom claims (Firebase Auth, or its emulator)."""

    def upsert_user(self, email: str, display_name: str, password: str | None, claims: dict[str, Any]) -> str: ...


class AccountRequests(Protocol):
    def get(self, request_id: str) -> AccountRequest | None: ...
    def create(self, request: AccountRequest) -> bool: ...  # False when it already exists
    def save(self, request: AccountRequest) -> None: ...


@dataclass(frozen=True)
class DeadlineHooks:
    """Optional: start/stop a D7 deadline in the deadline service."""

    start: Any
    stop: Any


def request_account(requester_uid: str, role: str, tenant: str, command: RequestAccount, requests: AccountRequests,
                    clock: Clock, hooks: DeadlineHooks | None = None) -> AccountRequest:
    now = clock.now()
    request_id = "acc-" + digest(tenant, command.email.lower())[:20]
    due = workdays.add_working_hours(now, dt.timedelta(hours=ACCOUNT_CREATION_WORKING_HOURS), command.territory)
    request = AccountRequest(
        request_id=request_id, tenant=tenant, role=Role(role), email=command.email.lower(),
        display_name=command.display_name, rights=[r.value for r in command.rights] if command.rights else None,
        territory=command.territory, requested_by=requester_uid, requested_at=now, due_at=due,
    )
    if not requests.create(request):
        existing = requests.get(request_id)
        assert existing is not None
        return existing  # asking twice for the same person is one request
    if hooks is not None:
        hooks.start(request)
    log.info("account requested", extra={"request_id": request_id, "tenant": tenant, "due_at": due.isoformat()})
    return request


def create_account(command: CreateAccount, admin: IdentityAdmin, requests: AccountRequests, clock: Clock,
                   hooks: DeadlineHooks | None = None) -> dict[str, Any]:
    errors: list[ErrorDetail] = []
    if command.password is not None and not password_is_strong(command.password):
        errors.append(ErrorDetail.of("$.password", "WEAK_PASSWORD"))
    allowed = {r.value for r in ROLE_RIGHTS[command.role]}
    for i, right in enumerate(command.rights or ()):
        if right.value not in allowed:
            errors.append(ErrorDetail.of(f"$.rights[{i}]", "INVALID_VALUE",
                                         detail=f"le rôle {command.role.value} ne peut détenir « {right.value} »"))
    request = None
    if command.request_id is not None:
        request = requests.get(command.request_id)
        if request is None:
            errors.append(ErrorDetail.of("$.request_id", "ACCOUNT_REQUEST_NOT_FOUND", request_id=command.request_id))
        elif request.role is not command.role or request.tenant != command.tenant:
            errors.append(ErrorDetail.of("$.role", "ROLE_MISMATCH", role=command.role.value,
                                         expected=f"{request.role.value} / {request.tenant}"))
    if errors:
        raise DomainError(errors)
    claims: dict[str, Any] = {"role": command.role.value, "tenant": command.tenant}
    if command.rights is not None:
        claims["rights"] = sorted(r.value for r in command.rights)
    uid = admin.upsert_user(command.email.lower(), command.display_name, command.password, claims)
    result: dict[str, Any] = {"uid": uid, "email": command.email.lower(), "claims": claims}
    if request is not None:
        if request.status == "pending":
            request = request.fulfil(clock.now())
            requests.save(request)
            if hooks is not None:
                hooks.stop(request)
        result["request"] = request.model_dump(mode="json")
    log.info("account created", extra={"uid": uid, "role": command.role.value, "tenant": command.tenant})
    return result
