"""The registry the operator keeps (A10 onboarding): managers, contractors, and the machine identities
of their ERPs — what each registration says and what makes it valid.

A registration is an upsert: sending the same content again changes nothing; other content replaces
the fields it names. Deactivating keeps the record (and everything the party did) with
``status: inactive``: a deactivated contractor is sent nothing new and its ERP loses its Pub/Sub
permissions; a deactivated machine identity is refused at sign-in.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Command, Model, Territory
from shared.domain.conformance import ConformanceProgress
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right, Role
from shared.domain.list_limits import MAX_ROWS
from shared.domain.orders import Identifier, Text
from shared.domain.siret import Siret
from shared.domain.validation import identifier_errors

# Identifiers the platform keeps for itself: the conformance sandbox of each contractor is the space
# "sandbox-<contractor>" (shared/domain/sandbox.py), which no real manager may take.
RESERVED_PREFIXES = ("sandbox-",)

# A contractor id names Pub/Sub topics (orders-<id>…) and, for a platform-hosted ERP identity, a
# service account (erp-<id>): lowercase letters, digits and hyphens.
ContractorId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$")]
# A Google service account's e-mail: the identity an ERP on Google Cloud (or federated) signs in with.
ServiceAccountEmail = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.\-]{0,62}@[a-z0-9.\-]+\.gserviceaccount\.com$",
                                           max_length=254)]


class PartyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class PartyKind(StrEnum):
    MANAGER = "manager"
    CONTRACTOR = "contractor"
    MACHINE_IDENTITY = "machine_identity"
    PURCHASING_BODY = "purchasing_body"
    BENEFICIARY = "beneficiary"  # B1 parties: a public body of part B (register_beneficiary)


KIND_LABELS = {PartyKind.MANAGER: "gestionnaire", PartyKind.CONTRACTOR: "prestataire",
               PartyKind.MACHINE_IDENTITY: "identité machine", PartyKind.PURCHASING_BODY: "centrale d'achat",
               PartyKind.BENEFICIARY: "bénéficiaire"}


def reserved_prefix(identifier: str) -> str | None:
    return next((p for p in RESERVED_PREFIXES if identifier.lower().startswith(p)), None)


class RegisterManager(Command):
    """POST register_manager (operator): a property manager and its private space (A1)."""

    manager_id: Identifier
    name: Text
    siret: Siret
    territory: Territory | None = None  # B18: where its working days are counted when a contract does not say


class RegisterContractor(Command):
    """POST register_contractor (operator): a contractor, the managers it works for, and the service
    account its ERP uses on Pub/Sub; its topics and subscriptions are provisioned at once."""

    contractor_id: ContractorId
    name: Text
    siret: Siret
    managers: Annotated[list[Identifier], Field(max_length=500)]
    erp_service_account: ServiceAccountEmail | None = None
    territory: Territory | None = None  # B18: where its own deadlines are counted when nothing else says

    @field_validator("managers")
    @classmethod
    def _unique(cls, managers: list[str]) -> list[str]:
        seen: set[str] = set()
        for manager in managers:
            if manager in seen:
                raise PydanticCustomError("DUPLICATE_VALUE", "Valeur en double : « {value} ».", {"value": manager})
            seen.add(manager)
        return managers


class RegisterPurchasingBody(Command):
    """POST register_purchasing_body (operator): the central purchasing body under its tenant id (B1 parties),
    and the territory its own deadlines are counted in (B18). Its accounts carry this id as their tenant."""

    purchasing_body_id: Identifier
    name: Text
    territory: Territory | None = None  # B18: where its own deadlines are counted when nothing else says


class RegisterMachineIdentity(Command):
    """POST register_machine_identity (operator): an ERP's service account may call the REST API as
    ``role`` for ``tenant``, with ``rights`` (all of its role's when absent)."""

    email: ServiceAccountEmail
    role: Role
    tenant: Identifier
    rights: Annotated[list[Right], Field(max_length=30)] | None = None


class DeactivateParty(Command):
    """POST deactivate_party (operator): a manager, a contractor, a registered purchasing body, a beneficiary (B1
    parties) or a machine identity stops acting."""

    kind: PartyKind
    id: Annotated[str, Field(min_length=1, max_length=254)]


# --- what the registry functions answer ---------------------------------------------------------


class _Stored(Model):
    """A registry record as stored; fields other flows keep there (a beneficiary's kind…) are left out."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: PartyStatus = PartyStatus.ACTIVE
    registered_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deactivated_at: dt.datetime | None = None


class ManagerRecord(_Stored):
    manager_id: str
    name: str
    siret: str
    territory: str | None = None


class ContractorTopologyNames(Model):
    """The contractor's Pub/Sub names (docs/topology.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: list[str]
    subscriptions: list[str]
    dead_letter_topic: str


class ConformancePassed(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str
    passed_at: dt.datetime


class ContractorRecord(_Stored):
    contractor_id: str
    name: str
    siret: str
    managers: list[str]
    erp_service_account: str | None = None
    territory: str | None = None
    topology: ContractorTopologyNames | None = None
    conformance: ConformancePassed | None = None  # the conformance run that connected it (A10)


class PurchasingBodyRecord(_Stored):
    purchasing_body_id: str
    name: str
    territory: str | None = None


class MachineIdentityRecord(_Stored):
    email: str
    role: str
    tenant: str
    rights: list[str] | None = None  # None: every right of its role


class TopologyApplied(Model):
    """What applying a contractor's Pub/Sub plan did: its resources, those created now, whether IAM policies
    were set (not on the emulator)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: list[str]
    subscriptions: list[str]
    dead_letter_topic: str
    created: list[str]
    iam: str


class ManagerRegistered(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="ManagerRegistered")

    manager: ManagerRecord
    created: bool
    changed: bool  # False: the same content again, nothing written


class ContractorRegistered(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="ContractorRegistered")

    contractor: ContractorRecord
    created: bool
    changed: bool
    topology: TopologyApplied


class PurchasingBodyRegistered(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="PurchasingBodyRegistered")

    purchasing_body: PurchasingBodyRecord
    created: bool
    changed: bool


class MachineIdentityRegistered(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="MachineIdentityRegistered")

    machine_identity: MachineIdentityRecord
    created: bool
    changed: bool


class PartyDeactivated(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="PartyDeactivated")

    kind: PartyKind
    id: str
    record: dict[str, Any]  # the record as it now stands, status inactive
    changed: bool  # False: it was inactive already
    topology: TopologyApplied | None = None  # a contractor: its ERP's permissions withdrawn


# --- the operator's directory of parties (A1 spaces, B1 parties, A10 onboarding) ----------------


class ListedKind(StrEnum):
    """The kinds of party ``list_parties`` lists (one namespace of tenants: shared/service/registry.py)."""

    MANAGER = "manager"
    CONTRACTOR = "contractor"
    BENEFICIARY = "beneficiary"
    PURCHASING_BODY = "purchasing_body"  # B1 parties: the central purchasing body, once register_purchasing_body


class PartyRow(Model):
    """One registered party as the operator's directory shows it: what names the organisation and how it
    stands on the platform, never a person (no contact's name, e-mail or phone). The fields of another
    kind are null: ``managers``, ``manager_names``, ``connected``, ``conformance_passed_at``, ``erp_service_account``
    and ``d2_*`` are a contractor's; ``region`` and ``region_label`` a beneficiary's."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PartyRow")

    id: str = Field(description="The party's identifier, its tenant id.")
    kind: ListedKind
    name: str
    siret: str | None = Field(description="The organisation's SIRET (14 digits); null for a record kept without "
                                          "one (the titulaire a beneficiary's registration records, a purchasing "
                                          "body).")
    territory: str | None = Field(description="INSEE département code whose public holidays apply (B18), when "
                                              "recorded.")
    status: PartyStatus = Field(description="active, or inactive once deactivate_party was called.")
    registered_at: dt.datetime | None = Field(description="When it was first registered (null for records kept "
                                                          "from before that date was stored).")
    deactivated_at: dt.datetime | None = Field(description="When it was deactivated; null while active.")
    managers: list[str] | None = Field(description="Contractor: the managers it works for.")
    connected: bool | None = Field(description="Contractor: whether its conformance run passed (A10).")
    conformance_passed_at: dt.datetime | None = Field(description="Contractor: when its conformance run passed.")
    erp_service_account: str | None = Field(description="Contractor: the service account its ERP uses on "
                                                        "Pub/Sub, if any.")
    conformance_progress: ConformanceProgress | None = Field(
        description="Contractor: where its latest conformance run stood when it started or was last checked "
                    "(steps passed, the first one not, its errors); null before any run (A10).")
    manager_names: dict[str, str] | None = Field(
        description="Contractor: the name of each manager it works for, by id (read from the registry in one batch "
                    "per page; the id again for a manager no longer recorded).")
    d2_due_at: dt.datetime | None = Field(
        description="Contractor not connected yet: when the earliest of its open D2 deadlines falls due (connected "
                    "within one month of a contract's signature, A10 onboarding); null once connected, deactivated, "
                    "or without a contract.")
    d2_time_zone: str | None = Field(
        description="Contractor: the IANA time zone of that D2's territory (B18), the clock its day is read on.")
    region: str | None = Field(description="Beneficiary: INSEE code of its administrative region.")
    region_label: str | None = Field(description="Beneficiary: the region's French name.")


class PartyList(Model):
    """What list_parties answers: the registered parties of one kind by id, a page of at most MAX_ROWS
    (shared/domain/list_limits.py); ``next_cursor`` is passed back as ``?after=`` for the next one.
    Built by shared.service.parties.list_parties."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PartyList")

    kind: ListedKind
    parties: list[PartyRow]
    count: int = Field(ge=0, description=f"Rows in this page (at most {MAX_ROWS}).")
    next_cursor: str | None = Field(description="The last id of this page when more follow (pass it as ?after=), "
                                                "else null.")


def party_list_query(args: Mapping[str, str]) -> tuple[ListedKind | None, str | None, list[ErrorDetail]]:
    """list_parties' query: ``kind`` (required: manager, contractor, beneficiary or purchasing_body), ``after`` (optional,
    an identifier: the previous page's ``next_cursor``), ``connected`` (optional, contractors only: ``true`` or
    ``false``, read by connected_filter), nothing else. (kind, after, errors)."""
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD")
              for name in sorted(set(args) - {"kind", "after", "connected"})]
    kind: ListedKind | None = None
    raw = args.get("kind") or ""
    if not raw:
        errors.append(ErrorDetail.of("query.kind", "REQUIRED"))
    elif raw not in {k.value for k in ListedKind}:
        errors.append(ErrorDetail.of("query.kind", "INVALID_VALUE",
                                     detail=", ".join(k.value for k in ListedKind) + " attendu"))
    else:
        kind = ListedKind(raw)
    after = args.get("after") or None
    if after is not None:
        errors += identifier_errors(after, "query.after")
    if "connected" in args:
        if args["connected"] not in ("true", "false"):
            errors.append(ErrorDetail.of("query.connected", "INVALID_VALUE", detail="true ou false attendu"))
        elif raw and raw != ListedKind.CONTRACTOR.value:
            errors.append(ErrorDetail.of("query.connected", "INVALID_VALUE",
                                         detail="seulement avec kind=contractor"))
    return kind, after, errors


def connected_filter(args: Mapping[str, str]) -> bool | None:
    """A10 onboarding: ``connected=false`` the active contractors whose conformance run has not passed yet (the
    operator's « À faire »), ``connected=true`` those it passed; None without (checked by party_list_query)."""
    value = args.get("connected")
    return None if value is None else value == "true"
