"""The web application's reads over HTTPS on the emulators: list_quotes, list_contracts,
list_account_requests, list_needs, get_professional, and get_order's next_moves — each scoped by
the caller's token, another tenant's data refused or invisible."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
import requests

from devtools import seed
from tests.builders import issue_order_body
from tests.conftest import register_beneficiary
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def get(erp: Erp, function: str, **params) -> requests.Response:
    return requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def quote(quote_id: str, contractor: str = "ctr-test", contract: str = "AC-2026-017") -> dict:
    return {"quote_id": quote_id, "contract_id": contract, "contractor_id": contractor, "title": f"Devis {quote_id}",
            "site": {"node_id": "LYON-BAT-A"}}


def test_list_quotes_shows_a_manager_its_space_and_a_contractor_what_it_was_asked_only(platform, clean_firestore):
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    for quote_id in ("DV-A", "DV-B"):
        assert mine.post("request_quote", quote(quote_id)).status_code == 201
    assert other.post("request_quote", quote("DV-Z", contractor="ctr-other")).status_code == 201
    lines = [{"line_id": "1", "service_code": "X", "label": "Essai", "quantity": "2", "unit": "U", "unit_price_cents": 1250}]
    assert ctr.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-B", "lines": lines,
                                     "valid_until": VALID_UNTIL}).status_code == 200
    # When each party lists the quotes
    listed = get(mine, "list_quotes").json()
    # Then the manager sees its two, newest first, with the state and total of the current version
    assert [q["quote_id"] for q in listed["quotes"]] == ["DV-B", "DV-A"] and listed["truncated"] is False
    assert (listed["quotes"][0]["state"], listed["quotes"][0]["total_cents"], listed["quotes"][0]["state_label"]) == \
        ("submitted", 2500, "remis")
    assert [q["quote_id"] for q in get(mine, "list_quotes", state="requested").json()["quotes"]] == ["DV-A"]
    # And each contractor only the quotes asked of it, across managers
    assert sorted(q["quote_id"] for q in get(ctr, "list_quotes").json()["quotes"]) == ["DV-A", "DV-B"]
    assert [q["quote_id"] for q in get(ctr_other, "list_quotes").json()["quotes"]] == ["DV-Z"]
    # And a bad filter, or a manager naming a tenant, is refused with its field
    bad = get(mine, "list_quotes", state="perdu", manager_id="mgr-other")
    assert bad.status_code == 400
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["query.manager_id", "query.state"]


def test_list_contracts_gives_each_party_its_own_contracts_with_their_catalogue_versions(platform, clean_firestore):
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr = Erp(platform, "contractor", "ctr-test")
    r = requests.post(platform.url("import_catalogue") + "/", timeout=30, json={
        "contract_id": "AC-2026-017", "valid_from": "2026-01-01", "reviewed_on": "2026-01-01",
        "items": [{"code": "PLB-010", "label": "Recherche de fuite", "unit": "U", "unit_price": "85,00", "vat_rate": "10"}]},
        headers={"Authorization": f"Bearer {mine.token}", "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    # When each lists its contracts
    own = get(mine, "list_contracts").json()["contracts"]
    theirs = get(other, "list_contracts").json()["contracts"]
    held = get(ctr, "list_contracts").json()["contracts"]
    # Then each manager sees its own (same contract id, different spaces), with the catalogue versions
    assert [(c["manager_id"], c["contract_id"], c["contractor_id"]) for c in own] == [("mgr-test", "AC-2026-017", "ctr-test")]
    assert own[0]["catalogue_versions"] == [1]
    assert [(c["manager_id"], c["contractor_id"], c["catalogue_versions"]) for c in theirs] == [("mgr-other", "ctr-other", [])]
    # And the contractor only the contract it holds, not mgr-other's (held by ctr-other)
    assert [(c["manager_id"], c["contract_id"]) for c in held] == [("mgr-test", "AC-2026-017")]
    assert get(mine, "list_contracts", manager_id="mgr-other").status_code == 400


def test_list_contracts_names_the_callers_own_counterparts_and_no_other_tenants(platform, clean_firestore):
    """A2/A9 web app, parties by name: the names a screen shows come from the caller's own contracts — a manager
    learns its contractors', a contractor its clients', a beneficiary its titulaire's — and a manager trying to
    learn another manager's contractor by naming it gets nothing."""
    clean_firestore.document("managers/mgr-test").update({"name": "Rhône Habitat Essai"})
    clean_firestore.document("contractors/ctr-test").update({"name": "Plomberie Essai"})
    clean_firestore.document("contractors/ctr-other").update({"name": "Concurrent Secret"})
    register_beneficiary(clean_firestore, "ben-names", "Métropole Essai")
    clean_firestore.document("managers/ben-names/contracts/AC-CADRE").set({
        "contract_id": "AC-CADRE", "contractor_id": "ctr-test", "status": "active", "starts_on": "2026-01-01"})
    manager, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    contractor, beneficiary = Erp(platform, "contractor", "ctr-test"), Erp(platform, "beneficiary", "ben-names")
    # When each reads its contracts
    own = get(manager, "list_contracts")
    held = get(contractor, "list_contracts").json()["contracts"]
    framework = get(beneficiary, "list_contracts")
    # Then each row names its two parties
    assert [(c["contractor_id"], c["contractor_name"], c["client_name"]) for c in own.json()["contracts"]] == [
        ("ctr-test", "Plomberie Essai", "Rhône Habitat Essai")]
    assert sorted((c["manager_id"], c["client_name"], c["client_kind"]) for c in held) == [
        ("ben-names", "Métropole Essai", "beneficiary"), ("mgr-test", "Rhône Habitat Essai", "manager")]
    assert framework.status_code == 200, framework.text
    assert [(c["contract_id"], c["contractor_name"]) for c in framework.json()["contracts"]] == [
        ("AC-CADRE", "Plomberie Essai")]
    # And mgr-other's contractor stays unknown to mgr-test, however it asks (the answer names no one else; a
    # tenant or a contractor named in the query is refused)
    assert "Concurrent Secret" not in own.text and "ctr-other" not in own.text
    for params in ({"contractor_id": "ctr-other"}, {"manager_id": "mgr-other"}, {"tenant": "mgr-other"}):
        refused = get(manager, "list_contracts", **params)
        assert refused.status_code == 400 and "Concurrent Secret" not in refused.text, refused.text
    assert [c["contractor_name"] for c in get(other, "list_contracts").json()["contracts"]] == ["Concurrent Secret"]
    # (the contractor of both learns neither ctr-other's name nor mgr-other's)
    assert "Concurrent Secret" not in json.dumps(held) and "mgr-other" not in json.dumps(held)


def test_list_contracts_names_the_caller_itself_from_its_own_record_only(platform, clean_firestore):
    """The web app's header (« Gestionnaire — Rhône Habitat Essai », its id in the tooltip): list_contracts' caller_name is the
    caller's own registry name — a manager's, a contractor's, a beneficiary's, with or without a contract — and no
    query makes it another party's record."""
    clean_firestore.document("managers/mgr-test").update({"name": "Rhône Habitat Essai"})
    clean_firestore.document("managers/mgr-other").update({"name": "Bailleur Voisin"})
    clean_firestore.document("contractors/ctr-test").update({"name": "Plomberie Essai"})
    clean_firestore.document("managers/mgr-vide").set({"name": "Habitat Sans Marché"})
    register_beneficiary(clean_firestore, "ben-self", "Métropole Essai")
    manager, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    contractor, beneficiary = Erp(platform, "contractor", "ctr-test"), Erp(platform, "beneficiary", "ben-self")
    without_contract = Erp(platform, "manager", "mgr-vide")
    clean_firestore.document("purchasing_bodies/centrale-essai").set({"name": "Centrale Essai", "status": "active"})
    body = Erp(platform, "purchasing_body", "centrale-essai")
    # When each reads its contracts
    answers = {erp.tenant: get(erp, "list_contracts") for erp in (manager, other, contractor, beneficiary,
                                                                 without_contract, body)}
    # Then each learns its own name, whatever its contracts (none for mgr-vide and ben-self)
    assert {tenant: (r.status_code, r.json()["caller_name"]) for tenant, r in answers.items()} == {
        "mgr-test": (200, "Rhône Habitat Essai"), "mgr-other": (200, "Bailleur Voisin"),
        "ctr-test": (200, "Plomberie Essai"), "ben-self": (200, "Métropole Essai"),
        "mgr-vide": (200, "Habitat Sans Marché"), "centrale-essai": (200, "Centrale Essai")}
    assert answers["mgr-vide"].json()["contracts"] == [] and answers["ben-self"].json()["contracts"] == []
    assert answers["centrale-essai"].json()["contracts"] == []  # the purchasing body holds none (B1 parties)
    # And no party reads another's record: its neighbour's name is nowhere in its answer, and naming another tenant is
    # refused (UNKNOWN_FIELD) without naming it
    assert "Bailleur Voisin" not in answers["mgr-test"].text and "Bailleur Voisin" not in answers["ctr-test"].text
    assert "Rhône Habitat Essai" not in answers["mgr-other"].text
    for erp, params in ((manager, {"tenant": "mgr-other"}), (manager, {"manager_id": "mgr-other"}),
                        (without_contract, {"caller": "mgr-test"}), (contractor, {"contractor_id": "ctr-other"})):
        refused = get(erp, "list_contracts", **params)
        assert refused.status_code == 400, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["UNKNOWN_FIELD"]
        assert "Bailleur Voisin" not in refused.text and "Rhône Habitat Essai" not in refused.text
    # And a record that names no one gives null, not the id (the header shows the id alone)
    clean_firestore.document("managers/mgr-vide").update({"name": "  "})
    assert get(without_contract, "list_contracts").json()["caller_name"] is None

def test_list_account_requests_is_the_operators_with_the_time_left_on_d7(platform, clean_firestore):
    manager, operator = Erp(platform, "manager", "mgr-test"), Erp(platform, "operator", "platform")
    asked = manager.post("request_account", {"email": "lea.martin@test.demo", "display_name": "Léa Martin",
                                             "territory": "69"})
    assert asked.status_code == 202, asked.text
    # When the operator lists the pending requests
    listed = get(operator, "list_account_requests").json()
    # Then the request is there with D7's due time and the seconds left (72 working hours: more than a day)
    [row] = listed["requests"]
    assert (row["email"], row["tenant"], row["status"]) == ("lea.martin@test.demo", "mgr-test", "pending")
    assert row["seconds_left"] > 86400 and row["due_at"] > row["requested_at"]
    assert get(operator, "list_account_requests", status="fulfilled").json()["requests"] == []
    # And no manager, however named, may read them
    refused = get(manager, "list_account_requests")
    assert refused.status_code == 403, refused.text
    assert get(operator, "list_account_requests", status="tous").status_code == 400


def register_pool(platform) -> None:
    operator = Erp(platform, "operator", "platform")
    assert operator.post("register_beneficiary", seed.BENEFICIARY).status_code in (200, 201)
    other = {**seed.BENEFICIARY, "beneficiary_id": "ben-other-demo", "name": "Autre collectivité"}
    assert operator.post("register_beneficiary", other).status_code in (200, 201)
    pool = "\n".join(json.dumps(p, ensure_ascii=False) for p in seed.demo_professionals(dt.date.today()))
    r = operator.post("import_professionals", None, raw=pool.encode(), headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.text


def wait_scored(beneficiary: Erp, need_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = get(beneficiary, "get_sourcing", view="need", need_id=need_id).json()
        if body.get("status") == "scored" and body["versions"][-1]["result"]:
            return body
        time.sleep(0.3)
    raise TimeoutError(need_id)


def test_list_needs_and_get_professional_are_scoped_to_the_beneficiary_that_has_the_need(platform, clean_firestore):
    platform.provision_sourcing()
    register_pool(platform)
    mine, other = Erp(platform, "beneficiary", "ben-metropole-demo"), Erp(platform, "beneficiary", "ben-other-demo")
    operator = Erp(platform, "operator", "platform")
    assert mine.post("submit_need", seed.demo_need(dt.date.today())).status_code == 201
    need = wait_scored(mine, seed.NEED_ID)
    ranked = [c["professional_id"] for c in need["versions"][-1]["result"]["candidates"]]
    # When each beneficiary lists its needs
    # Then the need is the submitter's only
    assert [n["need_id"] for n in get(mine, "list_needs").json()["needs"]] == [seed.NEED_ID]
    assert get(other, "list_needs").json()["needs"] == []
    assert get(mine, "list_needs", beneficiary_id="ben-other-demo").status_code == 400
    # And the operator sees it among the needs waiting for proposals, then no more once proposed
    waiting = get(operator, "list_needs").json()["needs"]
    assert [(n["beneficiary_id"], n["need_id"], n["status"]) for n in waiting] == \
        [("ben-metropole-demo", seed.NEED_ID, "scored")]
    proposed = operator.post("propose_professionals", {"beneficiary_id": "ben-metropole-demo", "need_id": seed.NEED_ID,
                                                       "version": 1, "proposals": [{"professional_id": ranked[0],
                                                       "guaranteed_until": VALID_UNTIL}]})
    assert proposed.status_code == 200, proposed.text
    assert get(operator, "list_needs").json()["needs"] == []
    assert [n["proposals"] for n in get(operator, "list_needs", beneficiary_id="ben-metropole-demo").json()["needs"]] == [1]
    # When the beneficiary opens the record of a ranked professional through its need
    record = get(mine, "get_professional", need_id=seed.NEED_ID, professional_id=ranked[0])
    # Then it gets the full B4 record
    assert record.status_code == 200, record.text
    body = record.json()
    assert {"education", "certifications", "references", "daily_rate_cents", "extra_costs", "reviews"} <= set(body)
    # And another beneficiary, naming the same need and professional, gets a 404 as for nothing
    stranger = get(other, "get_professional", need_id=seed.NEED_ID, professional_id=ranked[0])
    assert stranger.status_code == 404 and stranger.json()["errors"][0]["code"] == "NEED_NOT_FOUND"
    # And a professional the need's results do not name is not readable through it
    unranked = {f"pro-demo-{n}" for n in range(1, 7)} - set(ranked)
    if unranked:
        assert get(mine, "get_professional", need_id=seed.NEED_ID, professional_id=unranked.pop()).status_code == 404
    assert get(mine, "get_professional", need_id=seed.NEED_ID, professional_id="pro-inconnu").status_code == 404
    assert get(mine, "get_professional", professional_id=ranked[0]).status_code == 400  # need_id required
    # And the operator reads any record
    assert get(operator, "get_professional", professional_id=ranked[0]).status_code == 200


def test_get_order_answers_each_move_with_what_it_requires(platform, clean_firestore):
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    assert manager.post("receive_order", issue_order_body("BC-MOVES")).status_code == 201
    assert contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": "BC-MOVES", "sequence": 1,
                                                "state": "acknowledged", "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                                                "event": {"label": "Prise en compte"}}).status_code == 200
    # When the contractor reads the acknowledged order
    view = contractor.get_order("BC-MOVES", manager_id="mgr-test").json()
    moves = {m["state"]: m for m in view["next_moves"]}
    # Then its moves are next_states, each with its requirements and the fields that satisfy them
    assert [m["state"] for m in view["next_moves"]] == view["next_states"] == ["scheduled", "on_hold", "cannot_complete"]
    assert moves["scheduled"]["requires"] == [{"field": "$.planned_start", "label": moves["scheduled"]["requires"][0]["label"],
                                               "inputs": ["planned_start", "planned_end", "appointment"], "met": False}]
    assert [r["inputs"] for r in moves["on_hold"]["requires"]] == [["reason"]]
    assert moves["scheduled"]["label"] == "planifié"
    # And the manager's own moves on the same order are its own (cancel, hold), the beneficiary role has none
    manager_moves = [m["state"] for m in manager.get_order("BC-MOVES").json()["next_moves"]]
    assert manager_moves == ["on_hold", "cancelled"]


def test_a_contractor_finds_its_order_by_reference_in_every_space_and_never_anothers(platform, clean_firestore):
    # Given one reference issued in two spaces, each to its own contractor (A11 lists: search by reference)
    mine, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    ctr, ctr_other = Erp(platform, "contractor", "ctr-test"), Erp(platform, "contractor", "ctr-other")
    assert mine.post("receive_order", issue_order_body("BC-REF-1")).status_code == 201
    assert other.post("receive_order", issue_order_body("BC-REF-1", contractor_id="ctr-other")).status_code == 201
    # When each contractor searches that reference naming no client's space (a collection-group query on the emulator)
    found = get(ctr, "list_orders", order_id="BC-REF-1")
    theirs = get(ctr_other, "list_orders", order_id="BC-REF-1")
    # Then each gets its own order only, and no cursor
    assert found.status_code == 200, found.text
    assert [(o["manager_id"], o["contractor_id"]) for o in found.json()["orders"]] == [("mgr-test", "ctr-test")]
    assert [(o["manager_id"], o["contractor_id"]) for o in theirs.json()["orders"]] == [("mgr-other", "ctr-other")]
    assert found.json()["next_cursor"] is None
    # And the list's filters still apply, and an unknown reference is no row
    assert get(ctr, "list_orders", order_id="BC-REF-1", state="closed").json()["orders"] == []
    assert get(ctr, "list_orders", order_id="BC-NOPE").json()["orders"] == []
