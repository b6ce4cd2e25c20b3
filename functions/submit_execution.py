"""submit_execution — HTTPS: the REST channel for execution reports (A3b).

Same service, same reply as the Pub/Sub channel: the Idempotency-Key plays the CloudEvents id, so
the execution inbox is this request's idempotency record (no second record: ``idempotent="service"``).
A repeated request gets its first answer again, marked ``Idempotent-Replayed``; another body under
the same key is refused IDEMPOTENCY_KEY_REUSED (and answered MESSAGE_ID_REUSED on the reply topic).
``?validate_only=true`` runs every check and answers the reply the report would get, changing nothing
(not even the key: the real send may use it afterwards).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap, topology
from shared.domain.errors import ErrorDetail
from shared.domain.messages import EventType, ReplyStatus
from shared.edge import http
from shared.service.executions import record_execution, validate_execution
from shared.ports import InboundMessage


def _submit(req: http.Request) -> http.Answer:
    contractor_id = req.principal.tenant
    message = InboundMessage(
        contractor_id=contractor_id, channel="rest",
        source=f"{topology.PLATFORM_SOURCE}/rest/contractors/{contractor_id}",
        id=req.idempotency_key or "", type=EventType.EXECUTION_REPORTED.value,
        received_at=bootstrap.clock().now(), data=req.body, correlation_id=req.correlation_id,
    )
    if _validate_only(req):  # the reply it would get; nothing recorded, the key stays free
        reply = validate_execution(message, bootstrap.uow(), bootstrap.clock())
        if reply.status is ReplyStatus.REJECTED:
            raise http.rejected(reply.errors, extra={"reply": reply.model_dump(mode="json")})
        return http.Answer(200, reply.model_dump(mode="json"))
    reply = record_execution(message, bootstrap.uow(), bootstrap.clock())
    body = reply.model_dump(mode="json")
    if any(e.code == "MESSAGE_ID_REUSED" for e in reply.errors):
        raise http.HttpProblem(422, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")], extra={"reply": body})
    # a reply received before this request is the first answer to the same key and body
    replayed = {"Idempotent-Replayed": "true"} if reply.received_at != message.received_at else {}
    if reply.status is ReplyStatus.REJECTED:
        raise http.rejected(reply.errors, extra={"reply": body}, headers=replayed)
    return http.Answer(200, body, replayed)


def _validate_only(req: http.Request) -> bool:
    value = req.args.get("validate_only", "false").lower()
    if value not in ("true", "false"):
        raise http.HttpProblem(400, [ErrorDetail.of("query.validate_only", "VALIDATE_ONLY_INVALID")])
    return value == "true"


@functions_framework.http
def submit_execution(request):
    return http.serve(request, operation="submit_execution", roles=frozenset({"contractor"}),
                      right="execution.write", action=_submit, idempotent="service")
