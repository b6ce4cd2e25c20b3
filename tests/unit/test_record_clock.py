"""B18 territories: a quote's and an incident's answers name the clock of the territory their deadline (D3, D8)
counts in — ``time_zone`` and ``time_zone_label`` — from their own record, with no other read, so that the web app
shows their times on it (docs/web-app.md, Times and zones)."""

from __future__ import annotations

from shared.domain.incidents import IncidentList, IncidentView, ReportIncident
from shared.domain.listings import QuoteList
from shared.domain.orders import SiteRef
from shared.domain.quotes import QuoteView, RequestQuote
from shared.service import incidents, listings, quote_store, quotes
from tests.builders import CONTRACTOR, MANAGER
from tests.unit.test_deadline_territory import a_world_of, a_world_with_a_node_in_fort_de_france
from tests.unit.test_order_clock import issue, recording

MARTINIQUE = ("America/Martinique", "Heures de la Martinique")
PARIS = ("Europe/Paris", "Heures de Paris")


def request(world, quote_id: str, node_id: str):
    return quotes.request_quote(MANAGER, RequestQuote(
        quote_id=quote_id, contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Colonne",
        site=SiteRef(node_id=node_id)), world.uow(), world.clock)[0]


def test_get_quote_answers_martiniques_clock_for_a_quote_at_a_node_in_fort_de_france_reading_only_the_quote():
    # Given a Parisian manager's quote requested at its Fort-de-France dwelling, naming no commune
    world = a_world_with_a_node_in_fort_de_france()
    request(world, "DV-972", "FDF-LOG-1")
    # When its contractor reads it, on a unit of work that records its reads
    uow, read, queried = recording(world)
    view = quote_store.view(quote_store.get_quote("contractor", CONTRACTOR, MANAGER, "DV-972", uow))
    # Then the answer names Martinique's clock, where its D3 counts, and matches its contract (QuoteView)
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == ("972", *MARTINIQUE)
    assert world.deadlines(MANAGER)["D3-DV-972"].territory == "972"
    QuoteView.model_validate(view, strict=False)
    # And it read the quote alone
    assert (read, queried) == ([f"managers/{MANAGER}/quotes/DV-972"], [])


def test_the_request_quote_answer_and_list_quotes_rows_carry_each_quotes_own_clock():
    # Given a Martinique quote and a Paris one in the same space
    world = a_world_with_a_node_in_fort_de_france()
    world.seed(f"managers/{MANAGER}/property_nodes/PAR-1", {"node_id": "PAR-1", "kind": "site", "commune": "75111",
                                                           "in_commune": "75111"})
    answered = quote_store.view(request(world, "DV-972", "FDF-LOG-1"))
    request(world, "DV-75", "PAR-1")
    # Then the request's own answer already names Martinique's clock
    assert (answered["time_zone"], answered["time_zone_label"]) == MARTINIQUE
    # And the list gives each row its zone, from the rows' records (no other read)
    uow, read, queried = recording(world)
    listed = listings.list_quotes("manager", MANAGER, {"state": None}, uow)
    QuoteList.model_validate(listed, strict=False)
    assert {q["quote_id"]: q["time_zone"] for q in listed["quotes"]} == {
        "DV-972": "America/Martinique", "DV-75": "Europe/Paris"}
    assert (read, queried) == ([], [f"managers/{MANAGER}/quotes"])


def test_a_quote_recorded_without_a_territory_reads_on_paris_clock_as_its_d3_counts():
    # Given a quote recorded before quotes kept their territory, at the Fort-de-France dwelling
    world = a_world_with_a_node_in_fort_de_france()
    quote = request(world, "DV-OLD", "FDF-LOG-1")
    stored = quote_store.quote_doc(quote)
    stored.pop("territory")
    world.seed(quote_store.quote_path(MANAGER, "DV-OLD"), stored)
    # Then its answer and its row say Paris's clock — where its D3 and validity date count (deadlines'
    # DEFAULT_TERRITORY): the rule is not applied afresh, so the screen and the deadline never disagree
    view = quote_store.view(quote_store.get_quote("manager", MANAGER, None, "DV-OLD", world.uow()))
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == (None, *PARIS)
    [row] = listings.list_quotes("manager", MANAGER, {"state": None}, world.uow())["quotes"]
    assert row["time_zone"] == "Europe/Paris"


def test_an_incident_about_an_order_in_fort_de_france_answers_martiniques_clock_when_reported_and_listed():
    # Given the manager's order at its Fort-de-France dwelling
    world = a_world_with_a_node_in_fort_de_france()
    order_id = issue(world, site={"node_id": "FDF-LOG-1"})
    # When the manager reports an incident about it
    incident, d8 = incidents.report_incident("u-1", "manager", MANAGER, "key-972", ReportIncident(
        severity=3, title="Portail bloqué", description="Accès impossible", order_id=order_id),
        world.uow(), world.clock)
    # Then its answer names Martinique's clock, where its D8 counts
    view = IncidentView.of(incident, d8.state, world.clock.now()).model_dump(mode="json")
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == ("972", *MARTINIQUE)
    assert d8.territory == "972"
    # And the operator's list gives it the same, reading the incidents' page alone
    uow, read, queried = recording(world)
    listed = incidents.list_incidents("operator", "platform", {}, uow, world.clock)
    IncidentList.model_validate(listed, strict=False)
    [row] = listed["incidents"]
    assert (row["time_zone"], row["time_zone_label"]) == MARTINIQUE
    # (the clock costs no read: the page's one batch read names its reporters only, B1 parties)
    assert (sorted(read), queried) == (["accounts/u-1", f"managers/{MANAGER}"], ["incidents"])


def test_an_incident_counted_in_paris_answers_paris_clock():
    # Given a manager with no territory of its own reporting an incident about no order
    world = a_world_of()
    incident, d8 = incidents.report_incident("u-1", "manager", MANAGER, "key-75", ReportIncident(
        severity=2, title="Connexion", description="Lent"), world.uow(), world.clock)
    # Then its D8 counts in Paris and its answer says Paris's clock
    view = IncidentView.of(incident, d8.state, world.clock.now()).model_dump(mode="json")
    assert (d8.territory, view["time_zone"], view["time_zone_label"]) == ("75", *PARIS)
