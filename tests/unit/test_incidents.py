"""Incidents (B9): the report's validation, the state machine as data, D8's length by severity."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import deadlines as dl
from shared.domain.errors import DomainError
from shared.domain.incidents import TRANSITIONS, Incident, IncidentState, ReportIncident, severity_variant
from shared.domain.validation import parse_json
from shared.service import legacy_deadlines as svc
from shared.service import incidents as incidents_svc
from tests.deadline_fakes import InMemoryDeadlineStore
from tests.fakes import FixedClock

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


class CreatedIncidents:
    def __init__(self):
        self.data = {}

    def create(self, incident) -> bool:
        if incident.incident_id in self.data:
            return False
        self.data[incident.incident_id] = incident
        return True


@pytest.mark.parametrize("role, tenant, given, expected", [
    ("manager", "mgr-reunion", None, "974"),      # a manager's own territory
    ("manager", "mgr-reunion", "971", "971"),     # unless the report names one
    ("manager", "mgr-unknown", None, "75"),       # Paris when its territory is not known
    ("contractor", "ctr-test", None, "75"),       # other reporters name theirs, else Paris
])
def test_a_report_without_territory_is_counted_in_the_reporter_s_own(role, tenant, given, expected):
    store = InMemoryDeadlineStore()
    store.manager_territories["mgr-reunion"] = "974"
    body = {"severity": 3, "title": "Export lent", "description": "Plus de 10 minutes"}
    command = ReportIncident.model_validate({**body, **({"territory": given} if given else {})})
    # When the incident is reported (severity 3: 8 working hours in the territory)
    incident, d8 = incidents_svc.report_incident("u-1", role, tenant, "key-1", command, CreatedIncidents(), store,
                                                 None, FixedClock(REPORTED))
    # Then the incident and its D8 are counted there
    assert incident.territory == expected and d8.territory == expected


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


@pytest.mark.parametrize(("severity", "due"), [
    (1, dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)),  # 1 elapsed hour
    (2, dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)),
    (3, dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)),  # 8 working hours: 10:00 → 18:00 Paris
    (4, dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)),  # 24 working hours: Mon 8 h + Tue 9 h + Wed 7 h → 16:00
])
def test_d8_lasts_as_long_as_the_catalogue_says_for_the_severity(severity, due):
    # Given the catalogue's D8 variants
    # When D8 is planned for an incident of this severity reported Monday 10:00 in Paris
    d = svc.plan_deadline("D8", "D8-x", tenant_id="ctr-test", territory="75", started_at=REPORTED, ref="inc-x",
                          variant=severity_variant(severity))
    # Then its due time follows the severity's length
    assert d.length == dl.KINDS["D8"].variants[str(severity)]
    assert d.due_at == due
