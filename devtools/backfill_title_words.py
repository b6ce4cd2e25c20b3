"""A11 lists, A2.4 « Proposer un devis », an operator's one-off after deploy: give every order stored before orders kept
the words of their title and their starts (``title_words``, which the search by a word of the title queries:
``list_orders?q=fuite``, ``list_orders?q=fuit``) those words, so that it is found by a word of its title, or a word's
start, too. Until it has run, such an order is found by the start of its reference only (``order_id_folded``:
devtools/backfill_reference_folded.py for the older ones still) — or, one stored when orders kept whole words only,
by a whole word only.

    .venv/bin/python -m devtools.backfill_title_words [--project P] [--manager M] [--page N] [--apply]

Dry run by default: it reads every order page by page (``--page``, 100 by default) and counts those lacking their title
words or keeping an older form of them (whole words only: anything but ``order_search.title_words`` of its title);
``--apply`` writes them (lower case, accents and punctuation removed, words of 2 characters or more, then each word's
starts of 3 to 10 characters, at most 200 entries). ``updated_at`` is left alone: the order's activity did not
change. Idempotent: an order that has its title words as they are written now is never touched (each page is read
again in the commit that writes it, retried if an order changed meanwhile), so a second run writes nothing. Each write is audited as any write
(B15), by ``operator`` / ``backfill_title_words``. A record without a title is listed and left as it is.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real project with
Application Default Credentials (``--project``, else GOOGLE_CLOUD_PROJECT). Documented in docs/runbook.md.
"""

from __future__ import annotations

import sys
from typing import Any

from devtools import backfills
from shared.domain.order_search import title_words
from shared.ports import UnitOfWork
from shared.service.order_store import TITLE_WORDS

DEFAULT_PAGE = 100  # each write carries an audit record: 2 writes an order, within a commit's 500
MAX_PAGE = 200
WHO = "backfill_title_words"


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None
             ) -> backfills.Outcome:
    """What was read, already had its title words, was (or would be) written, and the orders without a title."""
    outcome = backfills.Outcome()
    for lacking in backfills.pages(uow, "orders", manager_id, page, MAX_PAGE, _lacks, outcome):
        backfills.fill(WHO, uow.fork(), lacking, TITLE_WORDS, _words_of, apply, outcome, lacks=_lacks)
    return outcome


def _lacks(data: dict[str, Any]) -> bool:
    """No title words, or not the form written now (an order stored when they were whole words only)."""
    if data.get(TITLE_WORDS) is None:
        return True
    return isinstance(data.get("title"), str) and data[TITLE_WORDS] != title_words(data["title"])


def _words_of(data: dict[str, Any]) -> list[str] | None:
    return title_words(data["title"]) if isinstance(data.get("title"), str) else None


def main(argv: list[str] | None = None) -> int:
    parser = backfills.arguments(__doc__, "orders", DEFAULT_PAGE, MAX_PAGE,
                                 space="only this manager's (or beneficiary's) space")
    args = parser.parse_args(argv)
    uow = backfills.firestore(parser, args, MAX_PAGE)
    outcome = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager)
    verb = "complétées" if args.apply else "à compléter (essai : rien n'est écrit, --apply pour écrire)"
    print(f"commandes : {outcome.read} lues ; {outcome.kept} avaient déjà les mots de leur objet ; "
          f"{outcome.written} {verb}")
    for path in outcome.unreadable:
        print(f"sans objet, laissée telle quelle : {path}", file=sys.stderr)
    return 1 if outcome.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
