"""A7 property tree, A11 lists on the Firestore emulator: the operator's one-off backfill
(devtools/backfill_order_site_path.py) writes on the orders stored before orders kept their site's path the path
their node has in the tree — dry run first, paged, idempotent, audited — and ``--follow-moves`` brings an order
whose node an import moved since under its new site; list_orders?node_id= then finds them."""

from __future__ import annotations

from devtools import backfill_order_site_path as backfill
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.order_list import OrderQuery
from shared.service import order_list, order_store
from shared.service import property_tree as tree
from tests.builders import MANAGER, NOW, an_order
from tests.fakes import FixedClock

OTHER = "mgr-other"
NODES = {"LYON": None, "LYON-BAT-A": "LYON", "LYON-BAT-A-LOG-12": "LYON-BAT-A", "PARIS": None}


def seed(client) -> None:
    """A tree whose nodes were stored before nodes kept their path, orders stored before orders kept theirs (one
    in a space with no tree), one that kept a path its node no longer has, and one unreadable."""
    for node_id, parent in NODES.items():
        client.document(tree.node_path(MANAGER, node_id)).set(
            {"node_id": node_id, "kind": "site" if parent is None else "building", "parent_id": parent,
             "label": node_id, "status": "active"})
    client.document(tree.tree_path(MANAGER)).set({"nodes": len(NODES)})
    uow = FirestoreUnitOfWork(client)
    for order in (an_order("BC-OLD-LOG", site={"node_id": "LYON-BAT-A-LOG-12"}),
                  an_order("BC-OLD-SITE", site={"node_id": "PARIS"}),
                  an_order("BC-OLD-NOTREE", site={"node_id": "REF-7"}, manager_id=OTHER),
                  an_order("BC-MOVED", site={"node_id": "LYON-BAT-A"}, site_path=["PARIS", "LYON-BAT-A"])):
        uow.create(order_store.order_path(order.manager_id, order.order_id), order_store.order_doc(order))
    uow.commit()
    client.document(f"managers/{MANAGER}/orders/BC-BROKEN").set({"order_id": "BC-BROKEN"})


def paths(client) -> dict[str, list[str] | None]:
    return {snap.reference.path.split("/")[-1]: snap.to_dict().get("site_path")
            for snap in client.collection_group("orders").stream()}


def under(client, node_id: str) -> list[str]:
    answer = order_list.list_orders(OrderQuery(MANAGER, None, False, node_id=node_id),
                                    FirestoreUnitOfWork(client), FixedClock(NOW))
    return sorted(row["order_id"] for row in answer["orders"])


def test_the_backfill_writes_each_older_orders_path_after_a_dry_run_once_and_follows_moves_when_asked(clean_firestore):
    seed(clean_firestore)
    before = paths(clean_firestore)
    said: list[str] = []
    assert under(clean_firestore, "LYON") == []  # the older orders are not found under their site
    # When the operator runs a dry run, two orders a page
    dry = backfill.backfill(FirestoreUnitOfWork(clean_firestore), page=2, say=said.append)
    # Then it counts the three orders lacking a path, writes nothing, and lists the unreadable one
    assert (dry.read, dry.kept, dry.lacking, dry.moved) == (5, 1, 3, 0)
    assert dry.unreadable == [f"managers/{MANAGER}/orders/BC-BROKEN"]
    assert f"managers/{MANAGER}/orders/BC-OLD-LOG: LYON > LYON-BAT-A > LYON-BAT-A-LOG-12 (à écrire)" in said
    assert paths(clean_firestore) == before
    # When it applies it
    applied = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, page=2)
    # Then each older order has its node's path (its parents read, the nodes having none), the node alone without a
    # tree, and the order that kept a path keeps it
    assert (applied.lacking, applied.moved) == (3, 0)
    assert paths(clean_firestore) == {"BC-OLD-LOG": ["LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"],
                                      "BC-OLD-SITE": ["PARIS"], "BC-OLD-NOTREE": ["REF-7"],
                                      "BC-MOVED": ["PARIS", "LYON-BAT-A"], "BC-BROKEN": None}
    assert under(clean_firestore, "LYON") == ["BC-OLD-LOG"]
    # And each write is audited in its space, as the operator's backfill
    audited = [snap.to_dict() for snap in clean_firestore.collection(f"managers/{MANAGER}/audit").stream()]
    assert sorted(r["target"] for r in audited if r["who"] == "backfill_order_site_path") == [
        f"managers/{MANAGER}/orders/BC-OLD-LOG", f"managers/{MANAGER}/orders/BC-OLD-SITE"]
    # When it runs again, then it writes nothing
    again = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True)
    assert (again.read, again.kept, again.lacking, again.moved) == (5, 4, 0, 0)
    # When it follows the moves, then the order whose node moved under LYON is found there, once
    moved = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, manager_id=MANAGER, follow_moves=True)
    assert (moved.lacking, moved.moved) == (0, 1)
    assert under(clean_firestore, "LYON") == ["BC-MOVED", "BC-OLD-LOG"] and under(clean_firestore, "PARIS") == [
        "BC-OLD-SITE"]
    assert backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, follow_moves=True).moved == 0
