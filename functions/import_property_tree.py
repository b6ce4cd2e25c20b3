"""import_property_tree — HTTPS POST: a manager imports its property tree (A7).

JSON ``{"nodes": [{"node_id", "kind", "parent_id", "label", "commune"?}, …], "mode"?}`` or a French CSV
(``Content-Type: text/csv``; header ``node_id;kind;parent_id;label[;commune]``, ``;``, UTF-8
with or without BOM; ``?mode=``). ``mode`` ``replace`` (default): the file is the whole tree, the
nodes it omits are retired; ``merge``: it adds and updates only. Every bad row is reported with its
line number and nothing is written; a valid file is written in batches by a resumable import job,
each batch with its messages to the contractors concerned (see shared/service/property_tree.py).
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.property_tree import MODES, ImportPropertyTree
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import property_tree

CSV = "text/csv"
MAX_BODY = 32 * 1024 * 1024  # ~100k nodes in CSV or JSON


def _import(req: http.Request) -> http.Answer:
    if req.content_type.split(";")[0].strip().lower() == CSV:
        fmt, raw, mode = "csv", req.body, req.args.get("mode", "replace")
        unknown = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(req.args) - {"mode"})]
        if mode not in MODES:
            unknown.append(ErrorDetail.of("query.mode", "INVALID_VALUE", detail=" ou ".join(MODES) + " attendu"))
        if unknown:
            raise DomainError(unknown)
    else:
        command, errors = parse_json(ImportPropertyTree, req.body)
        if errors:
            raise DomainError(errors)
        fmt, raw, mode = "json", json.dumps(command.nodes).encode(), command.mode
    result = property_tree.import_tree(req.principal.tenant, fmt, raw, bootstrap.uow(), bootstrap.clock(), mode=mode)
    return http.Answer(201 if result["changed"] else 200, result)


@functions_framework.http
def import_property_tree(request):
    return http.serve(request, operation="import_property_tree", roles=frozenset({"manager"}), right="property.write",
                      action=_import, media_types=(CSV,), max_body=MAX_BODY)
