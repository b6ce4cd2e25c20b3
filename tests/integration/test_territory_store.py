"""B18 territories on the Firestore emulator: the manager's own territory, read through the unit of work from
its space or its account requests."""

from __future__ import annotations

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.service.territories import manager_territory, order_territory, reader


def test_a_managers_territory_comes_from_its_space_else_its_latest_account_request(clean_firestore):
    def uow():
        return FirestoreUnitOfWork(clean_firestore)

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
    assert manager_territory(uow(), "mgr-test") == "974"
    assert order_territory(reader(uow()), "mgr-test", "AC-2026-017", None).code == "974"
    # When the manager's space names its territory
    clean_firestore.document("managers/mgr-test").set({"name": "mgr-test", "territory": "57"}, merge=True)
    # Then that wins, and a manager with neither has none (Paris is the last resort, above it)
    assert manager_territory(uow(), "mgr-test") == "57"
    assert manager_territory(uow(), "mgr-other") is None
    assert order_territory(reader(uow()), "mgr-other", "AC-2026-017", None).code == "75"
