"""frame_mission — HTTPS (beneficiary): conflict declaration (B13), mission framing and its
order, issued on part A's order machinery in the same commit (the beneficiary is the order's manager)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import BENEFICIARY, parse, settings
from shared import bootstrap
from shared.domain.sourcing.messages import FrameMission
from shared.edge import http
from shared.service.sourcing import missions


def _frame(req: http.Request) -> http.Answer:
    command = parse(FrameMission, req.body)
    mission = missions.frame_mission(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(), settings())
    return http.Answer(201, mission.model_dump(mode="json"), {"Location": f"/missions/{mission.mission_id}"})


@functions_framework.http
def frame_mission(request):
    return http.serve(request, operation="frame_mission", right="needs.write", roles=BENEFICIARY, action=_frame)
