"""Timers end to end: the local Cloud Tasks dispatcher fires accrue_penalties, the ledger fills,
managers decide and read statements over HTTPS, and a late execution message costs P1."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import uuid
from zoneinfo import ZoneInfo

import requests
from google.cloud.firestore import FieldFilter

from shared import bootstrap
from shared.domain.penalties import PenaltyTerms
from shared.service import deadlines as svc
from shared.service.transaction import transact
from tests.builders import issue_order_body, report

TENANT = "mgr-test"


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError("condition not met")


def dispatcher_tasks(platform) -> dict[str, dict]:
    url = (f"http://127.0.0.1:{platform.ports['tasks']}/v2/projects/{platform.project_id}"
           "/locations/europe-west9/queues/deadlines/tasks")
    return {t["name"].rsplit("/", 1)[1]: t for t in requests.get(url, timeout=10).json()["tasks"]}


def test_a_due_timer_marks_the_deadline_missed_accrues_once_and_arms_the_next_day(platform, manager):
    now = dt.datetime.now(dt.UTC)
    # Given a severity-1 incident (1 elapsed hour) reported 1 h minus 1 s ago, priced P1 by its contract
    planned = svc.plan_deadline("D8", "D8-INC-1", tenant_id=TENANT, territory="974",
                                started_at=now - dt.timedelta(hours=1) + dt.timedelta(seconds=1), ref="incident-1",
                                variant="1", contractor_id="ctr-test", contract_id="AC-1",
                                terms=PenaltyTerms(rules_by_kind={"D8": "P1"}))
    uow = bootstrap.uow()  # with the local Cloud Tasks dispatcher: the timer is armed after the commit
    d = transact(uow, lambda: svc.open_deadline(uow, planned, bootstrap.clock().now()))
    assert d.state.value == "running"
    # When the dispatcher delivers its timer to accrue_penalties at the due time
    ledger = wait_for(lambda: svc.entries_of_deadline(bootstrap.reader(), TENANT, "D8-INC-1"))
    # Then the deadline is missed, day 1 is in the ledger and day 2's timer is armed
    assert [(e.day, e.amount_cents) for e in ledger] == [(1, 15000)]
    assert svc.load(bootstrap.reader(), TENANT, "D8-INC-1").state.value == "missed"
    tasks = wait_for(lambda: (t := dispatcher_tasks(platform))["D8-INC-1-v1"]["state"] == "done" and t)
    assert tasks["D8-INC-1-v1"]["dispatchCount"] == 1
    assert tasks["D8-INC-1-v1-d2"]["state"] == "pending"
    # When the same timer is delivered twice more (Cloud Tasks is at-least-once)
    for _ in range(2):
        r = requests.post(platform.url("accrue_penalties") + "/", json={"tenant_id": TENANT, "deadline_id": "D8-INC-1",
                                                                         "version": 1}, timeout=30)
        assert r.status_code == 200 and r.json()["accrued_days"] == 1
    # Then nothing more is written
    assert len(svc.entries_of_deadline(bootstrap.reader(), TENANT, "D8-INC-1")) == 1

    # When the manager disputes the day over HTTPS, then reads the month as a French CSV
    entry_id = ledger[0].entry_id
    r = manager.post("decide_penalty", {"entry_id": entry_id, "action": "dispute", "reason": "Incident mal qualifié"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "disputed" and r.json()["decisions"][0]["reason"] == "Incident mal qualifié"
    month = ledger[0].month
    r = requests.get(platform.url("get_penalty_statement") + "/", timeout=30,
                     params={"contractor_id": "ctr-test", "month": month, "format": "csv"},
                     headers={"Authorization": f"Bearer {manager.token}"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeffDate;") and ";150,00;contestée;Incident mal qualifié" in text
    # And a wrong month is a structured error
    r = requests.get(platform.url("get_penalty_statement") + "/", timeout=30, params={"contractor_id": "ctr-test",
                     "month": "2026-13"}, headers={"Authorization": f"Bearer {manager.token}"})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "INVALID_MONTH"


def test_a_late_execution_report_costs_p1_on_the_contractor_statement(platform, manager, contractor):
    # Given an order, and a report of an event that happened 25 hours before it is sent
    assert manager.post("receive_order", issue_order_body()).status_code == 201
    occurred = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    r = contractor.post("submit_execution", report(1, "acknowledged", occurred_at=occurred))
    assert r.status_code == 200 and r.json()["late"] is True
    # Then the contractor's statement for the month shows two started days of late sharing
    month = (occurred + dt.timedelta(minutes=15)).astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%Y-%m")
    r = requests.get(platform.url("get_penalty_statement") + "/", timeout=30, params={"manager_id": TENANT,
                     "month": month}, headers={"Authorization": f"Bearer {contractor.token}"})
    body = r.json()
    # (the contract's days of P1, each caused by this message's D1)
    days = [line for line in body["lines"] if [c["kind"] for c in line["causes"]] == ["D1"]]
    assert r.status_code == 200 and days, body
    assert body["contractor_id"] == "ctr-test" and {line["rule_id"] for line in days} == {"P1"}


def test_a_message_rejected_for_its_format_costs_p1_from_its_rejection_until_it_is_corrected(
        platform, manager, contractor, clean_firestore):
    # Given an order of its own (the dispatcher never reuses a task name in a session, and F1's id
    # is per order and sequence), and a report whose progress is out of range
    order_id = f"BC-F1-{uuid.uuid4().hex[:8]}"
    assert manager.post("receive_order", issue_order_body(order_id)).status_code == 201
    bad = contractor.post("submit_execution", report(1, "acknowledged", order_id=order_id, progress=140))
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "OUT_OF_RANGE", bad.text
    deadlines = clean_firestore.collection("managers").document(TENANT).collection("deadlines")
    [f1] = [s.to_dict() for s in deadlines.where(filter=FieldFilter("kind", "==", "F1")).stream()]
    assert f1["state"] == "missed" and f1["penalty_rule"] == "P1"
    # Then the local Cloud Tasks dispatcher fires accrue_penalties, which writes day 1 at once: a cause of the
    # contract's day of P1 (one per contract and day, whatever the number of messages)
    causes = clean_firestore.collection("managers").document(TENANT).collection("penalty_causes")
    cause = wait_for(lambda: causes.document(f"{f1['deadline_id']}-d00001").get().to_dict())
    penalties = clean_firestore.collection("managers").document(TENANT).collection("penalties")
    day_one = penalties.document(cause["entry_id"]).get().to_dict()
    assert (day_one["kind"], day_one["amount_cents"], day_one["contractor_id"]) == ("P1", 15000, "ctr-test")
    assert (cause["kind"], cause["order_id"], day_one["pooled"]) == ("F1", order_id, True)
    # When the corrected message for the same sequence is accepted
    good = contractor.post("submit_execution", report(1, "acknowledged", order_id=order_id,
                                                      occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    assert good.status_code == 200 and good.json()["status"] == "accepted"
    # Then F1 is stopped by it: the ledger keeps the one started day and no more
    stopped = deadlines.document(f1["deadline_id"]).get().to_dict()
    assert stopped["state"] == "missed" and stopped["stopped_at"] is not None and stopped["next_check_at"] is None
    assert [s.id for s in causes.where(filter=FieldFilter("deadline_id", "==", f1["deadline_id"])).stream()] == [
        f"{f1['deadline_id']}-d00001"]
    assert [s.id for s in penalties.stream()] == [day_one["entry_id"]]


def test_the_statement_downloaded_as_csv_names_the_deadline_order_contract_territory_and_decision(
        platform, manager, contractor, clean_firestore):
    # Given a contract with its title, and an incident's D8 on one of its orders in Martinique, missed
    clean_firestore.document(f"managers/{TENANT}/contracts/AC-2026-017").update({"title": "Entretien multitechnique"})
    # (the order, by its title: A9, the statement names it « Titre (référence) »)
    clean_firestore.document(f"managers/{TENANT}/orders/BC-2026-0042").set(
        {"order_id": "BC-2026-0042", "title": "Ascenseur bloqué — bâtiment B"}, merge=True)
    deadline_id = f"D8-NAMES-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC)
    planned = svc.plan_deadline("D8", deadline_id, tenant_id=TENANT, territory="972",
                                started_at=now - dt.timedelta(hours=2), ref="incident-names", variant="1",
                                contractor_id="ctr-test", contract_id="AC-2026-017", order_id="BC-2026-0042",
                                terms=PenaltyTerms(rules_by_kind={"D8": "P1"}))
    uow = bootstrap.uow()
    transact(uow, lambda: svc.open_deadline(uow, planned, bootstrap.clock().now()))
    [day] = wait_for(lambda: svc.entries_of_deadline(bootstrap.reader(), TENANT, deadline_id))
    assert manager.post("decide_penalty", {"entry_id": day.entry_id, "action": "waive",
                                           "reason": "Geste commercial"}).status_code == 200
    # When the manager and the contractor download the month as the web app does (format=csv)
    for who, params in ((manager, {"contractor_id": "ctr-test"}), (contractor, {"manager_id": TENANT})):
        r = requests.get(platform.url("get_penalty_statement") + "/", timeout=30,
                         params={**params, "month": day.month, "format": "csv"},
                         headers={"Authorization": f"Bearer {who.token}"})
        assert r.status_code == 200 and r.content.startswith("\ufeff".encode()), r.text
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        # Then the day reads as a person reads it: never the deadline's id
        [row] = [dict(zip(rows[0], row)) for row in rows[1:]
                 if row and row[3] == "Ascenseur bloqué — bâtiment B (BC-2026-0042)"]
        assert row["Délai"] == "D8 — Première réponse à un incident"
        assert (row["Marché"], row["Territoire"]) == ("Entretien multitechnique (AC-2026-017)", "Martinique (972)")
        assert (row["Montant (EUR)"], row["Statut"], row["Motif"]) == ("150,00", "remise", "Geste commercial")
        assert row["Décision du"] == dt.datetime.now(ZoneInfo("America/Martinique")).strftime("%d/%m/%Y")
        assert deadline_id not in r.content.decode("utf-8")
        # And the JSON the screen reads carries the same names
        body = requests.get(platform.url("get_penalty_statement") + "/", timeout=30,
                            params={**params, "month": day.month},
                            headers={"Authorization": f"Bearer {who.token}"}).json()
        [line] = [x for x in body["lines"] if x["entry_id"] == day.entry_id]
        assert (line["order_id"], line["contract_title"], line["territory_label"]) == (
            "BC-2026-0042", "Entretien multitechnique", "Martinique")
        assert body["order_titles"]["BC-2026-0042"] == "Ascenseur bloqué — bâtiment B"  # the contractor's too
