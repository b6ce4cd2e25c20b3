"""Ranking configuration (B3): weights, hard filters, labels, and how amounts read in French."""

from __future__ import annotations

from shared.domain.sourcing.records import (
    Level,
    Region,
    ServiceType,
)

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


def amount_label(cents: int) -> str:
    whole, rest = divmod(int(cents), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{rest:02d} €" if rest else f"{text} €"


