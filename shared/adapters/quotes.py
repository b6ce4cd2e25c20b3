"""Finding quotes to expire across every manager's space (``managers/<m>/quotes/<q>``).

A collection-group query on ``quotes``: ``state == "submitted"`` and ``valid_until < before``
(ISO dates compare as strings). In production it needs the composite collection-group index
``quotes (state, valid_until)`` (infra/terraform/firestore.tf).
"""

from __future__ import annotations

import datetime as dt

from google.cloud.firestore import FieldFilter


class FirestoreQuoteIndex:
    def __init__(self, client):
        self.db = client

    def expirable(self, before: dt.date, limit: int) -> list[tuple[str, str]]:
        query = (self.db.collection_group("quotes")
                 .where(filter=FieldFilter("state", "==", "submitted"))
                 .where(filter=FieldFilter("valid_until", "<", before.isoformat()))
                 .limit(limit))
        found = []
        for snap in query.stream():
            parts = snap.reference.path.split("/")
            if len(parts) == 4 and parts[0] == "managers" and parts[2] == "quotes":
                found.append((parts[1], parts[3]))
        return found
