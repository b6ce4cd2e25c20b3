"""Incidents (B9, D8): the operator resolves them; reporters list their own with where D8 stands, the operator all."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.incidents import IncidentCursor, IncidentState, ResolveIncident, list_filters
from shared.ports import ConcurrencyConflict, Versioned
from shared.service import incidents as svc
from tests.fakes import FixedClock
from tests.unit.test_incidents import REPORTED, an_incident


class Incidents:
    def __init__(self, *found):
        self.data = {i.incident_id: (i, 1) for i in found}
        self.updates = 0

    def get(self, incident_id):
        return Versioned(*self.data[incident_id]) if incident_id in self.data else None

    def update(self, incident, version):
        if self.data[incident.incident_id][1] != version:
            raise ConcurrencyConflict(incident.incident_id)
        self.updates += 1
        self.data[incident.incident_id] = (incident, version + 1)

    def page(self, reporter, state, severity, after, size):
        # what the Firestore query does: equality filters, newest first by (reported_at, id), after the cursor
        key = lambda i: (i.reported_at, i.incident_id)  # noqa: E731
        found = sorted((i for i, _ in self.data.values()
                        if (reporter is None or (i.reporter_tenant, i.reporter_role) == reporter)
                        and (state is None or i.state.value == state) and (severity is None or i.severity == severity)),
                       key=key, reverse=True)
        if after is not None:
            found = [i for i in found if key(i) < (after.reported_at, after.incident_id)]
        return found[:size]


def test_resolving_an_acknowledged_incident_records_the_resolution_once():
    # Given an incident acknowledged in time
    acknowledged = an_incident().move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(minutes=30), "op-1")
    store, clock = Incidents(acknowledged), FixedClock(REPORTED + dt.timedelta(hours=5))
    command = ResolveIncident(incident_id="inc-1", resolution="Certificat renouvelé.")
    # When the operator resolves it, then resolves it again later (a retry)
    first = svc.resolve_incident("op-2", command, store, clock)
    clock.advance(hours=1)
    again = svc.resolve_incident("op-2", command.model_copy(update={"resolution": "Autre"}), store, clock)
    # Then it is resolved once, with its resolution, and its first response (D8) is untouched
    assert (first.state, first.resolution, first.resolved_by) == (IncidentState.RESOLVED, "Certificat renouvelé.", "op-2")
    assert again == first and store.updates == 1
    assert (first.acknowledged_at, first.first_response_met, first.d8_status(clock.now())) == (
        acknowledged.acknowledged_at, True, "met")


def test_an_incident_not_yet_acknowledged_cannot_be_resolved_and_an_unknown_one_is_not_found():
    store, clock = Incidents(an_incident()), FixedClock(REPORTED)
    with pytest.raises(DomainError) as illegal:
        svc.resolve_incident("op", ResolveIncident(incident_id="inc-1", resolution="r"), store, clock)
    with pytest.raises(DomainError) as missing:
        svc.resolve_incident("op", ResolveIncident(incident_id="inc-x", resolution="r"), store, clock)
    assert [e.code for e in illegal.value.errors] == ["ILLEGAL_TRANSITION"]
    assert [e.code for e in missing.value.errors] == ["INCIDENT_NOT_FOUND"]


def test_d8_stands_running_until_due_then_missed_and_an_answer_fixes_it():
    incident = an_incident()
    # Then, unanswered, D8 runs up to its due time and is missed after it
    assert incident.d8_status(REPORTED + dt.timedelta(minutes=60)) == "running"
    assert incident.d8_status(REPORTED + dt.timedelta(minutes=61)) == "missed"
    # And a late acknowledgement keeps it missed for ever
    late = incident.move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(minutes=90), "op")
    assert late.d8_status(REPORTED + dt.timedelta(days=9)) == "missed"


def test_a_reporter_lists_its_own_incidents_and_the_operator_all_filtered_by_state_or_severity():
    # Given incidents of a contractor, of a manager with the same tenant id, and of another contractor
    mine = an_incident(incident_id="inc-1")
    mine_later = an_incident(incident_id="inc-2", severity=3, reported_at=REPORTED + dt.timedelta(hours=1))
    same_tenant_other_role = an_incident(incident_id="inc-3", reporter_role="manager")
    other = an_incident(incident_id="inc-4", reporter_tenant="ctr-other").move(
        IncidentState.ACKNOWLEDGED, REPORTED, "op")
    store, clock = Incidents(mine, mine_later, same_tenant_other_role, other), FixedClock(REPORTED)
    # When the contractor lists, then the operator lists everything, acknowledged ones, severity 3
    listed = svc.list_incidents("contractor", "ctr-test", {}, store, clock)["incidents"]
    everything = svc.list_incidents("operator", "platform", {}, store, clock)["incidents"]
    acknowledged = svc.list_incidents("operator", "platform", list_filters({"state": "acknowledged"})[0], store,
                                      clock)["incidents"]
    severe = svc.list_incidents("operator", "platform", list_filters({"severity": "3"})[0], store, clock)["incidents"]
    # Then the contractor sees its two, most recent first, each with D8's state; the operator sees as filtered
    assert [(i["incident_id"], i["d8_state"]) for i in listed] == [("inc-2", "running"), ("inc-1", "running")]
    assert {i["incident_id"] for i in everything} == {"inc-1", "inc-2", "inc-3", "inc-4"}
    assert [(i["incident_id"], i["d8_state"]) for i in acknowledged] == [("inc-4", "met")]
    assert [i["incident_id"] for i in severe] == ["inc-2"]


def test_list_filters_name_each_bad_query_parameter():
    _, errors = list_filters({"state": "closed", "severity": "5", "limit": "201", "cursor": "bm9wZQ"})
    assert [(e.field, e.code) for e in errors] == [
        ("query.state", "INVALID_VALUE"), ("query.severity", "INVALID_VALUE"),
        ("query.limit", "OUT_OF_RANGE"), ("query.cursor", "INVALID_CURSOR")]
    assert list_filters({})[0] == {"limit": 50} and list_filters({"limit": "200"})[0]["limit"] == 200


def test_a_cursor_round_trips_and_a_tampered_one_does_not_decode():
    cursor = IncidentCursor(REPORTED, "inc-0123456789abcdef01234567")
    assert IncidentCursor.decode(cursor.encode()) == cursor
    token = cursor.encode()
    for tampered in (token[:-3], token + "x", "e30", "eyJ0IjoiMjAyNi0wMy0xMlQwNzo1MjowMCIsImkiOiJpbmMtMSJ9"):
        assert IncidentCursor.decode(tampered) is None, tampered  # truncated, padded, {}, a naive time


def test_pages_follow_each_other_newest_first_with_ties_broken_by_id_until_the_last():
    # Given five incidents of one reporter, two of them reported at the same instant, and one of another reporter
    same = REPORTED + dt.timedelta(hours=2)
    times = (REPORTED, REPORTED + dt.timedelta(hours=1), same, same, REPORTED + dt.timedelta(hours=3))
    mine = [an_incident(incident_id=f"inc-{n}", reported_at=at) for n, at in enumerate(times, start=1)]
    store, clock = Incidents(*mine, an_incident(incident_id="inc-9", reporter_tenant="ctr-other")), FixedClock(REPORTED)
    # When the reporter walks its list two at a time
    pages, cursor = [], None
    while True:
        query = list_filters({"limit": "2", **({"cursor": cursor} if cursor else {})})[0]
        page = svc.list_incidents("contractor", "ctr-test", query, store, clock)
        pages.append([i["incident_id"] for i in page["incidents"]])
        assert page["count"] == len(page["incidents"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then it sees each of its own once, newest first, the tie by id, and the last page ends the list
    assert pages == [["inc-5", "inc-4"], ["inc-3", "inc-2"], ["inc-1"]]
