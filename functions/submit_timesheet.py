"""submit_timesheet — HTTPS: the titulaire reports the days worked on a mission's milestone, and of them
on site (B11); refused when the milestone's days, the frais-annexes line or the mission's budget would be
exceeded."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.sourcing.messages import SubmitTimesheet, TimesheetRecorded
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service.sourcing import timesheets


def _submit(req: http.Request) -> http.Answer:
    command, errors = parse_json(SubmitTimesheet, req.body)
    if errors:
        raise DomainError(errors)
    mission = timesheets.submit_timesheet(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, TimesheetRecorded(mission_id=mission.mission_id, timesheet_days=mission.timesheet_days,
                                                 timesheet_days_on_site=mission.timesheet_days_on_site)
                       .model_dump(mode="json"))


@functions_framework.http
def submit_timesheet(request):
    return http.serve(request, operation="submit_timesheet", roles=frozenset({"contractor"}),
                      right="execution.write", action=_submit)
