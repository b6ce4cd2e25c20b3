"""relay_outbox — internal HTTP (Cloud Scheduler, every minute): publishes outbox messages still pending."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge.internal import serve_internal
from shared.service import outbox


@functions_framework.http
def relay_outbox(request):
    return serve_internal(request, operation="relay_outbox", action=lambda req: outbox.relay(bootstrap.uow()))
