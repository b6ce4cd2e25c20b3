"""ListMessageLog: one page of a contractor's message log, newest first (A3 channels, A4 errors back to the
sender, A10 onboarding) — what it sent the platform and each answer, for a person to read.

One query on ``contractors/<c>/messages``: equality filters on ``status``, ``manager_id`` and ``order_id``
when asked, ``received_at >= since``, ordered by ``received_at`` then the key, newest first, from the cursor
(composite indexes in infra/terraform/firestore.tf; the emulator needs none). Then, in parallel:

- the names of the clients the page names — only of the managers the contractor works for (its registry
  record's ``managers``) or its own conformance sandbox: a refused message names whatever manager id its body
  said, and must not become a way to read another party's name;
- for the orders with a refused row on the page, their last accepted message: one query per client and 30
  orders (``order_id in``, on the same index as the order filter, ``received_at`` and the keys only), not one
  per order (a page of 46 such orders took 6 s so at a month's volume, docs/performance.md): a refused row
  older than it has been corrected since.

The scope is the caller's: a contractor's own log (its token's tenant), or the contractor the operator names.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shared.domain import sandbox
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.message_log import (
    LogCursor, LogQuery, MessageLog, corrected, ended_label, logged_message, stored_instant,
)
from shared.ports import Query, UnitOfWork
from shared.service.parallel_reads import each


def log_collection(contractor_id: str) -> str:
    return f"contractors/{contractor_id}/messages"


def list_message_log(query: LogQuery, uow: UnitOfWork) -> dict[str, Any]:
    """GET list_message_log: the page ``query`` asks for; PARTY_NOT_FOUND (404) for a contractor the platform
    does not know (the operator's typing). A deactivated contractor's log stays readable."""
    contractor = uow.get(f"contractors/{query.contractor_id}")
    if contractor is None:
        raise DomainError([ErrorDetail.of("query.contractor_id", "PARTY_NOT_FOUND", party_id=query.contractor_id,
                                          kind="prestataire")])
    found = [d for d in uow.query(page_query(query, query.limit + 1)) if d.data.get("received_at")]
    docs, more = found[:query.limit], len(found) > query.limit
    managers = {d.data["manager_id"] for d in docs if d.data.get("manager_id")}
    names = _client_names(uow, query.contractor_id, contractor, managers)
    refused_orders = sorted({(d.data["manager_id"], d.data["order_id"]) for d in docs
                             if d.data.get("status") == "rejected" and d.data.get("manager_id")
                             and d.data.get("order_id")})
    by_client: dict[str, list[str]] = {}
    for m, o in refused_orders:
        by_client.setdefault(m, []).append(o)
    asked = [(m, orders[i:i + IN_LIMIT]) for m, orders in by_client.items() for i in range(0, len(orders), IN_LIMIT)]
    last_accepted = {key: at for _, found in each(uow, lambda u, a: last_accepted_of(u, query.contractor_id, *a), asked)
                     for key, at in found.items()}
    # an order of this contractor's ended since (closed, cancelled, not feasible): nothing left to correct (one
    # batched read; an order id naming another contractor's order tells nothing of it)
    stored = uow.get_all([f"managers/{m}/orders/{o}" for m, o in refused_orders]) if refused_orders else {}
    ended = {(m, o): ended_label(order) for m, o in refused_orders
             if (order := stored.get(f"managers/{m}/orders/{o}")) and order.get("contractor_id") == query.contractor_id}
    rows = []
    for doc in docs:
        data = doc.data
        order = (data.get("manager_id"), data.get("order_id"))
        row = logged_message(doc.id, data, names.get(data.get("manager_id")),
                             corrected(data["received_at"], last_accepted.get(order)), ended.get(order))
        if row is not None:
            rows.append(row)
    cursor = LogCursor(docs[-1].data["received_at"], docs[-1].id).encode() if more and docs else None
    return MessageLog(contractor_id=query.contractor_id, messages=rows, count=len(rows),
                      next_cursor=cursor).model_dump(mode="json")


def page_query(query: LogQuery, size: int) -> Query:
    """Up to ``size`` log records newest first by (received_at, key), strictly after the cursor."""
    q = Query(log_collection(query.contractor_id), order_by=(("received_at", "desc"), ("__name__", "desc")),
              limit=size)
    if query.status is not None:
        q = q.filter("status", "==", query.status)
    if query.manager_id is not None:
        q = q.filter("manager_id", "==", query.manager_id)
    if query.order_id is not None:
        q = q.filter("order_id", "==", query.order_id)
    if query.since is not None:
        q = q.filter("received_at", ">=", stored_instant(query.since))
    if query.cursor is not None:
        q = replace(q, start_after=(query.cursor.received_at,
                                    f"{log_collection(query.contractor_id)}/{query.cursor.key}"))
    return q


IN_LIMIT = 30  # Firestore's most values in an ``in`` filter


def last_accepted_of(uow: UnitOfWork, contractor_id: str, manager_id: str,
                     order_ids: list[str]) -> dict[tuple[str, str], str]:
    """``received_at`` (as stored) of each order's last accepted message from this contractor, by (manager, order),
    for up to ``IN_LIMIT`` orders of one client in one query; an order with none is left out."""
    found: dict[tuple[str, str], str] = {}
    for d in uow.query(Query(log_collection(contractor_id), order_by=(("received_at", "desc"),),
                             select=("order_id", "received_at"))
                       .filter("status", "==", "accepted").filter("manager_id", "==", manager_id)
                       .filter("order_id", "in", list(order_ids))):
        found.setdefault((manager_id, d.data["order_id"]), d.data["received_at"])
    return found


def _client_names(uow: UnitOfWork, contractor_id: str, contractor: dict[str, Any],
                  managers: set[str]) -> dict[str, str]:
    served = set(contractor.get("managers") or ())
    known = sorted(m for m in managers if m in served or sandbox.is_sandbox_of(m, contractor_id))
    if not known:
        return {}
    records = uow.get_all([f"managers/{m}" for m in known])
    return {m: records[f"managers/{m}"]["name"] for m in known
            if records.get(f"managers/{m}") and records[f"managers/{m}"].get("name")}
