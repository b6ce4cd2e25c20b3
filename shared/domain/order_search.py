"""A11 lists, A2.4 « Proposer un devis »: find an order by the start of its reference or a word of its title, as people
type it (``list_orders?q=``) — pure rules.

- ``title_words``: the words of a title as the search compares them — lower case, accents and punctuation removed,
  words of 2 characters or more, each once (« Fuite d'eau — cuisine » → ``fuite``, ``eau``, ``cuisine``). Kept on
  each order when written (``title_words``, shared/service/order_store.py) for an ``array_contains`` query.
- ``parse``: what one ``q`` searches. Trimmed, 2 to 64 characters (else ``INVALID_LENGTH``). A ``q`` written as a
  reference (letters, digits, ``._-``) is a reference prefix, folded as the references are (``list_cursor.folded``,
  against ``order_id_folded``); a ``q`` holding a word of 2 characters or more is a title search: its longest word is
  queried, every one of its words must be in the title. Both when both apply — one word that could start a reference
  (« fuite », « BC »): the two queries' rows merged —; a reference cut by ``-``, ``.`` or ``_`` (« BC-2026-01 ») is
  a prefix only, words with spaces or accents (« fuite eau », « réparé ») are words only.
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


def title_words(title: str) -> list[str]:
    """What each order keeps of its title for the search by word (``title_words``)."""
    return words(title or "")


@dataclass(frozen=True)
class Search:
    """One ``q``: the reference prefix it searches (folded; None when it cannot start a reference) and the title words
    (every one must be in the title; the longest is queried; empty when it has none)."""

    text: str
    prefix: str | None
    words: tuple[str, ...]

    @property
    def word(self) -> str | None:
        """The word queried (``array_contains``): the longest, the first of equals — the most selective."""
        return max(self.words, key=len) if self.words else None


def parse(args: Mapping[str, str], name: str, errors: list[ErrorDetail]) -> Search | None:
    """The query's ``name`` as a search; blank, None; too short or too long, None and its error in ``errors``."""
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        errors.append(ErrorDetail.of(f"query.{name}", "INVALID_LENGTH",
                                     detail=f"de {MIN_LENGTH} à {MAX_LENGTH} caractères (début d'une référence ou "
                                            f"mot de l'objet)"))
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
    with the prefix (regardless of case), or its title holds every word searched."""
    if search.prefix is not None and list_cursor.folded(order_id).startswith(search.prefix):
        return True
    if search.words:
        held = set(title_words(title))
        return all(word in held for word in search.words)
    return False
