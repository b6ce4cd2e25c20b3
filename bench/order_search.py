"""« Référence ou objet » at a month's volume (A11 lists, A2.4 « Proposer un devis »): ``list_orders?q=`` on the
Firestore emulator, against the list's own first page in the same run.

Starts its own Firestore emulator (free port), seeds one manager with ``--orders`` orders (references
``BC-2026-<n>``, titles drawn from 10 subjects and 20 dwellings) stored as the platform stores them
(``order_store.order_doc``: ``order_id_folded``, ``title_words``), another manager with a tenth as many for the
same contractor (the contractor's search crosses both spaces), then measures ``--runs`` times each (p50, p95):

  * baseline   — the first page of the list, no search (``list_orders`` limit 25: one ordered query);
  * prefix     — « BC-2026-01 »: the range on the folded reference;
  * word       — « fuite »: both queries (it may start a reference), merged;
  * two words  — « fuite cuisine »: the longest word queried, up to 200 rows checked for the other;
  * filtered   — « fuite » with a state filter (up to 200 rows checked);
  * contractor — « fuite » across the contractor's clients' spaces (collection group);

and prints seconds and the ratio to the baseline, with the rows each found.

    .venv/bin/python -m bench.order_search                 # 2,000 orders, ~1 min
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

from bench.emulator import own_firestore

OTHER = "mgr-bench-other"
SUBJECTS = ["Fuite d'eau", "Peinture du hall", "Remplacement de la chaudière", "Serrure bloquée", "Vitre cassée",
            "Débouchage canalisation", "Interphone en panne", "Fuite toiture", "Ascenseur à l'arrêt", "Éclairage cave"]
ROOMS = ["cuisine", "salle de bains", "séjour", "chambre", "entrée"]


def seed(client, orders: int) -> None:
    from shared.domain.orders import OrderState
    from shared.service import order_store
    from tests.builders import MANAGER, an_order

    start = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
    writes = []
    for manager, count in ((MANAGER, orders), (OTHER, max(1, orders // 10))):
        for n in range(count):
            title = f"{SUBJECTS[n % len(SUBJECTS)]} — {ROOMS[n % len(ROOMS)]}, logement {n % 20 + 1}"
            state = OrderState.IN_PROGRESS if n % 3 else OrderState.TO_ACKNOWLEDGE
            order = an_order(f"BC-2026-{n:05d}", state=state, title=title, manager_id=manager)
            writes.append((order_store.order_path(manager, order.order_id),
                           {**order_store.order_doc(order), "updated_at": start + dt.timedelta(minutes=n)}))
    for i in range(0, len(writes), 450):
        batch = client.batch()
        for path, data in writes[i:i + 450]:
            batch.set(client.document(path), data)
        batch.commit()


def measure(fn, runs: int) -> tuple[float, float, int]:
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(fn()["orders"])
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with own_firestore("bench-search-") as stack:
        from google.cloud import firestore

        from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
        from shared.domain.order_list import parse_query
        from shared.service.order_list import list_orders
        from tests.builders import CONTRACTOR, MANAGER
        from tests.fakes import FixedClock

        client = firestore.Client(project=stack.project_id)
        seed(client, args.orders)
        clock = FixedClock(dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))

        def listing(role: str, tenant: str, **query: str):
            parsed, errors = parse_query(role, tenant, query)
            assert not errors, errors
            return lambda: list_orders(parsed, FirestoreUnitOfWork(client, read_only=True), clock)

        cases = [("first page, no search (baseline)", listing("manager", MANAGER)),
                 ("« BC-2026-01 »: reference start", listing("manager", MANAGER, q="BC-2026-01")),
                 ("« fuite »: reference start or title word", listing("manager", MANAGER, q="fuite")),
                 ("« fuite cuisine »: two words", listing("manager", MANAGER, q="fuite cuisine")),
                 ("« fuite » and state « en cours »", listing("manager", MANAGER, q="fuite", state="in_progress")),
                 ("the contractor's « fuite » across spaces", listing("contractor", CONTRACTOR, q="fuite"))]
        for _, fn in cases:  # the emulator's JIT warms up before anything is measured
            fn(), fn()
        results = [(name, *measure(fn, args.runs)) for name, fn in cases]

    base = results[0][1]
    print(f"\n« Référence ou objet » (list_orders?q=) — {args.orders} orders in one space (+{max(1, args.orders // 10)} "
          f"in another of the same contractor); {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"{args.runs} runs each\n")
    print(f"{'read':<46}{'rows':>6}{'p50 ms':>9}{'p95 ms':>9}{'p50 × base':>12}")
    for name, p50, p95, rows in results:
        print(f"{name:<46}{rows:>6}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p50 / base:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
