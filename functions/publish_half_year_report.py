"""publish_half_year_report — internal HTTP (Cloud Scheduler, 1 January and 1 July): the purchasing body's
report of the half-year that just ended (B17), stored once as JSON and French CSV.

The body is ``{}``; an operator catching up may name an ended half-year: ``{"half_year": "2026-H1"}``. Running it again for a
half-year already reported writes nothing and answers the stored record (``created: false``).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.sourcing.reporting import PublishHalfYearReport
from shared.edge.internal import InternalRequest, serve_internal
from shared.service.sourcing import reporting


def _publish(req: InternalRequest) -> tuple[int, dict]:
    result = reporting.publish_half_year_report(bootstrap.uow(), bootstrap.get("report_files"), bootstrap.clock(),
                                                req.body.half_year)
    return 201 if result.created else 200, result.model_dump(mode="json")


@functions_framework.http
def publish_half_year_report(request):
    return serve_internal(request, operation="publish_half_year_report", body=PublishHalfYearReport, action=_publish)
