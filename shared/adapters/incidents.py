"""Incidents in Firestore: ``incidents/{incident_id}`` (top level, docs/penalties.md).

Top level rather than under a space because four kinds of reporter (manager, contractor,
beneficiary, purchasing body) file them and the operator answers all of them; each document
carries ``reporter_tenant`` and ``reporter_role`` and firestore.rules lets exactly that
reporter read it. New incidents are written with ``create()``, changes with a
``last_update_time`` precondition.

Lists are ordered by Firestore, newest first: ``reported_at`` then the document id, both
descending, after the equality filters (reporter tenant and role, state, severity); the
composite indexes are in infra/terraform/firestore.tf (the emulator needs none). ``reported_at``
is stored as fixed-width UTC text (``2026-03-12T07:52:00.000000Z``), so text order is time order;
incidents written before that kept pydantic's form (``…:00Z`` without microseconds), which sorts
the same except within its own second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud.firestore import FieldFilter, Query

from shared.domain.incidents import Incident, IncidentCursor
from shared.ports import ConcurrencyConflict, Versioned

COLLECTION = "incidents"
ORDERED_BY = "reported_at"


def sort_key(at: dt.datetime) -> str:
    """reported_at as stored: fixed-width UTC text, whose text order is time order."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _document(incident: Incident) -> dict[str, Any]:
    return {**incident.model_dump(mode="json"), ORDERED_BY: sort_key(incident.reported_at)}


class FirestoreIncidents:
    def __init__(self, client):
        self.db = client
        self.collection = client.collection(COLLECTION)

    def get(self, incident_id: str) -> Versioned[Incident] | None:
        snap = self.collection.document(incident_id).get()
        if not snap.exists:
            return None
        return Versioned(Incident.model_validate(snap.to_dict(), strict=False), snap.update_time)

    def create(self, incident: Incident) -> bool:
        try:
            self.collection.document(incident.incident_id).create(_document(incident))
            return True
        except gexc.AlreadyExists:
            return False

    def update(self, incident: Incident, version: Any) -> None:
        try:
            self.collection.document(incident.incident_id).update(
                _document(incident), option=self.db.write_option(last_update_time=version))
        except (gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict, gexc.NotFound) as exc:
            raise ConcurrencyConflict(str(exc)) from exc

    def page(self, reporter: tuple[str, str] | None, state: str | None, severity: int | None,
             after: IncidentCursor | None, size: int) -> list[Incident]:
        """Newest first, ordered server-side. A reporter's list filters on its tenant and role, as
        firestore.rules demands."""
        query = self.collection
        conditions = []
        if reporter is not None:
            conditions += [("reporter_tenant", reporter[0]), ("reporter_role", reporter[1])]
        if state is not None:
            conditions.append(("state", state))
        if severity is not None:
            conditions.append(("severity", severity))
        for name, value in conditions:
            query = query.where(filter=FieldFilter(name, "==", value))
        query = (query.order_by(ORDERED_BY, direction=Query.DESCENDING)
                 .order_by("__name__", direction=Query.DESCENDING))
        if after is not None:
            query = query.start_after({ORDERED_BY: sort_key(after.reported_at),
                                       "__name__": self.collection.document(after.incident_id)})
        return [Incident.model_validate(snap.to_dict(), strict=False) for snap in query.limit(size).stream()]
