"""Incidents in Firestore: ``incidents/{incident_id}`` (top level, docs/penalties.md).

Top level rather than under a space because four kinds of reporter (manager, contractor,
beneficiary, purchasing body) file them and the operator answers all of them; each document
carries ``reporter_tenant`` and ``reporter_role`` and firestore.rules lets exactly that
reporter read it. New incidents are written with ``create()``, changes with a
``last_update_time`` precondition.
"""

from __future__ import annotations

from typing import Any

from google.api_core import exceptions as gexc
from google.cloud.firestore import FieldFilter

from shared.domain.incidents import Incident
from shared.ports import ConcurrencyConflict, Versioned

COLLECTION = "incidents"


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
            self.collection.document(incident.incident_id).create(incident.model_dump(mode="json"))
            return True
        except gexc.AlreadyExists:
            return False

    def update(self, incident: Incident, version: Any) -> None:
        try:
            self.collection.document(incident.incident_id).update(
                incident.model_dump(mode="json"), option=self.db.write_option(last_update_time=version))
        except (gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict, gexc.NotFound) as exc:
            raise ConcurrencyConflict(str(exc)) from exc

    def list(self, reporter: tuple[str, str] | None, state: str | None, severity: int | None,
             limit: int) -> list[Incident]:
        """Equality filters only (merged single-field indexes, no composite index to deploy); the
        caller sorts. A reporter's list filters on its tenant and role, as firestore.rules demands."""
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
        return [Incident.model_validate(snap.to_dict(), strict=False) for snap in query.limit(limit).stream()]
