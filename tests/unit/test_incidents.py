"""Incidents (B9): the report's validation, the state machine as data, D8's length by severity."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import deadlines as dl
from shared.domain.errors import DomainError
from shared.domain.incidents import TRANSITIONS, Incident, IncidentState, ReportIncident, severity_variant
from shared.domain.validation import parse_json
from shared.service import deadlines as svc
from shared.service import incidents as incidents_svc
from tests.fakes import World

# Monday 2 March 2026, 10:00 in Paris.
REPORTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def an_incident(**overrides) -> Incident:
    values = {"incident_id": "inc-1", "reporter_tenant": "ctr-test", "reporter_role": "contractor",
              "reported_by": "u-1", "severity": 1, "title": "Portail bloqué", "description": "Plus de connexion",
              "territory": "75", "reported_at": REPORTED, "deadline_id": "D8-inc-1",
              "due_at": REPORTED + dt.timedelta(hours=1)}
    return Incident(**{**values, **overrides})


def test_a_report_needs_a_severity_from_1_to_4_a_title_and_a_description():
    # Given a report with a severity out of range, an empty title, no description and an unknown field
    body = b'{"severity": 5, "title": "", "extra": 1}'
    # When it is parsed
    command, errors = parse_json(ReportIncident, body)
    # Then every problem is named by its field
    assert command is None
    assert {(e.field, e.code) for e in errors} >= {("$.severity", "OUT_OF_RANGE"), ("$.description", "REQUIRED"),
                                                   ("$.extra", "UNKNOWN_FIELD")}
    assert any(e.field == "$.title" for e in errors)


def test_a_report_may_name_an_order_or_a_need():
    # Given a report naming an order
    command, errors = parse_json(ReportIncident, b'{"severity": 3, "title": "t", "description": "d", '
                                                 b'"order_id": "T-1"}')
    # Then it is accepted, with no territory of its own (the reporter's applies)
    assert errors == [] and command.order_id == "T-1" and command.territory is None


@pytest.mark.parametrize("role, tenant, given, expected", [
    ("manager", "mgr-reunion", None, "974"),      # a manager's own territory
    ("manager", "mgr-reunion", "971", "971"),     # unless the report names one
    ("manager", "mgr-unknown", None, "75"),       # Paris when its territory is not known
    ("contractor", "ctr-reunion", None, "974"),   # a contractor's registered territory
    ("contractor", "ctr-reunion", "971", "971"),  # unless the report names one
    ("contractor", "ctr-test", None, "75"),       # a contractor registered with none: Paris
    ("purchasing_body", "centrale-reunion", None, "974"),  # the purchasing body's registered territory
    ("purchasing_body", "centrale-demo", None, "75"),      # a purchasing body never registered: Paris
])
def test_a_report_without_territory_is_counted_in_the_reporter_s_own(role, tenant, given, expected):
    world = World(REPORTED)
    world.seed("managers/mgr-reunion", {"name": "Réunion Habitat", "territory": "974"})
    world.seed("contractors/ctr-reunion", {"name": "Réunion Maintenance", "managers": [], "territory": "974"})
    world.seed("contractors/ctr-test", {"name": "Test", "managers": []})
    world.seed("purchasing_bodies/centrale-reunion", {"name": "Centrale", "territory": "974"})
    body = {"severity": 3, "title": "Export lent", "description": "Plus de 10 minutes"}
    command = ReportIncident.model_validate({**body, **({"territory": given} if given else {})})
    # When the incident is reported (severity 3: 8 working hours in the territory)
    incident, d8 = incidents_svc.report_incident("u-1", role, tenant, "key-1", command, world.uow(), world.clock)
    # Then the incident and its D8 are counted there, as stored
    assert incident.territory == expected and d8.territory == expected
    assert world.deadlines(tenant)[incident.deadline_id].territory == expected


def test_a_report_stores_the_incident_and_opens_d8_in_one_commit_once():
    # Given a contractor's severity-1 report
    world = World(REPORTED)
    command = ReportIncident(severity=1, title="Portail bloqué", description="Plus de connexion")
    # When it is reported, then sent again with the same Idempotency-Key
    incident, d8 = incidents_svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(),
                                                 world.clock)
    commits = world.db.commits
    again, same = incidents_svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(),
                                                world.clock)
    # Then the incident, its D8 (due in one hour, timer armed) and the operator's alert were written by one
    # commit (then the alert marked sent once published); the retry wrote nothing
    assert commits == 2 and world.db.commits == 2
    [alert] = world.outbox("sent")
    assert (alert.topic, alert.event_type.value) == ("incident-alerts", "fr.passerelle.incident.alert.v1")
    assert [topic for topic, *_ in world.publisher.published] == ["incident-alerts"]
    assert alert.data["incident_id"] == incident.incident_id and alert.data["severity"] == 1
    assert (again, same) == (incident, d8)
    stored = world.db.data(f"incidents/{incident.incident_id}")
    assert stored["reported_at"] == "2026-03-02T09:00:00.000000Z" and stored["deadline_id"] == d8.deadline_id
    assert world.deadlines("ctr-test")[d8.deadline_id].due_at == incident.due_at == REPORTED + dt.timedelta(hours=1)
    assert [t["payload"]["deadline_id"] for t in world.queue.tasks.values()] == [d8.deadline_id]


def test_an_incident_stored_without_its_d8_gets_it_as_first_planned_on_a_retry():
    # Given an incident whose D8 is missing (stored by the two-commit code, which died between its writes)
    world = World(REPORTED)
    command = ReportIncident(severity=3, title="Export lent", description="Plus de 10 minutes", territory="974")
    incident_id = incidents_svc.incident_id_for("contractor", "ctr-test", "key-1")
    planned = svc.plan_deadline("D8", f"D8-{incident_id}", tenant_id="ctr-test", territory="974",
                                started_at=REPORTED, ref=incident_id, variant="3")
    lost = an_incident(incident_id=incident_id, severity=3, territory="974", deadline_id=planned.deadline_id,
                       due_at=planned.due_at)
    world.seed(incidents_svc.incident_path(incident_id), incidents_svc.incident_doc(lost))
    world.clock.advance(hours=2)
    # When the report is retried with its Idempotency-Key
    incident, d8 = incidents_svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(),
                                                 world.clock)
    # Then D8 is opened from the incident's own report time and territory, not from the retry's
    assert incident == lost and d8.started_at == REPORTED and d8.territory == "974" and d8.due_at == lost.due_at
    assert world.deadlines("ctr-test")[planned.deadline_id].due_at == planned.due_at


def test_the_report_log_names_the_incident_s_severity_apart_from_the_log_level(caplog):
    # Given a severity-2 report
    world = World(REPORTED)
    command = ReportIncident(severity=2, title="Lenteurs", description="Réponses en 30 s")
    # When it is reported
    with caplog.at_level("INFO", logger="shared.service.incidents"):
        incidents_svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(), world.clock)
    # Then the log line carries incident_severity (Cloud Logging reads "severity" as the level)
    [record] = [r for r in caplog.records if r.getMessage() == "incident reported"]
    assert record.incident_severity == 2 and not hasattr(record, "severity")


def test_the_incident_moves_reported_acknowledged_resolved_and_never_back():
    # Given the transitions as data
    assert TRANSITIONS[IncidentState.REPORTED] == (IncidentState.ACKNOWLEDGED,)
    incident = an_incident()
    # When it is resolved before being acknowledged
    with pytest.raises(DomainError) as refused:
        incident.move(IncidentState.RESOLVED, REPORTED, "op")
    # Then it is refused with the order's code
    assert [e.code for e in refused.value.errors] == ["ILLEGAL_TRANSITION"]
    # When it is acknowledged in time, then resolved
    acknowledged = incident.move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(minutes=59), "op", "vu")
    resolved = acknowledged.move(IncidentState.RESOLVED, REPORTED + dt.timedelta(hours=3), "op")
    # Then the first response is recorded as met, and a resolved incident goes nowhere
    assert acknowledged.first_response_met is True and acknowledged.acknowledged_by == "op"
    assert resolved.state is IncidentState.RESOLVED
    with pytest.raises(DomainError):
        resolved.move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(hours=4), "op")


def test_a_late_first_response_is_recorded_as_missed():
    # Given an incident due one hour after its report
    # When the operator acknowledges it 61 minutes later
    acknowledged = an_incident().move(IncidentState.ACKNOWLEDGED, REPORTED + dt.timedelta(minutes=61), "op")
    # Then the first response missed its deadline
    assert acknowledged.first_response_met is False


FRIDAY_EVENING = dt.datetime(2026, 3, 6, 19, 0, tzinfo=dt.UTC)  # Friday 6 March 2026, 20:00 in Paris


@pytest.mark.parametrize(("severity", "due"), [
    (1, dt.datetime(2026, 3, 6, 20, 0, tzinfo=dt.UTC)),  # 1 elapsed hour
    (2, dt.datetime(2026, 3, 6, 20, 0, tzinfo=dt.UTC)),
    (3, dt.datetime(2026, 3, 7, 3, 0, tzinfo=dt.UTC)),  # 8 elapsed hours: Saturday 04:00 Paris, not Monday 17:00
    (4, dt.datetime(2026, 3, 7, 19, 0, tzinfo=dt.UTC)),  # 24 elapsed hours: Saturday 20:00, not Wednesday
])
def test_d8_first_response_is_counted_in_elapsed_hours_whatever_the_severity(severity, due):
    # Given the catalogue's D8 variants ("1ère réponse dans un délai de 1 / 1 / 8 / 24 heures")
    # When D8 is planned for an incident of this severity reported on a Friday evening in Paris
    d = svc.plan_deadline("D8", "D8-x", tenant_id="ctr-test", territory="75", started_at=FRIDAY_EVENING,
                          ref="inc-x", variant=severity_variant(severity))
    # Then its due time follows the severity's length
    assert d.length == dl.KINDS["D8"].variants[str(severity)]
    assert d.due_at == due
