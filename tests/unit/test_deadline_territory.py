"""B18 on the deadlines: D3 of a quote, D1 and F1 of an order, and D8 of an incident about an order reported by
its manager or its contractor are counted in the order's territory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared.domain.incidents import ReportIncident
from shared.domain.messages import IssueOrder
from shared.domain.orders import OrderLine, OrderState, SiteRef
from shared.domain.penalties import statement, statement_csv
from shared.domain.quotes import RequestQuote
from shared.domain.validation import parse_object
from shared.service import incidents, orders, quotes
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, ISSUED_DAYS_BEFORE, MANAGER, NOW, an_order, inbound, issue_order_body, report
from tests.fakes import World

CONTRACT = {"contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "lots": [], "perimeter": {}}
LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                   unit_price_cents=8500)]


def request(quote_id: str, commune: str | None, order_id: str | None = None) -> RequestQuote:
    return RequestQuote(quote_id=quote_id, contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Colonne",
                        site=SiteRef(node_id="N-1", commune=commune), order_id=order_id)


def ask(world: World, quote_id: str, commune: str | None, order_id: str | None = None):
    return quotes.request_quote(MANAGER, request(quote_id, commune, order_id), world.uow(), world.clock)[0]


def test_a_quote_requested_before_guadeloupes_abolition_day_is_due_a_day_later_there_than_in_paris():
    # Given a Friday, 22 May 2026: Whit Monday (25 May) is a holiday everywhere, 27 May only in Guadeloupe
    world = a_world_of(now="2026-05-22T12:00:00+00:00")
    # When the manager requests one quote for a site in Paris and one in Pointe-à-Pitre
    paris = ask(world, "DV-75", "75056")
    guadeloupe = ask(world, "DV-971", "97120")
    # Then each quote and its D3 carry their territory, and 5 working days end on different days:
    # Paris: 26, 27, 28, 29 May, 1 June; Guadeloupe: 26, 28, 29 May, 1, 2 June (local midnight)
    d3_paris = world.deadlines(MANAGER)["D3-DV-75"]
    d3_guadeloupe = world.deadlines(MANAGER)["D3-DV-971"]
    assert (paris.territory, guadeloupe.territory) == ("75", "971")
    assert (d3_paris.territory, d3_guadeloupe.territory) == ("75", "971")
    assert d3_paris.due_at == dt.datetime(2026, 6, 1, 22, 0, tzinfo=dt.UTC)  # 2 June 00:00 Paris
    assert d3_guadeloupe.due_at == dt.datetime(2026, 6, 3, 4, 0, tzinfo=dt.UTC)  # 3 June 00:00 Guadeloupe
    assert (d3_paris.contractor_id, d3_guadeloupe.contract_id) == (CONTRACTOR, "AC-2026-017")


def test_a_supplementary_quote_is_counted_in_the_territory_of_its_order():
    # Given an order at Saint-Denis de La Réunion
    order = an_order("BC-974", state=OrderState.ACKNOWLEDGED,
                     site={"node_id": "N-974", "commune": "97411"})
    world = a_world_of(order, now="2027-12-17T06:00:00+00:00")
    # When a supplementary quote on it, requested on Friday 17 December 2027, names a site without a commune
    quote = ask(world, "DV-SUP", None, order_id="BC-974")
    # Then D3 is counted in La Réunion, where Monday 20 December (abolition of slavery) is a holiday:
    # 21, 22, 23, 24 and 27 December (Paris would end on the 24th)
    d3 = world.deadlines(MANAGER)["D3-DV-SUP"]
    assert quote.territory == d3.territory == "974"
    assert d3.due_at == dt.datetime(2027, 12, 27, 20, 0, tzinfo=dt.UTC)  # 28 Dec 00:00 Réunion (UTC+4)


def test_without_a_commune_a_quote_takes_its_contracts_one_territory_then_its_managers():
    world = a_world_of(manager_territory="57", now="2026-05-22T12:00:00+00:00")
    # Given a contract over the whole territory, then one over Martinique only
    first = ask(world, "DV-A", None)
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017",
               {**CONTRACT, "perimeter": {"departements": ["972"], "communes": []}})
    second = ask(world, "DV-B", None)
    # Then the first is the manager's territory (Moselle), the second the contract's
    assert (first.territory, second.territory) == ("57", "972")


def a_world_of(*orders, manager_territory: str | None = None, now: dt.datetime | str = NOW) -> World:
    world = World(now)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", CONTRACT)
    if manager_territory:
        world.seed(f"managers/{MANAGER}", {"name": MANAGER, "territory": manager_territory})
    for order in orders:
        world.seed_order(order)
    return world


def test_a_late_message_on_an_order_in_noumea_records_d1_in_new_caledonia():
    # Given an order in Nouméa, and a message 2 days late
    world = a_world_of(an_order(site={"node_id": "N-NC", "commune": "98818"}, issued_at=ISSUED_DAYS_BEFORE))
    occurred = NOW - dt.timedelta(days=2)
    record_execution(inbound(report(1, "acknowledged", occurred_at=occurred)), world.uow(), world.clock)
    # Then its D1 says New Caledonia, so the statement dates its days there
    [d1] = world.deadlines(MANAGER).values()
    assert (d1.kind, d1.territory) == ("D1", "NC")
    ledger = world.ledger(MANAGER, d1.deadline_id)
    assert {e.local_date for e in ledger} >= {
        (occurred + dt.timedelta(minutes=15)).astimezone(dt.timezone(dt.timedelta(hours=11))).date().isoformat()}
    # And the contractor's statement shows where each day was counted, in JSON and in the French CSV
    month = ledger[0].month
    s = statement(MANAGER, CONTRACTOR, None, month, [e for e in ledger if e.month == month],
                  world.causes(MANAGER, d1.deadline_id))
    assert {line.territory for line in s.lines} == {"NC"}
    rows = statement_csv(s).decode("utf-8").splitlines()
    # (each day of the contract lists the messages that caused it: here the one late message)
    # (named: the territory by its name, the day's message by its order)
    assert rows[0].split(";")[6] == "Territoire" and rows[1].split(";")[6] == "Nouvelle-Calédonie (NC)"
    assert rows[1].split(";")[3] == d1.order_id


def test_a_format_rejection_on_an_order_without_a_commune_records_f1_in_the_managers_territory():
    # Given an order without a commune, of a manager in Guyane, under a contract over the whole territory
    world = a_world_of(an_order(), manager_territory="973")
    # When a message is rejected for its format
    record_execution(inbound(report(1, "acknowledged", progress=140), "m-bad"), world.uow(), world.clock)
    # Then F1 is counted in Guyane
    [f1] = world.deadlines(MANAGER).values()
    assert (f1.kind, f1.territory) == ("F1", "973")


def test_a_managers_incident_about_an_order_is_counted_in_the_orders_territory():
    # Given a manager in Paris and its order at Saint-Denis de La Réunion
    order = an_order("BC-974", state=OrderState.ACKNOWLEDGED, site={"node_id": "N-974", "commune": "97411"})
    world = a_world_of(order, manager_territory="75")
    about = ReportIncident(severity=3, title="Bon introuvable", description="Le titulaire ne voit pas le bon",
                           order_id="BC-974")
    # When the manager reports an incident about that order, then one about an order it does not have
    incident, d8 = incidents.report_incident("u-1", "manager", MANAGER, "key-974", about, world.uow(), world.clock)
    unknown, _ = incidents.report_incident("u-1", "manager", MANAGER, "key-x", about.model_copy(
        update={"order_id": "BC-NONE"}), world.uow(), world.clock)
    # Then the first is counted in La Réunion (its working hours and holidays), the second in the manager's own
    assert incident.territory == d8.territory == "974"
    assert unknown.territory == "75"


def test_a_contractors_incident_about_its_order_is_counted_in_the_orders_territory_and_no_other_order_says_anything():
    # Given the contractor's order at Saint-Denis de La Réunion, and another contractor serving the same manager
    order = an_order("BC-974", state=OrderState.ACKNOWLEDGED, site={"node_id": "N-974", "commune": "97411"})
    world = a_world_of(order, manager_territory="75")
    world.seed_contractor("ctr-other", (MANAGER,))
    about = ReportIncident(severity=3, title="Bon illisible", description="Le bon ne s'affiche pas dans l'ERP",
                           order_id="BC-974")

    def report_as(contractor: str, key: str, command: ReportIncident = about):
        return incidents.report_incident("u-2", "contractor", contractor, key, command, world.uow(), world.clock)

    # When the order's contractor reports an incident about it (its report names no manager)
    incident, d8 = report_as(CONTRACTOR, "key-974")
    # Then D8 is counted in La Réunion, as for the order's manager
    assert incident.territory == d8.territory == "974"
    # When the other contractor names that order, and when the contractor names an order that does not exist
    other, other_d8 = report_as("ctr-other", "key-other")
    unknown, unknown_d8 = report_as(CONTRACTOR, "key-none", about.model_copy(update={"order_id": "BC-NONE"}))
    # Then both are counted in Paris, as before: another contractor's order and no order look the same
    assert (other.territory, other_d8.territory, other_d8.due_at) == ("75", "75", unknown_d8.due_at)
    assert unknown.territory == unknown_d8.territory == "75"
    # And a territory the contractor names still wins over the order's
    named, _ = report_as(CONTRACTOR, "key-named", about.model_copy(update={"territory": "972"}))
    assert named.territory == "972"


def test_a_contractors_incident_naming_an_order_id_it_holds_at_two_managers_is_counted_in_its_own_territory():
    # Given the same order id at two managers, both addressed to the contractor: one in La Réunion, one in Guyane
    world = a_world_of(an_order("BC-1", site={"node_id": "N-974", "commune": "97411"}))
    world.seed_contractor(CONTRACTOR, (MANAGER, "mgr-guyane"))
    world.seed_order(an_order("BC-1", manager_id="mgr-guyane", site={"node_id": "N-973", "commune": "97302"}))
    about = ReportIncident(severity=4, title="Doublon", description="Deux bons du même numéro", order_id="BC-1")
    # When the contractor reports about BC-1
    incident, _ = incidents.report_incident("u-2", "contractor", CONTRACTOR, "key-1", about, world.uow(), world.clock)
    # Then which order it means is unknown: the reporter's territory applies (Paris), as before
    assert incident.territory == "75"


def test_a_beneficiarys_incident_naming_no_territory_is_counted_in_its_registered_territory():
    # Given a beneficiary registered in Martinique
    world = a_world_of()
    world.seed("beneficiaries/ben-972", {"name": "CTM", "territory": "972"})
    about = ReportIncident(severity=4, title="Profil introuvable", description="Le vivier ne répond pas")
    # When it reports an incident naming no territory
    incident, d8 = incidents.report_incident("u-3", "beneficiary", "ben-972", "key-ben", about, world.uow(), world.clock)
    # Then its D8 counts the working hours of Martinique, not Paris (B18)
    assert incident.territory == d8.territory == "972"


# --- B18 at the node: an order naming no commune is counted where its property node lies (A7 property tree) ----


def a_world_with_a_node_in_fort_de_france(now: dt.datetime | str = NOW) -> World:
    """A Parisian manager whose tree in force holds a dwelling in Fort-de-France (97209, inherited from its
    site), under a contract over the whole territory (which names no territory of its own)."""
    world = a_world_of(manager_territory="75", now=now)
    world.seed(f"managers/{MANAGER}/property_tree/current", {"nodes": 2})
    world.seed(f"managers/{MANAGER}/property_nodes/FDF", {"node_id": "FDF", "kind": "site", "commune": "97209",
                                                         "in_commune": "97209"})
    world.seed(f"managers/{MANAGER}/property_nodes/FDF-LOG-1", {"node_id": "FDF-LOG-1", "kind": "dwelling",
                                                               "parent_id": "FDF", "in_commune": "97209"})
    return world


def test_an_order_naming_no_commune_at_a_node_in_fort_de_france_counts_d1_in_martinique_without_reading_the_node():
    # Given an order at the Fort-de-France dwelling naming no commune, received through the A7/A13 check
    world = a_world_with_a_node_in_fort_de_france()
    command, _ = parse_object(IssueOrder, issue_order_body(site={"node_id": "FDF-LOG-1"}, issued_at=ISSUED_DAYS_BEFORE))
    assert orders.receive_order(MANAGER, command, world.uow(), world.clock).created
    assert world.order(MANAGER, command.order_id).node_commune == "97209"
    # When a message two days late is recorded, on a unit of work that records what it reads
    uow = world.uow()
    read: list[str] = []
    fetch = uow._fetch
    uow._fetch = lambda paths: read.extend(paths) or fetch(paths)
    record_execution(inbound(report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=2))), uow, world.clock)
    # Then its D1 is counted in Martinique (not in the manager's Paris), from the commune kept on the order:
    # neither the tree nor the node is read again
    [d1] = world.deadlines(MANAGER).values()
    assert (d1.kind, d1.territory) == ("D1", "972")
    assert not [path for path in read if "/property_" in path]


def test_an_order_stored_before_orders_kept_their_nodes_commune_is_counted_as_before():
    # Given the same node, and an order at it stored without node_commune (as every order before this change)
    world = a_world_with_a_node_in_fort_de_france()
    world.seed_order(an_order(site={"node_id": "FDF-LOG-1"}))
    assert world.order(MANAGER, "BC-2026-014").node_commune is None
    # When a late message is recorded
    record_execution(inbound(report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=2))), world.uow(),
                     world.clock)
    # Then its D1 is counted where it was before: the contract names none, so the manager's Paris
    [d1] = world.deadlines(MANAGER).values()
    assert d1.territory == "75"


def test_a_quote_at_a_node_in_fort_de_france_skips_martiniques_abolition_day():
    # Given Thursday 21 May 2026: Friday 22 May is the abolition of slavery in Martinique, not in Paris
    world = a_world_with_a_node_in_fort_de_france(now="2026-05-21T12:00:00+00:00")
    # When the manager requests a quote at the Fort-de-France dwelling, naming no commune
    quote = quotes.request_quote(MANAGER, RequestQuote(
        quote_id="DV-972", contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Colonne",
        site=SiteRef(node_id="FDF-LOG-1")), world.uow(), world.clock)[0]
    # Then the quote and its D3 are Martinique's: 5 working days are 26, 27, 28, 29 May and 1 June (25 May is
    # Whit Monday everywhere), due at midnight in Fort-de-France (UTC-4); Paris would have counted the 22nd
    d3 = world.deadlines(MANAGER)["D3-DV-972"]
    assert quote.territory == d3.territory == "972"
    assert d3.due_at == dt.datetime(2026, 6, 2, 4, 0, tzinfo=dt.UTC)
