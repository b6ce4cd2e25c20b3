"""OrderIndex over Firestore: a manager's space, or a contractor's orders across every space.

Both queries sort on ``updated_at`` (server time of the order's last write, set by
FirestoreStore.commit) then on the document path, newest first; their composite indexes are
declared in infra/terraform/firestore.tf (the emulator needs none).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from google.cloud import firestore
from pydantic import ValidationError

from shared.adapters.firestore import UPDATED_AT
from shared.domain.order_list import Cursor, OrderQuery
from shared.domain.orders import Order
from shared.service.order_list import IndexedOrder

log = logging.getLogger(__name__)
_PARALLEL_READS = 8


class FirestoreOrderIndex:
    def __init__(self, client: firestore.Client):
        self.db = client

    def page(self, query: OrderQuery, after: Cursor | None, size: int) -> list[IndexedOrder]:
        if query.across_spaces:  # a contractor: every space, only the orders addressed to it
            q = self.db.collection_group("orders").where(
                filter=firestore.FieldFilter("contractor_id", "==", query.contractor_id))
            if query.manager_id:
                q = q.where(filter=firestore.FieldFilter("manager_id", "==", query.manager_id))
        else:
            q = self.db.collection("managers").document(query.manager_id).collection("orders")
            if query.contractor_id:
                q = q.where(filter=firestore.FieldFilter("contractor_id", "==", query.contractor_id))
        if query.state is not None:
            q = q.where(filter=firestore.FieldFilter("state", "==", query.state.value))
        if query.updated_since is not None:
            q = q.where(filter=firestore.FieldFilter(UPDATED_AT, ">=", query.updated_since))
        q = (q.order_by(UPDATED_AT, direction=firestore.Query.DESCENDING)
             .order_by("__name__", direction=firestore.Query.DESCENDING))
        if after is not None:
            q = q.start_after({UPDATED_AT: after.updated_at, "__name__": self.db.document(after.path)})
        rows = []
        for snap in q.limit(size).stream():
            data = snap.to_dict()
            updated_at = data.pop(UPDATED_AT, None)
            data.pop("total_cents", None)
            try:
                order = Order.model_validate(data, strict=False)
            except ValidationError:  # not an order this platform wrote: never listed
                log.warning("unreadable order skipped", extra={"path": snap.reference.path})
                continue
            if query.across_spaces and order.contractor_id != query.contractor_id:
                continue  # belt and braces: the query already says so
            rows.append(IndexedOrder(order, updated_at, snap.reference.path))
        return rows

    def last_events(self, paths: list[str]) -> dict[str, dict[str, Any]]:
        def last(path: str) -> tuple[str, dict[str, Any] | None]:
            events = (self.db.document(path).collection("events")
                      .order_by("received_at", direction=firestore.Query.DESCENDING).limit(1).stream())
            found = [{"event_id": snap.id, **snap.to_dict()} for snap in events]
            return path, found[0] if found else None

        return {path: event for path, event in self._each(last, paths) if event is not None}

    def document_counts(self, paths: list[str]) -> dict[str, int]:
        def count(path: str) -> tuple[str, int]:
            [[result]] = self.db.document(path).collection("documents").count().get()
            return path, int(result.value)

        return dict(self._each(count, paths))

    @staticmethod
    def _each(read, paths: list[str]) -> list:
        with ThreadPoolExecutor(max_workers=min(_PARALLEL_READS, len(paths))) as pool:
            return list(pool.map(read, paths))
