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

from shared.domain.sourcing.scoring.config import *  # noqa: F401,F403
from shared.domain.sourcing.scoring.config import _SERVICE_BIT  # noqa: F401
from shared.domain.sourcing.scoring.criteria import *  # noqa: F401,F403
from shared.domain.sourcing.scoring.index import *  # noqa: F401,F403
from shared.domain.sourcing.scoring.ranking import *  # noqa: F401,F403

