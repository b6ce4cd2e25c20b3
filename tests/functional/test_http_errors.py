"""Every kind of bad HTTPS input gets a structured problem+json answer — never a 500 — and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from devtools.tokens import emulator_token
from shared.edge.http import MAX_BODY_BYTES
from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators


def orders_in_store(client, manager: str = "mgr-test") -> int:
    return len(list(client.collection("managers").document(manager).collection("orders").stream()))


def problem(response: requests.Response, status: int) -> list[tuple[str, str]]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["correlation_id"]
    assert all(set(e) == {"field", "code", "message"} and e["message"] for e in body["errors"])
    return [(e["field"], e["code"]) for e in body["errors"]]


@pytest.mark.parametrize(("case", "status", "expected"), [
    ("no token", 401, [("header.Authorization", "UNAUTHENTICATED")]),
    ("garbage token", 401, [("header.Authorization", "UNAUTHENTICATED")]),
    ("expired token", 401, [("header.Authorization", "UNAUTHENTICATED")]),
    ("token for another project", 401, [("header.Authorization", "UNAUTHENTICATED")]),
    ("contractor token", 403, [("header.Authorization", "FORBIDDEN")]),
    ("token without role", 403, [("header.Authorization", "FORBIDDEN")]),
    ("wrong content type", 415, [("header.Content-Type", "UNSUPPORTED_MEDIA_TYPE")]),
    ("malformed json", 400, [("$", "MALFORMED_JSON")]),
    ("too large", 413, [("$", "PAYLOAD_TOO_LARGE")]),
    ("missing idempotency key", 400, [("header.Idempotency-Key", "IDEMPOTENCY_KEY_MISSING")]),
    ("invalid idempotency key", 400, [("header.Idempotency-Key", "IDEMPOTENCY_KEY_INVALID")]),
    ("unknown field", 422, [("$.owner", "UNKNOWN_FIELD")]),
    ("wrong types", 422, [("$.lines[0].quantity", "INVALID_TYPE"), ("$.issued_at", "INVALID_FORMAT")]),
    ("unknown contractor", 422, [("$.contractor_id", "CONTRACTOR_NOT_FOUND")]),
    ("contractor of another manager", 422, [("$.contractor_id", "CONTRACTOR_NOT_FOUND")]),
])
def test_bad_orders_are_refused_with_a_structured_problem(manager, case, status, expected, clean_firestore):
    body, kwargs = issue_order_body(), {}
    project = manager.stack.project_id
    if case == "no token":
        kwargs["token"] = None
    elif case == "garbage token":
        kwargs["token"] = "not-a-jwt"
    elif case == "expired token":
        kwargs["token"] = emulator_token(project, "u1", role="manager", tenant="mgr-test", ttl_seconds=-3600)
    elif case == "token for another project":
        kwargs["token"] = emulator_token("demo-elsewhere", "u1", role="manager", tenant="mgr-test")
    elif case == "contractor token":
        kwargs["token"] = emulator_token(project, "u1", role="contractor", tenant="ctr-test")
    elif case == "token without role":
        kwargs["token"] = emulator_token(project, "u1")
    elif case == "wrong content type":
        kwargs["headers"] = {"Content-Type": "text/plain"}
    elif case == "malformed json":
        kwargs["raw"] = b'{"order_id": "BC-1",'
    elif case == "too large":
        kwargs["raw"] = json.dumps({**body, "description": "x" * MAX_BODY_BYTES}).encode()
    elif case == "missing idempotency key":
        kwargs["key"] = None
    elif case == "invalid idempotency key":
        kwargs["key"] = "no spaces allowed here"
    elif case == "unknown field":
        body["owner"] = "mgr-other"  # mass assignment attempt
    elif case == "wrong types":
        body["lines"][0]["quantity"] = [1]
        body["issued_at"] = "yesterday"
    elif case == "unknown contractor":
        body["contractor_id"] = "ctr-nobody"
    elif case == "contractor of another manager":
        body["contractor_id"] = "ctr-other"
    response = manager.post("receive_order", body, **kwargs)
    assert problem(response, status) == expected
    assert orders_in_store(clean_firestore) == 0


def test_the_same_key_replays_the_first_answer_and_another_body_under_it_is_refused(manager, clean_firestore):
    first = manager.post("receive_order", issue_order_body(), key="order-BC-2026-014")
    again = manager.post("receive_order", issue_order_body(), key="order-BC-2026-014")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = manager.post("receive_order", issue_order_body(title="Autre chose"), key="order-BC-2026-014")
    assert problem(other, 422) == [("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")]
    # the same order under a new key is recognised, a different one under the same id refused
    assert manager.post("receive_order", issue_order_body()).status_code == 200
    clash = manager.post("receive_order", issue_order_body(title="Autre chose"))
    assert problem(clash, 409) == [("$.order_id", "ORDER_ALREADY_EXISTS")]
    assert orders_in_store(clean_firestore) == 1
    # and its history says once how it came (its ERP through the API), not once a request
    [received] = manager.get_order("BC-2026-014").json()["events"]
    assert (received["kind"], received["label"]) == ("received", "Commande reçue de mgr-test par l'API")
    assert received["by"] == "erp-mgr-test" and received["received_via"] == "api"


def test_a_wrong_method_is_a_405(manager):
    response = requests.get(manager.stack.url("receive_order") + "/", timeout=10)
    assert problem(response, 405) == [("$", "METHOD_NOT_ALLOWED")]


def test_rest_execution_errors_are_problems_carrying_the_reply(manager, contractor, clean_firestore):
    assert manager.post("receive_order", issue_order_body()).status_code == 201
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()
    base = {"manager_id": "mgr-test", "order_id": "BC-2026-014", "sequence": 1, "event": {"label": "Prise en compte"}}
    ahead = contractor.post("submit_execution", {**base, "occurred_at": future, "state": "acknowledged"})
    assert problem(ahead, 422) == [("$.occurred_at", "OCCURRED_IN_FUTURE")]
    assert ahead.json()["reply"]["status"] == "rejected"
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).isoformat()
    missing = contractor.post("submit_execution", {**base, "order_id": "BC-NONE", "occurred_at": past})
    assert problem(missing, 404) == [("$.order_id", "ORDER_NOT_FOUND")]
    illegal = contractor.post("submit_execution", {**base, "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                                                   "state": "invoiced"})
    assert problem(illegal, 422) == [("$.state", "ILLEGAL_TRANSITION")]
    manager_tries = manager.post("submit_execution", {**base, "occurred_at": dt.datetime.now(dt.UTC).isoformat()})
    assert problem(manager_tries, 403) == [("header.Authorization", "FORBIDDEN")]
    view = manager.get_order("BC-2026-014").json()
    assert view["order"]["state"] == "to_acknowledge" and [e["kind"] for e in view["events"]] == ["received"]


def test_a_manager_reads_only_its_own_space(manager, platform, clean_firestore):
    assert manager.post("receive_order", issue_order_body()).status_code == 201
    from tests.functional.erp import Erp

    other = Erp(platform, "manager", "mgr-other")
    assert problem(other.get_order("BC-2026-014"), 404) == [("query.order_id", "ORDER_NOT_FOUND")]
    # naming the other space explicitly changes nothing: a manager's space comes from its token
    assert other.get_order("BC-2026-014", manager_id="mgr-test").status_code == 404
    assert manager.get_order("BC-2026-014").status_code == 200
