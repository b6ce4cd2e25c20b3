"""TaskQueue over Cloud Tasks (google-cloud-tasks): named HTTP tasks carrying an OIDC token.

Production: the gRPC client, tasks POST to accrue_penalties with an OIDC token of the invoker
service account (audience = the function URL). Locally the same class talks to
devtools/tasks_dispatcher.py through the client's REST transport, so the code that runs in
production is the code the tests exercise.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import tasks_v2
from google.protobuf import timestamp_pb2

log = logging.getLogger(__name__)


class CloudTasksQueue:
    def __init__(self, client: tasks_v2.CloudTasksClient, queue_path: str, invoker_email: str | None = None):
        self.client, self.queue_path, self.invoker_email = client, queue_path, invoker_email

    def task_path(self, name: str) -> str:
        return f"{self.queue_path}/tasks/{name}"

    def schedule(self, name: str, url: str, payload: dict[str, Any], schedule_time: dt.datetime) -> bool:
        ts = timestamp_pb2.Timestamp()
        ts.FromDatetime(schedule_time.astimezone(dt.UTC))
        request = tasks_v2.HttpRequest(
            url=url, http_method=tasks_v2.HttpMethod.POST, headers={"Content-Type": "application/json"},
            body=json.dumps(payload, separators=(",", ":")).encode(),
        )
        if self.invoker_email:
            request.oidc_token = tasks_v2.OidcToken(service_account_email=self.invoker_email, audience=url)
        task = tasks_v2.Task(name=self.task_path(name), schedule_time=ts, http_request=request)
        try:
            self.client.create_task(parent=self.queue_path, task=task)
            return True
        except gexc.Conflict as exc:  # AlreadyExists (gRPC) or 409 (REST): already (or once) scheduled, fine
            if isinstance(exc, gexc.Aborted):
                raise
            return False

    def cancel(self, name: str) -> bool:
        try:
            self.client.delete_task(name=self.task_path(name))
            return True
        except (gexc.NotFound, gexc.FailedPrecondition):
            return False


def emulator_client(host: str) -> tasks_v2.CloudTasksClient:
    """A real CloudTasksClient speaking REST to the local dispatcher (``host`` = "127.0.0.1:8090")."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.tasks_v2.services.cloud_tasks.transports.rest import CloudTasksRestTransport

    transport = CloudTasksRestTransport(host=host, url_scheme="http", credentials=AnonymousCredentials())
    return tasks_v2.CloudTasksClient(transport=transport)
