"""publish_execution — Pub/Sub: a contractor's execution report arrives on its topic (A3a).

Acknowledged once answered, whether accepted or rejected (the reply goes to the contractor's
reply topic). Raising makes Pub/Sub redeliver; after five attempts the dead-letter topic
keeps the message for ops.
"""

from __future__ import annotations

import functions_framework

from shared import actor, bootstrap, logs
from shared.edge.cloudevents import inbound_from_pubsub
from shared.service.executions import record_execution


@functions_framework.cloud_event
def publish_execution(event) -> None:
    logs.configure()
    cid = logs.new_correlation_id(str(event["id"]))
    message = inbound_from_pubsub(event, bootstrap.clock().now(), cid)
    actor.act_as(f"pubsub:{message.contractor_id}", "contractor", message.contractor_id)
    record_execution(message, bootstrap.store(), bootstrap.clock(), bootstrap.publisher(), bootstrap.timers(),
                     on_accepted=bootstrap.get("onboarding").message_accepted)
