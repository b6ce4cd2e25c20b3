"""Quotes opened by someone other than the manager (A2.4, A2.5, B16): raised by the contractor, or
requested by a beneficiary for one of its missions. Each is one commit, on the storage and the
rules of ``shared.service.quotes``; after that the quote lives like any other (versions, decisions,
expiry).

- ``raise_quote`` (contractor, REST ``raise_quote`` or ``fr.passerelle.quote.raised.v1`` on its
  topic): a quote nobody asked for, spontaneous or supplementary works on one of its orders, stored
  ``submitted`` in version 1. A beneficiary has no property tree: a quote to a beneficiary concerns one
  of its missions (``mission_id``, or its order's ``order_id``) and completes that mission's order, at
  its site (B16, ``raise_target_errors`` in shared/domain/quotes.py). Checked as a request (a contract of this manager held by this
  contractor and in force, A13; the node in the tree, A7; the order its own and not closed) and as
  a submission (lines priced by the catalogue in force, A14; a validity date not past). No D3: D3
  measures the answer to a request (B16), and nobody asked. ``raise_`` is the same inside a commit
  the caller makes (a Pub/Sub message answered in its reply's commit).
- ``request_mission_quote`` (beneficiary): a request to the titulaire of the mission's order, under
  that order's contract and at its site, as a supplementary quote on the order — D3 starts and
  the contractor is told ``quote.requested`` exactly as for a manager's request.

A contractor learns nothing about another's data here: a contract it does not hold, or a manager
it does not serve, is CONTRACT_NOT_FOUND; an order not addressed to it is ORDER_NOT_FOUND.
"""

from __future__ import annotations

import logging
from typing import Any

from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import TERMINAL_STATES, STATE_LABELS
from shared.domain.quotes import (
    Quote, QuoteAction, QuoteVersion, RaiseQuote, RequestMissionQuote, RequestQuote, mission_site_errors,
    raise_target_errors, step,
)
from shared.domain.sourcing.process import Mission
from shared.ports import Clock, UnitOfWork
from shared.service import order_store, orders, quote_store, quotes
from shared.service.sourcing import paths
from shared.service.transaction import transact

log = logging.getLogger(__name__)


# --- raised by the contractor (A2.4 spontaneous, A2.5 supplementary works) ---------------------


def raise_quote(contractor_id: str, cmd: RaiseQuote, uow: UnitOfWork, clock: Clock,
                submission_id: str | None = None) -> tuple[Quote, bool]:
    """The contractor's own quote, in one commit; ``created`` False when it was already raised."""
    quote, created = transact(uow, lambda: raise_(contractor_id, cmd, uow, clock, submission_id))
    if created:
        log.info("quote raised", extra={"manager_id": cmd.manager_id, "quote_id": cmd.quote_id,
                                        "order_id": cmd.order_id})
    return quote, created


def raise_(contractor_id: str, cmd: RaiseQuote, uow: UnitOfWork, clock: Clock,
           submission_id: str | None = None) -> tuple[Quote, bool]:
    """``raise_quote`` inside a unit of work the caller commits; every refusal is raised before anything
    is buffered. The same quote raised again (same content, or the same submission) is the stored one.
    A beneficiary's quote concerns one of its missions and completes its order, at its site (B16,
    ``raise_target_errors``): the command is read so (``_for_mission``) before it is checked and stored."""
    now = clock.now()
    manager_id = cmd.manager_id
    contract = uow.get(f"managers/{manager_id}/contracts/{cmd.contract_id}")
    if contract is None or contract.get("contractor_id") != contractor_id \
            or not orders.contractor_serves(uow, contractor_id, manager_id):
        raise DomainError([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=cmd.contract_id)])
    beneficiary = quote_store.client_kind(uow, manager_id) == "beneficiary"
    if target := raise_target_errors(cmd, beneficiary=beneficiary):
        raise DomainError(target)
    if beneficiary:
        cmd = _for_mission(uow, contractor_id, cmd)
    checked = orders.check_site(uow, manager_id, contract, cmd.contract_id, contractor_id,
                                quotes.contract_day(uow, manager_id, cmd.contract_id, contract, now),
                                cmd.site)  # A13 perimeter alignment, A7 property tree
    refused = list(checked.refused)
    order = None
    if cmd.order_id is not None:  # A2.5: supplementary works on one of its own orders, still open
        order = order_store.load_order(uow, manager_id, cmd.order_id)
        if order is None or order.contractor_id != contractor_id:
            refused.append(ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=cmd.order_id))
            order = None
        elif order.state in TERMINAL_STATES:
            refused.append(ErrorDetail.of("$.order_id", "ORDER_TERMINATED", state_label=STATE_LABELS[order.state]))
    territory = quotes.quote_territory(uow, manager_id, cmd, contract, order, checked.node_commune)  # B18
    if cmd.valid_until < workdays.local_date(now, territory):  # valid all that day where the quote counts (B18)
        refused.append(ErrorDetail.of("$.valid_until", "OUT_OF_RANGE", detail="la date de validité est passée"))
    if refused:
        raise DomainError(refused)
    asked, cmd = cmd, cmd.model_copy(update={"site": checked.labelled(cmd.site)})  # A7: the node's label
    existing = uow.get(quote_store.quote_path(manager_id, cmd.quote_id))
    if existing is not None:
        return _raised_again(quote_store.quote_from(existing), contractor_id, cmd, submission_id, asked), False
    in_force = quotes.priced_by_catalogue(uow, manager_id, cmd.contract_id, cmd.lines,
                                          workdays.local_date(now, territory))  # B18: the quote's day
    first = QuoteVersion(version=1, lines=cmd.lines, valid_until=cmd.valid_until,
                         document_sha256=cmd.document_sha256, submitted_at=now, submission_id=submission_id,
                         catalogue_version=in_force.version if in_force else None)
    quote = Quote(manager_id=manager_id, quote_id=cmd.quote_id, contract_id=cmd.contract_id,
                  contractor_id=contractor_id, title=cmd.title, site=cmd.site, order_id=cmd.order_id,
                  state=step(None, QuoteAction.RAISE, "contractor"), requested_at=now, versions=[first],
                  territory=territory, valid_until=cmd.valid_until, opened_by="contractor",
                  mission_id=cmd.mission_id or (order.mission_id if order is not None else None))
    quote_store.save_quote(uow, quote, created=True)
    return quote, True


def _for_mission(uow: UnitOfWork, contractor_id: str, cmd: RaiseQuote) -> RaiseQuote:
    """A beneficiary's quote as the platform keeps it (B16): on the mission named (``mission_id``), else on the
    mission of the order named, supplementary works on that mission's order, at its site. A mission that is not
    the beneficiary's, or whose order this contractor does not hold, is MISSION_NOT_FOUND (nothing learnt of it);
    an order named that is not the mission's, QUOTE_ORDER_NOT_MISSION_ORDER; a site named that is not the
    mission's, QUOTE_SITE_NOT_MISSION_SITE."""
    b = cmd.manager_id
    if cmd.mission_id is None:  # supplementary works on an order of the beneficiary: that order's mission
        order = order_store.load_order(uow, b, cmd.order_id)
        if order is None or order.contractor_id != contractor_id:
            raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=cmd.order_id)])
        mission_id = order.mission_id
    else:
        found = uow.get(paths.mission(b, cmd.mission_id))
        mission = Mission.model_validate(found, strict=False) if found is not None else None
        order = order_store.load_order(uow, b, mission.order_id) if mission is not None else None
        if order is None or order.contractor_id != contractor_id:
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND", mission_id=cmd.mission_id)])
        if cmd.order_id is not None and cmd.order_id != order.order_id:
            raise DomainError([ErrorDetail.of("$.order_id", "QUOTE_ORDER_NOT_MISSION_ORDER", order_id=cmd.order_id,
                                              mission_id=cmd.mission_id, mission_order_id=order.order_id)])
        mission_id = cmd.mission_id
    if refused := mission_site_errors(cmd.site, order.site):
        raise DomainError(refused)
    return cmd.model_copy(update={"site": order.site, "order_id": order.order_id, "mission_id": mission_id})


def _raised_again(stored: Quote, contractor_id: str, cmd: RaiseQuote, submission_id: str | None,
                  asked: RaiseQuote | None = None) -> Quote:
    """A quote under that id exists: the same raise delivered again finds it; anything else is
    QUOTE_ALREADY_EXISTS (whoever's quote it is: the id is taken in the manager's space). ``cmd`` is the raise as
    the platform reads it (a beneficiary's: at its mission's site, on its order, naming its mission; its site as the
    tree names it), ``asked`` before the tree's label (a quote stored before the label was filled)."""
    if stored.version_of(submission_id) is not None:
        return stored
    first = stored.versions[0] if stored.versions else None
    same = (stored.opened_by == "contractor" and stored.contractor_id == contractor_id and first is not None
            and _raised(stored, first) in (cmd.model_dump(mode="json"), (asked or cmd).model_dump(mode="json")))
    if not same:
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS", quote_id=cmd.quote_id)])
    return stored


def _raised(quote: Quote, first: QuoteVersion) -> dict[str, Any]:
    """The RaiseQuote a stored quote was raised with (its first version)."""
    return RaiseQuote(manager_id=quote.manager_id, quote_id=quote.quote_id, contract_id=quote.contract_id,
                      title=quote.title, site=quote.site, order_id=quote.order_id, mission_id=quote.mission_id,
                      lines=first.lines, valid_until=first.valid_until,
                      document_sha256=first.document_sha256).model_dump(mode="json")


# --- requested by a beneficiary for its mission (B16) -------------------------------------------


def request_mission_quote(beneficiary_id: str, cmd: RequestMissionQuote, uow: UnitOfWork,
                          clock: Clock) -> tuple[Quote, bool]:
    """The beneficiary asks the titulaire of its mission for a quote: a supplementary quote on the
    mission's order (its contract, contractor and site), D3 and ``quote.requested`` as for a manager."""

    def attempt() -> tuple[Quote, bool]:
        mission = paths.load(uow, paths.mission(beneficiary_id, cmd.mission_id), Mission, "MISSION_NOT_FOUND",
                             "$.mission_id", mission_id=cmd.mission_id)
        order = order_store.load_order(uow, beneficiary_id, mission.order_id) if mission.order_id else None
        if order is None:
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND", mission_id=cmd.mission_id)])
        request = RequestQuote(quote_id=cmd.quote_id, contract_id=order.contract_id, contractor_id=order.contractor_id,
                               title=cmd.title, site=order.site, order_id=order.order_id)
        return quotes.open_request(beneficiary_id, request, uow, clock, opened_by="beneficiary",
                               mission_id=cmd.mission_id)

    quote, created = transact(uow, attempt)
    if created:
        log.info("quote requested for a mission", extra={"beneficiary_id": beneficiary_id, "quote_id": cmd.quote_id,
                                                         "mission_id": cmd.mission_id})
    return quote, created
