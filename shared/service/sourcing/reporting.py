"""Reports of part B: a beneficiary's report (B6), the purchasing body's report (B17) and the
half-year report stored once per half-year (docs/sourcing.md, "Reporting").

Decides who reads which view (``authorise``), reads the sourcing space and the beneficiaries'
order spaces through the unit of work, hands plain facts to the pure aggregation of
``shared.domain.sourcing.reporting`` and answers its models. The half-year report is stored as
JSON and French CSV under ``reports/half-year/<label>/`` in the private bucket, and recorded at
``steering/half-year-<label>`` (deterministic id, created once): running the job again for the
same half-year writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from shared.domain.deadlines import Deadline
from shared.domain.documents import DocumentKind
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Order
from shared.domain.sourcing import reporting as rep
from shared.domain.sourcing.price_schedule import PriceSchedule
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.ports import Clock, Document, Query, ReportFiles, UnitOfWork
from shared.service import order_store
from shared.service.sourcing import paths, price_schedules
from shared.service.transaction import transact

log = logging.getLogger(__name__)

STEERING = "steering"
REPORTS_PREFIX = "reports/half-year"
DOWNLOAD_URL_TTL = dt.timedelta(minutes=15)
JSON, CSV = "application/json", "text/csv; charset=utf-8"

# Who reads which view (B6: a beneficiary its own, the operator any; B17: the purchasing body and
# the operator). Managers and contractors read none.
VIEWS = {"beneficiary": frozenset({"beneficiary", "operator"}),
         "purchasing_body": frozenset({"purchasing_body", "operator"}),
         "half_year_reports": frozenset({"purchasing_body", "operator"}),
         # the framework's price schedule (B17 purchasing-body report): reference daily rates and fee rate
         "price_schedule": frozenset({"purchasing_body", "operator", "beneficiary"})}


class Forbidden(Exception):
    """The caller may not read what it asked for; ``field`` says which part of the request."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def authorise(view: str, role: str, tenant: str, named_beneficiary: str | None = None) -> str | None:
    """May ``role`` read ``view``? Forbidden otherwise. For the beneficiary view (B6), the beneficiary
    whose report is read: a beneficiary's own (naming another one is forbidden), the one the operator
    names ("" when it names none)."""
    if role not in VIEWS[view]:
        raise Forbidden("header.Authorization")
    if view != "beneficiary":
        return None
    if role == "beneficiary":
        if named_beneficiary not in (None, "", tenant):
            raise Forbidden("query.beneficiary_id")
        return tenant
    return named_beneficiary or ""


def _read(model, data: dict[str, Any]):
    """A stored document as its domain model; fields other features derive for their reads
    (``total_cents``, ``next_check_at``, index fields…) are not the model's and are left out."""
    return model.model_validate({k: v for k, v in data.items() if k in model.model_fields}, strict=False)


def _list(uow: UnitOfWork, collection: str) -> list[Document]:
    return uow.query(Query(collection, order_by=(("__name__", "asc"),)))


def _beneficiary(uow: UnitOfWork, b: str) -> dict[str, Any]:
    found = uow.get(paths.beneficiary(b))
    if found is None:
        raise DomainError([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND", beneficiary_id=b)])
    return found


def _order_facts(b: str, order_id: str, data: dict[str, Any], uow: UnitOfWork, dated: bool) -> rep.OrderFacts:
    """``dated``: when each line was done (the order's events) and its proofs of service (B6). The
    purchasing body's report only sums the lines done, so it reads neither (no query per order)."""
    order = _read(Order, data)
    if not dated:
        undated = order.last_event_at or order.issued_at
        return rep.OrderFacts(order=order, line_done_at={line: undated for line, done in order.line_status.items()
                                                         if done})
    done = (rep.line_done_times(order, order_store.list_events(uow, b, order_id))
            if any(order.line_status.values()) else {})
    proofs = [d.data["uploaded_at"] for d in uow.query(Query(
        f"{order_store.order_path(b, order_id)}/documents", where=(("kind", "==", DocumentKind.SERVICE_DONE.value),)))]
    return rep.OrderFacts.model_validate({"order": order, "line_done_at": done, "proofs_at": proofs}, strict=False)


def gather(b: str, uow: UnitOfWork, *, detail: bool = True) -> rep.BeneficiaryFacts:
    """What the reports read of one beneficiary; ``detail`` adds needs, deadlines and names (B6)."""
    beneficiary = _beneficiary(uow, b)
    missions = [_read(Mission, d.data) for d in _list(uow, f"beneficiaries/{b}/missions")]
    orders = [_order_facts(b, d.id, d.data, uow, detail) for d in _list(uow, f"managers/{b}/orders")]
    # a record written partially (its name alone) is still reported: what it does not name stays None (rep.BeneficiaryFacts)
    facts: dict[str, Any] = {"beneficiary_id": b, "name": beneficiary.get("name") or b,
                             "siret": beneficiary.get("siret") or None, "territory": beneficiary.get("territory") or None,
                             "missions": missions, "orders": orders}
    if detail:
        facts["needs"] = [_read(NeedRecord, d.data) for d in _list(uow, f"beneficiaries/{b}/needs")]
        facts["deadlines"] = [_read(Deadline, d.data) for d in uow.query(Query(
            f"managers/{b}/deadlines", where=(("kind", "in", sorted(rep.LATE_KINDS)),)))]
        people = sorted({m.professional_id for m in missions}
                        | {p for m in missions for r in m.replacements for p in (r.leaving_professional_id, r.replaced_by)
                           if p})
        found = uow.get_all([paths.professional(p) for p in people])
        facts["professional_names"] = {p: found[paths.professional(p)]["name"] for p in people
                                       if (found.get(paths.professional(p)) or {}).get("name")}
    return rep.BeneficiaryFacts.model_validate(facts, strict=False)


def beneficiary_report(b: str, period: rep.ReportPeriod, uow: UnitOfWork, clock: Clock) -> rep.BeneficiaryReport:
    return rep.beneficiary_report(gather(b, uow), period, clock.now())


def purchasing_body_report(period: rep.ReportPeriod, uow: UnitOfWork, clock: Clock,
                           schedule: PriceSchedule | None = None) -> rep.PurchasingBodyReport:
    """B17: each order measured against the price schedule version in force on its date (the stored
    versions, shared/service/sourcing/price_schedules.py, unless one ``schedule`` is imposed)."""
    facts = [gather(d.id, uow, detail=False) for d in _list(uow, "beneficiaries")]
    versions = [schedule] if schedule is not None else price_schedules.load_versions(uow)
    return rep.purchasing_body_report(facts, period, versions, clock.now())


# --- the half-year report (B17, every six months) -------------------------------------------------


def _link(record: dict[str, Any], files: ReportFiles) -> rep.HalfYearReportLink:
    stored = rep.HalfYearReportRecord.model_validate(record, strict=False)
    return rep.HalfYearReportLink(**stored.model_dump(), json_url=files.download_url(stored.json_object, DOWNLOAD_URL_TTL),
                                  csv_url=files.download_url(stored.csv_object, DOWNLOAD_URL_TTL),
                                  url_expires_in_seconds=int(DOWNLOAD_URL_TTL.total_seconds()))


def publish_half_year_report(uow: UnitOfWork, files: ReportFiles, clock: Clock, label: str | None = None,
                             schedule: PriceSchedule | None = None) -> rep.HalfYearReportPublished:
    """Produce the report of the last completed half-year (or of ``label``, already ended) once."""
    today = rep.paris_date(clock.now())
    label = label or rep.last_completed_half_year(today)
    period = rep.half_year(label)
    if period is None:
        raise DomainError([ErrorDetail.of("$.half_year", "INVALID_HALF_YEAR")])
    if period.end >= today:
        raise DomainError([ErrorDetail.of("$.half_year", "HALF_YEAR_NOT_ENDED", half_year=label,
                                          end=period.end.strftime("%d/%m/%Y"))])
    report_id = rep.half_year_report_id(label)
    path = f"{STEERING}/{report_id}"

    def stored() -> rep.HalfYearReportPublished | None:
        found = uow.get(path)
        return None if found is None else rep.HalfYearReportPublished.model_validate(
            {**found, "created": False}, strict=False)

    uow.begin()
    existing = stored()
    if existing is not None:
        return existing
    report = purchasing_body_report(period, uow, clock, schedule)
    body = report.model_dump_json(indent=2).encode()
    table = rep.purchasing_body_csv(report)
    digest = hashlib.sha256(body).hexdigest()
    # The digest in the name: files of a run that lost the race to record its report are never mixed up.
    stem = f"{REPORTS_PREFIX}/{label}/rapport-centrale-{label}-{digest[:16]}"
    record = rep.HalfYearReportRecord(
        report_id=report_id, half_year=label, period=period, generated_at=report.generated_at,
        json_object=f"{stem}.json", csv_object=f"{stem}.csv", json_sha256=digest,
        csv_sha256=hashlib.sha256(table).hexdigest(), volume_cents=report.volume.cents, orders=report.volume.orders,
        gain_cents=report.gains.gain_cents, price_schedule_version=report.price_schedule_version)
    files.put_if_absent(record.json_object, body, JSON)
    files.put_if_absent(record.csv_object, table, CSV)

    def attempt() -> rep.HalfYearReportPublished:
        winner = stored()  # a concurrent run recorded it first: its files are the report
        if winner is not None:
            return winner
        uow.create(path, record.model_dump(mode="json"))
        return rep.HalfYearReportPublished(**record.model_dump(), created=True)

    published = transact(uow, attempt)
    if not published.created:
        return published
    log.info("half-year report published", extra={"report_id": report_id, "volume_cents": report.volume.cents})
    return published


def list_half_year_reports(uow: UnitOfWork, files: ReportFiles) -> rep.HalfYearReportList:
    return rep.HalfYearReportList(reports=[_link(d.data, files) for d in _list(uow, STEERING)
                                           if d.data.get("kind") == "half_year"])


def half_year_report(report_id: str, uow: UnitOfWork, files: ReportFiles) -> rep.HalfYearReportLink:
    found = uow.get(f"{STEERING}/{report_id}") if report_id.startswith("half-year-") and "/" not in report_id else None
    if found is None or found.get("kind") != "half_year":
        raise DomainError([ErrorDetail.of("query.report_id", "REPORT_NOT_FOUND", report_id=report_id)])
    return _link(found, files)
