"""P1 on the emulators as the clause prices it ("150 euros par jour", A9): an ERP outage that delays a dozen
messages of one contract on one day costs one day, whose statement line lists every message behind it; a
malformed message the same day is one more cause of that day; redeliveries add nothing; the contract's terms
in force price the day (set_penalty_terms)."""

from __future__ import annotations

import concurrent.futures
import csv as csv_module
import datetime as dt
import io
import time
import uuid

import requests
from google.cloud.firestore import FieldFilter

from shared.domain import workdays
from shared.ports import InboundMessage
from tests.builders import issue_order_body, late_today, report

TENANT = "mgr-test"
CONTRACT = "AC-2026-017"


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError("condition not met")


def ledger(db) -> tuple[list[dict], list[dict]]:
    space = db.collection("managers").document(TENANT)
    return ([s.to_dict() for s in space.collection("penalties").stream()],
            [s.to_dict() for s in space.collection("penalty_causes").stream()])


def test_a_dozen_late_messages_and_a_malformed_one_on_one_day_cost_the_contract_one_day_listing_all_thirteen(
        platform, manager, contractor, clean_firestore):
    run = uuid.uuid4().hex[:6]
    orders = [f"BC-P1-{run}-{i:02d}" for i in range(13)]
    for order_id in orders:
        assert manager.post("receive_order", issue_order_body(order_id)).status_code == 201
    # Given an ERP back from an outage: twelve messages of twelve orders, each about an event 40 minutes old,
    # published at once on the bus
    occurred = late_today(40)  # (just after midnight in Paris: a few minutes before it, due today all the same)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        ce_ids = list(pool.map(lambda o: contractor.publish(report(1, "acknowledged", order_id=o, occurred_at=occurred)),
                               orders[:12]))
    replies = [contractor.reply_to(ce_id, wait=60) for ce_id in ce_ids]
    assert {(r["status"], r["late"]) for r in replies} == {("accepted", True)}
    # And a thirteenth message rejected for its format on the REST channel (F1: its timer writes its day at once)
    bad = contractor.post("submit_execution", report(1, "acknowledged", order_id=orders[12], progress=140))
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "OUT_OF_RANGE"
    # Then each message keeps its own D1 (the delay measured per message, A5)...
    deadlines = clean_firestore.collection("managers").document(TENANT).collection("deadlines")
    assert len(list(deadlines.where(filter=FieldFilter("kind", "==", "D1")).stream())) == 12
    # ...but the contract owes one day of 150 EUR, caused by the twelve late messages and the malformed one
    entries, causes = wait_for(lambda: (found := ledger(clean_firestore)) and len(found[1]) == 13 and found)
    [entry] = entries
    assert (entry["kind"], entry["contract_id"], entry["amount_cents"], entry["pooled"]) == ("P1", CONTRACT, 15_000,
                                                                                           True)
    assert {c["entry_id"] for c in causes} == {entry["entry_id"]}
    assert sorted(c["order_id"] for c in causes) == sorted(orders)
    assert sorted(c["kind"] for c in causes) == ["D1"] * 12 + ["F1"]

    # When the bus delivers the twelve messages again (same ids)
    for ce_id, order_id in zip(ce_ids, orders):
        contractor.publish(report(1, "acknowledged", order_id=order_id, occurred_at=occurred), ce_id=ce_id)
    time.sleep(3)
    # Then no day and no cause is added
    entries_after, causes_after = ledger(clean_firestore)
    assert (len(entries_after), len(causes_after)) == (1, 13)

    # And the statement the contractor reads lists the thirteen messages behind the one day, in JSON and CSV
    month = entry["month"]
    params = {"manager_id": TENANT, "month": month}
    body = requests.get(platform.url("get_penalty_statement") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {contractor.token}"}).json()
    [line] = body["lines"]
    assert (line["amount_cents"], body["accrued_cents"], len(line["causes"])) == (15_000, 15_000, 13)
    keys = {InboundMessage(contractor_id="ctr-test", channel="pubsub", source="//erp.ctr-test/", id=i, type="t",
                           received_at=occurred, data=b"").key for i in ce_ids}
    assert {c["ref"] for c in line["causes"] if c["kind"] == "D1"} == keys  # each message by its key
    csv = requests.get(platform.url("get_penalty_statement") + "/", params={**params, "format": "csv"}, timeout=30,
                       headers={"Authorization": f"Bearer {contractor.token}"}).content.decode("utf-8")
    # (each named: its order by its title and id, the id the ERP gave it — the CloudEvents id, the REST call's
    # Idempotency-Key — why)
    row = next(csv_module.reader(io.StringIO(csv.splitlines()[1]), delimiter=";"))
    assert sorted(row[3].split(", ")) == sorted(f"Fuite sous évier — logement 12 ({o})" for o in orders)
    told = row[4].split(" ; ")
    assert len(told) == 13 and all(f"message {i} — événement transmis en retard" in row[4] for i in ce_ids)
    assert sum("refusé pour son format" in t and t.startswith(f"Fuite sous évier — logement 12 ({orders[12]}) : ")
               for t in told) == 1


def test_the_contract_s_terms_in_force_price_the_day_and_a_change_cannot_reach_back(platform, manager, contractor,
                                                                                   clean_firestore):
    occurred = late_today(20)  # (past 00:00 in Paris: the message's day is today's whatever the hour)
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    # Given the manager amends its contract: 300 EUR a day from today
    amended = manager.post("set_penalty_terms", {"contract_id": CONTRACT, "effective_from": today.isoformat(),
                                                 "reason": "Avenant n° 2",
                                                 "terms": {"daily_amount_cents": {"P1": 30_000}}})
    assert amended.status_code == 201, amended.text
    assert (amended.json()["version"], amended.json()["effective_from"]) == (1, today.isoformat())
    # And a change dated yesterday, or by a contractor, is refused
    past = manager.post("set_penalty_terms", {"contract_id": CONTRACT, "reason": "r", "terms": {},
                                              "effective_from": (today - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and past.json()["errors"][0]["code"] == "OUT_OF_RANGE"
    assert contractor.post("set_penalty_terms", {"contract_id": CONTRACT, "reason": "r", "terms": {},
                                                 "effective_from": today.isoformat()}).status_code == 403
    # When a message about an event of 20 minutes ago arrives
    order_id = f"BC-T-{uuid.uuid4().hex[:6]}"
    assert manager.post("receive_order", issue_order_body(order_id)).status_code == 201
    late = contractor.post("submit_execution", report(1, "acknowledged", order_id=order_id,
                                                      occurred_at=occurred))
    assert late.status_code == 200 and late.json()["late"] is True
    # Then its day is priced by the version in force: 300 EUR
    [entry], _ = ledger(clean_firestore)
    assert entry["amount_cents"] == 30_000
    # And the version is stored once, audited in the manager's space
    version = clean_firestore.document(f"managers/{TENANT}/contracts/{CONTRACT}/penalty_terms/v0001").get().to_dict()
    assert version["reason"] == "Avenant n° 2" and version["set_by"] == "erp-mgr-test"
