"""A11 lists, A2.4 on the Firestore emulator: list_orders?q= runs its queries for real — the range on the folded
reference (ordered by it) and the array-contains on the title's words (newest activity first), in a manager's space
and across a contractor's clients' spaces (collection group), never crossing a tenant line — and the operator's
one-off backfill (devtools/backfill_title_words.py) gives the orders stored before their title words: dry run first,
paged, idempotent, audited, the activity untouched; until then they are found by the start of their reference only —
and to those stored when they kept whole words only, their words' starts (found by a whole word until then)."""

from __future__ import annotations

import datetime as dt

from devtools import backfill_title_words as backfill
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.order_list import parse_query
from shared.domain.order_search import words
from shared.service import order_list, order_store
from tests.builders import MANAGER, NOW, an_order
from tests.fakes import FixedClock

OTHER = "mgr-other"
BEFORE = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def store(client, order, minutes_ago: int, *, old: bool = False, whole: bool = False) -> None:
    stored = {**order_store.order_doc(order), "updated_at": BEFORE - dt.timedelta(minutes=minutes_ago)}
    if old:
        del stored[order_store.TITLE_WORDS]
    if whole:  # as orders kept them before their words' starts
        stored[order_store.TITLE_WORDS] = words(order.title)
    client.document(order_store.order_path(order.manager_id, order.order_id)).set(stored)


def seed(client) -> None:
    store(client, an_order("BC-2026-011", title="Fuite d'eau — cuisine"), 5)
    store(client, an_order("bc-2026-012", title="Peinture du hall"), 1)
    store(client, an_order("BC-2026-013", title="Fuite toiture", contractor_id="ctr-other"), 2)
    store(client, an_order("BC-2026-014", title="Fuite radiateur", manager_id=OTHER), 3)
    store(client, an_order("BC-2027-001", title="Réparation chaudière"), 4)
    store(client, an_order("BC-2026-015", title="Fuite ancienne"), 6, old=True)
    store(client, an_order("RV-2026-1", title="Ravalement façade"), 7, whole=True)


def found(client, q: str, role: str = "manager", tenant: str = MANAGER, **args: str) -> list[tuple[str, str]]:
    query, errors = parse_query(role, tenant, {"q": q, **args})
    assert errors == []
    page = order_list.list_orders(query, FirestoreUnitOfWork(client), FixedClock(NOW))
    assert page["next_cursor"] is None
    return [(r["manager_id"], r["order_id"]) for r in page["orders"]]


def test_the_search_finds_by_reference_start_and_by_title_word_in_the_callers_scope_only(clean_firestore):
    seed(clean_firestore)
    # A manager: the references starting with it, any case, newest activity first; words without accents or case
    assert found(clean_firestore, "Bc-2026-01") == [(MANAGER, "bc-2026-012"), (MANAGER, "BC-2026-013"),
                                                    (MANAGER, "BC-2026-011"), (MANAGER, "BC-2026-015")]
    assert found(clean_firestore, "FUITE") == [(MANAGER, "BC-2026-013"), (MANAGER, "BC-2026-011")]
    assert found(clean_firestore, "chaudiere") == [(MANAGER, "BC-2027-001")]
    assert found(clean_firestore, "fuite eau") == [(MANAGER, "BC-2026-011")]
    # a word's start of 3 letters or more finds it as well, every word typed the start of one; 2 letters do not
    assert found(clean_firestore, "fui") == [(MANAGER, "BC-2026-013"), (MANAGER, "BC-2026-011")]
    assert found(clean_firestore, "Chaud répa") == [(MANAGER, "BC-2027-001")]
    assert found(clean_firestore, "cuis toit") == []
    assert found(clean_firestore, "ch") == []
    # with a contractor filter (composite indexes), and another filter checked on the rows
    assert found(clean_firestore, "bc-2026", contractor_id="ctr-other") == [(MANAGER, "BC-2026-013")]
    assert found(clean_firestore, "fuite", contractor_id="ctr-test") == [(MANAGER, "BC-2026-011")]
    assert found(clean_firestore, "bc-2026", state="closed") == []
    # A contractor across its clients' spaces (collection group), or naming one; never another contractor's order
    assert found(clean_firestore, "BC-2026-01", "contractor", "ctr-test") == [
        (MANAGER, "bc-2026-012"), (OTHER, "BC-2026-014"), (MANAGER, "BC-2026-011"), (MANAGER, "BC-2026-015")]
    assert found(clean_firestore, "fuite", "contractor", "ctr-test", manager_id=OTHER) == [(OTHER, "BC-2026-014")]
    assert found(clean_firestore, "bc-2026-013", "contractor", "ctr-test") == []
    assert found(clean_firestore, "toiture", "contractor", "ctr-test") == []
    assert found(clean_firestore, "toit", "contractor", "ctr-test") == []  # nor by a word's start
    assert found(clean_firestore, "radia", "contractor", "ctr-test") == [(OTHER, "BC-2026-014")]
    assert found(clean_firestore, "toit", "contractor", "ctr-other") == [(MANAGER, "BC-2026-013")]
    assert found(clean_firestore, "bc-2026-01", "contractor", "ctr-other") == [(MANAGER, "BC-2026-013")]
    # Another manager's space holds none of them
    assert found(clean_firestore, "bc-2026-011", "manager", OTHER) == []


def test_the_backfill_gives_older_orders_their_title_words_after_a_dry_run_once_and_the_search_finds_them(
        clean_firestore):
    seed(clean_firestore)
    clean_firestore.document(f"managers/{MANAGER}/orders/BC-BROKEN").set({"order_id": "BC-BROKEN"})
    # Given an order stored before its title words: found by its reference's start only; and one stored when they
    # were whole words: found by a whole word, not by a word's start
    assert found(clean_firestore, "ancienne") == [] and found(clean_firestore, "bc-2026-015") == [
        (MANAGER, "BC-2026-015")]
    assert found(clean_firestore, "facade") == [(MANAGER, "RV-2026-1")] and found(clean_firestore, "rava") == []
    # When the operator runs a dry run, one order a page
    dry = backfill.backfill(FirestoreUnitOfWork(clean_firestore), page=1)
    # Then it counts what lacks its words, writes nothing, and lists the record without a title
    assert (dry.read, dry.kept, dry.written) == (8, 5, 2)
    assert dry.unreadable == [f"managers/{MANAGER}/orders/BC-BROKEN"]
    assert found(clean_firestore, "ancienne") == [] and found(clean_firestore, "rava") == []
    # When it applies it
    done = backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True, page=2)
    # Then the older orders are found by a word of their title or its start, their activity untouched, audited
    assert done.written == 2 and found(clean_firestore, "Ancienne") == [(MANAGER, "BC-2026-015")]
    assert found(clean_firestore, "ancien") == [(MANAGER, "BC-2026-015")]
    assert found(clean_firestore, "rava") == [(MANAGER, "RV-2026-1")]
    stored = clean_firestore.document(order_store.order_path(MANAGER, "BC-2026-015")).get().to_dict()
    assert stored["title_words"] == ["fuite", "ancienne", "fui", "fuit", "anc", "anci", "ancie", "ancien", "ancienn"]
    assert stored["updated_at"] == BEFORE - dt.timedelta(minutes=6)
    audited = [snap.to_dict() for snap in clean_firestore.collection_group("audit").stream()]
    assert sum(1 for r in audited if r.get("who") == backfill.WHO) == 2
    # And a second run writes nothing
    assert backfill.backfill(FirestoreUnitOfWork(clean_firestore), apply=True).written == 0
