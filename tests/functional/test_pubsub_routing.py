"""Quotes and document references over Pub/Sub (A3 a channels, A2.4 quotes): the contractor's topic routes by ce-type
to the same services as REST, and every message is answered once on its reply topic."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
import requests

from tests.builders import issue_order_body
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators
QUOTE_TYPE = "fr.passerelle.quote.submitted.v1"
DOCUMENT_TYPE = "fr.passerelle.document.uploaded.v1"
LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
          "unit": "U", "unit_price_cents": 8500}]
VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def publish(erp, body: dict, ce_type: str, ce_id: str) -> str:
    return erp.publish(body, ce_id=ce_id, ordering_key="", attributes={
        "ce-specversion": "1.0", "ce-id": ce_id, "ce-source": f"//erp.{erp.tenant}/", "ce-type": ce_type,
        "content-type": "application/json"})


def request_quote(manager, quote_id: str) -> None:
    requested = manager.post("request_quote", {"quote_id": quote_id, "contract_id": "AC-2026-017",
                                               "contractor_id": "ctr-test", "title": "Colonne d'eau",
                                               "site": {"node_id": "LYON-BAT-A"}})
    assert requested.status_code == 201, requested.text


def test_a_quote_submitted_over_pubsub_is_accepted_once_and_a_bad_one_is_rejected_with_its_errors(
        manager, contractor):
    # Given a requested quote
    request_quote(manager, "DV-PS-1")
    body = {"manager_id": "mgr-test", "quote_id": "DV-PS-1", "valid_until": VALID_UNTIL, "lines": LINES}
    # When the contractor publishes its submission on its topic, and Pub/Sub delivers it twice
    publish(contractor, body, QUOTE_TYPE, "quote-ps-1")
    publish(contractor, body, QUOTE_TYPE, "quote-ps-1")
    # Then it is accepted with the quote's id and version, on the reply topic
    reply = contractor.reply_to("quote-ps-1")
    assert (reply["status"], reply["quote_id"], reply["quote_version"], reply["errors"]) == \
        ("accepted", "DV-PS-1", 1, [])
    assert reply["_attributes"]["ce-type"] == "fr.passerelle.reply.accepted.v1"
    # And the duplicate gets no other answer: at most the same reply again (same ce-id and body — the
    # two deliveries raced and each published the still-pending reply; the outbox is at least once and
    # receivers drop a ce-id they have seen), and no second version (checked below)
    later = [m for m in contractor.pull("replies-ctr-test", wait=3)
             if json.loads(m.data)["in_reply_to"]["id"] == "quote-ps-1"]
    first = {k: v for k, v in reply.items() if k != "_attributes"}
    assert all(m.attributes["ce-id"] == reply["_attributes"]["ce-id"] and json.loads(m.data) == first
               for m in later)
    # When it publishes a submission with an unknown quote and a missing validity date
    publish(contractor, {"manager_id": "mgr-test", "quote_id": "DV-ABSENT", "lines": LINES}, QUOTE_TYPE, "quote-ps-2")
    bad = contractor.reply_to("quote-ps-2")
    # Then it is rejected with every error, field, code and French message
    assert bad["status"] == "rejected" and bad["quote_id"] == "DV-ABSENT"
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("$.valid_until", "REQUIRED")]
    assert bad["errors"][0]["message"]
    publish(contractor, {**body, "quote_id": "DV-ABSENT"}, QUOTE_TYPE, "quote-ps-3")
    missing = contractor.reply_to("quote-ps-3")
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("$.quote_id", "QUOTE_NOT_FOUND")]
    # And the quote is in its first version, as REST would show it
    revised = contractor.post("submit_quote", {**body, "lines": [{**LINES[0], "quantity": 2}]})
    assert revised.json()["current_version"] == 2, revised.text


def test_a_document_uploaded_through_a_signed_url_is_referenced_over_pubsub_and_a_missing_upload_rejected(
        manager, contractor, platform):
    # Given an order and a PDF PUT on a signed upload URL
    assert manager.post("receive_order", issue_order_body("BC-PS-DOC")).status_code == 201
    data = a_pdf("Rapport d'intervention BC-PS-DOC")
    asked = contractor.post("request_report_upload", {"manager_id": "mgr-test", "order_id": "BC-PS-DOC",
                                                      "kind": "intervention_report", "filename": "rapport.pdf",
                                                      "size_bytes": len(data)})
    assert asked.status_code == 201, asked.text
    grant = asked.json()
    assert requests.put(grant["upload_url"], data=data, headers=grant["headers"], timeout=60).ok
    # When the contractor publishes the upload's reference on its topic
    reference = {"manager_id": "mgr-test", "order_id": "BC-PS-DOC", "upload_id": grant["upload_id"]}
    reply = contractor.reply_to(publish(contractor, reference, DOCUMENT_TYPE, "doc-ps-1"))
    # Then it is accepted with the document's digest, and the manager reads the document
    assert (reply["status"], reply["order_id"], reply["document_sha256"]) == \
        ("accepted", "BC-PS-DOC", hashlib.sha256(data).hexdigest()), reply
    listed = requests.get(platform.url("get_documents") + "/", params={"order_id": "BC-PS-DOC"}, timeout=30,
                          headers={"Authorization": f"Bearer {manager.token}"}).json()["documents"]
    assert [d["sha256"] for d in listed] == [reply["document_sha256"]]
    # When it references an upload that never existed
    missing = contractor.reply_to(publish(contractor, {**reference, "upload_id": "0" * 32}, DOCUMENT_TYPE,
                                          "doc-ps-2"))
    # Then it is rejected with UPLOAD_NOT_FOUND and its French message
    assert missing["status"] == "rejected"
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("$.upload_id", "UPLOAD_NOT_FOUND")]
    assert "0" * 32 in missing["errors"][0]["message"] or missing["errors"][0]["message"]
