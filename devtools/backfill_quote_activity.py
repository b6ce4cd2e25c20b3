"""A11 lists, an operator's one-off: give every quote stored before quotes kept ``updated_at`` (the time of their last
change, which ``list_quotes`` pages on) its last activity, so that it is listed again.

    .venv/bin/python -m devtools.backfill_quote_activity [--project P] [--manager M] [--page N] [--apply]

Dry run by default: it reads every quote, page by page (``--page``, 100 by default), and counts those lacking
``updated_at``; ``--apply`` writes on each the latest of what its record says happened to it — its request (or
raise), its versions' submissions, its decision — never the time of the run, so the list's activity order stays true.
Idempotent: a quote that has ``updated_at`` is never touched (each page is read again in the commit that writes it,
retried if a quote changed meanwhile), so a second run writes nothing. Each write is audited as any write (B15), by
``operator`` / ``backfill_quote_activity``. A quote the model cannot read is listed and left as it is.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real project with
Application Default Credentials (``--project``, else GOOGLE_CLOUD_PROJECT). Documented in docs/runbook.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from pydantic import ValidationError

from devtools import backfills
from shared.domain.quotes import Quote
from shared.ports import UnitOfWork
from shared.service import quote_store

DEFAULT_PAGE = 100  # each write carries an audit record: 2 writes a quote, within a commit's 500
MAX_PAGE = 200
WHO = "backfill_quote_activity"


def last_activity(quote: Quote) -> dt.datetime:
    """The latest change the quote's record tells of: its request (or raise), a submission, its decision."""
    times = [quote.requested_at, *(v.submitted_at for v in quote.versions)]
    if quote.decided_at is not None:
        times.append(quote.decided_at)
    return max(t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in times)


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None
             ) -> backfills.Outcome:
    outcome = backfills.Outcome()
    for lacking in backfills.pages(uow, "quotes", manager_id, page, MAX_PAGE,
                                   lambda d: d.get(quote_store.UPDATED_AT) is None, outcome):
        backfills.fill(WHO, uow.fork(), lacking, quote_store.UPDATED_AT, _activity_of, apply, outcome)
    return outcome


def _activity_of(data: dict[str, Any]) -> dt.datetime | None:
    try:
        return last_activity(quote_store.quote_from(data))
    except ValidationError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = backfills.arguments(__doc__, "quotes", DEFAULT_PAGE, MAX_PAGE,
                                 space="only this manager's (or beneficiary's) space")
    args = parser.parse_args(argv)
    uow = backfills.firestore(parser, args, MAX_PAGE)
    outcome = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager)
    verb = "datés" if args.apply else "à dater (essai : rien n'est écrit, --apply pour écrire)"
    print(f"{outcome.read} devis lus ; {outcome.kept} avaient déjà leur date d'activité ; {outcome.written} {verb}")
    for path in outcome.unreadable:
        print(f"illisible, laissé tel quel : {path}", file=sys.stderr)
    return 1 if outcome.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
