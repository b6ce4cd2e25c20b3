"""A11 lists, A2 quotes on the Firestore emulator: the operator's one-off backfill
(devtools/backfill_reference_folded.py) writes on the orders and quotes stored before they kept their reference
regardless of case that folded reference — dry run first, paged, idempotent, audited, the activity untouched — and
list_orders?order_id= / list_quotes?quote_id= then find them however the reference is typed."""

from __future__ import annotations

import datetime as dt

from devtools import backfill_reference_folded as backfill
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.order_list import parse_query as order_query
from shared.domain.quote_list import parse_query as quote_query
from shared.service import order_list, order_store, quote_list
from tests.builders import MANAGER, NOW, an_order
from tests.fakes import FixedClock

OTHER = "mgr-other"
BEFORE = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def quote(manager: str, quote_id: str) -> dict:
    return {"manager_id": manager, "quote_id": quote_id, "contract_id": "AC-1", "contractor_id": "ctr-test",
            "title": quote_id, "site": {"node_id": "N"}, "state": "requested",
            "requested_at": BEFORE.isoformat(), "updated_at": BEFORE}


def seed(client) -> None:
    """Orders and quotes in two spaces stored before they kept their folded reference, one of each stored since, and
    a record with no reference at all."""
    for order in (an_order("BC-OLD-1"), an_order("BC-OLD-2", manager_id=OTHER), an_order("BC-NEW")):
        stored = {**order_store.order_doc(order), "updated_at": BEFORE}
        if order.order_id != "BC-NEW":
            del stored[order_store.ORDER_ID_FOLDED]
        client.document(order_store.order_path(order.manager_id, order.order_id)).set(stored)
    client.document(f"managers/{MANAGER}/orders/BC-BROKEN").set({"title": "sans référence"})
    client.document(f"managers/{MANAGER}/quotes/DV-OLD").set(quote(MANAGER, "DV-OLD"))
    client.document(f"managers/{MANAGER}/quotes/DV-NEW").set({**quote(MANAGER, "DV-NEW"), "quote_id_folded": "dv-new"})


def found_orders(client, typed: str) -> list[str]:
    query, errors = order_query("manager", MANAGER, {"order_id": typed})
    assert errors == []
    return [r["order_id"] for r in order_list.list_orders(query, FirestoreUnitOfWork(client), FixedClock(NOW))["orders"]]


def found_quotes(client, typed: str) -> list[str]:
    query, errors = quote_query("manager", MANAGER, {"quote_id": typed})
    assert errors == []
    return [q["quote_id"] for q in quote_list.list_quotes(query, FirestoreUnitOfWork(client))["quotes"]]


def test_the_backfill_folds_each_older_reference_after_a_dry_run_once_and_the_lists_find_it_in_any_case(
        clean_firestore):
    seed(clean_firestore)
    # Given older records found by their exact reference only (read by path), newer ones in any case
    assert found_orders(clean_firestore, "BC-OLD-1") == ["BC-OLD-1"] and found_orders(clean_firestore, "bc-old-1") == []
    assert found_quotes(clean_firestore, "dv-old") == [] and found_quotes(clean_firestore, " dv-new ") == ["DV-NEW"]
    # When the operator runs a dry run, one record a page
    dry = backfill.backfill(FirestoreUnitOfWork(clean_firestore), page=1)
    # Then it counts what lacks its folded reference, writes nothing, and lists the record without a reference
    assert [(k, o.read, o.kept, o.written) for k, o in dry.items()] == [("orders", 4, 1, 2), ("quotes", 2, 1, 1)]
    assert dry["orders"].unreadable == [f"managers/{MANAGER}/orders/BC-BROKEN"]
    assert found_orders(clean_firestore, "bc-old-1") == []
    # When it applies it
    done = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, page=1)
    # Then every older record is found in any case, its activity untouched, each write audited by the backfill
    assert [o.written for o in done.values()] == [2, 1]
    assert found_orders(clean_firestore, " bc-OLD-1 ") == ["BC-OLD-1"] and found_quotes(clean_firestore, "dv-old") == [
        "DV-OLD"]
    stored = clean_firestore.document(order_store.order_path(OTHER, "BC-OLD-2")).get().to_dict()
    assert stored["order_id_folded"] == "bc-old-2" and stored["updated_at"] == BEFORE
    audited = [snap.to_dict() for snap in clean_firestore.collection_group("audit").stream()]
    assert sum(1 for r in audited if r.get("who") == backfill.WHO) == 3
    # And a second run writes nothing
    again = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True)
    assert [o.written for o in again.values()] == [0, 0]
