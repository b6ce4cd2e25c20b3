"""frame_mission — HTTPS (beneficiary): conflict declaration (B13), mission framing and its
order, issued through part A's receive_order (the beneficiary is the order's manager)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import BENEFICIARY, parse, settings
from shared import bootstrap
from shared.domain.sourcing.messages import FrameMission
from shared.edge import http
from shared.service.sourcing import services


def _frame(req: http.Request) -> http.Answer:
    command = parse(FrameMission, req.body)
    mission = services.frame_mission(req.principal.tenant, command, bootstrap.documents(), bootstrap.store(),
                                     bootstrap.clock(), bootstrap.publisher(), settings())
    return http.Answer(201, mission.model_dump(mode="json"), {"Location": f"/missions/{mission.mission_id}"})


@functions_framework.http
def frame_mission(request):
    return http.serve(request, operation="frame_mission", right="needs.write", roles=BENEFICIARY, action=_frame)
