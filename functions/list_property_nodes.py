"""list_property_nodes — HTTPS GET: the nodes of a manager's property tree (A7), retired ones included
(``status``), by node id: ``?after=<node_id>&limit=`` (1–2000, 500 by default; ``next_cursor`` and
``more`` to read on). A manager reads its own tree; a contractor names the manager
(``?manager_id=``) and reads the nodes within the perimeter of its contracts with it — the same nodes
``fr.passerelle.property_nodes.changed.v1`` delivered. A manager it holds no contract with is a 404.
``?kind=site`` (or another node kind) reads only the nodes of that kind: the sites a « Site » filter offers."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.domain.property_tree import NodeKind
from shared.edge import http
from shared.service import perimeter_reads


def _read(req: http.Request) -> http.Answer:
    p = req.principal
    known = {"after", "limit", "kind"} | ({"manager_id"} if p.role == "contractor" else set())
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(req.args) - known)]
    if p.role == "contractor" and not req.args.get("manager_id"):
        errors.append(ErrorDetail.of("query.manager_id", "REQUIRED"))
    raw = req.args.get("limit", str(perimeter_reads.NODE_PAGE))
    limit = int(raw) if raw.isdigit() else 0
    if not 1 <= limit <= perimeter_reads.MAX_NODE_PAGE:
        errors.append(ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail=f"de 1 à {perimeter_reads.MAX_NODE_PAGE}"))
    kind = None
    if req.args.get("kind"):
        try:
            kind = NodeKind(req.args["kind"])
        except ValueError:
            errors.append(ErrorDetail.of("query.kind", "INVALID_VALUE",
                                         detail="types possibles : " + ", ".join(k.value for k in NodeKind)))
    if errors:
        raise http.HttpProblem(400, errors)
    manager_id = req.args.get("manager_id", "")
    try:
        page = perimeter_reads.list_property_nodes(p.role, p.tenant, manager_id, req.args.get("after") or None, limit,
                                                   bootstrap.reader(), kind=kind)
    except perimeter_reads.NotVisible:
        raise http.HttpProblem(404, [ErrorDetail.of("query.manager_id", "MANAGER_NOT_FOUND",
                                                    manager_id=manager_id)]) from None
    return http.Answer(200, page)


@functions_framework.http
def list_property_nodes(request):
    return http.serve(request, operation="list_property_nodes", roles=frozenset({"manager", "contractor"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
