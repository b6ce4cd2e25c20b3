"""Firestore adapters: the unit of work (``unit_of_work``), and — transitional, until every service
uses the unit of work — the older typed store (``legacy_store``)."""

from shared.adapters.firestore.legacy_store import (  # noqa: F401
    UPDATED_AT, FirestoreIdempotencyStore, FirestoreStore, _outbox_doc,
)
