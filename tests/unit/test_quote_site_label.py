"""A7 property tree: a quote requested or raised naming the node only (no label) carries the tree's label, and so
does the order its acceptance becomes — from the node read once with the tree's marker in the request's own unit of
work; a label given is kept; a retry of a request stored before the label was filled is still the same request."""

from __future__ import annotations

import datetime as dt

from shared.domain.orders import SiteRef
from shared.service import quote_origins, quote_store, quotes
from tests.builders import CONTRACTOR, MANAGER
from tests.quote_builders import LINES, a_world, decide, request, stored
from tests.unit.test_quote_origins import a_raise

NODE = f"managers/{MANAGER}/property_nodes/N-1"
LABEL = "Bâtiment B — logement 3"


def a_world_with_the_node(label: str = LABEL):
    world = a_world()
    world.seed(f"managers/{MANAGER}/property_tree/current", {"nodes": 1})
    world.seed(NODE, {"node_id": "N-1", "kind": "dwelling", "label": label, "status": "active"})
    return world


def test_a_request_naming_the_node_only_stores_the_trees_label_from_the_one_read_of_the_node():
    world = a_world_with_the_node()
    uow = world.uow()
    fetched: list[list[str]] = []
    fetch = uow._fetch
    uow._fetch = lambda paths: fetched.append(list(paths)) or fetch(paths)
    # When the manager asks for a quote at N-1 without a label
    quote, created = quotes.request_quote(MANAGER, request("DV-1"), uow, world.clock)
    # Then the quote, its message to the contractor and its stored record say the tree's label
    assert created and quote.site.label == LABEL and stored(world, "DV-1").site.label == LABEL
    [message] = [m for m in world.outbox() if m.event_type.value.endswith("quote.requested.v1")]
    assert message.data["site"]["label"] == LABEL
    # And the node was read once, with the tree's marker, in the request's own unit of work
    assert sum(NODE in paths for paths in fetched) == 1
    # And the same request again is the same request (no QUOTE_ALREADY_EXISTS), answering the stored quote
    again, created = quotes.request_quote(MANAGER, request("DV-1"), world.uow(), world.clock)
    assert (created, again.site.label) == (False, LABEL)


def test_the_order_an_accepted_quote_becomes_says_what_the_tree_says():
    world = a_world_with_the_node()
    quotes.request_quote(MANAGER, request("DV-1"), world.uow(), world.clock)
    from shared.domain.quotes import SubmitQuote

    quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id="DV-1", lines=LINES,
                                                valid_until=dt.date(2026, 3, 20)), world.uow(), world.clock)
    decide(world, "DV-1", "accept")
    assert world.order(MANAGER, "DV-1").site.label == LABEL


def test_a_label_given_is_kept_and_without_a_tree_in_force_nothing_is_invented():
    world = a_world_with_the_node()
    given = request("DV-2").model_copy(update={"site": SiteRef(node_id="N-1", label="Logement 3 (gardien)")})
    assert quotes.request_quote(MANAGER, given, world.uow(), world.clock)[0].site.label == "Logement 3 (gardien)"
    bare = a_world()  # no tree imported: the node is not read for a label, none is made up
    assert quotes.request_quote(MANAGER, request("DV-3"), bare.uow(), bare.clock)[0].site.label is None


def test_a_retry_of_a_request_stored_before_the_label_was_filled_is_the_same_request():
    world = a_world_with_the_node()
    quote = quotes.request_quote(MANAGER, request("DV-1"), world.uow(), world.clock)[0]
    path = quote_store.quote_path(MANAGER, "DV-1")
    world.seed(path, quote_store.quote_doc(quote.model_copy(update={"site": SiteRef(node_id="N-1")})))
    again, created = quotes.request_quote(MANAGER, request("DV-1"), world.uow(), world.clock)
    assert (created, again.site.label) == (False, None)  # the stored quote, as it was stored


def test_a_quote_the_contractor_raises_naming_the_node_only_carries_the_label_and_its_retry_is_harmless():
    world = a_world_with_the_node()
    quote, created = quote_origins.raise_quote(CONTRACTOR, a_raise(), world.uow(), world.clock)
    assert created and quote.site.label == LABEL and stored(world, "DV-C-1").site.label == LABEL
    again, created = quote_origins.raise_quote(CONTRACTOR, a_raise(), world.uow(), world.clock)
    assert (created, again.site.label) == (False, LABEL)
