"""The lists' search by reference as people type it (A11 lists, A2 quotes), through the real functions on the
emulators: list_orders?order_id= and list_quotes?quote_id= trim the reference and ignore its case — two records
differing only by case are both found, in the caller's scope only (tenant lines crossed); and list_orders?q= finds
the orders by the start of their reference or a word of their title, in the caller's scope only."""

from __future__ import annotations

import pytest
import requests

from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def get(erp: Erp, function: str, **params) -> requests.Response:
    return requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def rows(answer: requests.Response, key: str, kind: str) -> list[tuple[str, str]]:
    assert answer.status_code == 200, answer.text
    return sorted((row["manager_id"], row[key]) for row in answer.json()[kind])


def test_an_order_reference_typed_in_any_case_with_spaces_finds_the_callers_orders_only(platform, clean_firestore):
    # Given BC-CASE-1 and bc-case-1 in one space, addressed to ctr-test, and BC-CASE-1 of another space and contractor
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    for order_id in ("BC-CASE-1", "bc-case-1"):
        assert mine.post("receive_order", issue_order_body(order_id)).status_code == 201
    assert other.post("receive_order", issue_order_body("BC-CASE-1", contractor_id="ctr-other")).status_code == 201
    # When the manager types the reference as read on paper (lower case, spaces around it)
    found = get(mine, "list_orders", order_id="  Bc-Case-1 ")
    # Then both of its orders of that reference are rows, and nothing of the other space
    assert rows(found, "order_id", "orders") == [("mgr-test", "BC-CASE-1"), ("mgr-test", "bc-case-1")]
    assert found.json()["next_cursor"] is None
    # And each contractor finds its own across spaces (collection-group queries) or naming the space, never another's
    assert rows(get(ctr, "list_orders", order_id="bc-case-1"), "order_id", "orders") == [
        ("mgr-test", "BC-CASE-1"), ("mgr-test", "bc-case-1")]
    assert rows(get(ctr_other, "list_orders", order_id=" bc-CASE-1"), "order_id", "orders") == [
        ("mgr-other", "BC-CASE-1")]
    assert rows(get(ctr_other, "list_orders", order_id="bc-case-1", manager_id="mgr-test"), "order_id", "orders") == []
    assert rows(get(other, "list_orders", order_id="bc-case-1"), "order_id", "orders") == [("mgr-other", "BC-CASE-1")]
    # And the list's filters still apply, and a space inside a reference is refused with its field
    assert rows(get(mine, "list_orders", order_id="bc-case-1", state="closed"), "order_id", "orders") == []
    bad = get(mine, "list_orders", order_id="BC CASE 1")
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["query.order_id"]


def test_a_quote_reference_typed_in_any_case_finds_the_callers_quotes_only(platform, clean_firestore):
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")

    def quote(quote_id: str, contractor: str = "ctr-test") -> dict:
        return {"quote_id": quote_id, "contract_id": "AC-2026-017", "contractor_id": contractor,
                "title": f"Devis {quote_id}", "site": {"node_id": "LYON-BAT-A"}}

    for quote_id in ("DV-CASE-1", "dv-case-1"):
        assert mine.post("request_quote", quote(quote_id)).status_code == 201
    assert other.post("request_quote", quote("DV-CASE-1", contractor="ctr-other")).status_code == 201
    # When each party searches « dv-Case-1 » with spaces around it
    # Then each finds the quotes of that reference in its own scope only, with no cursor
    found = get(mine, "list_quotes", quote_id=" dv-Case-1 ")
    assert rows(found, "quote_id", "quotes") == [("mgr-test", "DV-CASE-1"), ("mgr-test", "dv-case-1")]
    assert found.json()["next_cursor"] is None
    assert rows(get(ctr, "list_quotes", quote_id="dv-Case-1"), "quote_id", "quotes") == [
        ("mgr-test", "DV-CASE-1"), ("mgr-test", "dv-case-1")]
    assert rows(get(ctr_other, "list_quotes", quote_id="dv-Case-1"), "quote_id", "quotes") == [
        ("mgr-other", "DV-CASE-1")]
    assert rows(get(other, "list_quotes", quote_id="dv-case-1", contractor_id="ctr-test"), "quote_id", "quotes") == []
    # And the state filter still applies, and a cursor with a reference is refused with its field
    assert rows(get(mine, "list_quotes", quote_id="dv-case-1", state="accepted"), "quote_id", "quotes") == []
    bad = get(mine, "list_quotes", quote_id="dv-case-1", cursor="eyJ0Ijo")
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["query.cursor"]


def test_the_start_of_a_reference_or_a_word_of_the_title_finds_the_callers_orders_only(platform, clean_firestore):
    # Given orders issued through receive_order (which keeps their folded reference and title words): two of mgr-test
    # to ctr-test, two of mgr-other to ctr-other
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    for order_id, title in (("BC-Q-11", "Fuite d'eau cuisine"), ("bc-q-12", "Remplacement chaudière")):
        assert mine.post("receive_order", issue_order_body(order_id, title=title)).status_code == 201
    for order_id, title in (("BC-Q-13", "Fuite toiture"), ("BC-Q-21", "Fuite radiateur")):
        assert other.post("receive_order", issue_order_body(order_id, title=title, contractor_id="ctr-other")
                          ).status_code == 201
    # When a manager types the start of a reference, or a word without its accent
    # Then it finds the orders of its own space only
    assert rows(get(mine, "list_orders", q=" Bc-Q-1 "), "order_id", "orders") == [
        ("mgr-test", "BC-Q-11"), ("mgr-test", "bc-q-12")]
    assert rows(get(mine, "list_orders", q="CHAUDIERE"), "order_id", "orders") == [("mgr-test", "bc-q-12")]
    assert rows(get(mine, "list_orders", q="toiture"), "order_id", "orders") == []
    # a word's start of 3 letters or more as well; 2 letters find a whole word or a reference's start only
    assert rows(get(mine, "list_orders", q="Chaud"), "order_id", "orders") == [("mgr-test", "bc-q-12")]
    assert rows(get(mine, "list_orders", q="fu"), "order_id", "orders") == []
    assert rows(get(other, "list_orders", q="fuite"), "order_id", "orders") == [
        ("mgr-other", "BC-Q-13"), ("mgr-other", "BC-Q-21")]
    assert rows(get(mine, "list_orders", q="fuite", contractor_id="ctr-other"), "order_id", "orders") == []
    # And a contractor finds its own across spaces, never another contractor's, by reference or by word
    assert rows(get(ctr, "list_orders", q="bc-q"), "order_id", "orders") == [
        ("mgr-test", "BC-Q-11"), ("mgr-test", "bc-q-12")]
    assert rows(get(ctr, "list_orders", q="toiture"), "order_id", "orders") == []
    assert rows(get(ctr, "list_orders", q="bc-q-13", manager_id="mgr-other"), "order_id", "orders") == []
    assert rows(get(ctr_other, "list_orders", q="bc-q-1"), "order_id", "orders") == [("mgr-other", "BC-Q-13")]
    assert rows(get(ctr_other, "list_orders", q="cuisine"), "order_id", "orders") == []
    assert rows(get(ctr_other, "list_orders", q="cuis"), "order_id", "orders") == []
    assert rows(get(ctr, "list_orders", q="toit"), "order_id", "orders") == []
    assert rows(get(ctr, "list_orders", q="fuit"), "order_id", "orders") == [("mgr-test", "BC-Q-11")]
    # And a search too short is refused with its field, in French; a cursor with it too
    bad = get(mine, "list_orders", q=" x ")
    assert bad.status_code == 400
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("query.q", "INVALID_LENGTH")]
    assert bad.json()["errors"][0]["message"].startswith("Longueur invalide")
    assert get(mine, "list_orders", q="fuite", cursor="abc").status_code == 400
