"""The framework agreement's price schedule for sourcing (BPU, B4/B17): profile categories.

A professional's ``profile_category`` names one price line; a mission's order lines carry it
as ``service_code`` at the professional's contracted daily rate. For the purchasing-body
report (B17) each price line also carries a **reference daily rate**: what a public buyer
paid for that profile outside the framework when the agreement was awarded (the buyer's
prior price study, "prix de référence"). Purchasing gains are measured against it.

It is data, kept small on purpose: one version, the categories the platform uses, and the
fee rate the central purchasing body charges on the business volume (the cost side of the
return on investment). A category absent from the schedule (or the ``FRAIS`` line of extra
costs) has no reference rate: it counts in the volume, never in the gains. Definitions:
docs/sourcing.md, "Reporting".
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class PriceLine(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    category: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    reference_daily_rate_cents: Annotated[int, Field(gt=0, le=10**7)]


class PriceSchedule(BaseModel):
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
