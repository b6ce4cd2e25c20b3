"""Quotes and supplementary-works quotes (A2.4, A2.5, B16): one service per command.

Stored at ``managers/<m>/quotes/<quote_id>`` (the manager's space), updated with the version
it was read at (optimistic concurrency). D3 ("réponse à une demande de devis", 5 working
days) starts when the manager requests a quote and stops when the contractor submits (or
withdraws) it, through the deadline service. Accepting creates the order through
``receive_order`` (order id = quote id) or, for a supplementary quote, adds its lines to the
existing order (``fr.passerelle.order.lines_added.v1`` to the contractor, same commit).

The contractor is told on ``orders-<contractor>`` (like orders, contracts and billing
accounts), through the outbox in the same commit as the quote: ``quote.requested`` when the
manager asks, ``quote.decided`` when the quote is accepted, refused or withdrawn. Message ids
are one per quote and event, so a retried request publishes nothing twice; the ordering key
is the order the quote is about (``shared.domain.quotes.ordering_key``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared import topology
from shared.domain import catalogue as cat
from shared.domain import contracts as contract_rules
from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder
from shared.domain import workdays
from shared.domain.quotes import (
    DecideQuote, Quote, QuoteAction, QuoteDecided, QuoteExpired, QuoteRequested, QuoteState, QuoteVersion,
    RequestQuote, SubmitQuote, ordering_key,
)
from shared.ports import (
    Changes, Clock, ConcurrencyConflict, DocumentStore, DocWrite, OutboxMessage, Publisher, Store, digest,
)
from shared.service import legacy_deadlines as deadlines, outbox
from shared.service.legacy_orders import receive_order
from shared.service.retry import with_optimistic_retry
from shared.service.territories import order_territory

log = logging.getLogger(__name__)


class QuoteNotFound(Exception):
    """No such quote in the caller's reach (another contractor cannot tell it exists)."""


def quote_path(manager_id: str, quote_id: str) -> str:
    return f"managers/{manager_id}/quotes/{quote_id}"


def d3_id(quote_id: str) -> str:
    return f"D3-{quote_id}"


def _not_found(quote_id: str) -> DomainError:
    return DomainError([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND", quote_id=quote_id)])


def request_quote(manager_id: str, cmd: RequestQuote, docs: DocumentStore, store: Store, clock: Clock,
                  deadline_store, timers, publisher: Publisher | None = None) -> tuple[Quote, bool]:
    """The manager asks for a quote; D3 starts and the contractor is told (``quote.requested``, same commit).

    The same request again is harmless: it finds the quote stored and publishes nothing.
    """
    now = clock.now()
    contract = store.get_contract(manager_id, cmd.contract_id)
    refused = contract_rules.order_errors(contract, cmd.contract_id, cmd.contractor_id, now.date(),
                                          commune=cmd.site.commune)
    order = None
    tree_in_force, node_exists = store.property_node(manager_id, cmd.site.node_id)
    if tree_in_force and not node_exists:  # A7
        refused.append(ErrorDetail.of("$.site.node_id", "PROPERTY_NODE_NOT_FOUND", node_id=cmd.site.node_id))
    if cmd.order_id is not None:
        order = store.get_order(manager_id, cmd.order_id)
        if order is None or order.value.contractor_id != cmd.contractor_id:
            refused.append(ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=cmd.order_id))
            order = None
    if refused:
        raise DomainError(refused)
    # B18: D3 is counted in the territory of the order the quote is for (the order itself for a
    # supplementary quote; else the quote's site and contract, which the accepted order will carry).
    if order is not None and order.value.contract_id != cmd.contract_id:
        contract = store.get_contract(manager_id, order.value.contract_id)
    site = order.value.site if order is not None else cmd.site
    territory = order_territory(store, manager_id, order.value.contract_id if order else cmd.contract_id,
                                site.commune, contract).code
    quote = Quote(manager_id=manager_id, requested_at=now, territory=territory, **cmd.model_dump())
    existing = docs.get(quote_path(manager_id, cmd.quote_id))
    if existing is not None:
        return _retried(existing.value, cmd, deadline_store, timers, clock), False
    d3 = _plan_d3(quote)
    message = requested_message(quote, d3.due_at)
    try:
        docs.commit([DocWrite(quote_path(manager_id, cmd.quote_id), quote.model_dump(mode="json"))],  # create()
                     [message])
    except ConcurrencyConflict:  # the same request, racing: the first one stored it and told the contractor
        raced = docs.get(quote_path(manager_id, cmd.quote_id))
        if raced is None:
            raise
        return _retried(raced.value, cmd, deadline_store, timers, clock), False
    deadlines.open_deadline(d3, deadline_store, timers, clock)
    log.info("quote requested", extra={"manager_id": manager_id, "quote_id": cmd.quote_id})
    if publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return quote, True


def _plan_d3(quote: Quote) -> Deadline:
    """D3 of a quote, from what the quote records: planning it again gives the same due time."""
    return deadlines.plan_deadline("D3", d3_id(quote.quote_id), tenant_id=quote.manager_id,
                                   territory=quote.territory or deadlines.DEFAULT_TERRITORY,
                                   started_at=quote.requested_at, ref=quote.quote_id,
                                   contractor_id=quote.contractor_id, contract_id=quote.contract_id)


def _retried(stored_value: dict[str, Any], cmd: RequestQuote, deadline_store, timers, clock: Clock) -> Quote:
    """The same request again: the stored quote, and D3 opened if a crash after the quote's commit
    left it unopened (opening is idempotent: a D3 already there is left as it is)."""
    stored = _same_request(stored_value, cmd)
    if stored.state is QuoteState.REQUESTED:
        deadlines.open_deadline(_plan_d3(stored), deadline_store, timers, clock)
    return stored


def _same_request(stored_value: dict[str, Any], cmd: RequestQuote) -> Quote:
    stored = Quote.model_validate(stored_value, strict=False)
    if stored.model_dump(include=set(RequestQuote.model_fields), mode="json") != cmd.model_dump(mode="json"):
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS", quote_id=cmd.quote_id)])
    return stored


def requested_message(quote: Quote, answer_due_at: dt.datetime) -> OutboxMessage:
    """``quote.requested`` for the contractor: one per quote (a retried request finds the quote and sends none)."""
    data = QuoteRequested(manager_id=quote.manager_id, quote_id=quote.quote_id, contract_id=quote.contract_id,
                          contractor_id=quote.contractor_id, title=quote.title, site=quote.site,
                          order_id=quote.order_id, requested_at=quote.requested_at,
                          territory=quote.territory or deadlines.DEFAULT_TERRITORY, answer_due_at=answer_due_at)
    return OutboxMessage(
        id=f"quote-requested-{digest(quote.manager_id, quote.quote_id)[:32]}",
        topic=topology.orders_topic(quote.contractor_id), event_type=EventType.QUOTE_REQUESTED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{quote.manager_id}", subject=f"quotes/{quote.quote_id}",
        data=data.model_dump(mode="json"), created_at=quote.requested_at, ordering_key=ordering_key(quote))


def decided_message(before: Quote, after: Quote, decided_by: str, created_at: dt.datetime) -> OutboxMessage:
    """``quote.decided`` for the contractor: one per quote, since every decision is final.

    ``created_at`` is when it is written, after the ``order.issued`` / ``order.lines_added`` of an
    acceptance: the relay publishes pending messages by creation time, so the order stays right.
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


def _load(docs: DocumentStore, manager_id: str, quote_id: str, contractor_id: str | None = None):
    found = docs.get(quote_path(manager_id, quote_id))
    if found is None:
        raise QuoteNotFound(quote_id)
    quote = Quote.model_validate(found.value, strict=False)
    if contractor_id is not None and quote.contractor_id != contractor_id:
        raise QuoteNotFound(quote_id)
    return quote, found.version


def _save(docs: DocumentStore, quote: Quote, version: Any, outbox_messages: list[OutboxMessage] = ()) -> None:
    docs.commit([DocWrite(quote_path(quote.manager_id, quote.quote_id), quote.model_dump(mode="json"), mode="update",
                          version=version)], list(outbox_messages))


def submit_quote(contractor_id: str, cmd: SubmitQuote, docs: DocumentStore, store: Store, clock: Clock,
                 deadline_store, timers, submission_id: str | None = None) -> Quote:
    """First submission or revision (a new version); lines checked against the catalogue in force. D3 stops.

    ``submission_id`` names the submission (a Pub/Sub message key): the version it created is
    found in the quote itself, read and written under the same version precondition, so the
    same submission delivered again — even after a crash before its reply — adds no version.
    """

    def attempt() -> tuple[Quote, bool]:
        quote, version = _load(docs, cmd.manager_id, cmd.quote_id, contractor_id)
        recorded = quote.version_of(submission_id)
        if recorded is not None:
            return quote, recorded.version == 1
        now = clock.now()
        if cmd.valid_until < now.date():
            raise DomainError([ErrorDetail.of("$.valid_until", "OUT_OF_RANGE", detail="la date de validité est passée")])
        catalogue = [cat.CatalogueVersion.model_validate(v) for v in store.list_catalogue(cmd.manager_id,
                                                                                           quote.contract_id)]
        in_force = cat.in_force(catalogue, now.date())
        if in_force is not None:  # A14: quote lines priced by the catalogue version in force today
            refused = cat.line_errors(in_force, [line.model_dump(mode="json") for line in cmd.lines])
            if refused:
                raise DomainError(refused)
        first = quote.state == QuoteState.REQUESTED
        revised = QuoteVersion(version=len(quote.versions) + 1, lines=cmd.lines, valid_until=cmd.valid_until,
                               document_sha256=cmd.document_sha256, submitted_at=now, submission_id=submission_id,
                               catalogue_version=in_force.version if in_force else None)
        after = quote.apply(QuoteAction.SUBMIT, "contractor", versions=[*quote.versions, revised],
                            valid_until=cmd.valid_until)
        _save(docs, after, version)
        return after, first

    quote, first = with_optimistic_retry(attempt)
    if first:  # stopping again (a redelivered first submission) changes nothing
        deadlines.stop_deadline(quote.manager_id, d3_id(quote.quote_id), quote.versions[0].submitted_at,
                                quote.quote_id, store=deadline_store, timers=timers, clock=clock)
    return quote


def decide_quote(role: str, tenant: str, cmd: DecideQuote, docs: DocumentStore, store: Store, clock: Clock,
                 publisher: Publisher | None, deadline_store, timers) -> Quote:
    """Manager: accept (an order is created or completed) or refuse with a reason. Contractor: withdraw."""
    manager_id = tenant if role == "manager" else (cmd.manager_id or "")
    contractor_id = tenant if role == "contractor" else None
    action = QuoteAction(cmd.action)
    if (action == QuoteAction.WITHDRAW) != (role == "contractor"):
        raise DomainError([ErrorDetail.of("$.action", "TRANSITION_NOT_ALLOWED_FOR_ACTOR", to_label=action.value,
                                          actor_label="prestataire" if action == QuoteAction.WITHDRAW
                                          else "gestionnaire")])
    if action == QuoteAction.REFUSE and not cmd.reason:
        raise DomainError([ErrorDetail.of("$.reason", "REQUIRED")])
    quote, version = _load(docs, manager_id, cmd.quote_id, contractor_id)
    now = clock.now()
    if action == QuoteAction.ACCEPT and quote.expired_on(_today(quote, now)):
        expired, message = _expired(quote, now)
        _save(docs, expired, version, [message])
        if publisher is not None:
            outbox.dispatch(store, publisher, clock, [message])
        raise DomainError([ErrorDetail.of("$.quote_id", "QUOTE_EXPIRED", quote_id=quote.quote_id,
                                          valid_until=quote.current.valid_until.isoformat())])
    if action == QuoteAction.ACCEPT:
        after = quote.apply(action, role, decided_at=now)  # refuses an illegal step before any order is touched
        order_id = _accept(quote, store, clock, publisher)
        after = after.model_copy(update={"created_order_id": order_id})
    else:
        after = quote.apply(action, role, decided_at=now, reason=cmd.reason)
    message = decided_message(quote, after, role, clock.now())
    _save(docs, after, version, [message])
    if publisher is not None:  # after the order.issued / order.lines_added of an acceptance, same ordering key
        outbox.dispatch(store, publisher, clock, [message])
    if action == QuoteAction.WITHDRAW and quote.state == QuoteState.REQUESTED:
        deadlines.stop_deadline(manager_id, d3_id(quote.quote_id), now, quote.quote_id,
                                store=deadline_store, timers=timers, clock=clock)
    log.info("quote decided", extra={"manager_id": manager_id, "quote_id": quote.quote_id, "state": after.state.value})
    return after


def _accept(quote: Quote, store: Store, clock: Clock, publisher: Publisher | None) -> str:
    lines = quote.current.lines
    if quote.order_id is None:
        command = IssueOrder(order_id=quote.quote_id, contract_id=quote.contract_id, contractor_id=quote.contractor_id,
                             title=quote.title, site=quote.site, lines=lines, issued_at=clock.now())
        return receive_order(quote.manager_id, command, store, clock, publisher).order.order_id
    prefix = f"{quote.quote_id}-"

    def attempt() -> OutboxMessage | None:
        current = store.get_order(quote.manager_id, quote.order_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.quote_id", "ORDER_NOT_FOUND", order_id=quote.order_id)])
        order = current.value
        if any(line.line_id.startswith(prefix) for line in order.lines):
            return None  # already added (a retried acceptance)
        added = [line.model_copy(update={"line_id": f"{prefix}{line.line_id}"[:64]}) for line in lines]
        after = order.model_copy(update={"lines": [*order.lines, *added]})
        now = clock.now()
        message = OutboxMessage(
            id=f"lines-{digest(quote.manager_id, order.order_id, quote.quote_id)[:32]}",
            topic=topology.orders_topic(order.contractor_id), event_type=EventType.ORDER_LINES_ADDED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{quote.manager_id}", subject=f"orders/{order.order_id}",
            data={"manager_id": quote.manager_id, "order_id": order.order_id, "quote_id": quote.quote_id,
                  "lines": [line.model_dump(mode="json") for line in added], "total_cents": after.total_cents},
            created_at=now, ordering_key=order.order_id)
        store.commit(Changes(order=after, order_version=current.version, outbox=[message]))
        return message

    message = with_optimistic_retry(attempt)
    if message is not None and publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return quote.order_id


# --- reading and expiry ------------------------------------------------------------------------


def get_quote(role: str, tenant: str, manager_id: str | None, quote_id: str, docs: DocumentStore) -> Quote:
    """One quote, for the manager of its space or the contractor it was asked of (QuoteNotFound otherwise)."""
    if role == "manager":
        return _load(docs, tenant, quote_id)[0]
    if not manager_id:
        raise QuoteNotFound(quote_id)
    return _load(docs, manager_id, quote_id, tenant)[0]


def _today(quote: Quote, now) -> Any:
    """The date in the quote's territory: a quote valid until the 30th is valid all that local day."""
    return workdays.local_date(now, quote.territory or deadlines.DEFAULT_TERRITORY)


def expired_message_id(quote: Quote) -> str:
    return f"quote-expired-{digest(quote.manager_id, quote.quote_id)[:32]}"


def _expired(quote: Quote, now) -> tuple[Quote, OutboxMessage]:
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


def expire_quotes(index, docs: DocumentStore, store: Store, clock: Clock, publisher: Publisher | None,
                  limit: int = 200) -> dict[str, int]:
    """Cloud Scheduler's sweep: every submitted quote whose validity date has passed in its territory
    becomes expired, and its contractor is told on ``replies-<contractor>`` in the same commit.

    Idempotent: an expired quote is no longer submitted, and the message id is one per quote.
    ``index.expirable(before, limit)`` lists (manager, quote id) of submitted quotes valid until
    before ``before`` (a day ahead of UTC, so that every territory's today is covered; each quote
    is then checked against its own territory's date).
    """
    now = clock.now()
    candidates = index.expirable(now.date() + dt.timedelta(days=1), limit)
    sent: list[OutboxMessage] = []
    expired = 0

    def attempt(manager_id: str, quote_id: str) -> OutboxMessage | None:
        found = docs.get(quote_path(manager_id, quote_id))
        if found is None:
            return None
        quote = Quote.model_validate(found.value, strict=False)
        if not quote.expired_on(_today(quote, clock.now())):
            return None  # decided meanwhile, revised with a later date, or not yet past in its territory
        after, message = _expired(quote, clock.now())
        _save(docs, after, found.version, [message])
        return message

    for manager_id, quote_id in candidates:
        message = with_optimistic_retry(lambda: attempt(manager_id, quote_id))
        if message is not None:
            expired += 1
            sent.append(message)
            log.info("quote expired", extra={"manager_id": manager_id, "quote_id": quote_id})
    if sent and publisher is not None:
        outbox.dispatch(store, publisher, clock, sent)
    return {"candidates": len(candidates), "expired": expired}


def view(quote: Quote) -> dict[str, Any]:
    return {**quote.model_dump(mode="json"), "current_version": quote.current.version if quote.current else None}

