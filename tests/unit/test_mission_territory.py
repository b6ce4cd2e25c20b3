"""B18 on a mission's order (B11, B13) and the quotes requested on it (B16): they count in the territory the
beneficiary is registered with — its D1, F1 and D3 on that territory's calendar, its screens on its clock — and
the order's site says its work mode in French. Orders already issued keep what they were issued with."""

from __future__ import annotations

import datetime as dt

from shared.domain.quotes import RequestMissionQuote
from shared.service import order_store, quote_origins
from shared.service.executions import record_execution
from shared.service.sourcing import missions
from shared.service.sourcing.paths import Settings
from tests.builders import inbound, report
from tests.fakes import World
from tests.unit.test_sourcing_services import B, a_world, accepted, framing, record_commits

TITULAIRE = Settings().titulaire_id
ORDER = missions.order_id_for("n1")


def a_framed_mission_in(territory: str, region: str) -> World:
    """A beneficiary registered in ``territory``, its need accepted and its mission framed."""
    world = a_world(territory=territory, region=region)
    accepted(world)
    missions.frame_mission(B, framing(), world.uow(), world.clock)
    return world


def test_a_mission_order_of_a_beneficiary_in_martinique_is_counted_and_shown_in_martinique():
    # Given a beneficiary registered in Martinique (972) and its mission framed
    world = a_framed_mission_in("972", "02")
    # Then its order keeps Martinique as its territory, and its screens read it on Martinique's clock
    assert world.order(B, ORDER).territory == "972"
    view = order_store.order_view(B, ORDER, "contractor", world.uow(), contractor_id=TITULAIRE)
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == (
        "972", "America/Martinique", "Heures de la Martinique")


def test_a_late_message_and_a_rejected_one_on_a_mission_order_count_their_days_in_martinique():
    world = a_framed_mission_in("972", "02")
    # Given a message from the titulaire about an event at 02:00 UTC on 1 March: 28 February, 22:00 in Martinique
    occurred = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    record_execution(inbound(report(1, "acknowledged", order_id=ORDER, manager_id=B, occurred_at=occurred),
                             "m-late", contractor_id=TITULAIRE), world.uow(), world.clock)
    # Then D1 is counted in Martinique: its first day of lateness is 28 February there (1 March in Paris)
    [d1] = [d for d in world.deadlines(B).values() if d.kind == "D1"]
    assert d1.territory == "972"
    assert min(e.local_date for e in world.ledger(B, d1.deadline_id)) == "2026-02-28"
    # When a message is rejected for its format
    record_execution(inbound(report(2, progress=140, order_id=ORDER, manager_id=B), "m-bad",
                             contractor_id=TITULAIRE), world.uow(), world.clock)
    # Then F1 too is counted in Martinique
    [f1] = [d for d in world.deadlines(B).values() if d.kind == "F1"]
    assert f1.territory == "972"


def test_a_quote_requested_on_a_mission_in_martinique_is_due_on_martiniques_working_days():
    world = a_framed_mission_in("972", "02")
    # Given Monday 18 May 2026, 08:00 in Martinique: 22 May (abolition of slavery) is a holiday there only,
    # Whit Monday (25 May) everywhere
    world.clock.advance(days=76, hours=3)
    assert world.clock.now() == dt.datetime(2026, 5, 18, 12, 0, tzinfo=dt.UTC)
    # When the beneficiary requests a quote from the titulaire for its mission
    quote, _ = quote_origins.request_mission_quote(
        B, RequestMissionQuote(quote_id="DV-M-1", mission_id=missions.mission_id_for("n1"), title="Atelier"),
        world.uow(), world.clock)
    # Then its D3 counts 19, 20, 21, 26 and 27 May in Martinique (Paris would end on the 26th),
    # and the quote keeps that due time for the titulaire's screen
    d3 = world.deadlines(B)["D3-DV-M-1"]
    assert quote.territory == d3.territory == "972"
    assert quote.answer_due_at == d3.due_at == dt.datetime(2026, 5, 28, 4, 0, tzinfo=dt.UTC)  # 28 May 00:00 there


def test_a_mission_orders_site_says_its_work_mode_in_french():
    world = a_framed_mission_in("69", "84")
    order = world.order(B, ORDER)
    assert (order.site.address, order.territory) == ("Mission mixte", "69")
    assert [missions.mission_site_address(m) for m in missions.WorkMode] == [
        "Mission sur site", "Mission à distance", "Mission mixte"]


def test_a_mission_order_issued_in_paris_in_english_is_kept_and_framing_again_writes_nothing():
    """An order issued before: the territory the rule then gave (Paris) and « Mission mixed » are kept."""
    world = a_framed_mission_in("972", "02")
    order = world.order(B, ORDER)
    world.seed_order(order.model_copy(update={"territory": "75",
                                              "site": order.site.model_copy(update={"address": "Mission mixed"})}))
    commits = record_commits(world)
    # When the beneficiary frames the same mission again
    missions.frame_mission(B, framing(), world.uow(), world.clock)
    # Then nothing is written, and the order keeps its territory and its site
    kept = world.order(B, ORDER)
    assert commits == [] and (kept.territory, kept.site.address) == ("75", "Mission mixed")
