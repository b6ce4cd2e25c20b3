"""B11 mission follow-up on the in-memory world: milestones with their deliverables, timesheets kept
within each milestone's days and the mission's budget, the days on site following the frais-annexes
line, reception and invoicing per milestone and on the frais-annexes line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType, ReplyStatus
from shared.domain.orders import OrderState
from shared.domain.reception import ReceiveOrder
from shared.domain.sourcing.messages import SubmitTimesheet
from shared.domain.sourcing.process import days_on_site_of, timesheet_errors
from shared.domain.sourcing.records import WorkMode
from shared.service import inbound_router, order_store, receptions
from shared.service.sourcing import missions, timesheets
from shared.service.sourcing.paths import Settings
from tests.builders import inbound, invoice_body
from tests.unit.test_sourcing_services import B, accepted, a_world, framing

TITULAIRE = Settings().titulaire_id


@pytest.fixture
def mission_world():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(milestones=[
        {"milestone_id": "j1", "label": "Stratégie de recette", "days": 10, "due": "2026-04-30",
         "deliverables": ["Cahier de recette"]},
        {"milestone_id": "j2", "label": "Campagne", "days": 5, "due": "2026-06-15"}]), world.uow(), world.clock)
    # The mission (01/04/2026 to 30/06/2026) framed on 03/03; its days are declared once worked: on its last evening
    world.clock.at = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)
    return world, mission


def timesheet(world, mission, timesheet_id: str, milestone_id: str, days: str, contractor: str = TITULAIRE,
              days_on_site: str | None = "0", period: tuple[str, str] = ("2026-04-01", "2026-04-10")):
    body = {"beneficiary_id": B, "mission_id": mission.mission_id, "timesheet_id": timesheet_id,
            "milestone_id": milestone_id, "period_start": period[0], "period_end": period[1], "days": days}
    if days_on_site is not None:
        body["days_on_site"] = days_on_site
    command = SubmitTimesheet.model_validate_json(json.dumps(body))
    return timesheets.submit_timesheet(contractor, command, world.uow(), world.clock)


def test_timesheets_stay_within_each_milestone_s_days_and_the_mission_s_budget(mission_world):
    world, mission = mission_world
    assert mission.milestones[0].deliverables == ["Cahier de recette"]
    # When the titulaire reports 6 days on the first milestone, then 5 more
    assert timesheet(world, mission, "ts-1", "j1", "6").timesheet_days == {"j1": 6}
    with pytest.raises(DomainError) as exc:
        timesheet(world, mission, "ts-2", "j1", "5")
    # Then the second is refused with what is left
    assert [e.code for e in exc.value.errors] == ["TIMESHEET_DAYS_EXCEEDED"]
    assert "il en reste 4 sur 10 prévus" in exc.value.errors[0].message
    # And the same timesheet again changes nothing; another contractor sees no mission; an unknown milestone is refused
    assert timesheet(world, mission, "ts-1", "j1", "6").timesheet_days == {"j1": 6}
    with pytest.raises(DomainError) as other:
        timesheet(world, mission, "ts-3", "j1", "1", contractor="ctr-other")
    assert [e.code for e in other.value.errors] == ["MISSION_NOT_FOUND"]
    with pytest.raises(DomainError) as unknown:
        timesheet(world, mission, "ts-4", "j9", "1")
    assert [e.code for e in unknown.value.errors] == ["MILESTONE_NOT_FOUND"]


def test_a_timesheet_s_period_lies_within_the_mission_and_holds_the_days_it_declares(mission_world):
    world, mission = mission_world  # the mission runs from 01/04/2026 to 30/06/2026
    # A period before the mission's start (an American 12/07 read as 12 July... of the year before) is refused
    with pytest.raises(DomainError) as before:
        timesheet(world, mission, "ts-1", "j1", "4.5", period=("2026-03-23", "2026-04-03"))
    assert [(e.field, e.code) for e in before.value.errors] == [("$.period_start", "TIMESHEET_OUTSIDE_MISSION")]
    assert "du 23/03/2026 au 03/04/2026 sort de la mission, qui court du 01/04/2026 au 30/06/2026" in \
        before.value.errors[0].message
    # So is one ending after the mission's end
    with pytest.raises(DomainError) as after:
        timesheet(world, mission, "ts-1", "j2", "1", period=("2026-06-29", "2026-07-03"))
    assert [(e.field, e.code) for e in after.value.errors] == [("$.period_end", "TIMESHEET_OUTSIDE_MISSION")]
    # And more days than the period has
    with pytest.raises(DomainError) as crowded:
        timesheet(world, mission, "ts-1", "j1", "2.5", period=("2026-04-06", "2026-04-07"))
    assert [(e.field, e.code) for e in crowded.value.errors] == [("$.days", "TIMESHEET_DAYS_ABOVE_PERIOD")]
    assert crowded.value.errors[0].message.startswith("2,5 jours déclarés sur une période de 2 jours :")
    # Nothing was recorded; the same days within the mission are
    assert timesheet(world, mission, "ts-1", "j1", "2", period=("2026-04-06", "2026-04-07")).timesheet_days == {"j1": 2}


def test_a_timesheet_declares_days_already_worked_on_the_mission_s_territory_calendar(mission_world):
    world, mission = mission_world
    order = world.order(B, mission.order_id)
    assert order.territory == "69"  # the beneficiary's (Lyon), on Paris's clock
    # Given 07/04/2026 at 23:30 in Paris (21:30 UTC): a period ending tomorrow holds days not yet worked
    world.clock.at = dt.datetime(2026, 4, 7, 21, 30, tzinfo=dt.UTC)
    with pytest.raises(DomainError) as ahead:
        timesheet(world, mission, "ts-1", "j1", "2", period=("2026-04-07", "2026-04-08"))
    # Then it is refused on the period's end, in French, and nothing is recorded
    assert [(e.field, e.code) for e in ahead.value.errors] == [("$.period_end", "TIMESHEET_PERIOD_NOT_WORKED")]
    assert ahead.value.errors[0].message == ("La période se termine le 08/04/2026, après aujourd'hui (07/04/2026) : "
                                             "une feuille de temps ne déclare que des jours déjà travaillés.")
    assert world.uow().get(timesheets.timesheet_path(B, mission.mission_id, "ts-1")) is None
    # When it is 00:30 in Paris on the 8th (still the 7th in UTC), the same period ends today: accepted
    world.clock.at = dt.datetime(2026, 4, 7, 22, 30, tzinfo=dt.UTC)
    assert timesheet(world, mission, "ts-1", "j1", "2", period=("2026-04-07", "2026-04-08")).timesheet_days == {"j1": 2}
    # And on a Martinique order, the same instant is still the 7th there (18:30): refused
    world.seed_order(world.order(B, mission.order_id).model_copy(update={"territory": "972"}))
    with pytest.raises(DomainError) as overseas:
        timesheet(world, mission, "ts-2", "j1", "2", period=("2026-04-07", "2026-04-08"))
    assert [e.code for e in overseas.value.errors] == ["TIMESHEET_PERIOD_NOT_WORKED"]
    assert "après aujourd'hui (07/04/2026)" in overseas.value.errors[0].message


def test_the_titulaire_reads_on_its_order_its_timesheets_and_the_days_left_per_milestone(mission_world):
    world, mission = mission_world
    # Given two timesheets on j1 (the later period declared first) and one on j2, with a comment
    timesheet(world, mission, "ts-2", "j1", "3.5", days_on_site="1.5", period=("2026-04-13", "2026-04-17"))
    timesheet(world, mission, "ts-1", "j1", "4", days_on_site="2", period=("2026-04-06", "2026-04-10"))
    body = {"beneficiary_id": B, "mission_id": mission.mission_id, "timesheet_id": "ts-3", "milestone_id": "j2",
            "period_start": "2026-06-01", "period_end": "2026-06-05", "days": "5", "days_on_site": "0",
            "comment": "Campagne de recette"}
    timesheets.submit_timesheet(TITULAIRE, SubmitTimesheet.model_validate_json(json.dumps(body)), world.uow(),
                                world.clock)
    # When the titulaire reads its mission's order
    view = order_store.order_view(B, mission.order_id, "contractor", world.uow(), contractor_id=TITULAIRE)["mission"]
    # Then each milestone says its days planned, declared (of which on site) and left
    assert [(m["milestone_id"], m["days_planned"], m["days_reported"], m["days_on_site_reported"], m["days_remaining"])
            for m in view["milestones"]] == [("j1", 10, "7.5", "3.5", "2.5"), ("j2", 5, "5", "0", "0")]
    # And the timesheets are listed by period, each with its milestone, days and days on site
    assert [(t["timesheet_id"], t["milestone_id"], t["period_start"], t["period_end"], t["days"], t["days_on_site"],
             t["comment"]) for t in view["timesheets"]] == [
        ("ts-1", "j1", "2026-04-06", "2026-04-10", "4", "2", None),
        ("ts-2", "j1", "2026-04-13", "2026-04-17", "3.5", "1.5", None),
        ("ts-3", "j2", "2026-06-01", "2026-06-05", "5", "0", "Campagne de recette")]
    assert all(t["submitted_at"] for t in view["timesheets"])
    # And the answer is the OrderView contract, as the beneficiary's is
    from shared.domain.order_views import OrderView

    whole = order_store.order_view(B, mission.order_id, "beneficiary", world.uow())
    assert OrderView.model_validate(whole, strict=False).mission.timesheets[2].comment == "Campagne de recette"


def test_a_milestone_delivered_is_received_by_the_beneficiary_and_invoiced_on_its_own(mission_world):
    world, mission = mission_world
    order = world.order(B, mission.order_id)
    # Given the first milestone reported done while the mission goes on
    world.seed_order(order.model_copy(update={"state": OrderState.IN_PROGRESS, "line_status": {"j1": True}}))
    # When the beneficiary receives it and the titulaire invoices it
    receptions.record_reception(B, ReceiveOrder.model_validate_json(json.dumps({
        "order_id": mission.order_id, "occurred_at": "2026-03-03T08:00:00+00:00", "lines": [{"line_id": "j1"}]})),
        world.uow(), world.clock)

    def invoice(days: str, number: str):
        msg = dataclasses.replace(inbound(invoice_body(number, order_id=mission.order_id, manager_id=B,
                                                       lines=[("j1", days, mission.daily_rate_cents)], vat_rate="20"),
                                          number, contractor_id=TITULAIRE), type=EventType.INVOICE_SUBMITTED.value)
        return inbound_router.route(msg, inbound_router.Services(uow=world.uow(), clock=world.clock))

    # Then more days than the milestone holds are refused, its days are accepted
    over = invoice("11", "M-1")
    assert over.status is ReplyStatus.REJECTED and "INVOICE_QUANTITY_EXCEEDED" in [e.code for e in over.errors]
    ok = invoice("10", "M-2")
    assert ok.status is ReplyStatus.ACCEPTED and ok.order_state is OrderState.IN_PROGRESS
    # And the mission's follow-up shows the milestone delivered, received and invoiced, within budget
    view = missions.read_mission(B, mission.mission_id, world.uow())
    j1, j2 = view["milestones_follow_up"]
    assert (j1["delivered"], j1["received"], j1["days_invoiced"]) == (True, True, "10")
    assert (j2["delivered"], j2["received"], j2["days_invoiced"]) == (False, False, "0")
    assert view["budget"]["invoiced_cents"] == 10 * mission.daily_rate_cents <= view["budget"]["planned_cents"]


# --- The frais-annexes line followed by the days on site (B11). The professional: 650 € a day, frais annexes
# 30 € + 20 € = 50 € a day on site; the hybrid mission: 15 days, budget 15 × 700 € = 10 500 €.


def test_on_a_hybrid_mission_the_days_on_site_are_required_and_the_budget_counts_them_exactly(mission_world):
    world, mission = mission_world
    assert (mission.work_mode, mission.extra_per_day_cents, mission.planned_budget_cents) == ("mixed", 5000, 1050000)
    # When the titulaire reports 6 days on a hybrid mission without saying how many were on site
    with pytest.raises(DomainError) as missing:
        timesheet(world, mission, "ts-1", "j1", "6", days_on_site=None)
    # Then it is refused, naming the field, and nothing is recorded
    assert [(e.field, e.code) for e in missing.value.errors] == [("$.days_on_site", "DAYS_ON_SITE_REQUIRED")]
    assert "mode mixte" in missing.value.errors[0].message
    with pytest.raises(DomainError) as above:
        timesheet(world, mission, "ts-1", "j1", "6", days_on_site="6.5")
    assert [e.code for e in above.value.errors] == ["DAYS_ON_SITE_ABOVE_DAYS"]
    # When it reports 6 days of which 2 on site, then 3.5 days of which 1.5 on site
    first = timesheet(world, mission, "ts-1", "j1", "6", days_on_site="2")
    assert (first.timesheet_days, first.timesheet_days_on_site) == ({"j1": 6}, {"j1": 2})
    after = timesheet(world, mission, "ts-2", "j2", "3.5", days_on_site="1.5")
    # Then the budget spent is exact: 9.5 days at 650 € and 3.5 days on site at 50 € (not 9.5 × 700 €)
    assert after.spent_cents == 950 * 65000 // 100 + 350 * 5000 // 100 == 635000
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert view["budget"]["timesheet_cents"] == 635000
    assert [(m["days_reported"], m["days_on_site_reported"]) for m in view["milestones_follow_up"]] == [
        ("6", "2"), ("3.5", "1.5")]
    # And the mission view follows the frais-annexes line: 3.5 of its 15 days, 175 €, 11.5 days (575 €) left
    assert view["extra_costs_follow_up"] == {
        "line_id": "frais-annexes", "unit_price_cents": 5000, "days_planned": "15", "days_on_site_reported": "3.5",
        "amount_cents": 17500, "remaining_days": "11.5", "remaining_cents": 57500, "received": False,
        "days_invoiced": "0"}
    # And the same timesheet again changes nothing
    assert timesheet(world, mission, "ts-1", "j1", "6", days_on_site="2").timesheet_days_on_site == {
        "j1": 2, "j2": Decimal("1.5")}


def _mission(mission, **update):
    return mission.model_copy(update=update)


def test_the_days_on_site_default_by_work_mode_and_a_remote_mission_refuses_any(mission_world):
    _, hybrid = mission_world
    six = Decimal(6)
    # An on-site mission: absent means all of its days; a remote one: none, and any day on site is refused
    on_site = _mission(hybrid, work_mode=WorkMode.ON_SITE)
    assert days_on_site_of(on_site, six, None) == six and timesheet_errors(on_site, "j1", six) == []
    remote = _mission(hybrid, work_mode=WorkMode.REMOTE, planned_budget_cents=15 * 65000)
    assert days_on_site_of(remote, six, None) == 0 and remote.extra_per_day_cents == 0
    assert timesheet_errors(remote, "j1", six) == []
    assert [(e.field, e.code) for e in timesheet_errors(remote, "j1", six, Decimal(1))] == [
        ("$.days_on_site", "DAYS_ON_SITE_ON_REMOTE_MISSION")]
    # A mission framed before its work mode was kept: today's averaged cost — all days on site when frais annexes
    # were budgeted (planned above the daily rate), none otherwise
    legacy = _mission(hybrid, work_mode=None)
    assert legacy.extra_per_day_cents == 5000 and days_on_site_of(legacy, six, None) == six
    legacy_remote = _mission(hybrid, work_mode=None, planned_budget_cents=15 * 65000)
    assert legacy_remote.extra_per_day_cents == 0 and days_on_site_of(legacy_remote, six, None) == 0


def test_the_exact_budget_and_the_frais_annexes_line_cap_the_days_on_site(mission_world):
    _, hybrid = mission_world
    # Given a mission with 9 days on site reported and a budget of 6 950 € (a tighter framing than today's)
    tight = _mission(hybrid, planned_budget_cents=695000,
                     timesheet_days={"j1": Decimal(9)}, timesheet_days_on_site={"j1": Decimal(9)})
    # Then a day off site still fits (9 × 700 € + 650 €), a day on site does not: exceeded by its 50 € of frais annexes
    assert timesheet_errors(tight, "j2", Decimal(1), Decimal(0)) == []
    [over] = timesheet_errors(tight, "j2", Decimal(1), Decimal(1))
    assert over.code == "MISSION_BUDGET_EXCEEDED"
    assert "dépassé de 50,00 € (700,00 € pour 650,00 € restants)" in over.message
    # And days on site beyond the frais-annexes line's 15 days are refused with what is left (a record holding more
    # days on site than days: today's per-milestone caps keep a consistent record within the line)
    full = _mission(hybrid, timesheet_days={"j1": Decimal(10), "j2": Decimal(4)},
                    timesheet_days_on_site={"j1": Decimal(10), "j2": Decimal(4.5)})
    line, budget = timesheet_errors(full, "j2", Decimal(1), Decimal(1))
    assert (line.field, line.code, budget.code) == ("$.days_on_site", "EXTRA_COSTS_DAYS_EXCEEDED", "MISSION_BUDGET_EXCEEDED")
    assert "il en reste 0,5 sur 15 prévus" in line.message


def test_the_frais_annexes_line_is_invoiced_within_the_days_on_site_reported(mission_world):
    world, mission = mission_world
    timesheet(world, mission, "ts-1", "j1", "6", days_on_site="2")
    order = world.order(B, mission.order_id)
    world.seed_order(order.model_copy(update={"state": OrderState.IN_PROGRESS,
                                              "line_status": {"j1": True, "frais-annexes": True}}))
    # Given the beneficiary received the milestone and the frais-annexes line, like any line
    receptions.record_reception(B, ReceiveOrder.model_validate_json(json.dumps({
        "order_id": mission.order_id, "occurred_at": "2026-03-03T08:00:00+00:00",
        "lines": [{"line_id": "j1"}, {"line_id": "frais-annexes"}]})), world.uow(), world.clock)

    def invoice(days: str, number: str):
        msg = dataclasses.replace(inbound(invoice_body(number, order_id=mission.order_id, manager_id=B,
                                                       lines=[("frais-annexes", days, 5000)], vat_rate="20"),
                                          number, contractor_id=TITULAIRE), type=EventType.INVOICE_SUBMITTED.value)
        return inbound_router.route(msg, inbound_router.Services(uow=world.uow(), clock=world.clock))

    # When the titulaire bills 3 days of frais annexes with 2 days on site reported, it is refused with what is left
    over = invoice("3", "F-1")
    assert over.status is ReplyStatus.REJECTED
    [error] = [e for e in over.errors if e.code == "INVOICE_EXTRA_COSTS_DAYS_EXCEEDED"]
    assert "2 jours sur site déclarés, il en reste 2 à facturer" in error.message
    # Then the 2 days are accepted, and a third refused until more days on site are reported
    assert invoice("2", "F-2").status is ReplyStatus.ACCEPTED
    assert invoice("1", "F-3").status is ReplyStatus.REJECTED
    timesheet(world, mission, "ts-2", "j1", "1", days_on_site="1")
    assert invoice("1", "F-4").status is ReplyStatus.ACCEPTED
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert (view["extra_costs_follow_up"]["received"], view["extra_costs_follow_up"]["days_invoiced"]) == (True, "3")
