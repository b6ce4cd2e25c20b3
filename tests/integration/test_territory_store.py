"""B18 on the Firestore emulator: the manager's own territory, read from its space or its account requests."""

from __future__ import annotations

from shared.adapters.firestore import FirestoreStore
from shared.service.territories import order_territory


def test_a_managers_territory_comes_from_its_space_else_its_latest_account_request(clean_firestore):
    store = FirestoreStore(clean_firestore)
    # Given a manager whose space says nothing, with two account requests (an older one in 69, the latest in 974)
    for request_id, at, territory in (("r-1", "2026-01-05T09:00:00+00:00", "69"),
                                      ("r-2", "2026-03-05T09:00:00+00:00", "974")):
        clean_firestore.document(f"account_requests/{request_id}").set(
            {"request_id": request_id, "tenant": "mgr-test", "role": "manager", "territory": territory,
             "requested_at": at})
    clean_firestore.document("account_requests/r-3").set(
        {"request_id": "r-3", "tenant": "ben-x", "role": "beneficiary", "territory": "NC",
         "requested_at": "2026-04-01T00:00:00+00:00"})
    # Then its territory is the latest request's, and an order without commune under a contract over
    # the whole territory is counted there
    assert store.manager_territory("mgr-test") == "974"
    assert order_territory(store, "mgr-test", "AC-2026-017", None).code == "974"
    # When the manager's space names its territory
    clean_firestore.document("managers/mgr-test").set({"name": "mgr-test", "territory": "57"}, merge=True)
    # Then that wins, and a manager with neither has none (Paris is the last resort, above it)
    assert store.manager_territory("mgr-test") == "57"
    assert store.manager_territory("mgr-other") is None
    assert order_territory(store, "mgr-other", "AC-2026-017", None).code == "75"
