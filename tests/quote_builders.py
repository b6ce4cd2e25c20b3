"""Readable builders for the quote unit tests (A2.4, A2.5, B16) on the in-memory unit of work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared.domain.messages import EventType
from shared.domain.orders import Order, OrderLine, SiteRef
from shared.domain.quotes import DecideQuote, Quote, RequestQuote, SubmitQuote
from shared.ports import OutboxMessage
from shared.service import quote_store, quotes
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World

CONTRACT_ID = "AC-2026-017"
CONTRACT = {"contract_id": CONTRACT_ID, "contractor_id": CONTRACTOR, "status": "active", "starts_on": "2026-01-01",
            "ends_on": "2027-12-31", "lots": [], "perimeter": {}}
LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                   unit_price_cents=8500)]


def a_world(now: str | dt.datetime = "2026-03-02T09:00:00+00:00", orders: tuple[Order, ...] = (),
            contract: dict | None = None) -> World:
    """A manager, its contractor and their contract (no catalogue, no property tree), and ``orders``."""
    world = World(now)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/{CONTRACT_ID}", contract or CONTRACT)
    for order in orders:
        world.seed_order(order)
    return world


def request(quote_id: str = "DV-1", commune: str | None = None, order_id: str | None = None,
            title: str = "Colonne d'eau") -> RequestQuote:
    return RequestQuote(quote_id=quote_id, contract_id=CONTRACT_ID, contractor_id=CONTRACTOR, title=title,
                        site=SiteRef(node_id="N-1", commune=commune), order_id=order_id)


def submission(quote_id: str, valid_until: dt.date, lines: list[OrderLine] = LINES) -> SubmitQuote:
    return SubmitQuote(manager_id=MANAGER, quote_id=quote_id, lines=lines, valid_until=valid_until)


def requested(world: World, quote_id: str = "DV-1", **fields) -> Quote:
    return quotes.request_quote(MANAGER, request(quote_id, **fields), world.uow(), world.clock)[0]


def submitted(world: World, quote_id: str, valid_until: dt.date, commune: str | None = None,
              lines: list[OrderLine] = LINES) -> Quote:
    requested(world, quote_id, commune=commune)
    return quotes.submit_quote(CONTRACTOR, submission(quote_id, valid_until, lines), world.uow(), world.clock)


def decide(world: World, quote_id: str, action: str, **fields) -> Quote:
    role, tenant = ("contractor", CONTRACTOR) if action == "withdraw" else ("manager", MANAGER)
    if role == "contractor":
        fields.setdefault("manager_id", MANAGER)
    return quotes.decide_quote(role, tenant, DecideQuote(quote_id=quote_id, action=action, **fields), world.uow(),
                               world.clock)


def stored(world: World, quote_id: str) -> Quote | None:
    data = world.db.data(quote_store.quote_path(MANAGER, quote_id))
    return quote_store.quote_from(data) if data is not None else None


def messages(world: World, *types: EventType) -> list[OutboxMessage]:
    """The outbox (what the contractor is told), in creation order; only ``types`` if given."""
    return [m for m in world.outbox() if not types or m.event_type in types]


def counting_commits(world: World):
    """A unit of work that records the paths of each commit it makes (its publications' marks included)."""
    uow = world.uow()
    commits: list[list[str]] = []
    apply = uow._apply
    uow._apply = lambda writes: commits.append([w.path for w in writes]) or apply(writes)
    return uow, commits


def listed_quotes(role: str, tenant: str, uow, **args: str) -> dict:
    """list_quotes as the function answers it: the query parsed from ``args`` for the caller, then its page."""
    from shared.domain.quote_list import parse_query
    from shared.service.quote_list import list_quotes

    query, errors = parse_query(role, tenant, args)
    assert not errors, errors
    return list_quotes(query, uow)
