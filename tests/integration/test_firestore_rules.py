"""firestore.rules against the real Firestore emulator: who reads what, and nobody writes.

The rules only govern Firebase clients (a browser, a mobile app, an ERP using a client SDK);
Cloud Functions use the server client, which bypasses them. So the data is seeded with the
server client, and every request under test goes through the emulator's REST API with an
unsigned ID token carrying the claims of one principal — the emulator evaluates the rules
for it exactly as production would.

The matrices list, for each document, collection and query, the principals allowed to read
it; every other principal must be refused. Allowed and refused cells are both asserted, so
a rule that is too strict fails as surely as one that is too lax.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.stack import Stack
from devtools.tokens import emulator_token

pytestmark = pytest.mark.emulators

RULES_PATH = Path(__file__).resolve().parents[2] / "firestore.rules"

# --- principals ---------------------------------------------------------------------------
# name -> custom claims of its ID token (None: no Authorization header at all).

MGR_TEST = "manager_of_mgr_test"
MGR_OTHER = "manager_of_mgr_other"
CTR_TEST = "contractor_ctr_test"
CTR_OTHER = "contractor_ctr_other"
BEN_TEST = "beneficiary_ben_test"
PURCHASING = "purchasing_body"

PRINCIPALS: dict[str, dict[str, str] | None] = {
    MGR_TEST: {"role": "manager", "tenant": "mgr-test"},
    MGR_OTHER: {"role": "manager", "tenant": "mgr-other"},
    CTR_TEST: {"role": "contractor", "tenant": "ctr-test"},
    CTR_OTHER: {"role": "contractor", "tenant": "ctr-other"},
    BEN_TEST: {"role": "beneficiary", "tenant": "ben-test"},
    # The other roles carry tenants that collide with real ids: the role alone must not be enough,
    # and a matching tenant under the wrong role must not be enough either.
    "beneficiary": {"role": "beneficiary", "tenant": "mgr-test"},
    "purchasing_body": {"role": "purchasing_body", "tenant": "ctr-test"},
    "operator": {"role": "operator", "tenant": "mgr-test"},
    "contractor_whose_tenant_is_a_manager_id": {"role": "contractor", "tenant": "mgr-test"},
    "manager_without_tenant": {"role": "manager"},
    "token_without_role": {"tenant": "mgr-test"},
    "unauthenticated": None,
}

NOBODY: tuple[str, ...] = ()

# --- seed: two manager spaces, two contractors, the server-only collections ------------------


def _order(manager: str, order_id: str, contractor: str, state: str) -> dict[str, Any]:
    return {"order_id": order_id, "manager_id": manager, "contractor_id": contractor, "contract_id": "AC-1",
            "title": f"Order {order_id}", "state": state, "last_sequence": 0}


def _event(label: str) -> dict[str, Any]:
    return {"actor": "contractor", "label": label, "received_at": "2026-03-02T08:00:00+00:00"}


def _message(status: str, manager: str, order_id: str) -> dict[str, Any]:
    return {"status": status, "manager_id": manager, "order_id": order_id, "delay_seconds": 42.0, "late": False,
            "reply": {"status": status, "errors": [] if status == "accepted" else [{"code": "SEQUENCE_GAP"}]}}


# Orders T-1/O-2 are addressed to ctr-test and T-2/O-1 to ctr-other: each manager works with
# both contractors, so "the contractor's manager" never implies "the contractor's order".
SEED: dict[str, dict[str, Any]] = {
    "managers/mgr-test": {"name": "Manager under test"},
    "managers/mgr-test/contracts/AC-T": {"contract_id": "AC-T", "contractor_id": "ctr-test"},
    "managers/mgr-test/orders/T-1": _order("mgr-test", "T-1", "ctr-test", "to_acknowledge"),
    "managers/mgr-test/orders/T-1/events/e1": _event("issued"),
    "managers/mgr-test/orders/T-2": _order("mgr-test", "T-2", "ctr-other", "to_acknowledge"),
    "managers/mgr-test/orders/T-2/events/e1": _event("issued"),
    "managers/mgr-test/orders/T-1/invoices/inv-1": {"invoice_number": "F-1", "contractor_id": "ctr-test"},
    "managers/mgr-test/orders/T-1/documents/d1": {"manager_id": "mgr-test", "order_id": "T-1", "sha256": "d1"},
    "chorus_queue/mgr-test~T-1~inv-1": {"manager_id": "mgr-test", "order_id": "T-1", "invoice_number": "F-1"},
    "managers/mgr-other": {"name": "Other manager"},
    "managers/mgr-other/contracts/AC-O": {"contract_id": "AC-O", "contractor_id": "ctr-other"},
    "managers/mgr-other/orders/O-1": _order("mgr-other", "O-1", "ctr-other", "in_progress"),
    "managers/mgr-other/orders/O-1/events/e1": _event("issued"),
    "managers/mgr-other/orders/O-1/documents/d2": {"manager_id": "mgr-other", "order_id": "O-1", "sha256": "d2"},
    "managers/mgr-other/orders/O-2": _order("mgr-other", "O-2", "ctr-test", "in_progress"),
    "managers/mgr-other/orders/O-2/events/e1": _event("issued"),
    "contractors/ctr-test": {"name": "Test", "managers": ["mgr-test", "mgr-other"]},
    "contractors/ctr-test/messages/k-test-1": _message("accepted", "mgr-test", "T-1"),
    "contractors/ctr-test/messages/k-test-2": _message("rejected", "mgr-other", "O-2"),
    "contractors/ctr-other": {"name": "Other", "managers": ["mgr-test", "mgr-other"]},
    "contractors/ctr-other/messages/k-other-1": _message("accepted", "mgr-other", "O-1"),
    "outbox/ob-1": {"topic": "orders-ctr-test", "status": "pending", "data": {"order_id": "T-1"}},
    "idempotency/idem-1": {"state": "completed", "request_hash": "abc", "response": {"status": 201}},
    # part B: a beneficiary's space, its order space (it is the orders' manager), another's need
    "beneficiaries/ben-test": {"name": "Ville de Test", "siret": "21690123100011"},
    "beneficiaries/ben-test/needs/N-1": {"need_id": "N-1", "status": "submitted"},
    "beneficiaries/ben-test/missions/M-1": {"mission_id": "M-1", "professional_id": "p-1"},
    "beneficiaries/ben-other/needs/N-2": {"need_id": "N-2", "status": "submitted"},
    "managers/ben-test/orders/B-1": _order("ben-test", "B-1", "ctr-test", "in_progress"),
    "professionals/p-1": {"name": "Camille Durand", "level": "Sénior"},
    # steering aggregates, the audit trail, and server-only registries
    "steering/volume-2026": {"total_cents": 1234500},
    "managers/mgr-test/audit/r1": {"who": "erp", "action": "order.created"},
    "exports/job-1": {"tenant": "mgr-test", "status": "completed"},
    "account_requests/acc-1": {"tenant": "mgr-test", "email": "x@y.fr"},
    "accounts/uid-1": {"uid": "uid-1", "email": "x@y.fr", "claims": {"role": "manager", "tenant": "mgr-test"}},
    "machine_identities/erp@p.iam.gserviceaccount.com": {"role": "contractor", "tenant": "ctr-test"},
    # incidents (B9): top level, read by their reporter (tenant AND role)
    "incidents/inc-ctr": {"reporter_tenant": "ctr-test", "reporter_role": "contractor", "severity": 1},
    "incidents/inc-mgr": {"reporter_tenant": "mgr-test", "reporter_role": "manager", "severity": 3},
}

# --- the read matrices ---------------------------------------------------------------------

DOCUMENT_READERS: dict[str, tuple[str, ...]] = {
    "managers/mgr-test": (MGR_TEST,),
    "managers/mgr-test/contracts/AC-T": (MGR_TEST,),
    "managers/mgr-test/orders/T-1": (MGR_TEST, CTR_TEST),
    "managers/mgr-test/orders/T-1/events/e1": (MGR_TEST, CTR_TEST),
    "managers/mgr-test/orders/T-2": (MGR_TEST, CTR_OTHER),
    "managers/mgr-test/orders/T-2/events/e1": (MGR_TEST, CTR_OTHER),
    "managers/mgr-test/orders/T-1/invoices/inv-1": (MGR_TEST, CTR_TEST),
    "managers/mgr-test/orders/T-1/documents/d1": (MGR_TEST,),  # a document record: its manager's, not the contractor's
    "chorus_queue/mgr-test~T-1~inv-1": NOBODY,
    "managers/mgr-other": (MGR_OTHER,),
    "managers/mgr-other/contracts/AC-O": (MGR_OTHER,),
    "managers/mgr-other/orders/O-1": (MGR_OTHER, CTR_OTHER),
    "managers/mgr-other/orders/O-1/events/e1": (MGR_OTHER, CTR_OTHER),
    "managers/mgr-other/orders/O-1/documents/d2": (MGR_OTHER,),
    "managers/mgr-other/orders/O-2": (MGR_OTHER, CTR_TEST),
    "managers/mgr-other/orders/O-2/events/e1": (MGR_OTHER, CTR_TEST),
    "contractors/ctr-test": (CTR_TEST,),
    "contractors/ctr-test/messages/k-test-1": (CTR_TEST,),
    "contractors/ctr-test/messages/k-test-2": (CTR_TEST,),
    "contractors/ctr-other": (CTR_OTHER,),
    "contractors/ctr-other/messages/k-other-1": (CTR_OTHER,),
    "outbox/ob-1": NOBODY,
    "idempotency/idem-1": NOBODY,
    "beneficiaries/ben-test": (BEN_TEST,),
    "beneficiaries/ben-test/needs/N-1": (BEN_TEST,),
    "beneficiaries/ben-test/missions/M-1": (BEN_TEST,),
    "beneficiaries/ben-other/needs/N-2": NOBODY,
    "managers/ben-test/orders/B-1": (BEN_TEST, CTR_TEST),
    "professionals/p-1": NOBODY,
    "steering/volume-2026": (PURCHASING,),
    "managers/mgr-test/audit/r1": (MGR_TEST,),
    "exports/job-1": NOBODY,
    "account_requests/acc-1": NOBODY,
    "accounts/uid-1": NOBODY,  # the claims last set: server only, even for the account's own tenant
    "machine_identities/erp@p.iam.gserviceaccount.com": NOBODY,
    "incidents/inc-ctr": (CTR_TEST,),  # not the purchasing body whose tenant is ctr-test
    "incidents/inc-mgr": (MGR_TEST,),  # not the operator nor a beneficiary whose tenant is mgr-test
}
assert set(DOCUMENT_READERS) == set(SEED)

# Unfiltered listings (GET on a collection): allowed only when every document of it is readable.
COLLECTION_READERS: dict[str, tuple[str, ...]] = {
    "managers": NOBODY,  # even a manager: the listing would include the other managers
    "managers/mgr-test/contracts": (MGR_TEST,),
    "managers/mgr-test/orders": (MGR_TEST,),  # a contractor must filter on contractor_id
    "managers/mgr-test/orders/T-1/events": (MGR_TEST, CTR_TEST),
    "managers/mgr-test/orders/T-2/events": (MGR_TEST, CTR_OTHER),
    "managers/mgr-other/contracts": (MGR_OTHER,),
    "managers/mgr-other/orders": (MGR_OTHER,),
    "managers/mgr-other/orders/O-2/events": (MGR_OTHER, CTR_TEST),
    "contractors": NOBODY,
    "contractors/ctr-test/messages": (CTR_TEST,),
    "contractors/ctr-other/messages": (CTR_OTHER,),
    "outbox": NOBODY,
    "idempotency": NOBODY,
    "beneficiaries/ben-test/needs": (BEN_TEST,),
    "beneficiaries/ben-other/needs": NOBODY,
    "managers/ben-test/orders": (BEN_TEST,),
    "professionals": NOBODY,
    "steering": (PURCHASING,),
    "managers/mgr-test/audit": (MGR_TEST,),
    "incidents": NOBODY,  # a reporter must filter on its tenant and role
}


@dataclass(frozen=True)
class Query:
    """A structured query run with :runQuery under ``parent`` ('' for the database root)."""

    parent: str
    collection: str
    filters: tuple[tuple[str, str], ...] = ()  # (field, value) equalities, ANDed
    all_descendants: bool = False

    def body(self) -> dict[str, Any]:
        query: dict[str, Any] = {"from": [{"collectionId": self.collection, "allDescendants": self.all_descendants}]}
        conditions = [{"fieldFilter": {"field": {"fieldPath": field}, "op": "EQUAL", "value": {"stringValue": value}}}
                      for field, value in self.filters]
        if len(conditions) == 1:
            query["where"] = conditions[0]
        elif conditions:
            query["where"] = {"compositeFilter": {"op": "AND", "filters": conditions}}
        return {"structuredQuery": query}


# query id -> (query, principals allowed, document paths it returns)
QUERIES: dict[str, tuple[Query, tuple[str, ...], set[str]]] = {
    "mgr-test orders for ctr-test": (
        Query("managers/mgr-test", "orders", (("contractor_id", "ctr-test"),)),
        (MGR_TEST, CTR_TEST), {"managers/mgr-test/orders/T-1"}),
    "mgr-test orders for ctr-other": (
        Query("managers/mgr-test", "orders", (("contractor_id", "ctr-other"),)),
        (MGR_TEST, CTR_OTHER), {"managers/mgr-test/orders/T-2"}),
    "mgr-test orders, unfiltered": (
        Query("managers/mgr-test", "orders"),
        (MGR_TEST,), {"managers/mgr-test/orders/T-1", "managers/mgr-test/orders/T-2"}),
    "mgr-test orders to acknowledge, unfiltered on contractor": (
        Query("managers/mgr-test", "orders", (("state", "to_acknowledge"),)),
        (MGR_TEST,), {"managers/mgr-test/orders/T-1", "managers/mgr-test/orders/T-2"}),
    "mgr-other orders for ctr-test": (
        Query("managers/mgr-other", "orders", (("contractor_id", "ctr-test"),)),
        (MGR_OTHER, CTR_TEST), {"managers/mgr-other/orders/O-2"}),
    "all orders for ctr-test (collection group)": (
        Query("", "orders", (("contractor_id", "ctr-test"),), all_descendants=True),
        (CTR_TEST,), {"managers/mgr-test/orders/T-1", "managers/mgr-other/orders/O-2", "managers/ben-test/orders/B-1"}),
    "all orders for ctr-other (collection group)": (
        Query("", "orders", (("contractor_id", "ctr-other"),), all_descendants=True),
        (CTR_OTHER,), {"managers/mgr-test/orders/T-2", "managers/mgr-other/orders/O-1"}),
    "all orders for ctr-test in progress (collection group)": (
        Query("", "orders", (("contractor_id", "ctr-test"), ("state", "in_progress")), all_descendants=True),
        (CTR_TEST,), {"managers/mgr-other/orders/O-2", "managers/ben-test/orders/B-1"}),
    "all orders of mgr-test (collection group)": (
        Query("", "orders", (("manager_id", "mgr-test"),), all_descendants=True),
        NOBODY, set()),  # tenancy is by path: a manager reads its orders under managers/{id}
    "all orders, unfiltered (collection group)": (
        Query("", "orders", all_descendants=True), NOBODY, set()),
    "mgr-test's documents of T-1": (
        Query("managers/mgr-test/orders/T-1", "documents"), (MGR_TEST,), {"managers/mgr-test/orders/T-1/documents/d1"}),
    # get_property_coverage's query (A7): the functions run it filtered on the caller's tenant; no client may, not
    # even the manager naming itself — nor cross into another manager's documents by naming that one
    "all documents of mgr-test (collection group)": (
        Query("", "documents", (("manager_id", "mgr-test"),), all_descendants=True), NOBODY, set()),
    "all documents of mgr-other (collection group)": (
        Query("", "documents", (("manager_id", "mgr-other"),), all_descendants=True), NOBODY, set()),
    "all documents, unfiltered (collection group)": (
        Query("", "documents", all_descendants=True), NOBODY, set()),
    "all events (collection group)": (
        Query("", "events", all_descendants=True), NOBODY, set()),
    "ctr-test rejected messages": (
        Query("contractors/ctr-test", "messages", (("status", "rejected"),)),
        (CTR_TEST,), {"contractors/ctr-test/messages/k-test-2"}),
    "ctr-test's own incidents": (
        Query("", "incidents", (("reporter_tenant", "ctr-test"), ("reporter_role", "contractor"))),
        (CTR_TEST,), {"incidents/inc-ctr"}),
    "incidents of tenant ctr-test, any role": (
        Query("", "incidents", (("reporter_tenant", "ctr-test"),)), NOBODY, set()),
    "pending outbox": (
        Query("", "outbox", (("status", "pending"),)), NOBODY, set()),
}

# --- the harness -----------------------------------------------------------------------------


@dataclass
class RestApi:
    """The Firestore REST API of the emulator, called as a Firebase client would."""

    base: str
    root: str  # projects/{p}/databases/(default)/documents
    project_id: str
    http: requests.Session

    def headers(self, principal: str) -> dict[str, str]:
        claims = PRINCIPALS[principal]
        if claims is None:
            return {}
        return {"Authorization": f"Bearer {emulator_token(self.project_id, f'uid-{principal}', **claims)}"}

    def url(self, path: str = "") -> str:
        return f"{self.base}/v1/{self.root}" + (f"/{path}" if path else "")

    def get(self, principal: str, path: str) -> requests.Response:
        return self.http.get(self.url(path), headers=self.headers(principal), timeout=10)

    def run_query(self, principal: str, query: Query) -> requests.Response:
        return self.http.post(f"{self.url(query.parent)}:runQuery", json=query.body(),
                              headers=self.headers(principal), timeout=10)

    def request(self, principal: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, url, headers=self.headers(principal), timeout=10, **kwargs)

    def name(self, path: str) -> str:
        return f"{self.root}/{path}"

    def load_rules(self, text: str) -> None:
        response = self.http.put(f"{self.base}/emulator/v1/projects/{self.project_id}:securityRules",
                                 json={"rules": {"files": [{"name": "firestore.rules", "content": text}]}}, timeout=10)
        assert response.status_code == 200, f"rules refused by the emulator: {response.text}"


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """A plain dict as Firestore REST ``fields`` (strings only: enough for write attempts)."""
    return {key: {"stringValue": str(value)} for key, value in data.items()}


@pytest.fixture(scope="module")
def api(emulators: Stack, firestore_client):
    # The committed rules, whatever an earlier run or test left loaded.
    http = requests.Session()
    rest = RestApi(base=f"http://127.0.0.1:{emulators.ports['firestore']}",
                   root=f"projects/{emulators.project_id}/databases/(default)/documents",
                   project_id=emulators.project_id, http=http)
    rest.load_rules(RULES_PATH.read_text())
    # The database is shared with the other tests: start from it empty, then seed as the
    # functions would (the server client bypasses the rules).
    emulators.clear_firestore()
    batch = firestore_client.batch()
    for path, data in SEED.items():
        batch.set(firestore_client.document(path), data)
    batch.commit()
    yield rest
    http.close()


def _matrix(readers: dict[str, tuple[str, ...]]) -> list:
    return [pytest.param(target, principal, principal in allowed,
                         id=f"{target} by {principal} {'allowed' if principal in allowed else 'denied'}")
            for target, allowed in readers.items() for principal in PRINCIPALS]


def _ids(response: requests.Response, key: str) -> set[str]:
    """Document names (relative paths) in a list or runQuery answer."""
    body = response.json()
    docs = body.get("documents", []) if key == "list" else [row["document"] for row in body if "document" in row]
    return {doc["name"].split("/documents/", 1)[1] for doc in docs}


def _assert_unchanged(firestore_client, path: str) -> None:
    snap = firestore_client.document(path).get()
    assert snap.exists and snap.to_dict() == SEED[path], f"{path} was changed by a refused write"


# --- reads: documents, listings, queries ---------------------------------------------------


@pytest.mark.parametrize(("path", "principal", "allowed"), _matrix(DOCUMENT_READERS))
def test_a_principal_gets_a_document_only_when_the_rules_grant_it(api, path, principal, allowed):
    # Given the seeded platform and a principal's ID token
    # When it reads one document directly
    response = api.get(principal, path)
    # Then it gets the document if the rules grant it, and is refused otherwise
    if allowed:
        assert response.status_code == 200, response.text
        assert response.json()["name"] == api.name(path)
    else:
        assert response.status_code == 403, response.text


@pytest.mark.parametrize(("collection", "principal", "allowed"), _matrix(COLLECTION_READERS))
def test_a_principal_lists_a_collection_only_when_it_may_read_all_of_it(api, collection, principal, allowed):
    # Given the seeded platform and a principal's ID token
    # When it lists a whole collection without any filter
    response = api.get(principal, collection)
    # Then it gets every document of it if it may read them all, and is refused otherwise
    if allowed:
        assert response.status_code == 200, response.text
        expected = {p for p in SEED if p.rsplit("/", 1)[0] == collection}
        assert _ids(response, "list") == expected
    else:
        assert response.status_code == 403, response.text


@pytest.mark.parametrize(("query_id", "principal", "allowed"), _matrix({q: v[1] for q, v in QUERIES.items()}))
def test_a_query_is_allowed_only_when_the_rules_hold_for_every_possible_result(api, query_id, principal, allowed):
    # Given the seeded platform and a principal's ID token
    query, _, results = QUERIES[query_id]
    # When it runs a structured query
    response = api.run_query(principal, query)
    # Then an allowed query returns its results (rules never filter them), any other is refused whole
    if allowed:
        assert response.status_code == 200, response.text
        assert _ids(response, "query") == results
    else:
        assert response.status_code == 403, response.text


# --- the cross-tenant cases, spelled out -------------------------------------------------------


def test_a_manager_cannot_read_an_order_in_another_managers_space(api):
    # Given an order in mgr-other's space
    # When the manager of mgr-test reads it, lists mgr-other's orders, or queries them
    direct = api.get(MGR_TEST, "managers/mgr-other/orders/O-1")
    listing = api.get(MGR_TEST, "managers/mgr-other/orders")
    query = api.run_query(MGR_TEST, Query("managers/mgr-other", "orders", (("manager_id", "mgr-test"),)))
    # Then all three are refused
    assert (direct.status_code, listing.status_code, query.status_code) == (403, 403, 403)


def test_a_contractor_cannot_read_an_order_of_its_manager_addressed_to_another_contractor(api):
    # Given mgr-test, which works with ctr-test, and its order T-2 addressed to ctr-other
    # When ctr-test reads T-2 and its history
    order = api.get(CTR_TEST, "managers/mgr-test/orders/T-2")
    events = api.get(CTR_TEST, "managers/mgr-test/orders/T-2/events")
    # Then both are refused, while its own order T-1 of the same manager is readable
    assert (order.status_code, events.status_code) == (403, 403)
    assert api.get(CTR_TEST, "managers/mgr-test/orders/T-1").status_code == 200


def test_a_contractor_listing_its_managers_orders_must_filter_on_its_own_id(api):
    # Given mgr-test's orders, addressed to ctr-test and to ctr-other
    # When ctr-test lists them without a filter, then with contractor_id == ctr-test
    unfiltered = api.run_query(CTR_TEST, Query("managers/mgr-test", "orders"))
    filtered = api.run_query(CTR_TEST, Query("managers/mgr-test", "orders", (("contractor_id", "ctr-test"),)))
    # Then the first is refused whole and the second returns exactly its order
    assert unfiltered.status_code == 403, unfiltered.text
    assert filtered.status_code == 200, filtered.text
    assert _ids(filtered, "query") == {"managers/mgr-test/orders/T-1"}


def test_a_contractor_cannot_query_another_contractors_orders_by_naming_it_in_the_filter(api):
    # Given orders addressed to ctr-other in both manager spaces
    # When ctr-test queries every orders collection for contractor_id == ctr-other
    response = api.run_query(CTR_TEST, Query("", "orders", (("contractor_id", "ctr-other"),), all_descendants=True))
    # Then it is refused
    assert response.status_code == 403, response.text


def test_a_contractor_sees_its_orders_across_every_manager_it_works_for(api):
    # Given ctr-test's orders T-1 (mgr-test), O-2 (mgr-other) and B-1 (beneficiary ben-test)
    # When ctr-test runs the collection-group query on its own id
    response = api.run_query(CTR_TEST, Query("", "orders", (("contractor_id", "ctr-test"),), all_descendants=True))
    # Then it gets the three, and nothing else
    assert response.status_code == 200, response.text
    assert _ids(response, "query") == {"managers/mgr-test/orders/T-1", "managers/mgr-other/orders/O-2",
                                       "managers/ben-test/orders/B-1"}


def test_a_contractor_cannot_tell_a_missing_order_from_another_contractors(api):
    # Given an order id that does not exist in mgr-test's space
    # When its manager and a contractor read it
    manager = api.get(MGR_TEST, "managers/mgr-test/orders/NOPE")
    contractor = api.get(CTR_TEST, "managers/mgr-test/orders/NOPE")
    # Then the manager learns it is missing, the contractor gets the same refusal as for
    # another contractor's order (no probing of order ids)
    assert manager.status_code == 404, manager.text
    assert contractor.status_code == 403 == api.get(CTR_TEST, "managers/mgr-test/orders/T-2").status_code


def test_a_contractor_reads_only_its_own_inbox_and_registry_entry(api):
    # Given both contractors' inboxes
    # When ctr-test reads the other's registry entry, inbox listing and one of its messages
    attempts = [api.get(CTR_TEST, "contractors/ctr-other"), api.get(CTR_TEST, "contractors/ctr-other/messages"),
                api.get(CTR_TEST, "contractors/ctr-other/messages/k-other-1")]
    # Then all are refused, while its own inbox lists both of its messages with their replies
    assert [r.status_code for r in attempts] == [403, 403, 403]
    own = api.get(CTR_TEST, "contractors/ctr-test/messages")
    assert own.status_code == 200 and _ids(own, "list") == {"contractors/ctr-test/messages/k-test-1",
                                                            "contractors/ctr-test/messages/k-test-2"}


# --- writes: nobody, anywhere -----------------------------------------------------------------

WRITE_PRINCIPALS = list(PRINCIPALS)


@pytest.mark.parametrize("principal", WRITE_PRINCIPALS)
@pytest.mark.parametrize("collection", list(COLLECTION_READERS))
@pytest.mark.parametrize("how", ["POST createDocument", "PATCH upsert", "PATCH create-only"])
def test_no_principal_can_create_a_document(api, firestore_client, how, collection, principal):
    # Given any collection, including the principal's own space
    doc_id = f"new-by-{principal}".replace("_", "-")
    body = {"fields": _fields({"contractor_id": "ctr-test", "manager_id": "mgr-test", "state": "closed"})}
    # When the principal creates a document in it
    if how == "POST createDocument":
        response = api.request(principal, "POST", api.url(collection), params={"documentId": doc_id}, json=body)
    else:
        params = {"currentDocument.exists": "false"} if how == "PATCH create-only" else {}
        response = api.request(principal, "PATCH", api.url(f"{collection}/{doc_id}"), params=params, json=body)
    # Then it is refused and nothing was written
    assert response.status_code == 403, response.text
    assert not firestore_client.document(f"{collection}/{doc_id}").get().exists


@pytest.mark.parametrize("principal", WRITE_PRINCIPALS)
@pytest.mark.parametrize("path", list(SEED))
@pytest.mark.parametrize("how", ["update mask", "overwrite"])
def test_no_principal_can_update_a_document(api, firestore_client, how, path, principal):
    # Given a seeded document, which some principals may read
    body = {"fields": _fields({"state": "closed", "contractor_id": "ctr-test", "name": "hijacked"})}
    params = {}
    if how == "update mask":
        params = {"updateMask.fieldPaths": ["state", "name"], "currentDocument.exists": "true"}
    # When the principal updates it
    response = api.request(principal, "PATCH", api.url(path), params=params, json=body)
    # Then it is refused and the document is unchanged
    assert response.status_code == 403, response.text
    _assert_unchanged(firestore_client, path)


@pytest.mark.parametrize("principal", WRITE_PRINCIPALS)
@pytest.mark.parametrize("path", list(SEED))
def test_no_principal_can_delete_a_document(api, firestore_client, path, principal):
    # Given a seeded document
    # When the principal deletes it
    response = api.request(principal, "DELETE", api.url(path))
    # Then it is refused and the document is still there
    assert response.status_code == 403, response.text
    _assert_unchanged(firestore_client, path)


@pytest.mark.parametrize("principal", WRITE_PRINCIPALS)
def test_no_principal_can_write_through_a_batch_commit(api, firestore_client, principal):
    # Given the commit endpoint, which applies several writes atomically
    writes = [
        {"update": {"name": api.name("managers/mgr-test/orders/T-1"), "fields": _fields({"state": "closed"})},
         "updateMask": {"fieldPaths": ["state"]}},
        {"delete": api.name("contractors/ctr-test/messages/k-test-1")},
    ]
    # When the principal commits writes to documents some principals may read
    response = api.request(principal, "POST", f"{api.url()}:commit", json={"writes": writes})
    # Then the whole commit is refused
    assert response.status_code == 403, response.text
    _assert_unchanged(firestore_client, "managers/mgr-test/orders/T-1")
    _assert_unchanged(firestore_client, "contractors/ctr-test/messages/k-test-1")


# --- the harness itself ---------------------------------------------------------------------------


def test_the_emulator_enforces_the_loaded_rules_so_a_broken_rule_is_caught(api):
    # Given the rules with the contractor check on orders broken (any contractor matches)
    committed = RULES_PATH.read_text()
    broken = committed.replace("tenantIs(order.data.contractor_id)", "true")
    assert broken != committed, "the rule this test breaks is gone: update the test"
    try:
        api.load_rules(broken)
        # When ctr-test reads ctr-other's order
        response = api.get(CTR_TEST, "managers/mgr-test/orders/T-2")
        # Then the broken rules let it through (so the matrices above do test the rules)
        assert response.status_code == 200, response.text
    finally:
        api.load_rules(committed)
    # And with the committed rules back, it is refused again
    assert api.get(CTR_TEST, "managers/mgr-test/orders/T-2").status_code == 403
