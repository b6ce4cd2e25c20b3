"""Incidents (B9, D8) over HTTPS: the operator resolves them; each reporter lists its own, the operator all."""

from __future__ import annotations

import pytest
import requests

from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
BODY = {"severity": 2, "title": "Ordres non reçus", "description": "Plus rien sur notre topic depuis 8 h."}


def listed(erp: Erp, **filters) -> requests.Response:
    return requests.get(erp.stack.url("list_incidents") + "/", params=filters, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_incidents_are_resolved_by_the_operator_and_listed_to_their_reporter_only(platform, contractor,
                                                                                   other_contractor, manager):
    operator = Erp(platform, "operator", "platform")
    # Given an incident of ctr-test (severity 2) and one of ctr-other (severity 4)
    mine = contractor.post("report_incident", BODY).json()
    theirs = other_contractor.post("report_incident", {**BODY, "severity": 4}).json()
    # When the operator resolves the first before acknowledging it
    early = operator.post("resolve_incident", {"incident_id": mine["incident_id"], "resolution": "Relancé"})
    # Then it is refused: the first response comes first
    assert (early.status_code, early.json()["errors"][0]["code"]) == (422, "ILLEGAL_TRANSITION")
    # When it acknowledges it, then resolves it twice (a retry with a new key)
    assert operator.post("acknowledge_incident", {"incident_id": mine["incident_id"]}).status_code == 200
    resolved = operator.post("resolve_incident", {"incident_id": mine["incident_id"], "resolution": "Relancé"})
    again = operator.post("resolve_incident", {"incident_id": mine["incident_id"], "resolution": "Autre"})
    # Then it is resolved once, its resolution kept, D8 still met
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["state"], resolved.json()["resolution"], resolved.json()["d8_state"]) == (
        "resolved", "Relancé", "met")
    assert again.json()["resolved_at"] == resolved.json()["resolved_at"] and again.json()["resolution"] == "Relancé"
    # When each party lists incidents
    own, others, managers = listed(contractor), listed(other_contractor), listed(manager)
    # Then each contractor sees its own only, with where D8 stands; the manager reported none
    assert [(i["incident_id"], i["state"], i["d8_state"]) for i in own.json()["incidents"]] == [
        (mine["incident_id"], "resolved", "met")]
    assert [(i["incident_id"], i["d8_state"]) for i in others.json()["incidents"]] == [
        (theirs["incident_id"], "running")]
    assert managers.json() == {"incidents": [], "count": 0, "next_cursor": None, "people": {}}
    # And the operator sees both, and filters by state and severity
    assert {i["incident_id"] for i in listed(operator).json()["incidents"]} == {mine["incident_id"],
                                                                                 theirs["incident_id"]}
    assert [i["incident_id"] for i in listed(operator, state="resolved").json()["incidents"]] == [mine["incident_id"]]
    assert [i["incident_id"] for i in listed(operator, severity="4").json()["incidents"]] == [theirs["incident_id"]]
    bad = listed(operator, severity="9")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "query.severity")
