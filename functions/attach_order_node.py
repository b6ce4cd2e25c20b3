"""attach_order_node — HTTPS POST: a manager attaches one of its orders to an active node of its property
tree (A7): an order received before the tree was imported, or whose node an import retired. The same
attachment again changes nothing; the contractor holding the order is told
(``fr.passerelle.order.node_changed.v1``). See shared/service/property_tree.py ``attach_order_node``."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.property_tree import AttachOrderNode
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import property_tree


def _attach(req: http.Request) -> http.Answer:
    command, errors = parse_json(AttachOrderNode, req.body)
    if errors:
        raise DomainError(errors)
    return http.Answer(200, property_tree.attach_order_node(req.principal.tenant, command, bootstrap.uow(),
                                                            bootstrap.clock()))


@functions_framework.http
def attach_order_node(request):
    return http.serve(request, operation="attach_order_node", roles=frozenset({"manager"}), right="orders.write",
                      action=_attach)
