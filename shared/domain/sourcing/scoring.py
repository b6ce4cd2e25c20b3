"""Explainable ranking of professionals for a need (B3 ranked results, B10 search process) —
pure computation, no I/O.

A ``SearchIndex`` is built from the professional records when they change (BM25 over their
French text, plus columns of the structured fields as numpy arrays); it serialises to one
``.npz`` blob kept in Cloud Storage. ``rank`` returns the best candidates of the pool for one
need version, each with its total, the score of every criterion, the hard filters it passed
or failed and a short French explanation.

Scoring (documented in docs/sourcing.md; weights are configuration, ``DEFAULT_WEIGHTS``):
  total = Σ weight(c) × score(c) over the criteria, each score in [0, 1]; the text criterion
  is (BM25 / best BM25 of the pool) ** TEXT_EXPONENT.
Hard filters (``DEFAULT_FILTERS``) decide who is a full match; when nobody passes them all,
the best partial matches are returned, marked ``partial`` with the filters they miss.

Fair rotation of ties: candidates are ordered by (filters missed ↑, score band ↓, rotation
key ↑) where a score band is ``floor(total / TIE_BAND)`` and the rotation key is
``blake2b(need_id:version:professional_id)``. Re-scoring the same need version gives the
same order; another need (or a relaunched version) shuffles equals differently, so the same
professional is not always first among equals.

How it stays fast on a large pool (the result is exactly the one of scoring everybody):
BM25 is computed for the whole pool; the cheap hard filters are whole-pool column
comparisons, the availability filter is computed only where they pass; the soft criteria
are computed only for the full matches — and when those are many, first for the best
``PRUNE_BLOCK`` by text, which gives the score band a candidate must reach; a professional
whose text alone cannot lift it to that band (every other criterion counted at its maximum)
is never scored. Explanations are written for the returned candidates only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import array
import io
import itertools
import json
import math
import struct
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from shared.domain.sourcing.records import (
    LEVEL_LABELS, LEVEL_RANK, REGION_LABELS, WORK_MODE_LABELS, Level, NeedContent, Professional, Region, ServiceType,
    WorkMode,
)
from shared.domain.sourcing.text import analyse, analyse_query

INDEX_FORMAT = 1

# --- configuration ------------------------------------------------------------------------

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.30,            # BM25 relevance to the need: (score / best score of the pool) ** (1/3)
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
# The text criterion is concave in BM25: going from "no word of the need" to "the trade's words"
# counts more than the last points between two profiles of the right trade. Chosen on the dev
# needs of the judged set (bench/judging.py) among 1 (linear), 1/2 and 1/3.
TEXT_EXPONENT = 1 / 3
MIN_AVAILABILITY = 0.5  # the "availability" filter: available over at least half of the need's period
NO_RATING_SCORE = 0.6
TIE_BAND = 0.01
DEFAULT_LIMIT = 10
PRUNE_BLOCK = 256       # full matches scored first (best by text) when there are more than twice as many
PLATEAU = 50            # at most PLATEAU × limit equals are rotated (a pathological plateau)

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
_NO_START = 4_000_000  # an ordinal after any real date: an empty availability slot overlaps nothing


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
    avail_owner: np.ndarray    # int32, one row per availability period, by professional
    avail_start: np.ndarray    # int32 date ordinal
    avail_end: np.ndarray      # int32 date ordinal (inclusive)
    cert_vocab: dict[str, int]
    cert_indptr: np.ndarray    # postings of certification terms: term → professionals
    cert_docs: np.ndarray
    doc_terms_indptr: np.ndarray | None = None  # forward index: professional → its BM25 term ids
    doc_terms: np.ndarray | None = None
    revision: int = 0
    built_at: str = ""
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, professionals: Iterable[Professional], revision: int = 0, built_at: str = "") -> SearchIndex:
        """One pass over the records (an iterator is never held whole): each professional leaves
        only compact arrays behind — its term ids and frequencies, columns, periods."""
        b = _Builder()
        for p in professionals:
            if p.active:
                b.add(p)
        index = b.finish(revision, built_at)
        index.derive()
        return index

    # --- serialisation (one .npz blob, no pickle) ---------------------------------------------
    _ARRAYS = ("level", "years", "public_sector", "rate", "extra", "region", "services", "rating",
               "avail_owner", "avail_start", "avail_end", "cert_indptr", "cert_docs")
    _OPTIONAL = ("doc_terms_indptr", "doc_terms")  # absent from blobs written before the forward index

    def to_bytes(self) -> bytes:
        meta = {"format": INDEX_FORMAT, "ids": self.ids, "names": self.names, "category": self.category,
                "cert_vocab": self.cert_vocab, "revision": self.revision, "built_at": self.built_at,
                "vocab": getattr(self.bm25, "vocab_dict", {}),
                "bm25": {"k1": self.bm25.k1, "b": self.bm25.b, "method": self.bm25.method}}
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        arrays.update({name: getattr(self, name) for name in self._OPTIONAL if getattr(self, name) is not None})
        scores = getattr(self.bm25, "scores", None)
        if scores is not None:
            arrays.update(bm25_data=scores["data"], bm25_indices=scores["indices"], bm25_indptr=scores["indptr"],
                          bm25_num_docs=np.array([scores["num_docs"]], dtype=np.int64))
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        return _write_npz(arrays)

    @classmethod
    def from_bytes(cls, blob: bytes) -> SearchIndex:
        """The index of a blob written by ``to_bytes``; ValueError when it is not one (or of another format)."""
        try:
            return cls._from_bytes(blob)
        except (zipfile.BadZipFile, struct.error, KeyError, EOFError) as error:
            raise ValueError(f"unreadable search index: {error!r}") from error

    @classmethod
    def _from_bytes(cls, blob: bytes) -> SearchIndex:
        npz = _read_npz(blob)
        meta = json.loads(npz.pop("meta").tobytes())
        if meta["format"] != INDEX_FORMAT:
            raise ValueError(f"unsupported index format {meta['format']}")
        arrays = {name: npz[name] for name in cls._ARRAYS}
        arrays.update({name: npz[name] for name in cls._OPTIONAL if name in npz})
        bm25 = bm25s.BM25(**meta["bm25"])
        if "bm25_data" in npz:
            bm25.scores = {"data": npz["bm25_data"], "indices": npz["bm25_indices"],
                           "indptr": npz["bm25_indptr"], "num_docs": int(npz["bm25_num_docs"][0])}
            bm25.vocab_dict = meta["vocab"]
            bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
            bm25.nonoccurrence_array = None
        index = cls(ids=meta["ids"], names=meta["names"], bm25=bm25, category=meta["category"],
                    cert_vocab=meta["cert_vocab"], revision=meta["revision"], built_at=meta["built_at"], **arrays)
        if index.doc_terms is None:
            index.doc_terms_indptr, index.doc_terms = index._forward_index()
        index.derive()
        return index

    def _forward_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Transpose the BM25 postings (term → professionals) into professional → terms."""
        n = len(self)
        scores = getattr(self.bm25, "scores", None)
        if scores is None or not n:
            return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
        indptr, indices = scores["indptr"], scores["indices"]
        dtype = np.uint16 if len(indptr) - 1 <= np.iinfo(np.uint16).max + 1 else np.int32
        term_of = np.repeat(np.arange(len(indptr) - 1, dtype=dtype), np.diff(indptr))
        doc_terms = term_of[np.argsort(indices, kind="stable")]
        doc_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(indices, minlength=n), out=doc_indptr[1:])
        return doc_indptr, doc_terms

    # --- text ---------------------------------------------------------------------------------
    def term_ids(self, terms: Sequence[str]) -> list[int]:
        vocab = getattr(self.bm25, "vocab_dict", {})
        return sorted({vocab[t] for t in terms if t and t in vocab})

    def bm25_scores(self, term_ids: Sequence[int]) -> np.ndarray:
        if not term_ids or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        return self.bm25.get_scores_from_ids(list(term_ids))

    def terms_of(self, i: int) -> np.ndarray:
        """The BM25 term ids of professional ``i``'s text."""
        return self.doc_terms[self.doc_terms_indptr[i]:self.doc_terms_indptr[i + 1]]

    # --- columns derived once per loaded index --------------------------------------------------
    def derive(self) -> None:
        """Compute the derived columns now (on load) rather than on the first need scored."""
        self.slots()
        self.rating_score()
        self.rate32()
        self.extremes()

    def extremes(self) -> dict[str, float]:
        """Pool-wide bounds of some criteria (used to prune safely)."""
        if "extremes" not in self._derived:
            rating = self.rating_score()
            self._derived["extremes"] = {"rate_min": float(self.rate.min()) if len(self) else 0.0,
                                         "rating_max": float(rating.max()) if len(self) else 1.0}
        return self._derived["extremes"]

    def rate32(self) -> np.ndarray:
        """Daily rates as int32 (≤ 10⁷ cents by the record's rule): half the memory traffic of a filter."""
        if "rate32" not in self._derived:
            self._derived["rate32"] = self.rate.astype(np.int32)
        return self._derived["rate32"]

    def slots(self) -> tuple[np.ndarray, ...]:
        """Availability as two fixed slots per professional (start1, end1, start2, end2) plus the
        rare third-and-later periods as (owner, start, end) rows: coverage is then plain column
        arithmetic on any subset of the pool."""
        if "slots" not in self._derived:
            n, owner = len(self), self.avail_owner
            first = np.searchsorted(owner, owner, side="left")  # owners are in increasing order
            k = np.arange(len(owner)) - first
            cols = []
            for slot in (0, 1):
                start = np.full(n, _NO_START, dtype=np.int32)
                end = np.zeros(n, dtype=np.int32)
                start[owner[k == slot]] = self.avail_start[k == slot]
                end[owner[k == slot]] = self.avail_end[k == slot]
                cols += [start, end]
            over = k >= 2
            self._derived["slots"] = (*cols, owner[over], self.avail_start[over], self.avail_end[over])
        return self._derived["slots"]

    def rating_score(self) -> np.ndarray:
        if "rating" not in self._derived:
            self._derived["rating"] = np.where(np.isnan(self.rating), NO_RATING_SCORE, (self.rating - 1.0) / 4.0)
        return self._derived["rating"]


class _Builder:
    """Accumulates the index of a stream of professionals; ``finish`` numbers them by id."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.category: list[str] = []
        self.cols = {name: array.array(code) for name, code in (
            ("level", "b"), ("years", "h"), ("public_sector", "b"), ("rate", "q"), ("extra", "q"), ("region", "b"),
            ("services", "b"), ("rating", "f"))}
        self.vocab: dict[str, int] = {}
        self.doc_len, self.doc_nterms = array.array("q"), array.array("q")
        self.term, self.tf = array.array("i"), array.array("i")
        self.avail = (array.array("i"), array.array("i"), array.array("i"))
        self.cert_vocab: dict[str, int] = {}
        self.cert = (array.array("i"), array.array("i"))

    def add(self, p: Professional) -> None:
        d = len(self.ids)
        self.ids.append(p.professional_id)
        self.names.append(p.name)
        self.category.append(p.profile_category)
        for name, value in (
                ("level", LEVEL_RANK[p.level]), ("years", p.years_of_experience),
                ("public_sector", p.public_sector_knowledge), ("rate", p.daily_rate_cents),
                ("extra", p.extra_costs.travel_cents + p.extra_costs.lodging_cents + p.extra_costs.meals_cents),
                ("region", _REGIONS.index(p.region)),
                ("services", sum(_SERVICE_BIT[s] for s in set(p.service_types))),
                ("rating", p.rating if p.rating is not None else math.nan)):
            self.cols[name].append(value)
        tokens = analyse(p.search_text()) or [""]
        counts = Counter(self.vocab.setdefault(t, len(self.vocab)) for t in tokens)
        self.doc_len.append(len(tokens))
        self.doc_nterms.append(len(counts))
        self.term.extend(counts.keys())
        self.tf.extend(counts.values())
        for period in p.availability:
            self.avail[0].append(d)
            self.avail[1].append(period.start.toordinal())
            self.avail[2].append(period.end.toordinal())
        for term in sorted({t for c in p.certifications for t in analyse(c)}):
            self.cert[0].append(d)
            self.cert[1].append(self.cert_vocab.setdefault(term, len(self.cert_vocab)))

    def finish(self, revision: int, built_at: str) -> SearchIndex:
        n = len(self.ids)
        order = sorted(range(n), key=self.ids.__getitem__)  # deterministic document numbers: by id
        number = np.empty(n, dtype=np.int64)
        number[order] = np.arange(n)
        cols = {name: np.frombuffer(values, dtype=values.typecode).copy() if len(values) else
                np.zeros(0, dtype=values.typecode) for name, values in self.cols.items()}
        cols = {name: values[order] for name, values in cols.items()}
        bm25 = bm25s.BM25()
        # postings: entries (term, document, tf) in the final numbering, terms numbered alphabetically
        terms = sorted(self.vocab)
        renumber = np.empty(len(terms), dtype=np.int64)
        renumber[[self.vocab[t] for t in terms]] = np.arange(len(terms))
        entry_doc = number[np.repeat(np.arange(n), np.frombuffer(self.doc_nterms, dtype=np.int64))] if n else \
            np.zeros(0, dtype=np.int64)
        entry_term = renumber[np.frombuffer(self.term, dtype=np.int32)] if len(self.term) else np.zeros(0, np.int64)
        entry_tf = np.frombuffer(self.tf, dtype=np.int32) if len(self.tf) else np.zeros(0, np.int32)
        doc_len = np.frombuffer(self.doc_len, dtype=np.int64) if n else np.zeros(0, np.int64)
        entry_len = np.repeat(doc_len, np.frombuffer(self.doc_nterms, dtype=np.int64)) if n else np.zeros(0, np.int64)
        index = SearchIndex(
            ids=[self.ids[i] for i in order], names=[self.names[i] for i in order],
            category=[self.category[i] for i in order], bm25=bm25,
            level=cols["level"].astype(np.int8), years=cols["years"].astype(np.int16),
            public_sector=cols["public_sector"].astype(bool), rate=cols["rate"].astype(np.int64),
            extra=cols["extra"].astype(np.int64), region=cols["region"].astype(np.int8),
            services=cols["services"].astype(np.int8), rating=cols["rating"].astype(np.float32),
            **_periods(self.avail, number), **_cert_postings(self.cert, self.cert_vocab, number),
            revision=revision, built_at=built_at)
        if n:
            bm25.scores = _lucene_postings(entry_term, entry_doc, entry_tf, entry_len, doc_len, len(terms), n,
                                           bm25.k1, bm25.b)
            bm25.vocab_dict = {t: i for i, t in enumerate(terms)}
            bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
            bm25.nonoccurrence_array = None
            by_doc = np.argsort(entry_doc, kind="stable")
            dtype = np.uint16 if len(terms) <= np.iinfo(np.uint16).max + 1 else np.int32
            index.doc_terms = entry_term[by_doc].astype(dtype)
            index.doc_terms_indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(entry_doc, minlength=n), out=index.doc_terms_indptr[1:])
        else:
            index.doc_terms_indptr, index.doc_terms = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
        return index


def _periods(avail: tuple[array.array, ...], number: np.ndarray) -> dict[str, np.ndarray]:
    owner, start, end = (np.frombuffer(a, dtype=np.int32) if len(a) else np.zeros(0, np.int32) for a in avail)
    owner = number[owner].astype(np.int32) if len(owner) else owner
    by_owner = np.argsort(owner, kind="stable")  # a professional's periods stay in their order
    return {"avail_owner": owner[by_owner], "avail_start": start[by_owner], "avail_end": end[by_owner]}


def _cert_postings(cert: tuple[array.array, array.array], vocab: dict[str, int],
                   number: np.ndarray) -> dict[str, Any]:
    terms = sorted(vocab)
    renumber = np.empty(len(terms), dtype=np.int64)
    renumber[[vocab[t] for t in terms]] = np.arange(len(terms))
    owner = number[np.frombuffer(cert[0], dtype=np.int32)] if len(cert[0]) else np.zeros(0, np.int64)
    term = renumber[np.frombuffer(cert[1], dtype=np.int32)] if len(cert[1]) else np.zeros(0, np.int64)
    order = np.lexsort((owner, term))
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=len(terms)), out=indptr[1:])
    return {"cert_vocab": {t: i for i, t in enumerate(terms)}, "cert_indptr": indptr,
            "cert_docs": owner[order].astype(np.int32)}


def _lucene_postings(term: np.ndarray, doc: np.ndarray, tf: np.ndarray, length: np.ndarray, doc_len: np.ndarray,
                     n_terms: int, n_docs: int, k1: float, b: float) -> dict[str, Any]:
    """BM25 (Lucene variant) of every (term, document) entry, as bm25s computes and stores it —
    the same float32/float64 operations in the same order, so the scores are bit for bit
    those of ``bm25s.BM25().index`` — in bm25s' CSC layout (term → documents, increasing)."""
    df = np.bincount(term, minlength=n_terms)
    idf = np.array([math.log(1 + (n_docs - f + 0.5) / (f + 0.5)) if f else 0.0 for f in df.tolist()],
                   dtype=np.float32)
    avg = doc_len.mean()  # bm25s: np.array(lengths).mean(), an int64 mean
    norm = k1 * ((1 - b) + b * length.astype(np.float64) / avg)
    tf32 = tf.astype(np.float32)
    scores = (idf[term] * (tf32 / (norm + tf32))).astype(np.float32)
    order = np.lexsort((doc, term))
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return {"data": scores[order], "indices": doc[order].astype(np.int32), "indptr": indptr, "num_docs": n_docs}


# --- the blob: an .npz whose arrays can be read in place -----------------------------------------

_ALIGN = 64
_PADDING_FIELD = 0xD935  # a zip "extra" field that only pads (the one zipalign uses)


def _write_npz(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An uncompressed .npz (``np.load`` reads it) whose every array starts on a 64-byte boundary
    of the blob, so that ``_read_npz`` can use the downloaded bytes as the arrays' memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            data_start = buffer.tell() + 30 + len(info.filename.encode()) + 4
            padding = -data_start % _ALIGN  # the .npy header itself is a multiple of 64 bytes
            info.extra = struct.pack("<HH", _PADDING_FIELD, padding) + bytes(padding)
            z.writestr(info, member.getbuffer())
    return buffer.getvalue()


def _read_npz(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of an uncompressed .npz as read-only views into ``blob`` (no copy); a member
    that is not aligned (a blob written by ``np.savez``) is copied."""
    arrays = {}
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for info in z.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"unexpected index member {info.filename}")
            local = struct.unpack("<4s2B4HL2L2H", blob[info.header_offset:info.header_offset + 30])
            start = info.header_offset + 30 + local[10] + local[11]
            header = io.BytesIO(blob[start:start + min(info.file_size, 4096)])
            version = np.lib.format.read_magic(header)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(header)
            if dtype.hasobject:
                raise ValueError(f"unexpected object array {info.filename}")
            count = math.prod(shape)
            array = np.frombuffer(blob, dtype=dtype, count=count, offset=start + header.tell())
            array = array.reshape(shape, order="F" if fortran else "C")
            arrays[info.filename[:-4]] = array if array.flags.aligned else array.copy()
    return arrays


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
    words = {vocab[t]: surface.get(t, t) for t in set(query) if t in vocab}
    picked = np.array(chosen, dtype=np.int64)
    matched = [sorted({words[t] for t in words.keys() & set(index.terms_of(i).tolist())})
               for i in scored.rows[picked].tolist()]
    names, checked = list(scored.scores), list(passed)
    criteria = zip(*(np.round(scored.scores[name][picked], 4).tolist() for name in names))
    checks = zip(*(passed[name][picked].tolist() for name in checked)) if checked else itertools.repeat(())
    result = [_candidate(index, need, i, r + 1, total, dict(zip(names, values)), dict(zip(checked, oks)), words_)
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
               filters: dict[str, bool], matched: list[str]) -> Candidate:
    missed = [name for name, ok in filters.items() if not ok]
    return Candidate(
        professional_id=index.ids[i], name=index.names[i], rank=rank_, total=round(total, 4),
        partial=bool(missed), criteria=criteria, filters=filters, missed=missed, matched_terms=matched,
        daily_rate_cents=int(index.rate[i]),
        explanation=explain(index, need, i, total, criteria, missed, matched),
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
