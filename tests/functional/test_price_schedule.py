"""The price schedule and fee rate (B17) as versioned data on the emulators: the purchasing body imports a new
version as a French CSV over HTTPS; the report measures each order against the version in force on the day it
was issued, so the new rates apply from their date only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import requests

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain import workdays
from shared.domain.orders import Order, OrderLine, SiteRef
from shared.domain.sourcing.records import Beneficiary
from shared.service.order_store import order_doc, order_path
from shared.service.sourcing import pool
from tests.functional.erp import Erp
from tests.conftest import register_beneficiary
from tests.sourcing_builders import a_beneficiary

CSV = "category;label;reference_daily_rate\r\nCHEF-PROJET;Chef de projet;900,00\r\n"


def an_order(order_id: str, issued_at: dt.datetime) -> Order:
    return Order(order_id=order_id, manager_id="ben-lyon", contractor_id="ctr-titulaire",
                 contract_id="AC-2024-AOO-PFI", title="Mission", site=SiteRef(node_id="ben-lyon"),
                 issued_at=issued_at, lines=[OrderLine(line_id="j1", service_code="CHEF-PROJET", label="Jalon",
                                                       quantity=Decimal(10), unit="j", unit_price_cents=65_000)])


def test_an_imported_price_schedule_measures_the_orders_issued_from_its_date_only(platform, clean_firestore):
    purchasing = Erp(platform, "purchasing_body", "canut")
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(workdays.PARIS).date()
    # Given a beneficiary with a 10-day order issued yesterday and another issued today (650 € a day)
    uow = FirestoreUnitOfWork(clean_firestore)
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(), strict=False), uow)
    for order_id, at in (("BC-hier", now - dt.timedelta(days=1)), ("BC-jour", now)):
        clean_firestore.document(order_path("ben-lyon", order_id)).set(
            {k: v for k, v in order_doc(an_order(order_id, at)).items() if k != "updated_at"})
    # When the purchasing body imports a schedule from today: chef de projet at 900 €, a 3 % fee
    headers = {"Content-Type": "text/csv"}
    imported = requests.post(platform.url("import_price_schedule") + "/", data=CSV.encode(), timeout=30,
                             params={"valid_from": today.isoformat(), "fee_rate_bps": "300", "version": "2026-12"},
                             headers={**headers, "Authorization": f"Bearer {purchasing.token}",
                                      "Idempotency-Key": "import-2026-12"})
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"version": "2026-12", "number": 1, "valid_from": today.isoformat(),
                               "fee_rate_bps": 300, "lines": 1}
    # Then the report measures yesterday's order at the award's 750 € and 2 %, today's at 900 € and 3 %
    report = requests.get(platform.url("get_report") + "/", timeout=60, params={
        "view": "purchasing_body", "from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()},
        headers={"Authorization": f"Bearer {purchasing.token}"}).json()
    [line] = report["price_lines"]
    assert (line["reference_cents"], line["gain_cents"], line["reference_daily_rate_cents"]) == (
        10 * 75_000 + 10 * 90_000, 10 * (75_000 - 65_000) + 10 * (90_000 - 65_000), None)
    assert report["roi"]["fees_cents"] == 650_000 * 2 // 100 + 650_000 * 3 // 100
    assert report["price_schedule_version"] == "2026-01, 2026-12"
    # And a schedule dated yesterday, or a bad row, is refused with every error; nothing more is stored
    refused = requests.post(platform.url("import_price_schedule") + "/", data=b"category;label;reference_daily_rate"
                            b"\r\nchef projet;;abc\r\n", timeout=30,
                            params={"valid_from": (today - dt.timedelta(days=1)).isoformat(), "fee_rate_bps": "300"},
                            headers={**headers, "Authorization": f"Bearer {purchasing.token}",
                                     "Idempotency-Key": "import-bad"})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} >= {"line 2.reference_daily_rate"}
    assert len(list(clean_firestore.collection("price_schedules").stream())) == 1
    # And only the purchasing body imports one
    beneficiary = Erp(platform, "beneficiary", "ben-lyon")
    assert beneficiary.post("import_price_schedule", {"valid_from": today.isoformat(), "fee_rate_bps": 0,
                                                      "lines": [{"category": "X", "label": "X",
                                                                 "reference_daily_rate": "1"}]}).status_code == 403


def read_schedule(platform, erp: Erp) -> requests.Response:
    return requests.get(platform.url("get_report") + "/", params={"view": "price_schedule"}, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_the_price_schedule_is_read_with_the_version_in_force_and_those_to_come_by_whom_the_docs_say(
        platform, clean_firestore):
    today = dt.datetime.now(workdays.PARIS).date()
    purchasing = Erp(platform, "purchasing_body", "canut")
    # Given a version published in JSON for next month, a 3,5 % fee
    later = (today + dt.timedelta(days=31)).isoformat()
    published = purchasing.post("import_price_schedule", {"version": "prochaine", "valid_from": later,
                                                          "fee_rate_bps": 350, "lines": [
        {"category": "DATA-SCIENTIST", "label": "Data scientist", "reference_daily_rate": "720,00"}]})
    assert published.status_code == 201, published.text
    # When the purchasing body, the operator and a beneficiary read the schedule
    register_beneficiary(clean_firestore, "ben-lyon")
    for reader in (purchasing, Erp(platform, "operator", "platform"), Erp(platform, "beneficiary", "ben-lyon")):
        read = read_schedule(platform, reader)
        # Then the award's is in force and the new one to come, with its lines and fee rate
        assert read.status_code == 200, (reader.role, read.text)
        body = read.json()
        assert body["today"] == today.isoformat()
        assert [(v["version"], v["state"], v["fee_rate_bps"]) for v in body["versions"]] == [
            ("2026-01", "in_force", 200), ("prochaine", "upcoming", 350)]
        assert body["versions"][1]["lines"] == [{"category": "DATA-SCIENTIST", "label": "Data scientist",
                                                 "reference_daily_rate_cents": 72_000}]
    # And a manager neither reads it nor publishes one
    manager = Erp(platform, "manager", "mgr-test")
    assert read_schedule(platform, manager).json()["errors"][0]["code"] == "FORBIDDEN"
    assert manager.post("import_price_schedule", {"valid_from": later, "fee_rate_bps": 0, "lines": [
        {"category": "X", "label": "X", "reference_daily_rate": "1"}]}).status_code == 403
