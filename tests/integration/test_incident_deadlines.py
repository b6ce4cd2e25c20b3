"""D8 run by the deadline service on the Firestore emulator, with an injected clock."""

from __future__ import annotations

import datetime as dt

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.incidents import AcknowledgeIncident, IncidentCursor, ReportIncident
from shared.service import deadlines, incidents
from tests.fakes import FixedClock

# Monday 2 March 2026, 10:00 in Paris.
REPORTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_an_acknowledgement_after_eight_hours_misses_d8_of_a_severity_3_incident(clean_firestore):
    clock = FixedClock(REPORTED)
    uow = FirestoreUnitOfWork(clean_firestore)
    command = ReportIncident(severity=3, title="Export lent", description="Plus de 10 minutes", territory="75")
    # Given a manager's severity-3 incident reported Monday 10:00 (8 elapsed hours: due 18:00)
    incident, d8 = incidents.report_incident("u-1", "manager", "mgr-test", "key-00000001", command, uow, clock)
    assert d8.due_at == dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC) == incident.due_at
    # When the sweep runs after the due time, before any response
    clock.advance(hours=9)
    deadlines.sweep(uow, clock)
    # Then D8 is missed
    assert deadlines.load(uow.fork(), "mgr-test", incident.deadline_id).state.value == "missed"
    # When the operator acknowledges it on Tuesday
    acknowledged, d8 = incidents.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id),
                                                      uow, clock)
    # Then D8 stays missed, stopped at the acknowledgement, and the incident says so
    assert d8.state.value == "missed" and d8.stopped_at == clock.now()
    assert acknowledged.first_response_met is False
    assert incidents.load_incident(uow.fork(), incident.incident_id).state.value == "acknowledged"
    # And reporting it again with the same key opens nothing new
    again, same = incidents.report_incident("u-1", "manager", "mgr-test", "key-00000001", command, uow, clock)
    assert again.incident_id == incident.incident_id and same.state.value == "missed"


def test_pages_of_incidents_are_ordered_by_firestore_newest_first(clean_firestore):
    # Given five incidents of one contractor, two reported in the same instant, and one of another contractor
    clock = FixedClock(REPORTED)
    command = ReportIncident(severity=4, title="Lenteurs", description="Réponses en 30 s")
    ids = []
    for n, minutes in enumerate((0, 10, 20, 20, 30)):
        clock.at = REPORTED + dt.timedelta(minutes=minutes)
        ids.append(incidents.report_incident("u-1", "contractor", "ctr-test", f"key-{n}", command,
                                             FirestoreUnitOfWork(clean_firestore), clock)[0].incident_id)
    incidents.report_incident("u-9", "contractor", "ctr-other", "key-0", command, FirestoreUnitOfWork(clean_firestore),
                              clock)
    # When the contractor walks its list two at a time
    pages, cursor = [], None
    while True:
        filters = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = incidents.list_incidents("contractor", "ctr-test", filters, FirestoreUnitOfWork(clean_firestore), clock)
        pages.append([i["incident_id"] for i in page["incidents"]])
        cursor = page["next_cursor"] and IncidentCursor.decode(page["next_cursor"])
        if not cursor:
            break
    # Then every one of its own comes once, newest first, the tie broken by id (descending)
    tie = sorted(ids[2:4], reverse=True)
    assert [i for p in pages for i in p] == [ids[4], *tie, ids[1], ids[0]] and len(pages) == 3
