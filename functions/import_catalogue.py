"""import_catalogue — HTTPS POST: a manager publishes a new version of a contract's catalogue (A14).

JSON ``{"contract_id", "valid_from", "reviewed_on", "items": [...]}`` or a French CSV
(``Content-Type: text/csv``; ``;``, decimal comma, UTF-8 with or without BOM) with
``?contract_id=&valid_from=&reviewed_on=``. Every bad row is reported with its line number
and nothing is written; a valid import creates the next version and tells the contractor.
"""

from __future__ import annotations

import datetime as dt
import json

import functions_framework

from shared import bootstrap
from shared.domain.catalogue import ImportCatalogue
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import catalogue

CSV = "text/csv"
MAX_BODY = 4 * 1024 * 1024


def _date(args: dict[str, str], name: str, errors: list[ErrorDetail]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(args.get(name, ""))
    except ValueError:
        errors.append(ErrorDetail.of(f"query.{name}", "REQUIRED" if not args.get(name) else "INVALID_FORMAT",
                                     detail="date AAAA-MM-JJ attendue"))
        return None


def _import(req: http.Request) -> http.Answer:
    if req.content_type.split(";")[0].strip().lower() == CSV:
        errors: list[ErrorDetail] = []
        contract_id = req.args.get("contract_id", "")
        if not contract_id:
            errors.append(ErrorDetail.of("query.contract_id", "REQUIRED"))
        valid_from, reviewed_on = _date(req.args, "valid_from", errors), _date(req.args, "reviewed_on", errors)
        if errors:
            raise DomainError(errors)
        fmt, raw = "csv", req.body
    else:
        command, errors = parse_json(ImportCatalogue, req.body)
        if errors:
            raise DomainError(errors)
        contract_id, valid_from, reviewed_on = command.contract_id, command.valid_from, command.reviewed_on
        fmt, raw = "json", json.dumps(command.items).encode()
    result = catalogue.import_catalogue(req.principal.tenant, contract_id, valid_from, reviewed_on, fmt, raw,
                                        bootstrap.uow(), bootstrap.clock())
    return http.Answer(201, result)


@functions_framework.http
def import_catalogue(request):
    return http.serve(request, operation="import_catalogue", roles=frozenset({"manager"}), right="contracts.write",
                      action=_import, media_types=(CSV,), max_body=MAX_BODY)
