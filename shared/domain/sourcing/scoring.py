"""Explainable ranking of professionals for a need (B3, B10) — pure computation, no I/O.

A ``SearchIndex`` is built from the professional records when they change (BM25 over their
French text, plus columns of the structured fields as numpy arrays); it serialises to one
``.npz`` blob kept in Cloud Storage. ``rank`` scores *every* professional of the index
against one need version in a few vectorised passes and returns the best candidates, each
with its total, the score of every criterion, the hard filters it passed or failed and a
short French explanation.

Scoring (documented in docs/sourcing.md; weights are configuration, ``DEFAULT_WEIGHTS``):
  total = Σ weight(c) × score(c) over the soft criteria, each score in [0, 1].
Hard filters (``DEFAULT_FILTERS``) decide who is a full match; when nobody passes them all,
the best partial matches are returned, marked ``partial`` with the filters they miss.

Fair rotation of ties: candidates are ordered by (filters missed ↑, score band ↓, rotation
key ↑) where a score band is ``floor(total / TIE_BAND)`` and the rotation key is
``blake2b(need_id:version:professional_id)``. Re-scoring the same need version gives the
same order; another need (or a relaunched version) shuffles equals differently, so the same
professional is not always first among equals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from shared.domain.sourcing.records import (
    LEVEL_LABELS, LEVEL_RANK, REGION_LABELS, WORK_MODE_LABELS, Level, NeedContent, Professional, Region, ServiceType,
    WorkMode,
)
from shared.domain.sourcing.text import analyse, analyse_with_surface

INDEX_FORMAT = 1

# --- configuration ------------------------------------------------------------------------

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.30,            # BM25 relevance of skills/experience to the need (normalised by the best)
    "availability": 0.15,    # share of the need's period the professional is available
    "level": 0.10,           # exact level 1.0, one above 0.8, two above 0.6
    "experience": 0.10,      # years / required years, capped at 1
    "rate": 0.10,            # within budget: 0.5 + 0.5 × (ceiling − rate) / ceiling
    "location": 0.10,        # remote or same region 1.0, mixed elsewhere 0.5, on site elsewhere 0
    "public_sector": 0.05,   # knows public bodies and local authorities
    "certifications": 0.05,  # share of the requested certifications held
    "rating": 0.05,          # mean review (1–5 → 0–1); no review yet: 0.6
}
DEFAULT_FILTERS: tuple[str, ...] = ("service_type", "level", "budget", "availability", "place", "public_sector")
MIN_AVAILABILITY = 0.5  # the "availability" filter: available over at least half of the need's period
NO_RATING_SCORE = 0.6
TIE_BAND = 0.01
DEFAULT_LIMIT = 10

CRITERION_LABELS = {
    "text": "compétences et expérience", "availability": "disponibilité", "level": "niveau",
    "experience": "années d'expérience", "rate": "tarif", "location": "lieu", "public_sector": "secteur public",
    "certifications": "certifications", "rating": "avis",
}
FILTER_LABELS = {
    "service_type": "type de prestation (AMOA/AMOE)", "level": "niveau minimal", "budget": "plafond de TJM",
    "availability": "disponibilité sur la période", "place": "région pour une mission sur site",
    "public_sector": "connaissance du secteur public exigée",
}
_LEVELS = tuple(Level)
_REGIONS = tuple(Region)
_SERVICE_BIT = {ServiceType.AMOA: 1, ServiceType.AMOE: 2}


def euros(cents: int) -> str:
    whole, rest = divmod(int(cents), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{rest:02d} €" if rest else f"{text} €"


# --- the index -----------------------------------------------------------------------------


@dataclass
class SearchIndex:
    """Everything ``rank`` needs about the pool, column-wise; built from the Firestore records."""

    ids: list[str]
    names: list[str]
    bm25: bm25s.BM25
    level: np.ndarray          # int8 rank (0 junior … 2 sénior)
    years: np.ndarray          # int16
    public_sector: np.ndarray  # bool
    rate: np.ndarray           # int64 cents
    extra: np.ndarray          # int64 cents per day (travel + lodging + meals)
    region: np.ndarray         # int8 index into Region
    services: np.ndarray       # int8 bit set (AMOA 1, AMOE 2)
    rating: np.ndarray         # float32, NaN without review
    category: list[str]
    avail_owner: np.ndarray    # int32, one row per availability period
    avail_start: np.ndarray    # int32 date ordinal
    avail_end: np.ndarray      # int32 date ordinal (inclusive)
    cert_vocab: dict[str, int]
    cert_indptr: np.ndarray    # postings of certification terms: term → professionals
    cert_docs: np.ndarray
    revision: int = 0
    built_at: str = ""

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, professionals: Iterable[Professional], revision: int = 0, built_at: str = "") -> SearchIndex:
        pros = [p for p in professionals if p.active]
        pros.sort(key=lambda p: p.professional_id)  # deterministic document numbers
        corpus = [analyse(p.search_text()) or [""] for p in pros]
        bm25 = bm25s.BM25()
        if pros:
            bm25.index(corpus, show_progress=False)
        owners, starts, ends = [], [], []
        cert_postings: dict[str, set[int]] = {}
        for i, p in enumerate(pros):
            for period in p.availability:
                owners.append(i)
                starts.append(period.start.toordinal())
                ends.append(period.end.toordinal())
            for term in {t for c in p.certifications for t in analyse(c)}:
                cert_postings.setdefault(term, set()).add(i)
        cert_vocab = {term: n for n, term in enumerate(sorted(cert_postings))}
        indptr = np.zeros(len(cert_vocab) + 1, dtype=np.int64)
        docs: list[int] = []
        for term, n in cert_vocab.items():
            members = sorted(cert_postings[term])
            docs.extend(members)
            indptr[n + 1] = len(docs)
        return cls(
            ids=[p.professional_id for p in pros],
            names=[p.name for p in pros],
            bm25=bm25,
            level=np.array([LEVEL_RANK[p.level] for p in pros], dtype=np.int8),
            years=np.array([p.years_of_experience for p in pros], dtype=np.int16),
            public_sector=np.array([p.public_sector_knowledge for p in pros], dtype=bool),
            rate=np.array([p.daily_rate_cents for p in pros], dtype=np.int64),
            extra=np.array([p.extra_costs.travel_cents + p.extra_costs.lodging_cents + p.extra_costs.meals_cents
                            for p in pros], dtype=np.int64),
            region=np.array([_REGIONS.index(p.region) for p in pros], dtype=np.int8),
            services=np.array([sum(_SERVICE_BIT[s] for s in set(p.service_types)) for p in pros], dtype=np.int8),
            rating=np.array([p.rating if p.rating is not None else math.nan for p in pros], dtype=np.float32),
            category=[p.profile_category for p in pros],
            avail_owner=np.array(owners, dtype=np.int32),
            avail_start=np.array(starts, dtype=np.int32),
            avail_end=np.array(ends, dtype=np.int32),
            cert_vocab=cert_vocab, cert_indptr=indptr, cert_docs=np.array(docs, dtype=np.int32),
            revision=revision, built_at=built_at,
        )

    # --- serialisation (one .npz blob, no pickle) ---------------------------------------------
    _ARRAYS = ("level", "years", "public_sector", "rate", "extra", "region", "services", "rating",
               "avail_owner", "avail_start", "avail_end", "cert_indptr", "cert_docs")

    def to_bytes(self) -> bytes:
        meta = {"format": INDEX_FORMAT, "ids": self.ids, "names": self.names, "category": self.category,
                "cert_vocab": self.cert_vocab, "revision": self.revision, "built_at": self.built_at,
                "vocab": getattr(self.bm25, "vocab_dict", {}),
                "bm25": {"k1": self.bm25.k1, "b": self.bm25.b, "method": self.bm25.method}}
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        scores = getattr(self.bm25, "scores", None)
        if scores is not None:
            arrays.update(bm25_data=scores["data"], bm25_indices=scores["indices"], bm25_indptr=scores["indptr"],
                          bm25_num_docs=np.array([scores["num_docs"]], dtype=np.int64))
        buffer = io.BytesIO()
        np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> SearchIndex:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes())
            if meta["format"] != INDEX_FORMAT:
                raise ValueError(f"unsupported index format {meta['format']}")
            arrays = {name: npz[name] for name in cls._ARRAYS}
            bm25 = bm25s.BM25(**meta["bm25"])
            if "bm25_data" in npz.files:
                bm25.scores = {"data": npz["bm25_data"], "indices": npz["bm25_indices"],
                               "indptr": npz["bm25_indptr"], "num_docs": int(npz["bm25_num_docs"][0])}
                bm25.vocab_dict = meta["vocab"]
                bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
                bm25.nonoccurrence_array = None
        return cls(ids=meta["ids"], names=meta["names"], bm25=bm25, category=meta["category"],
                   cert_vocab=meta["cert_vocab"], revision=meta["revision"], built_at=meta["built_at"], **arrays)

    # --- text ---------------------------------------------------------------------------------
    def term_ids(self, terms: Sequence[str]) -> list[int]:
        vocab = getattr(self.bm25, "vocab_dict", {})
        return sorted({vocab[t] for t in terms if t and t in vocab})

    def bm25_scores(self, term_ids: Sequence[int]) -> np.ndarray:
        if not term_ids or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        return self.bm25.get_scores_from_ids(list(term_ids))

    def docs_with_term(self, term_id: int) -> np.ndarray:
        indptr, indices = self.bm25.scores["indptr"], self.bm25.scores["indices"]
        return indices[indptr[term_id]:indptr[term_id + 1]]


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


def rotation_key(need_id: str, version: int, professional_id: str) -> int:
    digest = hashlib.blake2b(f"{need_id}:{version}:{professional_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def criterion_scores(index: SearchIndex, need: NeedContent, text: np.ndarray) -> dict[str, np.ndarray]:
    n = len(index)
    need_level = LEVEL_RANK[need.level]
    gap = index.level.astype(np.int16) - need_level
    level = np.where(gap < 0, 0.0, 1.0 - 0.2 * gap)
    years = index.years.astype(np.float32)
    experience = (np.ones(n) if need.min_years_of_experience == 0
                  else np.minimum(years / need.min_years_of_experience, 1.0))
    ceiling = need.daily_rate_ceiling_cents
    rate = np.where(index.rate <= ceiling, 0.5 + 0.5 * (ceiling - index.rate) / ceiling, 0.0)
    region = _REGIONS.index(need.region)
    same = index.region == region
    if need.work_mode is WorkMode.REMOTE:
        location = np.ones(n)
    elif need.work_mode is WorkMode.MIXED:
        location = np.where(same, 1.0, 0.5)
    else:
        location = np.where(same, 1.0, 0.0)
    rating = np.where(np.isnan(index.rating), NO_RATING_SCORE, (index.rating - 1.0) / 4.0)
    return {
        "text": text,
        "availability": availability_share(index, need.start_date, need.end_date),
        "level": level,
        "experience": experience,
        "rate": rate,
        "location": location,
        "public_sector": index.public_sector.astype(np.float64),
        "certifications": certification_share(index, need.certifications),
        "rating": rating,
    }


def availability_share(index: SearchIndex, start: dt.date, end: dt.date) -> np.ndarray:
    a, b = start.toordinal(), end.toordinal()
    overlap = np.clip(np.minimum(index.avail_end, b) - np.maximum(index.avail_start, a) + 1, 0, None)
    covered = np.bincount(index.avail_owner, weights=overlap, minlength=len(index)) if len(overlap) else np.zeros(len(index))
    return np.minimum(covered / (b - a + 1), 1.0)


def certification_share(index: SearchIndex, certifications: Sequence[str]) -> np.ndarray:
    n = len(index)
    if not certifications:
        return np.ones(n)
    held = np.zeros(n)
    for certification in certifications:
        has = np.ones(n, dtype=bool)
        terms = analyse(certification)
        for term in terms:
            column = index.cert_vocab.get(term)
            mask = np.zeros(n, dtype=bool)
            if column is not None:
                mask[index.cert_docs[index.cert_indptr[column]:index.cert_indptr[column + 1]]] = True
            has &= mask
        held += has if terms else 0
    return held / len(certifications)


def hard_filters(index: SearchIndex, need: NeedContent, availability: np.ndarray,
                 names: Sequence[str] = DEFAULT_FILTERS) -> dict[str, np.ndarray]:
    n = len(index)
    everyone = np.ones(n, dtype=bool)
    same_region = index.region == _REGIONS.index(need.region)
    checks = {
        "service_type": (index.services & _SERVICE_BIT[need.nature]) > 0,
        "level": index.level >= LEVEL_RANK[need.level],
        "budget": index.rate <= need.daily_rate_ceiling_cents,
        "availability": availability >= MIN_AVAILABILITY,
        "place": same_region if need.work_mode is WorkMode.ON_SITE else everyone,
        "public_sector": index.public_sector if need.public_sector_required else everyone,
    }
    return {name: checks[name] for name in names}


def rank(index: SearchIndex, need: NeedContent, need_id: str, version: int, *,
         weights: Mapping[str, float] = DEFAULT_WEIGHTS, filters: Sequence[str] = DEFAULT_FILTERS,
         limit: int = DEFAULT_LIMIT) -> Ranking:
    """The best ``limit`` candidates for one need version, explained."""
    n = len(index)
    query = analyse(need.search_text())
    term_ids = index.term_ids(query)
    raw = index.bm25_scores(term_ids)
    best = float(raw.max()) if n else 0.0
    text = raw / best if best > 0 else np.zeros(n)
    scores = criterion_scores(index, need, text)
    total = np.zeros(n)
    for name, weight in weights.items():
        total += weight * scores[name]
    passed = hard_filters(index, need, scores["availability"], filters)
    failed = np.zeros(n, dtype=np.int16)
    for mask in passed.values():
        failed += ~mask
    full = int(np.count_nonzero(failed == 0))
    partial = full == 0
    eligible = np.nonzero(failed == 0)[0] if not partial else np.arange(n)
    shortlist = _shortlist(eligible, failed, total, limit)
    keyed = sorted(shortlist, key=lambda i: (int(failed[i]), -_band(total[i]),
                                             rotation_key(need_id, version, index.ids[i])))[:limit]
    surface = analyse_with_surface(need.search_text())
    vocab = getattr(index.bm25, "vocab_dict", {})
    words = {vocab[t]: surface.get(t, t) for t in set(query) if t in vocab}
    candidates = [
        _candidate(index, need, i, r + 1, total, scores, passed, words)
        for r, i in enumerate(keyed)
    ]
    return Ranking(candidates=candidates, partial=partial, pool_size=n, full_matches=full,
                   weights=dict(weights), filters=tuple(filters), query_terms=sorted(set(query)))


def _band(value: float) -> int:
    return math.floor(round(value / TIE_BAND, 9))


def _shortlist(eligible: np.ndarray, failed: np.ndarray, total: np.ndarray, limit: int) -> list[int]:
    """Eligible rows that could reach the top ``limit``, ties at the boundary included."""
    if not len(eligible):
        return []
    key = -failed[eligible].astype(np.float64) * 10 + total[eligible]
    if len(eligible) > limit:
        boundary = np.partition(key, len(key) - limit)[len(key) - limit]
        floor_key = math.floor(round(boundary / TIE_BAND, 9)) * TIE_BAND
        chosen = eligible[key >= floor_key - 1e-12]
        if len(chosen) > 50 * limit:  # a pathological plateau: keep the best by key, then rotate among them
            chosen = eligible[np.argsort(-key, kind="stable")[: 50 * limit]]
    else:
        chosen = eligible
    return [int(i) for i in chosen]


def _candidate(index: SearchIndex, need: NeedContent, i: int, rank_: int, total: np.ndarray,
               scores: dict[str, np.ndarray], passed: dict[str, np.ndarray], words: dict[int, str]) -> Candidate:
    matched = sorted(word for t, word in words.items() if np.any(index.docs_with_term(t) == i))
    filters = {name: bool(mask[i]) for name, mask in passed.items()}
    missed = [name for name, ok in filters.items() if not ok]
    criteria = {name: round(float(values[i]), 4) for name, values in scores.items()}
    return Candidate(
        professional_id=index.ids[i], name=index.names[i], rank=rank_, total=round(float(total[i]), 4),
        partial=bool(missed), criteria=criteria, filters=filters, missed=missed, matched_terms=matched,
        daily_rate_cents=int(index.rate[i]),
        explanation=explain(index, need, i, float(total[i]), criteria, missed, matched),
    )


def explain(index: SearchIndex, need: NeedContent, i: int, total: float, criteria: dict[str, float],
            missed: list[str], matched: list[str]) -> str:
    """One short French paragraph: why this professional is here, and what it lacks."""
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
    parts.append(f"TJM {euros(int(index.rate[i]))} {comparison} plafond {euros(need.daily_rate_ceiling_cents)}")
    if int(index.extra[i]):
        parts.append(f"frais annexes {euros(int(index.extra[i]))}/jour sur site")
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


def _fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")
