"""Reporting of part B: the beneficiary's report (B6) and the purchasing body's report (B17).

Pure aggregation over facts the service reads (needs, missions, orders with the dates their
lines were reported done, proof-of-service uploads, D4/D6 deadline instances). Money in
integer cents; ratios rounded to two decimals; time injected (``now``). Definitions, in
French for the reader of the CSV, are in docs/sourcing.md ("Reporting"):

- a **validated search** is a need whose proposal was accepted, dated by the acceptance;
- **revenue** of a professional is the amount of the mission order lines reported done
  (consumed budget, B11), dated by the execution event that last reported the line done,
  credited to whoever held the mission at that instant (replacements, B12);
- a professional **delivered** in a period when revenue or a proof of service ("service
  fait", B7) falls in it;
- a **response delay** is D4's start (search submitted) → stop (proposals sent), in working
  days (``working_days_between``) and working hours (9:00–18:00) of the beneficiary's
  territory (B18); median, and p90 by nearest rank;
- a **late answer** is a D4 or D6 deadline started in the period and missed; the
  denominator counts those met or missed (a deadline still running in time is not yet due);
- **business volume** is the amount (excl. VAT) of the orders issued in the period, except
  cancelled ones, bucketed by month, quarter and year of issue (Europe/Paris dates);
- **purchasing gain** = Σ (reference daily rate of the line's price-schedule category −
  contracted daily rate) × days ordered, over lines whose category has a reference rate;
- **return on investment** = (purchasing gain − fees) / fees, fees = the central purchasing
  body's fee rate × business volume.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain import workdays
from shared.domain.deadlines import Deadline, DeadlineState
from shared.domain.errors import ErrorDetail
from shared.domain.orders import Order, OrderState
from shared.domain import french_csv
from shared.domain.french_csv import euros
from shared.domain.sourcing.price_schedule import EXTRA_COSTS_CODE, PriceSchedule
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.domain.base import Record

LATE_KINDS = ("D4", "D6")
MAX_PERIOD_DAYS = 3 * 366
_HALF = re.compile(r"^(\d{4})-H([12])$")


# --- periods ------------------------------------------------------------------------------------


class ReportPeriod(Record):
    """Calendar days, both ends included."""

    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def parse_period(start: str | None, end: str | None, today: dt.date) -> tuple[ReportPeriod | None, list[ErrorDetail]]:
    """``from`` and ``to`` (YYYY-MM-DD); by default the current calendar year to date."""
    errors: list[ErrorDetail] = []
    days: dict[str, dt.date] = {}
    for name, text, default in (("from", start, dt.date(today.year, 1, 1)), ("to", end, today)):
        try:
            days[name] = dt.date.fromisoformat(text) if text else default
        except ValueError:
            errors.append(ErrorDetail.of(f"query.{name}", "INVALID_FORMAT", detail="date AAAA-MM-JJ attendue"))
    if errors:
        return None, errors
    if days["to"] < days["from"]:
        return None, [ErrorDetail.of("query.to", "INVALID_PERIOD", start=days["from"].isoformat(),
                                     end=days["to"].isoformat())]
    if (days["to"] - days["from"]).days > MAX_PERIOD_DAYS:
        return None, [ErrorDetail.of("query.to", "OUT_OF_RANGE", detail="une période de trois ans au plus")]
    return ReportPeriod(start=days["from"], end=days["to"]), []


def half_year(label: str) -> ReportPeriod | None:
    """``2026-H1`` → 1 January–30 June 2026; ``2026-H2`` → 1 July–31 December."""
    match = _HALF.match(label)
    if not match:
        return None
    year, half = int(match[1]), int(match[2])
    return (ReportPeriod(start=dt.date(year, 1, 1), end=dt.date(year, 6, 30)) if half == 1 else
            ReportPeriod(start=dt.date(year, 7, 1), end=dt.date(year, 12, 31)))


def last_completed_half_year(today: dt.date) -> str:
    """The half-year that ended most recently before ``today`` (the scheduled report's subject)."""
    return f"{today.year}-H1" if today.month >= 7 else f"{today.year - 1}-H2"


def half_year_report_id(label: str) -> str:
    return f"half-year-{label}"


def paris_date(at: dt.datetime) -> dt.date:
    return at.astimezone(workdays.PARIS).date()


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _quarter(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def _round(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float | None:
    return _round(100 * part / whole) if whole else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    s, n = sorted(values), len(values)
    return _round(s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2)


def p90(values: list[float]) -> float | None:
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    if not values:
        return None
    s = sorted(values)
    return _round(s[math.ceil(0.9 * len(s)) - 1])


# --- facts the service reads --------------------------------------------------------------------


class OrderFacts(Record):
    """An order, when each of its lines reported done was last reported so, and its proofs of service."""

    order: Order
    line_done_at: dict[str, AwareDatetime] = Field(default_factory=dict)
    proofs_at: list[AwareDatetime] = Field(default_factory=list)


class BeneficiaryFacts(Record):
    beneficiary_id: str
    name: str
    siret: str
    territory: str
    needs: list[NeedRecord] = Field(default_factory=list)
    missions: list[Mission] = Field(default_factory=list)
    orders: list[OrderFacts] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    professional_names: dict[str, str] = Field(default_factory=dict)


def line_done_times(order: Order, events: list[dict[str, Any]]) -> dict[str, dt.datetime]:
    """For each line the order says is done: ``occurred_at`` of the event that last reported it
    done (events applied in order); a line with no such event takes the order's last event."""
    done: dict[str, dt.datetime] = {}
    for event in sorted(events, key=lambda e: (e.get("sequence") or 0, str(e.get("received_at", "")))):
        statuses = (event.get("report") or {}).get("line_statuses") or []
        if not statuses:
            continue
        at = dt.datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))
        for status in statuses:
            if status.get("done"):
                done[status["line_id"]] = at
            else:
                done.pop(status["line_id"], None)
    fallback = order.last_event_at or order.issued_at
    return {line_id: done.get(line_id, fallback) for line_id, is_done in order.line_status.items() if is_done}


def holder_at(mission: Mission, at: dt.datetime) -> str:
    """Who held the mission at ``at``: the first professional, then each replacement from its start."""
    holder = mission.replacements[0].leaving_professional_id if mission.replacements else mission.professional_id
    for r in mission.replacements:
        if r.replaced_by and r.replaced_at and r.replaced_at <= at:
            holder = r.replaced_by
    return holder


# --- the beneficiary's report (B6) --------------------------------------------------------------


class ValidatedSearch(Record):
    need_id: str
    version: int
    title: str
    accepted_at: AwareDatetime
    professional_id: str | None


class MonthAmount(Record):
    month: str
    cents: int
    cumulated_cents: int  # from the start of the period to the end of this month


class ProfessionalRevenue(Record):
    professional_id: str
    name: str
    mission_ids: list[str]
    proofs_of_service: int  # uploaded in the period
    period_cents: int
    cumulated_cents: int  # since the first mission, up to the end of the period
    months: list[MonthAmount]


class Delays(Record):
    answered: int
    median_working_days: float | None
    p90_working_days: float | None
    median_working_hours: float | None
    p90_working_hours: float | None


class LateCount(Record):
    due: int  # met or missed
    late: int
    late_percent: float | None


class LateAnswers(LateCount):
    by_kind: dict[str, LateCount]


class BeneficiaryReport(Record):
    """The beneficiary's report over a period (B6): get_report?view=beneficiary."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="BeneficiaryReport")

    view: Literal["beneficiary"] = "beneficiary"
    beneficiary_id: str
    name: str
    siret: str
    period: ReportPeriod
    generated_at: AwareDatetime
    validated_searches: list[ValidatedSearch]
    professionals: list[ProfessionalRevenue]  # those who delivered in the period
    revenue_cents: int
    revenue_months: list[MonthAmount]
    response_delays: Delays
    late_answers: LateAnswers


def _months(period: ReportPeriod, amounts: dict[str, int]) -> list[MonthAmount]:
    out, running = [], 0
    for month in period.months():
        running += amounts.get(month, 0)
        out.append(MonthAmount(month=month, cents=amounts.get(month, 0), cumulated_cents=running))
    return out


def _validated(need: NeedRecord, period: ReportPeriod) -> ValidatedSearch | None:
    accepted = [h for h in need.history if h.get("status") == "accepted"]
    if not accepted:
        return None
    last = accepted[-1]
    at = dt.datetime.fromisoformat(str(last["at"]))
    if not period.contains(paris_date(at)):
        return None
    return ValidatedSearch(need_id=need.need_id, version=int(last.get("version", need.version)), title=need.title,
                           accepted_at=at, professional_id=last.get("professional_id"))


def _delays(facts: BeneficiaryFacts, period: ReportPeriod) -> Delays:
    days, hours = [], []
    for d in facts.deadlines:
        if d.kind != "D4" or d.stopped_at is None or not period.contains(paris_date(d.started_at)):
            continue
        days.append(float(workdays.working_days_between(workdays.local_date(d.started_at, d.territory),
                                                         workdays.local_date(d.stopped_at, d.territory), d.territory)))
        hours.append(workdays.working_hours_between(d.started_at, d.stopped_at, d.territory).total_seconds() / 3600)
    return Delays(answered=len(days), median_working_days=median(days), p90_working_days=p90(days),
                  median_working_hours=median(hours), p90_working_hours=p90(hours))


def _late(facts: BeneficiaryFacts, period: ReportPeriod, now: dt.datetime) -> LateAnswers:
    due: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    for d in facts.deadlines:
        if d.kind not in LATE_KINDS or not period.contains(paris_date(d.started_at)):
            continue
        state = d.check(now).state
        if state in (DeadlineState.MET, DeadlineState.MISSED):
            due[d.kind] += 1
            late[d.kind] += state is DeadlineState.MISSED
    by_kind = {k: LateCount(due=due[k], late=late[k], late_percent=_percent(late[k], due[k])) for k in LATE_KINDS}
    total_due, total_late = sum(due.values()), sum(late.values())
    return LateAnswers(due=total_due, late=total_late, late_percent=_percent(total_late, total_due), by_kind=by_kind)


def beneficiary_report(facts: BeneficiaryFacts, period: ReportPeriod, now: dt.datetime) -> BeneficiaryReport:
    searches = sorted((v for v in (_validated(n, period) for n in facts.needs) if v is not None),
                      key=lambda v: (v.accepted_at, v.need_id))
    orders = {f.order.order_id: f for f in facts.orders}
    in_period: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    until_end: dict[str, int] = defaultdict(int)
    proofs: dict[str, int] = defaultdict(int)
    missions_of: dict[str, set[str]] = defaultdict(set)
    for mission in facts.missions:
        of = orders.get(mission.order_id)
        if of is None:
            continue
        amounts = {line.line_id: line.amount_cents for line in of.order.lines}
        for line_id, at in of.line_done_at.items():
            day, who = paris_date(at), holder_at(mission, at)
            missions_of[who].add(mission.mission_id)
            if day <= period.end:
                until_end[who] += amounts.get(line_id, 0)
            if period.contains(day):
                in_period[who][_month(day)] += amounts.get(line_id, 0)
        for at in of.proofs_at:
            if period.contains(paris_date(at)):
                who = holder_at(mission, at)
                proofs[who] += 1
                missions_of[who].add(mission.mission_id)
    delivered = sorted(p for p in missions_of if proofs[p] or sum(in_period[p].values()))
    professionals = [ProfessionalRevenue(
        professional_id=p, name=facts.professional_names.get(p, p), mission_ids=sorted(missions_of[p]),
        proofs_of_service=proofs[p], period_cents=sum(in_period[p].values()), cumulated_cents=until_end[p],
        months=_months(period, in_period[p])) for p in delivered]
    total: dict[str, int] = defaultdict(int)
    for p in delivered:
        for month, cents in in_period[p].items():
            total[month] += cents
    return BeneficiaryReport(
        beneficiary_id=facts.beneficiary_id, name=facts.name, siret=facts.siret, period=period, generated_at=now,
        validated_searches=searches, professionals=professionals, revenue_cents=sum(total.values()),
        revenue_months=_months(period, total), response_delays=_delays(facts, period),
        late_answers=_late(facts, period, now))


# --- the purchasing body's report (B17) ---------------------------------------------------------


class Bucket(Record):
    period: str  # 2026-03, 2026-Q1 or 2026
    cents: int
    orders: int


class Volume(Record):
    cents: int
    orders: int
    months: list[Bucket]
    quarters: list[Bucket]
    years: list[Bucket]


class BeneficiaryVolume(Volume):
    beneficiary_id: str
    name: str
    siret: str


class ReportedOrder(Record):
    """An order as the purchasing body sees it: amounts and categories, never the need's content."""

    order_id: str
    beneficiary_id: str
    siret: str
    issued_on: dt.date
    state: OrderState
    total_cents: int
    consumed_cents: int
    days: float
    categories: list[str]
    counted: bool  # in the business volume (not cancelled)


class PriceLineShare(Record):
    category: str
    label: str
    days: float
    cents: int
    share_percent: float | None
    reference_daily_rate_cents: int | None
    gain_cents: int | None


class Gains(Record):
    reference_cents: int  # lines with a reference rate, at that rate
    contracted_cents: int  # the same lines at the contracted rates
    gain_cents: int
    gain_percent: float | None  # of reference_cents


class ReturnOnInvestment(Record):
    fee_rate_bps: int
    fees_cents: int
    gain_cents: int
    roi_percent: float | None


class PurchasingBodyReport(Record):
    """The purchasing body's report over a period (B17): get_report?view=purchasing_body, and the
    JSON file of each stored half-year report."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PurchasingBodyReport")

    view: Literal["purchasing_body"] = "purchasing_body"
    period: ReportPeriod
    generated_at: AwareDatetime
    price_schedule_version: str
    volume: Volume
    beneficiaries: list[BeneficiaryVolume]
    orders: list[ReportedOrder]
    price_lines: list[PriceLineShare]
    gains: Gains
    roi: ReturnOnInvestment


def _volume(period: ReportPeriod, orders: list[tuple[dt.date, int]]) -> dict[str, Any]:
    def buckets(keys: list[str], key_of) -> list[Bucket]:
        cents: dict[str, int] = defaultdict(int)
        count: dict[str, int] = defaultdict(int)
        for day, amount in orders:
            cents[key_of(day)] += amount
            count[key_of(day)] += 1
        return [Bucket(period=k, cents=cents[k], orders=count[k]) for k in keys]

    months = period.months()
    quarters = list(dict.fromkeys(_quarter(dt.date.fromisoformat(f"{m}-01")) for m in months))
    years = list(dict.fromkeys(m[:4] for m in months))
    return {"cents": sum(a for _, a in orders), "orders": len(orders), "months": buckets(months, _month),
            "quarters": buckets(quarters, _quarter), "years": buckets(years, lambda d: f"{d.year:04d}")}


def _quantity(value: Decimal) -> float:
    return float(value.normalize()) if value == value.to_integral_value() else float(value)


def purchasing_body_report(beneficiaries: list[BeneficiaryFacts], period: ReportPeriod, schedule: PriceSchedule,
                           now: dt.datetime) -> PurchasingBodyReport:
    all_orders: list[tuple[dt.date, int]] = []
    per_beneficiary: list[BeneficiaryVolume] = []
    summaries: list[ReportedOrder] = []
    days: dict[str, Decimal] = defaultdict(Decimal)
    cents: dict[str, int] = defaultdict(int)
    for facts in sorted(beneficiaries, key=lambda f: f.beneficiary_id):
        counted: list[tuple[dt.date, int]] = []
        for of in sorted(facts.orders, key=lambda f: (f.order.issued_at, f.order.order_id)):
            o, issued = of.order, paris_date(of.order.issued_at)
            if not period.contains(issued):
                continue
            in_volume = o.state is not OrderState.CANCELLED
            amounts = {line.line_id: line.amount_cents for line in o.lines}
            summaries.append(ReportedOrder(
                order_id=o.order_id, beneficiary_id=facts.beneficiary_id, siret=facts.siret, issued_on=issued,
                state=o.state, total_cents=o.total_cents, counted=in_volume,
                consumed_cents=sum(amounts.get(line_id, 0) for line_id in of.line_done_at),
                days=_quantity(sum((line.quantity for line in o.lines if line.service_code != EXTRA_COSTS_CODE
                                    and line.unit == "j"), Decimal(0))),
                categories=sorted({line.service_code for line in o.lines})))
            if not in_volume:
                continue
            counted.append((issued, o.total_cents))
            for line in o.lines:
                days[line.service_code] += line.quantity
                cents[line.service_code] += line.amount_cents
        all_orders += counted
        per_beneficiary.append(BeneficiaryVolume(beneficiary_id=facts.beneficiary_id, name=facts.name,
                                                 siret=facts.siret, **_volume(period, counted)))
    volume = Volume(**_volume(period, all_orders))
    lines, reference, contracted = [], 0, 0
    for category in sorted(cents):
        rate = schedule.reference_rate(category) if category != EXTRA_COSTS_CODE else None
        gain = None
        if rate is not None:
            at_reference = int((days[category] * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            gain = at_reference - cents[category]
            reference += at_reference
            contracted += cents[category]
        lines.append(PriceLineShare(category=category, label=schedule.label(category), days=_quantity(days[category]),
                                    cents=cents[category], share_percent=_percent(cents[category], volume.cents),
                                    reference_daily_rate_cents=rate, gain_cents=gain))
    gain = reference - contracted
    fees = int((Decimal(volume.cents) * schedule.fee_rate_bps / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return PurchasingBodyReport(
        period=period, generated_at=now, price_schedule_version=schedule.version, volume=volume,
        beneficiaries=per_beneficiary, orders=summaries, price_lines=lines,
        gains=Gains(reference_cents=reference, contracted_cents=contracted, gain_cents=gain,
                    gain_percent=_percent(gain, reference)),
        roi=ReturnOnInvestment(fee_rate_bps=schedule.fee_rate_bps, fees_cents=fees, gain_cents=gain,
                               roi_percent=_percent(gain - fees, fees)))


# --- the stored half-year report (B17, every six months) -----------------------------------------


class PublishHalfYearReport(BaseModel):
    """Body of publish_half_year_report: empty (Cloud Scheduler: the last ended half-year), or an
    ended half-year an operator catches up."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="PublishHalfYearReport")

    half_year: Annotated[str, Field(pattern=r"^\d{4}-H[12]$")] | None = None


class HalfYearReportRecord(Record):
    """What ``steering/half-year-<label>`` records of a stored report: where its files are and a summary."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportRecord")

    report_id: str  # half-year-2026-H1
    kind: Literal["half_year"] = "half_year"
    half_year: str  # 2026-H1
    period: ReportPeriod
    generated_at: AwareDatetime
    json_object: str  # Cloud Storage object names, under reports/half-year/<label>/
    csv_object: str
    json_sha256: str
    csv_sha256: str
    volume_cents: int
    orders: int
    gain_cents: int
    price_schedule_version: str


class HalfYearReportPublished(HalfYearReportRecord):
    """The answer of publish_half_year_report: the record, and whether this call created it."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportPublished")

    created: bool


class HalfYearReportLink(HalfYearReportRecord):
    """A stored report with short-lived signed download URLs of its two files."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportLink")

    json_url: str
    csv_url: str
    url_expires_in_seconds: int


class HalfYearReportList(Record):
    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportList")

    reports: list[HalfYearReportLink]


# --- French CSV ---------------------------------------------------------------------------------


def _fr(value: float | None) -> str:
    """Decimal comma, two decimals at most; empty when there is no value."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def beneficiary_csv(r: BeneficiaryReport) -> bytes:
    rows: list[tuple] = [
        ("Rapport bénéficiaire", r.name, "SIRET", r.siret),
        ("Période du", _date(r.period.start), "au", _date(r.period.end)),
        (),
        ("Recherches validées", len(r.validated_searches)),
        ("Besoin", "Version", "Titre", "Acceptée le", "Professionnel"),
        *((s.need_id, s.version, s.title, _date(paris_date(s.accepted_at)), s.professional_id or "")
          for s in r.validated_searches),
        (),
        ("Professionnels ayant réalisé une prestation", len(r.professionals)),
        ("Professionnel", "Nom", "Missions", "Services faits", "CA de la période (EUR)", "CA cumulé (EUR)"),
        *((p.professional_id, p.name, ", ".join(p.mission_ids), p.proofs_of_service, euros(p.period_cents),
           euros(p.cumulated_cents)) for p in r.professionals),
        (),
        ("Chiffre d'affaires par professionnel et par mois",),
        ("Professionnel", "Mois", "CA du mois (EUR)", "CA cumulé sur la période (EUR)"),
        *((p.professional_id, m.month, euros(m.cents), euros(m.cumulated_cents))
          for p in r.professionals for m in p.months),
        *(("Total", m.month, euros(m.cents), euros(m.cumulated_cents)) for m in r.revenue_months),
        (),
        ("Délais de réponse (D4)", "Réponses", "Médiane (jours ouvrés)", "P90 (jours ouvrés)",
         "Médiane (heures ouvrées)", "P90 (heures ouvrées)"),
        ("", r.response_delays.answered, _fr(r.response_delays.median_working_days),
         _fr(r.response_delays.p90_working_days), _fr(r.response_delays.median_working_hours),
         _fr(r.response_delays.p90_working_hours)),
        (),
        ("Réponses en retard", "Échues", "En retard", "En retard (%)"),
        *((kind, c.due, c.late, _fr(c.late_percent)) for kind, c in r.late_answers.by_kind.items()),
        ("Total", r.late_answers.due, r.late_answers.late, _fr(r.late_answers.late_percent)),
    ]
    return french_csv.write(rows)


def _volume_rows(label: str, v: Volume) -> list[tuple]:
    return [(label, kind, b.period, b.orders, euros(b.cents))
            for kind, buckets in (("mois", v.months), ("trimestre", v.quarters), ("année", v.years))
            for b in buckets]


def purchasing_body_csv(r: PurchasingBodyReport) -> bytes:
    rows: list[tuple] = [
        ("Rapport de la centrale d'achat",),
        ("Période du", _date(r.period.start), "au", _date(r.period.end)),
        ("Bordereau de prix", r.price_schedule_version),
        (),
        ("Volume d'affaires", "Commandes", "Montant HT (EUR)"),
        ("Total", r.volume.orders, euros(r.volume.cents)),
        (),
        ("Périmètre", "Pas", "Période", "Commandes", "Montant HT (EUR)"),
        *_volume_rows("Total", r.volume),
        *(row for b in r.beneficiaries for row in _volume_rows(f"{b.name} (SIRET {b.siret})", b)),
        (),
        ("Commandes",),
        ("Commande", "Bénéficiaire", "SIRET", "Émise le", "État", "Jours", "Catégories", "Montant HT (EUR)",
         "Consommé (EUR)", "Compté dans le volume"),
        *((o.order_id, o.beneficiary_id, o.siret, _date(o.issued_on), o.state.value, _fr(o.days),
           ", ".join(o.categories), euros(o.total_cents), euros(o.consumed_cents), "oui" if o.counted else "non")
          for o in r.orders),
        (),
        ("Répartition par ligne de prix",),
        ("Catégorie", "Libellé", "Jours", "Montant HT (EUR)", "Part (%)", "TJM de référence (EUR)", "Gain (EUR)"),
        *((p.category, p.label, _fr(p.days), euros(p.cents), _fr(p.share_percent),
           euros(p.reference_daily_rate_cents) if p.reference_daily_rate_cents is not None else "",
           euros(p.gain_cents) if p.gain_cents is not None else "") for p in r.price_lines),
        (),
        ("Gains achats", "Au prix de référence (EUR)", "Au prix du marché (EUR)", "Gain (EUR)", "Gain (%)"),
        ("", euros(r.gains.reference_cents), euros(r.gains.contracted_cents), euros(r.gains.gain_cents),
         _fr(r.gains.gain_percent)),
        (),
        ("Retour sur investissement", "Taux de frais (%)", "Frais (EUR)", "Gain (EUR)", "ROI (%)"),
        ("", _fr(r.roi.fee_rate_bps / 100), euros(r.roi.fees_cents), euros(r.roi.gain_cents),
         _fr(r.roi.roi_percent)),
    ]
    return french_csv.write(rows)
