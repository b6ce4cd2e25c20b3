"""Who may do what (B1, B5): roles, the rights each role can hold, and account requests (D7).

A person or an ERP is a Firebase Auth account whose custom claims carry ``role``, ``tenant``
(the manager, contractor or beneficiary id; the body's id for the purchasing body;
"platform" for the operator) and optionally ``rights``: a subset of its role's rights,
chosen per user (B5). Without a ``rights`` claim, an account holds its role's defaults.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Command, Identifier, Model
from shared.domain.errors import ErrorDetail
from shared.domain.territories import RecordClock
from shared.domain.validation import identifier_errors

EmailStr = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class Role(StrEnum):
    MANAGER = "manager"
    CONTRACTOR = "contractor"
    BENEFICIARY = "beneficiary"
    PURCHASING_BODY = "purchasing_body"
    OPERATOR = "operator"


# What a person reads of a role (French only; the API keeps the value).
ROLE_LABELS = {Role.MANAGER: "gestionnaire", Role.CONTRACTOR: "prestataire", Role.BENEFICIARY: "bénéficiaire",
               Role.PURCHASING_BODY: "centrale d'achat", Role.OPERATOR: "opérateur"}


class Right(StrEnum):
    ORDERS_WRITE = "orders.write"  # issue orders, decide on them
    ORDERS_READ = "orders.read"
    CONTRACTS_WRITE = "contracts.write"  # create and update contracts and billing accounts (manager only)
    PROPERTY_WRITE = "property.write"  # import the property tree (A7, manager only)
    EXECUTION_WRITE = "execution.write"  # report execution
    DOCUMENTS_WRITE = "documents.write"  # attach PDF reports, proofs of service, invoices to orders
    PENALTIES_MANAGE = "penalties.manage"  # waive / dispute ledger entries
    PENALTIES_READ = "penalties.read"
    NEEDS_WRITE = "needs.write"  # describe needs, decide on proposals
    NEEDS_READ = "needs.read"
    EXPORT = "export.run"  # reversibility export (A8)
    ACCOUNTS_REQUEST = "accounts.request"  # ask the operator for a new user (B5)
    ACCOUNTS_MANAGE = "accounts.manage"  # create users, set their claims
    PROFESSIONALS_WRITE = "professionals.write"
    REPORTS_READ = "reports.read"  # steering data (B1, B6, B17)
    INCIDENTS_REPORT = "incidents.report"  # report an incident (B9, starts D8)
    INCIDENTS_MANAGE = "incidents.manage"  # acknowledge incidents (operator, stops D8)
    AGREEMENTS_WRITE = "agreements.write"  # beneficiaries' penalty terms and the price schedule (purchasing body)


# What a person reads of a right (French only, as the web app's « Comptes » names them; the API keeps the value).
RIGHT_LABELS: dict[str, str] = {
    "orders.write": "émettre des commandes et en décider", "orders.read": "lire les commandes",
    "contracts.write": "marchés et comptes de facturation", "property.write": "importer le patrimoine",
    "execution.write": "déclarer l'exécution", "documents.write": "déposer des documents",
    "penalties.manage": "remettre ou contester des pénalités", "penalties.read": "lire les pénalités",
    "needs.write": "décrire des besoins, décider des propositions", "needs.read": "lire les besoins",
    "export.run": "exporter les données (réversibilité)", "accounts.request": "demander des comptes",
    "accounts.manage": "créer des comptes, raccorder des parties", "professionals.write": "gérer le vivier",
    "reports.read": "lire les rapports", "incidents.report": "signaler des incidents",
    "incidents.manage": "traiter les incidents", "agreements.write": "conditions de pénalités et bordereau de prix",
}

# Every right a role can be granted; an account holds all of them unless its claims narrow it.
ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.MANAGER: frozenset({Right.ORDERS_WRITE, Right.ORDERS_READ, Right.CONTRACTS_WRITE, Right.PROPERTY_WRITE,
                             Right.PENALTIES_MANAGE,
                             Right.PENALTIES_READ,
                             Right.EXPORT, Right.ACCOUNTS_REQUEST, Right.REPORTS_READ}
              | {Right.INCIDENTS_REPORT}),
    Role.CONTRACTOR: frozenset({Right.EXECUTION_WRITE, Right.DOCUMENTS_WRITE, Right.ORDERS_READ, Right.PENALTIES_READ}
                                 | {Right.INCIDENTS_REPORT}),
    Role.BENEFICIARY: frozenset({Right.NEEDS_WRITE, Right.NEEDS_READ, Right.ORDERS_WRITE, Right.ORDERS_READ,
                                 Right.EXPORT, Right.ACCOUNTS_REQUEST, Right.REPORTS_READ,
                                 Right.PENALTIES_READ}  # its missions' contractor's statement
                                | {Right.INCIDENTS_REPORT}),
    Role.PURCHASING_BODY: frozenset({Right.REPORTS_READ, Right.AGREEMENTS_WRITE}) | {Right.INCIDENTS_REPORT}
                          | {Right.ACCOUNTS_REQUEST},  # B5: its own people's accounts, like a beneficiary
    Role.OPERATOR: frozenset({Right.ACCOUNTS_MANAGE, Right.PROFESSIONALS_WRITE}) | {Right.INCIDENTS_MANAGE}
                   | {Right.REPORTS_READ},  # B6/B17 reports of any beneficiary (get_report)
}

# D7: an account is created within 72 hours counted on working days ("72h ouvrées") of its request (B5).
ACCOUNT_CREATION_WORKING_HOURS = 72


def effective_rights(role: str, claimed: object) -> frozenset[str]:
    """The rights an account holds: its claim, narrowed to what its role allows."""
    try:
        allowed = ROLE_RIGHTS[Role(role)]
    except ValueError:
        return frozenset()
    if claimed is None:
        return frozenset(r.value for r in allowed)
    if not isinstance(claimed, list | tuple):
        return frozenset()
    return frozenset(r.value for r in allowed if r.value in claimed)


# B15 secret strength (password_is_strong): what the platform asks of a password. Identity Platform's own
# password policy (infra/terraform/identity.tf) is derived from the same figures, tests/unit/test_terraform_keys.py.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
PASSWORD_MIN_CLASSES = 3  # of four: lowercase, uppercase, digit, other


class RequestAccount(Command):
    """A manager, a beneficiary or the purchasing body asks for an account for one of its people (B5); the
    tenant is the requester's own (its token's), never named in the body."""

    email: EmailStr
    display_name: Annotated[str, Field(min_length=1, max_length=120)]
    rights: list[Right] | None = None
    territory: Annotated[str, Field(pattern=r"^(\d{2,3}|2A|2B|BL|MF|PM|PF|NC|WF)$")] | None = Field(
        default=None, description="Whose working days count D7 (B18); absent: the requester's own territory "
                                  "(a beneficiary's registered one, a manager's), else Paris (75).")


class CreateAccount(Command):
    """The operator creates (or updates) an account and its claims; fulfils a request if named."""

    email: EmailStr
    display_name: Annotated[str, Field(min_length=1, max_length=120)]
    role: Role
    tenant: Identifier
    rights: list[Right] | None = None
    password: Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)] | None = None
    request_id: Identifier | None = None
    # An e-mail already held by an account of another role or tenant moves only when the operator says
    # so here: the move is audited and the account's earlier sessions are revoked.
    move: bool = False
    # B5 accounts: True disables the person's account (someone leaves: its user is disabled in Identity
    # Platform, its sessions revoked, its tokens refused at the next call), False enables it again; absent,
    # the account keeps its state.
    disabled: bool | None = None


class AccountRequest(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str
    tenant: str
    role: Role
    email: str
    display_name: str
    rights: list[str] | None
    territory: str
    requested_by: str
    requested_at: AwareDatetime
    requested_by_email: str | None = None  # the requester as the operator sees it (its token's e-mail)
    requested_by_rights: list[str] | None = None  # what the requester held: the request cannot exceed it
    due_at: AwareDatetime
    status: str = "pending"  # pending | fulfilled
    fulfilled_at: AwareDatetime | None = None
    met: bool | None = None

    def fulfil(self, at: dt.datetime) -> AccountRequest:
        return self.model_copy(update={"status": "fulfilled", "fulfilled_at": at, "met": at <= self.due_at})


def capped_rights(requested: list[str] | None, role: str, held: frozenset[str]) -> list[str] | None:
    """The rights an account request may carry: those asked, or — nothing asked — the requester's own
    when they are fewer than its role's defaults (a requester never obtains more than it holds)."""
    if requested is not None:
        return sorted(requested)
    defaults = {r.value for r in ROLE_RIGHTS.get(Role(role), frozenset())}
    return None if defaults <= held else sorted(held & defaults)


# B15 protection of identities: a password the operator sets (manage_account) is temporary. The account's
# ID tokens carry this custom claim until its user chooses its own (change_password); the HTTPS edge lets
# such a token call change_password only.
PASSWORD_CHANGE_CLAIM = "password_change_required"
# Changing one's password needs a recent sign-in: the token's auth_time at most this old (seconds).
REAUTHENTICATION_MAX_AGE = 5 * 60


def signed_in_recently(auth_time: float | None, now: float, max_age: int = REAUTHENTICATION_MAX_AGE) -> bool:
    """The person typed its password at most ``max_age`` seconds ago (``auth_time`` of its ID token, epoch
    seconds; a token without it never counts as recent). A few seconds ahead of our clock is clock skew."""
    return auth_time is not None and now - max_age <= auth_time <= now + 10


def password_is_strong(password: str) -> bool:
    """B15 secret strength: 12+ characters mixing at least three character classes."""
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
               any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    return len(password) >= PASSWORD_MIN_LENGTH and sum(classes) >= PASSWORD_MIN_CLASSES


class ChangePassword(Command):
    """A person chooses its own password (B5 accounts, B15 protection of identities): its own account only —
    the token's uid; the body names no account."""

    new_password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)]


class PasswordChanged(Model):
    """What change_password answers (never the password). Built by shared.service.accounts.change_own_password."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PasswordChanged")

    uid: str = Field(description="The Firebase Authentication user id: the caller's own.")
    password_changed_at: AwareDatetime = Field(description="When the new password was set.")
    sessions_valid_after: int = Field(
        description="Epoch second from which ID tokens are accepted: every earlier session has ended; sign in "
                    "again with the new password.")


# --- What manage_account answers.


class AccountClaims(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="AccountClaims")

    role: Role
    tenant: str
    rights: list[Right] | None = Field(default=None, description="Absent: the role's default rights.")


class AccountCreated(Model):
    """What manage_account answers. Built by shared.service.accounts.create_account."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AccountCreated")

    uid: str = Field(description="The Firebase Authentication user id.")
    email: str = Field(description="Lower-cased.")
    claims: AccountClaims = Field(description="The custom claims now carried by the account's ID tokens.")
    request: AccountRequest | None = Field(
        default=None, description="Present when request_id was given: the request, fulfilled, with D7 met or not.")
    password_change_required: bool = Field(
        default=False, description="True while the account's password is one the operator set: its user must "
                                   "choose its own (change_password) before any other call.")
    disabled: bool = Field(default=False, description="True while the account is disabled: its user cannot sign "
                                                      "in and its tokens are refused.")
    changed: bool = Field(default=True, description="False when the account already was exactly so: nothing was "
                                                    "set, written or revoked.")


# --- What list_accounts answers (B5 accounts and rights).


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class AccountRow(Model):
    """One person's account as the operator and its own party see it: who, with which rights, in which state;
    never a password nor a token."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AccountRow")

    uid: str = Field(description="The Firebase Authentication user id.")
    email: str
    display_name: str | None = None
    role: Role
    tenant: str
    rights: list[Right] = Field(description="The rights the account holds (its role's when none were chosen).")
    default_rights: bool = Field(description="True when no rights were chosen: the account holds its role's.")
    status: AccountStatus
    password_change_required: bool = Field(
        description="True while its password is a temporary one the operator set (not changed by its user yet).")
    created_at: AwareDatetime | None = Field(default=None, description="When the account was first recorded.")
    updated_at: AwareDatetime | None = Field(default=None, description="When it last changed.")
    disabled_at: AwareDatetime | None = Field(default=None, description="When it was disabled (disabled only).")
    request_id: str | None = Field(default=None, description="The account request it answered, if any.")


class AccountList(RecordClock):
    """One page of a party's accounts, by uid; ``next_cursor`` the uid to pass as ``after`` for the next; and the
    clock of the party's territory (B18: the one it recorded, a manager's as its deadlines count; none recorded, or
    an empty page: Paris's), on which the web app shows the accounts' creation and deactivation times."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AccountList")

    tenant: str
    accounts: list[AccountRow]
    count: int
    next_cursor: str | None = None


def account_row(record: dict) -> AccountRow | None:
    """The row of an ``accounts/{uid}`` record (shared/service/accounts.py), or None when it names no role and
    tenant a row could show (a record of an account that belongs to no party)."""
    claims = record.get("claims") or {}
    try:
        role = Role(claims.get("role"))
    except ValueError:
        return None
    tenant = claims.get("tenant")
    if not isinstance(tenant, str) or not tenant:
        return None
    disabled = record.get("disabled") is True
    return AccountRow(
        uid=str(record.get("uid") or ""), email=str(record.get("email") or ""), display_name=record.get("display_name"),
        role=role, tenant=tenant, rights=sorted(effective_rights(role.value, claims.get("rights"))),
        default_rights=claims.get("rights") is None,
        status=AccountStatus.DISABLED if disabled else AccountStatus.ACTIVE,
        password_change_required=record.get("password_change_required") is True,
        created_at=record.get("created_at") or record.get("claims_set_at"),
        updated_at=record.get("updated_at") or record.get("password_changed_at") or record.get("claims_set_at"),
        disabled_at=record.get("disabled_at") if disabled else None, request_id=record.get("request_id"))


# Who reads whose accounts (list_accounts, B5 accounts and rights): the operator any party's, naming it
# (accounts.manage); a manager, a beneficiary or the purchasing body its own people only — the right that lets
# it ask for their accounts (accounts.request) lets it see who already has one.
def account_list_query(args: dict[str, str], role: str, own_tenant: str,
                       ) -> tuple[str | None, str | None, list[ErrorDetail], str | None]:
    """list_accounts' query: ``tenant`` (required of the operator; a manager's, beneficiary's or purchasing body's
    own, which it may leave out), ``after`` (the previous page's ``next_cursor``), nothing else.
    (tenant, after, errors, forbidden field): naming another party's tenant is forbidden (``query.tenant``)."""
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(args) - {"tenant", "after"})]
    named = args.get("tenant") or None
    if named is not None:
        errors += identifier_errors(named, "query.tenant")
    after = args.get("after") or None
    if after is not None:
        errors += identifier_errors(after, "query.after")
    if role == Role.OPERATOR.value:
        if named is None:
            errors.append(ErrorDetail.of("query.tenant", "REQUIRED"))
        return named, after, errors, None
    if named is not None and named != own_tenant:
        return None, after, errors, "query.tenant"
    return own_tenant, after, errors, None
