"""The search index (B3, B14): built from the professional records in one pass, serialised to one
``.npz`` blob whose arrays load in place."""

from __future__ import annotations

import array
import io
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
    LEVEL_RANK,
    Professional,
)
from shared.domain.sourcing.scoring.config import (
    _NO_START,
    _REGIONS,
    _SERVICE_BIT,
    INDEX_FORMAT,
    NO_RATING_SCORE,
)
from shared.domain.sourcing.text import analyse

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


