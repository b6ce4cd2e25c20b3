"""remind_catalogue_reviews — internal HTTP (Cloud Scheduler, daily): one month before a contract's
six-month catalogue review is due (A14), its contractor is told ``fr.passerelle.catalogue.review_due.v1``
on its orders topic.

Idempotent: a contract reminded is no longer a candidate until its next review, and the message id is
one per contract and due date.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge.internal import serve_internal
from shared.service import catalogue


@functions_framework.http
def remind_catalogue_reviews(request):
    return serve_internal(request, operation="remind_catalogue_reviews",
                          action=lambda req: catalogue.remind_reviews(bootstrap.uow(), bootstrap.clock()))
