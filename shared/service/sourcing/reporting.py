"""Reports of part B: a beneficiary's report (B6), the purchasing body's report (B17) and the
half-year report stored once per half-year (docs/sourcing.md, "Reporting").

Reads the sourcing space and the beneficiaries' order spaces, hands plain facts to the pure
aggregation of ``shared.domain.sourcing.reporting`` and answers its models. The half-year
report is stored as JSON and French CSV under ``reports/half-year/<label>/`` in the private
bucket, and recorded at ``steering/half-year-<label>`` (deterministic id, ``create()``):
running the job again for the same half-year writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any, Protocol

from shared.domain.deadlines import Deadline
from shared.domain.documents import DocumentKind
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Order
from shared.domain.sourcing import reporting as rep
from shared.domain.sourcing.price_schedule import PRICE_SCHEDULE, PriceSchedule
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.ports import Clock, ConcurrencyConflict, DocumentStore, DocWrite, Store
from shared.service.sourcing import paths

log = logging.getLogger(__name__)

STEERING = "steering"
REPORTS_PREFIX = "reports/half-year"
DOWNLOAD_URL_TTL = dt.timedelta(minutes=15)
JSON, CSV = "application/json", "text/csv; charset=utf-8"


class ReportFiles(Protocol):
    """Stored report files (shared/adapters/report_files.py)."""

    def put_if_absent(self, name: str, data: bytes, content_type: str) -> bool: ...
    def download_url(self, name: str, ttl: dt.timedelta) -> str: ...


def _read(model, data: dict[str, Any]):
    """A stored document as its domain model; fields other features derive for their reads
    (``total_cents``, ``next_check_at``, index fields…) are not the model's and are left out."""
    return model.model_validate({k: v for k, v in data.items() if k in model.model_fields}, strict=False)


def _beneficiary(docs: DocumentStore, b: str) -> dict[str, Any]:
    found = docs.get(paths.beneficiary(b))
    if found is None:
        raise DomainError([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND", beneficiary_id=b)])
    return found.value


def _order_facts(b: str, order_id: str, data: dict[str, Any], docs: DocumentStore, store: Store,
                 dated: bool) -> rep.OrderFacts:
    """``dated``: when each line was done (the order's events) and its proofs of service (B6). The
    purchasing body's report only sums the lines done, so it reads neither (no query per order)."""
    order = _read(Order, data)
    if not dated:
        undated = order.last_event_at or order.issued_at
        return rep.OrderFacts(order=order, line_done_at={line: undated for line, done in order.line_status.items()
                                                         if done})
    done = rep.line_done_times(order, store.list_events(b, order_id)) if any(order.line_status.values()) else {}
    proofs = [d["uploaded_at"] for _, d in docs.list(f"managers/{b}/orders/{order_id}/documents")
              if d.get("kind") == DocumentKind.SERVICE_DONE.value]
    return rep.OrderFacts.model_validate({"order": order, "line_done_at": done, "proofs_at": proofs}, strict=False)


def gather(b: str, docs: DocumentStore, store: Store, *, detail: bool = True) -> rep.BeneficiaryFacts:
    """What the reports read of one beneficiary; ``detail`` adds needs, deadlines and names (B6)."""
    beneficiary = _beneficiary(docs, b)
    missions = [_read(Mission, d) for _, d in docs.list(f"beneficiaries/{b}/missions")]
    orders = [_order_facts(b, o, d, docs, store, detail) for o, d in docs.list(f"managers/{b}/orders")]
    facts: dict[str, Any] = {"beneficiary_id": b, "name": beneficiary["name"], "siret": beneficiary["siret"],
                             "territory": beneficiary["territory"], "missions": missions, "orders": orders}
    if detail:
        facts["needs"] = [_read(NeedRecord, d) for _, d in docs.list(f"beneficiaries/{b}/needs")]
        facts["deadlines"] = [_read(Deadline, d) for _, d in docs.list(f"managers/{b}/deadlines")
                              if d.get("kind") in rep.LATE_KINDS]
        people = sorted({m.professional_id for m in missions}
                        | {p for m in missions for r in m.replacements for p in (r.leaving_professional_id, r.replaced_by)
                           if p})
        found = docs.get_many([paths.professional(p) for p in people])
        facts["professional_names"] = {p: found[paths.professional(p)]["name"] for p in people
                                       if paths.professional(p) in found}
    return rep.BeneficiaryFacts.model_validate(facts, strict=False)


def beneficiary_report(b: str, period: rep.ReportPeriod, docs: DocumentStore, store: Store,
                       clock: Clock) -> rep.BeneficiaryReport:
    return rep.beneficiary_report(gather(b, docs, store), period, clock.now())


def purchasing_body_report(period: rep.ReportPeriod, docs: DocumentStore, store: Store, clock: Clock,
                           schedule: PriceSchedule = PRICE_SCHEDULE) -> rep.PurchasingBodyReport:
    facts = [gather(b, docs, store, detail=False) for b, _ in docs.list("beneficiaries")]
    return rep.purchasing_body_report(facts, period, schedule, clock.now())


# --- the half-year report (B17, every six months) -------------------------------------------------


def _link(record: dict[str, Any], files: ReportFiles) -> rep.HalfYearReportLink:
    stored = rep.HalfYearReportRecord.model_validate(record, strict=False)
    return rep.HalfYearReportLink(**stored.model_dump(), json_url=files.download_url(stored.json_object, DOWNLOAD_URL_TTL),
                                  csv_url=files.download_url(stored.csv_object, DOWNLOAD_URL_TTL),
                                  url_expires_in_seconds=int(DOWNLOAD_URL_TTL.total_seconds()))


def publish_half_year_report(docs: DocumentStore, store: Store, files: ReportFiles, clock: Clock,
                             label: str | None = None, schedule: PriceSchedule = PRICE_SCHEDULE
                             ) -> rep.HalfYearReportPublished:
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
        found = docs.get(path)
        return None if found is None else rep.HalfYearReportPublished.model_validate(
            {**found.value, "created": False}, strict=False)

    existing = stored()
    if existing is not None:
        return existing
    report = purchasing_body_report(period, docs, store, clock, schedule)
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
    try:
        docs.commit([DocWrite(path, record.model_dump(mode="json"), "create")])
    except ConcurrencyConflict:  # a concurrent run recorded it first: its files are the report
        return stored()
    log.info("half-year report published", extra={"report_id": report_id, "volume_cents": report.volume.cents})
    return rep.HalfYearReportPublished(**record.model_dump(), created=True)


def list_half_year_reports(docs: DocumentStore, files: ReportFiles) -> rep.HalfYearReportList:
    return rep.HalfYearReportList(reports=[_link(d, files) for _, d in docs.list(STEERING)
                                           if d.get("kind") == "half_year"])


def half_year_report(report_id: str, docs: DocumentStore, files: ReportFiles) -> rep.HalfYearReportLink:
    found = docs.get(f"{STEERING}/{report_id}") if report_id.startswith("half-year-") and "/" not in report_id else None
    if found is None or found.value.get("kind") != "half_year":
        raise DomainError([ErrorDetail.of("query.report_id", "REPORT_NOT_FOUND", report_id=report_id)])
    return _link(found.value, files)
