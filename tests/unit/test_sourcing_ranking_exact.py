"""B3 ranked results: the fast ``rank`` (filters on columns, criteria only for full matches,
text-bound pruning, explanations for the top only) returns exactly what a naive scoring of
every professional, one by one from the records, returns — on a pool large enough to prune."""

from __future__ import annotations

import datetime as dt
import io
import math
import random

import bm25s
import numpy as np
import pytest

from shared.domain.sourcing import scoring
from shared.domain.sourcing.records import LEVEL_RANK, NeedContent, Professional, WorkMode
from shared.domain.sourcing.scoring import DEFAULT_WEIGHTS, SearchIndex, rank, rotation_key
from shared.domain.sourcing.text import analyse
from tests.sourcing_builders import a_need_content, a_professional

SKILLS = ["recette fonctionnelle", "cahier de recette", "accessibilité RGAA", "pilotage de projet", "Java Spring",
          "développement web React", "entrepôt de données Talend", "Power BI", "tests d'intrusion", "Kubernetes",
          "conduite du changement", "conformité RGPD", "schéma directeur", "QGIS PostGIS", "Drupal Symfony"]
REGIONS = ["11", "84", "76", "75", "53", "44", "32"]
CERTS = ["ISTQB Foundation", "OSCP", "PMP", "Certification Opquast"]


def a_pool(n: int, seed: int = 11) -> list[Professional]:
    rng = random.Random(seed)
    pros = []
    for i in range(n):
        start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 200))
        periods = [(start, start + dt.timedelta(days=rng.randint(10, 200)))]
        if rng.random() < 0.3:
            periods.append((periods[0][1] + dt.timedelta(days=rng.randint(5, 60)),
                            periods[0][1] + dt.timedelta(days=rng.randint(61, 200))))
        if rng.random() < 0.05:  # a third period: the rare overflow rows of the index
            periods.append((dt.date(2026, 11, 1), dt.date(2026, 12, 31)))
        reviews = [{"mission_ref": f"M{r}", "rating": rng.randint(1, 5), "on": "2025-06-01"}
                   for r in range(rng.choice((0, 1, 3)))]
        pros.append(Professional.model_validate(a_professional(
            f"p{i:05d}", skills=rng.sample(SKILLS, k=rng.randint(1, 4)), summary=rng.choice(SKILLS), references=[],
            certifications=rng.sample(CERTS, k=rng.choice((0, 0, 1, 2))), education=[],
            level=rng.choice(["junior", "confirme", "senior"]), years_of_experience=rng.randint(0, 20),
            public_sector_knowledge=rng.random() < 0.5, daily_rate_cents=rng.randrange(30000, 95000, 500),
            region=rng.choice(REGIONS), service_types=rng.choice([["AMOA"], ["AMOE"], ["AMOA", "AMOE"]]),
            availability=[{"start": a.isoformat(), "end": b.isoformat()} for a, b in periods], reviews=reviews,
        ), strict=False))
    return pros


def naive(pros: list[Professional], index: SearchIndex, need: NeedContent, need_id: str, version: int,
          limit: int) -> list[tuple[str, float, list[str]]]:
    """docs/sourcing.md's formula applied to each record in turn, everybody scored."""
    raw = index.bm25_scores(index.term_ids(analyse(need.search_text())))
    best = float(raw.max())
    row = {pid: i for i, pid in enumerate(index.ids)}
    period = (need.end_date - need.start_date).days + 1
    wanted = [set(analyse(c)) for c in need.certifications]
    rows = []
    for p in pros:
        days = sum(max(0, (min(q.end, need.end_date) - max(q.start, need.start_date)).days + 1) for q in p.availability)
        gap = LEVEL_RANK[p.level] - LEVEL_RANK[need.level]
        same = p.region == need.region
        held = {t for c in p.certifications for t in analyse(c)}
        ceiling = need.daily_rate_ceiling_cents
        s = {
            "text": (raw[row[p.professional_id]] / best) ** (1 / 3) if best > 0 else 0.0,
            "availability": min(days / period, 1.0),
            "level": 0.0 if gap < 0 else 1 - 0.2 * gap,
            "experience": 1.0 if not need.min_years_of_experience else min(p.years_of_experience
                                                                             / need.min_years_of_experience, 1.0),
            "rate": 0.5 + 0.5 * (ceiling - p.daily_rate_cents) / ceiling if p.daily_rate_cents <= ceiling else 0.0,
            "location": 1.0 if need.work_mode is WorkMode.REMOTE or same else (
                0.5 if need.work_mode is WorkMode.MIXED else 0.0),
            "public_sector": float(p.public_sector_knowledge),
            "certifications": (sum(bool(w) and w <= held for w in wanted) / len(wanted)) if wanted else 1.0,
            "rating": 0.6 if p.rating is None else (p.rating - 1) / 4,
        }
        passed = [need.nature in p.service_types, gap >= 0, p.daily_rate_cents <= ceiling, days >= period / 2,
                  need.work_mode is not WorkMode.ON_SITE or same,
                  not need.public_sector_required or p.public_sector_knowledge]
        total = sum(DEFAULT_WEIGHTS[k] * v for k, v in s.items())
        rows.append((passed.count(False), total, p.professional_id))
    if any(failed == 0 for failed, _, _ in rows):
        rows = [r for r in rows if r[0] == 0]
    rows.sort(key=lambda r: (r[0], -math.floor(round(r[1] / 0.01, 9)), rotation_key(need_id, version, r[2])))
    return [(pid, round(total, 4), failed) for failed, total, pid in rows[:limit]]


@pytest.fixture(scope="module")
def pool() -> tuple[list[Professional], SearchIndex]:
    pros = a_pool(3000)
    return pros, SearchIndex.build(pros)


NEEDS = {
    "loose, many full matches (pruned)": dict(nature="AMOA", level="junior", work_mode="remote", min_years_of_experience=0,
                                              daily_rate_ceiling_cents=95000, start_date="2026-03-01",
                                              end_date="2026-04-15"),
    "loose AMOE, other words (pruned)": dict(nature="AMOE", level="junior", work_mode="remote", min_years_of_experience=2,
                                             title="Développeur", summary="développement web React et Java Spring",
                                             skills=["React", "Kubernetes"], daily_rate_ceiling_cents=95000,
                                             start_date="2026-03-01", end_date="2026-04-10"),
    "mixed with certifications": dict(nature="AMOE", level="confirme", work_mode="mixed", region="84",
                                      certifications=["OSCP", "ISTQB"], summary="tests d'intrusion Kubernetes",
                                      skills=["pentest"], daily_rate_ceiling_cents=80000),
    "on site, strict": dict(nature="AMOA", level="senior", work_mode="on_site", region="53", public_sector_required=True,
                            daily_rate_ceiling_cents=50000, min_years_of_experience=15),
    "nobody passes (partial)": dict(nature="AMOE", level="senior", work_mode="on_site", region="32",
                                    public_sector_required=True, daily_rate_ceiling_cents=31000,
                                    start_date="2027-06-01", end_date="2027-07-01"),
}


@pytest.mark.parametrize("name", list(NEEDS))
@pytest.mark.parametrize("limit", [1, 10, 40])
def test_rank_returns_what_scoring_everybody_returns(pool, name, limit):
    # Given a pool of 3,000 professionals and a need
    pros, index = pool
    need = NeedContent.model_validate(a_need_content(**NEEDS[name]), strict=False)
    # When it is ranked
    ranking = rank(index, need, f"need-{name}", 2, limit=limit)
    # Then the candidates, their order, totals and missed filters are those of scoring every record
    got = [(c.professional_id, c.total, len(c.missed)) for c in ranking.candidates]
    assert got == naive(pros, index, need, f"need-{name}", 2, limit)


def test_the_pruned_path_scores_a_fraction_of_the_full_matches(pool, monkeypatch):
    # Given a need that thousands of professionals match fully
    _, index = pool
    need = NeedContent.model_validate(a_need_content(**NEEDS["loose, many full matches (pruned)"]), strict=False)
    scored_rows = []
    real = scoring.ranking._score

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        scored_rows.append(len(result.rows))
        return result

    monkeypatch.setattr(scoring.ranking, "_score", spy)
    # When it is ranked
    ranking = rank(index, need, "n", 1)
    # Then the best PRUNE_BLOCK by text were scored first, and no pass scored every full match
    # (the bound left out those whose text cannot lift them into the top band)
    assert ranking.full_matches > 2 * scoring.PRUNE_BLOCK
    assert scored_rows[0] == scoring.PRUNE_BLOCK
    assert max(scored_rows) < ranking.full_matches


def test_partial_matches_carry_the_filters_they_miss(pool):
    # Given a need nobody can meet (on site, sénior, public sector, a low ceiling, next year)
    _, index = pool
    need = NeedContent.model_validate(a_need_content(**NEEDS["nobody passes (partial)"]), strict=False)
    # When it is ranked
    ranking = rank(index, need, "n", 1)
    # Then every candidate is partial, fewest filters missed first, each saying which ones in French
    assert ranking.partial and ranking.full_matches == 0
    missed = [len(c.missed) for c in ranking.candidates]
    assert missed == sorted(missed) and missed[0] >= 1
    for c in ranking.candidates:
        assert c.explanation.startswith("Correspondance partielle — critères manqués : ")
        assert [name for name, ok in c.filters.items() if not ok] == c.missed
        assert all(scoring.FILTER_LABELS[name] in c.explanation for name in c.missed)


def test_matched_terms_are_the_need_words_found_in_the_profile(pool):
    # Given the pool and a need naming a few skills
    pros, index = pool
    by_id = {p.professional_id: p for p in pros}
    need = NeedContent.model_validate(a_need_content(**NEEDS["mixed with certifications"]), strict=False)
    # When it is ranked
    ranking = rank(index, need, "n", 1)
    # Then each candidate's matched terms are exactly the need's terms present in its own text
    need_terms = set(analyse(need.search_text()))
    for c in ranking.candidates:
        found = need_terms & set(analyse(by_id[c.professional_id].search_text()))
        assert set(analyse(" ".join(c.matched_terms))) == found
        assert len(c.matched_terms) == len(found)


def test_an_index_written_before_the_forward_index_still_loads_and_ranks_the_same(pool):
    # Given an index blob without the forward index (as written by the previous version)
    _, index = pool
    old = SearchIndex.from_bytes(index.to_bytes())
    old.doc_terms = old.doc_terms_indptr = None
    blob = old.to_bytes()
    # When it is loaded
    loaded = SearchIndex.from_bytes(blob)
    # Then the forward index is derived and the ranking is the same
    need = NeedContent.model_validate(a_need_content(**NEEDS["mixed with certifications"]), strict=False)
    assert rank(loaded, need, "n", 1).as_dict() == rank(index, need, "n", 1).as_dict()


def test_without_hard_filters_everybody_is_a_full_match_ranked_by_total(pool):
    # Given the pool and a need ranked with no hard filter at all (weights and filters are configuration)
    _, index = pool
    need = NeedContent.model_validate(a_need_content(**NEEDS["on site, strict"]), strict=False)
    # When it is ranked
    ranking = rank(index, need, "n", 1, filters=())
    # Then every professional counts as a full match, none partial, and score bands never rise
    assert ranking.full_matches == len(index) and not ranking.partial
    assert len(ranking.candidates) == 10 and all(c.filters == {} and not c.partial for c in ranking.candidates)
    bands = [math.floor(round(c.total / scoring.TIE_BAND, 9)) for c in ranking.candidates]
    assert bands == sorted(bands, reverse=True)


def test_an_index_blob_is_read_in_place_and_one_written_by_np_savez_still_loads(pool):
    # Given the index written as a blob, and the same arrays written by plain np.savez (previous writer)
    _, index = pool
    blob = index.to_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    legacy = io.BytesIO()
    np.savez(legacy, **arrays)
    # When both are loaded
    in_place, copied = SearchIndex.from_bytes(blob), SearchIndex.from_bytes(legacy.getvalue())
    # Then the new blob's arrays are views of its bytes (no copy), and both rank alike
    assert not in_place.bm25.scores["data"].flags.owndata and not in_place.doc_terms.flags.writeable
    need = NeedContent.model_validate(a_need_content(**NEEDS["mixed with certifications"]), strict=False)
    assert rank(in_place, need, "n", 1).as_dict() == rank(copied, need, "n", 1).as_dict() == rank(index, need, "n", 1).as_dict()


def test_the_streaming_build_gives_bm25s_scores_bit_for_bit(pool):
    # Given the pool, and bm25s' own index of the same analysed texts (documents by professional id)
    pros, index = pool
    ordered = sorted((p for p in pros if p.active), key=lambda p: p.professional_id)
    reference = bm25s.BM25()
    reference.index([analyse(p.search_text()) or [""] for p in ordered], show_progress=False)
    # When both are read as term → {document: score}
    def postings(bm25):
        s = bm25.scores
        return {term: dict(zip(s["indices"][s["indptr"][i]:s["indptr"][i + 1]].tolist(),
                               s["data"][s["indptr"][i]:s["indptr"][i + 1]].tolist()))
                for term, i in bm25.vocab_dict.items() if term}
    # Then every term has the same documents with the very same float32 scores
    assert [p.professional_id for p in ordered] == index.ids
    assert postings(index.bm25) == postings(reference)
    assert index.bm25.scores["num_docs"] == reference.scores["num_docs"] == len(ordered)


def test_the_build_reads_its_records_once_from_an_iterator():
    # Given professionals handed over one at a time (as rows are read from Firestore), in no order
    pros = a_pool(300, seed=5)
    shuffled = sorted(pros, key=lambda p: p.professional_id[::-1])
    # When the index is built from a generator
    streamed = SearchIndex.build(p for p in shuffled)
    # Then it is the index of the sorted list (documents numbered by professional id)
    listed = SearchIndex.build(sorted(pros, key=lambda p: p.professional_id))
    assert streamed.to_bytes() == listed.to_bytes()


def test_an_empty_pool_ranks_nobody():
    # Given an index of nobody (every professional inactive)
    index = SearchIndex.from_bytes(SearchIndex.build(
        [Professional.model_validate(a_professional("p", active=False), strict=False)]).to_bytes())
    # When a need is ranked
    ranking = rank(index, NeedContent.model_validate(a_need_content(), strict=False), "n", 1)
    # Then there is no candidate, and no error
    assert ranking.candidates == [] and ranking.pool_size == 0 and ranking.partial
