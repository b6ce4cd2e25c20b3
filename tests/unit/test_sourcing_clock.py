"""B18 territories on the sourcing and penalties screens: a need, a mission and an agreement of a beneficiary in
Martinique, and a statement of penalties counted there, name Martinique's clock — ``time_zone`` and
``time_zone_label``, the fields the order, quote and incident views use — so that the web app shows their times
on it; a need's list row names it from its own record (docs/web-app.md, Times and zones)."""

from __future__ import annotations

import datetime as dt
import json

from shared.domain.listings import NeedList
from shared.domain.penalties import DecisionAction, Statement, statement
from shared.domain.sourcing.messages import RequestReplacement
from shared.domain.sourcing.process import SourcingActor
from shared.domain.sourcing.views import AwaitingReplacementList, SourcingView
from shared.domain.territories import clock_fields, territory_of_calendar
from shared.service import deadlines, listings
from shared.service.executions import record_execution
from shared.service.sourcing import agreements, missions, needs, paths, replacements
from tests.builders import inbound, report
from tests.unit.test_mission_territory import ORDER, TITULAIRE, a_framed_mission_in
from tests.unit.test_order_clock import recording
from tests.unit.test_sourcing_services import B

MARTINIQUE = ("America/Martinique", "Heures de la Martinique")
PARIS = ("Europe/Paris", "Heures de Paris")


def clock(view: dict) -> tuple:
    return view["time_zone"], view["time_zone_label"]


def test_a_need_its_mission_and_its_agreement_of_a_beneficiary_in_martinique_name_martiniques_clock():
    # Given a beneficiary registered in Martinique, its need accepted and its mission framed
    world = a_framed_mission_in("972", "02")
    # Then its need, its mission and its agreement each name Martinique's clock, and get_sourcing's model takes them
    need = needs.read_need(B, "n1", world.uow())
    mission = missions.read_mission(B, need["mission_id"], world.uow())
    agreement = agreements.read_agreement(B, world.uow(), world.clock)
    for view in (need, mission, agreement):
        assert (view["territory"], *clock(view)) == ("972", *MARTINIQUE)
        assert SourcingView.model_validate(json.loads(json.dumps(view)), strict=False).root.time_zone == MARTINIQUE[0]
    assert mission["order_id"] == ORDER
    # And the row of its need in « Mes besoins » names it too, from the need's own record
    listed = listings.list_needs("beneficiary", B, {}, world.uow())
    NeedList.model_validate(listed, strict=False)
    assert [row["time_zone"] for row in listed["needs"]] == [MARTINIQUE[0]]


def test_a_beneficiary_in_lyon_reads_its_need_mission_and_agreement_on_paris_clock():
    world = a_framed_mission_in("69", "84")
    need = needs.read_need(B, "n1", world.uow())
    for view in (need, missions.read_mission(B, need["mission_id"], world.uow()),
                 agreements.read_agreement(B, world.uow(), world.clock)):
        assert (view["territory"], *clock(view)) == ("69", *PARIS)
    assert [row["time_zone"] for row in listings.list_needs("beneficiary", B, {}, world.uow())["needs"]] == [PARIS[0]]


def test_a_replacement_awaited_in_martinique_names_martiniques_clock_in_the_operators_list_without_a_read():
    # Given a mission of a beneficiary in Martinique whose professional was found insufficient
    world = a_framed_mission_in("972", "02")
    mission_id = needs.read_need(B, "n1", world.uow())["mission_id"]
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    # When the operator lists the missions awaiting a replacement, reading the missions and, for who leaves, the
    # mission and its beneficiary by name (B12), the pool's records of those professionals, the missions' orders and
    # the beneficiaries' records in one batch — nothing for the clock
    uow, read, queried = recording(world)
    listed = replacements.awaiting_replacement(uow)
    [row] = AwaitingReplacementList.model_validate(listed, strict=False).missions
    assert (sorted(read), queried) == (sorted([paths.professional(row.professional_id), paths.beneficiary(B),
                                               f"managers/{B}/orders/{row.order_id}"]), ["missions"])
    assert row.professional_name == world.db.data(paths.professional(row.professional_id))["name"]
    # Then the row names the mission's clock (its D6's territory), as its mission screen does
    assert (row.mission_id, row.time_zone) == (mission_id, MARTINIQUE[0])
    assert row.time_zone == missions.read_mission(B, mission_id, world.uow())["time_zone"]


# An event on the Martinique mission's order after its issue (midnight in Paris on 3 March, the framing day):
# 2 March, 23:30 in Martinique, reported at 09:00 UTC, hours late.
LATE_IN_MARTINIQUE = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)


def test_a_statement_counted_in_martinique_names_its_clock_and_each_decisions_time():
    # Given a late message on the Martinique mission's order: D1 counted in Martinique (its days are Martinique's)
    world = a_framed_mission_in("972", "02")
    record_execution(inbound(report(1, "acknowledged", order_id=ORDER, manager_id=B,
                                    occurred_at=LATE_IN_MARTINIQUE),
                             "m-late", contractor_id=TITULAIRE), world.uow(), world.clock)
    st = deadlines.monthly_statement(world.uow(), B, TITULAIRE, None, "2026-03")
    assert st.lines and {(line.time_zone, line.time_zone_label) for line in st.lines} == {MARTINIQUE}
    assert (st.time_zone, st.time_zone_label) == MARTINIQUE
    assert all(line.decided_at is None for line in st.lines)
    # When the beneficiary disputes its first day
    first = st.lines[0]
    deadlines.decide_penalty(world.uow(), B, first.entry_id, DecisionAction.DISPUTE, "Retard contesté", "u-1",
                             world.clock)
    # Then the statement gives that decision's time, which the screen shows on Martinique's clock
    again = deadlines.monthly_statement(world.uow(), B, TITULAIRE, None, "2026-03")
    decided = {line.entry_id: line.decided_at for line in again.lines}
    assert decided[first.entry_id] == world.clock.now()
    Statement.model_validate_json(again.model_dump_json())


def test_a_statement_whose_lines_were_counted_on_two_clocks_names_none_and_each_line_its_own():
    world = a_framed_mission_in("972", "02")
    record_execution(inbound(report(1, "acknowledged", order_id=ORDER, manager_id=B,
                                    occurred_at=LATE_IN_MARTINIQUE),
                             "m-late", contractor_id=TITULAIRE), world.uow(), world.clock)
    entries = deadlines.entries_of_month(world.uow(), B, TITULAIRE, "2026-03")
    paris = entries[0].model_copy(update={"entry_id": "e-paris", "territory": "75"})
    older = entries[0].model_copy(update={"entry_id": "e-older", "territory": None})
    mixed = statement(B, TITULAIRE, None, "2026-03", [*entries, paris, older])
    assert (mixed.time_zone, mixed.time_zone_label) == (None, None)
    zones = {line.entry_id: line.time_zone for line in mixed.lines}
    assert (zones["e-paris"], zones["e-older"], zones[entries[0].entry_id]) == (PARIS[0], PARIS[0], MARTINIQUE[0])
    # An empty month reads on Paris's clock
    empty = statement(B, TITULAIRE, None, "2026-01", entries)
    assert (empty.lines, empty.time_zone, empty.time_zone_label) == ([], *PARIS)


def test_clock_fields_and_the_territory_of_a_recorded_deadline():
    assert clock_fields("974") == {"territory": "974", "time_zone": "Indian/Reunion",
                                   "time_zone_label": "Heures de La Réunion"}
    assert clock_fields(None) == {"territory": None, "time_zone": PARIS[0], "time_zone_label": PARIS[1]}
    assert clock_fields("XX") == clock_fields(None)  # a code the platform does not know is not guessed
    assert (territory_of_calendar("holidays:972"), territory_of_calendar("weekdays"),
            territory_of_calendar(None)) == ("972", None, None)
