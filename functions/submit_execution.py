"""submit_execution — HTTPS: the REST channel for execution reports (A3b).

Same service, same reply as the Pub/Sub channel: the Idempotency-Key plays the CloudEvents id.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap, topology
from shared.domain.messages import EventType, ReplyStatus
from shared.edge import http
from shared.service.executions import record_execution
from shared.service.inbound import InboundMessage


def _submit(req: http.Request) -> http.Answer:
    contractor_id = req.principal.tenant
    message = InboundMessage(
        contractor_id=contractor_id, channel="rest",
        source=f"{topology.PLATFORM_SOURCE}/rest/contractors/{contractor_id}",
        id=req.idempotency_key or "", type=EventType.EXECUTION_REPORTED.value,
        received_at=bootstrap.clock().now(), data=req.body, correlation_id=req.correlation_id,
    )
    reply = record_execution(message, bootstrap.store(), bootstrap.clock(), bootstrap.publisher(), bootstrap.timers(),
                             on_accepted=bootstrap.get("onboarding").message_accepted)
    body = reply.model_dump(mode="json")
    if reply.status is ReplyStatus.REJECTED:
        raise http.rejected(reply.errors, extra={"reply": body})
    return http.Answer(200, body)


@functions_framework.http
def submit_execution(request):
    return http.serve(request, operation="submit_execution", roles=frozenset({"contractor"}),
                      right="execution.write", action=_submit)
