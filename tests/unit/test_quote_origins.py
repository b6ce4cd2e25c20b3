"""Quotes opened by the contractor (A2.4 spontaneous, A2.5 supplementary) and by a beneficiary for its
mission (B16), on the in-memory unit of work: the same versions, D3 and decisions as a manager's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.orders import OrderLine, OrderState, SiteRef
from shared.domain.quotes import (
    DecideQuote, QuoteAction, QuoteState, RaiseQuote, RequestMissionQuote, SubmitQuote, step,
)
from shared.domain.sourcing.process import Milestone, Mission
from shared.domain.sourcing.records import ExtraCosts, Level, ServiceType
from shared.service import quote_origins, quotes
from tests.builders import CONTRACTOR, MANAGER, an_order
from tests.fakes import World
from tests.quote_builders import CONTRACT, CONTRACT_ID, LINES, a_world, messages, stored

VALID = dt.date(2026, 4, 30)
BENEFICIARY = "ben-lyon"


def a_raise(quote_id: str = "DV-C-1", **fields) -> RaiseQuote:
    return RaiseQuote(**{"manager_id": MANAGER, "quote_id": quote_id, "contract_id": CONTRACT_ID,
                         "title": "Remplacement du groupe VMC", "site": SiteRef(node_id="N-1"), "lines": LINES,
                         "valid_until": VALID, **fields})


def raised(world: World, cmd: RaiseQuote | None = None, contractor: str = CONTRACTOR, submission: str | None = None):
    return quote_origins.raise_quote(contractor, cmd or a_raise(), world.uow(), world.clock, submission)


def codes(refused: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in refused.value.errors]


# --- the table ---------------------------------------------------------------------------------


def test_how_a_quote_is_opened_and_by_whom_is_in_the_table():
    # Then a buyer's request is requested, a contractor's raise is submitted at once
    assert step(None, QuoteAction.REQUEST, "manager") is QuoteState.REQUESTED
    assert step(None, QuoteAction.REQUEST, "beneficiary") is QuoteState.REQUESTED
    assert step(None, QuoteAction.RAISE, "contractor") is QuoteState.SUBMITTED
    # And the other parties may not take those steps, nor submit a quote that does not exist
    for action, actor in ((QuoteAction.REQUEST, "contractor"), (QuoteAction.RAISE, "manager")):
        with pytest.raises(DomainError) as refused:
            step(None, action, actor)
        assert [e.code for e in refused.value.errors] == ["TRANSITION_NOT_ALLOWED_FOR_ACTOR"]
    with pytest.raises(DomainError) as nothing:
        step(None, QuoteAction.SUBMIT, "contractor")
    assert "« aucun devis »" in nothing.value.errors[0].message


# --- raised by the contractor ------------------------------------------------------------------


def test_a_spontaneous_quote_is_submitted_in_version_one_without_d3_and_the_manager_accepts_it():
    # Given a contractor on site with a contract of this manager
    world = a_world()
    # When it raises a quote nobody asked for
    quote, created = raised(world)
    # Then it is submitted in version 1, opened by the contractor, and no D3 runs (nobody asked)
    assert (created, quote.state, quote.current.version, quote.opened_by) == (True, QuoteState.SUBMITTED, 1,
                                                                              "contractor")
    assert world.deadlines(MANAGER) == {}
    # When the manager accepts it
    after = quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-C-1", action="accept"), world.uow(),
                                world.clock)
    # Then the order DV-C-1 exists with its lines, and the contractor is told as for any quote
    assert (after.state, after.created_order_id) == (QuoteState.ACCEPTED, "DV-C-1")
    assert world.order(MANAGER, "DV-C-1").lines == LINES
    assert [m.event_type for m in messages(world)] == [EventType.ORDER_ISSUED, EventType.QUOTE_DECIDED]


def test_a_supplementary_quote_on_its_own_order_is_revised_then_adds_its_lines_once_accepted():
    # Given an order of this contractor, in progress
    world = a_world(orders=(an_order("BC-1", state=OrderState.IN_PROGRESS),))
    raised(world, a_raise("DV-SUP", order_id="BC-1"))
    # When the contractor revises it, and the manager accepts
    revised = quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id="DV-SUP", valid_until=VALID,
                                                          lines=[LINES[0].model_copy(update={"quantity": Decimal(3)})]),
                                  world.uow(), world.clock)
    quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-SUP", action="accept"), world.uow(), world.clock)
    # Then version 2 was accepted and its line added to the order
    assert revised.current.version == 2
    order = world.order(MANAGER, "BC-1")
    assert [(line.line_id, line.quantity) for line in order.lines][-1] == ("DV-SUP-L1", Decimal(3))


def test_the_same_quote_raised_again_is_the_stored_one_and_another_under_its_id_is_refused():
    world = a_world()
    first, _ = raised(world, submission="k-1")
    # When the same raise comes again (another key, same content), then another content under the id
    again, created = raised(world, submission="k-2")
    with pytest.raises(DomainError) as other:
        raised(world, a_raise(title="Autre chose"))
    # Then the first is found as it is, the second refused
    assert (created, again.versions) == (False, first.versions)
    assert codes(other) == [("$.quote_id", "QUOTE_ALREADY_EXISTS")]


def test_a_contractor_raises_no_quote_under_another_contractors_contract_nor_on_its_order():
    # Given another contractor, serving the same manager, and an order addressed to the first one
    world = a_world(orders=(an_order("BC-1"),))
    world.seed_contractor("ctr-other", (MANAGER,))
    # When the other contractor raises a quote under the first one's contract, or on its order
    with pytest.raises(DomainError) as contract:
        raised(world, contractor="ctr-other")
    world.seed(f"managers/{MANAGER}/contracts/AC-OTHER", {**CONTRACT, "contract_id": "AC-OTHER",
                                                         "contractor_id": "ctr-other"})
    with pytest.raises(DomainError) as order:
        raised(world, a_raise(contract_id="AC-OTHER", order_id="BC-1"), contractor="ctr-other")
    # Then both are refused as unknown, telling nothing of the other's data
    assert codes(contract) == [("$.contract_id", "CONTRACT_NOT_FOUND")]
    assert codes(order) == [("$.order_id", "ORDER_NOT_FOUND")]


def test_a_manager_the_contractor_does_not_serve_is_refused_like_an_unknown_contract():
    world = a_world()
    world.seed_contractor(CONTRACTOR, ("mgr-elsewhere",))
    with pytest.raises(DomainError) as refused:
        raised(world)
    assert codes(refused) == [("$.contract_id", "CONTRACT_NOT_FOUND")]


def test_a_raised_quote_is_checked_like_a_request_and_a_submission_all_errors_at_once():
    # Given a closed order, a tree that lacks the node, and a catalogue in force
    world = a_world(orders=(an_order("BC-1", state=OrderState.CLOSED),))
    world.seed(f"managers/{MANAGER}/property_tree/current", {"nodes": 1})
    # When the contractor raises a supplementary quote on it, valid until yesterday
    with pytest.raises(DomainError) as refused:
        raised(world, a_raise(order_id="BC-1", valid_until=dt.date(2026, 3, 1)))
    # Then every reason is given
    assert sorted(codes(refused)) == [("$.order_id", "ORDER_TERMINATED"), ("$.site.node_id", "PROPERTY_NODE_NOT_FOUND"),
                                      ("$.valid_until", "OUT_OF_RANGE")]
    # And a line priced outside the catalogue in force is refused on that line
    world.seed(f"managers/{MANAGER}/contracts/{CONTRACT_ID}/catalogue/v0001", {
        "contract_id": CONTRACT_ID, "version": 1, "valid_from": "2026-01-01", "reviewed_on": "2026-01-01",
        "items": {"PLB-010": {"code": "PLB-010", "label": "Recherche de fuite", "unit": "U",
                              "unit_price_cents": 9000, "vat_rate": "10"}}})
    world.db.docs.pop(f"managers/{MANAGER}/property_tree/current")
    with pytest.raises(DomainError) as priced:
        raised(world)
    assert codes(priced) == [("$.lines[0].unit_price_cents", "INVALID_VALUE")]


def test_only_the_buyer_decides_a_raised_quote_and_the_contractor_may_withdraw_it():
    world = a_world()
    raised(world)
    with pytest.raises(DomainError) as accept_own:
        quotes.decide_quote("contractor", CONTRACTOR, DecideQuote(quote_id="DV-C-1", action="accept",
                                                                  manager_id=MANAGER), world.uow(), world.clock)
    withdrawn = quotes.decide_quote("contractor", CONTRACTOR, DecideQuote(quote_id="DV-C-1", action="withdraw",
                                                                          manager_id=MANAGER), world.uow(), world.clock)
    assert codes(accept_own) == [("$.action", "TRANSITION_NOT_ALLOWED_FOR_ACTOR")]
    assert "gestionnaire ou au bénéficiaire" in accept_own.value.errors[0].message
    assert withdrawn.state is QuoteState.WITHDRAWN


# --- requested by a beneficiary for its mission (B16) ------------------------------------------


def a_mission_world() -> World:
    """A beneficiary (a manager-like space) whose mission's order is held by the titulaire."""
    world = World("2026-03-02T09:00:00+00:00")
    world.seed_contractor("ctr-titulaire", (BENEFICIARY,))
    world.seed(f"managers/{BENEFICIARY}/contracts/AC-PFI", {**CONTRACT, "contract_id": "AC-PFI",
                                                           "contractor_id": "ctr-titulaire"})
    world.seed_order(an_order("BC-N-1", manager_id=BENEFICIARY, contract_id="AC-PFI", contractor_id="ctr-titulaire",
                              state=OrderState.IN_PROGRESS))
    mission = Mission(mission_id="N-1-mission", beneficiary_id=BENEFICIARY, need_id="N-1", need_version=1,
                      professional_id="p-1", profile_category="CHEF-PROJET", level=Level.SENIOR,
                      service_type=ServiceType.AMOA, daily_rate_cents=65_000, extra_costs=ExtraCosts(),
                      start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 6, 30), deliverables=["Recette"],
                      milestones=[Milestone(milestone_id="j1", label="Stratégie", days=10, due=dt.date(2026, 4, 30))],
                      planned_budget_cents=0, order_id="BC-N-1", framed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    world.seed(f"beneficiaries/{BENEFICIARY}/missions/N-1-mission", mission.model_dump(mode="json"))
    return world


def test_a_beneficiary_requests_a_quote_for_its_mission_d3_runs_and_its_acceptance_extends_the_order():
    world = a_mission_world()
    # When the beneficiary requests a quote for its mission
    quote, created = quote_origins.request_mission_quote(
        BENEFICIARY, RequestMissionQuote(quote_id="DV-M-1", mission_id="N-1-mission", title="Atelier de cadrage"),
        world.uow(), world.clock)
    # Then it is a request to the titulaire on the mission's order, D3 runs and the titulaire is told
    assert (created, quote.state, quote.contractor_id, quote.order_id, quote.opened_by, quote.mission_id) == (
        True, QuoteState.REQUESTED, "ctr-titulaire", "BC-N-1", "beneficiary", "N-1-mission")
    assert world.deadlines(BENEFICIARY)["D3-DV-M-1"].state.value == "running"
    [told] = messages(world, EventType.QUOTE_REQUESTED)
    assert (told.topic, told.data["requested_by"], told.data["mission_id"]) == (
        "orders-ctr-titulaire", "beneficiary", "N-1-mission")
    # When the titulaire submits and the beneficiary accepts
    quotes.submit_quote("ctr-titulaire", SubmitQuote(manager_id=BENEFICIARY, quote_id="DV-M-1", valid_until=VALID,
                                                     lines=LINES), world.uow(), world.clock)
    accepted = quotes.decide_quote("beneficiary", BENEFICIARY, DecideQuote(quote_id="DV-M-1", action="accept"),
                                   world.uow(), world.clock)
    # Then D3 was met, and the quote's lines were added to the mission's order
    assert world.deadlines(BENEFICIARY)["D3-DV-M-1"].state.value == "met"
    assert accepted.created_order_id == "BC-N-1"
    assert world.order(BENEFICIARY, "BC-N-1").lines[-1].line_id == "DV-M-1-L1"
    assert messages(world, EventType.QUOTE_DECIDED)[0].data["decided_by"] == "beneficiary"


def test_a_beneficiary_requests_no_quote_for_a_mission_it_does_not_have():
    world = a_mission_world()
    with pytest.raises(DomainError) as refused:
        quote_origins.request_mission_quote("ben-other", RequestMissionQuote(
            quote_id="DV-M-2", mission_id="N-1-mission", title="Atelier"), world.uow(), world.clock)
    assert codes(refused) == [("$.mission_id", "MISSION_NOT_FOUND")]
    assert stored(world, "DV-M-2") is None


# --- raised by the titulaire to a beneficiary: on one of its missions, never at a typed site (B16, A7) -----------


def a_beneficiary_world() -> World:
    """A beneficiary's space (registered with its kind, no property tree) whose mission's order the titulaire holds."""
    world = a_mission_world()
    world.seed(f"managers/{BENEFICIARY}", {"kind": "beneficiary", "name": "Métropole"})
    order = world.order(BENEFICIARY, "BC-N-1")
    world.seed_order(order.model_copy(update={"mission_id": "N-1-mission", "site": SiteRef(
        node_id=BENEFICIARY, label="Auvergne-Rhône-Alpes", address="Mission mixte")}))
    return world


def a_titulaire_raise(quote_id: str = "DV-T-1", **fields) -> RaiseQuote:
    return RaiseQuote(**{"manager_id": BENEFICIARY, "quote_id": quote_id, "contract_id": "AC-PFI",
                         "title": "Atelier de cadrage", "lines": LINES, "valid_until": VALID, **fields})


def test_a_titulaire_s_quote_to_a_beneficiary_concerns_its_mission_at_the_mission_s_site_and_completes_its_order():
    world = a_beneficiary_world()
    # When the titulaire raises a quote naming the mission, no site (the beneficiary has no property tree)
    quote, created = raised(world, a_titulaire_raise(mission_id="N-1-mission"), contractor="ctr-titulaire")
    # Then it is submitted on the mission's order, at the mission's site, and names its mission
    assert (created, quote.state, quote.order_id, quote.mission_id, quote.site.node_id, quote.site.address) == (
        True, QuoteState.SUBMITTED, "BC-N-1", "N-1-mission", BENEFICIARY, "Mission mixte")
    # And the same raise again finds it, changing nothing
    again, created_again = raised(world, a_titulaire_raise(mission_id="N-1-mission"), contractor="ctr-titulaire")
    assert (created_again, again) == (False, quote)
    # And naming the mission's order rather than the mission (an ERP's supplementary works), with the order's
    # own site copied, is the same quote on the same mission
    on_order, _ = raised(world, a_titulaire_raise("DV-T-2", order_id="BC-N-1", site=SiteRef(node_id=BENEFICIARY)),
                         contractor="ctr-titulaire")
    assert (on_order.mission_id, on_order.order_id, on_order.site.label) == ("N-1-mission", "BC-N-1",
                                                                            "Auvergne-Rhône-Alpes")
    # When the beneficiary accepts it, its lines are added to the mission's order
    accepted = quotes.decide_quote("beneficiary", BENEFICIARY, DecideQuote(quote_id="DV-T-1", action="accept"),
                                   world.uow(), world.clock)
    assert accepted.created_order_id == "BC-N-1"
    assert world.order(BENEFICIARY, "BC-N-1").lines[-1].line_id == "DV-T-1-L1"


def test_a_titulaire_s_quote_to_a_beneficiary_without_a_mission_or_at_a_typed_site_is_refused_and_nothing_stored():
    world = a_beneficiary_world()

    def refused_codes(cmd: RaiseQuote, contractor: str = "ctr-titulaire") -> list[tuple[str, str]]:
        with pytest.raises(DomainError) as refused:
            raised(world, cmd, contractor=contractor)
        assert stored(world, cmd.quote_id) is None
        return codes(refused)

    # a spontaneous quote naming no mission: a beneficiary has no property tree to put it in
    assert refused_codes(a_titulaire_raise(site=SiteRef(node_id="anything"))) == [
        ("$.mission_id", "QUOTE_MISSION_REQUIRED")]
    # the mission's, at a site typed that is not the mission's (formerly stored as typed)
    assert refused_codes(a_titulaire_raise(mission_id="N-1-mission", site=SiteRef(node_id="batiment-a"))) == [
        ("$.site.node_id", "QUOTE_SITE_NOT_MISSION_SITE")]
    # a mission it does not have, and an order that is not the mission's
    assert refused_codes(a_titulaire_raise(mission_id="N-9-mission")) == [("$.mission_id", "MISSION_NOT_FOUND")]
    world.seed_order(an_order("BC-OTHER", manager_id=BENEFICIARY, contract_id="AC-PFI", contractor_id="ctr-titulaire"))
    assert refused_codes(a_titulaire_raise(mission_id="N-1-mission", order_id="BC-OTHER")) == [
        ("$.order_id", "QUOTE_ORDER_NOT_MISSION_ORDER")]
    # another contractor serving the beneficiary learns nothing of the titulaire's mission
    world.seed_contractor("ctr-other", (BENEFICIARY,))
    world.seed(f"managers/{BENEFICIARY}/contracts/AC-X", {**CONTRACT, "contract_id": "AC-X",
                                                         "contractor_id": "ctr-other"})
    assert refused_codes(a_titulaire_raise(contract_id="AC-X", mission_id="N-1-mission"), "ctr-other") == [
        ("$.mission_id", "MISSION_NOT_FOUND")]
    # and the refusals are said in French
    with pytest.raises(DomainError) as refused:
        raised(world, a_titulaire_raise(), contractor="ctr-titulaire")
    assert refused.value.errors[0].message == ("Un devis proposé à un bénéficiaire porte sur l'une de ses missions : "
                                               "indiquez la mission concernée.")


def test_a_manager_s_quote_names_a_site_of_its_tree_and_no_mission():
    world = a_world()
    with pytest.raises(DomainError) as refused:
        raised(world, a_raise(site=None, mission_id="N-1-mission"))
    assert codes(refused) == [("$.site", "REQUIRED"), ("$.mission_id", "QUOTE_MISSION_NOT_FOR_MANAGER")]
    assert stored(world, "DV-C-1") is None


def test_what_a_raised_quote_names_by_its_client_is_a_pure_rule():
    from shared.domain.quotes import mission_site_errors, raise_target_errors

    site = SiteRef(node_id=BENEFICIARY)
    assert raise_target_errors(a_titulaire_raise(mission_id="m"), beneficiary=True) == []
    assert raise_target_errors(a_titulaire_raise(order_id="BC-1"), beneficiary=True) == []
    assert [e.code for e in raise_target_errors(a_titulaire_raise(site=site), beneficiary=True)] == [
        "QUOTE_MISSION_REQUIRED"]
    assert raise_target_errors(a_raise(), beneficiary=False) == []
    assert mission_site_errors(None, site) == [] and mission_site_errors(SiteRef(node_id=BENEFICIARY, label="x"),
                                                                        site) == []
    [other] = mission_site_errors(SiteRef(node_id="N-1"), site)
    assert (other.field, other.code) == ("$.site.node_id", "QUOTE_SITE_NOT_MISSION_SITE")
    assert "« N-1 »" in other.message
