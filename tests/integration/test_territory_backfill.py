"""B18 territories on the Firestore emulator: the operator's one-off backfill (devtools/backfill_territory.py) writes on
the orders stored before orders kept their territory the one chosen by the rule of issue — dry run first, paged,
idempotent — and list_orders then gives their rows their zone."""

from __future__ import annotations

from collections import Counter

from devtools import backfill_territory
from shared import bootstrap
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.order_list import OrderQuery
from shared.service import order_list, order_store
from tests.builders import MANAGER, NOW, an_order
from tests.fakes import FixedClock

OTHER = "mgr-other"


def seed(client) -> None:
    """Orders of two spaces as stored before orders kept their territory, one that kept it, and one unreadable."""
    uow = FirestoreUnitOfWork(client)
    older = [
        an_order("BC-OLD-972", site={"node_id": "FDF-1", "commune": "97209"}),  # its site's commune: Martinique
        an_order("BC-OLD-NODE", site={"node_id": "STD-1"}, node_commune="97411"),  # its node's: La Réunion
        an_order("BC-OLD-CONTRACT", site={"node_id": "CAY-1"}, contract_id="AC-GUYANE"),  # its contract's one: 973
        an_order("BC-OLD-MGR", site={"node_id": "NOU-1"}),  # nothing but its manager's own: Nouvelle-Calédonie
        an_order("BC-OLD-OTHER", site={"node_id": "PAP-1", "commune": "97101"}, manager_id=OTHER),  # Guadeloupe
    ]
    for order in older:
        assert order.territory is None
        uow.create(order_store.order_path(order.manager_id, order.order_id), order_store.order_doc(order))
    kept = an_order("BC-KEPT", site={"node_id": "FDF-2", "commune": "97209"}, territory="69")  # chosen then: kept
    uow.create(order_store.order_path(MANAGER, kept.order_id), order_store.order_doc(kept))
    uow.commit()
    client.document(f"managers/{MANAGER}").set({"name": MANAGER, "territory": "NC"}, merge=True)
    client.document(f"managers/{MANAGER}/contracts/AC-GUYANE").set(
        {"contract_id": "AC-GUYANE", "perimeter": {"departements": ["973"], "communes": []}})
    client.document(f"managers/{MANAGER}/orders/BC-BROKEN").set({"order_id": "BC-BROKEN"})


def stored(client) -> dict[str, dict]:
    return {snap.reference.path: {"territory": snap.to_dict().get("territory"), "updated_at": snap.get("updated_at")
                                  if "updated_at" in snap.to_dict() else None, "at": snap.update_time}
            for snap in client.collection_group("orders").stream()}


EXPECTED = {f"managers/{MANAGER}/orders/BC-OLD-972": "972", f"managers/{MANAGER}/orders/BC-OLD-NODE": "974",
            f"managers/{MANAGER}/orders/BC-OLD-CONTRACT": "973", f"managers/{MANAGER}/orders/BC-OLD-MGR": "NC",
            f"managers/{OTHER}/orders/BC-OLD-OTHER": "971"}


def test_the_backfill_writes_the_rule_of_issue_on_older_orders_only_after_a_dry_run_and_only_once(clean_firestore):
    # Given orders stored before orders kept their territory, in two spaces, beside one that kept it and one unreadable
    seed(clean_firestore)
    before = stored(clean_firestore)
    said: list[str] = []
    # When the operator runs the backfill as a dry run, two orders a page
    dry = backfill_territory.backfill(FirestoreUnitOfWork(clean_firestore), page=2, say=said.append)
    # Then it counts each older order under the territory the rule of issue gives it, and writes nothing
    assert (dry.read, dry.kept, dry.written) == (7, 1, Counter(EXPECTED.values()))
    assert dry.unreadable == [f"managers/{MANAGER}/orders/BC-BROKEN"]
    assert sorted(said) == sorted(f"{path}: {code} (à écrire)" for path, code in EXPECTED.items())
    assert stored(clean_firestore) == before
    # When it applies it
    applied = backfill_territory.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, page=2)
    # Then each older order holds its territory, the one that kept "69" is untouched, and no activity time moved
    after = stored(clean_firestore)
    assert applied.written == Counter(EXPECTED.values())
    assert {path: row["territory"] for path, row in after.items() if row["territory"]} == {
        **EXPECTED, f"managers/{MANAGER}/orders/BC-KEPT": "69"}
    assert all(after[path]["updated_at"] == before[path]["updated_at"] for path in before)
    assert after[f"managers/{MANAGER}/orders/BC-KEPT"]["at"] == before[f"managers/{MANAGER}/orders/BC-KEPT"]["at"]
    # And each write is audited in its space, as the operator's backfill
    audited = [snap.to_dict() for snap in clean_firestore.collection(f"managers/{MANAGER}/audit").stream()]
    by_backfill = [r for r in audited if (r["who"], r["role"]) == ("backfill_territory", "operator")]
    assert sorted(r["target"] for r in by_backfill) == sorted(p for p in EXPECTED if p.startswith(f"managers/{MANAGER}/"))
    # When it runs again
    again = backfill_territory.backfill(FirestoreUnitOfWork(clean_firestore), apply=True)
    # Then it writes nothing: every readable order has its territory
    assert (again.read, again.kept, again.total_written) == (7, 6, 0)
    assert stored(clean_firestore) == after


def test_after_the_backfill_list_orders_gives_older_rows_their_zone(clean_firestore):
    # Given the older orders, whose rows only know a zone when their site or node names a commune
    seed(clean_firestore)
    clean_firestore.document(f"managers/{MANAGER}/orders/BC-BROKEN").delete()

    def zones() -> dict[str, str | None]:
        answer = order_list.list_orders(OrderQuery(MANAGER, None, False), FirestoreUnitOfWork(clean_firestore),
                                        FixedClock(NOW))
        return {row["order_id"]: row["time_zone"] for row in answer["orders"]}

    assert zones()["BC-OLD-CONTRACT"] is None and zones()["BC-OLD-MGR"] is None
    # When the operator applies the backfill to that space alone
    outcome = backfill_territory.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, manager_id=MANAGER)
    assert outcome.total_written == 4
    # Then every row carries its zone, from the record, as a new order's does
    assert zones() == {"BC-OLD-972": "America/Martinique", "BC-OLD-NODE": "Indian/Reunion",
                       "BC-OLD-CONTRACT": "America/Cayenne", "BC-OLD-MGR": "Pacific/Noumea",
                       "BC-KEPT": "Europe/Paris"}
    # And the other space was not touched
    assert clean_firestore.document(f"managers/{OTHER}/orders/BC-OLD-OTHER").get().to_dict().get("territory") is None


def test_the_command_is_a_dry_run_unless_told_to_apply(clean_firestore, capsys, monkeypatch):
    monkeypatch.setitem(bootstrap._instances, "firestore", clean_firestore)
    seed(clean_firestore)
    clean_firestore.document(f"managers/{MANAGER}/orders/BC-BROKEN").delete()
    assert backfill_territory.main(["--quiet"]) == 0
    assert "territoire à écrire sur (essai : rien n'est écrit, --apply pour écrire) 5" in capsys.readouterr().out
    assert clean_firestore.document(f"managers/{MANAGER}/orders/BC-OLD-972").get().to_dict().get("territory") is None
    assert backfill_territory.main(["--apply", "--page", "3"]) == 0
    out = capsys.readouterr().out
    assert f"managers/{MANAGER}/orders/BC-OLD-972: 972\n" in out and "territoire écrit sur 5" in out
    assert clean_firestore.document(f"managers/{MANAGER}/orders/BC-OLD-972").get().to_dict()["territory"] == "972"
