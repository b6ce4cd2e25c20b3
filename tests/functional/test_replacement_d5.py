"""B12 replacement on the emulators, the departure path end to end (D5): one notice rule (a mission of 45
days starting next month needs two weeks), D5 from the notification when the departure is planned, run by the
deadline service with its Cloud Tasks timer, stopped by the equivalent replacement available over the rest of the
mission; priced only from the date the purchasing body's amendment of the agreement takes effect."""

from __future__ import annotations

import datetime as dt
import json

import requests

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain import workdays
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service.sourcing import missions, pool
from tests.functional.erp import Erp
from tests.functional.test_penalties import dispatcher_tasks
from tests.functional.test_reporting import TITULAIRE, History
from tests.sourcing_builders import a_beneficiary, a_professional

B = "ben-lyon"
# The mission: 45 days from the first day of next month (two started months whatever the month), so that a
# departure planned in 20 days always falls within it
START = (dt.date.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
END = START + dt.timedelta(days=44)


def _day(offset_from: dt.date, days: int) -> str:
    return (offset_from + dt.timedelta(days=days)).isoformat()


def a_mission(db, project_id: str) -> str:
    """ben-lyon's mission with pro-anne from START to END, built with the platform's services."""
    uow = FirestoreUnitOfWork(db)
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(), strict=False), uow)
    # pro-anne is on the mission; pro-dora is free over all of it, pro-gael leaves a day before it ends (B12).
    for p in (a_professional("pro-anne", availability=[{"start": _day(START, -60), "end": _day(END, 120)}]),
              a_professional("pro-dora", availability=[{"start": _day(START, -60), "end": _day(END, 45)}]),
              a_professional("pro-gael", availability=[{"start": _day(START, -60), "end": _day(END, -1)}])):
        pool.upsert_professional(Professional.model_validate(p, strict=False), uow)
    history = History(db, project_id)
    history.search(B, "portail-d5", "pro-anne", submitted=0, proposed=1)
    history.frame(B, "portail-d5", 2, START, [("j1", 20, 44)])  # ends on END
    return missions.mission_id_for("portail-d5")


def deadline(db, deadline_id: str) -> dict:
    return db.document(f"managers/{B}/deadlines/{deadline_id}").get().to_dict()


def test_a_planned_departure_opens_d5_from_its_notification_with_two_weeks_of_notice_and_the_replacement_stops_it(
        platform, clean_firestore):
    mission_id = a_mission(clean_firestore, platform.project_id)
    beneficiary, operator = Erp(platform, "beneficiary", B), Erp(platform, "operator", "platform")
    purchasing = Erp(platform, "purchasing_body", "canut")
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    # Given the purchasing body prices D5 in ben-lyon's agreement from today
    amended = purchasing.post("set_penalty_terms", {"beneficiary_id": B, "effective_from": today.isoformat(),
                                                    "reason": "Avenant : remplacement", "terms": {
                                                        "rules_by_kind": {"D5": "P1"}}})
    assert amended.status_code == 201, amended.text
    # When the beneficiary reports a departure planned in 20 days, notified today
    departure = today + dt.timedelta(days=20)
    requested = beneficiary.post("replace_professional", {
        "action": "request", "mission_id": mission_id, "reason": "departure", "planned": True,
        "departure_date": departure.isoformat(), "notified_on": today.isoformat()})
    assert requested.status_code == 200, requested.text
    replacement = requested.json()["replacements"][0]
    # Then B12's notice for a 45-day mission is two weeks (two started months), respected
    assert (replacement["notice_days"], replacement["notice_respected"]) == (14, True)
    assert replacement["notice_label"].startswith("2 semaines")
    # And D5 runs in the deadline service from the notification: 14 calendar days, priced by the agreement
    shown = replacement["deadline"]
    d5 = deadline(clean_firestore, shown["deadline_id"])
    assert (d5["kind"], d5["state"], d5["penalty_rule"], d5["tenant_id"]) == ("D5", "running", "P1", B)
    assert d5["due_at"] == workdays.end_of_day(today + dt.timedelta(days=14), "69")
    assert shown["due"] == (today + dt.timedelta(days=14)).isoformat()
    # with its timer armed in the local Cloud Tasks
    assert dispatcher_tasks(platform)[f"{shown['deadline_id']}-v1"]["state"] == "pending"

    # When the operator proposes an equivalent professional who is not free on the mission's last day
    unavailable = operator.post("replace_professional", {"action": "propose", "beneficiary_id": B,
                                                         "mission_id": mission_id, "professional_id": "pro-gael"})
    # Then B12 refuses him, naming the rest of the mission (from the departure, or today if later) and the missing day
    first_day = max(START, departure, today)
    assert unavailable.status_code == 422, unavailable.text
    assert [(e["field"], e["code"], e["message"]) for e in unavailable.json()["errors"]] == [(
        "$.professional_id", "REPLACEMENT_NOT_AVAILABLE",
        f"Remplaçant indisponible du {first_day.isoformat()} au {END.isoformat()} : "
        f"pas de disponibilité déclarée le {END.isoformat()}.")]
    # When the operator proposes an equivalent professional free over the rest of the mission
    replaced = operator.post("replace_professional", {"action": "propose", "beneficiary_id": B,
                                                      "mission_id": mission_id, "professional_id": "pro-dora"})
    assert replaced.status_code == 200, replaced.text
    # Then D5 is met, stopped by the replacement, and nothing is owed
    stopped = deadline(clean_firestore, shown["deadline_id"])
    assert stopped["state"] == "met" and stopped["next_check_at"] is None
    assert replaced.json()["replacements"][0]["deadline"]["met"] is True

    # When pro-dora left 16 days ago without notice (before the amendment took effect)
    left = today - dt.timedelta(days=16)
    again = beneficiary.post("replace_professional", {"action": "request", "mission_id": mission_id,
                                                      "reason": "departure", "departure_date": left.isoformat()})
    assert again.status_code == 200, again.text
    late = again.json()["replacements"][1]["deadline"]
    # Then D5 counted from the departure is already missed, but carries no penalty: the agreement's change
    # applies from its date only
    d5 = deadline(clean_firestore, late["deadline_id"])
    assert (d5["state"], d5["penalty_rule"]) == ("missed", None)
    assert list(clean_firestore.collection("managers").document(B).collection("penalties").stream()) == []


def awaiting(platform, who: Erp):
    return requests.get(platform.url("get_sourcing") + "/", params={"view": "replacements"}, timeout=30,
                        headers={"Authorization": f"Bearer {who.token}"})


def test_the_operator_lists_the_missions_awaiting_a_replacement_and_the_titulaire_reads_the_change_on_its_order(
        platform, clean_firestore):
    mission_id = a_mission(clean_firestore, platform.project_id)
    beneficiary, operator = Erp(platform, "beneficiary", B), Erp(platform, "operator", "platform")
    titulaire = Erp(platform, "contractor", "ctr-titulaire")
    order_id = missions.order_id_for("portail-d5")
    # Given no replacement asked yet: the operator's list is empty, the order names pro-anne
    assert awaiting(platform, operator).json() == {"missions": [], "count": 0, "truncated": False}
    seen = titulaire.get_order(order_id, B).json()["mission"]
    assert (seen["professional_id"], seen["replacement_requested"], seen["replacements"]) == ("pro-anne", False, [])
    assert seen["professional_names"] == {"pro-anne": "Prof pro-anne"}
    # When the beneficiary finds pro-anne insufficient
    requested = beneficiary.post("replace_professional", {"action": "request", "mission_id": mission_id,
                                                          "reason": "insufficiency"})
    assert requested.status_code == 200, requested.text
    due = requested.json()["replacements"][0]["deadline"]["due"]
    # Then the operator lists the mission with the profile and rates to match and D6's last day
    listed = awaiting(platform, operator)
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["missions"]
    assert (row["beneficiary_id"], row["mission_id"], row["order_id"], row["professional_id"]) == (
        B, mission_id, order_id, "pro-anne")
    assert (row["replacement"]["reason"], row["replacement"]["deadline"]["code"], row["replacement"]["deadline"]["due"]) \
        == ("insufficiency", "D6", due)
    assert row["daily_rate_cents"] > 0 and row["level"] and row["service_type"]
    # and the beneficiary may not read that list (every beneficiary's missions)
    assert awaiting(platform, beneficiary).status_code == 403
    # and the titulaire reads on the order that a replacement is awaited, and by when
    seen = titulaire.get_order(order_id, B).json()["mission"]
    assert seen["replacement_requested"] is True
    assert [(r["reason"], r["leaving_professional_id"], r["due"], r["replaced_by"]) for r in seen["replacements"]] == [
        ("insufficiency", "pro-anne", due, None)]
    # When the operator names pro-dora
    assert operator.post("replace_professional", {"action": "propose", "beneficiary_id": B, "mission_id": mission_id,
                                                  "professional_id": "pro-dora"}).status_code == 200
    # Then the mission leaves the list, and the titulaire's order names pro-dora, replacing pro-anne
    assert awaiting(platform, operator).json()["missions"] == []
    seen = titulaire.get_order(order_id, B).json()["mission"]
    assert (seen["professional_id"], seen["replacement_requested"]) == ("pro-dora", False)
    assert [(r["leaving_professional_id"], r["replaced_by"]) for r in seen["replacements"]] == [("pro-anne", "pro-dora")]
    assert seen["replacements"][0]["replaced_at"]
    # each named as the pool's records name them, so that its screen says « Prof pro-dora a remplacé Prof pro-anne »
    assert seen["professional_names"] == {"pro-anne": "Prof pro-anne", "pro-dora": "Prof pro-dora"}


def candidates(platform, who: Erp, **params):
    return requests.get(platform.url("get_sourcing") + "/", timeout=30, headers={"Authorization": f"Bearer {who.token}"},
                        params={"view": "replacement_candidates", "beneficiary_id": B, **params})


def test_the_operator_searches_the_whole_pool_for_a_replacement_and_a_beneficiary_may_not(platform, clean_firestore):
    mission_id = a_mission(clean_firestore, platform.project_id)
    beneficiary, operator = Erp(platform, "beneficiary", B), Erp(platform, "operator", "platform")
    assert beneficiary.post("replace_professional", {"action": "request", "mission_id": mission_id,
                                                     "reason": "insufficiency"}).status_code == 200
    # When the operator searches the pool for professionals available over the rest of the mission
    found = candidates(platform, operator, mission_id=mission_id, available="true")
    # Then pro-dora is found and eligible; pro-gael, who leaves a day early, is not found; pro-anne is left out
    assert found.status_code == 200, found.text
    body = found.json()
    assert [(c["professional_id"], c["eligible"], c["refusals"]) for c in body["candidates"]] == [
        ("pro-dora", True, [])]
    assert (body["professional_id"], body["end_date"], body["matched"]) == ("pro-anne", END.isoformat(), 1)
    # When it searches by name without the availability filter, pro-gael comes with the rules' refusal in French
    [gael] = candidates(platform, operator, mission_id=mission_id, name="gael").json()["candidates"]
    assert [(r["field"], r["code"]) for r in gael["refusals"]] == [("$.professional_id", "REPLACEMENT_NOT_AVAILABLE")]
    assert gael["eligible"] is False and gael["refusals"][0]["message"].startswith("Remplaçant indisponible")
    # A filter it cannot read is a structured error, every one at once
    bad = candidates(platform, operator, mission_id=mission_id, available="oui", max_daily_rate_cents="beaucoup")
    assert bad.status_code == 422, bad.text
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [
        ("query.available", "INVALID_VALUE"), ("query.max_daily_rate_cents", "OUT_OF_RANGE")]
    # And a beneficiary may not search the pool, not even for its own mission
    refused = candidates(platform, beneficiary, mission_id=mission_id)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN", refused.text


REQUESTED = "fr.passerelle.mission.replacement_requested.v1"
REPLACED = "fr.passerelle.mission.professional_replaced.v1"


def test_the_titulaire_is_told_once_on_its_bus_that_its_mission_s_professional_is_to_be_replaced_then_replaced(
        platform, clean_firestore):
    # Given the titulaire's ERP follows its orders on orders-<titulaire>-erp, and the mission's order issued to it
    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission(clean_firestore, platform.project_id), missions.order_id_for("portail-d5")
    titulaire = Erp(platform, "contractor", TITULAIRE)
    titulaire.pull(f"orders-{TITULAIRE}", wait=0.5)  # the order issued: not what this test reads
    beneficiary, operator = Erp(platform, "beneficiary", B), Erp(platform, "operator", "platform")
    departure = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date() + dt.timedelta(days=3)
    request = {"action": "request", "mission_id": mission_id, "reason": "departure",
               "departure_date": departure.isoformat()}
    # When the beneficiary reports pro-anne's departure, and its client sends the request again
    requested = beneficiary.post("replace_professional", request)
    assert requested.status_code == 200, requested.text
    again = beneficiary.post("replace_professional", request)
    assert again.json()["errors"][0]["code"] == "REPLACEMENT_ALREADY_REQUESTED", again.text
    # Then the titulaire receives the request once, on the order's ordering key, with D5's last day
    [told] = titulaire.pull(f"orders-{TITULAIRE}", wait=15, until=1)
    assert (told.attributes["ce-type"], told.attributes["ce-subject"], told.ordering_key) == (
        REQUESTED, f"orders/{order_id}", order_id)
    data = json.loads(told.data)
    assert (data["manager_id"], data["order_id"], data["mission_id"], data["replacement_index"], data["reason"],
            data["leaving_professional_id"], data["departure_date"], data["deadline"], data["due"]) == (
        B, order_id, mission_id, 0, "departure", "pro-anne", departure.isoformat(), "D5",
        requested.json()["replacements"][0]["deadline"]["due"])
    assert titulaire.pull(f"orders-{TITULAIRE}", wait=2) == []
    # When the operator names pro-dora, and sends it again
    proposal = {"action": "propose", "beneficiary_id": B, "mission_id": mission_id, "professional_id": "pro-dora"}
    assert operator.post("replace_professional", proposal).status_code == 200
    repeated = operator.post("replace_professional", proposal)
    assert repeated.json()["errors"][0]["code"] == "NO_REPLACEMENT_REQUESTED", repeated.text
    # Then the titulaire receives the replacement once: who leaves, who arrives, D5 met
    [replaced] = titulaire.pull(f"orders-{TITULAIRE}", wait=15, until=1)
    assert (replaced.attributes["ce-type"], replaced.ordering_key) == (REPLACED, order_id)
    data = json.loads(replaced.data)
    assert (data["order_id"], data["replacement_index"], data["leaving_professional_id"],
            data["arriving_professional_id"], data["deadline"], data["met"]) == (
        order_id, 0, "pro-anne", "pro-dora", "D5", True)
    # and no professional's name travels (a_professional names them « Prof <id> »): the order names them by id
    assert b"Prof pro-" not in told.data + replaced.data
    assert titulaire.pull(f"orders-{TITULAIRE}", wait=3) == []
