"""B6 beneficiary reporting: validated searches, professionals who delivered, revenue per month and
cumulated, D4 response delays and late D4/D6 answers, as JSON and French CSV."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain import french_csv, workdays
from shared.domain.base import Record
from shared.domain.deadlines import DeadlineState
from shared.domain.french_csv import euros
from shared.domain.sourcing.process import NeedRecord
from shared.domain.sourcing.reporting.facts import BeneficiaryFacts, holder_at, siret_text
from shared.domain.sourcing.reporting.periods import (
    ReportPeriod,
    french_date,
    french_number,
    median,
    month_of,
    p90,
    percent,
)

LATE_KINDS = ("D4", "D6")

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
    mission_titles: dict[str, str] = Field(default_factory=dict, description=(
        "Each of those missions by its title, its order's (« Mission : <the need's title> »): what the beneficiary's "
        "report names them by, the id beside it; a mission whose order has no title is left out (its id stands "
        "alone)."))
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
    siret: str | None = Field(description="The beneficiary's SIRET; null when its record names none (its report "
                                          "is still answered, the SIRET told « manquant » in French).")
    territory: str = Field(description="B18: the beneficiary's territory, whose calendar dates every figure is "
                                       "counted in (an event at 23:30 in Paris on 31 March is on 1 April in 974); "
                                       "75 (Paris) when its record names none.")
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


def _validated(need: NeedRecord, period: ReportPeriod, territory: str) -> ValidatedSearch | None:
    accepted = [h for h in need.history if h.get("status") == "accepted"]
    if not accepted:
        return None
    last = accepted[-1]
    at = dt.datetime.fromisoformat(str(last["at"]))
    if not period.contains(workdays.local_date(at, territory)):
        return None
    return ValidatedSearch(need_id=need.need_id, version=int(last.get("version", need.version)), title=need.title,
                           accepted_at=at, professional_id=last.get("professional_id"))


def _delays(facts: BeneficiaryFacts, period: ReportPeriod) -> Delays:
    days, hours = [], []
    for d in facts.deadlines:
        if d.kind != "D4" or d.stopped_at is None or not period.contains(workdays.local_date(d.started_at, d.territory)):
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
        if d.kind not in LATE_KINDS or not period.contains(workdays.local_date(d.started_at, d.territory)):
            continue
        state = d.check(now).state
        if state in (DeadlineState.MET, DeadlineState.MISSED):
            due[d.kind] += 1
            late[d.kind] += state is DeadlineState.MISSED
    by_kind = {k: LateCount(due=due[k], late=late[k], late_percent=percent(late[k], due[k])) for k in LATE_KINDS}
    total_due, total_late = sum(due.values()), sum(late.values())
    return LateAnswers(due=total_due, late=total_late, late_percent=percent(total_late, total_due), by_kind=by_kind)


def beneficiary_report(facts: BeneficiaryFacts, period: ReportPeriod, now: dt.datetime) -> BeneficiaryReport:
    """B6 over ``period``, every event dated in the beneficiary's territory (B18)."""
    territory = facts.calendar
    searches = sorted((v for v in (_validated(n, period, territory) for n in facts.needs) if v is not None),
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
            day, who = workdays.local_date(at, territory), holder_at(mission, at)
            missions_of[who].add(mission.mission_id)
            if day <= period.end:
                until_end[who] += amounts.get(line_id, 0)
            if period.contains(day):
                in_period[who][month_of(day)] += amounts.get(line_id, 0)
        for at in of.proofs_at:
            if period.contains(workdays.local_date(at, territory)):
                who = holder_at(mission, at)
                proofs[who] += 1
                missions_of[who].add(mission.mission_id)
    delivered = sorted(p for p in missions_of if proofs[p] or sum(in_period[p].values()))
    titles = {m.mission_id: title for m in facts.missions
              if m.order_id in orders and (title := orders[m.order_id].order.title.strip())}
    professionals = [ProfessionalRevenue(
        professional_id=p, name=facts.professional_names.get(p, p), mission_ids=sorted(missions_of[p]),
        mission_titles={m: titles[m] for m in sorted(missions_of[p]) if m in titles},
        proofs_of_service=proofs[p], period_cents=sum(in_period[p].values()), cumulated_cents=until_end[p],
        months=_months(period, in_period[p])) for p in delivered]
    total: dict[str, int] = defaultdict(int)
    for p in delivered:
        for month, cents in in_period[p].items():
            total[month] += cents
    return BeneficiaryReport(
        beneficiary_id=facts.beneficiary_id, name=facts.name, siret=facts.siret, territory=territory, period=period,
        generated_at=now,
        validated_searches=searches, professionals=professionals, revenue_cents=sum(total.values()),
        revenue_months=_months(period, total), response_delays=_delays(facts, period),
        late_answers=_late(facts, period, now))



def _missions_text(p: ProfessionalRevenue) -> str:
    """« Refonte du portail (n1-mission), … »: each mission by its title without the « Mission : » its « Missions »
    column says already, its id in parentheses."""
    titles = {m: _MISSION_PREFIX.sub("", t).strip() for m, t in p.mission_titles.items() if t}
    return ", ".join(f"{titles[m]} ({m})" if titles.get(m) else m for m in p.mission_ids)


_MISSION_PREFIX = re.compile(r"^\s*mission\s*:\s*", re.IGNORECASE)


def beneficiary_csv(r: BeneficiaryReport) -> bytes:
    rows: list[tuple] = [
        ("Rapport bénéficiaire", r.name, "SIRET", siret_text(r.siret)),
        ("Période du", french_date(r.period.start), "au", french_date(r.period.end)),
        (),
        ("Recherches validées", len(r.validated_searches)),
        ("Besoin", "Version", "Titre", "Acceptée le", "Professionnel"),
        *((s.need_id, s.version, s.title, french_date(workdays.local_date(s.accepted_at, r.territory)),
           s.professional_id or "")
          for s in r.validated_searches),
        (),
        ("Professionnels ayant réalisé une prestation", len(r.professionals)),
        ("Professionnel", "Nom", "Missions", "Services faits", "CA de la période (EUR)", "CA cumulé (EUR)"),
        *((p.professional_id, p.name, _missions_text(p), p.proofs_of_service, euros(p.period_cents),
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
        ("", r.response_delays.answered, french_number(r.response_delays.median_working_days),
         french_number(r.response_delays.p90_working_days), french_number(r.response_delays.median_working_hours),
         french_number(r.response_delays.p90_working_hours)),
        (),
        ("Réponses en retard", "Échues", "En retard", "En retard (%)"),
        *((kind, c.due, c.late, french_number(c.late_percent)) for kind, c in r.late_answers.by_kind.items()),
        ("Total", r.late_answers.due, r.late_answers.late, french_number(r.late_answers.late_percent)),
    ]
    return french_csv.write(rows)
