"""The framework agreement's price schedule for sourcing (BPU, B4/B17): profile categories.

A professional's ``profile_category`` names one price line; a mission's order lines carry it
as ``service_code`` at the professional's contracted daily rate. For the purchasing-body
report (B17) each price line also carries a **reference daily rate**: what a public buyer
paid for that profile outside the framework when the agreement was awarded (the buyer's
prior price study, "prix de référence"). Purchasing gains are measured against it.

It is versioned data: the schedule of the award (``PRICE_SCHEDULE``, in force from 1 January
2026) and the versions the purchasing body imports since (``import_price_schedule``, French CSV
or JSON, like the catalogue of A14), each with its date of effect and the fee rate the central
purchasing body charges on the business volume (the cost side of the return on investment). A
version never rewrites an earlier one and takes effect on a date not yet passed: an order is
measured against the version in force on the day it was issued, so a change applies from its
date only. A category absent from the schedule (or the ``FRAIS`` line of extra costs) has no
reference rate: it counts in the volume, never in the gains. Definitions: docs/sourcing.md,
"Reporting".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from shared.domain.base import Model
from shared.domain import french_csv
from shared.domain.errors import ErrorDetail


class PriceLine(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    category: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    reference_daily_rate_cents: Annotated[int, Field(gt=0, le=10**7)]


class PriceSchedule(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    version: str
    valid_from: dt.date
    lines: dict[str, PriceLine]
    # Fee of the central purchasing body, in basis points of the business volume (200 = 2 %).
    fee_rate_bps: Annotated[int, Field(ge=0, le=10_000)]

    def reference_rate(self, category: str) -> int | None:
        line = self.lines.get(category)
        return line.reference_daily_rate_cents if line else None

    def label(self, category: str) -> str:
        if category == EXTRA_COSTS_CODE:
            return "Frais annexes (déplacement, hébergement, repas)"
        line = self.lines.get(category)
        return line.label if line else category


EXTRA_COSTS_CODE = "FRAIS"  # the order line of a mission's extra costs (shared/service/sourcing/missions.py)


def _schedule(version: str, valid_from: str, fee_rate_bps: int, *lines: tuple[str, str, int]) -> PriceSchedule:
    return PriceSchedule(version=version, valid_from=dt.date.fromisoformat(valid_from), fee_rate_bps=fee_rate_bps,
                         lines={c: PriceLine(category=c, label=label, reference_daily_rate_cents=cents)
                                for c, label, cents in lines})


# Reference daily rates (excl. VAT) from the award's price study, per profile category.
PRICE_SCHEDULE = _schedule(
    "2026-01", "2026-01-01", 200,
    ("CHEF-PROJET", "Chef de projet", 75_000),
    ("CHEF-PROJET-AMOA", "Chef de projet AMOA", 78_000),
    ("CONSULTANT-AMOA", "Consultant AMOA", 65_000),
    ("ARCHITECTE-SI", "Architecte SI", 90_000),
    ("DEVELOPPEUR", "Développeur", 60_000),
    ("EXPERT-ACCESSIBILITE", "Expert accessibilité (RGAA)", 70_000),
)


# --- imported versions ------------------------------------------------------------------------

COLUMNS = ("category", "label", "reference_daily_rate")


class ImportPriceSchedule(Model):
    """POST import_price_schedule (JSON): the next version of the price schedule (purchasing body)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportPriceSchedule")

    version: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")] | None = None
    valid_from: dt.date
    fee_rate_bps: Annotated[int, Field(ge=0, le=10_000)]
    lines: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=500)]


class PriceScheduleImported(Model):
    """What import_price_schedule answers (201): the version stored and when it takes effect."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PriceScheduleImported")

    version: str
    number: int = Field(description="Its place among the versions (the award's schedule is 0).")
    valid_from: dt.date
    fee_rate_bps: int
    lines: int = Field(description="How many price lines it holds.")


def _cents(text: str) -> int:
    """'750,00' or '750' euros → 75000 cents; refuses sub-cent precision."""
    value = Decimal(str(text).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    cents = value * 100
    if cents != cents.to_integral_value():
        raise InvalidOperation(text)
    return int(cents)


def _collect(rows, from_csv: bool) -> tuple[list[PriceLine], list[ErrorDetail]]:
    lines: list[PriceLine] = []
    errors: list[ErrorDetail] = []
    seen: set[str] = set()
    for line, row in rows:
        field = f"line {line}"
        unknown = sorted(set(row) - set(COLUMNS) - {None})
        row_errors = [ErrorDetail.of(f"{field}.{name}", "UNKNOWN_FIELD") for name in unknown]
        data = {k: ((row.get(k) or "").strip() if from_csv else row.get(k)) for k in COLUMNS}
        try:
            data["reference_daily_rate_cents"] = _cents(data.pop("reference_daily_rate"))
        except (InvalidOperation, ValueError):
            row_errors.append(ErrorDetail.of(f"{field}.reference_daily_rate", "INVALID_FORMAT",
                                             detail="montant en euros attendu, ex. 750,00"))
        if not row_errors:
            try:
                price_line = PriceLine.model_validate(data, strict=False)
            except ValidationError as exc:
                row_errors += [ErrorDetail.of(f"{field}.{'.'.join(map(str, e['loc']))}", "INVALID_VALUE",
                                              detail=e["msg"]) for e in exc.errors()]
            else:
                if price_line.category in seen:
                    row_errors.append(ErrorDetail.of(f"{field}.category", "DUPLICATE_VALUE", value=price_line.category))
                seen.add(price_line.category)
                lines.append(price_line)
        errors += row_errors
    if not lines and not errors:
        errors.append(ErrorDetail.of("$", "REQUIRED"))
    return lines, errors


def parse_csv(raw: bytes) -> tuple[list[PriceLine], list[ErrorDetail]]:
    """French CSV ``category;label;reference_daily_rate`` (euros, decimal comma); line 1 is the header."""
    rows, errors = french_csv.read_rows(raw, COLUMNS)
    return ([], errors) if errors else _collect(rows, from_csv=True)


def parse_json_lines(items: list[dict[str, Any]]) -> tuple[list[PriceLine], list[ErrorDetail]]:
    """The ``lines`` of a JSON import; "line" is the item's position, from 1."""
    return _collect(enumerate(items, start=1), from_csv=False)


def next_version(existing: list[PriceSchedule], label: str | None, valid_from: dt.date, today: dt.date,
                 fee_rate_bps: int, lines: list[PriceLine]) -> tuple[PriceSchedule | None, list[ErrorDetail]]:
    """A new version, taking effect after every earlier one and not before today: the past is never
    measured again against other rates."""
    latest = max(existing, key=lambda v: v.valid_from, default=None)
    errors = []
    if valid_from < today:
        errors.append(ErrorDetail.of("$.valid_from", "OUT_OF_RANGE",
                                     detail=f"un bordereau prend effet au plus tôt aujourd'hui ({today})"))
    elif latest is not None and valid_from <= latest.valid_from:
        errors.append(ErrorDetail.of("$.valid_from", "OUT_OF_RANGE",
                                     detail=f"une nouvelle version doit commencer après le {latest.valid_from}"))
    version = label or valid_from.isoformat()
    if any(v.version == version for v in existing):
        errors.append(ErrorDetail.of("$.version", "DUPLICATE_VALUE", value=version))
    if errors:
        return None, errors
    return PriceSchedule(version=version, valid_from=valid_from, fee_rate_bps=fee_rate_bps,
                         lines={line.category: line for line in lines}), []


def in_force(versions: list[PriceSchedule], on: dt.date) -> PriceSchedule:
    """The version in force on ``on``: the latest taking effect by then (the award's before any)."""
    candidates = [v for v in versions if v.valid_from <= on]
    if not candidates:
        return min(versions, key=lambda v: v.valid_from, default=PRICE_SCHEDULE)
    return max(candidates, key=lambda v: v.valid_from)


# --- the schedule as read (get_report?view=price_schedule) --------------------------------------

class PriceScheduleVersion(Model):
    """One version as read: its place among the versions, its date, fee rate and lines, and whether it is in force
    today (Paris), to come or past."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PriceScheduleVersion")

    version: str
    number: int = Field(description="Its place among the versions (the award's schedule is 0).")
    valid_from: dt.date
    fee_rate_bps: int = Field(description="Fee of the central purchasing body, basis points (200 = 2 %).")
    state: Literal["past", "in_force", "upcoming"]
    lines: list[PriceLine] = Field(description="By category.")


class PriceScheduleList(Model):
    """What get_report?view=price_schedule answers: every version, oldest first, judged on ``today`` (Paris)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PriceScheduleList")

    today: dt.date
    versions: list[PriceScheduleVersion]


def schedule_list(versions: list[PriceSchedule], today: dt.date) -> PriceScheduleList:
    """The versions (the award's first, numbered as stored) with the one in force on ``today``, those to come and
    the past ones told apart."""
    current = in_force(versions, today)
    rows = []
    for number, v in enumerate(versions):
        state = "in_force" if v is current else ("upcoming" if v.valid_from > today else "past")
        rows.append(PriceScheduleVersion(version=v.version, number=number, valid_from=v.valid_from,
                                         fee_rate_bps=v.fee_rate_bps, state=state,
                                         lines=sorted(v.lines.values(), key=lambda line: line.category)))
    return PriceScheduleList(today=today, versions=rows)
