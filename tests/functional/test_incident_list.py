"""list_incidents over HTTPS: cursor pages, newest first, filters kept, each reporter its own only."""

from __future__ import annotations

import pytest
import requests

from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def listed(erp: Erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("list_incidents") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def report(erp: Erp, severity: int, n: int) -> str:
    response = erp.post("report_incident", {"severity": severity, "title": f"Incident {n}",
                                            "description": "Messages refusés."})
    assert response.status_code == 201, response.text
    return response.json()["incident_id"]


def test_a_reporter_pages_through_its_own_filtered_incidents_newest_first(platform, contractor, other_contractor):
    operator = Erp(platform, "operator", "platform")
    # Given five severity-3 incidents of ctr-test, reported one after the other, one of severity 2 between them,
    # and two severity-3 incidents of ctr-other
    mine = [report(contractor, 3, n) for n in range(3)]
    report(contractor, 2, 9)
    mine += [report(contractor, 3, n) for n in range(3, 5)]
    theirs = [report(other_contractor, 3, n) for n in range(2)]
    # When ctr-test lists its severity-3 incidents two at a time, following next_cursor
    pages, cursor, first_cursor = [], None, None
    while len(pages) < 5:
        page = listed(contractor, severity="3", limit="2", **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        body = page.json()
        pages.append([i["incident_id"] for i in body["incidents"]])
        assert body["count"] == len(body["incidents"]) and {i["severity"] for i in body["incidents"]} == {3}
        cursor = body["next_cursor"]
        first_cursor = first_cursor or cursor
        if cursor is None:
            break
    # Then three pages hold its five, each once, newest first; the last page ends the list
    assert pages == [mine[4:2:-1], mine[2:0:-1], mine[:1]]
    # And ctr-other, even handed ctr-test's cursor, sees only its own
    assert [i["incident_id"] for i in listed(other_contractor, severity="3").json()["incidents"]] == theirs[::-1]
    borrowed = listed(other_contractor, severity="3", cursor=first_cursor)
    assert borrowed.status_code == 200 and set(i["incident_id"] for i in borrowed.json()["incidents"]) <= set(theirs)
    # And the operator sees all seven severity-3 incidents, newest first
    everything = listed(operator, severity="3", limit="200").json()
    assert [i["incident_id"] for i in everything["incidents"]] == theirs[::-1] + mine[::-1]
    assert everything["next_cursor"] is None
    # And a tampered cursor or a limit out of range is a 400 naming the parameter, in French
    tampered = listed(contractor, severity="3", cursor=first_cursor[:-4])
    assert tampered.status_code == 400 and tampered.headers["Content-Type"].startswith("application/problem+json")
    [error] = tampered.json()["errors"]
    assert (error["field"], error["code"]) == ("query.cursor", "INVALID_CURSOR") and "Curseur" in error["message"]
    too_many = listed(contractor, limit="201").json()["errors"]
    assert [(e["field"], e["code"]) for e in too_many] == [("query.limit", "OUT_OF_RANGE")]


def test_the_operator_reads_who_reported_each_incident_by_name_and_a_reporter_only_its_own_people(
        platform, clean_firestore):
    # Given a manager registered by name, one of its people in the account registry, and an operator account
    clean_firestore.document("managers/mgr-test").update({"name": "Rhône Habitat Essai"})
    manager, operator = Erp(platform, "manager", "mgr-test"), Erp(platform, "operator", "platform")
    clean_firestore.document("accounts/erp-mgr-test").set({
        "uid": "erp-mgr-test", "email": "lea.martin@rhone-habitat.test", "display_name": "Léa Martin",
        "claims": {"role": "manager", "tenant": "mgr-test"}})
    clean_firestore.document("accounts/erp-platform").set({
        "uid": "erp-platform", "email": "astreinte@passerelle.test", "claims": {"role": "operator", "tenant": "platform"}})
    incident_id = report(manager, 2, 1)
    assert operator.post("acknowledge_incident", {"incident_id": incident_id}).status_code == 200
    # When the operator lists the incidents
    body = listed(operator).json()
    [row] = [i for i in body["incidents"] if i["incident_id"] == incident_id]
    # Then it reads the party by its name and each account by name and e-mail, never a bare uid
    assert (row["reporter_tenant"], row["reporter_name"], row["reported_by"]) == (
        "mgr-test", "Rhône Habitat Essai", "erp-mgr-test")
    assert body["people"] == {"erp-mgr-test": "Léa Martin <lea.martin@rhone-habitat.test>",
                              "erp-platform": "astreinte@passerelle.test"}
    # And the manager reads its own incident named too, but nothing of the operator's accounts
    own = listed(manager).json()
    assert [i["reporter_name"] for i in own["incidents"]] == ["Rhône Habitat Essai"]
    assert own["people"] == {"erp-mgr-test": "Léa Martin <lea.martin@rhone-habitat.test>"}
