"""Incidents (B9, D8): the operator resolves them; reporters list their own with where D8 stands, the operator all."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.incidents import (
    AcknowledgeIncident, IncidentCursor, IncidentState, ReportIncident, ResolveIncident, list_filters,
)
from shared.service import incidents as svc
from tests.fakes import World
from tests.unit.test_incidents import REPORTED, an_incident


def a_world(*incidents, at=REPORTED) -> World:
    """The platform in memory with these incidents stored as the service stores them."""
    world = World(at)
    for incident in incidents:
        world.seed(svc.incident_path(incident.incident_id), svc.incident_doc(incident))
    return world


def test_acknowledging_moves_the_incident_and_stops_d8_in_one_commit_and_the_first_response_stands():
    # Given a contractor's severity-1 incident, reported with its D8
    world = World(REPORTED)
    command = ReportIncident(severity=1, title="Portail bloqué", description="Plus de connexion")
    incident, _ = svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(), world.clock)
    # When the operator acknowledges it 70 minutes later, then again (a retry) later still
    world.clock.advance(minutes=70)
    commits = world.db.commits
    acknowledged, d8 = svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id,
                                                                            note="Pris en charge"),
                                                world.uow(), world.clock)
    world.clock.advance(hours=1)
    again, same = svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id),
                                           world.uow(), world.clock)
    # Then one commit moved the incident and stopped D8 at the acknowledgement, missed: 10 minutes late
    assert world.db.commits == commits + 1
    assert acknowledged.state is IncidentState.ACKNOWLEDGED and acknowledged.first_response_met is False
    stored = world.deadlines("ctr-test")[incident.deadline_id]
    assert d8 == stored and (stored.state.value, stored.stopped_at) == ("missed", acknowledged.acknowledged_at)
    # And the retry changed nothing and answers the first response
    assert (again, same) == (acknowledged, d8)
    assert svc.incident_from(world.db.data(f"incidents/{incident.incident_id}")) == acknowledged
    # And an unknown incident is not found
    with pytest.raises(DomainError) as missing:
        svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id="inc-x"), world.uow(), world.clock)
    assert [e.code for e in missing.value.errors] == ["INCIDENT_NOT_FOUND"]


def test_resolving_an_acknowledged_incident_records_the_resolution_once():
    # Given an incident acknowledged in time
    acknowledged = an_incident().move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(minutes=30), "op-1")
    world = a_world(acknowledged, at=REPORTED + dt.timedelta(hours=5))
    clock = world.clock
    command = ResolveIncident(incident_id="inc-1", resolution="Certificat renouvelé.")
    # When the operator resolves it, then resolves it again later (a retry)
    first = svc.resolve_incident("op-2", command, world.uow(), clock)
    clock.advance(hours=1)
    again = svc.resolve_incident("op-2", command.model_copy(update={"resolution": "Autre"}), world.uow(), clock)
    # Then it is resolved once, with its resolution, and its first response (D8) is untouched
    assert (first.state, first.resolution, first.resolved_by) == (IncidentState.RESOLVED, "Certificat renouvelé.", "op-2")
    assert again == first and world.db.commits == 1
    assert svc.incident_from(world.db.data("incidents/inc-1")) == first
    assert (first.acknowledged_at, first.first_response_met, first.d8_status(clock.now())) == (
        acknowledged.acknowledged_at, True, "met")


def test_an_incident_not_yet_acknowledged_cannot_be_resolved_and_an_unknown_one_is_not_found():
    world = a_world(an_incident())
    with pytest.raises(DomainError) as illegal:
        svc.resolve_incident("op", ResolveIncident(incident_id="inc-1", resolution="r"), world.uow(), world.clock)
    with pytest.raises(DomainError) as missing:
        svc.resolve_incident("op", ResolveIncident(incident_id="inc-x", resolution="r"), world.uow(), world.clock)
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
    world = a_world(mine, mine_later, same_tenant_other_role, other)
    uow, clock = world.uow(), world.clock
    # When the contractor lists, then the operator lists everything, acknowledged ones, severity 3
    listed = svc.list_incidents("contractor", "ctr-test", {}, uow, clock)["incidents"]
    everything = svc.list_incidents("operator", "platform", {}, uow, clock)["incidents"]
    acknowledged = svc.list_incidents("operator", "platform", list_filters({"state": "acknowledged"})[0], uow,
                                      clock)["incidents"]
    severe = svc.list_incidents("operator", "platform", list_filters({"severity": "3"})[0], uow, clock)["incidents"]
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
    world = a_world(*mine, an_incident(incident_id="inc-9", reporter_tenant="ctr-other"))
    # When the reporter walks its list two at a time
    pages, cursor = [], None
    while True:
        query = list_filters({"limit": "2", **({"cursor": cursor} if cursor else {})})[0]
        page = svc.list_incidents("contractor", "ctr-test", query, world.uow(), world.clock)
        pages.append([i["incident_id"] for i in page["incidents"]])
        assert page["count"] == len(page["incidents"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then it sees each of its own once, newest first, the tie by id, and the last page ends the list
    assert pages == [["inc-5", "inc-4"], ["inc-3", "inc-2"], ["inc-1"]]
