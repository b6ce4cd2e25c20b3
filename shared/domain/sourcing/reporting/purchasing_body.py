"""B17 purchasing-body reporting: business volume by month, quarter, year and SIRET, every order,
the price-line distribution, purchasing gains and return on investment, as JSON and French CSV."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain import french_csv, workdays
from shared.domain.base import Record
from shared.domain.french_csv import euros
from shared.domain.orders import STATE_LABELS, OrderState
from shared.domain.sourcing.price_schedule import EXTRA_COSTS_CODE, PriceSchedule
from shared.domain.sourcing.price_schedule import in_force as price_schedule_in_force
from shared.domain.sourcing.reporting.facts import BeneficiaryFacts, siret_text
from shared.domain.sourcing.reporting.periods import (
    ReportPeriod,
    french_date,
    french_number,
    month_of,
    percent,
    quarter_of,
)

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


MISSING_SIRET_NOTE = "null when the beneficiary's record names none: still reported, the SIRET told « manquant »."


class BeneficiaryVolume(Volume):
    beneficiary_id: str
    name: str
    siret: str | None = Field(description=f"The beneficiary's SIRET (B17: the volume per SIRET); {MISSING_SIRET_NOTE}")


class ReportedOrder(Record):
    """An order as the purchasing body sees it: amounts and categories, never the need's content."""

    order_id: str
    beneficiary_id: str
    siret: str | None = Field(description=f"Its beneficiary's SIRET; {MISSING_SIRET_NOTE}")
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
    reference_daily_rate_cents: int | None  # the one rate in force over the period's orders (None: several)
    gain_cents: int | None
    reference_cents: int | None = None  # the days at the reference rate in force on each order's date


class Gains(Record):
    reference_cents: int  # lines with a reference rate, at that rate
    contracted_cents: int  # the same lines at the contracted rates
    gain_cents: int
    gain_percent: float | None  # of reference_cents


class ReturnOnInvestment(Record):
    fee_rate_bps: int | None  # the one fee rate in force over the period's orders (None: several)
    fees_cents: int  # each order's amount at the fee rate in force on its date
    gain_cents: int
    roi_percent: float | None


class PurchasingBodyReport(Record):
    """The purchasing body's report over a period (B17): get_report?view=purchasing_body, and the
    JSON file of each stored half-year report."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PurchasingBodyReport")

    view: Literal["purchasing_body"] = "purchasing_body"
    period: ReportPeriod
    generated_at: AwareDatetime
    price_schedule_version: str  # the version(s) the period's orders were measured against, ", "-separated
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
    quarters = list(dict.fromkeys(quarter_of(dt.date.fromisoformat(f"{m}-01")) for m in months))
    years = list(dict.fromkeys(m[:4] for m in months))
    return {"cents": sum(a for _, a in orders), "orders": len(orders), "months": buckets(months, month_of),
            "quarters": buckets(quarters, quarter_of), "years": buckets(years, lambda d: f"{d.year:04d}")}


def _quantity(value: Decimal) -> float:
    return float(value.normalize()) if value == value.to_integral_value() else float(value)


def purchasing_body_report(beneficiaries: list[BeneficiaryFacts], period: ReportPeriod,
                           schedule: PriceSchedule | Sequence[PriceSchedule], now: dt.datetime) -> PurchasingBodyReport:
    """B17 over ``period``. Each order is measured against the price schedule version in force on the
    day it was issued (reference rates and fee rate): a new version applies from its date only."""
    versions = [schedule] if isinstance(schedule, PriceSchedule) else list(schedule)
    all_orders: list[tuple[dt.date, int]] = []
    per_beneficiary: list[BeneficiaryVolume] = []
    summaries: list[ReportedOrder] = []
    days: dict[str, Decimal] = defaultdict(Decimal)
    cents: dict[str, int] = defaultdict(int)
    at_reference: dict[str, Decimal] = defaultdict(Decimal)  # days × the rate in force on each order's date
    rates: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}  # each category's first order line's label: the name of one the schedule does not know
    fees, fee_rates, used = Decimal(0), set(), {}
    for facts in sorted(beneficiaries, key=lambda f: f.beneficiary_id):
        counted: list[tuple[dt.date, int]] = []
        for of in sorted(facts.orders, key=lambda f: (f.order.issued_at, f.order.order_id)):
            o, issued = of.order, workdays.local_date(of.order.issued_at, facts.calendar)  # B18: its own calendar
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
            in_force = price_schedule_in_force(versions, issued)
            used[in_force.version] = in_force.valid_from
            fees += Decimal(o.total_cents) * in_force.fee_rate_bps / 10_000
            fee_rates.add(in_force.fee_rate_bps)
            for line in o.lines:
                days[line.service_code] += line.quantity
                labels.setdefault(line.service_code, line.label)
                cents[line.service_code] += line.amount_cents
                rate = in_force.reference_rate(line.service_code) if line.service_code != EXTRA_COSTS_CODE else None
                if rate is not None:
                    at_reference[line.service_code] += line.quantity * rate
                    rates[line.service_code].add(rate)
        all_orders += counted
        per_beneficiary.append(BeneficiaryVolume(beneficiary_id=facts.beneficiary_id, name=facts.name,
                                                 siret=facts.siret, **_volume(period, counted)))
    volume = Volume(**_volume(period, all_orders))
    latest = price_schedule_in_force(versions, period.end)
    lines, reference, contracted = [], 0, 0
    for category in sorted(cents):
        gain = ref_cents = None
        if rates[category]:
            ref_cents = int(at_reference[category].quantize(Decimal(1), rounding=ROUND_HALF_UP))
            gain = ref_cents - cents[category]
            reference += ref_cents
            contracted += cents[category]
        only_rate = next(iter(rates[category])) if len(rates[category]) == 1 else None
        named = latest.label(category)
        label = labels.get(category) or category if named == category else named
        lines.append(PriceLineShare(category=category, label=label, days=_quantity(days[category]),
                                    cents=cents[category], share_percent=percent(cents[category], volume.cents),
                                    reference_daily_rate_cents=only_rate, gain_cents=gain, reference_cents=ref_cents))
    gain = reference - contracted
    fees_cents = int(fees.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    fee_rate = next(iter(fee_rates)) if len(fee_rates) == 1 else (latest.fee_rate_bps if not fee_rates else None)
    version = ", ".join(sorted(used, key=used.get)) or latest.version
    return PurchasingBodyReport(
        period=period, generated_at=now, price_schedule_version=version, volume=volume,
        beneficiaries=per_beneficiary, orders=summaries, price_lines=lines,
        gains=Gains(reference_cents=reference, contracted_cents=contracted, gain_cents=gain,
                    gain_percent=percent(gain, reference)),
        roi=ReturnOnInvestment(fee_rate_bps=fee_rate, fees_cents=fees_cents, gain_cents=gain,
                               roi_percent=percent(gain - fees_cents, fees_cents)))


def _volume_rows(label: str, v: Volume) -> list[tuple]:
    return [(label, kind, b.period, b.orders, euros(b.cents))
            for kind, buckets in (("mois", v.months), ("trimestre", v.quarters), ("année", v.years))
            for b in buckets]


def purchasing_body_csv(r: PurchasingBodyReport) -> bytes:
    rows: list[tuple] = [
        ("Rapport de la centrale d'achat",),
        ("Période du", french_date(r.period.start), "au", french_date(r.period.end)),
        ("Bordereau de prix", r.price_schedule_version),
        (),
        ("Volume d'affaires", "Commandes", "Montant HT (EUR)"),
        ("Total", r.volume.orders, euros(r.volume.cents)),
        (),
        ("Périmètre", "Pas", "Période", "Commandes", "Montant HT (EUR)"),
        *_volume_rows("Total", r.volume),
        *(row for b in r.beneficiaries for row in _volume_rows(f"{b.name} (SIRET {siret_text(b.siret)})", b)),
        (),
        ("Commandes",),
        ("Commande", "Bénéficiaire", "SIRET", "Émise le", "État", "Jours", "Catégories", "Montant HT (EUR)",
         "Consommé (EUR)", "Compté dans le volume"),
        *((o.order_id, o.beneficiary_id, siret_text(o.siret), french_date(o.issued_on), STATE_LABELS[o.state], french_number(o.days),
           ", ".join(o.categories), euros(o.total_cents), euros(o.consumed_cents), "oui" if o.counted else "non")
          for o in r.orders),
        (),
        ("Répartition par ligne de prix",),
        ("Catégorie", "Libellé", "Jours", "Montant HT (EUR)", "Part (%)", "TJM de référence (EUR)", "Gain (EUR)"),
        *((p.category, p.label, french_number(p.days), euros(p.cents), french_number(p.share_percent),
           euros(p.reference_daily_rate_cents) if p.reference_daily_rate_cents is not None else "",
           euros(p.gain_cents) if p.gain_cents is not None else "") for p in r.price_lines),
        (),
        ("Gains achats", "Au prix de référence (EUR)", "Au prix du marché (EUR)", "Gain (EUR)", "Gain (%)"),
        ("", euros(r.gains.reference_cents), euros(r.gains.contracted_cents), euros(r.gains.gain_cents),
         french_number(r.gains.gain_percent)),
        (),
        ("Retour sur investissement", "Taux de frais (%)", "Frais (EUR)", "Gain (EUR)", "ROI (%)"),
        ("", french_number(r.roi.fee_rate_bps / 100) if r.roi.fee_rate_bps is not None else "plusieurs",
         euros(r.roi.fees_cents), euros(r.roi.gain_cents),
         french_number(r.roi.roi_percent)),
    ]
    return french_csv.write(rows)
