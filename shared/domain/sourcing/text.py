"""French text analysis for BM25 (same chain for professionals and needs).

lower-case → words of 2+ letters → fold accents → drop French stop words → Snowball French
stem (PyStemmer). Folding comes before stemming so that the stemmer sees the same letters
whether or not the writer typed accents: "Accessibilité" and "accessibilite" both give
``accessibil``, "Développements" and "developpement" both give ``developp``. Words are folded
one by one (cached), which gives the same terms as folding the whole text first.

The words a person reads (a ranking's reasons, B3) are the need's own, as written — its case, whole words, and the
phrases they stand in (« cahier des charges fonctionnel », « RGAA »), never the index's stems (« fonctionnel », « rgaa »).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
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


def _term(word: str) -> str | None:
    """The index term of one lower-case word; None for a stop word or a number."""
    folded = _fold_word(word)
    if folded in STOP_WORDS or folded.isdigit():
        return None
    return _stem(folded)


def analyse(text: str) -> list[str]:
    """Index terms of ``text``, in order (repetitions kept: BM25 counts them)."""
    return [term for term in map(_term, _words(text)) if term is not None]


@dataclass(frozen=True)
class Word:
    """One word of a text: as written (its case), its term (None: a stop word or a number), where it lies."""
    written: str
    term: str | None
    start: int
    end: int


@lru_cache(maxsize=512)  # a ranking explains each of its candidates from the same need's texts
def words_of(text: str) -> tuple[str, tuple[Word, ...]]:
    """The text as written (NFC) and its words in order, the same words ``analyse`` reads (found in the lower-case
    text, so that the terms are the index's), each as written, placed in that text — the lower-case text and words
    when lowering changed the text's length (a rare letter such as « İ »), where the two no longer line up."""
    nfc = unicodedata.normalize("NFC", text)
    lowered = nfc.lower().replace("’", "'")
    shown = nfc if len(lowered) == len(nfc) else lowered
    return shown, tuple(Word(shown[m.start():m.end()], _term(m.group()), m.start(), m.end())
                        for m in _WORD.finditer(lowered))


def analyse_query(text: str) -> tuple[list[str], dict[str, str]]:
    """The terms of ``text`` and, for each term, the first word that produced it, as written (to explain
    matches in French) — one pass."""
    terms: list[str] = []
    surface: dict[str, str] = {}
    for word in words_of(text)[1]:
        if word.term is None:
            continue
        terms.append(word.term)
        surface.setdefault(word.term, word.written)
    return terms, surface


# What may lie between two words of one phrase: spaces, a hyphen, an elision (« d'accessibilité »); a comma, a full
# stop or a line break ends it, and so does its sixth word found (a reason names phrases, not whole sentences).
_JOINS = re.compile(r"(?:[ \u00a0\t\-'’]|\b\w['’])*")
_PHRASE_WORDS = 6


def matched_phrases(texts: Sequence[str], terms: set[str], limit: int) -> list[str]:
    """The phrases of ``texts`` (a need's title, each of its skills, its summary…: a phrase never runs from one to
    the next) made of words whose terms are all in ``terms`` (stop words inside them kept: « cahier des charges »),
    as written, in the texts' order; each once and none already inside a longer one, by their terms (« rédaction
    du cahier des charges » is « rédaction de cahier des charges »); at most ``limit``."""
    runs: list[tuple[str, str]] = []
    for text in texts:
        runs += _runs(text, terms)
    kept: list[tuple[str, str]] = []
    for run in sorted(runs, key=lambda r: -len(r[1])):  # the longest first: a shorter one inside it goes
        if not any(run[1] in other for _, other in kept):
            kept.append(run)
    return [phrase for phrase, _ in sorted(kept, key=runs.index)][:limit]


def _runs(text: str, terms: set[str]) -> list[tuple[str, str]]:
    """Each phrase of ``text`` and its key: its terms, space-separated and space-framed."""
    nfc, words = words_of(text)
    runs: list[tuple[str, str]] = []
    run: list[Word] = []

    def close() -> None:
        while run and run[-1].term is None:  # a phrase ends on a word that matched, not « de »
            run.pop()
        if run:
            runs.append((nfc[run[0].start:run[-1].end], f" {' '.join(w.term for w in run if w.term)} "))
        run.clear()

    for word in words:
        if run and (not _JOINS.fullmatch(nfc[run[-1].end:word.start])
                    or (word.term in terms and sum(1 for w in run if w.term) >= _PHRASE_WORDS)):
            close()
        if word.term in terms or (run and word.term is None):
            run.append(word)
        else:
            close()
    close()
    return runs


def analyse_with_surface(text: str) -> dict[str, str]:
    """Each term of ``text`` with the first word that produced it."""
    return analyse_query(text)[1]
