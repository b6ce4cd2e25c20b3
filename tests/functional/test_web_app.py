"""The web application (A3 c) and the manager's live list (A11), through HTTP on the emulators:
list_orders scoping, filters and pages, CORS, the app's files and config, and what the browser
does — sign in with a password on the Auth emulator, then list and report with that ID token."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
import requests

from devtools import seed
from devtools.tokens import emulator_token
from tests.builders import issue_order_body
from tests.conftest import register_beneficiary
from tests.functional.erp import Erp
from tests.functional.people import account_with_own_password

pytestmark = pytest.mark.emulators

PASSWORD = "Essai-Passerelle-2026!"
EVIL = "https://evil.example"


def web_origin(platform) -> str:
    return platform.web_url()  # the Hosting emulator


def list_orders(platform, token: str, **params) -> requests.Response:
    return requests.get(platform.url("list_orders") + "/", params=params,
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)


def ids(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [o["order_id"] for o in response.json()["orders"]]


@pytest.fixture
def two_spaces(platform, clean_firestore):
    """mgr-test: three orders to ctr-test (one already late); mgr-other: one to ctr-test, one to ctr-other."""
    clean_firestore.document("contractors/ctr-test").set({"name": "Test", "managers": ["mgr-test", "mgr-other"]})
    clean_firestore.document("managers/mgr-other/contracts/AC-2026-099").set({
        "contract_id": "AC-2026-099", "contractor_id": "ctr-test", "status": "active",
        "starts_on": "2020-01-01", "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    a, b = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    for order_id, extra in (("BC-A1", {}), ("BC-A2", {}), ("BC-A3", {"requested_end": "2026-01-05"})):
        assert a.post("receive_order", issue_order_body(order_id, **extra)).status_code == 201
    assert b.post("receive_order", issue_order_body("BC-B1", contract_id="AC-2026-099")).status_code == 201
    assert b.post("receive_order", issue_order_body("BC-B2", contractor_id="ctr-other")).status_code == 201
    return a, b


def acknowledge(platform, contractor: Erp, manager_id: str, order_id: str) -> requests.Response:
    report = {"manager_id": manager_id, "order_id": order_id, "sequence": 1, "state": "acknowledged",
              "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Commande prise en compte"}}
    return contractor.post("submit_execution", report)


def test_a_manager_lists_only_its_space_with_filters_and_pages(platform, two_spaces):
    a, b = two_spaces
    before = list_orders(platform, a.token).json()["as_of"]
    # Given the contractor acknowledged BC-A2 (its most recent activity)
    ctr = Erp(platform, "contractor", "ctr-test")
    assert acknowledge(platform, ctr, "mgr-test", "BC-A2").status_code == 200
    # When each manager lists its orders
    listed_a = list_orders(platform, a.token)
    # Then each sees its own space only, most recent activity first, with the row's facts
    assert ids(listed_a)[0] == "BC-A2" and sorted(ids(listed_a)) == ["BC-A1", "BC-A2", "BC-A3"]
    assert sorted(ids(list_orders(platform, b.token))) == ["BC-B1", "BC-B2"]
    row = listed_a.json()["orders"][0]
    assert (row["state"], row["state_label"], row["last_event"]["label"], row["document_count"]) == (
        "acknowledged", "pris en compte", "Commande prise en compte", 0)
    # And naming another space in the query changes nothing: it is refused
    refused = requests.get(platform.url("list_orders") + "/", params={"manager_id": "mgr-other"},
                           headers={"Authorization": f"Bearer {a.token}"}, timeout=30)
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "UNKNOWN_FIELD"
    # And the filters select by state, contractor, lateness and activity
    assert ids(list_orders(platform, a.token, state="acknowledged")) == ["BC-A2"]
    assert ids(list_orders(platform, b.token, contractor_id="ctr-other")) == ["BC-B2"]
    late = list_orders(platform, a.token, late="true").json()["orders"]
    assert [(o["order_id"], o["late_reason"]) for o in late] == [("BC-A3", "end_missed")]
    assert ids(list_orders(platform, a.token, updated_since=before)) == ["BC-A2"]
    # And two-by-two pages give every order once, the last page without a cursor
    first = list_orders(platform, a.token, limit="2").json()
    second = list_orders(platform, a.token, limit="2", cursor=first["next_cursor"]).json()
    assert len(first["orders"]) == 2 and second["next_cursor"] is None
    assert sorted(o["order_id"] for o in first["orders"] + second["orders"]) == ["BC-A1", "BC-A2", "BC-A3"]
    # And one order's row (A11 real-time view: the row a stream event named) comes through the same filters,
    # never from another space
    assert ids(list_orders(platform, a.token, order_id="BC-A2")) == ["BC-A2"]
    assert ids(list_orders(platform, a.token, order_id="BC-A2", state="to_acknowledge")) == []
    assert ids(list_orders(platform, a.token, order_id="BC-B1")) == []
    # And a wrong filter is answered with every error, in French
    bad = list_orders(platform, a.token, state="fini", limit="0")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"query.state", "query.limit"}


def test_a_contractor_lists_the_orders_addressed_to_it_across_managers_only(platform, two_spaces):
    # When each contractor lists its orders
    ctr_test = emulator_token(platform.project_id, "u-ctr", role="contractor", tenant="ctr-test")
    ctr_other = emulator_token(platform.project_id, "u-oth", role="contractor", tenant="ctr-other")
    # Then ctr-test sees its orders in both spaces and nothing addressed to ctr-other, and the reverse
    mine = list_orders(platform, ctr_test).json()["orders"]
    assert sorted((o["manager_id"], o["order_id"]) for o in mine) == [
        ("mgr-other", "BC-B1"), ("mgr-test", "BC-A1"), ("mgr-test", "BC-A2"), ("mgr-test", "BC-A3")]
    assert ids(list_orders(platform, ctr_test, manager_id="mgr-other")) == ["BC-B1"]
    assert ids(list_orders(platform, ctr_other)) == ["BC-B2"]
    # And a contractor cannot widen its view by naming another contractor
    assert list_orders(platform, ctr_test, contractor_id="ctr-other").status_code == 400
    # And one order's row names its space; another contractor's order is never one of its rows
    assert ids(list_orders(platform, ctr_test, manager_id="mgr-other", order_id="BC-B1")) == ["BC-B1"]
    assert ids(list_orders(platform, ctr_other, manager_id="mgr-other", order_id="BC-B1")) == []
    # And naming no space, the reference is searched among its own orders of every space only
    assert ids(list_orders(platform, ctr_test, order_id="BC-B1")) == ["BC-B1"]
    assert ids(list_orders(platform, ctr_other, order_id="BC-B1")) == []
    # And across spaces, pages of one still give each order once
    seen, cursor = [], None
    for _ in range(6):
        page = list_orders(platform, ctr_test, limit="1", **({"cursor": cursor} if cursor else {})).json()
        seen += [o["order_id"] for o in page["orders"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == ["BC-A1", "BC-A2", "BC-A3", "BC-B1"]


def test_cors_allows_the_web_app_origin_only_and_preflights_without_a_token(platform, clean_firestore):
    url = platform.url("submit_execution") + "/"
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"}
    # When the browser preflights a call from the web app's origin
    allowed = requests.options(url, headers={"Origin": web_origin(platform), **preflight}, timeout=30)
    # Then it is answered 204, without a token, allowing the headers the app sends
    assert allowed.status_code == 204 and allowed.headers["Access-Control-Allow-Origin"] == web_origin(platform)
    headers = {h.strip().lower() for h in allowed.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= headers
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    # When another origin preflights, or calls
    denied = requests.options(url, headers={"Origin": EVIL, **preflight}, timeout=30)
    called = requests.get(platform.url("list_orders") + "/", headers={"Origin": EVIL}, timeout=30)
    # Then nothing allows it, and the call is still refused on its own merits
    assert denied.status_code == 204 and "Access-Control-Allow-Origin" not in denied.headers
    assert called.status_code == 401 and "Access-Control-Allow-Origin" not in called.headers
    # And an answer to the web app's origin, even a refusal, is readable by the app
    refused = requests.get(platform.url("list_orders") + "/", headers={"Origin": web_origin(platform)}, timeout=30)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == web_origin(platform)
    assert "X-Correlation-Id" in refused.headers["Access-Control-Expose-Headers"]


def test_the_web_app_serves_its_files_and_a_config_naming_every_function(platform):
    base = web_origin(platform)
    # When the browser opens the app
    index = requests.get(base + "/", timeout=30)
    script = requests.get(base + "/app.js", timeout=30)
    config = requests.get(base + "/config.json", timeout=30)
    # Then it gets the page, its module and a config pointing at this very stack
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    assert 'lang="fr"' in index.text and 'src="app.js"' in index.text
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    body = config.json()
    for name in ("list_orders", "get_order", "get_documents", "submit_execution", "store_report"):
        assert body["functions"][name] == platform.url(name)
    assert "relay_outbox" not in body["functions"] and "list_quotes" in body["functions"]
    assert body["auth"]["sign_in_url"] == (f"http://127.0.0.1:{platform.ports['auth']}"
                                           "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword")
    assert config.headers["Cache-Control"] == "no-store"
    # And nothing outside web/ is served
    for path in ("/../main.py", "/%2e%2e/main.py", "/.hidden", "/nope.html", "/main.py"):
        assert requests.get(base + path, timeout=30).status_code == 404, path


def test_signed_in_with_a_password_a_contractor_lists_reports_and_sees_its_errors(platform, two_spaces):
    # Given an account created by the operator, whose user chose its own password (as devtools/seed.py does)
    email = f"prestataire-{uuid.uuid4().hex[:8]}@acme.demo"
    created = account_with_own_password(platform, {"email": email, "display_name": "Prestataire",
                                                   "role": "contractor", "tenant": "ctr-test"}, PASSWORD)
    assert created.status_code == 200, created.text
    config = requests.get(web_origin(platform) + "/config.json", timeout=30).json()
    auth = config["auth"]
    # When the browser signs in on the Auth emulator's REST API, as app.js does
    wrong = requests.post(auth["sign_in_url"], params={"key": auth["api_key"]},
                          json={"email": email, "password": "mauvais-mot-de-passe", "returnSecureToken": True},
                          headers={"Origin": web_origin(platform)}, timeout=30)
    signed = requests.post(auth["sign_in_url"], params={"key": auth["api_key"]},
                           json={"email": email, "password": PASSWORD, "returnSecureToken": True},
                           headers={"Origin": web_origin(platform)}, timeout=30)
    # Then a wrong password is refused, the right one gives an ID token carrying the account's claims
    assert wrong.status_code == 400
    assert signed.status_code == 200, signed.text
    tokens = signed.json()
    headers = {"Authorization": f"Bearer {tokens['idToken']}", "Origin": web_origin(platform)}
    # When it lists its orders and opens one with that token
    listed = requests.get(config["functions"]["list_orders"] + "/", headers=headers, timeout=30)
    assert listed.status_code == 200 and listed.headers["Access-Control-Allow-Origin"] == web_origin(platform)
    assert {o["order_id"] for o in listed.json()["orders"]} == {"BC-A1", "BC-A2", "BC-A3", "BC-B1"}
    view = requests.get(config["functions"]["get_order"] + "/", params={"manager_id": "mgr-other",
                                                                        "order_id": "BC-B1"},
                        headers=headers, timeout=30).json()
    order = view["order"]
    # Then the order to acknowledge offers the contractor exactly its moves from the state machine
    assert view["next_states"] == ["acknowledged", "cannot_complete"]
    report = {"manager_id": "mgr-other", "order_id": "BC-B1", "sequence": order["last_sequence"] + 1,
              "state": "acknowledged", "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
              "event": {"label": "Commande prise en compte"}, "site_lead": {
                  "last_name": "Martin", "first_name": "Léa", "mobile": "01 23 45 67 89"}}
    # Then a report with a wrong mobile is rejected with the field and a French message (A4)
    post = {**headers, "Content-Type": "application/json"}
    rejected = requests.post(config["functions"]["submit_execution"] + "/", json=report, timeout=30,
                             headers={**post, "Idempotency-Key": uuid.uuid4().hex})
    assert rejected.status_code == 422 and rejected.headers["Access-Control-Allow-Origin"] == web_origin(platform)
    [error] = rejected.json()["errors"]
    assert (error["field"], error["code"]) == ("$.site_lead.mobile", "INVALID_PHONE") and "mobile" in error["message"]
    # And the corrected report, under a fresh key and the same sequence, is accepted
    report["site_lead"]["mobile"] = "06 12 34 56 78"
    accepted = requests.post(config["functions"]["submit_execution"] + "/", json=report, timeout=30,
                             headers={**post, "Idempotency-Key": uuid.uuid4().hex})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["order_state"] == "acknowledged"
    # And the manager's live list shows it first, with its new state
    manager = emulator_token(platform.project_id, "u-mgr", role="manager", tenant="mgr-other")
    [first, *_] = list_orders(platform, manager).json()["orders"]
    assert (first["order_id"], first["state"]) == ("BC-B1", "acknowledged")
    # And the manager is offered its own moves only, on the row and on the order
    managers_view = requests.get(platform.url("get_order") + "/", params={"order_id": "BC-B1"}, timeout=30,
                                 headers={"Authorization": f"Bearer {manager}"}).json()
    assert first["next_states"] == managers_view["next_states"] == ["on_hold", "cancelled"]
    # And the session is refreshed on the Secure Token endpoint into a token that still works
    refreshed = requests.post(auth["refresh_url"], params={"key": auth["api_key"]}, timeout=30,
                              data={"grant_type": "refresh_token", "refresh_token": tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.text
    again = requests.get(config["functions"]["list_orders"] + "/", timeout=30,
                         headers={"Authorization": f"Bearer {refreshed.json()['id_token']}"})
    assert again.status_code == 200 and len(again.json()["orders"]) == 4


def test_the_demo_accounts_of_scripts_dev_sign_in_with_the_claims_of_the_demo_tokens(platform, clean_firestore):
    # Given the demo tenants registered (manage_account pairs a role only with a registered tenant of its kind)
    clean_firestore.document(f"managers/{seed.MANAGER['manager_id']}").set({"name": seed.MANAGER["name"]})
    clean_firestore.document("contractors/ctr-acme").set({"name": "ACME", "managers": [seed.MANAGER["manager_id"]]})
    clean_firestore.document(f"contractors/{seed.TITULAIRE['contractor_id']}").set({"name": seed.TITULAIRE["name"],
                                                                                    "managers": []})
    beneficiary = seed.BENEFICIARY["beneficiary_id"]
    register_beneficiary(clean_firestore, beneficiary, seed.BENEFICIARY["name"])
    # and the demo users created as ./scripts/dev creates them (through manage_account)
    created = seed.create_demo_users(platform.url, platform.project_id, platform.ports["auth"])
    assert [status for _, status in created] == [200] * len(seed.DEMO_USERS)
    auth = requests.get(web_origin(platform) + "/config.json", timeout=30).json()["auth"]
    for user in seed.DEMO_USERS:
        # When each signs in with the demo password
        signed = requests.post(auth["sign_in_url"], params={"key": auth["api_key"]}, timeout=30,
                               json={"email": user["email"], "password": seed.DEMO_PASSWORD, "returnSecureToken": True})
        # Then its ID token carries the role and tenant of the demo tokens, and lists its orders
        assert signed.status_code == 200, signed.text
        token = signed.json()["idToken"]
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert (claims["role"], claims["tenant"]) == (user["role"], user["tenant"])
        if user["role"] in ("manager", "contractor", "beneficiary"):
            assert list_orders(platform, token).status_code == 200
