"""Penalty terms as versioned contract data (A9 penalties, B9, B10, B12, B16).

A manager's contract with a contractor, and a beneficiary's agreement under the framework
contract, carry terms per deadline (``PenaltyTerms``: which rule prices which kind, the daily
amount per rule, a shorter length an offer states). They change by amendment: each change is a
new ``TermsVersion`` with its effective date, stored once and never rewritten (its audit record
says who set it and when). A deadline takes the terms in force on the local date its clock
starts, and keeps them: a change applies from its effective date only, never to a deadline
already running, nor to days already in the ledger.

Pure: no Google import; dates are passed in.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Command, Model
from shared.domain.errors import ErrorDetail
from shared.domain.orders import Identifier
from shared.domain.penalties import PenaltyTerms
from shared.domain.territories import RecordClock


class TermsVersion(Model):
    """One version of a contract's penalty terms, in force from ``effective_from`` (local date)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contract_id: str
    version: int
    effective_from: dt.date
    terms: PenaltyTerms
    reason: str
    set_by: str | None = Field(description="The account that set it (a user's uid or an ERP's machine identity); "
                                           "null in what the contractor reads: the manager's accounts are its own.")
    set_at: AwareDatetime


class SetPenaltyTerms(Command):
    """POST set_penalty_terms: a manager amends one of its contracts' terms; the purchasing body
    amends a beneficiary's agreement (``beneficiary_id``; the framework contract is implied)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="SetPenaltyTerms")

    contract_id: Identifier | None = None  # manager: required
    beneficiary_id: Identifier | None = None  # purchasing body: required
    effective_from: dt.date
    terms: PenaltyTerms
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class PenaltyTermsSet(Model):
    """What set_penalty_terms answers: the new version, and every version of the contract's terms."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PenaltyTermsSet")

    tenant_id: str = Field(description="The manager, or the beneficiary whose agreement it is.")
    contract_id: str
    version: int
    effective_from: dt.date
    versions: list[TermsVersion] = Field(description="Every version of the contract's terms, oldest first.")


class TermsVersions(Model):
    """A contract's penalty terms as its manager and its contractor read them (get_contract) and as
    ``fr.passerelle.contract.changed.v1`` carries them: every version, and the one in force on a date."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="TermsVersions")

    on: dt.date = Field(description="The date (Paris) `in_force_version` and `in_force_terms` are read for: the "
                                    "day of the read, or of the message.")
    in_force_version: int | None = Field(description="The version in force that day; null while none is (the "
                                                     "contract's `penalty_terms` at signature apply, else the "
                                                     "catalogue's defaults).")
    in_force_terms: PenaltyTerms = Field(description="The terms in force that day.")
    versions: list[TermsVersion] = Field(description="Every version, oldest first, those not yet in force included.")
    set_by_names: dict[str, str] = Field(default_factory=dict, description=(
        "A9 penalties, B5 accounts: who set each version, by name — `set_by` uid → the account's display name (its "
        "e-mail when it has none), read in one batch for the versions listed. Only for a reader whose accounts set "
        "them (the manager, the purchasing body) and the operator; empty for the contractor and the beneficiary, "
        "and a uid without an account record of the reader's party (a machine identity) is left out."))


class AgreementTerms(Model):
    """A beneficiary's agreement as get_sourcing?view=agreement answers it (A9 penalties): its penalty terms
    versions, read by the beneficiary, the purchasing body that sets them and the operator."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AgreementTerms")

    beneficiary_id: str = Field(description="The beneficiary whose agreement it is.")
    contract_id: str = Field(description="The framework contract the agreement is made under (its mission orders' "
                                         "contract).")
    penalty_terms_versions: TermsVersions = Field(description="Every version of the agreement's penalty terms and "
                                                              "the one in force today in the beneficiary's "
                                                              "territory (B18).")


class AgreementView(AgreementTerms, RecordClock):
    """get_sourcing?view=agreement: the agreement's terms and its titulaire, the contractor of the beneficiary's
    mission orders, whose penalties the beneficiary reads (A9 penalties: the « Pénalités » screen offers it), and the
    clock of the beneficiary's territory (B18: its versions' times are shown on it, and its effective dates are days
    of that territory, where its deadlines read them: shared.service.penalty_terms.today)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AgreementView")

    titulaire_id: str | None = Field(default=None, description="The agreement's contractor (the titulaire of the "
                                                               "framework contract); null on an agreement that "
                                                               "names none.")


class AgreementTermsChanged(AgreementTerms):
    """Data of ``fr.passerelle.agreement.terms_changed.v1``, on the titulaire's ``orders-<titulaire>``: the
    purchasing body recorded a new version of a beneficiary's agreement terms (A9 penalties); every version,
    and the one in force on the day of the message."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AgreementTermsChanged")

    penalty_terms_versions: TermsVersions = Field(description="Every version of the agreement's penalty terms, "
                                                              "those not yet in force included, and the one in force "
                                                              "on the day of the message in the beneficiary's "
                                                              "territory (B18).")


def terms_versions(versions: list[TermsVersion], signed: PenaltyTerms, on: dt.date, *,
                   accounts: bool = True) -> TermsVersions:
    """Every version and the one in force on ``on``; none in force yet: the terms the contract was signed with.
    ``accounts=False`` (what a contractor reads or receives) leaves out which account set each version."""
    current = in_force(versions, on)
    shown = versions if accounts else [v.model_copy(update={"set_by": None}) for v in versions]
    return TermsVersions(on=on, in_force_version=current.version if current else None,
                         in_force_terms=current.terms if current else signed,
                         versions=sorted(shown, key=lambda v: v.version))


def in_force(versions: list[TermsVersion], on: dt.date) -> TermsVersion | None:
    """The version in force on ``on``: the latest effective by then (the later one on the same day)."""
    candidates = [v for v in versions if v.effective_from <= on]
    return max(candidates, key=lambda v: (v.effective_from, v.version), default=None)


def next_version(existing: list[TermsVersion], contract_id: str, effective_from: dt.date, today: dt.date,
                 terms: PenaltyTerms, reason: str, by: str, at: dt.datetime
                 ) -> tuple[TermsVersion | None, list[ErrorDetail]]:
    """The next version, or why not: a change takes effect today at the earliest, and never before
    the latest version's date (deadlines already started keep the terms they started with)."""
    latest = max(existing, key=lambda v: v.version, default=None)
    if effective_from < today:
        return None, [ErrorDetail.of("$.effective_from", "OUT_OF_RANGE",
                                     detail=f"une modification prend effet au plus tôt aujourd'hui ({today})")]
    if latest is not None and effective_from < latest.effective_from:
        return None, [ErrorDetail.of("$.effective_from", "OUT_OF_RANGE",
                                     detail=f"la version {latest.version} prend effet le {latest.effective_from} : "
                                            "une nouvelle version ne peut pas commencer avant")]
    return TermsVersion(contract_id=contract_id, version=(latest.version + 1) if latest else 1,
                        effective_from=effective_from, terms=terms, reason=reason, set_by=by, set_at=at), []
