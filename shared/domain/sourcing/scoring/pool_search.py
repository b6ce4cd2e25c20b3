"""The operator's search of the whole pool for a replacement (B12 replacement): by name, by skill, available
over the mission's remaining period, under a daily rate — column filters on the search index, no ranking.

The search only narrows the pool and puts the likeliest first (the mission's profile and rates, then the best
skill match, then the name); whether a professional may replace is still decided by ``replacement_errors`` on
its record. Availability here sums each professional's days in its periods, so overlapping periods may let one
through that the record refuses (``REPLACEMENT_NOT_AVAILABLE``): the record decides.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np

from shared.domain.sourcing.records import LEVEL_RANK, ExtraCosts, Level, ServiceType
from shared.domain.sourcing.scoring.config import _SERVICE_BIT
from shared.domain.sourcing.scoring.criteria import covered_days
from shared.domain.sourcing.scoring.index import SearchIndex
from shared.domain.sourcing.text import analyse


@dataclass(frozen=True)
class PoolFilters:
    """What the operator typed: each filter left empty keeps everybody."""

    name: str = ""
    skill: str = ""
    available: tuple[dt.date, dt.date] | None = None  # every day of [first, last] in the availability periods
    max_daily_rate_cents: int | None = None


@dataclass(frozen=True)
class Profile:
    """The mission's profile and rates a replacement must match (ordering only: the record decides)."""

    profile_category: str
    level: Level
    service_type: ServiceType
    daily_rate_cents: int
    extra_costs: ExtraCosts


def folded(text: str) -> str:
    """Lower case, without accents: « Émilie » and « emilie » meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_names(index: SearchIndex) -> np.ndarray:
    """The names folded once per loaded index (a unicode column: sortable, searched by substring)."""
    if "folded_names" not in index._derived:
        index._derived["folded_names"] = np.asarray([folded(n) for n in index.names], dtype=str)
    return index._derived["folded_names"]


def search_pool(index: SearchIndex, filters: PoolFilters, profile: Profile, *, exclude: str | None = None
                ) -> np.ndarray:
    """The rows of the index that pass every filter, the mission's profile first, then the best skill match,
    then by name and id."""
    keep = np.ones(len(index), dtype=bool)
    if exclude is not None and exclude in index.ids:
        keep[index.ids.index(exclude)] = False
    if filters.max_daily_rate_cents is not None:
        keep &= index.rate <= filters.max_daily_rate_cents
    if filters.name.strip():
        wanted = folded(filters.name.strip())
        keep &= np.char.find(_folded_names(index), wanted) >= 0
    skill = np.zeros(len(index), dtype=np.float64)
    if filters.skill.strip():
        skill = np.asarray(index.bm25_scores(index.term_ids(analyse(filters.skill))), dtype=np.float64)
        keep &= skill > 0
    if filters.available is not None:
        first, last = filters.available
        if last >= first:
            keep &= covered_days(index, None, first, last) >= (last - first).days + 1
    rows = np.flatnonzero(keep)
    costs = profile.extra_costs
    same = ((np.asarray([index.category[i] == profile.profile_category for i in rows], dtype=bool))
            & (index.level[rows] == LEVEL_RANK[profile.level])
            & ((index.services[rows] & _SERVICE_BIT[profile.service_type]) > 0)
            & (index.rate[rows] == profile.daily_rate_cents)
            & (index.extra[rows] == costs.travel_cents + costs.lodging_cents + costs.meals_cents))
    # rows are numbered by id: the last key; np.lexsort sorts by its last key first
    order = np.lexsort((rows, _folded_names(index)[rows], -skill[rows], ~same))
    return rows[order]
