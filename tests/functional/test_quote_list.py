"""list_quotes at volume, over HTTPS on the emulators (A2 quotes, A11 lists): pages by activity follow the cursor to
the end, the filters, each caller's lines (a buyer its space, a contractor its quotes across spaces) held against
attempts to cross them — and a quote requested naming its node only says the tree's label, as does its order (A7)."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()
LINES = [{"line_id": "1", "service_code": "X", "label": "Essai", "quantity": "1", "unit": "U",
          "unit_price_cents": 1000}]


def get(erp: Erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("list_quotes") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def ids(answer: requests.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [q["quote_id"] for q in answer.json()["quotes"]]


def a_request(quote_id: str, contractor: str = "ctr-test", contract: str = "AC-2026-017", **site) -> dict:
    return {"quote_id": quote_id, "contract_id": contract, "contractor_id": contractor, "title": f"Devis {quote_id}",
            "site": {"node_id": "LYON-BAT-A", **site}}


@pytest.fixture
def two_spaces(clean_firestore):
    """ctr-test serves mgr-test and, under a contract of its own there, mgr-other; ctr-other serves mgr-other."""
    clean_firestore.document("contractors/ctr-test").set({"name": "Test", "managers": ["mgr-test", "mgr-other"]})
    clean_firestore.document("managers/mgr-other/contracts/AC-TEST").set({
        "contract_id": "AC-TEST", "contractor_id": "ctr-test", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    return clean_firestore


def test_pages_follow_the_cursor_filters_apply_and_no_caller_crosses_its_lines(platform, two_spaces):
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    for n in range(1, 6):
        assert mine.post("request_quote", a_request(f"DV-{n}")).status_code == 201
    assert other.post("request_quote", a_request("DV-O1", contract="AC-TEST")).status_code == 201
    assert other.post("request_quote", a_request("DV-Z", contractor="ctr-other")).status_code == 201
    # the contractor answers the oldest request last: its activity puts it first
    assert ctr.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-1", "lines": LINES,
                                     "valid_until": VALID_UNTIL}).status_code == 200
    # When the manager reads its quotes two at a time, following the cursor
    seen, cursor, pages = [], None, []
    while True:
        page = get(mine, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += ids(page)
        body = page.json()
        pages.append((body["count"], body["truncated"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # Then every quote of its space comes once, most recent activity first, and the last page ends the list
    assert seen == ["DV-1", "DV-5", "DV-4", "DV-3", "DV-2"]
    assert pages == [(2, True), (2, True), (1, False)]
    # And without parameters the answer keeps the shape ERPs read, all of it in one page
    whole = get(mine).json()
    assert set(whole) == {"quotes", "count", "truncated", "next_cursor"}
    assert (whole["count"], whole["truncated"], whole["next_cursor"]) == (5, False, None)
    assert whole["quotes"][0]["updated_at"] > whole["quotes"][1]["updated_at"]
    # And the filters apply: state, contractor, node
    assert ids(get(mine, state="submitted")) == ["DV-1"]
    assert ids(get(mine, state="requested", limit=3)) == ["DV-5", "DV-4", "DV-3"]
    assert ids(get(mine, state="withdrawn")) == []
    assert ids(get(mine, contractor_id="ctr-other")) == []
    assert ids(get(other, contractor_id="ctr-other")) == ["DV-Z"]
    assert ids(get(mine, node_id="LYON-BAT-A", state="submitted", contractor_id="ctr-test")) == ["DV-1"]
    # And a contractor lists the quotes asked of it in every space, filtered by space, never another's
    assert ids(get(ctr)) == ["DV-1", "DV-O1", "DV-5", "DV-4", "DV-3", "DV-2"]
    assert ids(get(ctr, manager_id="mgr-other")) == ["DV-O1"]
    assert ids(get(ctr_other)) == ["DV-Z"]
    assert ids(get(ctr_other, manager_id="mgr-test")) == []


def test_a_caller_cannot_cross_its_lines_by_naming_a_tenant_or_carrying_anothers_cursor(platform, two_spaces):
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    for quote_id in ("DV-1", "DV-2"):
        assert mine.post("request_quote", a_request(quote_id)).status_code == 201
    for quote_id in ("DV-Y", "DV-Z"):
        assert other.post("request_quote", a_request(quote_id, contractor="ctr-other")).status_code == 201
    theirs = get(other, limit=1).json()["next_cursor"]
    assert theirs is not None
    # A manager naming another space, or carrying a cursor of another space, is refused with its field
    named = get(mine, manager_id="mgr-other")
    assert (named.status_code, [e["field"] for e in named.json()["errors"]]) == (400, ["query.manager_id"])
    carried = get(mine, cursor=theirs)
    assert (carried.status_code, [e["code"] for e in carried.json()["errors"]]) == (400, ["INVALID_CURSOR"])
    assert all(e["message"] for e in carried.json()["errors"])
    # A contractor naming another contractor is refused; carrying another's cursor lists only its own quotes
    assert get(ctr, contractor_id="ctr-other").status_code == 400
    assert ids(get(ctr, cursor=theirs)) == ["DV-2", "DV-1"]  # its own, older than the position carried
    assert ids(get(ctr_other, cursor=get(ctr, limit=1).json()["next_cursor"])) == []  # never ctr-test's DV-1
    # A forged cursor, a limit out of range, a state that is none are refused, all at once, in French
    bad = get(mine, cursor="Zm9yZ2Vk", limit=0, state="perdu")
    assert bad.status_code == 400
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["query.cursor", "query.limit", "query.state"]


def test_a_quote_requested_naming_its_node_only_and_its_order_say_the_trees_label(platform, manager, contractor):
    tree = {"nodes": [{"node_id": "VAULX", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69256"},
                      {"node_id": "VAULX-BAT-B", "kind": "building", "parent_id": "VAULX", "label": "Bâtiment B"},
                      {"node_id": "VAULX-BAT-B-LOG-3", "kind": "dwelling", "parent_id": "VAULX-BAT-B",
                       "label": "Logement 3"}]}
    assert manager.post("import_property_tree", tree).status_code == 201
    # When the manager requests a quote naming the node only
    requested = manager.post("request_quote", {**a_request("DV-T"), "site": {"node_id": "VAULX-BAT-B-LOG-3"}})
    assert requested.status_code == 201, requested.text
    # Then the quote says the tree's label, in its answer and its list row (which the node filter finds)
    assert requested.json()["site"]["label"] == "Logement 3"
    [row] = get(manager, node_id="VAULX-BAT-B-LOG-3").json()["quotes"]
    assert (row["quote_id"], row["site"]["label"]) == ("DV-T", "Logement 3")
    # And the same request again is the same quote
    again = manager.post("request_quote", {**a_request("DV-T"), "site": {"node_id": "VAULX-BAT-B-LOG-3"}})
    assert again.status_code in (200, 201) and again.json()["site"]["label"] == "Logement 3"
    # And once submitted and accepted, the order it becomes says it too
    assert contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-T", "lines": LINES,
                                            "valid_until": VALID_UNTIL}).status_code == 200
    accepted = manager.post("decide_quote", {"quote_id": "DV-T", "action": "accept"})
    assert accepted.status_code == 200, accepted.text
    assert manager.get_order("DV-T").json()["order"]["site"]["label"] == "Logement 3"
