"""``rank``: the best candidates of the pool for one need version, exact and pruned, with their French
explanation (B3 ranked results, B10 partial matches, fair rotation of ties)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shared.domain.sourcing.records import (
    LEVEL_LABELS,
    REGION_LABELS,
    WORK_MODE_LABELS,
    NeedContent,
)
from shared.domain.sourcing.scoring.config import (
    _LEVELS,
    _REGIONS,
    DEFAULT_FILTERS,
    DEFAULT_LIMIT,
    DEFAULT_WEIGHTS,
    FILTER_LABELS,
    PLATEAU,
    PRUNE_BLOCK,
    TEXT_EXPONENT,
    TIE_BAND,
    amount_label,
)
from shared.domain.sourcing.scoring.criteria import (
    _available,
    column_filters,
    covered_days,
    criterion_scores,
    rotation_key,
    text_score,
)
from shared.domain.sourcing.scoring.index import SearchIndex
from shared.domain.sourcing.text import analyse_query, fold, matched_phrases

# --- the ranking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    professional_id: str
    name: str
    rank: int
    total: float
    partial: bool
    criteria: dict[str, float]
    filters: dict[str, bool]
    missed: list[str]
    matched_terms: list[str]
    daily_rate_cents: int
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {"professional_id": self.professional_id, "name": self.name, "rank": self.rank,
                "total": self.total, "partial": self.partial, "criteria": self.criteria, "filters": self.filters,
                "missed": self.missed, "matched_terms": self.matched_terms,
                "daily_rate_cents": self.daily_rate_cents, "explanation": self.explanation}


@dataclass(frozen=True)
class Ranking:
    candidates: list[Candidate]
    partial: bool
    pool_size: int
    full_matches: int
    weights: dict[str, float]
    filters: tuple[str, ...]
    query_terms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"candidates": [c.as_dict() for c in self.candidates], "partial": self.partial,
                "pool_size": self.pool_size, "full_matches": self.full_matches, "weights": self.weights,
                "filters": list(self.filters), "query_terms": self.query_terms}



@dataclass
class _Scored:
    rows: np.ndarray                # pool rows, increasing
    failed: np.ndarray              # filters missed per row
    scores: dict[str, np.ndarray]   # criterion → score per row
    total: np.ndarray


def rank(index: SearchIndex, need: NeedContent, need_id: str, version: int, *,
         weights: Mapping[str, float] = DEFAULT_WEIGHTS, filters: Sequence[str] = DEFAULT_FILTERS,
         limit: int = DEFAULT_LIMIT) -> Ranking:
    """The best ``limit`` candidates for one need version, explained."""
    n = len(index)
    query, surface = analyse_query(need.search_text())
    term_ids = index.term_ids(query)
    raw = index.bm25_scores(term_ids)
    best = float(raw.max()) if n else 0.0
    columns = column_filters(index, need, filters)
    passing = None
    for mask in columns.values():
        if mask is not None:
            passing = mask if passing is None else passing & mask
    candidates = np.flatnonzero(passing) if passing is not None else np.arange(n)
    days = covered_days(index, candidates, need.start_date, need.end_date)
    available = _available(days, need) if "availability" in filters else None
    full = len(candidates) if available is None else int(np.count_nonzero(available))
    partial = full == 0
    if not partial:
        scored = _best_by_total(index, need, raw, best, candidates, days, weights, limit, available)
        passed = {name: np.ones(len(scored.rows), dtype=bool) for name in filters}
    else:
        scored, passed = _best_partial(index, need, raw, best, columns, filters, weights, limit)
    failed, totals, rows = scored.failed.tolist(), scored.total.tolist(), scored.rows.tolist()
    order = sorted(range(len(rows)), key=lambda j: (failed[j], -_band(totals[j]),
                                                    rotation_key(need_id, version, index.ids[rows[j]])))
    chosen = order[:limit]
    vocab = getattr(index.bm25, "vocab_dict", {})
    words = {vocab[t]: t for t in set(query) if t in vocab}
    picked = np.array(chosen, dtype=np.int64)
    # the need's terms each candidate's profile holds (what the reasons name, in the need's own words)
    matched = [{words[t] for t in words.keys() & set(index.terms_of(i).tolist())} for i in scored.rows[picked].tolist()]
    names, checked = list(scored.scores), list(passed)
    criteria = zip(*(np.round(scored.scores[name][picked], 4).tolist() for name in names))
    checks = zip(*(passed[name][picked].tolist() for name in checked)) if checked else itertools.repeat(())
    result = [_candidate(index, need, i, r + 1, total, dict(zip(names, values)), dict(zip(checked, oks)), words_, surface)
              for r, (i, total, values, oks, words_) in enumerate(zip(
                  scored.rows[picked].tolist(), scored.total[picked].tolist(), criteria, checks, matched))]
    return Ranking(candidates=result, partial=partial, pool_size=n, full_matches=full,
                   weights=dict(weights), filters=tuple(filters), query_terms=sorted(set(query)))


def _score(index: SearchIndex, need: NeedContent, raw: np.ndarray, best: float, rows: np.ndarray,
           days: np.ndarray | None, weights: Mapping[str, float], failed: np.ndarray | None = None) -> _Scored:
    scores = criterion_scores(index, need, rows, text_score(raw[rows], best), days)
    total = np.zeros(len(rows))
    for name, weight in weights.items():
        total += weight * scores[name]
    return _Scored(rows, failed if failed is not None else np.zeros(len(rows), dtype=np.int16), scores, total)


def _band(value: float) -> int:
    return math.floor(round(value / TIE_BAND, 9))


def _band_floor(scored: _Scored, limit: int) -> float:
    """The lowest total of the band of the ``limit``-th best row (everything from it up is kept)."""
    kth = np.partition(scored.total, len(scored.total) - limit)[len(scored.total) - limit]
    return _band(float(kth)) * TIE_BAND


def _best_by_total(index: SearchIndex, need: NeedContent, raw: np.ndarray, best: float, rows: np.ndarray,
                   days: np.ndarray, weights: Mapping[str, float], limit: int,
                   eligible: np.ndarray | None = None) -> _Scored:
    """The rows (those ``eligible`` when given) that may rank in the top ``limit`` by total, ties of
    the last band included, scored."""
    count = len(rows) if eligible is None else int(np.count_nonzero(eligible))
    if count > 2 * PRUNE_BLOCK and limit < PRUNE_BLOCK and best > 0 and weights.get("text", 0) > 0:
        pruned = _pruned(index, need, raw, best, rows, days, weights, limit, eligible)
        if pruned is not None:
            return pruned
    if eligible is not None:
        rows, days = rows[eligible], days[eligible]
    return _shortlist(_score(index, need, raw, best, rows, days, weights), limit)


def _pruned(index: SearchIndex, need: NeedContent, raw: np.ndarray, best: float, rows: np.ndarray,
            days: np.ndarray, weights: Mapping[str, float], limit: int,
            eligible: np.ndarray | None) -> _Scored | None:
    """Score the best PRUNE_BLOCK rows by text first: the band floor of their limit-th total is a
    lower bound of the final one, and a row whose text criterion, with every other criterion at
    its maximum, stays under it can never reach the top. None: the block is too thin to say."""
    text_raw = raw[rows]
    if eligible is not None:
        text_raw *= eligible  # a row not eligible has no text: never above a positive threshold
    block = np.argpartition(-text_raw, PRUNE_BLOCK)[:PRUNE_BLOCK]
    pivot = float(text_raw[block].min())  # every row outside the block has at most this text
    if eligible is not None:
        block = block[eligible[block]]
    if len(block) < limit:
        return None
    block.sort()
    first = _score(index, need, raw, best, rows[block], days[block], weights)
    others = sum(max(float(w), 0.0) * _ceiling(index, need, name) for name, w in weights.items() if name != "text")
    needed = (_band_floor(first, limit) - 1e-9 - others) / float(weights["text"])  # least text criterion
    if needed <= 0:
        return None
    threshold = best * needed ** (1 / TEXT_EXPONENT) * (1 - 1e-6)
    if threshold > pivot:  # nobody outside the block can reach the top
        return _shortlist(first, limit)
    keep = np.flatnonzero(text_raw >= threshold)  # positive: rows not eligible stay out
    return _shortlist(_score(index, need, raw, best, rows[keep], days[keep], weights), limit)


def _ceiling(index: SearchIndex, need: NeedContent, criterion: str) -> float:
    """The highest score anybody of the pool can get on a criterion other than text (a bound)."""
    if criterion == "rate":
        cheapest = index.extremes()["rate_min"]
        ceiling = need.daily_rate_ceiling_cents
        return 0.5 + 0.5 * (ceiling - cheapest) / ceiling if cheapest <= ceiling else 0.0
    if criterion == "rating":
        return index.extremes()["rating_max"]
    return 1.0


def _best_partial(index: SearchIndex, need: NeedContent, raw: np.ndarray, best: float,
                  columns: dict[str, np.ndarray | None], filters: Sequence[str], weights: Mapping[str, float],
                  limit: int) -> tuple[_Scored, dict[str, np.ndarray]]:
    """Nobody passes every filter (B10 partial matches): the fewest filters missed first, then the total."""
    n = len(index)
    masks = {name: (np.ones(n, dtype=bool) if columns.get(name) is None else columns[name]) for name in filters
             if name != "availability"}
    days = covered_days(index, None, need.start_date, need.end_date)
    if "availability" in filters:
        masks["availability"] = _available(days, need)
    failed = np.zeros(n, dtype=np.int16)
    for mask in masks.values():
        failed += ~mask
    counts = np.bincount(failed, minlength=len(filters) + 1)
    enough = int(np.searchsorted(np.cumsum(counts), min(limit, n)))  # fewest-missed levels holding `limit` rows
    parts = []
    for level in range(enough + 1):
        rows = np.flatnonzero(failed == level)
        if not len(rows):
            continue
        needed = limit - sum(len(p.rows) for p in parts)
        part = _best_by_total(index, need, raw, best, rows, days[rows], weights, max(needed, 1))
        part.failed = np.full(len(part.rows), level, dtype=np.int16)
        parts.append(part)
    if not parts:  # an empty pool
        scored = _Scored(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int16), {}, np.zeros(0))
    else:
        scored = _Scored(np.concatenate([p.rows for p in parts]), np.concatenate([p.failed for p in parts]),
                         {name: np.concatenate([p.scores[name] for p in parts]) for name in parts[0].scores},
                         np.concatenate([p.total for p in parts]))
    return scored, {name: masks[name][scored.rows] for name in filters}


def _shortlist(scored: _Scored, limit: int) -> _Scored:
    """Keep the rows whose band reaches the band of the limit-th best (a plateau is cut at PLATEAU × limit)."""
    if len(scored.rows) <= limit:
        return scored
    floor = _band_floor(scored, limit)
    keep = np.flatnonzero(scored.total >= floor - 1e-12)
    if len(keep) > PLATEAU * limit:  # keep the best by total (stable), then rotate among them
        keep = np.sort(np.argsort(-scored.total, kind="stable")[: PLATEAU * limit])
    return _Scored(scored.rows[keep], scored.failed[keep], {k: v[keep] for k, v in scored.scores.items()},
                   scored.total[keep])


def _candidate(index: SearchIndex, need: NeedContent, i: int, rank_: int, total: float, criteria: dict[str, float],
               filters: dict[str, bool], terms: set[str], surface: dict[str, str]) -> Candidate:
    missed = [name for name, ok in filters.items() if not ok]
    # each term by the first word of the need that gave it, as written (« RGAA », « fonctionnelle »), in French order
    matched = sorted((surface.get(t, t) for t in terms), key=lambda w: (fold(w).lower(), w))
    return Candidate(
        professional_id=index.ids[i], name=index.names[i], rank=rank_, total=round(total, 4),
        partial=bool(missed), criteria=criteria, filters=filters, missed=missed, matched_terms=matched,
        daily_rate_cents=int(index.rate[i]),
        explanation=explain(index, need, i, total, criteria, missed, matched_phrases(_reason_texts(need), terms, 6)),
    )


def explain(index: SearchIndex, need: NeedContent, i: int, total: float, criteria: dict[str, float],
            missed: list[str], matched: list[str]) -> str:
    """One short French paragraph: why this professional is here, and what it lacks. ``matched``: the need's words
    or phrases the profile holds, as the need writes them (« cahier des charges fonctionnel », « RGAA »)."""
    level = _LEVELS[int(index.level[i])]
    region = _REGIONS[int(index.region[i])]
    parts = [f"Score {_fr(total)}"]
    if matched:
        parts.append(f"compétences en rapport : {', '.join(matched[:6])} (pertinence {_fr(criteria['text'])})")
    else:
        parts.append("aucune compétence du besoin trouvée dans le profil")
    parts.append(f"niveau {LEVEL_LABELS[level]} (attendu : {LEVEL_LABELS[need.level]})")
    years = int(index.years[i])
    parts.append(f"{years} an{'s' if years > 1 else ''} d'expérience"
                 + (f" ({need.min_years_of_experience} demandés)" if need.min_years_of_experience else ""))
    parts.append(f"disponible sur {round(criteria['availability'] * 100)} % de la période")
    comparison = "≤" if index.rate[i] <= need.daily_rate_ceiling_cents else ">"
    parts.append(f"TJM {amount_label(int(index.rate[i]))} {comparison} plafond {amount_label(need.daily_rate_ceiling_cents)}")
    if int(index.extra[i]):
        parts.append(f"frais annexes {amount_label(int(index.extra[i]))}/jour sur site")
    where = "même région" if region is need.region else "autre région"
    parts.append(f"{REGION_LABELS[region]} ({where}, mission {WORK_MODE_LABELS[need.work_mode]})")
    if bool(index.public_sector[i]):
        parts.append("connaît le secteur public")
    rating = index.rating[i]
    parts.append("pas encore d'avis" if math.isnan(rating) else f"note moyenne {_fr(float(rating), 1)}/5")
    text = " ; ".join(parts) + "."
    if missed:
        text = ("Correspondance partielle — critères manqués : "
                + ", ".join(FILTER_LABELS[m] for m in missed) + ". " + text)
    return text


def _reason_texts(need: NeedContent) -> tuple[str, ...]:
    """What the need says, piece by piece, in the order of ``search_text`` (what BM25 reads): its title, each skill,
    its summary, prerequisites, expected profile and each certification — a reason's phrase lies within one."""
    return (need.title, *need.skills, need.summary, need.prerequisites, need.expected_profile, *need.certifications)


def _fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")

