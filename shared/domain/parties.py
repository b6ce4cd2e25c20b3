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
from typing import Annotated, Any

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Command, Model, Territory
from shared.domain.identity import Right, Role
from shared.domain.orders import Identifier, Text
from shared.domain.siret import Siret

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


KIND_LABELS = {PartyKind.MANAGER: "gestionnaire", PartyKind.CONTRACTOR: "prestataire",
               PartyKind.MACHINE_IDENTITY: "identité machine"}


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

    @field_validator("managers")
    @classmethod
    def _unique(cls, managers: list[str]) -> list[str]:
        seen: set[str] = set()
        for manager in managers:
            if manager in seen:
                raise PydanticCustomError("DUPLICATE_VALUE", "Valeur en double : « {value} ».", {"value": manager})
            seen.add(manager)
        return managers


class RegisterMachineIdentity(Command):
    """POST register_machine_identity (operator): an ERP's service account may call the REST API as
    ``role`` for ``tenant``, with ``rights`` (all of its role's when absent)."""

    email: ServiceAccountEmail
    role: Role
    tenant: Identifier
    rights: Annotated[list[Right], Field(max_length=30)] | None = None


class DeactivateParty(Command):
    """POST deactivate_party (operator): a manager, a contractor or a machine identity stops acting."""

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
    topology: ContractorTopologyNames | None = None
    conformance: ConformancePassed | None = None  # the conformance run that connected it (A10)


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
