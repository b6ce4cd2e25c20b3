"""expire_quotes — internal HTTP (Cloud Scheduler, hourly): submitted quotes past their validity date
become expired and each contractor is told on ``replies-<contractor>`` (A2.4, B16).

Idempotent: an expired quote is no longer a candidate, and its message id is one per quote.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge.internal import serve_internal
from shared.service import quotes


@functions_framework.http
def expire_quotes(request):
    return serve_internal(request, operation="expire_quotes",
                          action=lambda req: quotes.expire_quotes(bootstrap.uow(), bootstrap.clock()))
