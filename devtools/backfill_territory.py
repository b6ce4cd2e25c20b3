"""B18 territories, an operator's one-off: write on every order stored before orders kept their territory the one the
platform chooses at issue, so that its list rows (list_orders' ``time_zone``) and everything else reading the order
find it on the record.

    .venv/bin/python -m devtools.backfill_territory [--project P] [--manager M] [--page N] [--apply]

Dry run by default: it reads every order, page by page (``--page``, 100 by default), and prints what it would write,
counted by territory; ``--apply`` writes it. The territory is the rule the platform applies at issue, through the
same service function (``shared.service.territories.territory_of``: the site's commune, else its node's kept on the
order, else the contract's one territory, else the manager's own, else Paris), with the contract and the manager read
as they are today. Idempotent: an order that has a territory is never touched (each page is read again in the
commit that writes it, which fails and is retried if an order changed meanwhile), so a second run writes nothing.
Each write is audited as any write (B15), by ``operator`` / ``backfill_territory``. An order the model cannot read
is listed and left as it is. ``updated_at`` is left alone: the order's activity did not change.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real project with
Application Default Credentials (``--project``, else GOOGLE_CLOUD_PROJECT). Documented in docs/runbook.md.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from devtools import backfills
from shared.ports import UnitOfWork
from shared.service import order_store, territories

DEFAULT_PAGE = 100  # each write carries an audit record (2 writes): 3 writes an order, within a commit's 500
MAX_PAGE = 150
WHO = "backfill_territory"


@dataclass
class Outcome:
    """What a run found: orders read, those that already had a territory, those written (or that would be, on a
    dry run) by territory, and the paths of those the model could not read."""

    read: int = 0
    kept: int = 0
    written: Counter[str] = field(default_factory=Counter)
    unreadable: list[str] = field(default_factory=list)

    @property
    def total_written(self) -> int:
        return sum(self.written.values())


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None,
             say: Callable[[str], None] = lambda _: None) -> Outcome:
    """Write (``apply``) or count the territory of every order lacking it, in ``manager_id``'s space or in all."""
    outcome = Outcome()
    for lacking in backfills.pages(uow, "orders", manager_id, page, MAX_PAGE, lambda d: not d.get("territory"),
                                   outcome):
        _settle(uow.fork(), lacking, apply, outcome, say)
    return outcome


def _settle(uow: UnitOfWork, paths: list[str], apply: bool, outcome: Outcome, say: Callable[[str], None]) -> None:
    """One page of orders lacking a territory: read again, the rule applied, written in one commit (``apply``)."""

    def attempt() -> tuple[dict[str, str], list[str], int]:
        chosen: dict[str, str] = {}
        unreadable: list[str] = []
        found = uow.get_all(paths)
        for path in paths:
            data = found.get(path)
            if data is None or data.get("territory"):
                continue  # deleted, or given its territory since the page was read
            try:
                order = order_store.order_from(data)
            except ValidationError:
                unreadable.append(path)
                continue
            chosen[path] = territories.territory_of(uow, order)  # the rule of issue (the order has none kept)
            if apply:
                uow.update(path, {"territory": chosen[path]})
        return chosen, unreadable, len(paths) - len(chosen) - len(unreadable)

    chosen, unreadable, meanwhile = backfills.as_operator(WHO, uow, attempt)
    outcome.written.update(chosen.values())
    outcome.unreadable += unreadable
    outcome.kept += meanwhile
    for path, code in chosen.items():
        say(f"{path}: {code}{'' if apply else ' (à écrire)'}")


def main(argv: list[str] | None = None) -> int:
    parser = backfills.arguments(__doc__, "orders", DEFAULT_PAGE, MAX_PAGE)
    parser.add_argument("--quiet", action="store_true", help="print the totals only, not each order")
    args = parser.parse_args(argv)
    uow = backfills.firestore(parser, args, MAX_PAGE)
    outcome = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager,
                       say=(lambda _: None) if args.quiet else print)
    verb = "écrit sur" if args.apply else "à écrire sur (essai : rien n'est écrit, --apply pour écrire)"
    by = ", ".join(f"{code} : {n}" for code, n in sorted(outcome.written.items())) or "—"
    print(f"{outcome.read} commandes lues ; {outcome.kept} avaient déjà leur territoire ; "
          f"territoire {verb} {outcome.total_written} ({by})")
    for path in outcome.unreadable:
        print(f"illisible, laissée telle quelle : {path}", file=sys.stderr)
    return 1 if outcome.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
