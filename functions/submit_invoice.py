"""submit_invoice — HTTPS: the REST channel for a contractor's invoice or credit note (A3 b, B10).

Same service, same reply as the Pub/Sub channel (``fr.passerelle.invoice.submitted.v1`` on
``execution-<contractor>``): the Idempotency-Key plays the CloudEvents id, and the reply is
published on ``replies-<contractor>`` too (A4 error loop).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap, topology
from shared.domain.errors import ErrorDetail
from shared.domain.messages import EventType, ReplyStatus
from shared.edge import http
from shared.ports import InboundMessage
from shared.service import inbound_router, invoices  # noqa: F401  (invoices: its main path, loaded at start-up)


def _submit(req: http.Request) -> http.Answer:
    contractor_id = req.principal.tenant
    message = InboundMessage(
        contractor_id=contractor_id, channel="rest",
        source=f"{topology.PLATFORM_SOURCE}/rest/contractors/{contractor_id}",
        id=req.idempotency_key or "", type=EventType.INVOICE_SUBMITTED.value,
        received_at=bootstrap.clock().now(), data=req.body, correlation_id=req.correlation_id)
    reply = inbound_router.route(message, inbound_router.Services(uow=bootstrap.uow(), clock=bootstrap.clock()))
    body = reply.model_dump(mode="json")
    if any(e.code == "MESSAGE_ID_REUSED" for e in reply.errors):
        raise http.HttpProblem(422, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")],
                               extra={"reply": body})
    replayed = {"Idempotent-Replayed": "true"} if reply.received_at != message.received_at else {}
    if reply.status is ReplyStatus.REJECTED:
        raise http.rejected(reply.errors, extra={"reply": body}, headers=replayed)
    return http.Answer(200, body, replayed)


@functions_framework.http
def submit_invoice(request):
    return http.serve(request, operation="submit_invoice", roles=frozenset({"contractor"}),
                      right="execution.write", action=_submit, idempotent="service")
