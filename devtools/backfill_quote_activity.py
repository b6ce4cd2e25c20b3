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

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass, field

from pydantic import ValidationError

from shared import context
from shared.domain.quotes import Quote
from shared.ports import Query, UnitOfWork
from shared.service import quote_store
from shared.service.transaction import transact

DEFAULT_PAGE = 100  # each write carries an audit record: 2 writes a quote, within a commit's 500
MAX_PAGE = 200
ACTOR = context.AuditActor(who="backfill_quote_activity", role="operator", tenant="platform")


@dataclass
class Outcome:
    read: int = 0
    kept: int = 0
    written: int = 0
    unreadable: list[str] = field(default_factory=list)


def last_activity(quote: Quote) -> dt.datetime:
    """The latest change the quote's record tells of: its request (or raise), a submission, its decision."""
    times = [quote.requested_at, *(v.submitted_at for v in quote.versions)]
    if quote.decided_at is not None:
        times.append(quote.decided_at)
    return max(t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in times)


def _is_quote(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 4 and parts[0] == "managers" and parts[2] == "quotes"


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None
             ) -> Outcome:
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page: 1 to {MAX_PAGE}")
    outcome = Outcome()
    query = Query(f"managers/{manager_id}/quotes") if manager_id else Query("quotes", group=True)
    lacking: list[str] = []
    for doc in uow.stream(query, page=page):
        if not _is_quote(doc.path):
            continue
        outcome.read += 1
        if doc.data.get(quote_store.UPDATED_AT) is not None:
            outcome.kept += 1
            continue
        lacking.append(doc.path)
        if len(lacking) == page:
            _settle(uow.fork(), lacking, apply, outcome)
            lacking = []
    if lacking:
        _settle(uow.fork(), lacking, apply, outcome)
    return outcome


def _settle(uow: UnitOfWork, paths: list[str], apply: bool, outcome: Outcome) -> None:
    def attempt() -> tuple[int, list[str], int]:
        written, unreadable, meanwhile = 0, [], 0
        found = uow.get_all(paths)
        for path in paths:
            data = found.get(path)
            if data is None or data.get(quote_store.UPDATED_AT) is not None:
                meanwhile += 1
                continue
            try:
                quote = quote_store.quote_from(data)
            except ValidationError:
                unreadable.append(path)
                continue
            written += 1
            if apply:
                uow.update(path, {quote_store.UPDATED_AT: last_activity(quote)})
        return written, unreadable, meanwhile

    token = context.actor.set(ACTOR)
    try:
        written, unreadable, meanwhile = transact(uow, attempt)
    finally:
        context.actor.reset(token)
    outcome.written += written
    outcome.unreadable += unreadable
    outcome.kept += meanwhile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", help="Google Cloud project (default: GOOGLE_CLOUD_PROJECT)")
    parser.add_argument("--manager", help="only this manager's (or beneficiary's) space")
    parser.add_argument("--page", type=int, default=DEFAULT_PAGE, help=f"quotes per read and per commit "
                                                                       f"(1–{MAX_PAGE}, default {DEFAULT_PAGE})")
    parser.add_argument("--apply", action="store_true", help="write (default: a dry run that writes nothing)")
    args = parser.parse_args(argv)
    if not 1 <= args.page <= MAX_PAGE:
        parser.error(f"--page : de 1 à {MAX_PAGE}")
    if args.project:
        os.environ["GOOGLE_CLOUD_PROJECT"] = args.project
    from shared import bootstrap
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

    uow = FirestoreUnitOfWork(bootstrap.get("firestore"))
    outcome = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager)
    verb = "datés" if args.apply else "à dater (essai : rien n'est écrit, --apply pour écrire)"
    print(f"{outcome.read} devis lus ; {outcome.kept} avaient déjà leur date d'activité ; {outcome.written} {verb}")
    for path in outcome.unreadable:
        print(f"illisible, laissé tel quel : {path}", file=sys.stderr)
    return 1 if outcome.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
