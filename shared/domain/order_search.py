"""A11 lists, A2.4 « Proposer un devis »: find an order by the start of its reference or a word of its title, as people
type it (``list_orders?q=``) — pure rules.

- ``title_words``: the words of a title as the search compares them — lower case, accents and punctuation removed,
  words of 2 characters or more, each once (« Fuite d'eau — cuisine » → ``fuite``, ``eau``, ``cuisine``) — then each
  word's starts of ``MIN_START`` (3) to ``MAX_START`` (10) characters (``fui``, ``fuit``, ``cui`` … ``cuisin``), at
  most ``MAX_ENTRIES`` (200) entries, whole words first. Kept on each order when written (``title_words``,
  shared/service/order_store.py) for an ``array_contains`` query: a word's start of 3 characters or more finds it.
- ``parse``: what one ``q`` searches. Trimmed, 2 to 64 characters (else ``INVALID_LENGTH``). A ``q`` written as a
  reference (letters, digits, ``._-``) is a reference prefix, folded as the references are (``list_cursor.folded``,
  against ``order_id_folded``); a ``q`` holding a word of 2 characters or more is a title search: its longest word is
  queried (its first ``MAX_START`` characters when longer), every one of its words must start a word of the title
  (a word of 2 characters must be one whole: « eau » starts « eaux », « ea » finds a reference's start only). Both
  when both apply — one word that could start a reference (« fuite », « BC »): the two queries' rows merged —; a
  reference cut by ``-``, ``.`` or ``_`` (« BC-2026-01 ») is a prefix only, words with spaces or accents (« fuite
  eau », « réparé ») are words only.
- ``matches``: whether an order is one the search finds (the same rules, on the order itself).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain import list_cursor
from shared.domain.errors import ErrorDetail

MIN_LENGTH = 2
MAX_LENGTH = 64
MIN_WORD = 2
MIN_START = 3  # a word's start shorter than this finds nothing by itself (2 characters: a whole word only)
MAX_START = 10  # the longest start kept of a word: a longer one is queried by its first 10 characters, then checked
MAX_ENTRIES = 200  # title_words' bound: whole words first, then starts (a 500-character title stays well within the
# index entries Firestore allows a document — 40,000 — through the 3 composite indexes and the field's own)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold_text(text: str) -> str:
    """Lower case, accents removed (« Réparation » → « reparation »; « œ » → « oe »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of ``text`` as the search compares them: folded (``fold_text``), split on anything but a letter or a
    digit, 2 characters or more, each once, in their order."""
    seen: dict[str, None] = {}
    for word in _NOT_WORD.split(fold_text(text)):
        if len(word) >= MIN_WORD:
            seen.setdefault(word, None)
    return list(seen)


def starts(word: str) -> list[str]:
    """The starts of ``word`` kept for the search: ``MIN_START`` to ``MAX_START`` characters, the word itself apart."""
    return [word[:n] for n in range(MIN_START, min(len(word) - 1, MAX_START) + 1)]


def title_words(title: str) -> list[str]:
    """What each order keeps of its title for the search by word (``title_words``): its words, then their starts
    (``starts``), each once, at most ``MAX_ENTRIES``."""
    whole = words(title or "")
    seen = dict.fromkeys(whole)
    for word in whole:
        for start in starts(word):
            seen.setdefault(start, None)
    return list(seen)[:MAX_ENTRIES]


def key(word: str) -> str:
    """What a searched word is queried as in ``title_words``: itself, or its first ``MAX_START`` characters."""
    return word[:MAX_START] if len(word) > MAX_START else word


def starts_a_word(searched: str, held: list[str]) -> bool:
    """Whether ``searched`` is one of the ``held`` words, or the start (``MIN_START`` characters or more) of one."""
    return any(word == searched or (len(searched) >= MIN_START and word.startswith(searched)) for word in held)


@dataclass(frozen=True)
class Search:
    """One ``q``: the reference prefix it searches (folded; None when it cannot start a reference) and the title words
    (every one must be in the title; the longest is queried; empty when it has none)."""

    text: str
    prefix: str | None
    words: tuple[str, ...]

    @property
    def word(self) -> str | None:
        """The word queried (``array_contains``): the longest, the first of equals — the most selective — as kept in
        ``title_words`` (``key``: its first ``MAX_START`` characters when longer)."""
        return key(max(self.words, key=len)) if self.words else None

    @property
    def exact(self) -> bool:
        """Whether the word queried says alone what the search finds (one word, queried as typed): else the rows
        found are checked against every word (``matches``)."""
        return len(self.words) <= 1 and (self.word is None or self.word == self.words[0])


def parse(args: Mapping[str, str], name: str, errors: list[ErrorDetail]) -> Search | None:
    """The query's ``name`` as a search; blank, None; too short or too long, None and its error in ``errors``."""
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        errors.append(ErrorDetail.of(f"query.{name}", "INVALID_LENGTH",
                                     detail=f"de {MIN_LENGTH} à {MAX_LENGTH} caractères (début d'une référence, "
                                            f"mot de l'objet ou début d'un mot d'au moins {MIN_START} lettres)"))
        return None
    prefix = list_cursor.folded(text) if list_cursor.IDENTIFIER.match(text) else None
    found = tuple(words(text))
    if prefix is not None and len(found) != 1:  # « BC-2026-01 »: a reference's start, not the words bc, 2026, 01
        found = ()
    if prefix is None and not found:
        errors.append(ErrorDetail.of(f"query.{name}", "INVALID_FORMAT",
                                     detail="le début d'une référence (lettres, chiffres, « . », « _ », « - ») ou un "
                                            "mot d'au moins 2 lettres ou chiffres"))
        return None
    return Search(text, prefix, found)


def matches(search: Search, order_id: str, title: str) -> bool:
    """Whether the order of reference ``order_id`` and title ``title`` is one ``search`` finds: its reference starts
    with the prefix (regardless of case), or every word searched is a word of its title or the start of one
    (``starts_a_word``)."""
    if search.prefix is not None and list_cursor.folded(order_id).startswith(search.prefix):
        return True
    if search.words:
        held = words(title or "")
        return all(starts_a_word(word, held) for word in search.words)
    return False
