"""B18 on a mission's order (B11, B13) and the quotes requested on it (B16): they count in the territory the
beneficiary is registered with — its D1, F1 and D3 on that territory's calendar, its screens on its clock — and
the order's site says its work mode in French. Orders already issued keep what they were issued with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared.domain.order_list import summary
from shared.domain.orders import OrderLine
from shared.domain.quotes import RaiseQuote, RequestMissionQuote
from shared.service import listings, order_store, quote_origins, quote_store
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
    # Given a message from the titulaire about an event at 03:30 UTC on 3 March, after its order's issue (midnight
    # in Paris that day): 2 March, 23:30 in Martinique
    occurred = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)
    record_execution(inbound(report(1, "acknowledged", order_id=ORDER, manager_id=B, occurred_at=occurred),
                             "m-late", contractor_id=TITULAIRE), world.uow(), world.clock)
    # Then D1 is counted in Martinique: its first day of lateness is 2 March there (3 March in Paris)
    [d1] = [d for d in world.deadlines(B).values() if d.kind == "D1"]
    assert d1.territory == "972"
    assert min(e.local_date for e in world.ledger(B, d1.deadline_id)) == "2026-03-02"
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


def test_the_titulaires_lists_say_which_rows_are_a_beneficiarys_from_what_they_read_already():
    """What the web app names « Bénéficiaire » rather than « Gestionnaire »: a mission's order row, a quote on
    a mission (requested by its beneficiary, or raised by the titulaire on the mission's order), a contract in a
    beneficiary's space."""
    world = a_framed_mission_in("69", "84")
    mission_id = missions.mission_id_for("n1")
    order = world.order(B, ORDER)
    row = summary(order, world.clock.now(), updated_at=world.clock.now(), last_event=None, document_count=0)
    assert row.mission_id == mission_id
    quote_origins.raise_quote(TITULAIRE, RaiseQuote(
        manager_id=B, quote_id="DV-T-1", contract_id=order.contract_id, title="Atelier", site=order.site,
        order_id=ORDER, lines=[OrderLine(line_id="L1", service_code="CHEF-PROJET", label="Atelier", unit="j",
                                         quantity=Decimal(1), unit_price_cents=65000)],
        valid_until=dt.date(2026, 4, 30)), world.uow(), world.clock)
    [quote] = listings.list_quotes("contractor", TITULAIRE, {"state": None}, world.uow())["quotes"]
    assert (quote["quote_id"], quote["mission_id"], quote["answer_due_at"]) == ("DV-T-1", mission_id, None)
    # And a contract is a beneficiary's by its space, read once for the whole list
    world.seed_contractor(TITULAIRE, (B, "mgr-a"))
    world.seed("managers/mgr-a", {"name": "Rhône Habitat"})
    world.seed("managers/mgr-a/contracts/AC-1", {"contract_id": "AC-1", "contractor_id": TITULAIRE,
                                                 "status": "active"})
    kinds = {c["manager_id"]: c["client_kind"]
             for c in listings.list_contracts("contractor", TITULAIRE, world.uow())["contracts"]}
    assert kinds == {B: "beneficiary", "mgr-a": "manager"}


def test_a_quote_the_titulaire_raised_in_a_beneficiarys_space_without_a_mission_is_the_beneficiarys():
    """B16: a quote to a beneficiary now concerns one of its missions (a spontaneous one naming none is refused,
    tests/unit/test_quote_origins.py); one raised before that rule names no mission, yet its client is the
    beneficiary whose space it is in: the list row and get_quote say so (client_kind, read from the space), a
    manager's quote stays a manager's."""
    world = a_framed_mission_in("69", "84")
    order = world.order(B, ORDER)
    # Given a quote raised there before the rule, at the mission order's site and naming no mission, as stored then
    raised = quote_origins.raise_quote(TITULAIRE, RaiseQuote(
        manager_id=B, quote_id="DV-T-2", contract_id=order.contract_id, title="Audit",
        mission_id=missions.mission_id_for("n1"),
        lines=[OrderLine(line_id="L1", service_code="CHEF-PROJET", label="Audit", unit="j", quantity=Decimal(1),
                         unit_price_cents=65000)], valid_until=dt.date(2026, 4, 30)), world.uow(), world.clock)[0]
    before = raised.model_copy(update={"mission_id": None, "order_id": None})
    world.seed(quote_store.quote_path(B, "DV-T-2"), quote_store.quote_doc(before))
    rows = listings.list_quotes("contractor", TITULAIRE, {"state": None}, world.uow())["quotes"]
    assert [(q["quote_id"], q["client_kind"]) for q in rows] == [("DV-T-2", "beneficiary")]
    assert [q["client_kind"] for q in listings.list_quotes("beneficiary", B, {"state": None}, world.uow())["quotes"]] \
        == ["beneficiary"]
    read = quote_store.get_quote("contractor", TITULAIRE, B, "DV-T-2", world.uow())
    assert quote_store.view(read, world.uow())["client_kind"] == "beneficiary"
    # Without the space read (a command's answer), a quote naming no mission says « manager »; a manager's space too
    assert quote_store.view(read)["client_kind"] == "manager"
    world.seed("managers/mgr-a", {"name": "Rhône Habitat"})
    assert quote_store.client_kind(world.uow(), "mgr-a") == "manager"
