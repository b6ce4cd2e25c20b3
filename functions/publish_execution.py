"""publish_execution — Pub/Sub: a contractor's message arrives on its topic (A3 a channels, A2 exchange perimeter).

Routed by ce-type (shared/service/inbound_router.py): an execution report, a quote submission
or a signed-upload document reference, each to the same service as its REST function.

Acknowledged once answered, whether accepted or rejected (the reply goes to the contractor's
reply topic). Raising makes Pub/Sub redeliver; after five attempts the dead-letter topic
keeps the message for ops.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap, context, logs
from shared.edge.cloudevents import inbound_from_pubsub
from shared.service import inbound_router


@functions_framework.cloud_event
def publish_execution(event) -> None:
    logs.configure()
    cid = logs.new_correlation_id(str(event["id"]))
    message = inbound_from_pubsub(event, bootstrap.clock().now(), cid)
    context.act_as(f"pubsub:{message.contractor_id}", "contractor", message.contractor_id)
    inbound_router.route(message, _services())


def _services() -> inbound_router.Services:
    return inbound_router.Services(uow=bootstrap.uow(), clock=bootstrap.clock(),
                                   document_files=bootstrap.get("document_files"))
