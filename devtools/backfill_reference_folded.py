"""A11 lists, A2 quotes, an operator's one-off after deploy: give every order and quote stored before they kept their
reference regardless of case (``order_id_folded``, ``quote_id_folded``, which the lists' search by reference queries:
« bc-2026-014 » finds « BC-2026-014 ») that folded reference, so that it is found however it is typed.

    .venv/bin/python -m devtools.backfill_reference_folded [--project P] [--manager M] [--page N] [--apply]

Dry run by default: it reads every order, then every quote, page by page (``--page``, 100 by default), and counts
those lacking their folded reference; ``--apply`` writes it (``list_cursor.folded`` of the document's id field).
``updated_at`` is left alone: the record's activity did not change. Idempotent: a record that has its folded
reference is never touched (each page is read again in the commit that writes it, retried if a record changed
meanwhile), so a second run writes nothing. Each write is audited as any write (B15), by ``operator`` /
``backfill_reference_folded``. A record without its reference is listed and left as it is.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real project with
Application Default Credentials (``--project``, else GOOGLE_CLOUD_PROJECT). Documented in docs/runbook.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from devtools import backfills
from shared.domain.list_cursor import folded
from shared.ports import UnitOfWork
from shared.service.order_store import ORDER_ID_FOLDED
from shared.service.quote_store import QUOTE_ID_FOLDED

DEFAULT_PAGE = 100  # each write carries an audit record: 2 writes a record, within a commit's 500
MAX_PAGE = 200
WHO = "backfill_reference_folded"
# each kind of record: its collection, the field of its reference, the folded field the search queries
KINDS = (("orders", "order_id", ORDER_ID_FOLDED), ("quotes", "quote_id", QUOTE_ID_FOLDED))


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None
             ) -> dict[str, backfills.Outcome]:
    """Per kind (``orders``, ``quotes``): what was read, already had its folded reference, was (or would be) written."""
    outcomes: dict[str, Outcome] = {}
    for kind, reference, target in KINDS:
        outcome = outcomes[kind] = backfills.Outcome()
        for lacking in backfills.pages(uow, kind, manager_id, page, MAX_PAGE, lambda d, t=target: d.get(t) is None,
                                       outcome):
            backfills.fill(WHO, uow.fork(), lacking, target, _folded_of(reference), apply, outcome)
    return outcomes


def _folded_of(reference: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda data: folded(data[reference]) if isinstance(data.get(reference), str) and data[reference] else None


def main(argv: list[str] | None = None) -> int:
    parser = backfills.arguments(__doc__, "records", DEFAULT_PAGE, MAX_PAGE,
                                 space="only this manager's (or beneficiary's) space")
    args = parser.parse_args(argv)
    uow = backfills.firestore(parser, args, MAX_PAGE)
    outcomes = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager)
    verb = "complétées" if args.apply else "à compléter (essai : rien n'est écrit, --apply pour écrire)"
    failed = False
    for kind, label in (("orders", "commandes"), ("quotes", "devis")):
        outcome = outcomes[kind]
        print(f"{label} : {outcome.read} lues ; {outcome.kept} avaient déjà leur référence sans casse ; "
              f"{outcome.written} {verb}")
        for path in outcome.unreadable:
            print(f"sans référence, laissé tel quel : {path}", file=sys.stderr)
        failed = failed or bool(outcome.unreadable)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
