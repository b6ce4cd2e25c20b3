"""Reads of the web application's lists (shared/service/listings.py) on Firestore.

One small query shape: a collection (or a collection group) filtered by equality and ``in``
clauses, at most ``limit`` documents, no ordering (the service sorts the page it returns), so
that production needs no composite index beyond Firestore's automatic single-field ones.
"""

from __future__ import annotations

from typing import Any

from google.cloud.firestore import FieldFilter


class FirestoreListings:
    def __init__(self, client):
        self.db = client

    def rows(self, collection: str, *, group: bool = False, equals: dict[str, Any] | None = None,
             within: dict[str, list[Any]] | None = None, limit: int = 1000) -> list[tuple[str, dict[str, Any]]]:
        """(document path, data) of the matching documents of ``collection`` — every collection of
        that name when ``group`` — at most ``limit``."""
        query = self.db.collection_group(collection) if group else self.db.collection(collection)
        for name, value in (equals or {}).items():
            query = query.where(filter=FieldFilter(name, "==", value))
        for name, values in (within or {}).items():
            query = query.where(filter=FieldFilter(name, "in", values))
        return [(snap.reference.path, snap.to_dict()) for snap in query.limit(limit).stream()]
