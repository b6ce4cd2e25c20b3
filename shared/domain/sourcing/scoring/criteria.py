"""The score of each criterion and the column filters, vectorised over the pool (B3)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np

from shared.domain.sourcing.records import (
    LEVEL_RANK,
    NeedContent,
    WorkMode,
)
from shared.domain.sourcing.scoring.config import (
    _REGIONS,
    _SERVICE_BIT,
    MIN_AVAILABILITY,
    TEXT_EXPONENT,
)
from shared.domain.sourcing.scoring.index import SearchIndex
from shared.domain.sourcing.text import analyse


def rotation_key(need_id: str, version: int, professional_id: str) -> int:
    digest = hashlib.blake2b(f"{need_id}:{version}:{professional_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def text_score(raw: np.ndarray, best: float) -> np.ndarray:
    """The text criterion from BM25: (raw / best of the pool) ** TEXT_EXPONENT, 0 without any match."""
    if best <= 0:
        return np.zeros(len(raw))
    return np.power(np.maximum(raw, 0) / best, TEXT_EXPONENT, dtype=np.float64)


def covered_days(index: SearchIndex, rows: np.ndarray | None, start: dt.date, end: dt.date) -> np.ndarray:
    """Days of [start, end] inside the availability periods of each row (all rows if None; rows increasing)."""
    a, b = start.toordinal(), end.toordinal()
    s1, e1, s2, e2, over_owner, over_start, over_end = index.slots()
    if rows is not None:
        s1, e1, s2, e2 = s1[rows], e1[rows], s2[rows], e2[rows]
    days = _overlap(s1, e1, a, b)
    days += _overlap(s2, e2, a, b)
    if len(over_owner):
        extra = _overlap(over_start, over_end, a, b)
        if rows is None:
            days += np.bincount(over_owner, weights=extra, minlength=len(index)).astype(days.dtype)
        elif len(rows):
            pos = np.minimum(np.searchsorted(rows, over_owner), len(rows) - 1)
            hit = rows[pos] == over_owner
            np.add.at(days, pos[hit], extra[hit])
    return days


def _overlap(starts: np.ndarray, ends: np.ndarray, a: int, b: int) -> np.ndarray:
    days = np.minimum(ends, b)
    days -= np.maximum(starts, a)
    days += 1
    return np.maximum(days, 0, out=days)


def availability_share(days: np.ndarray, start: dt.date, end: dt.date) -> np.ndarray:
    return np.minimum(days / ((end - start).days + 1), 1.0)


def certification_share(index: SearchIndex, rows: np.ndarray, certifications: Sequence[str]) -> np.ndarray:
    """Share of the requested certifications whose every term the professional's certifications hold."""
    if not certifications:
        return np.ones(len(rows))
    held = np.zeros(len(rows))
    for certification in certifications:
        terms = analyse(certification)
        if not terms:
            continue
        has = np.ones(len(rows), dtype=bool)
        for term in terms:
            column = index.cert_vocab.get(term)
            if column is None:
                has[:] = False
                break
            docs = index.cert_docs[index.cert_indptr[column]:index.cert_indptr[column + 1]]
            has &= _members(docs, rows)
        held += has
    return held / len(certifications)


def _members(sorted_docs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    if not len(sorted_docs):
        return np.zeros(len(rows), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_docs, rows), len(sorted_docs) - 1)
    return sorted_docs[pos] == rows


def criterion_scores(index: SearchIndex, need: NeedContent, rows: np.ndarray, text: np.ndarray,
                     days: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The score of every criterion for ``rows`` (``text``: their text criterion; ``days``: covered days)."""
    level_gap = index.level[rows].astype(np.int16) - LEVEL_RANK[need.level]
    level = np.where(level_gap < 0, 0.0, 1.0 - 0.2 * level_gap)
    if need.min_years_of_experience == 0:
        experience = np.ones(len(rows))
    else:
        experience = np.minimum(index.years[rows] / need.min_years_of_experience, 1.0)
    ceiling = need.daily_rate_ceiling_cents
    rates = index.rate[rows]
    rate = np.where(rates <= ceiling, 0.5 + 0.5 * (ceiling - rates) / ceiling, 0.0)
    if need.work_mode is WorkMode.REMOTE:
        location = np.ones(len(rows))
    else:
        same = index.region[rows] == _REGIONS.index(need.region)
        location = np.where(same, 1.0, 0.5 if need.work_mode is WorkMode.MIXED else 0.0)
    if days is None:
        days = covered_days(index, rows, need.start_date, need.end_date)
    return {
        "text": text,
        "availability": availability_share(days, need.start_date, need.end_date),
        "level": level,
        "experience": experience,
        "rate": rate,
        "location": location,
        "public_sector": index.public_sector[rows].astype(np.float64),
        "certifications": certification_share(index, rows, need.certifications),
        "rating": index.rating_score()[rows],
    }


def column_filters(index: SearchIndex, need: NeedContent, names: Sequence[str]) -> dict[str, np.ndarray | None]:
    """The hard filters that are one column comparison, over the whole pool (None: everybody passes)."""
    checks: dict[str, np.ndarray | None] = {}
    for name in names:
        if name == "service_type":
            checks[name] = (index.services & _SERVICE_BIT[need.nature]) > 0
        elif name == "level":
            checks[name] = index.level >= LEVEL_RANK[need.level] if LEVEL_RANK[need.level] else None
        elif name == "budget":
            checks[name] = index.rate32() <= need.daily_rate_ceiling_cents
        elif name == "place":
            checks[name] = index.region == _REGIONS.index(need.region) if need.work_mode is WorkMode.ON_SITE else None
        elif name == "public_sector":
            checks[name] = index.public_sector if need.public_sector_required else None
        elif name != "availability":
            raise ValueError(f"unknown hard filter {name}")
    return checks


def _available(days: np.ndarray, need: NeedContent) -> np.ndarray:
    return days >= MIN_AVAILABILITY * ((need.end_date - need.start_date).days + 1)
