"""The lists the web application reads (A3 c): quotes, contracts, account requests, needs — pure.
(What a quote list query may ask and its cursor: ``quote_list.py``.)

Each list is scoped by the caller's token (role and tenant), never by the query; filters are
checked here and every bad one is reported at once, in French. The answers' models are the
published contracts of ``list_quotes``, ``list_contracts``, ``list_account_requests``,
``list_needs`` and ``get_professional`` (docs/web-app.md, "Reads of the web application").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.errors import ErrorDetail
from shared.domain.list_limits import MAX_ROWS
from shared.domain.orders import SiteRef
from shared.domain.quotes import QuoteState
from shared.domain.sourcing.process import NeedStatus
from shared.domain.sourcing.records import Professional


# Needs the operator still has to answer with proposals (B3, D4 running).
WAITING_FOR_PROPOSALS = (NeedStatus.ACKNOWLEDGED, NeedStatus.SCORED)


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], errors: list[ErrorDetail]) -> str | None:
    value = args.get(name) or None
    if value is not None and value not in allowed:
        errors.append(ErrorDetail.of(f"query.{name}", "INVALID_VALUE", detail=", ".join(allowed) + " attendu"))
        return None
    return value


def _no_other(args: Mapping[str, str], known: tuple[str, ...], errors: list[ErrorDetail]) -> None:
    for name in sorted(set(args) - set(known)):
        errors.append(ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD"))


def account_request_filters(args: Mapping[str, str]) -> tuple[dict[str, Any], list[ErrorDetail]]:
    errors: list[ErrorDetail] = []
    _no_other(args, ("status",), errors)
    status = _choice(args, "status", ("pending", "fulfilled"), errors)
    return {"status": status or "pending"}, errors


def need_filters(args: Mapping[str, str], role: str) -> tuple[dict[str, Any], list[ErrorDetail]]:
    """A beneficiary lists its own needs (``?status=``, ``?deliverables=delivered``). The operator lists the
    needs of every beneficiary still waiting for proposals (acknowledged or scored), or, with
    ``?beneficiary_id=``, all the needs of one beneficiary."""
    errors: list[ErrorDetail] = []
    _no_other(args, ("status", "deliverables") if role == "beneficiary" else ("status", "beneficiary_id"), errors)
    status = _choice(args, "status", tuple(s.value for s in NeedStatus), errors)
    # B11: ``deliverables=delivered``, the beneficiary's needs whose mission has deliverables awaiting its decision
    deliverables = _choice(args, "deliverables", ("delivered",), errors) if role == "beneficiary" else None
    beneficiary = None if role == "beneficiary" else (args.get("beneficiary_id") or None)
    return {"status": status, "beneficiary_id": beneficiary, "deliverables": deliverables,
            "waiting": role != "beneficiary" and beneficiary is None}, errors


def seconds_left(due_at: dt.datetime, now: dt.datetime) -> int:
    """Seconds until a deadline (negative once it has passed)."""
    return int((due_at - now).total_seconds())


# --- answers --------------------------------------------------------------------------------


class _Out(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteSummary(_Out):
    manager_id: str
    quote_id: str
    contractor_id: str
    contract_id: str
    title: str
    state: QuoteState
    state_label: str = Field(description="The state in French.")
    requested_at: dt.datetime
    current_version: int | None = Field(description="The last submitted version, null before the first submission.")
    total_cents: int | None = Field(description="The current version's total, null before the first submission.")
    valid_until: dt.date | None
    order_id: str | None = Field(description="Supplementary quote: the order it completes.")
    mission_id: str | None = Field(default=None, description=(
        "B16: the mission it is for (requested by its beneficiary, or on the mission's order): the quote lives in the "
        "beneficiary's space."))
    mission_title: str | None = Field(default=None, description=(
        "B16: that mission's title, its order's (« Mission : <the need's title> »), read for the whole page in one "
        "batch read; null for a quote of no mission or an order not found."))
    created_order_id: str | None = Field(description="Accepted: the order it became.")
    time_zone: str = Field(description=(
        "B18: the IANA time zone of the quote's territory, where its D3 and validity date count (a quote recorded "
        "without a territory: Europe/Paris), from its own record."))
    answer_due_at: dt.datetime | None = Field(default=None, description=(
        "B16: the end of D3, by when the contractor answers the request (null: raised by the contractor, or "
        "requested before the due date was kept), from the quote's own record."))
    client_kind: Literal["manager", "beneficiary"] = Field(default="manager", description=(
        "Whose space the quote is in: a property manager's, or a beneficiary's (a mission's quote, or one the "
        "titulaire raised there, mission or not): the web app names the client « Bénéficiaire » then."))
    site: SiteRef | None = Field(default=None, description=(
        "A7: where the work is — the property tree's node, with its label as the tree says (filled from the tree when "
        "the request named the node only)."))
    updated_at: AwareDatetime | None = Field(default=None, description=(
        "A11: when the platform last changed the quote (requested, submitted, revised, decided, expired, withdrawn): "
        "the list's order, most recent activity first."))


class QuoteList(_Out):
    quotes: list[QuoteSummary]
    count: int
    truncated: bool = Field(description=(
        "True when more quotes match than this page holds: ``next_cursor`` continues (without ``limit``, a page holds "
        f"{MAX_ROWS})."))
    next_cursor: str | None = Field(default=None, description=(
        "Pass it as ?cursor= (with the same filters) for the next page; null at the end of the list."))


class ContractSummary(_Out):
    manager_id: str
    contract_id: str
    contractor_id: str
    status: str
    starts_on: str | None
    ends_on: str | None
    lots: list[Any] = Field(default_factory=list)
    perimeter: dict[str, Any] = Field(default_factory=dict)
    catalogue_versions: list[int] = Field(description="The catalogue versions imported for it, oldest first "
                                                      "(get_catalogue reads one).")
    version: int | None = Field(default=None, description="The contract's version, as in contract.changed: "
                                                          "get_contract reads it whole.")
    client_kind: Literal["manager", "beneficiary"] = Field(default="manager", description=(
        "Whose space the contract is in: a property manager's, or a beneficiary's (the framework agreement its "
        "missions' orders are issued under, B11): the web app names the client « Bénéficiaire » then."))
    contractor_name: str | None = Field(default=None, description=(
        "The contractor's name as registered (A10 onboarding), read once for the whole list; null when its record "
        "names none. The web app shows the parties of the caller's lists and screens by name (« Nom (identifiant) »)."))
    client_name: str | None = Field(default=None, description=(
        "The name of the space the contract is in — the property manager's or the beneficiary's (A1 spaces, B1 "
        "parties) — as registered, read once for the whole list; null when it names none."))
    review_due_on: str | None = Field(default=None, description=(
        "A14 service-code catalogue: the day its six-monthly review is due (the last review, a version's or a "
        "confirmed one, plus six months: managers/<m>/catalogue_reviews), read for the whole list in one query; "
        "null before a first catalogue is imported, and in a contractor's or a beneficiary's list (the manager "
        "reviews it). The web app's « À faire » counts the reviews due within a month or past."))


class ContractList(_Out):
    contracts: list[ContractSummary]
    count: int
    truncated: bool
    caller_name: str | None = Field(default=None, description=(
        "The caller's own name as registered (A1 spaces, B1 parties: its manager's, beneficiary's or contractor's "
        "record, never another's), with or without a contract; null when its record names none. The web app's "
        "header names the signed-in party by it."))


class AccountRequestRow(_Out):
    request_id: str
    tenant: str
    role: str
    email: str
    display_name: str
    territory: str
    rights: list[str] | None = Field(default=None, description="The rights asked for (None: the role's defaults); "
                                                               "never more than the requester held.")
    requested_by: str = Field(default="", description="The requester's uid.")
    requested_by_email: str | None = Field(default=None, description="The requester's e-mail, from its token.")
    requested_at: AwareDatetime
    due_at: AwareDatetime = Field(description="D7: 72 working hours after the request, in the requester's territory.")
    status: str
    fulfilled_at: AwareDatetime | None = None
    met: bool | None = None
    seconds_left: int = Field(description="Until D7 is due (negative: overdue), at the time of the answer.")
    time_zone: str = Field(default="Europe/Paris", description=(
        "B18: the IANA time zone of the territory D7 counts in (``territory``, from the request's own record): the "
        "web app shows the request's and its due time on it."))
    time_zone_label: str = Field(default="Heures de Paris", description="B18: that clock's French name.")


class AccountRequestList(_Out):
    requests: list[AccountRequestRow]
    count: int
    truncated: bool
    as_of: AwareDatetime


class NeedSummary(_Out):
    beneficiary_id: str
    beneficiary_name: str = Field(description=(
        "B1 parties: the beneficiary's name, from the registry (read once per page); its id when it has none."))
    need_id: str
    title: str
    version: int
    status: NeedStatus
    status_label: str
    submitted_at: AwareDatetime
    updated_at: AwareDatetime
    d4_due: dt.date = Field(description="D4: the day the proposals are due.")
    d4_met: bool | None
    proposals: int = Field(description="How many professionals were proposed for the current version.")
    mission_id: str | None
    deliverables_to_decide: int | None = Field(default=None, description=(
        "B11 mission follow-up, with ``deliverables=delivered`` only: how many of its mission's deliverables are "
        "« remis », awaiting the beneficiary's decision (null without that filter)."))
    time_zone: str = Field(default="Europe/Paris", description=(
        "B18: the IANA time zone of the territory the need's D4 counts in (its beneficiary's, from the need's own "
        "record; Europe/Paris when it names none): the web app shows the row's times on it."))


class NeedList(_Out):
    needs: list[NeedSummary]
    count: int
    truncated: bool


class ProfessionalRecord(Professional):
    """What get_professional answers: the professional's full record (B4) and its mean rating."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ProfessionalRecord")

    mean_rating: float | None = Field(description="Mean of the reviews' ratings (1 to 5), null without review.")
