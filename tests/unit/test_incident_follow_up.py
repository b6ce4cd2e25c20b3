"""B9 as the clause says: phone reports confirmed in writing with the clocks running from the call, follow-ups
and workarounds that stop no clock, the time to resolution on each severity's follow-up clock, and an alert to
the operator for every new severity-1 or -2 incident."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.errors import DomainError
from shared.domain.incidents import (
    AcknowledgeIncident, FollowUpIncident, FollowUpKind, ReportedFor, ReportIncident, ResolveIncident,
)
from shared.domain.penalties import PenaltyTerms
from shared.service import incidents as svc
from shared.service import penalty_terms
from tests.fakes import World

FRIDAY = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)  # Friday 6 March 2026, 16:00 in Paris
AGREEMENT = "AC-2024-AOO-PFI"


def a_report(severity: int, **fields) -> ReportIncident:
    return ReportIncident(severity=severity, title="Plateforme indisponible", description="Erreur 503", **fields)


def test_the_operator_enters_a_phone_report_and_the_clocks_run_from_the_call():
    world = World(FRIDAY)
    call = FRIDAY - dt.timedelta(minutes=50)
    # Given a beneficiary who phoned 50 minutes ago about a severity-1 outage
    command = a_report(1, reported_for=ReportedFor(tenant="ben-lyon", role="beneficiary"), first_reported_at=call)
    # When the operator confirms it in writing
    incident, d8 = svc.report_incident("op-1", "operator", "platform", "key-phone", command, world.uow(), world.clock)
    # Then the incident is the beneficiary's (it reads it), recorded as a phone report entered now
    assert (incident.reporter_tenant, incident.reporter_role, incident.channel) == ("ben-lyon", "beneficiary", "phone")
    assert (incident.reported_at, incident.recorded_at, incident.recorded_by) == (call, FRIDAY, "op-1")
    # And D8 started at the call: 10 minutes are left for the first response
    assert d8.started_at == call and d8.due_at == call + dt.timedelta(hours=1) and d8.tenant_id == "ben-lyon"
    listed = svc.list_incidents("beneficiary", "ben-lyon", {}, world.uow(), world.clock)
    assert [i["incident_id"] for i in listed["incidents"]] == [incident.incident_id]


@pytest.mark.parametrize(("role", "fields", "errors"), [
    ("beneficiary", {"reported_for": ReportedFor(tenant="ben-x", role="beneficiary")},
     [("$.reported_for", "PHONE_REPORT_ONLY")]),
    ("operator", {}, [("$.reported_for", "REQUIRED"), ("$.first_reported_at", "REQUIRED")]),
    ("operator", {"reported_for": ReportedFor(tenant="ben-x", role="beneficiary"),
                  "first_reported_at": FRIDAY + dt.timedelta(minutes=5)}, [("$.first_reported_at", "OUT_OF_RANGE")]),
    ("operator", {"reported_for": ReportedFor(tenant="ben-x", role="beneficiary"),
                  "first_reported_at": FRIDAY - dt.timedelta(days=8)}, [("$.first_reported_at", "OUT_OF_RANGE")]),
])
def test_only_the_operator_enters_a_phone_report_with_a_call_of_the_last_week(role, fields, errors):
    world = World(FRIDAY)
    with pytest.raises(DomainError) as refused:
        svc.report_incident("u", role, "ben-x" if role == "beneficiary" else "platform", "k", a_report(2, **fields),
                            world.uow(), world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == errors
    assert world.db.commits == 0


@pytest.mark.parametrize(("severity", "alerted"), [(1, True), (2, True), (3, False), (4, False)])
def test_a_new_severity_1_or_2_incident_alerts_the_operator_in_the_report_s_commit(severity, alerted):
    world = World(FRIDAY)
    incident, _ = svc.report_incident("u-1", "manager", "mgr-test", "k", a_report(severity), world.uow(), world.clock)
    alerts = [m for m in world.outbox() if m.topic == svc.ALERTS_TOPIC]
    assert bool(alerts) is alerted
    if alerted:
        due = dt.datetime.fromisoformat(alerts[0].data["first_response_due_at"].replace("Z", "+00:00"))
        assert due == incident.due_at and alerts[0].data["severity"] == severity


def test_a_workaround_stops_no_clock_and_the_resolution_counts_from_the_first_report():
    world = World(FRIDAY)
    incident, _ = svc.report_incident("u-1", "contractor", "ctr-test", "k", a_report(2), world.uow(), world.clock)
    # Given the first response 30 minutes later and a workaround 2 hours after the report
    world.clock.advance(minutes=30)
    svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id), world.uow(), world.clock)
    world.clock.advance(minutes=90)
    around = svc.follow_up_incident("op-1", FollowUpIncident(incident_id=incident.incident_id,
                                                              kind=FollowUpKind.WORKAROUND, note="Bascule"),
                                    world.uow(), world.clock)
    # Then the workaround is recorded, the incident stays open and its resolution clock runs on
    assert around.state.value == "acknowledged" and around.workaround_at == FRIDAY + dt.timedelta(hours=2)
    world.clock.advance(hours=3)
    assert around.time_to_resolution(world.clock.now()) == dt.timedelta(hours=5)
    svc.follow_up_incident("op-1", FollowUpIncident(incident_id=incident.incident_id, kind=FollowUpKind.FOLLOW_UP,
                                                    note="Correctif en test"), world.uow(), world.clock)
    # When it is resolved 24 hours after the report (severity 2: followed 24/7)
    world.clock.at = FRIDAY + dt.timedelta(hours=24)
    resolved = svc.resolve_incident("op-1", ResolveIncident(incident_id=incident.incident_id, resolution="Corrigé"),
                                    world.uow(), world.clock)
    # Then its time to resolution is 24 elapsed hours from the report, not from the workaround
    assert resolved.resolution_hours == 24.0
    assert [f.kind.value for f in resolved.follow_ups] == ["workaround", "follow_up"]
    # And once resolved, no more follow-up is recorded
    with pytest.raises(DomainError) as closed:
        svc.follow_up_incident("op-1", FollowUpIncident(incident_id=incident.incident_id, kind=FollowUpKind.FOLLOW_UP,
                                                        note="x"), world.uow(), world.clock)
    assert closed.value.errors[0].code == "INCIDENT_ALREADY_RESOLVED"


def test_a_severity_3_incident_is_followed_in_working_hours_until_resolution():
    world = World(FRIDAY)
    incident, d8 = svc.report_incident("u-1", "contractor", "ctr-test", "k", a_report(3), world.uow(), world.clock)
    # Its first response is due 8 elapsed hours later (Saturday 00:00 Paris), not on Monday
    assert d8.due_at == FRIDAY + dt.timedelta(hours=8)
    # A follow-up before the first response is refused
    with pytest.raises(DomainError) as early:
        svc.follow_up_incident("op-1", FollowUpIncident(incident_id=incident.incident_id, kind=FollowUpKind.FOLLOW_UP,
                                                        note="x"), world.uow(), world.clock)
    assert early.value.errors[0].code == "INCIDENT_NOT_ACKNOWLEDGED"
    svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id), world.uow(), world.clock)
    # When it is resolved on Monday at 11:00 Paris
    world.clock.at = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)
    resolved = svc.resolve_incident("op-1", ResolveIncident(incident_id=incident.incident_id, resolution="Corrigé"),
                                    world.uow(), world.clock)
    # Then its time to resolution counts working hours: Friday 16:00–18:00 and Monday 09:00–11:00
    assert resolved.resolution_hours == 4.0


def test_a_beneficiary_s_d8_is_priced_by_its_agreement_terms_in_force_on_the_report_date():
    world = World(FRIDAY)
    world.seed(f"managers/ben-lyon/contracts/{AGREEMENT}", {"contract_id": AGREEMENT})
    # Given the purchasing body prices D8 in the beneficiary's agreement from Monday 9 March
    penalty_terms.set_penalty_terms(
        "purchasing_body", "canut", "pb-1", SetPenaltyTerms(
            beneficiary_id="ben-lyon", effective_from=dt.date(2026, 3, 9), reason="Avenant n° 1",
            terms=PenaltyTerms(rules_by_kind={"D8": "P1"}, daily_amount_cents={"P1": 20_000})),
        AGREEMENT, world.uow(), world.clock)
    # When the beneficiary reports incidents on Friday, then on Monday
    _, friday = svc.report_incident("u", "beneficiary", "ben-lyon", "k1", a_report(1), world.uow(), world.clock,
                                    agreement_id=AGREEMENT)
    world.clock.at = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    _, monday = svc.report_incident("u", "beneficiary", "ben-lyon", "k2", a_report(1), world.uow(), world.clock,
                                    agreement_id=AGREEMENT)
    # Then Friday's D8 carries no penalty (the amendment was not in force), Monday's is priced 200 EUR a day
    assert (friday.penalty_rule, friday.daily_amount_cents) == (None, None)
    assert (monday.penalty_rule, monday.daily_amount_cents, monday.contract_id) == ("P1", 20_000, AGREEMENT)
