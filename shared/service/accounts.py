"""Accounts (B5 account management, D7 account creation): a manager, a beneficiary or the purchasing body
requests an account for one of its people, in its own tenant; the operator creates it.

  account_requests/{request_id}   a request (top level: the operator answers every tenant's);
                                  audited in the requester's space (managers/<id> or beneficiaries/<id>;
                                  the purchasing body, which has no space, in platform/registry)
  accounts/{uid}                  the role, tenant and rights last set on a Firebase Auth user: the
                                  audit record of that claims change (platform/registry)
  managers/{tenant}/deadlines/{request_id}   its D7 deadline

The request and its D7 deadline (72 hours counted on working days — three working days — in the
request's territory, or the shorter delay of a beneficiary's agreement; due time planned once)
are committed together. A request names its requester (uid, e-mail, the rights it
held) and never asks for more rights than the requester holds. Creating the account checks the
role and tenant against the registry of tenants (shared/service/registry.py) and the e-mail
against the accounts that exist: an e-mail held by an account of another role or tenant is
refused (``ACCOUNT_EMAIL_TAKEN``) unless the operator moves it explicitly (``move``), which is
recorded on the account and revokes its earlier sessions. It then sets the user and its claims
in Firebase Auth (``IdentityAdmin``, outside Firestore: an upsert, harmless to repeat) and
commits in one unit of work the account document, the request fulfilled — met or missed — and
D7 stopped at the same instant.

B15 protection of identities: a password the operator sets is temporary. The account's custom claims
then carry ``password_change_required`` (kept when the operator later updates the account without a
password) until its user chooses its own through change_password (``change_own_password``): the new
password is checked for strength, set in Firebase Auth with the mark dropped and every refresh token
revoked, and ``accounts/{uid}`` records when (audited as ``account.updated``). No password is ever
stored or logged by the platform.
"""

from __future__ import annotations

import logging
from typing import Any

from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.identity import (
    PASSWORD_CHANGE_CLAIM, RIGHT_LABELS, ROLE_LABELS, ROLE_RIGHTS, AccountList, AccountRequest, ChangePassword, CreateAccount, PasswordChanged,
    RequestAccount, Role, account_row, capped_rights, effective_rights, password_is_strong,
)
from shared.domain.territories import clock_fields
from shared.ports import Clock, IdentityAdmin, UnitOfWork, digest
from shared.service import deadlines, id_pages, penalty_terms, registry, territories
from shared.service.transaction import transact

log = logging.getLogger(__name__)


# --- storage ------------------------------------------------------------------------------------


def request_path(request_id: str) -> str:
    return f"account_requests/{request_id}"


def account_path(uid: str) -> str:
    return f"accounts/{uid}"


_REQUESTER_SPACES = {Role.MANAGER: "managers/{}", Role.BENEFICIARY: "beneficiaries/{}"}


def requester_space(request: AccountRequest) -> str:
    """The space a request's audit records go to: the requester's own; the purchasing body's, which holds no
    space (it reads platform-wide figures), go to the platform's registry with its registry record."""
    space = _REQUESTER_SPACES.get(request.role)
    return space.format(request.tenant) if space else "platform/registry"


def load_request(uow: UnitOfWork, request_id: str) -> AccountRequest | None:
    data = uow.get(request_path(request_id))
    return AccountRequest.model_validate(data) if data is not None else None


def _save_request(uow: UnitOfWork, request: AccountRequest, *, created: bool = False) -> None:
    path, data = request_path(request.request_id), request.model_dump(mode="json")
    if created:
        uow.create(path, data, audit_space=requester_space(request))
    else:
        uow.update(path, data, audit_space=requester_space(request))


# --- commands -----------------------------------------------------------------------------------


def request_account(requester_uid: str, role: str, tenant: str, command: RequestAccount, uow: UnitOfWork,
                    clock: Clock, agreement_id: str | None = None, *, held: frozenset[str] | None = None,
                    requester_email: str | None = None) -> AccountRequest:
    """Record the request and open D7 in the same commit; asking twice for the same person is one request.

    D7 is 72 hours counted on the working days of the request's territory (the one it names, else the
    requester's own: ``territories.tenant_territory``; three working days, midnight to midnight), or the
    shorter delay a beneficiary's agreement (``agreement_id``, the framework contract in its space) states, with
    the penalty its terms attach, if any.
    ``held``: the requester's own rights (its role's defaults when not given): a right it does not hold
    is refused, and a request naming no rights asks for the requester's own at most."""
    held = effective_rights(role, None) if held is None else held
    errors = [ErrorDetail.of(f"$.rights[{i}]", "RIGHT_NOT_HELD", right=RIGHT_LABELS[right.value])
              for i, right in enumerate(command.rights or ()) if right.value not in held]
    if errors:
        raise DomainError(errors)
    rights = capped_rights([r.value for r in command.rights] if command.rights else None, role, held)
    request_id = "acc-" + digest(tenant, command.email.lower())[:20]

    def attempt() -> tuple[AccountRequest, bool]:
        existing = load_request(uow, request_id)
        if existing is not None:
            return existing, False
        now = clock.now()
        territory = (command.territory or territories.tenant_territory(uow, role, tenant)
                     or deadlines.DEFAULT_TERRITORY)
        terms = None
        if role == Role.BENEFICIARY.value and agreement_id:
            terms = penalty_terms.terms_on(uow, tenant, agreement_id, workdays.local_date(now, territory))
        d7 = deadlines.plan_deadline("D7", request_id, tenant_id=tenant, territory=territory,
                                     started_at=now, ref=request_id, terms=terms)
        request = AccountRequest(
            request_id=request_id, tenant=tenant, role=Role(role), email=command.email.lower(),
            display_name=command.display_name, rights=rights, territory=territory,
            requested_by=requester_uid, requested_by_email=requester_email, requested_by_rights=sorted(held),
            requested_at=now, due_at=d7.due_at,
        )
        _save_request(uow, request, created=True)
        deadlines.open_deadline(uow, d7, now)
        return request, True

    request, created = transact(uow, attempt)
    if created:
        log.info("account requested", extra={"request_id": request_id, "tenant": tenant,
                                              "due_at": request.due_at.isoformat()})
    return request


def create_account(command: CreateAccount, admin: IdentityAdmin, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """Create (or update) the user and its claims, then record it, fulfil the request it answers and
    stop D7, in one commit. A retry after a failure between the two sets the same claims again.

    B5 accounts and rights: ``disabled`` True disables the user in Firebase Auth (it cannot sign in) and
    revokes its sessions, False enables it again (its earlier tokens stay refused: it signs in anew), absent
    keeps its state. An account already exactly as asked (same name, claims and state, no new password, no
    request to fulfil) is left alone: nothing is set, written, audited or revoked (``changed: false``)."""
    request = _checked(command, uow)
    claims: dict[str, Any] = {"role": command.role.value, "tenant": command.tenant}
    rights = sorted(r.value for r in command.rights) if command.rights is not None else None
    if rights is None and request is not None and request.rights is not None:
        rights = sorted(request.rights)  # the account gets what was asked for, not its role's defaults
    if rights is not None:
        claims["rights"] = rights
    email = command.email.lower()
    existing = admin.find_user(email)
    moved_from = _moved_from(command, existing)
    # B15: a password the operator set is temporary (its user chooses its own before anything else); an
    # update that sets none keeps the mark of a password not changed yet.
    temporary = command.password is not None or ((existing or {}).get("claims") or {}).get(PASSWORD_CHANGE_CLAIM) is True
    set_claims = {**claims, PASSWORD_CHANGE_CLAIM: True} if temporary else claims
    was_disabled = bool((existing or {}).get("disabled"))
    disabled = was_disabled if command.disabled is None else command.disabled
    same_user = (existing is not None and command.password is None and moved_from is None
                 and existing.get("claims") == set_claims and existing.get("display_name") == command.display_name
                 and disabled == was_disabled)
    # Setting the claims revokes the user's earlier sessions: a token issued before this second is refused
    # (shared/edge/auth.py reads sessions_valid_after; Firebase Auth counts whole seconds too).
    revoked_at = int(clock.now().timestamp())
    if same_user:
        uid = existing["uid"]
    else:
        uid = admin.upsert_user(email, command.display_name, command.password, set_claims, disabled=disabled)

    def attempt() -> tuple[AccountRequest | None, bool]:
        now = clock.now()
        previous = uow.get(account_path(uid))
        before = previous or {}
        account = {**before, "uid": uid, "email": email, "display_name": command.display_name, "claims": claims,
                   "request_id": command.request_id or before.get("request_id"),
                   "password_change_required": temporary, "disabled": disabled,
                   "disabled_at": (before.get("disabled_at") if was_disabled else now) if disabled else None}
        if moved_from is not None:
            account["moves"] = [*before.get("moves", []), {**moved_from, "moved_at": now,
                                                           "to": {"role": command.role.value,
                                                                  "tenant": command.tenant}}]
        kept = same_user and previous is not None and all(before.get(k) == v for k, v in account.items())
        if not kept:
            account.update(claims_set_at=now, created_at=before.get("created_at") or now, updated_at=now,
                           sessions_valid_after=before.get("sessions_valid_after", revoked_at) if same_user
                           else revoked_at)
            uow.save(account_path(uid), account)
            if not same_user:
                uow.after_commit(lambda: admin.sessions_revoked(uid))
        found = load_request(uow, request.request_id) if request is not None else None
        if found is None or found.status != "pending":
            return found, not kept
        fulfilled = found.fulfil(now)
        _save_request(uow, fulfilled)
        if deadlines.load(uow, fulfilled.tenant, fulfilled.request_id) is not None:  # D7 (none before it existed)
            deadlines.stop_deadline(uow, fulfilled.tenant, fulfilled.request_id, now, fulfilled.request_id, now)
        return fulfilled, True

    answered, changed = transact(uow, attempt)
    result: dict[str, Any] = {"uid": uid, "email": email, "claims": claims, "password_change_required": temporary,
                              "disabled": disabled, "changed": changed}
    if answered is not None:
        result["request"] = answered.model_dump(mode="json")
    if moved_from is not None:
        result["moved_from"] = moved_from
        log.warning("account moved to another tenant", extra={"uid": uid, "from": moved_from,
                                                              "role": command.role.value, "tenant": command.tenant})
    if changed:
        log.info("account set", extra={"uid": uid, "role": command.role.value, "tenant": command.tenant,
                                       "disabled": disabled})
    return result


def list_accounts(uow: UnitOfWork, tenant: str, after: str | None = None) -> dict[str, Any]:
    """B5 accounts and rights: the accounts of one party (their records' claims name it as tenant), by uid, from
    after ``after``, at most MAX_ROWS; ``next_cursor`` is the page's last uid when more follow. Read from the
    records manage_account and change_password write, never from Firebase Auth's list of users.

    B18: the page names the clock of the party's territory (``territories.tenant_territory`` for the role its
    accounts hold — one namespace of tenants, one role — read once for the page, not per row; an empty page reads
    nothing and answers Paris's)."""
    found, more = id_pages.page_by_id(uow, "accounts", after, where=(("claims.tenant", "==", tenant),))
    rows = [row for row in (account_row(doc.data | {"uid": doc.data.get("uid") or doc.id}) for doc in found)
            if row is not None]
    territory = territories.tenant_territory(uow, rows[0].role.value, tenant) if rows else None
    return AccountList(tenant=tenant, accounts=rows, count=len(rows),
                       next_cursor=found[-1].id if more and found else None,
                       **clock_fields(territory)).model_dump(mode="json")


def change_own_password(uid: str, command: ChangePassword, admin: IdentityAdmin, uow: UnitOfWork,
                        clock: Clock) -> PasswordChanged:
    """A person's own new password (B5 accounts, B15): strong, set in Firebase Auth with the temporary mark
    dropped and every refresh token revoked (its other sessions end), then ``accounts/{uid}`` records when
    and from which second tokens count — audited like manage_account's changes. The caller is the token's
    uid: there is no way to name another account. A retry sets the same password again and records a later
    instant; the HTTPS edge replays the first answer instead (Idempotency-Key)."""
    if not password_is_strong(command.new_password):
        raise DomainError([ErrorDetail.of("$.new_password", "WEAK_PASSWORD")])
    revoked_at = int(clock.now().timestamp())
    user = admin.set_own_password(uid, command.new_password)
    if user is None:  # a valid token of an account deleted since
        raise DomainError([ErrorDetail.of("header.Authorization", "ACCOUNT_NOT_FOUND")])

    def attempt() -> PasswordChanged:
        now = clock.now()
        previous = uow.get(account_path(uid)) or {"uid": uid, "email": user.get("email"), "claims": user.get("claims")}
        uow.save(account_path(uid), {**previous, "password_change_required": False, "password_changed_at": now,
                                     "sessions_valid_after": revoked_at})
        uow.after_commit(lambda: admin.sessions_revoked(uid))
        return PasswordChanged(uid=uid, password_changed_at=now, sessions_valid_after=revoked_at)

    changed = transact(uow, attempt)
    log.info("password changed by its user", extra={"uid": uid})
    return changed


def _moved_from(command: CreateAccount, existing: dict[str, Any] | None) -> dict[str, str] | None:
    """The role and tenant the e-mail's account leaves, when the operator moves it; an e-mail held in
    another role or tenant is refused without ``move`` (taking over someone else's account)."""
    claims = (existing or {}).get("claims") or {}
    role, tenant = claims.get("role"), claims.get("tenant")
    if not role and not tenant:
        return None  # a new e-mail, or an account that belongs to no tenant yet
    if (role, tenant) == (command.role.value, command.tenant):
        return None
    if not command.move:
        raise DomainError([ErrorDetail.of("$.email", "ACCOUNT_EMAIL_TAKEN", email=command.email.lower(),
                                          role=ROLE_LABELS.get(role, role or "?"), tenant=tenant or "?")])
    return {"role": str(role or ""), "tenant": str(tenant or "")}


def _checked(command: CreateAccount, uow: UnitOfWork) -> AccountRequest | None:
    """Every problem of the command at once (password, rights the role may hold, the request it names)."""
    errors: list[ErrorDetail] = []
    if command.password is not None and not password_is_strong(command.password):
        errors.append(ErrorDetail.of("$.password", "WEAK_PASSWORD"))
    allowed = {r.value for r in ROLE_RIGHTS[command.role]}
    for i, right in enumerate(command.rights or ()):
        if right.value not in allowed:
            errors.append(ErrorDetail.of(f"$.rights[{i}]", "INVALID_VALUE",
                                         detail=f"le rôle {command.role.value} ne peut détenir « {right.value} »"))
    errors += registry.tenant_errors(uow, command.role.value, command.tenant, "$.tenant")
    request = None
    if command.request_id is not None:
        request = load_request(uow, command.request_id)
        if request is None:
            errors.append(ErrorDetail.of("$.request_id", "ACCOUNT_REQUEST_NOT_FOUND", request_id=command.request_id))
        elif request.role is not command.role or request.tenant != command.tenant:
            errors.append(ErrorDetail.of("$.role", "ROLE_MISMATCH", role=ROLE_LABELS[command.role],
                                         expected=f"{ROLE_LABELS[request.role]} / {request.tenant}"))
        elif request.rights is not None:
            errors += [ErrorDetail.of(f"$.rights[{i}]", "RIGHT_NOT_REQUESTED", right=RIGHT_LABELS[right.value])
                       for i, right in enumerate(command.rights or ())
                       if right.value in allowed and right.value not in request.rights]
    if errors:
        raise DomainError(errors)
    return request
