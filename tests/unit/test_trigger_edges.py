"""The edges of internal HTTP functions (Cloud Scheduler, Cloud Tasks) and of platform Pub/Sub pushes."""

from __future__ import annotations

import base64
import json

import flask
import pytest
from cloudevents.http import CloudEvent

from shared.domain.deadlines import AccruePenalties
from shared.domain.errors import DomainError, ErrorDetail
from shared.edge import internal, pubsub
from tests.fakes import World

app = flask.Flask(__name__)


def call(method: str = "POST", body: bytes = b"{}", headers: dict | None = None, **kwargs):
    with app.test_request_context("/", method=method, data=body, headers=headers or {}):
        response = internal.serve_internal(flask.request, operation="test", **kwargs)
    return response.status_code, json.loads(response.get_data())


@pytest.fixture(autouse=True)
def on_the_emulators(monkeypatch):
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    monkeypatch.delenv("K_SERVICE", raising=False)


def test_an_internal_call_is_answered_in_json_with_its_correlation_id():
    status, body = call(action=lambda req: {"sent": 3}, headers={"X-Correlation-Id": "cid-1"})
    assert (status, body) == (200, {"sent": 3, "correlation_id": "cid-1"})


def test_only_post_is_accepted():
    status, body = call("GET", action=lambda req: {})
    assert status == 405 and body["errors"][0]["code"] == "METHOD_NOT_ALLOWED"


def refuse(headers: dict) -> tuple[int, dict]:
    with app.test_request_context("/", method="POST", data=b'{"tenant_id": "m1"}', headers=headers):
        response = internal.serve_internal(flask.request, operation="test", body=AccruePenalties,
                                           action=lambda req: pytest.fail("must not run"))
    return response.status_code, json.loads(response.get_data())


def test_a_malformed_body_is_refused_once_with_its_errors():
    status, body = refuse({})
    assert status == 422 and body["status"] == "refused" and body["errors"][0]["code"] == "REQUIRED"
    # Cloud Tasks retries any status but 2xx: a task that can never run is answered 200, and logged
    status, body = refuse({"X-CloudTasks-TaskName": "d1-v1"})
    assert status == 200 and body["errors"][0]["code"] == "REQUIRED" and body["correlation_id"] == "d1-v1"


def test_a_domain_refusal_is_an_answer_and_an_infrastructure_failure_raises():
    def refused(req):
        raise DomainError([ErrorDetail.of("$.deadline_id", "DEADLINE_NOT_FOUND", deadline_id="x")])

    status, body = call(action=refused)
    assert status == 422 and body["errors"][0]["code"] == "DEADLINE_NOT_FOUND"

    def broken(req):
        raise ConnectionError("Firestore unreachable")

    with pytest.raises(ConnectionError):
        call(action=broken)


def test_in_production_the_caller_must_be_configured_and_present(monkeypatch):
    monkeypatch.setenv("K_SERVICE", "accrue-penalties")  # on Cloud Run: the emulator guard no longer applies
    status, body = call(action=lambda req: pytest.fail("must not run"))
    assert status == 403 and body["errors"][0]["code"] == "FORBIDDEN"  # not configured: closed
    monkeypatch.setenv("PASSERELLE_INTERNAL_AUDIENCE", "https://accrue.example")
    monkeypatch.setenv("PASSERELLE_INTERNAL_CALLERS", "tasks-invoker@p.iam.gserviceaccount.com")
    assert call(action=lambda req: pytest.fail("must not run"))[0] == 403  # no token
    forged = "Bearer " + ".".join(base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
                                  for p in ({"alg": "none"}, {"email": "tasks-invoker@p.iam.gserviceaccount.com"})) + "."
    assert call(action=lambda req: pytest.fail("must not run"), headers={"Authorization": forged})[0] == 403


def event(data: bytes | None, event_id: str = "ev-1") -> CloudEvent:
    message = {"data": base64.b64encode(data).decode() if data is not None else "%%%", "messageId": event_id}
    return CloudEvent({"type": "google.cloud.pubsub.topic.v1.messagePublished", "id": event_id,
                       "source": "//pubsub.googleapis.com/projects/p/topics/exports-requested"}, {"message": message})


def test_a_platform_message_is_decoded_into_its_model(monkeypatch):
    world = World()
    monkeypatch.setattr(pubsub.bootstrap, "uow", world.uow)
    seen = []
    pubsub.handle(event(b'{"sweep": true}'), operation="test", model=AccruePenalties, action=seen.append)
    assert seen == [AccruePenalties(sweep=True)]


def test_a_message_that_can_never_be_processed_is_parked_once_not_retried(monkeypatch):
    world = World()
    monkeypatch.setattr(pubsub.bootstrap, "uow", world.uow)
    for data, event_id in ((b'{"job": 1}', "ev-1"), (None, "ev-2"), (b'{"job": 1}', "ev-1")):
        pubsub.handle(event(data, event_id), operation="run_export", model=AccruePenalties,
                      action=lambda c: pytest.fail("must not run"))  # returns: acknowledged, not raised
    parked = world.db.under("parked_messages")
    assert sorted(parked) == ["parked_messages/ev-1", "parked_messages/ev-2"]
    assert parked["parked_messages/ev-1"]["errors"][0]["code"] == "UNKNOWN_FIELD"
    assert parked["parked_messages/ev-2"]["errors"][0]["code"] == "MALFORMED_JSON"


def test_in_production_only_the_invoker_s_token_for_this_function_s_url_gets_in(monkeypatch):
    # Given Google's keys served locally, and a function told its audience and its caller (by Terraform)
    from tests.unit.test_token_verification import google_token, key_server

    with key_server() as (signer, certs_url):
        check_callers(monkeypatch, signer, certs_url, google_token)


def check_callers(monkeypatch, signer, certs_url, google_token) -> None:
    monkeypatch.setenv("K_SERVICE", "relay-outbox")
    monkeypatch.setenv("PASSERELLE_GOOGLE_CERTS_URL", certs_url)
    monkeypatch.setenv("PASSERELLE_INTERNAL_AUDIENCE", "https://fn.example/relay-outbox")
    monkeypatch.setenv("PASSERELLE_INTERNAL_CALLERS", "scheduler-invoker@p.iam.gserviceaccount.com")

    def bearer(**claims) -> dict:
        return {"Authorization": "Bearer " + google_token(signer, **{
            "aud": "https://fn.example/relay-outbox", "email": "scheduler-invoker@p.iam.gserviceaccount.com",
            **claims})}

    # Then the invoker's token for this URL runs the action
    assert call(action=lambda req: {"ran": True}, headers=bearer())[1]["ran"] is True
    # And another audience, another account, or an unverified e-mail is refused before it runs
    for claims in ({"aud": "https://fn.example/seal-audit"}, {"email": "erp-ctr-acme@p.iam.gserviceaccount.com"},
                   {"email_verified": False}):
        assert call(action=lambda req: pytest.fail("must not run"), headers=bearer(**claims))[0] == 403
    # And the functions answering in their own way refuse the same way
    with app.test_request_context("/", method="POST", data=b"{}", headers=bearer(email="x@p.iam.gserviceaccount.com")):
        assert internal.caller_refusal(flask.request, "seal_audit").status_code == 403
    with app.test_request_context("/", method="POST", data=b"{}", headers=bearer()):
        assert internal.caller_refusal(flask.request, "seal_audit") is None
