"""import_price_schedule — HTTPS POST: the purchasing body publishes the next version of the price schedule
(reference daily rates per profile category and its fee rate, B17), in force from its date.

JSON ``{"version"?, "valid_from", "fee_rate_bps", "lines": [{"category", "label", "reference_daily_rate"}]}`` or a
French CSV (``Content-Type: text/csv``; ``category;label;reference_daily_rate``, decimal comma) with
``?valid_from=&fee_rate_bps=[&version=]``. Every bad row is reported with its line and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re

import functions_framework

from functions._sourcing import parse
from shared import bootstrap
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing.price_schedule import ImportPriceSchedule
from shared.edge import http
from shared.service.sourcing import price_schedules

CSV = "text/csv"
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")
MAX_BODY = 1024 * 1024


def _csv_query(args: dict[str, str]) -> tuple[dt.date, int]:
    errors: list[ErrorDetail] = []
    valid_from = fee = None
    try:
        valid_from = dt.date.fromisoformat(args.get("valid_from", ""))
    except ValueError:
        errors.append(ErrorDetail.of("query.valid_from", "REQUIRED" if not args.get("valid_from") else "INVALID_FORMAT",
                                     detail="date AAAA-MM-JJ attendue"))
    raw_fee = args.get("fee_rate_bps", "")
    if not raw_fee.isdigit() or int(raw_fee) > 10_000:
        errors.append(ErrorDetail.of("query.fee_rate_bps", "REQUIRED" if not raw_fee else "OUT_OF_RANGE",
                                     detail="points de base entre 0 et 10000 (200 = 2 %)"))
    else:
        fee = int(raw_fee)
    if errors:
        raise DomainError(errors)
    return valid_from, fee  # type: ignore[return-value]


def _import(req: http.Request) -> http.Answer:
    uow, clock = bootstrap.uow(), bootstrap.clock()
    if req.content_type.split(";")[0].strip().lower() == CSV:
        valid_from, fee = _csv_query(req.args)
        label = req.args.get("version") or None
        if label is not None and not VERSION.match(label):
            raise DomainError([ErrorDetail.of("query.version", "INVALID_FORMAT", detail="lettres, chiffres, . _ -")])
        result = price_schedules.import_price_schedule(label, valid_from, fee, "csv", req.body, uow, clock)
    else:
        command = parse(ImportPriceSchedule, req.body)
        result = price_schedules.import_price_schedule(command.version, command.valid_from, command.fee_rate_bps,
                                                       "json", command.lines, uow, clock)
    return http.Answer(201, result)


@functions_framework.http
def import_price_schedule(request):
    return http.serve(request, operation="import_price_schedule", roles=frozenset({"purchasing_body"}),
                      right="agreements.write", action=_import, media_types=(CSV,), max_body=MAX_BODY)
