"""Reporting of part B (B6, B17): pure aggregation, every expected figure computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.domain.workdays import PARIS
from shared.domain.deadlines import Deadline, DeadlineState, Unit
from shared.domain.orders import Order, OrderLine, OrderState, SiteRef
from shared.domain.sourcing import reporting as rep
from shared.domain.sourcing.price_schedule import PRICE_SCHEDULE, PriceLine, PriceSchedule
from shared.domain.sourcing.process import RecordedDeadline as DocDeadline
from shared.domain.sourcing.process import Milestone, Mission, NeedRecord, Replacement
from shared.domain.sourcing.records import ExtraCosts, Level, ServiceType
from tests.sourcing_builders import SIRET_CANUT, SIRET_OTHER

H1 = rep.ReportPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
NOW = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
SCHEDULE = PriceSchedule(version="test", valid_from=dt.date(2026, 1, 1), fee_rate_bps=200, lines={
    "CHEF-PROJET": PriceLine(category="CHEF-PROJET", label="Chef de projet", reference_daily_rate_cents=75_000),
    "DEVELOPPEUR": PriceLine(category="DEVELOPPEUR", label="Développeur", reference_daily_rate_cents=60_000)})


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def line(line_id: str, code: str, days: int, rate: int) -> OrderLine:
    return OrderLine(line_id=line_id, service_code=code, label=f"Ligne {line_id}", quantity=Decimal(days), unit="j",
                     unit_price_cents=rate)


def an_order(order_id: str, manager: str, issued_on: str, lines: list[OrderLine], **fields) -> Order:
    issued = dt.datetime.combine(dt.date.fromisoformat(issued_on), dt.time(0), tzinfo=PARIS).astimezone(dt.UTC)
    return Order(order_id=order_id, manager_id=manager, contractor_id="ctr-titulaire", contract_id="AC-2024-AOO-PFI",
                 title="Mission : contenu confidentiel du besoin", site=SiteRef(node_id=manager), lines=lines,
                 issued_at=issued, **fields)


def a_need(need_id: str, history: list[dict]) -> NeedRecord:
    at = utc("2025-11-03T09:00:00+00:00")
    return NeedRecord(need_id=need_id, beneficiary_id="ben-lyon", version=1, status="accepted", title=f"Besoin {need_id}",
                      submitted_at=at, updated_at=at, history=history,
                      d4=DocDeadline(code="D4", started_at=at, due=dt.date(2025, 11, 17), unit="working_days",
                                     calendar="holidays:69"))


def a_mission(need_id: str, professional: str, replacements: tuple[Replacement, ...] = ()) -> Mission:
    return Mission(mission_id=f"{need_id}-mission", beneficiary_id="ben-lyon", need_id=need_id, need_version=1,
                   professional_id=professional, profile_category="CHEF-PROJET", level=Level.SENIOR,
                   service_type=ServiceType.AMOA, daily_rate_cents=65_000, extra_costs=ExtraCosts(),
                   start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 6, 30), deliverables=["Cahier de recette"],
                   milestones=[Milestone(milestone_id="j1", label="Stratégie", days=10, due=dt.date(2026, 4, 30))],
                   planned_budget_cents=0, order_id=f"BC-{need_id}", framed_at=utc("2026-03-13T09:00:00+00:00"),
                   replacements=list(replacements))


def a_deadline(name: str, kind: str, started: str, due: str, state: DeadlineState, stopped: str | None = None) -> Deadline:
    return Deadline(deadline_id=name, kind=kind, tenant_id="ben-lyon", territory="69", started_at=utc(started),
                    due_at=utc(due), length_amount=10, length_unit=Unit.WORKING_DAYS, state=state,
                    stopped_at=utc(stopped) if stopped else None)


def lyon_facts() -> rep.BeneficiaryFacts:
    """ben-lyon's history, first half of 2026 (territory 69)."""
    replaced = Replacement(reason="insufficiency", requested_at=utc("2026-05-11T08:00:00+00:00"),
                           deadline=DocDeadline(code="D6", started_at=utc("2026-05-11T08:00:00+00:00"),
                                                due=dt.date(2026, 5, 26), unit="working_days", calendar="holidays:69"),
                           leaving_professional_id="pro-anne", replaced_by="pro-bruno",
                           replaced_at=utc("2026-05-20T10:00:00+00:00"))
    bc_n1 = an_order("BC-n1", "ben-lyon", "2026-03-13", [
        line("j1", "CHEF-PROJET", 10, 65_000), line("j2", "CHEF-PROJET", 30, 65_000), line("frais", "FRAIS", 40, 5_000)],
        line_status={"j1": True, "j2": True, "frais": True})
    bc_n2 = an_order("BC-n2", "ben-lyon", "2025-12-21", [
        line("k1", "CHEF-PROJET", 5, 50_000), line("k2", "CHEF-PROJET", 3, 50_000)],
        line_status={"k1": True, "k2": True})
    bc_x = an_order("BC-x", "ben-lyon", "2026-05-05", [line("d1", "DEVELOPPEUR", 10, 50_000)],
                    state=OrderState.CANCELLED)
    return rep.BeneficiaryFacts(
        beneficiary_id="ben-lyon", name="Métropole de Lyon", siret=SIRET_CANUT, territory="69",
        needs=[a_need("n1", [{"version": 1, "status": "proposed", "at": "2026-03-10T09:00:00+00:00"},
                             {"version": 1, "status": "accepted", "at": "2026-03-12T10:00:00+00:00",
                              "professional_id": "pro-anne"}]),
               a_need("n2", [{"version": 1, "status": "accepted", "at": "2025-12-20T10:00:00+00:00",
                              "professional_id": "pro-chloe"}]),
               a_need("n3", [{"version": 1, "status": "proposed", "at": "2026-04-01T10:00:00+00:00"}])],
        missions=[a_mission("n1", "pro-bruno", (replaced,)), a_mission("n2", "pro-chloe")],
        orders=[
            # j1 done in April (Anne), j2 in June (Bruno, after the replacement), the extra costs
            # at 23:30 in Paris on 30 June... UTC, i.e. 1 July in Paris: outside the half-year
            rep.OrderFacts(order=bc_n1, line_done_at={"j1": utc("2026-04-30T16:00:00+00:00"),
                                                      "j2": utc("2026-06-15T09:00:00+00:00"),
                                                      "frais": utc("2026-06-30T22:30:00+00:00")},
                           proofs_at=[utc("2026-05-02T09:00:00+00:00")]),
            # k1 done before the period, k2 inside it
            rep.OrderFacts(order=bc_n2, line_done_at={"k1": utc("2025-12-22T09:00:00+00:00"),
                                                      "k2": utc("2026-02-10T09:00:00+00:00")}),
            rep.OrderFacts(order=bc_x)],
        deadlines=[
            # Mon 2 Mar 10:00 → Wed 4 Mar 16:00 (Paris): 2 working days, 8 + 9 + 7 = 24 working hours
            a_deadline("d4-a", "D4", "2026-03-02T09:00:00+00:00", "2026-03-16T23:00:00+00:00", DeadlineState.MET,
                       "2026-03-04T15:00:00+00:00"),
            # Fri 3 Apr 10:00 → Tue 7 Apr 10:00, Easter Monday between: 1 working day, 8 + 1 = 9 hours
            a_deadline("d4-b", "D4", "2026-04-03T08:00:00+00:00", "2026-04-17T22:00:00+00:00", DeadlineState.MET,
                       "2026-04-07T08:00:00+00:00"),
            # Mon 1 Jun 9:00 → Tue 16 Jun 16:00, due 15 Jun: 11 working days, 9 + 36 + 45 + 9 + 7 = 106 hours, missed
            a_deadline("d4-c", "D4", "2026-06-01T07:00:00+00:00", "2026-06-15T22:00:00+00:00", DeadlineState.MISSED,
                       "2026-06-16T14:00:00+00:00"),
            # started before the period: not counted
            a_deadline("d4-d", "D4", "2025-12-15T09:00:00+00:00", "2026-01-05T23:00:00+00:00", DeadlineState.MISSED,
                       "2026-01-06T09:00:00+00:00"),
            # still running in time on 1 July: not yet due
            a_deadline("d4-e", "D4", "2026-06-25T08:00:00+00:00", "2026-07-09T22:00:00+00:00", DeadlineState.RUNNING),
            # running on the record but past due on 1 July (the sweep has not run): missed
            a_deadline("d4-i", "D4", "2026-06-10T07:00:00+00:00", "2026-06-24T22:00:00+00:00", DeadlineState.RUNNING),
            a_deadline("d6-f", "D6", "2026-05-11T08:00:00+00:00", "2026-05-26T22:00:00+00:00", DeadlineState.MISSED),
            a_deadline("d6-g", "D6", "2026-02-02T08:00:00+00:00", "2026-02-16T23:00:00+00:00", DeadlineState.MET,
                       "2026-02-05T08:00:00+00:00"),
            # D5 is not an answer the report counts
            a_deadline("d5-h", "D5", "2026-03-02T08:00:00+00:00", "2026-03-16T23:00:00+00:00", DeadlineState.MISSED),
        ],
        professional_names={"pro-anne": "Anne Durand", "pro-bruno": "Bruno Petit", "pro-chloe": "Chloé Martin"})


def annecy_facts() -> rep.BeneficiaryFacts:
    bc_a1 = an_order("BC-a1", "ben-annecy", "2026-05-20", [
        line("a1", "DEVELOPPEUR", 20, 55_000), line("a2", "DATA-SCIENTIST", 5, 80_000)], line_status={"a1": True})
    return rep.BeneficiaryFacts(beneficiary_id="ben-annecy", name="Ville d'Annecy", siret=SIRET_OTHER, territory="74",
                                orders=[rep.OrderFacts(order=bc_a1, line_done_at={"a1": utc("2026-06-01T09:00:00+00:00")})])


# --- B6 -------------------------------------------------------------------------------------------


def test_a_validated_search_is_a_need_accepted_in_the_period():
    # Given needs accepted in March 2026, in December 2025, and one only proposed
    report = rep.beneficiary_report(lyon_facts(), H1, NOW)
    # Then only the March acceptance counts, with who was accepted and when
    assert [(s.need_id, s.professional_id, s.accepted_at) for s in report.validated_searches] == [
        ("n1", "pro-anne", utc("2026-03-12T10:00:00+00:00"))]


def test_revenue_goes_to_whoever_held_the_mission_when_the_line_was_reported_done():
    # Given a mission Anne left for Bruno on 20 May, lines done in April and June, extra costs done on 1 July (Paris)
    report = rep.beneficiary_report(lyon_facts(), H1, NOW)
    by_id = {p.professional_id: p for p in report.professionals}
    # Then Anne earned April's milestone (10 × 650 €) and has the proof of service of 2 May
    anne = by_id["pro-anne"]
    assert (anne.name, anne.period_cents, anne.cumulated_cents, anne.proofs_of_service) == (
        "Anne Durand", 650_000, 650_000, 1)
    assert [(m.month, m.cents, m.cumulated_cents) for m in anne.months] == [
        ("2026-01", 0, 0), ("2026-02", 0, 0), ("2026-03", 0, 0), ("2026-04", 650_000, 650_000),
        ("2026-05", 0, 650_000), ("2026-06", 0, 650_000)]
    # And Bruno June's (30 × 650 €); the extra costs, done on 1 July in Paris, are in neither
    assert (by_id["pro-bruno"].period_cents, by_id["pro-bruno"].cumulated_cents) == (1_950_000, 1_950_000)
    # And Chloé, whose mission began in 2025, earned 3 × 500 € in February, 8 × 500 € in all
    assert (by_id["pro-chloe"].period_cents, by_id["pro-chloe"].cumulated_cents) == (150_000, 400_000)
    assert by_id["pro-chloe"].mission_ids == ["n2-mission"]
    # named by its order's title, for the beneficiary whose mission it is (its CSV too: the title, the id beside it)
    assert by_id["pro-chloe"].mission_titles == {"n2-mission": "Mission : contenu confidentiel du besoin"}
    csv = rep.beneficiary_csv(report).decode("utf-8-sig")
    # under its « Missions » column, each mission without the « Mission : » the column says already
    assert "contenu confidentiel du besoin (n2-mission)" in csv and "Mission : contenu" not in csv
    # And the month totals add up: 1 500 € in February, 6 500 € in April, 19 500 € in June
    assert report.revenue_cents == 150_000 + 650_000 + 1_950_000
    assert [(m.month, m.cents, m.cumulated_cents) for m in report.revenue_months] == [
        ("2026-01", 0, 0), ("2026-02", 150_000, 150_000), ("2026-03", 0, 150_000), ("2026-04", 650_000, 800_000),
        ("2026-05", 0, 800_000), ("2026-06", 1_950_000, 2_750_000)]


def test_a_beneficiary_overseas_counts_its_figures_in_its_own_calendar():
    # Given the same history for a beneficiary in Martinique (UTC-4): the extra costs reported done at 22:30 UTC
    # on 30 June — 1 July in Paris, but 18:30 on 30 June in Fort-de-France —, and an order issued on
    # 31 December 2025 at 23:00 in Martinique (1 January 2026 in Paris)
    facts = lyon_facts()
    late_order = an_order("BC-nye", "ben-lyon", "2026-01-01", [line("z1", "DEVELOPPEUR", 1, 50_000)]).model_copy(
        update={"issued_at": utc("2026-01-01T03:00:00+00:00")})
    martinique = facts.model_copy(update={"territory": "972", "orders": [*facts.orders, rep.OrderFacts(order=late_order)]})
    # When both reports are made for the first half of 2026
    report = rep.beneficiary_report(martinique, H1, NOW)
    volume = rep.purchasing_body_report([martinique], H1, SCHEDULE, NOW)
    # Then B6 counts the extra costs (40 × 50 €) in Bruno's June, and says whose calendar it used (B18)
    bruno = {p.professional_id: p for p in report.professionals}["pro-bruno"]
    assert (report.territory, bruno.period_cents) == ("972", 1_950_000 + 200_000)
    assert report.revenue_months[-1].cents == 1_950_000 + 200_000
    # And B17 leaves out the order issued on 31 December in Martinique: still 2025 there
    assert "BC-nye" not in {o.order_id for o in volume.orders}
    assert rep.beneficiary_report(lyon_facts(), H1, NOW).territory == "69"


def test_a_professional_who_delivered_nothing_in_the_period_is_not_listed():
    # Given Chloé's February line moved to December 2025: she delivered only before the period
    facts = lyon_facts()
    orders = [o if o.order.order_id != "BC-n2" else o.model_copy(update={"line_done_at": {
        "k1": utc("2025-12-22T09:00:00+00:00"), "k2": utc("2025-12-23T09:00:00+00:00")}}) for o in facts.orders]
    report = rep.beneficiary_report(facts.model_copy(update={"orders": orders}), H1, NOW)
    # Then the professionals who delivered are Anne and Bruno only
    assert [p.professional_id for p in report.professionals] == ["pro-anne", "pro-bruno"]


def test_response_delays_count_working_days_and_hours_of_the_beneficiary_territory():
    # Given three D4 answered in the half-year: 2, 1 (Easter Monday skipped) and 11 working days
    delays = rep.beneficiary_report(lyon_facts(), H1, NOW).response_delays
    # Then the median is the middle one and p90 the largest (nearest rank of 3 values: the 3rd)
    assert delays.answered == 3
    assert (delays.median_working_days, delays.p90_working_days) == (2.0, 11.0)
    assert (delays.median_working_hours, delays.p90_working_hours) == (24.0, 106.0)


def test_late_answers_are_missed_d4_and_d6_over_those_due():
    # Given D4: two met, one missed, one past due on the record still running, one running in time;
    # D6: one met, one missed; a D5 missed and a D4 of December 2025
    late = rep.beneficiary_report(lyon_facts(), H1, NOW).late_answers
    # Then D4 counts 4 due and 2 late, D6 2 due and 1 late: 3 late answers of 6, 50 %
    assert (late.by_kind["D4"].due, late.by_kind["D4"].late, late.by_kind["D4"].late_percent) == (4, 2, 50.0)
    assert (late.by_kind["D6"].due, late.by_kind["D6"].late, late.by_kind["D6"].late_percent) == (2, 1, 50.0)
    assert (late.due, late.late, late.late_percent) == (6, 3, 50.0)


def test_a_third_late_is_rounded_to_two_decimals():
    # Given the past-due D4 taken away: D4 has 3 due, 1 late
    facts = lyon_facts()
    facts = facts.model_copy(update={"deadlines": [d for d in facts.deadlines if d.deadline_id != "d4-i"]})
    late = rep.beneficiary_report(facts, H1, NOW).late_answers
    # Then 1 of 3 is 33.33 %, and 2 of 5 in all is 40 %
    assert late.by_kind["D4"].late_percent == 33.33
    assert (late.due, late.late, late.late_percent) == (5, 2, 40.0)


def test_an_empty_history_gives_zeros_and_no_ratio():
    # Given a beneficiary with nothing yet
    facts = rep.BeneficiaryFacts(beneficiary_id="ben-new", name="Nouveau", siret=SIRET_OTHER, territory="75")
    report = rep.beneficiary_report(facts, H1, NOW)
    # Then there is nothing to count and no ratio is invented
    assert (report.validated_searches, report.professionals, report.revenue_cents) == ([], [], 0)
    assert report.response_delays.median_working_days is None and report.late_answers.late_percent is None


def test_the_beneficiary_csv_follows_french_conventions():
    # Given the half-year report of ben-lyon
    body = rep.beneficiary_csv(rep.beneficiary_report(lyon_facts(), H1, NOW))
    # Then it is UTF-8 with a BOM, ';'-separated, with decimal commas and French dates
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == f"Rapport bénéficiaire;Métropole de Lyon;SIRET;{SIRET_CANUT}"
    assert lines[1] == "Période du;01/01/2026;au;30/06/2026"
    assert "n1;1;Besoin n1;12/03/2026;pro-anne" in lines
    assert "pro-chloe;Chloé Martin;contenu confidentiel du besoin (n2-mission);0;1500,00;4000,00" in lines
    assert "Total;2026-06;19500,00;27500,00" in lines
    assert ";3;2;11;24;106" in lines
    assert "D4;4;2;50" in lines


def test_a_beneficiary_whose_record_names_no_siret_nor_territory_is_reported_on_paris_calendar_siret_missing():
    # Given a beneficiary registered by its name alone, an order issued in June, one at 22:30 UTC on 30 June
    # (1 July in Paris)
    june = an_order("BC-n1", "ben-nom", "2026-06-10", [line("n1", "DEVELOPPEUR", 2, 55_000)])
    late = an_order("BC-n2", "ben-nom", "2026-06-10", [line("n2", "DEVELOPPEUR", 3, 55_000)]).model_copy(
        update={"issued_at": utc("2026-06-30T22:30:00+00:00")})
    facts = rep.BeneficiaryFacts(beneficiary_id="ben-nom", name="Commune sans SIRET",
                                 orders=[rep.OrderFacts(order=june), rep.OrderFacts(order=late)])
    # When the purchasing body's report (B17) and its own (B6) are made
    report = rep.purchasing_body_report([annecy_facts(), facts], H1, SCHEDULE, NOW)
    own = rep.beneficiary_report(facts, H1, NOW)
    # Then it is counted, by its name, its SIRET null, its orders dated on Paris's calendar (the second in July)
    counted = {b.beneficiary_id: b for b in report.beneficiaries}["ben-nom"]
    assert (counted.name, counted.siret, counted.orders, counted.cents) == ("Commune sans SIRET", None, 1, 110_000)
    assert [(o.order_id, o.siret) for o in report.orders if o.beneficiary_id == "ben-nom"] == [("BC-n1", None)]
    assert (own.siret, own.territory) == (None, "75")
    # And the French CSVs say its SIRET is missing
    rows = rep.purchasing_body_csv(report).decode("utf-8-sig").split("\r\n")
    assert "Commune sans SIRET (SIRET manquant);mois;2026-06;1;1100,00" in rows
    assert any(r.startswith("BC-n1;ben-nom;manquant;10/06/2026;") for r in rows)
    assert rep.beneficiary_csv(own).decode("utf-8-sig").split("\r\n")[0] == \
        "Rapport bénéficiaire;Commune sans SIRET;SIRET;manquant"


# --- B17 ------------------------------------------------------------------------------------------


def test_business_volume_counts_orders_issued_in_the_period_except_cancelled_ones():
    # Given Lyon's order of 13 March (28 000 €), a cancelled one in May and one of December 2025,
    # and Annecy's order of 20 May (15 000 €)
    report = rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW)
    # Then the volume is 43 000 € in two orders, by month, quarter and year
    v = report.volume
    assert (v.cents, v.orders) == (4_300_000, 2)
    assert [(b.period, b.cents, b.orders) for b in v.months if b.cents] == [
        ("2026-03", 2_800_000, 1), ("2026-05", 1_500_000, 1)]
    assert [(b.period, b.cents) for b in v.quarters] == [("2026-Q1", 2_800_000), ("2026-Q2", 1_500_000)]
    assert [(b.period, b.cents, b.orders) for b in v.years] == [("2026", 4_300_000, 2)]
    # And per beneficiary, identified by SIRET
    assert [(b.beneficiary_id, b.siret, b.cents) for b in report.beneficiaries] == [
        ("ben-annecy", SIRET_OTHER, 1_500_000), ("ben-lyon", SIRET_CANUT, 2_800_000)]


def test_every_order_of_the_period_is_listed_without_the_content_of_the_need():
    # Given the same history
    report = rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW)
    # Then the three orders issued in the half-year are listed, the cancelled one flagged
    assert [(o.order_id, o.issued_on, o.total_cents, o.consumed_cents, o.days, o.counted) for o in report.orders] == [
        ("BC-a1", dt.date(2026, 5, 20), 1_500_000, 1_100_000, 25.0, True),
        ("BC-n1", dt.date(2026, 3, 13), 2_800_000, 2_800_000, 40.0, True),
        ("BC-x", dt.date(2026, 5, 5), 500_000, 0, 10.0, False)]
    # And nothing of the need's text reaches the purchasing body
    assert "confidentiel" not in report.model_dump_json()


def test_price_lines_share_the_volume_and_gains_are_measured_against_reference_rates():
    # Given reference rates of 750 € (chef de projet) and 600 € (développeur), none for data scientists
    report = rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW)
    lines = {p.category: p for p in report.price_lines}
    # Then 40 days at 650 € instead of 750 € gain 4 000 €; 20 days at 550 € instead of 600 € gain 1 000 €
    assert (lines["CHEF-PROJET"].days, lines["CHEF-PROJET"].cents, lines["CHEF-PROJET"].share_percent,
            lines["CHEF-PROJET"].gain_cents) == (40.0, 2_600_000, 60.47, 400_000)
    assert (lines["DEVELOPPEUR"].cents, lines["DEVELOPPEUR"].share_percent, lines["DEVELOPPEUR"].gain_cents) == (
        1_100_000, 25.58, 100_000)
    # And categories without a reference rate (and extra costs) share the volume but gain nothing
    assert (lines["DATA-SCIENTIST"].share_percent, lines["DATA-SCIENTIST"].gain_cents) == (9.30, None)
    assert (lines["FRAIS"].cents, lines["FRAIS"].share_percent, lines["FRAIS"].gain_cents) == (200_000, 4.65, None)
    # And a category the schedule does not know (a quote's line added to a mission's order) is named by its order
    # line's own label, not by its code twice; the schedule's label wins where it has one
    assert (lines["DATA-SCIENTIST"].label, lines["CHEF-PROJET"].label) == ("Ligne a2", "Chef de projet")
    # And the gain is 5 000 € on 42 000 € at reference rates: 11.90 %
    g = report.gains
    assert (g.reference_cents, g.contracted_cents, g.gain_cents, g.gain_percent) == (4_200_000, 3_700_000, 500_000, 11.90)


def test_return_on_investment_sets_the_gain_against_the_fees_on_the_volume():
    # Given a 2 % fee on 43 000 € of business volume (860 €) and 5 000 € of gains
    roi = rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW).roi
    # Then ROI = (5 000 − 860) / 860 = 481.40 %
    assert (roi.fees_cents, roi.gain_cents, roi.roi_percent) == (86_000, 500_000, 481.40)


def test_the_purchasing_body_csv_follows_french_conventions():
    body = rep.purchasing_body_csv(rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW))
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").split("\r\n")
    assert "Total;2;43000,00" in lines
    assert f"Ville d'Annecy (SIRET {SIRET_OTHER});trimestre;2026-Q2;1;15000,00" in lines
    assert "CHEF-PROJET;Chef de projet;40;26000,00;60,47;750,00;4000,00" in lines
    assert ";42000,00;37000,00;5000,00;11,9" in lines
    assert ";2;860,00;5000,00;481,4" in lines


def test_the_purchasing_body_csv_names_each_order_state_in_french():
    # Given the half-year's orders, one of them cancelled
    body = rep.purchasing_body_csv(rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, SCHEDULE, NOW))
    orders = [line for line in body.decode("utf-8-sig").split("\r\n") if line.startswith("BC-")]
    # Then each state is the French label the screens show, never the API's value
    states = {line.split(";")[0]: line.split(";")[4] for line in orders}
    assert states["BC-x"] == "annulé"
    assert not {"cancelled", "received", "acknowledged", "to_acknowledge"} & set(states.values())


def test_the_shipped_price_schedule_prices_the_categories_the_platform_uses():
    # The builders' and the contracts' categories have a reference rate; extra costs never do
    assert PRICE_SCHEDULE.reference_rate("CHEF-PROJET") == 75_000
    assert PRICE_SCHEDULE.reference_rate("CHEF-PROJET-AMOA") == 78_000
    assert PRICE_SCHEDULE.reference_rate("FRAIS") is None


# --- periods and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 11, 23), "2026-H1"), (dt.date(2026, 7, 1), "2026-H1"),
    (dt.date(2026, 6, 30), "2025-H2"), (dt.date(2027, 1, 1), "2026-H2")])
def test_the_scheduled_report_covers_the_last_completed_half_year(today, expected):
    assert rep.last_completed_half_year(today) == expected


def test_half_years_run_from_january_to_june_and_july_to_december():
    assert rep.half_year("2026-H1") == rep.ReportPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert rep.half_year("2026-H2") == rep.ReportPeriod(start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31))
    assert rep.half_year("2026-H3") is None and rep.half_year_report_id("2026-H1") == "half-year-2026-H1"


def test_the_default_period_is_the_calendar_year_to_date_and_bad_dates_are_named():
    assert rep.parse_period(None, None, dt.date(2026, 11, 23)) == (
        rep.ReportPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 11, 23)), [])
    _, errors = rep.parse_period("2026-13-01", "hier", dt.date(2026, 11, 23))
    assert [(e.field, e.code) for e in errors] == [("query.from", "INVALID_FORMAT"), ("query.to", "INVALID_FORMAT")]
    _, errors = rep.parse_period("2026-06-01", "2026-05-01", dt.date(2026, 11, 23))
    assert [(e.field, e.code) for e in errors] == [("query.to", "INVALID_PERIOD")]


def test_a_line_is_dated_by_the_event_that_last_reported_it_done():
    # Given j1 done, undone, done again; j2 done once; j3 done on the order but in no event
    order = an_order("BC-e", "ben-lyon", "2026-03-01", [line("j1", "X", 1, 1), line("j2", "X", 1, 1),
                                                         line("j3", "X", 1, 1), line("j4", "X", 1, 1)],
                     line_status={"j1": True, "j2": True, "j3": True, "j4": False},
                     last_event_at=utc("2026-03-20T10:00:00+00:00"))

    def event(seq: int, at: str, *statuses: tuple[str, bool]) -> dict:
        return {"sequence": seq, "occurred_at": at, "received_at": at,
                "report": {"line_statuses": [{"line_id": i, "done": d} for i, d in statuses]}}

    events = [event(3, "2026-03-12T10:00:00+00:00", ("j1", True), ("j2", True)),
              event(1, "2026-03-05T10:00:00+00:00", ("j1", True)),
              event(2, "2026-03-06T10:00:00+00:00", ("j1", False), ("j4", True)),
              {"sequence": None, "occurred_at": "2026-03-07T10:00:00+00:00", "received_at": "2026-03-07T10:00:00+00:00"}]
    # Then each done line has the date of its last "done", and j3 the order's last event; j4 is not done
    assert rep.line_done_times(order, events) == {
        "j1": utc("2026-03-12T10:00:00+00:00"), "j2": utc("2026-03-12T10:00:00+00:00"),
        "j3": utc("2026-03-20T10:00:00+00:00")}


# --- the price schedule as versioned data ------------------------------------------------------------

MAY_SCHEDULE = PriceSchedule(version="2026-05", valid_from=dt.date(2026, 5, 1), fee_rate_bps=300, lines={
    "CHEF-PROJET": PriceLine(category="CHEF-PROJET", label="Chef de projet", reference_daily_rate_cents=80_000),
    "DEVELOPPEUR": PriceLine(category="DEVELOPPEUR", label="Développeur", reference_daily_rate_cents=70_000)})


def test_each_order_is_measured_against_the_price_schedule_in_force_on_the_day_it_was_issued():
    # Given the schedule of January (750 € / 600 €, 2 % fee) and a new version from 1 May (800 € / 700 €, 3 %)
    report = rep.purchasing_body_report([lyon_facts(), annecy_facts()], H1, [SCHEDULE, MAY_SCHEDULE], NOW)
    lines = {p.category: p for p in report.price_lines}
    # Then Lyon's March order keeps January's 750 € (40 days: 4 000 € gained), Annecy's May order gets May's 700 €
    # (20 days at 550 €: 3 000 € gained) — the May version changed nothing before its date
    assert (lines["CHEF-PROJET"].reference_daily_rate_cents, lines["CHEF-PROJET"].gain_cents) == (75_000, 400_000)
    assert (lines["DEVELOPPEUR"].reference_daily_rate_cents, lines["DEVELOPPEUR"].gain_cents) == (70_000, 300_000)
    assert (report.gains.reference_cents, report.gains.gain_cents) == (4_400_000, 700_000)
    # And the fees follow each order's date too: 2 % of 28 000 € + 3 % of 15 000 € = 1 010 €
    assert (report.roi.fees_cents, report.roi.fee_rate_bps) == (101_000, None)
    assert report.price_schedule_version == "test, 2026-05"
    body = rep.purchasing_body_csv(report).decode("utf-8-sig").split("\r\n")
    assert ";plusieurs;1010,00;7000,00;593,07" in body
