"""A7 property tree, A11 lists, an operator's one-off: write on every order stored before orders kept their site's
path (``site_path``: the tree's path from the order's site down to its node, which ``list_orders?node_id=`` filters
on) the path its node has in the manager's tree now, so that the filter by site finds it.

    .venv/bin/python -m devtools.backfill_order_site_path [--project P] [--manager M] [--page N] [--follow-moves]
                                                          [--apply]

Dry run by default: it reads every order, page by page (``--page``, 100 by default), and counts (and prints) what it
would write; ``--apply`` writes it. The path is the one issue gives (``shared.service.property_tree.ancestry``): the
node's own ``path`` as the import keeps it, else its parents read one by one; the node alone when the manager has
no tree in force or its tree does not know the node. An order keeps the path it was issued or attached with: an
import that moves a node does not rewrite the orders under it (that would be a query and a rewrite of every order
under every moved node, in the import's batches); ``--follow-moves`` also rewrites an order whose path is no longer
its node's path in the tree now — run it after an import that moved nodes. Idempotent: an order whose path is
already right is never touched (each page is read again in the commit that writes it, retried if an order changed
meanwhile), so a second run writes nothing. Each write is audited as any write (B15), by ``operator`` /
``backfill_order_site_path``. An order the model cannot read is listed and left as it is. ``updated_at`` is left
alone: the order's activity did not change.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real project with
Application Default Credentials (``--project``, else GOOGLE_CLOUD_PROJECT). Documented in docs/runbook.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from devtools import backfills
from shared.ports import UnitOfWork
from shared.service import order_store
from shared.service import property_tree as tree

DEFAULT_PAGE = 100  # each write carries an audit record (2 writes): 3 writes an order, within a commit's 500
MAX_PAGE = 150
WHO = "backfill_order_site_path"


@dataclass
class Outcome:
    """What a run found: orders read, those whose path was already right, those written (or that would be, on a dry
    run) — lacking a path, or (``follow_moves``) on a node the tree moved since — and the unreadable ones."""

    read: int = 0
    kept: int = 0
    lacking: int = 0
    moved: int = 0
    unreadable: list[str] = field(default_factory=list)


def backfill(uow: UnitOfWork, *, apply: bool = False, page: int = DEFAULT_PAGE, manager_id: str | None = None,
             follow_moves: bool = False, say: Callable[[str], None] = lambda _: None) -> Outcome:
    """Write (``apply``) or count the site path of every order lacking it (``follow_moves``: or whose node moved), in
    ``manager_id``'s space or in all."""
    outcome = Outcome()
    for pending in backfills.pages(uow, "orders", manager_id, page, MAX_PAGE,
                                   lambda d: follow_moves or not d.get("site_path"), outcome):
        _settle(uow.fork(), pending, apply, follow_moves, outcome, say)
    return outcome


def _settle(uow: UnitOfWork, paths: list[str], apply: bool, follow_moves: bool, outcome: Outcome,
            say: Callable[[str], None]) -> None:
    """One page of orders: read again with their nodes, each one's path from the tree now, written in one commit."""

    def attempt() -> tuple[dict[str, tuple[list[str], bool]], list[str], int]:
        chosen: dict[str, tuple[list[str], bool]] = {}  # path → (site path, had one)
        unreadable: list[str] = []
        found = uow.get_all(paths)
        orders = {}
        for path in paths:
            data = found.get(path)
            if data is None or (data.get("site_path") and not follow_moves):
                continue  # deleted, or given its path since the page was read
            try:
                orders[path] = order_store.order_from(data)
            except ValidationError:
                unreadable.append(path)
        managers = sorted({order.manager_id for order in orders.values()})
        in_force = uow.get_all([tree.tree_path(m) for m in managers])
        nodes = uow.get_all(sorted({tree.node_path(o.manager_id, o.site.node_id) for o in orders.values()
                                    if tree.tree_path(o.manager_id) in in_force}))
        for path, order in orders.items():
            node = nodes.get(tree.node_path(order.manager_id, order.site.node_id))
            now = tree.ancestry(uow, order.manager_id, order.site.node_id, node)
            if now != list(order.site_path):
                chosen[path] = (now, bool(order.site_path))
        if apply:
            for path, (site_path, _) in chosen.items():
                uow.update(path, {"site_path": site_path})
        return chosen, unreadable, len(paths) - len(chosen) - len(unreadable)

    chosen, unreadable, meanwhile = backfills.as_operator(WHO, uow, attempt)
    outcome.lacking += sum(1 for _, had in chosen.values() if not had)
    outcome.moved += sum(1 for _, had in chosen.values() if had)
    outcome.unreadable += unreadable
    outcome.kept += meanwhile
    for path, (site_path, _) in chosen.items():
        say(f"{path}: {' > '.join(site_path)}{'' if apply else ' (à écrire)'}")


def main(argv: list[str] | None = None) -> int:
    parser = backfills.arguments(__doc__, "orders", DEFAULT_PAGE, MAX_PAGE)
    parser.add_argument("--follow-moves", action="store_true",
                        help="also rewrite an order whose path is no longer its node's (an import moved the node)")
    parser.add_argument("--quiet", action="store_true", help="print the totals only, not each order")
    args = parser.parse_args(argv)
    uow = backfills.firestore(parser, args, MAX_PAGE)
    outcome = backfill(uow, apply=args.apply, page=args.page, manager_id=args.manager, follow_moves=args.follow_moves,
                       say=(lambda _: None) if args.quiet else print)
    verb = "écrit sur" if args.apply else "à écrire sur (essai : rien n'est écrit, --apply pour écrire)"
    print(f"{outcome.read} commandes lues ; {outcome.kept} avaient déjà le bon chemin ; chemin du site {verb} "
          f"{outcome.lacking + outcome.moved} ({outcome.lacking} sans chemin, {outcome.moved} sur un élément déplacé)")
    for path in outcome.unreadable:
        print(f"illisible, laissée telle quelle : {path}", file=sys.stderr)
    return 1 if outcome.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
