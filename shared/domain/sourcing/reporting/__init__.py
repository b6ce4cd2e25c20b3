"""Reporting of part B (package: periods, facts, beneficiary B6, purchasing body B17, half-year): the beneficiary's report (B6) and the purchasing body's report (B17).

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

from pydantic import ConfigDict

from shared.domain.base import Root
from shared.domain.sourcing.reporting.beneficiary import *  # noqa: F401,F403
from shared.domain.sourcing.reporting.facts import *  # noqa: F401,F403
from shared.domain.sourcing.reporting.half_year import *  # noqa: F401,F403
from shared.domain.sourcing.reporting.periods import *  # noqa: F401,F403
from shared.domain.sourcing.reporting.purchasing_body import *  # noqa: F401,F403
from shared.domain.sourcing.reporting.beneficiary import BeneficiaryReport
from shared.domain.sourcing.reporting.half_year import HalfYearReportLink, HalfYearReportList
from shared.domain.sourcing.reporting.purchasing_body import PurchasingBodyReport
from shared.domain.sourcing.price_schedule import PriceScheduleList


class ReportView(Root[BeneficiaryReport | PurchasingBodyReport | HalfYearReportList | HalfYearReportLink
                      | PriceScheduleList]):
    """What get_report answers: one of its views, chosen by ?view= (and ?report_id=)."""

    model_config = ConfigDict(title="ReportView")
