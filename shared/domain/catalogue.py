"""Versioned service-code catalogue of a contract (A14) — pure domain.

Each contract has priced service codes (code, French label, unit, unit price in integer
cents, VAT rate) in versions with a validity date. A new version never rewrites an old one;
an order or quote line is checked against the version in force on its date. Imports come
from CSV (French conventions: ``;`` separator, decimal comma, UTF-8 with or without BOM) or
JSON, and report every bad row with its line number.

The catalogue is reviewed every six months (A14; « revue semestrielle » of the contract). A review
is recorded by a new version (its ``reviewed_on``) or confirmed without one (``ConfirmCatalogueReview``:
the version in force stays); the next review is due six months after the last one, the contractor
is reminded one month before, and a catalogue past its due date is flagged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AwareDatetime, ConfigDict, Field, ValidationError

from shared.domain.base import Model
from shared.domain import french_csv
from shared.domain.errors import ErrorDetail

REVIEW_EVERY_MONTHS = 6
REMIND_MONTHS_BEFORE = 1
COLUMNS = ("code", "label", "unit", "unit_price", "vat_rate")
ALLOWED_VAT = (Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20"))


class CatalogueItem(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    unit: Annotated[str, Field(min_length=1, max_length=16)]
    unit_price_cents: Annotated[int, Field(ge=0)]
    vat_rate: Decimal


class CatalogueVersion(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contract_id: str
    version: int
    valid_from: dt.date
    reviewed_on: dt.date
    items: dict[str, CatalogueItem]
    imported_at: str | None = None  # set when stored


def _cents(text: str) -> int:
    """'1 234,50' or '1234.5' euros → 123450 cents; refuses sub-cent precision."""
    value = Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    cents = value * 100
    if cents != cents.to_integral_value() or value < 0:
        raise InvalidOperation(text)
    return int(cents)


def _item(row: dict[str, Any], line: int, from_csv: bool) -> tuple[CatalogueItem | None, list[ErrorDetail]]:
    field = f"line {line}"
    errors: list[ErrorDetail] = []
    data: dict[str, Any] = {k: (row.get(k) or "").strip() if from_csv else row.get(k) for k in COLUMNS}
    unknown = sorted(set(row) - set(COLUMNS) - {None})
    errors += [ErrorDetail.of(f"{field}.{name}", "UNKNOWN_FIELD") for name in unknown]
    try:
        data["unit_price_cents"] = _cents(str(data.pop("unit_price")))
    except (InvalidOperation, ValueError):
        errors.append(ErrorDetail.of(f"{field}.unit_price", "INVALID_FORMAT",
                                     detail="montant en euros attendu, ex. 85,00"))
    try:
        data["vat_rate"] = Decimal(str(data["vat_rate"]).replace(",", "."))
        if data["vat_rate"] not in ALLOWED_VAT:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(ErrorDetail.of(f"{field}.vat_rate", "INVALID_VALUE", detail="taux de TVA : 0, 2,1, 5,5, 10 ou 20"))
    if errors:
        return None, errors
    try:
        return CatalogueItem.model_validate(data), []
    except ValidationError as exc:
        return None, [ErrorDetail.of(f"{field}.{'.'.join(map(str, e['loc']))}", "INVALID_VALUE", detail=e["msg"])
                      for e in exc.errors()]


def parse_csv(raw: bytes) -> tuple[list[CatalogueItem], list[ErrorDetail]]:
    """French CSV: ``;``, decimal comma, UTF-8 with or without BOM; line numbers count the header as 1."""
    rows, errors = french_csv.read_rows(raw, COLUMNS)
    if errors:
        return [], errors
    return _collect(rows, from_csv=True)


def parse_json_items(raw: bytes) -> tuple[list[CatalogueItem], list[ErrorDetail]]:
    """A JSON array of items; "line" is the item's position, from 1."""
    try:
        rows = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [ErrorDetail.of("$", "MALFORMED_JSON", detail=str(exc))]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return [], [ErrorDetail.of("$", "INVALID_TYPE", detail="tableau d'objets attendu")]
    return _collect(enumerate(rows, start=1), from_csv=False)


def _collect(rows, from_csv: bool) -> tuple[list[CatalogueItem], list[ErrorDetail]]:
    items: list[CatalogueItem] = []
    errors: list[ErrorDetail] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        item, row_errors = _item(row, line, from_csv)
        errors += row_errors
        if item is None:
            continue
        if item.code in seen:
            errors.append(ErrorDetail.of(f"line {line}.code", "DUPLICATE_VALUE", value=item.code))
            continue
        seen[item.code] = line
        items.append(item)
    if not items and not errors:
        errors.append(ErrorDetail.of("$", "REQUIRED"))
    return items, errors


def next_version(existing: list[CatalogueVersion], contract_id: str, valid_from: dt.date, reviewed_on: dt.date,
                 items: list[CatalogueItem]) -> tuple[CatalogueVersion | None, list[ErrorDetail]]:
    """A new version, valid from a date after every existing one: old versions are never rewritten."""
    latest = max(existing, key=lambda v: v.version, default=None)
    if latest is not None and valid_from <= latest.valid_from:
        return None, [ErrorDetail.of("$.valid_from", "OUT_OF_RANGE",
                                     detail=f"une nouvelle version doit commencer après le {latest.valid_from}")]
    return CatalogueVersion(contract_id=contract_id, version=(latest.version + 1) if latest else 1,
                            valid_from=valid_from, reviewed_on=reviewed_on, items={i.code: i for i in items}), []


def in_force(versions: list[CatalogueVersion], on: dt.date) -> CatalogueVersion | None:
    candidates = [v for v in versions if v.valid_from <= on]
    return max(candidates, key=lambda v: v.valid_from, default=None)


def line_errors(version: CatalogueVersion, lines: list[dict[str, Any]], root: str = "$.lines") -> list[ErrorDetail]:
    """Each line's service code must exist in the version in force, at its price and unit."""
    errors = []
    for i, line in enumerate(lines):
        item = version.items.get(line["service_code"])
        if item is None:
            errors.append(ErrorDetail.of(f"{root}[{i}].service_code", "INVALID_VALUE",
                                         detail=f"code « {line['service_code']} » absent du bordereau v{version.version}"))
        elif line.get("unit_price_cents") != item.unit_price_cents or line.get("unit") != item.unit:
            errors.append(ErrorDetail.of(f"{root}[{i}].unit_price_cents", "INVALID_VALUE",
                                         detail=f"prix du bordereau v{version.version} : {item.unit_price_cents} centimes "
                                                f"par {item.unit}"))
    return errors


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 August + 6 months = 28/29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(last_reviewed: dt.date) -> dt.date:
    return add_months(last_reviewed, REVIEW_EVERY_MONTHS)


def reminder_on(last_reviewed: dt.date) -> dt.date:
    """When the contractor is reminded: one month before the review is due."""
    return add_months(last_reviewed, REVIEW_EVERY_MONTHS - REMIND_MONTHS_BEFORE)


def needs_review(version: CatalogueVersion | None, today: dt.date, last_reviewed: dt.date | None = None) -> bool:
    """Flag: no catalogue in force, or its last review (the version's, or a later confirmation) is more
    than six months old."""
    if version is None:
        return True
    return today > review_due_on(max(version.reviewed_on, last_reviewed or version.reviewed_on))


class ImportCatalogue(Model):
    """POST import_catalogue (JSON): a new version of a contract's catalogue."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportCatalogue")

    contract_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
    valid_from: dt.date
    reviewed_on: dt.date
    items: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=20000)]


# --- What import_catalogue answers and publishes, and what get_catalogue answers (A14).


class CataloguePublished(CatalogueVersion):
    """A new version of a contract's catalogue (bordereau de prix), as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.catalogue.published.v1, subject contracts/<contract_id>/catalogue)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CataloguePublished")

    manager_id: str


class CatalogueImported(Model):
    """What import_catalogue answers: the version created."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueImported")

    contract_id: str
    version: int = Field(ge=1)
    valid_from: dt.date
    items: int = Field(ge=1, description="How many items (service codes) the version holds.")


class CatalogueVersionSummary(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueVersionSummary")

    version: int
    valid_from: dt.date
    reviewed_on: dt.date


class CatalogueView(Model):
    """What get_catalogue answers: every version of a contract's catalogue and the one in force on a date."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueView")

    contract_id: str
    on: dt.date = Field(description="The date asked for (?on=, default today).")
    versions: list[CatalogueVersionSummary]
    in_force: CatalogueVersion | None = Field(description="The version in force on that date, null when none.")
    needs_review: bool = Field(description="True when there is no version in force, or when the last review (a "
                                           "version's reviewed_on or a confirmed review) is more than six months "
                                           "old.")
    last_reviewed_on: dt.date | None = Field(default=None, description="The last review, a version's or confirmed.")
    review_due_on: dt.date | None = Field(default=None, description="Six months after the last review.")
    reminded_at: str | None = Field(default=None, description="When the contractor was reminded of that review.")
    confirmations: list[dict[str, Any]] = Field(default_factory=list,
                                                description="Reviews confirmed without a new version.")


class ConfirmCatalogueReview(Model):
    """POST confirm_catalogue_review (manager): the six-month review (A14) kept the catalogue as it is —
    the version in force stays, the next review is due six months after ``reviewed_on``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ConfirmCatalogueReview")

    contract_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
    reviewed_on: dt.date
    note: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


class ReviewState(Model):
    """Where a contract's catalogue review stands, at ``managers/<m>/catalogue_reviews/<contract>``:
    what the reminder sweep reads (``remind_on``, cleared once reminded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_id: str
    contract_id: str
    contractor_id: str
    last_reviewed_on: dt.date
    review_due_on: dt.date
    remind_on: dt.date | None
    reminded_at: str | None = None
    confirmations: list[dict[str, Any]] = []

    @classmethod
    def after_review(cls, previous: ReviewState | None, manager_id: str, contract_id: str, contractor_id: str,
                     reviewed_on: dt.date) -> ReviewState:
        """The state once a review on ``reviewed_on`` is recorded (an older one changes nothing)."""
        if previous is not None and reviewed_on <= previous.last_reviewed_on:
            return previous
        return cls(manager_id=manager_id, contract_id=contract_id, contractor_id=contractor_id,
                   last_reviewed_on=reviewed_on, review_due_on=review_due_on(reviewed_on),
                   remind_on=reminder_on(reviewed_on), confirmations=previous.confirmations if previous else [])


class CatalogueReviewed(Model):
    """The manager confirmed the six-month review without a new version (A14).

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.catalogue.reviewed.v1``, ordering key the
    contract id (with its ``catalogue.published``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueReviewed")

    manager_id: str
    contract_id: str
    version: int = Field(description="The version in force, confirmed as it is.")
    reviewed_on: dt.date
    next_review_due_on: dt.date
    note: str | None = None


class CatalogueReviewDue(Model):
    """Reminder: the contract's six-month catalogue review (A14) is due in a month.

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.catalogue.review_due.v1`` once per due date,
    ordering key the contract id."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueReviewDue")

    manager_id: str
    contract_id: str
    version: int | None = Field(description="The version in force when reminded (None: none in force).")
    last_reviewed_on: dt.date
    review_due_on: dt.date
    reminded_at: AwareDatetime


class CatalogueReviewConfirmed(Model):
    """What confirm_catalogue_review answers (201 recorded, 200 the same confirmation again)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueReviewConfirmed")

    contract_id: str
    version: int = Field(description="The version in force, confirmed as it is.")
    last_reviewed_on: dt.date
    review_due_on: dt.date
    remind_on: dt.date | None = Field(description="When the contractor will be reminded (a month before).")
    changed: bool
