"""The price schedule and fee rate (B17) as versioned data imported by the purchasing body, like a catalogue
(A14): every bad row reported by line, versions never rewritten, a version taking effect from its date only."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.sourcing.price_schedule import PRICE_SCHEDULE, in_force
from shared.service.sourcing import price_schedules
from tests.fakes import World

NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
CSV = "category;label;reference_daily_rate\r\nCHEF-PROJET;Chef de projet;800,00\r\nDEVELOPPEUR;Développeur;650\r\n"


def test_a_french_csv_imports_the_next_version_once_audited_and_the_reports_read_it_from_its_date():
    world = World(NOW)
    answer = price_schedules.import_price_schedule(None, dt.date(2026, 7, 1), 250, "csv", CSV.encode(), world.uow(),
                                                   world.clock)
    assert answer == {"version": "2026-07-01", "number": 1, "valid_from": "2026-07-01", "fee_rate_bps": 250,
                      "lines": 2}
    [audit] = [a for a in world.db.under("platform/registry/audit").values() if a["target"] == "price_schedules/v0001"]
    assert audit["action"] == "price_schedule.created"
    versions = price_schedules.load_versions(world.uow())
    assert [v.version for v in versions] == [PRICE_SCHEDULE.version, "2026-07-01"]
    assert in_force(versions, dt.date(2026, 6, 30)).reference_rate("CHEF-PROJET") == 75_000
    assert in_force(versions, dt.date(2026, 7, 1)).reference_rate("CHEF-PROJET") == 80_000
    assert in_force(versions, dt.date(2025, 6, 1)) == PRICE_SCHEDULE


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written():
    world = World(NOW)
    bad = "category;label;reference_daily_rate;extra\r\nchef projet;;abc;x\r\nDEV;Dév;650,001;\r\nDEV;Dév;650;\r\n"
    with pytest.raises(DomainError) as refused:
        price_schedules.import_price_schedule(None, dt.date(2026, 7, 1), 250, "csv", bad.encode(), world.uow(),
                                              world.clock)
    codes = {(e.field, e.code) for e in refused.value.errors}
    assert {("line 2.extra", "UNKNOWN_FIELD"), ("line 2.reference_daily_rate", "INVALID_FORMAT"),
            ("line 3.reference_daily_rate", "INVALID_FORMAT")} <= codes
    assert world.db.under("price_schedules") == {}


@pytest.mark.parametrize(("valid_from", "detail"), [
    (dt.date(2026, 6, 9), "aujourd'hui"),      # in the past: the past is never measured again
    (dt.date(2026, 7, 1), "après le 2026-07-01"),  # not after the latest version
])
def test_a_version_takes_effect_after_the_latest_and_not_in_the_past(valid_from, detail):
    world = World(NOW)
    lines = [{"category": "CHEF-PROJET", "label": "Chef de projet", "reference_daily_rate": "800"}]
    price_schedules.import_price_schedule("v-juillet", dt.date(2026, 7, 1), 250, "json", lines, world.uow(),
                                          world.clock)
    with pytest.raises(DomainError) as refused:
        price_schedules.import_price_schedule(None, valid_from, 250, "json", lines, world.uow(), world.clock)
    assert refused.value.errors[0].code == "OUT_OF_RANGE" and detail in refused.value.errors[0].message
    assert len(world.db.under("price_schedules")) == 1


def test_the_schedule_read_tells_the_version_in_force_today_from_those_to_come_and_the_past_ones():
    # Given the award's schedule (from 1 January 2026) and a version imported for 1 July, read on 10 June (Paris)
    world = World(NOW)
    price_schedules.import_price_schedule("2026-07", dt.date(2026, 7, 1), 350, "csv", CSV.encode(), world.uow(),
                                          world.clock)
    read = price_schedules.read_price_schedule(world.uow(), world.clock)
    # Then the award's is in force, July's to come, each with its date, fee rate and lines by category
    assert read["today"] == "2026-06-10"
    assert [(v["version"], v["number"], v["state"], v["fee_rate_bps"]) for v in read["versions"]] == [
        (PRICE_SCHEDULE.version, 0, "in_force", 200), ("2026-07", 1, "upcoming", 350)]
    assert read["versions"][1]["lines"] == [
        {"category": "CHEF-PROJET", "label": "Chef de projet", "reference_daily_rate_cents": 80_000},
        {"category": "DEVELOPPEUR", "label": "Développeur", "reference_daily_rate_cents": 65_000}]
    # And from 1 July, July's is in force and the award's past
    world.clock.at = dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)
    later = price_schedules.read_price_schedule(world.uow(), world.clock)
    assert [v["state"] for v in later["versions"]] == ["past", "in_force"]
