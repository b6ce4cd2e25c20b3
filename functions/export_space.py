"""export_space — HTTPS: a manager or beneficiary exports all of its data (A8).

POST starts an export (202 with the job); GET ``?job_id=`` reports its progress and, once
ready, a signed download URL valid 15 minutes.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import exports


def _export(req: http.Request) -> http.Answer:
    p = req.principal
    if req.method == "GET":
        if not req.args.get("job_id"):
            raise http.HttpProblem(400, [ErrorDetail.of("query.job_id", "REQUIRED")])
        job = exports.export_status(req.args["job_id"], p.tenant, bootstrap.reader(),
                                    bootstrap.get("export_archive"), bootstrap.clock().now())
        if job is None:
            raise http.HttpProblem(404, [ErrorDetail.of("query.job_id", "EXPORT_NOT_FOUND", job_id=req.args.get("job_id"))])
        return http.Answer(200, job)
    job = exports.request_export(p.role, p.tenant, p.uid, bootstrap.uow(), bootstrap.clock())
    return http.Answer(202, job, {"Location": f"?job_id={job['job_id']}"})


@functions_framework.http
def export_space(request):
    return http.serve(request, operation="export_space", roles=frozenset({"manager", "beneficiary"}),
                      right="export.run", action=_export, methods=("POST", "GET"))
