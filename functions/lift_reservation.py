"""lift_reservation — HTTPS: the client lifts a reservation made at reception, once put right."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.reception import LiftReservation
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import receptions


def _lift(req: http.Request) -> http.Answer:
    command, errors = parse_json(LiftReservation, req.body)
    if errors:
        raise DomainError(errors)
    order = receptions.lift_reservation(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, order.model_dump(mode="json"))


@functions_framework.http
def lift_reservation(request):
    return http.serve(request, operation="lift_reservation", roles=frozenset({"manager", "beneficiary"}),
                      right="orders.write", action=_lift)
