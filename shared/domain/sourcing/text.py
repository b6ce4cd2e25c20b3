"""French text analysis for BM25 (same chain for professionals and needs).

lower-case → words of 2+ letters → fold accents → drop French stop words → Snowball French
stem (PyStemmer). Folding comes before stemming so that the stemmer sees the same letters
whether or not the writer typed accents: "Accessibilité" and "accessibilite" both give
``accessibil``, "Développements" and "developpement" both give ``developp``. Words are folded
one by one (cached), which gives the same terms as folding the whole text first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_FRENCH

_WORD = re.compile(r"(?u)\b\w\w+\b")
# Words of our domain that carry no discriminating meaning in a need or a profile.
_DOMAIN_STOP = ("etc", "ans", "an", "mission", "missions", "besoin", "profil", "attendu", "attendue")


def fold(text: str) -> str:
    """Remove accents and ligatures: "Œuvre Électricité" → "oeuvre electricite"."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


STOP_WORDS = frozenset(fold(w).lower() for w in (*STOPWORDS_FRENCH, *_DOMAIN_STOP))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def _words(text: str) -> list[str]:
    """The words of ``text``, lower-case; NFC first so that a decomposed accent stays in its word."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower().replace("’", "'"))


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


def analyse(text: str) -> list[str]:
    """Index terms of ``text``, in order (repetitions kept: BM25 counts them)."""
    return analyse_query(text)[0]


def analyse_query(text: str) -> tuple[list[str], dict[str, str]]:
    """The terms of ``text`` and, for each term, the first word that produced it (to explain
    matches in French) — one pass."""
    terms: list[str] = []
    surface: dict[str, str] = {}
    for word in _words(text):
        folded = _fold_word(word)
        if folded in STOP_WORDS or folded.isdigit():
            continue
        term = _stem(folded)
        terms.append(term)
        surface.setdefault(term, word)
    return terms, surface


def analyse_with_surface(text: str) -> dict[str, str]:
    """Each term of ``text`` with the first word that produced it."""
    return analyse_query(text)[1]
