"""import_property_tree — HTTPS POST: a manager imports or updates its property tree (A7).

JSON ``{"nodes": [{"node_id", "kind", "parent_id", "label", "commune"?}, …]}`` or a French CSV
(``Content-Type: text/csv``; header ``node_id;kind;parent_id;label[;commune]``, ``;``, UTF-8
with or without BOM). Every bad row is reported with its line number and nothing is written;
a valid file is written in batches by a resumable import job (see shared/service/property_tree.py).
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.property_tree import ImportPropertyTree
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import property_tree

CSV = "text/csv"
MAX_BODY = 32 * 1024 * 1024  # ~100k nodes in CSV or JSON


def _import(req: http.Request) -> http.Answer:
    if req.content_type.split(";")[0].strip().lower() == CSV:
        fmt, raw = "csv", req.body
    else:
        command, errors = parse_json(ImportPropertyTree, req.body)
        if errors:
            raise DomainError(errors)
        fmt, raw = "json", json.dumps(command.nodes).encode()
    result = property_tree.import_tree(req.principal.tenant, fmt, raw, bootstrap.uow(), bootstrap.clock())
    return http.Answer(201 if result["changed"] else 200, result)


@functions_framework.http
def import_property_tree(request):
    return http.serve(request, operation="import_property_tree", roles=frozenset({"manager"}), right="property.write",
                      action=_import, media_types=(CSV,), max_body=MAX_BODY)
