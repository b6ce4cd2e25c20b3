"""Scoring benchmark: synthetic French pool, judged needs, latency and quality.

    .venv/bin/python -m bench.scoring [--sizes 1000 10000 100000] [--needs 30]

For each pool size prints: index build time, serialised index size and process memory,
p50/p95 latency of the full ``rank`` (every criterion, filters, rotation, explanations),
its ratio to bare BM25 top-10 retrieval of the same text in the same run, and nDCG@10 of
the full scoring vs text-only BM25 against graded judgements (3: right family, level,
region, budget and availability; 2: right family but one practical constraint missed;
1: neighbouring family; 0: otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import resource
import statistics
import time

import numpy as np

from shared.domain.sourcing.records import Level, NeedContent, Professional, Region
from shared.domain.sourcing.scoring import SearchIndex, rank
from shared.domain.sourcing.text import analyse

FAMILIES = {
    "recette": ("AMOA", ["recette fonctionnelle", "cahier de recette", "stratégie de test", "tests d'acceptation",
                         "ISTQB", "anomalies", "non-régression"]),
    "accessibilite": ("AMOA", ["accessibilité RGAA", "audit d'accessibilité", "WCAG", "conformité RGAA",
                               "déclaration d'accessibilité"]),
    "rgpd": ("AMOA", ["conformité RGPD", "registre des traitements", "analyse d'impact", "DPO", "données personnelles"]),
    "schema": ("AMOA", ["schéma directeur", "urbanisation du SI", "feuille de route numérique", "étude d'opportunité"]),
    "pilotage": ("AMOA", ["pilotage de projet", "gestion de portefeuille", "comitologie", "planification", "PMO"]),
    "changement": ("AMOA", ["conduite du changement", "plan de communication", "formation des agents",
                            "accompagnement des utilisateurs"]),
    "java": ("AMOE", ["développement Java", "Spring Boot", "API REST", "microservices", "Maven"]),
    "web": ("AMOE", ["développement web", "React", "TypeScript", "intégration front", "Symfony PHP"]),
    "exploitation": ("AMOE", ["exploitation", "supervision", "administration Linux", "sauvegardes", "Zabbix"]),
    "cloud": ("AMOE", ["migration cloud", "Kubernetes", "Terraform", "intégration continue", "DevOps"]),
    "data": ("AMOE", ["entrepôt de données", "Power BI", "SQL", "ETL", "tableaux de bord"]),
}
NEIGHBOURS = {"recette": "accessibilite", "accessibilite": "recette", "java": "web", "web": "java",
              "cloud": "exploitation", "exploitation": "cloud", "pilotage": "schema", "schema": "pilotage",
              "rgpd": "schema", "changement": "pilotage", "data": "java"}
FILLER = ["collectivités territoriales", "travail en équipe", "rédaction", "animation d'ateliers", "agilité Scrum"]
LEVELS = list(Level)
REGIONS = list(Region)
START = dt.date(2026, 4, 1)


def make_pool(n: int, rng: random.Random) -> tuple[list[Professional], dict[str, str]]:
    pros, family_of = [], {}
    names = list(FAMILIES)
    for i in range(n):
        family = rng.choice(names)
        kind, vocab = FAMILIES[family]
        skills = rng.sample(vocab, k=min(len(vocab), rng.randint(2, 4))) + rng.sample(FILLER, k=2)
        if rng.random() < 0.3:  # generalists: a skill of another family
            skills.append(rng.choice(FAMILIES[rng.choice(names)][1]))
        level = rng.choice(LEVELS)
        years = {Level.JUNIOR: rng.randint(0, 3), Level.CONFIRMED: rng.randint(3, 8), Level.SENIOR: rng.randint(8, 25)}[level]
        start = START + dt.timedelta(days=rng.randint(-60, 120))
        pid = f"p{i:06d}"
        family_of[pid] = family
        pros.append(Professional.model_validate({
            "professional_id": pid, "name": f"Professionnel {i}", "level": level.value, "years_of_experience": years,
            "public_sector_knowledge": rng.random() < 0.5, "skills": skills,
            "summary": f"Consultant {kind} : {', '.join(rng.sample(vocab, k=2))}.",
            "certifications": ["ISTQB Foundation"] if family == "recette" and rng.random() < 0.5 else [],
            "availability": [{"start": start.isoformat(), "end": (start + dt.timedelta(days=rng.randint(30, 300))).isoformat()}],
            "daily_rate_cents": rng.randrange(35000, 95000, 500), "profile_category": family.upper()[:12],
            "service_types": [kind], "region": rng.choice(REGIONS).value,
            "reviews": [{"mission_ref": "m", "rating": rng.randint(2, 5), "on": "2025-10-01"}] if rng.random() < 0.6 else [],
        }, strict=False))
    return pros, family_of


def make_needs(k: int, rng: random.Random) -> list[tuple[str, NeedContent]]:
    needs = []
    for j in range(k):
        family = list(FAMILIES)[j % len(FAMILIES)]
        kind, vocab = FAMILIES[family]
        words = rng.sample(vocab, k=3)
        needs.append((family, NeedContent.model_validate({
            "title": f"Besoin {words[0]}", "nature": kind, "summary": f"Nous recherchons un profil pour {', '.join(words)}.",
            "skills": words[:2], "min_years_of_experience": 3, "level": "confirme", "start_date": START.isoformat(),
            "duration_days": 40, "end_date": (START + dt.timedelta(days=60)).isoformat(),
            "region": rng.choice(REGIONS[5:]).value, "work_mode": rng.choice(["on_site", "mixed", "remote"]),
            "daily_rate_ceiling_cents": 75000,
        }, strict=False)))
    return needs


def grade(p: Professional, family: str, need: NeedContent, pfam: str) -> int:
    if pfam == family:
        practical = (p.daily_rate_cents <= need.daily_rate_ceiling_cents and p.level != Level.JUNIOR
                     and (need.work_mode.value == "remote" or p.region == need.region)
                     and any(a.start <= need.start_date <= a.end for a in p.availability))
        return 3 if practical else 2
    return 1 if NEIGHBOURS.get(family) == pfam else 0


def ndcg10(ranked: list[str], gains: dict[str, int]) -> float:
    dcg = sum((2 ** gains.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:10]))
    ideal = sorted(gains.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def run(size: int, n_needs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pros, family_of = make_pool(size, rng)
    by_id = {p.professional_id: p for p in pros}
    t0 = time.perf_counter()
    index = SearchIndex.build(pros)
    build = time.perf_counter() - t0
    blob = index.to_bytes()
    needs = make_needs(n_needs, rng)
    full_t, bare_t, nd_full, nd_text = [], [], [], []
    for j, (family, need) in enumerate(needs):
        t = time.perf_counter()
        ranking = rank(index, need, f"bench-{j}", 1)
        full_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        ids = index.term_ids(analyse(need.search_text()))
        scores = index.bm25_scores(ids)
        top = np.argpartition(-scores, 10)[:10] if len(scores) > 10 else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        bare_t.append(time.perf_counter() - t)
        # judge only what either system returns plus the pool's family members (sampled for speed)
        gains = {pid: grade(p, family, need, family_of[pid]) for pid, p in by_id.items()
                 if family_of[pid] in (family, NEIGHBOURS.get(family))}
        nd_full.append(ndcg10([c.professional_id for c in ranking.candidates], gains))
        nd_text.append(ndcg10([index.ids[i] for i in top], gains))
    p50 = statistics.median(full_t) * 1000
    p95 = sorted(full_t)[max(0, int(len(full_t) * 0.95) - 1)] * 1000
    bare50 = statistics.median(bare_t) * 1000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size:>7} pros | build {build:6.2f} s | index {len(blob) / 2**20:6.1f} MiB | max RSS {rss:6.0f} MiB | "
          f"rank p50 {p50:7.1f} ms p95 {p95:7.1f} ms | bare BM25 p50 {bare50:6.1f} ms | "
          f"ratio {p50 / bare50 if bare50 else float('nan'):5.1f}x | nDCG@10 full {statistics.mean(nd_full):.3f} "
          f"vs text-only {statistics.mean(nd_text):.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--needs", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.needs)


if __name__ == "__main__":
    main()
