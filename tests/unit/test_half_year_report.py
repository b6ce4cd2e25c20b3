"""The half-year report job (B17): the last ended half-year, stored once, never produced early."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from shared.domain.workdays import PARIS
from shared.domain.errors import DomainError
from shared.domain.orders import Order, OrderLine, SiteRef
from shared.service.sourcing import reporting
from tests.fakes import World
from tests.sourcing_builders import SIRET_CANUT, a_beneficiary


class Files:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_if_absent(self, name: str, data: bytes, content_type: str) -> bool:
        if name in self.objects:
            return False
        self.objects[name] = data
        return True

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return f"https://signed.example/{name}?ttl={int(ttl.total_seconds())}"


def given_a_beneficiary_with_an_order_issued_on(day: dt.date, now: str) -> World:
    world = World(now)
    world.seed("beneficiaries/ben-lyon", a_beneficiary())
    issued = dt.datetime.combine(day, dt.time(0), tzinfo=PARIS).astimezone(dt.UTC)
    order = Order(order_id="BC-n1", manager_id="ben-lyon", contractor_id="ctr-titulaire", contract_id="AC-2024-AOO-PFI",
                  title="Mission : recette", site=SiteRef(node_id="ben-lyon"), issued_at=issued,
                  lines=[OrderLine(line_id="j1", service_code="CHEF-PROJET", label="Jalon", quantity=Decimal(10),
                                   unit="j", unit_price_cents=65_000)])
    world.seed_order(order)
    return world


def test_in_november_the_job_stores_the_first_half_year_once():
    # Given an order of 10 days at 650 € issued in March 2026, and the job run on 23 November 2026
    world, files = given_a_beneficiary_with_an_order_issued_on(dt.date(2026, 3, 13), "2026-11-23T05:00:00+00:00"), Files()
    # When it runs
    first = reporting.publish_half_year_report(world.uow(), files, world.clock)
    # Then the report of 1 January–30 June 2026 is stored as JSON and CSV and recorded under its id
    assert (first.report_id, first.half_year, first.created) == ("half-year-2026-H1", "2026-H1", True)
    assert (first.period.start, first.period.end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (first.volume_cents, first.orders, first.gain_cents) == (650_000, 1, 100_000)  # 10 × (750 − 650) €
    assert sorted(files.objects) == [first.csv_object, first.json_object]
    assert first.json_object.startswith("reports/half-year/2026-H1/rapport-centrale-2026-H1-")
    stored = json.loads(files.objects[first.json_object])
    assert stored["view"] == "purchasing_body" and stored["beneficiaries"][0]["siret"] == SIRET_CANUT
    assert files.objects[first.csv_object].startswith("\ufeff".encode())
    assert world.db.data("steering/half-year-2026-H1")["json_sha256"] == first.json_sha256
    # When it runs again the next day
    commits, objects = world.db.commits, dict(files.objects)
    world.clock.advance(days=1)
    second = reporting.publish_half_year_report(world.uow(), files, world.clock)
    # Then it answers the stored record and writes nothing
    assert second.created is False and second.json_object == first.json_object
    assert (world.db.commits, files.objects) == (commits, objects)


def test_a_run_that_loses_the_race_answers_the_winners_record():
    # Given a concurrent run that records the half-year just before this one commits
    world, files = given_a_beneficiary_with_an_order_issued_on(dt.date(2026, 3, 13), "2026-07-01T04:00:00+00:00"), Files()
    winner = {"report_id": "half-year-2026-H1", "kind": "half_year", "half_year": "2026-H1",
              "period": {"start": "2026-01-01", "end": "2026-06-30"}, "generated_at": "2026-07-01T04:00:00+00:00",
              "json_object": "reports/half-year/2026-H1/winner.json", "csv_object": "reports/half-year/2026-H1/winner.csv",
              "json_sha256": "a" * 64, "csv_sha256": "b" * 64, "volume_cents": 650_000, "orders": 1,
              "gain_cents": 100_000, "price_schedule_version": "2026-01"}
    world.db.before_commit = lambda: world.seed("steering/half-year-2026-H1", winner)
    # When this run finishes
    answer = reporting.publish_half_year_report(world.uow(), files, world.clock)
    # Then the winner's record stands and is the answer
    assert (answer.created, answer.json_object) == (False, "reports/half-year/2026-H1/winner.json")
    assert world.db.data("steering/half-year-2026-H1") == winner


@pytest.mark.parametrize(("label", "code"), [("2026-H2", "HALF_YEAR_NOT_ENDED"), ("2026-H3", "INVALID_HALF_YEAR")])
def test_a_half_year_not_ended_or_not_a_half_year_is_refused(label, code):
    world = given_a_beneficiary_with_an_order_issued_on(dt.date(2026, 3, 13), "2026-12-31T12:00:00+00:00")
    with pytest.raises(DomainError) as refused:
        reporting.publish_half_year_report(world.uow(), Files(), world.clock, label)
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.half_year", code)]
    assert world.db.under("steering") == {}


def test_an_operator_catches_up_an_ended_half_year_and_lists_it_with_signed_urls():
    # Given the second half of 2025 never stored
    world, files = given_a_beneficiary_with_an_order_issued_on(dt.date(2025, 9, 1), "2026-03-01T08:00:00+00:00"), Files()
    # When the operator names it in 2026
    reporting.publish_half_year_report(world.uow(), files, world.clock, "2025-H2")
    # Then it is listed with 15-minute links, and readable by its id
    listed = reporting.list_half_year_reports(world.uow(), files).reports
    assert [(r.report_id, r.volume_cents) for r in listed] == [("half-year-2025-H2", 650_000)]
    assert listed[0].csv_url.endswith("?ttl=900") and listed[0].url_expires_in_seconds == 900
    assert reporting.half_year_report("half-year-2025-H2", world.uow(), files).json_url == listed[0].json_url
    with pytest.raises(DomainError) as missing:
        reporting.half_year_report("half-year-2024-H1", world.uow(), files)
    assert missing.value.errors[0].code == "REPORT_NOT_FOUND"
