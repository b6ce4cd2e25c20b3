"""Shared edge helper of the web application's list functions: the Firestore query port, built lazily."""

from __future__ import annotations

from shared import bootstrap


def rows():
    from shared.adapters.listings import FirestoreListings

    return FirestoreListings(bootstrap.get("firestore")).rows
