"""sync_chorus_pro — internal HTTP (Cloud Scheduler, every 15 minutes): deposits accepted invoices on
Chorus Pro and applies the statuses it reports back to invoices and orders (docs/invoicing.md).

Idempotent: deposits are keyed by (supplier SIRET, invoice number), and a status already applied
changes nothing.
"""

from __future__ import annotations

import logging

import functions_framework

from shared import bootstrap
from shared.edge.internal import serve_internal
from shared.service import chorus_sync

log = logging.getLogger(__name__)


def _sync(_req) -> dict:
    chorus = bootstrap.get("chorus_pro")
    if chorus is None:
        log.warning("chorus pro not configured: invoices wait in chorus_queue")
        return {"status": "not_configured"}
    return {"status": "done", **chorus_sync.sync(bootstrap.uow(), chorus, bootstrap.clock()).as_dict()}


@functions_framework.http
def sync_chorus_pro(request):
    return serve_internal(request, operation="sync_chorus_pro", action=_sync)
