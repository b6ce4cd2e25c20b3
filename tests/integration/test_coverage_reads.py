"""A7 property tree coverage and the « Messages envoyés » page on the real Firestore emulator: the manager's
documents read in one collection-group query filtered on its tenant (and only its own counted), a projection
that reads only the fields asked, the last accepted messages of many orders in one ``in`` query."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.ports import Query
from shared.service import property_tree
from shared.service.message_log import last_accepted_of

pytestmark = pytest.mark.emulators

MINE, OTHER = "mgr-mine", "mgr-other"


def record(manager_id: str, order_id: str, sha: str, flag: str | None = None) -> dict:
    return {"sha256": sha, "manager_id": manager_id, "order_id": order_id, "contractor_id": "ctr-test",
            "kind": "service_done", "filename": f"{sha}.pdf", "size_bytes": 10, "pages": 1, "property_flag": flag}


@pytest.fixture
def seeded(clean_firestore):
    db = clean_firestore
    batch = db.batch()
    batch.set(db.document(f"managers/{MINE}/property_tree/current"), {"nodes": 1})
    batch.set(db.document(f"managers/{MINE}/property_nodes/N1"), {"node_id": "N1", "status": "active", "label": "x"})
    batch.set(db.document(f"managers/{MINE}/property_nodes/OLD"), {"node_id": "OLD", "status": "retired"})
    for order_id, node in (("BC-1", "N1"), ("BC-2", "OLD"), ("BC-3", None)):
        batch.set(db.document(f"managers/{MINE}/orders/{order_id}"),
                  {"order_id": order_id, "title": "long " * 100, "site": {"node_id": node, "path": ["x"]} if node else None})
    batch.set(db.document(f"managers/{MINE}/orders/BC-1/documents/a"), record(MINE, "BC-1", "a"))
    batch.set(db.document(f"managers/{MINE}/orders/BC-2/documents/b"), record(MINE, "BC-2", "b", "PROPERTY_NODE_RETIRED"))
    batch.set(db.document(f"managers/{MINE}/orders/BC-2/documents/c"), record(MINE, "BC-2", "c"))
    # another manager: the same order id, its documents (one flagged), and a record in its space naming MINE
    batch.set(db.document(f"managers/{OTHER}/orders/BC-1"), {"order_id": "BC-1", "site": {"node_id": "ELSEWHERE"}})
    batch.set(db.document(f"managers/{OTHER}/orders/BC-1/documents/z"), record(OTHER, "BC-1", "z", "PROPERTY_NODE_NOT_FOUND"))
    batch.set(db.document(f"managers/{OTHER}/orders/BC-1/documents/forged"), record(MINE, "BC-1", "forged"))
    batch.commit()
    return db


def test_the_collection_group_query_returns_exactly_the_tenants_documents(seeded):
    uow = FirestoreUnitOfWork(seeded, read_only=True)
    # When the manager's documents are read as coverage reads them
    found = property_tree.order_documents(uow, MINE, {f"managers/{MINE}/orders/{o}" for o in ("BC-1", "BC-2", "BC-3")})
    # Then exactly its own come back, by order, with only the flag read
    assert {o: [d.id for d in docs] for o, docs in found.items()} == {
        f"managers/{MINE}/orders/BC-1": ["a"], f"managers/{MINE}/orders/BC-2": ["b", "c"]}
    assert [d.data for d in found[f"managers/{MINE}/orders/BC-2"]] == [{"property_flag": "PROPERTY_NODE_RETIRED"},
                                                                       {"property_flag": None}]
    # And the other manager's read gives its own document, none of MINE (a record is written with its space's
    # manager_id, shared/service/documents.py: the forged one, naming MINE in OTHER's space, is nobody's)
    theirs = property_tree.order_documents(uow, OTHER, {f"managers/{OTHER}/orders/BC-1"})
    assert {o: [d.id for d in docs] for o, docs in theirs.items()} == {f"managers/{OTHER}/orders/BC-1": ["z"]}


def test_coverage_counts_the_managers_orders_and_documents_and_no_other_managers(seeded):
    report = property_tree.coverage(MINE, FirestoreUnitOfWork(seeded, read_only=True))
    assert (report["items"], report["attached"], report["tree_nodes"], report["retired_nodes"]) == (6, 5, 1, 1)
    assert [(o["kind"], o["id"]) for o in report["orphans"]] == [("order", "BC-3")]
    assert report["flagged_documents"] == [{"id": "BC-2/b", "node_id": "OLD", "flag": "PROPERTY_NODE_RETIRED"}]
    assert [i["id"] for i in report["on_retired_nodes"]] == ["BC-2", "BC-2/b", "BC-2/c"]
    other = property_tree.coverage(OTHER, FirestoreUnitOfWork(seeded, read_only=True))
    assert (other["items"], other["tree_in_force"]) == (2, False)  # BC-1 and its record, nothing of MINE


def test_a_projection_reads_only_the_fields_asked_and_is_not_taken_as_the_document(seeded):
    uow = FirestoreUnitOfWork(seeded, read_only=True)
    [order, *_] = uow.query(Query(f"managers/{MINE}/orders", order_by=(("__name__", "asc"),), select=("site.node_id",)))
    assert order.data == {"site": {"node_id": "N1"}}
    # a later read of the same document sees it whole, not the projection
    assert uow.get(order.path)["title"].startswith("long")


def test_the_last_accepted_messages_of_several_orders_come_from_one_in_query(clean_firestore):
    db = clean_firestore
    at = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    log = "contractors/ctr-test/messages"
    rows = {"k1": ("accepted", MINE, "BC-1", 1), "k2": ("accepted", MINE, "BC-1", 5), "k3": ("rejected", MINE, "BC-1", 9),
            "k4": ("accepted", MINE, "BC-2", 2), "k5": ("accepted", OTHER, "BC-3", 3), "k6": ("accepted", MINE, "BC-9", 4)}
    for key, (status, manager, order_id, minutes) in rows.items():
        db.document(f"{log}/{key}").set({"status": status, "manager_id": manager, "order_id": order_id,
                                         "received_at": (at + dt.timedelta(minutes=minutes)).isoformat()})
    found = last_accepted_of(FirestoreUnitOfWork(db, read_only=True), "ctr-test", MINE, ["BC-1", "BC-2", "BC-3"])
    assert found == {(MINE, "BC-1"): (at + dt.timedelta(minutes=5)).isoformat(),
                     (MINE, "BC-2"): (at + dt.timedelta(minutes=2)).isoformat()}
