"""run_export — Pub/Sub (exports-requested): builds one export archive (A8 reversibility), reporting progress.

A payload that can never be processed is parked once by the edge (shared/edge/pubsub.py) instead of
being redelivered until it dead-letters; an infrastructure error raises, so Pub/Sub redelivers.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.exports import ExportRequested
from shared.edge import pubsub
from shared.service import exports


@functions_framework.cloud_event
def run_export(event) -> None:
    pubsub.handle(event, operation="run_export", model=ExportRequested,
                  action=lambda command: exports.run_export(command.job_id, bootstrap.uow(),
                                                            bootstrap.get("export_archive"), bootstrap.clock()))
