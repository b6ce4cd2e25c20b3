"""Quotes through HTTPS: get_quote reads one quote for its manager and its contractor only; expire_quotes
sweeps the quotes past their validity date and tells the contractor on its replies topic."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from shared import bootstrap
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import RequestQuote, SubmitQuote
from shared.service import quotes
from tests.fakes import FixedClock
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
LINE = {"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1, "unit": "U",
        "unit_price_cents": 8500}


def read(erp: Erp, quote_id: str, manager_id: str | None = None) -> requests.Response:
    params = {"quote_id": quote_id, **({"manager_id": manager_id} if manager_id else {})}
    return requests.get(erp.stack.url("get_quote") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_a_quote_is_read_by_its_manager_and_its_contractor_and_looks_missing_to_anyone_else(
        platform, manager, contractor, other_contractor):
    # Given a quote requested by mgr-test from ctr-test and submitted
    assert manager.post("request_quote", {"quote_id": "DV-R1", "contract_id": "AC-2026-017",
                                          "contractor_id": "ctr-test", "title": "Colonne d'eau",
                                          "site": {"node_id": "N-1", "commune": "97120"}}).status_code == 201
    valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-R1", "valid_until": valid_until,
                                            "lines": [LINE]}).status_code == 200
    # When its manager and its contractor read it
    by_manager, by_contractor = read(manager, "DV-R1"), read(contractor, "DV-R1", "mgr-test")
    # Then both see its versions, its state and the territory of its site (Pointe-à-Pitre, Guadeloupe)
    assert by_manager.status_code == 200, by_manager.text
    assert by_manager.json() == by_contractor.json()
    body = by_manager.json()
    assert (body["state"], body["current_version"], body["territory"], body["valid_until"]) == (
        "submitted", 1, "971", valid_until)
    # When another contractor (naming the manager) and another manager read it
    other_manager = Erp(platform, "manager", "mgr-other")
    refused = [read(other_contractor, "DV-R1", "mgr-test"), read(other_manager, "DV-R1")]
    # Then it does not exist for them, and a contractor must name the manager
    assert [(r.status_code, r.json()["errors"][0]["code"]) for r in refused] == [(404, "QUOTE_NOT_FOUND")] * 2
    missing = read(contractor, "DV-R1")
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (400, "query.manager_id")


def test_the_sweep_expires_a_quote_past_its_validity_once_and_tells_its_contractor(platform, manager, contractor):
    # Given two quotes submitted ten days ago (the services run with a clock set back), one valid until
    # the day before yesterday, the other until next month
    today = dt.date.today()
    past = FixedClock(dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    for quote_id, valid_until in (("DV-OLD", today - dt.timedelta(days=2)), ("DV-NEW", today + dt.timedelta(days=30))):
        quotes.request_quote("mgr-test", RequestQuote(quote_id=quote_id, contract_id="AC-2026-017",
                                                      contractor_id="ctr-test", title="Colonne",
                                                      site=SiteRef(node_id="N-1")),
                             bootstrap.uow(), past)
        quotes.submit_quote("ctr-test", SubmitQuote(manager_id="mgr-test", quote_id=quote_id, valid_until=valid_until,
                                                    lines=[OrderLine.model_validate(LINE, strict=False)]),
                            bootstrap.uow(), past)
    # When Cloud Scheduler calls expire_quotes, twice
    first = requests.post(platform.url("expire_quotes") + "/", json={}, timeout=60)
    second = requests.post(platform.url("expire_quotes") + "/", json={}, timeout=60)
    # Then the old quote expired once and the other is untouched
    assert first.status_code == 200, first.text
    assert (first.json()["expired"], second.json()["expired"]) == (1, 0)
    assert [read(manager, q).json()["state"] for q in ("DV-OLD", "DV-NEW")] == ["expired", "submitted"]
    # And the contractor is told once, on its replies topic
    delivered = contractor.pull("replies-ctr-test", wait=10, until=1)
    expired = [m for m in delivered if m.attributes["ce-type"] == "fr.passerelle.quote.expired.v1"]
    assert len(expired) == 1
    assert json.loads(expired[0].data)["quote_id"] == "DV-OLD"
    assert expired[0].attributes["ce-subject"] == "quotes/DV-OLD"
    # And the manager can no longer accept it
    late = manager.post("decide_quote", {"quote_id": "DV-OLD", "action": "accept"})
    assert [e["code"] for e in late.json()["errors"]] == ["ILLEGAL_TRANSITION"]
