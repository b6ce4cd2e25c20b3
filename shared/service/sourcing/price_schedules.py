"""The framework agreement's price schedule as versioned data (B17 reporting): the purchasing body
imports a new version — French CSV or JSON, like a contract's catalogue (A14) — that takes effect on
its date; reports measure each order against the version in force on the day it was issued.

  price_schedules/v{NNNN}   one imported version (reference daily rates, fee rate), never rewritten

The award's schedule (``PRICE_SCHEDULE``, from 1 January 2026) is the first version; stored
versions follow it. A version is created once (``create``), with its audit record.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared.domain.errors import DomainError
from shared.domain.sourcing import price_schedule as ps
from shared.domain.sourcing.price_schedule import PRICE_SCHEDULE, PriceSchedule
from shared.domain.workdays import PARIS
from shared.ports import Clock, Query, UnitOfWork
from shared.service.transaction import transact

log = logging.getLogger(__name__)

COLLECTION = "price_schedules"


def version_path(number: int) -> str:
    return f"{COLLECTION}/v{number:04d}"


def load_versions(uow: UnitOfWork) -> list[PriceSchedule]:
    """The award's schedule, then every imported version, oldest first."""
    docs = uow.query(Query(COLLECTION, order_by=(("__name__", "asc"),)))
    fields = set(PriceSchedule.model_fields)
    stored = [PriceSchedule.model_validate({k: v for k, v in d.data.items() if k in fields}, strict=False)
              for d in docs]
    return [PRICE_SCHEDULE, *stored]


def read_price_schedule(uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """Every version of the price schedule, the one in force today (Paris) and those to come told apart
    (get_report?view=price_schedule: the purchasing body, the operator and the beneficiaries read it)."""
    today = clock.now().astimezone(PARIS).date()
    return ps.schedule_list(load_versions(uow), today).model_dump(mode="json")


def import_price_schedule(label: str | None, valid_from: dt.date, fee_rate_bps: int, fmt: str,
                          raw: bytes | list[dict[str, Any]], uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """The next version of the price schedule, all or nothing: every bad row is reported with its line,
    and a version takes effect after every earlier one, today at the earliest (Paris)."""
    lines, errors = ps.parse_csv(raw) if fmt == "csv" else ps.parse_json_lines(raw)  # type: ignore[arg-type]
    if errors:
        raise DomainError(errors)

    def attempt() -> tuple[PriceSchedule, int]:
        versions = load_versions(uow)
        today = clock.now().astimezone(PARIS).date()
        version, refused = ps.next_version(versions, label, valid_from, today, fee_rate_bps, lines)
        if refused:
            raise DomainError(refused)
        assert version is not None
        number = len(versions)  # the award's schedule is version 0
        uow.create(version_path(number), {**version.model_dump(mode="json"), "number": number,
                                          "imported_at": clock.now().isoformat()})  # a concurrent import: again
        return version, number

    version, number = transact(uow, attempt)
    log.info("price schedule imported", extra={"version": version.version, "valid_from": valid_from.isoformat()})
    return ps.PriceScheduleImported(version=version.version, number=number, valid_from=version.valid_from,
                                    fee_rate_bps=version.fee_rate_bps, lines=len(version.lines)).model_dump(mode="json")
