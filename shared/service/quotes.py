"""Quotes and supplementary-works quotes (A2.4, A2.5, B16): one service per command, each in one commit.

  managers/{manager}/quotes/{quote}   the quote, in its manager's private space (A1)

A command reads through its unit of work and commits everything it changes at once: the quote,
D3 ("réponse à une demande de devis", 5 working days, opened or stopped through
``shared.service.deadlines``), the order an acceptance creates or completes, and the messages
to the contractor (transactional outbox). A conflict runs the command again on fresh reads
(``shared.service.transaction.transact``).

- ``request_quote``: the quote, ``quote.requested`` and D3 opened.
- ``submit_quote``: the new version and, at the first submission, D3 stopped. ``submit`` is the
  same inside a commit the caller makes (a Pub/Sub submission answered in its reply's commit).
- ``decide_quote``: accepting creates the order through ``orders.issue`` (order id = quote id)
  or, for a supplementary quote, adds its lines to the existing order
  (``fr.passerelle.order.lines_added.v1``); the order's message, then ``quote.decided``, the
  quote and, for a withdrawal of a requested quote, D3 stopped. Accepting a quote past its
  validity date expires it instead (``quote.expired``) and answers QUOTE_EXPIRED.
- ``expire_quotes``: each expiry (the quote and ``quote.expired``) is one commit.

The contractor is told on ``orders-<contractor>`` (``quote.requested``, ``quote.decided``) and
on ``replies-<contractor>`` (``quote.expired``). Message ids are one per quote and event, so a
retried request publishes nothing twice; the ordering key is the order the quote is about
(``shared.domain.quotes.ordering_key``). How a quote is stored and read back (get_quote) is
``quote_store.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared import topology
from shared.domain import catalogue as cat
from shared.domain import sandbox
from shared.domain import workdays
from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder
from shared.domain.order_moves import OrderOrigin, Sender
from shared.domain.orders import Order
from shared.domain.quotes import (
    BUYERS, DecideQuote, Quote, QuoteAction, QuoteDecided, QuoteExpired, QuoteRequested, QuoteState, QuoteVersion,
    RaiseQuote, RequestQuote, SubmitQuote, actor_labels, ordering_key, step, version_errors, who_takes,
)
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import deadlines, order_store, orders, parties, penalty_terms
from shared.service.quote_store import load_quote, quote_from, quote_path, save_quote
from shared.service.territories import contract_territory, order_territory, reader, territory_of
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# One sweep's share of expiries; the next run takes the rest.
EXPIRY_LIMIT = 200


def d3_id(quote_id: str) -> str:
    return f"D3-{quote_id}"


# --- request (A2.4, A2.5; D3 opened) ------------------------------------------------------------


def request_quote(manager_id: str, cmd: RequestQuote, uow: UnitOfWork, clock: Clock) -> tuple[Quote, bool]:
    """The manager asks for a quote: the quote, ``quote.requested`` and D3, in one commit.

    The same request again is harmless: it finds the quote stored, publishes nothing and answers
    ``created`` False; another request under the same id is QUOTE_ALREADY_EXISTS.
    """
    quote, created = transact(uow, lambda: open_request(manager_id, cmd, uow, clock))
    if created:
        log.info("quote requested", extra={"manager_id": manager_id, "quote_id": cmd.quote_id})
    return quote, created


def open_request(manager_id: str, cmd: RequestQuote, uow: UnitOfWork, clock: Clock, opened_by: str = "manager",
             mission_id: str | None = None) -> tuple[Quote, bool]:
    """A buyer's request (``opened_by``: "manager", or "beneficiary" for ``mission_id``) inside ``uow``."""
    now = clock.now()
    contract = uow.get(f"managers/{manager_id}/contracts/{cmd.contract_id}")
    checked = orders.check_site(uow, manager_id, contract, cmd.contract_id, cmd.contractor_id,
                                contract_day(uow, manager_id, cmd.contract_id, contract, now),
                                cmd.site)  # A13 perimeter alignment, A7 property tree
    refused = list(checked.refused)
    order: Order | None = None
    if cmd.order_id is not None:  # A2.5: a supplementary quote on this contractor's order
        order = order_store.load_order(uow, manager_id, cmd.order_id)
        if order is None or order.contractor_id != cmd.contractor_id:
            refused.append(ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=cmd.order_id))
            order = None
    if refused:
        raise DomainError(refused)
    asked, cmd = cmd, cmd.model_copy(update={"site": checked.labelled(cmd.site)})  # A7: the node's label
    existing = uow.get(quote_path(manager_id, cmd.quote_id))
    if existing is not None:
        return _retried(uow, existing, cmd, now, asked), False
    territory = quote_territory(uow, manager_id, cmd, contract, order, checked.node_commune)
    quote = Quote(manager_id=manager_id, requested_at=now, territory=territory, opened_by=opened_by,
                  mission_id=mission_id or (order.mission_id if order is not None else None), state=step(None, QuoteAction.REQUEST, opened_by), **cmd.model_dump())
    d3 = _plan_d3(uow, quote)
    quote = quote.model_copy(update={"answer_due_at": d3.due_at})  # B16: shown to the contractor, read with the quote
    save_quote(uow, quote, created=True)
    uow.publish(requested_message(quote, d3.due_at))
    deadlines.open_deadline(uow, d3, now)
    return quote, True


def quote_territory(uow: UnitOfWork, manager_id: str, cmd: RequestQuote | RaiseQuote, contract: dict[str, Any] | None,
                    order: Order | None, node_commune: str | None) -> str:
    """B18: the territory a quote's D3 counts in (requested or raised alike): the order's it is for, a supplementary
    quote's, kept on it at issue (a mission's order: its beneficiary's); else the quote's site — its commune, else
    its node's — and contract, which the accepted order will carry."""
    if order is not None:
        return territory_of(uow, order, contract) if order.contract_id == cmd.contract_id else territory_of(uow, order)
    return order_territory(reader(uow), manager_id, cmd.contract_id, cmd.site.commune, contract,
                           node_commune=node_commune).code


def _plan_d3(uow: UnitOfWork, quote: Quote) -> Deadline:
    """D3 of a quote, from what the quote records: planning it again gives the same due time. Priced
    by the contract's terms in force on the request's date (B16 penalties are contract data)."""
    territory = quote.territory or deadlines.DEFAULT_TERRITORY
    terms = penalty_terms.terms_on(uow, quote.manager_id, quote.contract_id,
                                   workdays.local_date(quote.requested_at, territory))
    return deadlines.plan_deadline("D3", d3_id(quote.quote_id), tenant_id=quote.manager_id, territory=territory,
                                   started_at=quote.requested_at, ref=quote.quote_id, terms=terms,
                                   contractor_id=quote.contractor_id, contract_id=quote.contract_id)


def _retried(uow: UnitOfWork, stored_value: dict[str, Any], cmd: RequestQuote, now: dt.datetime,
             asked: RequestQuote | None = None) -> Quote:
    """The same request again: the stored quote. A requested quote whose D3 is missing (stored by the
    earlier code, which opened D3 in a commit of its own) gets it now, from the quote's own
    ``requested_at`` and territory; ``open_deadline`` leaves a D3 already there as it is. ``cmd`` is the request
    with its site as the tree names it, ``asked`` as sent: a quote stored before the label was filled from the tree
    is the same request too."""
    stored = quote_from(stored_value)
    same = stored.model_dump(include=set(RequestQuote.model_fields), mode="json")
    if same not in (cmd.model_dump(mode="json"), (asked or cmd).model_dump(mode="json")):
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS", quote_id=cmd.quote_id)])
    if stored.state is QuoteState.REQUESTED:
        deadlines.open_deadline(uow, _plan_d3(uow, stored), now)
    return stored


def _stop_d3(uow: UnitOfWork, quote: Quote, at: dt.datetime, now: dt.datetime) -> None:
    """D3 met (or its lateness closed) at ``at``, in ``uow``. A quote without a D3 (none was ever
    opened for it) is not refused for that."""
    if deadlines.load(uow, quote.manager_id, d3_id(quote.quote_id)) is None:
        log.warning("quote without D3", extra={"manager_id": quote.manager_id, "quote_id": quote.quote_id})
        return
    deadlines.stop_deadline(uow, quote.manager_id, d3_id(quote.quote_id), at, quote.quote_id, now)


# --- messages -----------------------------------------------------------------------------------


def requested_message(quote: Quote, answer_due_at: dt.datetime) -> OutboxMessage:
    """``quote.requested`` for the contractor: one per quote (a retried request finds the quote and sends none)."""
    data = QuoteRequested(manager_id=quote.manager_id, quote_id=quote.quote_id, contract_id=quote.contract_id,
                          contractor_id=quote.contractor_id, title=quote.title, site=quote.site,
                          order_id=quote.order_id, requested_at=quote.requested_at,
                          requested_by=quote.opened_by, mission_id=quote.mission_id,
                          territory=quote.territory or deadlines.DEFAULT_TERRITORY, answer_due_at=answer_due_at)
    return OutboxMessage(
        id=f"quote-requested-{digest(quote.manager_id, quote.quote_id)[:32]}",
        topic=topology.orders_topic(quote.contractor_id), event_type=EventType.QUOTE_REQUESTED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{quote.manager_id}", subject=f"quotes/{quote.quote_id}",
        data=data.model_dump(mode="json"), created_at=quote.requested_at, ordering_key=ordering_key(quote))


def decided_message(before: Quote, after: Quote, decided_by: str, created_at: dt.datetime) -> OutboxMessage:
    """``quote.decided`` for the contractor: one per quote, since every decision is final.

    ``created_at`` is after the ``order.issued`` / ``order.lines_added`` of an acceptance: the
    relay publishes pending messages by creation time, so the order stays right.
    """
    version = before.current
    data = QuoteDecided(manager_id=after.manager_id, quote_id=after.quote_id, contract_id=after.contract_id,
                        order_id=after.order_id, state=after.state, decided_by=decided_by,
                        version=version.version if version else None,
                        total_cents=sum(line.amount_cents for line in version.lines) if version else None,
                        reason=after.reason, decided_at=after.decided_at, created_order_id=after.created_order_id)
    return OutboxMessage(
        id=f"quote-decided-{digest(after.manager_id, after.quote_id)[:32]}",
        topic=topology.orders_topic(after.contractor_id), event_type=EventType.QUOTE_DECIDED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{after.manager_id}", subject=f"quotes/{after.quote_id}",
        data=data.model_dump(mode="json"), created_at=created_at, ordering_key=ordering_key(after))


def expired_message_id(quote: Quote) -> str:
    return f"quote-expired-{digest(quote.manager_id, quote.quote_id)[:32]}"


def _expired(quote: Quote, now: dt.datetime) -> tuple[Quote, OutboxMessage]:
    """The quote expired by the platform and the message telling its contractor (one per quote)."""
    after = quote.apply(QuoteAction.EXPIRE, "platform", decided_at=now)
    data = QuoteExpired(manager_id=quote.manager_id, quote_id=quote.quote_id, order_id=quote.order_id,
                        version=quote.current.version, valid_until=quote.current.valid_until, expired_at=now)
    message = OutboxMessage(
        id=expired_message_id(quote), topic=topology.replies_topic(quote.contractor_id),
        event_type=EventType.QUOTE_EXPIRED, source=f"{topology.PLATFORM_SOURCE}/managers/{quote.manager_id}",
        subject=f"quotes/{quote.quote_id}", data=data.model_dump(mode="json"), created_at=now,
        ordering_key=quote.quote_id)
    return after, message


# --- submit (A2.4 versions, A14 catalogue; D3 stopped) ------------------------------------------


def submit_quote(contractor_id: str, cmd: SubmitQuote, uow: UnitOfWork, clock: Clock,
                 submission_id: str | None = None) -> Quote:
    """First submission or revision (a new version), in one commit with D3 stopped (see ``submit``)."""
    return transact(uow, lambda: submit(contractor_id, cmd, uow, clock, submission_id))


def submit(contractor_id: str, cmd: SubmitQuote, uow: UnitOfWork, clock: Clock,
           submission_id: str | None = None) -> Quote:
    """``submit_quote`` inside a unit of work the caller commits. Every refusal is raised before
    anything is buffered.

    Lines are checked against the catalogue in force; at the first submission D3 stops.
    ``submission_id`` names the submission (a REST request's Idempotency-Key digest, a Pub/Sub
    message key): the version it created is found in the quote itself, read and written under the
    same version precondition, so the same submission run again adds no version.
    """
    quote = load_quote(uow, cmd.manager_id, cmd.quote_id, contractor_id)
    if quote.version_of(submission_id) is not None:
        return quote
    now = clock.now()
    if cmd.valid_until < _today(quote, now):  # B18: valid all that day in the quote's territory
        raise DomainError([ErrorDetail.of("$.valid_until", "OUT_OF_RANGE", detail="la date de validité est passée")])
    in_force = priced_by_catalogue(uow, cmd.manager_id, quote.contract_id, cmd.lines, _today(quote, now))
    revised = QuoteVersion(version=len(quote.versions) + 1, lines=cmd.lines, valid_until=cmd.valid_until,
                           document_sha256=cmd.document_sha256, submitted_at=now, submission_id=submission_id,
                           catalogue_version=in_force.version if in_force else None)
    after = quote.apply(QuoteAction.SUBMIT, "contractor", versions=[*quote.versions, revised],
                        valid_until=cmd.valid_until)
    save_quote(uow, after)
    if quote.state is QuoteState.REQUESTED:  # the first submission answers the request (B16)
        _stop_d3(uow, quote, now, now)
    if sandbox.sandbox_move(quote.manager_id, contractor_id, quote_first_submitted=quote.state is QuoteState.REQUESTED) \
            is sandbox.SandboxMove.ACCEPT_QUOTE:  # A10 conformance kit: the sandbox's manager accepts it at once
        accept(uow, after, "manager", now)
    return after


def priced_by_catalogue(uow: UnitOfWork, manager_id: str, contract_id: str, lines, today: dt.date
                        ) -> cat.CatalogueVersion | None:
    """A14: quote lines priced by the contract's catalogue version in force ``today`` — the day in the quote's
    territory (B18) — every line refused at once; the version, or None when the contract has no catalogue yet."""
    versions = uow.query(Query(f"managers/{manager_id}/contracts/{contract_id}/catalogue"))
    in_force = cat.in_force([cat.CatalogueVersion.model_validate(v.data) for v in versions], today)
    if in_force is not None:
        refused = cat.line_errors(in_force, [line.model_dump(mode="json") for line in lines])
        if refused:
            raise DomainError(refused)
    return in_force


# --- decide (accept, refuse, withdraw) ----------------------------------------------------------


class _At:
    """A clock stopped at one instant: an acceptance's order is issued when the quote is accepted."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


def decide_quote(role: str, tenant: str, cmd: DecideQuote, uow: UnitOfWork, clock: Clock,
                 by: Sender | None = None) -> Quote:
    """The buyer (manager, or beneficiary in its own space): accept (an order is created or completed) or
    refuse with a reason. Contractor: withdraw. Who takes which action is the table's; ``by``, who the caller's
    token says it is (the order an acceptance creates names the person)."""
    manager_id = tenant if role in BUYERS else (cmd.manager_id or "")
    contractor_id = tenant if role == "contractor" else None
    action = QuoteAction(cmd.action)
    if role not in who_takes(action):
        raise DomainError([ErrorDetail.of("$.action", "TRANSITION_NOT_ALLOWED_FOR_ACTOR", to_label=action.value,
                                          actor_label=actor_labels(who_takes(action)))])
    if action == QuoteAction.REFUSE and not (cmd.reason or "").strip():
        raise DomainError([ErrorDetail.of("$.reason", "QUOTE_REFUSAL_REASON_REQUIRED")])

    def attempt() -> tuple[Quote, Quote]:
        quote = load_quote(uow, manager_id, cmd.quote_id, contractor_id)
        if stale := version_errors(quote, action, cmd.version):  # revised since the buyer read it: nothing written
            raise DomainError(stale)
        now = clock.now()
        if action == QuoteAction.ACCEPT and quote.expired_on(_today(quote, now)):
            expired, message = _expired(quote, now)  # committed; the caller is then told QUOTE_EXPIRED
            save_quote(uow, expired)
            uow.publish(message)
            return quote, expired
        if action == QuoteAction.ACCEPT:
            return quote, accept(uow, quote, role, now, by)
        after = quote.apply(action, role, decided_at=now, reason=cmd.reason)
        save_quote(uow, after)
        uow.publish(decided_message(quote, after, role, now))
        if action == QuoteAction.WITHDRAW and quote.state is QuoteState.REQUESTED:
            _stop_d3(uow, quote, now, now)
        return quote, after

    before, after = transact(uow, attempt)
    if after.state is QuoteState.EXPIRED:
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_EXPIRED", quote_id=before.quote_id,
                                          valid_until=before.current.valid_until.isoformat())])
    log.info("quote decided", extra={"manager_id": manager_id, "quote_id": after.quote_id, "state": after.state.value})
    return after


def accept(uow: UnitOfWork, quote: Quote, decided_by: str, now: dt.datetime, by: Sender | None = None) -> Quote:
    """Accept a submitted quote inside a unit of work the caller commits: the order it creates or
    completes, the quote, then ``quote.decided`` (the conformance sandbox's manager accepts its run's
    quote in the commit of the first submission, A10 onboarding)."""
    after = quote.apply(QuoteAction.ACCEPT, decided_by, decided_at=now)  # refuses an illegal step before any order
    after = after.model_copy(update={"created_order_id": _accept(uow, quote, now, by)})
    save_quote(uow, after)
    # after the order's message (same ordering key)
    uow.publish(decided_message(quote, after, decided_by, now + dt.timedelta(microseconds=1)))
    return after


def _accept(uow: UnitOfWork, quote: Quote, now: dt.datetime, by: Sender | None = None) -> str:
    """The order an acceptance creates (id = quote id, every order rule applies) or completes (a
    supplementary quote's lines, ids ``<quote_id>-<line_id>``), buffered in ``uow``; its id."""
    lines = quote.current.lines
    if quote.order_id is None:
        command = IssueOrder(order_id=quote.quote_id, contract_id=quote.contract_id, contractor_id=quote.contractor_id,
                             title=quote.title, site=quote.site, lines=lines, issued_at=now)
        origin = OrderOrigin(quote_id=quote.quote_id, accepted_by=parties.client_name(uow, quote.manager_id), by=by)
        return orders.issue(quote.manager_id, command, uow, _At(now), origin=origin).order.order_id
    order = order_store.load_order(uow, quote.manager_id, quote.order_id)
    if order is None:
        raise DomainError([ErrorDetail.of("$.quote_id", "ORDER_NOT_FOUND", order_id=quote.order_id)])
    prefix = f"{quote.quote_id}-"
    if any(line.line_id.startswith(prefix) for line in order.lines):
        return order.order_id  # already added (an acceptance the earlier code committed in two steps)
    added = [line.model_copy(update={"line_id": f"{prefix}{line.line_id}"[:64]}) for line in lines]
    after = order.model_copy(update={"lines": [*order.lines, *added]})
    order_store.save_order(uow, after)
    uow.publish(OutboxMessage(
        id=f"lines-{digest(quote.manager_id, order.order_id, quote.quote_id)[:32]}",
        topic=topology.orders_topic(order.contractor_id), event_type=EventType.ORDER_LINES_ADDED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{quote.manager_id}", subject=f"orders/{order.order_id}",
        data={"manager_id": quote.manager_id, "order_id": order.order_id, "quote_id": quote.quote_id,
              "lines": [line.model_dump(mode="json") for line in added], "total_cents": after.total_cents},
        created_at=now, ordering_key=order.order_id))
    return order.order_id


# --- expiry -----------------------------------------------------------------------------------


def contract_day(uow: UnitOfWork, manager_id: str, contract_id: str, contract: dict[str, Any] | None,
                 now: dt.datetime) -> dt.date:
    """B18: the day a quote's contract is checked in force on, before the quote's own territory is known: today in
    the contract's territory (its perimeter's one territory, else its manager's; ``contract_territory``)."""
    return workdays.local_date(now, contract_territory(uow, manager_id, contract_id, contract))


def _today(quote: Quote, now: dt.datetime) -> dt.date:
    """The date in the quote's territory: a quote valid until the 30th is valid all that local day."""
    return workdays.local_date(now, quote.territory or deadlines.DEFAULT_TERRITORY)


def expirable(uow: UnitOfWork, before: dt.date, limit: int) -> list[tuple[str, str]]:
    """(manager, quote id) of submitted quotes valid until before ``before``, across every manager's
    space: a collection-group query on ``quotes`` (ISO dates compare as strings; composite index
    ``quotes (state, valid_until)`` in infra/terraform/firestore.tf)."""
    docs = uow.query(Query("quotes", group=True, where=(("state", "==", QuoteState.SUBMITTED.value),
                                                        ("valid_until", "<", before.isoformat())), limit=limit))
    found = []
    for doc in docs:
        parts = doc.path.split("/")
        if len(parts) == 4 and parts[0] == "managers" and parts[2] == "quotes":
            found.append((parts[1], parts[3]))
    return found


def expire_quotes(uow: UnitOfWork, clock: Clock, limit: int = EXPIRY_LIMIT) -> dict[str, int]:
    """Cloud Scheduler's sweep: every submitted quote whose validity date has passed in its territory
    becomes expired, and its contractor is told on ``replies-<contractor>`` in the same commit (one
    commit per quote).

    Idempotent: an expired quote is no longer submitted, and the message id is one per quote. The
    query looks a day ahead of UTC, so that every territory's today is covered; each quote is then
    checked against its own territory's date.
    """
    uow.begin()
    candidates = expirable(uow, clock.now().date() + dt.timedelta(days=1), limit)

    def attempt(manager_id: str, quote_id: str) -> bool:
        data = uow.get(quote_path(manager_id, quote_id))
        if data is None:
            return False
        quote, now = quote_from(data), clock.now()
        if not quote.expired_on(_today(quote, now)):
            return False  # decided meanwhile, revised with a later date, or not yet past in its territory
        after, message = _expired(quote, now)
        save_quote(uow, after)
        uow.publish(message)
        return True

    expired = 0
    for manager_id, quote_id in candidates:
        if transact(uow, lambda: attempt(manager_id, quote_id)):
            expired += 1
            log.info("quote expired", extra={"manager_id": manager_id, "quote_id": quote_id})
    return {"candidates": len(candidates), "expired": expired}
