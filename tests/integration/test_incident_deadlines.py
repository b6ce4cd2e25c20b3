"""D8 run by the deadline service on the Firestore emulator, with an injected clock."""

from __future__ import annotations

import datetime as dt

from shared.adapters.deadlines import FirestoreDeadlineStore
from shared.adapters.incidents import FirestoreIncidents
from shared.domain.incidents import AcknowledgeIncident, ReportIncident
from shared.service import legacy_deadlines as svc
from shared.service import incidents
from tests.fakes import FixedClock

# Monday 2 March 2026, 10:00 in Paris.
REPORTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_an_acknowledgement_after_eight_working_hours_misses_d8_of_a_severity_3_incident(clean_firestore):
    clock = FixedClock(REPORTED)
    store, repo = FirestoreDeadlineStore(clean_firestore), FirestoreIncidents(clean_firestore)
    command = ReportIncident(severity=3, title="Export lent", description="Plus de 10 minutes", territory="75")
    # Given a manager's severity-3 incident reported Monday 10:00 (8 working hours: due 18:00)
    incident, d8 = incidents.report_incident("u-1", "manager", "mgr-test", "key-00000001", command, repo, store,
                                             None, clock)
    assert d8.due_at == dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC) == incident.due_at
    # When the sweep runs after the due time, before any response
    clock.advance(hours=9)
    svc.sweep(store, None, clock)
    # Then D8 is missed
    assert store.get_deadline("mgr-test", incident.deadline_id).value.state.value == "missed"
    # When the operator acknowledges it on Tuesday
    acknowledged, d8 = incidents.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id),
                                                      repo, store, None, clock)
    # Then D8 stays missed, stopped at the acknowledgement, and the incident says so
    assert d8.state.value == "missed" and d8.stopped_at == clock.now()
    assert acknowledged.first_response_met is False
    assert repo.get(incident.incident_id).value.state.value == "acknowledged"
    # And reporting it again with the same key opens nothing new
    again, same = incidents.report_incident("u-1", "manager", "mgr-test", "key-00000001", command, repo, store,
                                            None, clock)
    assert again.incident_id == incident.incident_id and same.state.value == "missed"
