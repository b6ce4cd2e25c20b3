"""Incidents (B9) over HTTPS: a report starts D8 in the deadline service, the operator's first response stops it."""

from __future__ import annotations

import datetime as dt
import uuid

from shared import bootstrap
from shared.service import deadlines
from tests.functional.erp import Erp


def test_a_severity_1_incident_is_due_within_the_hour_and_a_prompt_acknowledgement_meets_d8(platform, contractor):
    operator = Erp(platform, "operator", "platform")
    key = uuid.uuid4().hex
    body = {"severity": 1, "title": "Plus de messages reçus", "description": "Les comptes rendus sont refusés."}
    # Given a contractor reporting a severity-1 incident
    response = contractor.post("report_incident", body, key=key)
    # Then it is stored with its D8 due one elapsed hour later, running in the deadline service
    assert response.status_code == 201, response.text
    incident = response.json()
    assert incident["state"] == "reported" and incident["d8_state"] == "running"
    reported_at, due_at = (dt.datetime.fromisoformat(incident[k]) for k in ("reported_at", "due_at"))
    assert due_at - reported_at == dt.timedelta(hours=1)
    d8 = deadlines.load(bootstrap.uow(), "ctr-test", incident["deadline_id"])
    assert (d8.kind, d8.variant, d8.state.value, d8.due_at) == ("D8", "1", "running", due_at)
    # When the same report is sent again with its Idempotency-Key
    again = contractor.post("report_incident", body, key=key)
    # Then it is the same incident
    assert again.json()["incident_id"] == incident["incident_id"]
    # When the operator acknowledges it (twice: a retry)
    first = operator.post("acknowledge_incident", {"incident_id": incident["incident_id"], "note": "Pris en charge"})
    second = operator.post("acknowledge_incident", {"incident_id": incident["incident_id"]})
    # Then D8 is met, once, and the incident records the first response
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "acknowledged" and first.json()["first_response_met"] is True
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    # And the answer carries the follow-up clock and the time since the report, as every incident answer does
    assert first.json()["follow_up_clock"] == "24/7" and first.json()["d8_state"] == "met"
    assert 0 <= first.json()["time_to_resolution_hours"] < 1
    d8 = deadlines.load(bootstrap.uow(), "ctr-test", incident["deadline_id"])
    assert d8.state.value == "met" and d8.stopped_at == dt.datetime.fromisoformat(first.json()["acknowledged_at"])
    # And an unknown incident is a 404 with its code
    missing = operator.post("acknowledge_incident", {"incident_id": "inc-nope"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "INCIDENT_NOT_FOUND"


def test_a_phone_call_typed_at_08_00_in_martinique_is_stored_at_12_00_utc_on_martiniques_clock(platform, clean_firestore):
    """B18: the operator's phone form reads the call's time on the clock of the caller's territory; the body it
    builds (web/incidents_logic.mjs ``phoneReport``, run by node as the browser runs it) is what the platform stores."""
    import json
    import shutil
    import subprocess
    from pathlib import Path
    from zoneinfo import ZoneInfo

    operator = Erp(platform, "operator", "platform")
    day = dt.datetime.now(ZoneInfo("America/Martinique")).date() - dt.timedelta(days=1)
    form = {"reporter_tenant": "mgr-test", "reporter_role": "manager", "title": "Extranet inaccessible",
            "severity": "3", "description": "Le gestionnaire ne voit plus ses commandes.", "territory": "972",
            "first_reported_at": f"{day:%d/%m/%Y} 08:00"}
    # Given the body the phone form builds for a call typed 08:00 by a caller in Martinique
    script = ("import('./web/incidents_logic.mjs').then((m) => process.stdout.write(JSON.stringify("
              f"m.phoneReport({json.dumps(form)}))))")
    built = json.loads(subprocess.run([shutil.which("node") or "node", "--input-type=module", "-e", script],
                                      cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
                                      check=True, timeout=60).stdout)
    assert built["errors"] == [] and built["body"]["first_reported_at"] == f"{day.isoformat()}T08:00:00-04:00"
    # When the operator sends it
    entered = operator.post("report_incident", built["body"])
    # Then the call is stored at 12:00 UTC, the incident on Martinique's clock, where its hours count
    assert entered.status_code == 201, entered.text
    incident = entered.json()
    assert dt.datetime.fromisoformat(incident["reported_at"]) == dt.datetime.combine(day, dt.time(12), dt.UTC)
    assert (incident["territory"], incident["time_zone"]) == ("972", "America/Martinique")
    stored = clean_firestore.document(f"incidents/{incident['incident_id']}").get().to_dict()["reported_at"]
    stored = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    assert stored.astimezone(dt.UTC) == dt.datetime.combine(day, dt.time(12), dt.UTC)
