"""Contracts (marchés) and billing accounts (A2.1, A2.2), and what they allow an order (A13).

A manager creates and updates them; each change goes to the contractor's ``orders-<id>``
topic; a contractor never writes them. An order must name a contract of its manager, in
force on the order's date, held by the order's contractor, and — when the order says so —
within the contract's lots and geographic perimeter: the commune the order names, else the
commune its property node lies in (A7 property tree). An order naming a commune other than its
node's is refused (``commune_errors``): the two must agree when both are known.

Pure: no Google import; dates are passed in.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from shared.domain.contract_terms import TermsVersions
from shared.domain.errors import ErrorDetail
from shared.domain.orders import Identifier, Text
from shared.domain.penalties import PenaltyTerms
from shared.domain.siret import Siret
from shared.domain.base import Command

Departement = Annotated[str, Field(pattern=r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")]
Commune = Annotated[str, Field(pattern=r"^(\d{5}|2[AB]\d{3})$")]  # INSEE code
LotCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]


class ContractStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


class Lot(Command):
    code: LotCode
    label: Text


class Perimeter(Command):
    """Where the contract applies: whole départements and/or single communes (INSEE codes)."""

    departements: Annotated[list[Departement], Field(max_length=120)] = []
    communes: Annotated[list[Commune], Field(max_length=5000)] = []

    def covers(self, commune: str) -> bool:
        if not self.departements and not self.communes:
            return True  # no perimeter declared: the whole territory
        dep = commune[:3] if commune.startswith("97") else commune[:2]
        return commune in self.communes or dep in self.departements


class UpsertContract(Command):
    """POST upsert_contract: a manager creates or updates one of its contracts."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="UpsertContract")

    contract_id: Identifier
    title: Text
    contractor_id: Identifier
    contractor_siret: Siret
    lots: Annotated[list[Lot], Field(min_length=1, max_length=50)]
    perimeter: Perimeter
    signed_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    status: ContractStatus
    # A9: the contract's penalty terms — daily amount per rule (default P1 = 150 EUR) and the
    # deadlines it prices beyond the catalogue's defaults. Absent: the defaults apply.
    penalty_terms: PenaltyTerms | None = None

    @model_validator(mode="after")
    def _coherent(self) -> UpsertContract:
        if self.ends_on < self.starts_on:
            raise ValueError(f"la fin ({self.ends_on}) précède le début ({self.starts_on})")
        if len({lot.code for lot in self.lots}) != len(self.lots):
            raise ValueError("codes de lot en double")
        return self


class Address(Command):
    lines: Annotated[list[Annotated[str, Field(min_length=1, max_length=120)]], Field(min_length=1, max_length=4)]
    postal_code: Annotated[str, Field(pattern=r"^\d{5}$")]
    city: Annotated[str, Field(min_length=1, max_length=100)]


class LegalEntity(Command):
    name: Text
    siret: Siret


class UpsertBillingAccount(Command):
    """POST upsert_billing_account: where and to whom the contractor invoices (A2.2)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="UpsertBillingAccount")

    billing_account_id: Identifier
    contract_ids: Annotated[list[Identifier], Field(min_length=1, max_length=50)]
    invoicing_address: Address
    legal_entity: LegalEntity


def order_errors(contract: dict[str, Any] | None, contract_id: str, contractor_id: str, on: dt.date,
                 lot: str | None = None, commune: str | None = None,
                 node_commune: str | None = None) -> list[ErrorDetail]:
    """A13: why an order may not be issued under ``contract`` (a stored contract document), if at all.

    The place checked is ``commune`` (the order's ``site.commune``) when the order names one, else
    ``node_commune``, the commune its node lies in (A7 property tree: the node's own or its nearest
    ancestor's); a refusal then points at ``$.site.node_id``. Neither: no geographic check."""
    if contract is None:
        return [ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=contract_id)]
    errors: list[ErrorDetail] = []
    if contract.get("contractor_id") != contractor_id:
        errors.append(ErrorDetail.of("$.contractor_id", "CONTRACT_OTHER_CONTRACTOR", contract_id=contract_id,
                                     contractor_id=contractor_id))
    status = contract.get("status", ContractStatus.ACTIVE.value)
    starts, ends = contract.get("starts_on"), contract.get("ends_on")
    if status != ContractStatus.ACTIVE.value or (starts and on < dt.date.fromisoformat(starts)) or (
            ends and on > dt.date.fromisoformat(ends)):
        errors.append(ErrorDetail.of("$.contract_id", "CONTRACT_NOT_IN_FORCE", contract_id=contract_id, on=on.isoformat(),
                                     status=status, starts_on=starts or "?", ends_on=ends or "?"))
    lots = [entry["code"] for entry in contract.get("lots") or []]
    if lot is not None and lots and lot not in lots:
        errors.append(ErrorDetail.of("$.lot", "LOT_OUTSIDE_CONTRACT", lot=lot, lots=", ".join(lots)))
    place, field = (commune, "$.site.commune") if commune is not None else (node_commune, "$.site.node_id")
    if place is not None and not Perimeter.model_validate(contract.get("perimeter") or {}).covers(place):
        errors.append(ErrorDetail.of(field, "OUTSIDE_CONTRACT_PERIMETER", commune=place, contract_id=contract_id))
    return errors


def commune_errors(commune: str | None, node_id: str, node_commune: str | None) -> list[ErrorDetail]:
    """A13 perimeter alignment: an order (or a quote) naming ``commune`` (its ``site.commune``) at a node lying
    in ``node_commune`` (A7 property tree: node ``node_id``'s own commune or its nearest ancestor's) must name
    that commune. Either unknown: nothing to compare."""
    if commune is not None and node_commune is not None and commune != node_commune:
        return [ErrorDetail.of("$.site.commune", "COMMUNE_NOT_AT_NODE", commune=commune, node_id=node_id,
                               node_commune=node_commune)]
    return []


# --- What upsert_contract and upsert_billing_account answer, and what they publish (A2.1, A2.2).


class ContractSaved(UpsertContract):
    """What upsert_contract answers: the contract as stored, its version and whether this call changed it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ContractSaved")

    changed: bool = Field(description="False when the same content was already stored (nothing published).")
    version: int = Field(ge=1, description="1 on creation, +1 on each change.")
    manager_id: str
    updated_at: AwareDatetime


class BillingAccountSaved(UpsertBillingAccount):
    """What upsert_billing_account answers: the billing account as stored, with its version."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="BillingAccountSaved")

    changed: bool = Field(description="False when the same content was already stored (nothing published).")
    version: int = Field(ge=1, description="1 on creation, +1 on each change.")
    manager_id: str
    updated_at: AwareDatetime


class ContractChanged(UpsertContract):
    """A contract created or updated by its manager, as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.contract.changed.v1, subject contracts/<contract_id>)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ContractChanged")

    version: int = Field(ge=1)
    manager_id: str
    updated_at: AwareDatetime
    change: Literal["created", "updated"] = Field(description="`updated` also when the manager set a new version "
                                                              "of the penalty terms (set_penalty_terms, A9).")
    penalty_terms_versions: TermsVersions = Field(description="A9: every version of the contract's penalty terms "
                                                              "and the one in force on the day of the message.")


class BillingAccountChanged(UpsertBillingAccount):
    """A billing account created or updated, as delivered on orders-<contractor> to every contractor holding one
    of its contracts (CloudEvents type fr.passerelle.billing_account.changed.v1)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="BillingAccountChanged")

    version: int = Field(ge=1)
    manager_id: str
    updated_at: AwareDatetime
    change: Literal["created", "updated"]
