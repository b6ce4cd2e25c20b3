"""The judged set of the scoring benchmark: hand-written needs and professionals, the buyer's
grading rule, and the pools that embed the judged professionals among generated distractors.

Data (``bench/data/judgements/``, written by hand, independently of the scorer):
  needs.json               16 needs (B2), each with its ``split`` (dev / test), the topical grade
                           of each trade (``trades``) and hand-given topical grades (``grades``)
  professionals.jsonl      hand-written professionals (B4), one ``{"trade", "professional"}`` per line

The grading rule is the one a buyer applies to a shortlist (docs/sourcing.md, "How ranking
quality is measured"); it reads the records and the topical judgements, never the scorer.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bench import distractors
from shared.domain.sourcing.records import LEVEL_RANK, NeedContent, Professional, WorkMode

DATA = Path(__file__).parent / "data" / "judgements"
START_DELAY_DAYS = 10      # a start more than 10 days late is a drawback
FULL_COVERAGE = 0.9        # available on less than 90 % of the period is a drawback …
MIN_COVERAGE = 0.5         # … on less than half of it, the professional cannot do the mission
POOR_RATING = 3.0          # a mean review below 3/5 is a drawback
GENERATED_TOPICAL_CAP = 2  # a generated profile is never "exactly this job"


@dataclass(frozen=True)
class JudgedNeed:
    need_id: str
    split: str
    content: NeedContent
    trades: dict[str, int]
    grades: dict[str, int]   # hand-given topical grades of hand-written professionals


@dataclass
class Pool:
    professionals: list[Professional]
    trade_of: dict[str, str]
    hand_written: set[str] = field(default_factory=set)


def load_needs() -> list[JudgedNeed]:
    raw = json.loads((DATA / "needs.json").read_text(encoding="utf-8"))
    needs = []
    for item in raw["needs"]:
        unknown = set(item["trades"]) - set(distractors.TRADES)
        if unknown:
            raise ValueError(f"{item['need_id']}: unknown trades {sorted(unknown)}")
        needs.append(JudgedNeed(item["need_id"], item["split"], NeedContent.model_validate(item["content"], strict=False),
                                dict(item["trades"]), dict(item.get("grades", {}))))
    return needs


def load_hand_written() -> list[tuple[str, Professional]]:
    out = []
    for line in (DATA / "professionals.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item["trade"] not in distractors.TRADES:
                raise ValueError(f"{item['professional']['professional_id']}: unknown trade {item['trade']}")
            out.append((item["trade"], Professional.model_validate(item["professional"], strict=False)))
    return out


def build_pool(size: int, seed: int = 2026) -> Pool:
    """The judged professionals plus ``size − judged`` generated distractors."""
    hand = load_hand_written()
    generated = distractors.generate(max(0, size - len(hand)), seed)
    pros = [p for _, p in hand] + [p for _, p in generated]
    trade_of = {p.professional_id: t for t, p in hand + generated}
    return Pool(pros, trade_of, {p.professional_id for _, p in hand})


# --- the buyer's grading rule ------------------------------------------------------------------


def topical(need: JudgedNeed, pool: Pool, professional_id: str) -> int:
    """0 unrelated, 1 neighbouring trade, 2 same trade, 3 this very job (hand-given only)."""
    if professional_id in pool.hand_written and professional_id in need.grades:
        return need.grades[professional_id]
    return min(need.trades.get(pool.trade_of[professional_id], 0), GENERATED_TOPICAL_CAP)


def coverage(p: Professional, start: dt.date, end: dt.date) -> tuple[float, int | None]:
    """Share of the need's days inside an availability period, and the delay of the first such day."""
    days = (end - start).days + 1
    covered = set()
    for period in p.availability:
        a, b = max(period.start, start), min(period.end, end)
        covered.update(range(a.toordinal(), b.toordinal() + 1))
    first = min(covered) - start.toordinal() if covered else None
    return len(covered) / days, first


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def blocking(need: NeedContent, p: Professional) -> list[str]:
    """The need's written requirements the professional does not meet: the buyer cannot order them as is."""
    share, _ = coverage(p, need.start_date, need.end_date)
    out = []
    if need.nature not in p.service_types:
        out.append("lot")
    if p.daily_rate_cents > need.daily_rate_ceiling_cents:
        out.append("over budget")
    if LEVEL_RANK[p.level] < LEVEL_RANK[need.level]:
        out.append("level below")
    if share < MIN_COVERAGE:
        out.append("unavailable")
    if need.work_mode is WorkMode.ON_SITE and p.region != need.region:
        out.append("on site elsewhere")
    if need.public_sector_required and not p.public_sector_knowledge:
        out.append("no public sector")
    return out


def drawbacks(need: NeedContent, p: Professional) -> list[str]:
    """What makes the buyer hesitate; each one lowers the grade by one."""
    share, delay = coverage(p, need.start_date, need.end_date)
    out = []
    if MIN_COVERAGE <= share < FULL_COVERAGE or (delay is not None and delay > START_DELAY_DAYS):
        out.append("partly available")
    if p.years_of_experience < need.min_years_of_experience:
        out.append("too few years")
    if LEVEL_RANK[p.level] - LEVEL_RANK[need.level] >= 2:
        out.append("over-qualified")
    if need.work_mode is WorkMode.MIXED and p.region != need.region:
        out.append("mixed elsewhere")
    held = [_folded(c) for c in p.certifications]
    if any(not any(_folded(wanted) in c for c in held) for wanted in need.certifications):
        out.append("certification missing")
    if p.rating is not None and p.rating < POOR_RATING:
        out.append("poor reviews")
    return out


def grade(need: JudgedNeed, pool: Pool, p: Professional) -> int:
    t = topical(need, pool, p.professional_id)
    if t == 0:
        return 0
    g = max(0, t - len(drawbacks(need.content, p)))
    return min(g, 1) if blocking(need.content, p) else g


def grades(need: JudgedNeed, pool: Pool) -> dict[str, int]:
    """Every non-zero grade of the pool for one need (unlisted professionals are 0)."""
    return {p.professional_id: g for p in pool.professionals if (g := grade(need, pool, p)) > 0}


def ndcg_at(ranked: list[str], gains: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** gains.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0
