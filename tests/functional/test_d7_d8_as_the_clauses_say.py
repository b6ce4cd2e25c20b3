"""D7 and D8 on the emulators as the clauses say (B5, B9): "72h ouvrées" are 72 hours counted on working
days (or the shorter delay of the beneficiary's agreement); first responses in elapsed hours; a phone report
confirmed in writing with the clocks running from the call; workarounds that stop no clock; the operator
alerted of every new severity-1 or -2 incident on incident-alerts."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from google.cloud import pubsub_v1

from shared.domain import workdays
from shared.service import deadlines
from shared import bootstrap
from tests.functional.erp import Erp, pull_messages
from tests.sourcing_builders import a_beneficiary

AGREEMENT = "AC-2024-AOO-PFI"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_account_is_due_72_hours_counted_on_working_days_or_sooner_when_the_agreement_says_so(platform,
                                                                                                 manager):
    # When a manager asks for an account in Lyon
    asked = manager.post("request_account", {"email": f"{uuid.uuid4().hex[:8]}@rhone-habitat.fr",
                                             "display_name": "Léa Martin", "territory": "69"})
    assert asked.status_code == 202, asked.text
    request = asked.json()
    requested, due = utc(request["requested_at"]), utc(request["due_at"])
    # Then D7 is due after 72 hours counted on the working days of the territory: three working days, midnight
    # to midnight (a request on a weekend or a holiday counts from the next working day's midnight)
    local_requested, local_due = requested.astimezone(workdays.PARIS), due.astimezone(workdays.PARIS)
    if workdays.is_working_day(local_requested.date(), "69"):  # same time of day, three working days later
        assert local_due.time() == local_requested.time()
        assert workdays.working_days_between(local_requested.date(), local_due.date(), "69") == 3
    else:  # from the next working day's midnight: due at the midnight ending the third working day
        assert local_due.time() == dt.time(0)
        assert workdays.working_days_between(local_requested.date(), local_due.date() - dt.timedelta(days=1),
                                             "69") == 3
    assert due - requested < dt.timedelta(days=8)  # no longer 72 hours of 09:00–18:00 windows
    d7 = deadlines.load(bootstrap.reader(), "mgr-test", request["request_id"])
    assert (d7.kind, d7.length_unit.value, d7.due_at) == ("D7", "working_day_hours", due)

    # Given the purchasing body records, from today, a beneficiary's agreement stating 24 hours and pricing D7
    operator = Erp(platform, "operator", "platform")
    purchasing = Erp(platform, "purchasing_body", "canut")
    beneficiary = Erp(platform, "beneficiary", "ben-lyon")
    assert operator.post("register_beneficiary", a_beneficiary()).status_code == 201
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date().isoformat()
    amended = purchasing.post("set_penalty_terms", {"beneficiary_id": "ben-lyon", "effective_from": today,
                                                    "reason": "Offre : comptes sous 24 h ouvrées",
                                                    "terms": {"lengths": {"D7": 24}, "rules_by_kind": {"D7": "P1"}}})
    assert amended.status_code == 201, amended.text
    # When the beneficiary asks for an account
    asked = beneficiary.post("request_account", {"email": "claire@lyon.fr", "display_name": "Claire",
                                                 "territory": "69"})
    request = asked.json()
    requested, due = utc(request["requested_at"]), utc(request["due_at"])
    # Then its D7 is the agreement's 24 hours counted on working days, priced P1
    assert workdays.working_hours_between(requested, due, "69", workdays.WHOLE_WORKING_DAYS) == dt.timedelta(hours=24)
    d7 = deadlines.load(bootstrap.reader(), "ben-lyon", request["request_id"])
    assert (d7.length_amount, d7.penalty_rule, d7.daily_amount_cents) == (24, "P1", 15_000)
    # And a manager may not amend a beneficiary's agreement, nor a purchasing body a manager's contract
    assert manager.post("set_penalty_terms", {"beneficiary_id": "ben-lyon", "effective_from": today, "reason": "r",
                                              "terms": {}}).status_code == 422
    assert beneficiary.post("set_penalty_terms", {"effective_from": today, "reason": "r",
                                                  "terms": {}}).status_code == 403


def test_first_responses_are_elapsed_hours_whatever_the_severity(platform, contractor):
    # When a contractor reports a severity-4 incident
    reported = contractor.post("report_incident", {"severity": 4, "title": "Libellé tronqué",
                                                   "description": "Sans gravité"})
    incident = reported.json()
    # Then its first response is due 24 elapsed hours later (not 24 hours of 09:00–18:00 windows)
    assert utc(incident["due_at"]) - utc(incident["reported_at"]) == dt.timedelta(hours=24)
    assert incident["channel"] == "platform"


def test_a_phone_report_alerts_the_operator_runs_from_the_call_and_a_workaround_stops_no_clock(platform,
                                                                                              clean_firestore):
    operator = Erp(platform, "operator", "platform")
    beneficiary = Erp(platform, "beneficiary", "ben-lyon")
    subscriber = pubsub_v1.SubscriberClient()
    alerts = subscriber.subscription_path(platform.project_id, "incident-alerts-ops")
    pull_messages(subscriber, alerts, wait=0.5)  # start from an empty queue
    call = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=20)
    # When the operator confirms in writing a severity-1 incident the beneficiary phoned in 20 minutes ago
    entered = operator.post("report_incident", {
        "severity": 1, "title": "Plateforme indisponible", "description": "Erreur 503 sur toutes les pages",
        "reported_for": {"tenant": "ben-lyon", "role": "beneficiary"}, "first_reported_at": call.isoformat()})
    assert entered.status_code == 201, entered.text
    incident = entered.json()
    # Then it is the beneficiary's incident, a phone report whose clocks run from the call: 40 minutes left
    assert (incident["reporter_tenant"], incident["reporter_role"], incident["channel"]) == ("ben-lyon",
                                                                                            "beneficiary", "phone")
    assert utc(incident["reported_at"]) == call and utc(incident["due_at"]) == call + dt.timedelta(hours=1)
    assert utc(incident["recorded_at"]) > call
    # And the beneficiary reads it (the written confirmation), and the operator is alerted on incident-alerts
    listed = beneficiary_list(platform, beneficiary)
    assert [i["incident_id"] for i in listed] == [incident["incident_id"]]
    [alert] = [m for m in pull_messages(subscriber, alerts, wait=20, until=1)]
    assert json.loads(alert.data)["incident_id"] == incident["incident_id"]
    assert alert.attributes["ce-type"] == "fr.passerelle.incident.alert.v1"
    # And only the operator enters a phone report
    assert beneficiary.post("report_incident", {"severity": 2, "title": "t", "description": "d",
                                                "first_reported_at": call.isoformat()}).status_code == 422

    # When the operator answers, records a workaround, then resolves it
    iid = incident["incident_id"]
    assert operator.post("acknowledge_incident", {"incident_id": iid}).json()["first_response_met"] is True
    around = operator.post("follow_up_incident", {"incident_id": iid, "kind": "workaround",
                                                  "note": "Bascule sur le site de secours"})
    assert around.status_code == 200, around.text
    # Then the workaround is recorded and the incident stays open, its resolution clock running from the call
    assert around.json()["state"] == "acknowledged" and around.json()["workaround_at"] is not None
    assert around.json()["time_to_resolution_hours"] >= 0.33  # hours since the call, rounded to 0.01
    resolved = operator.post("resolve_incident", {"incident_id": iid, "resolution": "Serveur remplacé"}).json()
    assert resolved["state"] == "resolved" and resolved["resolution_hours"] >= 0.33
    assert [f["kind"] for f in resolved["follow_ups"]] == ["workaround"]
    late = operator.post("follow_up_incident", {"incident_id": iid, "kind": "follow_up", "note": "x"})
    assert late.status_code == 422 and late.json()["errors"][0]["code"] == "INCIDENT_ALREADY_RESOLVED"
    subscriber.close()


def beneficiary_list(platform, erp: Erp) -> list[dict]:
    import requests

    return requests.get(platform.url("list_incidents") + "/", timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"}).json()["incidents"]
