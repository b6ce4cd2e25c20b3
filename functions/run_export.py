"""run_export — Pub/Sub (exports-requested): builds one export archive, reporting progress."""

from __future__ import annotations

import base64
import json

import functions_framework

from shared import bootstrap, logs
from shared.service import exports


@functions_framework.cloud_event
def run_export(event) -> None:
    logs.configure()
    logs.new_correlation_id(str(event["id"]))
    message = (event.data or {}).get("message") or {}
    job_id = json.loads(base64.b64decode(message.get("data") or "e30="))["job_id"]
    exports.run_export(job_id, bootstrap.uow(), bootstrap.get("export_archive"), bootstrap.clock())
