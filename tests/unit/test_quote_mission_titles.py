"""B16 quotes on a mission: a quote concerning a mission names it by its title — its mission's order's
(« Mission : <the need's title> ») — in get_quote's and list_quotes' answers, read in one batch for a whole page,
never one read per row."""

from __future__ import annotations

from shared.domain.orders import OrderState
from shared.domain.quote_list import QuoteQuery
from shared.domain.quotes import RequestMissionQuote
from shared.service import quote_origins, quote_store
from shared.service.quote_list import list_quotes
from tests.builders import an_order
from tests.unit.test_quote_origins import BENEFICIARY, a_mission_world


class Counting:
    """The unit of work, counting its reads."""

    def __init__(self, uow):
        self.uow, self.gets, self.batches = uow, [], []

    def get(self, path):
        self.gets.append(path)
        return self.uow.get(path)

    def get_all(self, paths):
        self.batches.append(list(paths))
        return self.uow.get_all(paths)

    def __getattr__(self, name):
        return getattr(self.uow, name)


def a_world_with_mission_quotes(count: int):
    world = a_mission_world()
    world.seed_order(an_order("BC-N-1", manager_id=BENEFICIARY, contract_id="AC-PFI", contractor_id="ctr-titulaire",
                              state=OrderState.IN_PROGRESS, title="Mission : Refonte du portail usagers"))
    for i in range(count):
        quote_origins.request_mission_quote(
            BENEFICIARY, RequestMissionQuote(quote_id=f"DV-M-{i}", mission_id="N-1-mission", title=f"Atelier {i}"),
            world.uow(), world.clock)
        world.clock.advance(minutes=1)
    return world


def test_a_mission_s_quote_names_its_mission_by_its_order_s_title():
    world = a_world_with_mission_quotes(1)
    quote = quote_store.load_quote(world.uow(), BENEFICIARY, "DV-M-0")
    # When the beneficiary or the titulaire reads the quote (get_quote: the view with a reader)
    read = quote_store.view(quote, world.uow())
    # Then it names the mission by its title, its id kept beside it
    assert (read["mission_id"], read["mission_title"]) == ("N-1-mission", "Mission : Refonte du portail usagers")
    # And a command's answer (no reader) stays without it
    assert quote_store.view(quote)["mission_title"] is None


def test_a_page_of_mission_quotes_reads_its_missions_titles_in_one_batch():
    world = a_world_with_mission_quotes(4)
    uow = Counting(world.uow())
    query = QuoteQuery(manager_id=BENEFICIARY, contractor_id=None, across_spaces=False, role="beneficiary")
    # When the beneficiary lists its quotes
    page = list_quotes(query, uow)
    # Then every row names its mission by title
    assert [(q["quote_id"], q["mission_title"]) for q in page["quotes"]] == [
        (f"DV-M-{i}", "Mission : Refonte du portail usagers") for i in (3, 2, 1, 0)]
    # And the orders were read in one batch, not one read per row
    order_batches = [b for b in uow.batches if any("/orders/" in p for p in b)]
    assert order_batches == [[f"managers/{BENEFICIARY}/orders/BC-N-1"]]
    assert not [p for p in uow.gets if "/orders/" in p]


def test_a_quote_of_no_mission_or_whose_order_is_gone_names_no_mission():
    world = a_world_with_mission_quotes(1)
    quote = quote_store.load_quote(world.uow(), BENEFICIARY, "DV-M-0")
    assert quote_store.mission_titles(world.uow(), [quote.model_copy(update={"mission_id": None})]) == {}
    assert quote_store.mission_titles(world.uow(), [quote.model_copy(update={"order_id": "BC-GONE"})]) == {}
