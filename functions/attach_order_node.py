"""attach_order_node — HTTPS POST: a manager attaches one of its orders (``order_id``) — or many (``order_ids``, up
to 500) — to an active node of its property tree (A7): orders received before the tree was imported, or whose node
an import retired. The same attachment again changes nothing; the contractor holding each order attached is told
(``fr.passerelle.order.node_changed.v1``). See shared/service/property_tree.py ``attach_order_node`` and
shared/service/property_attach.py ``attach_orders_node``."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.property_attach import AttachOrderNode
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import property_attach, property_tree


def _attach(req: http.Request) -> http.Answer:
    command, errors = parse_json(AttachOrderNode, req.body)
    if errors:
        raise DomainError(errors)
    attach = property_attach.attach_orders_node if command.order_ids is not None else property_tree.attach_order_node
    return http.Answer(200, attach(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def attach_order_node(request):
    return http.serve(request, operation="attach_order_node", roles=frozenset({"manager"}), right="orders.write",
                      action=_attach)
