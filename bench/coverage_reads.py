"""« Patrimoine » and « Messages envoyés » at a month's volume (A7 property tree, A3/A4): the reads behind
get_property_coverage and list_message_log's refused page, on the Firestore emulator.

Starts its own Firestore emulator (free port), seeds a manager with ``--orders`` orders of ``--documents``
document records each (and another manager with as many, which must not be counted), a contractor's log of
``--messages`` messages with a refused page of 50 rows on ``--refused-orders`` orders, then measures in the
same run, ``--runs`` times each (median):

  * baseline    — raw ``get_all`` of the same orders and document records, paths known in advance (the least
                  any reading of them costs);
  * per order   — coverage as it read before: the orders, then each order's documents, one query per order,
                  8 at a time (``parallel_reads``);
  * coverage    — ``shared.service.property_tree.coverage`` (one collection-group query, projections);
  * log, per order — the refused page, then each order's last accepted message, one query per order, 8 at a time;
  * log         — ``shared.service.message_log.list_message_log`` (one ``in`` query per client and 30 orders);

and prints seconds and the ratio to the baseline. The answers of the old and new reads are compared.

    .venv/bin/python -m bench.coverage_reads                      # 600 orders × 2 documents, ~1 min
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

from bench.emulator import own_firestore

MANAGER, OTHER, CONTRACTOR = "mgr-bench", "mgr-bench-other", "ctr-bench"
AT = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)


def seed(client, orders: int, documents: int, messages: int, refused_orders: int) -> list[str]:
    """Every path seeded under MANAGER's orders (orders and document records), for the baseline."""
    writes: list[tuple[str, dict]] = [
        (f"managers/{MANAGER}/property_tree/current", {"nodes": 6}),
        (f"contractors/{CONTRACTOR}", {"name": "Bench", "managers": [MANAGER]}),
        (f"managers/{MANAGER}", {"name": "Bench Habitat"})]
    writes += [(f"managers/{MANAGER}/property_nodes/S{s}", {"node_id": f"S{s}", "kind": "site", "label": f"Site {s}",
                                                              "status": "retired" if s == 5 else "active"})
               for s in range(6)]
    paths = []
    for manager in (MANAGER, OTHER):
        for n in range(orders):
            order = f"managers/{manager}/orders/BC-{n:04d}"
            node = f"S{n % 7}" if n % 7 < 6 else None  # S6 is no node of the tree: an orphan
            writes.append((order, {"order_id": f"BC-{n:04d}", "manager_id": manager, "contractor_id": CONTRACTOR,
                                   "title": "Remplacement de la chaudière " * 4, "state": "in_progress",
                                   "site": {"node_id": node, "path": [node]} if node else None,
                                   "lines": [{"label": "Main d'œuvre", "quantity": 2, "unit_cents": 4500}] * 5}))
            for d in range(documents):
                sha = f"{n:04d}{d:02d}".ljust(64, "a")
                writes.append((f"{order}/documents/{sha}", {
                    "sha256": sha, "manager_id": manager, "order_id": f"BC-{n:04d}", "contractor_id": CONTRACTOR,
                    "kind": "service_done", "filename": "attestation.pdf", "size_bytes": 120_000, "pages": 2,
                    "object_name": f"{order}/documents/{sha}.pdf", "channel": "rest", "uploaded_by": "erp",
                    "uploaded_at": AT.isoformat(),
                    "property_flag": "PROPERTY_NODE_RETIRED" if node == "S5" and d == 0 else None}))
            if manager == MANAGER:
                paths += [order] + [f"{order}/documents/{f'{n:04d}{d:02d}'.ljust(64, 'a')}" for d in range(documents)]
    for m in range(messages):
        refused = m % 16 == 15  # 50 of 800, between accepted ones: some corrected since, some not
        order_n = (m // 16) % refused_orders if refused else m % orders
        writes.append((f"contractors/{CONTRACTOR}/messages/{m:06x}", {
            "state": "completed", "status": "rejected" if refused else "accepted", "manager_id": MANAGER,
            "order_id": f"BC-{order_n:04d}", "received_at": (AT + dt.timedelta(minutes=m)).isoformat(),
            "ref": {"channel": "pubsub", "type": "fr.passerelle.execution.reported.v1", "source": "erp", "id": str(m)},
            "answer": {"status": "rejected" if refused else "accepted", "sequence": m, "errors": [
                {"field": "$.sequence", "code": "SEQUENCE_GAP", "message": "Numéro de séquence en avance."}]
                if refused else []}}))
    for i in range(0, len(writes), 450):
        batch = client.batch()
        for path, data in writes[i:i + 450]:
            batch.set(client.document(path), data)
        batch.commit()
    return paths


def per_order_coverage(uow, manager_id: str) -> tuple[int, int]:
    """The orders, then each order's documents one query per order, 8 at a time: how coverage read before."""
    from shared.ports import Query
    from shared.service import parallel_reads

    orders = uow.query(Query(f"managers/{manager_id}/orders", order_by=(("__name__", "asc"),)))
    documents = dict(parallel_reads.each(uow, lambda u, path: u.query(
        Query(f"{path}/documents", order_by=(("__name__", "asc"),))), [o.path for o in orders]))
    return len(orders), sum(len(d) for d in documents.values())


def per_order_log(uow) -> dict[str, dt.datetime | None]:
    """The refused page, then each order's last accepted message one query per order, 8 at a time (before)."""
    from shared.domain.message_log import LogQuery, corrected
    from shared.ports import Query
    from shared.service import message_log, parallel_reads

    query = LogQuery(CONTRACTOR, status="rejected")
    docs = uow.query(message_log.page_query(query, query.limit + 1))[:query.limit]
    orders = sorted({(d.data["manager_id"], d.data["order_id"]) for d in docs})

    def last(u, o):
        found = u.query(Query(message_log.log_collection(CONTRACTOR), order_by=(("received_at", "desc"),), limit=1)
                        .filter("status", "==", "accepted").filter("manager_id", "==", o[0])
                        .filter("order_id", "==", o[1]))
        return found[0].data["received_at"] if found else None

    uow.get_all([f"managers/{m}/orders/{o}" for m, o in orders])
    last_accepted = dict(parallel_reads.each(uow, last, orders))
    return {d.id: corrected(d.data["received_at"], last_accepted.get((d.data["manager_id"], d.data["order_id"])))
            for d in docs}


def timed(fn, runs: int):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument("--documents", type=int, default=2, help="document records per order")
    parser.add_argument("--messages", type=int, default=800, help="messages in the contractor's log")
    parser.add_argument("--refused-orders", type=int, default=46, help="orders the refused page names")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with own_firestore("bench-coverage-") as stack:
        from google.cloud import firestore

        from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
        from shared.domain.message_log import LogQuery
        from shared.service import message_log, property_tree

        client = firestore.Client(project=stack.project_id)
        paths = seed(client, args.orders, args.documents, args.messages, args.refused_orders)

        def reader():
            return FirestoreUnitOfWork(client, read_only=True)

        def raw():
            return sum(1 for s in client.get_all([client.document(p) for p in paths]) if s.exists)

        for _ in range(2):  # the emulator's JIT warms up before anything is measured
            raw(), per_order_coverage(reader(), MANAGER), property_tree.coverage(MANAGER, reader())
        base_s, read = timed(raw, args.runs)
        old_s, (old_orders, old_docs) = timed(lambda: per_order_coverage(reader(), MANAGER), args.runs)
        new_s, report = timed(lambda: property_tree.coverage(MANAGER, reader()), args.runs)
        old_log_s, old_log = timed(lambda: per_order_log(reader()), args.runs)
        new_log_s, page = timed(lambda: message_log.list_message_log(
            LogQuery(CONTRACTOR, status="rejected"), reader()), args.runs)

    same_coverage = report["items"] == old_orders + old_docs == read
    corrected = {m["key"]: m["corrected_at"] and dt.datetime.fromisoformat(m["corrected_at"]) for m in page["messages"]}
    same_log = corrected == old_log
    n = len(paths)
    print(f"\n« Patrimoine » and « Messages envoyés » reads — {args.orders} orders × {args.documents} documents "
          f"(and another manager's as many), a log of {args.messages} messages, refused page on "
          f"{args.refused_orders} orders; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, median of {args.runs}\n")
    print(f"{'read':<62}{'seconds':>9}{'× base':>8}")
    print(f"{f'raw get_all of the {n} orders and records (baseline)':<62}{base_s:>9.2f}{1.0:>8.2f}")
    print(f"{'coverage, one query per order (before)':<62}{old_s:>9.2f}{old_s / base_s:>8.2f}")
    print(f"{'coverage, one collection-group query (get_property_coverage)':<62}{new_s:>9.2f}{new_s / base_s:>8.2f}")
    print(f"{'refused page, one last-accepted query per order (before)':<62}{old_log_s:>9.2f}{old_log_s / base_s:>8.2f}")
    print(f"{'refused page, one in query per 30 orders (list_message_log)':<62}{new_log_s:>9.2f}"
          f"{new_log_s / base_s:>8.2f}")
    print(f"\nCoverage items {report['items']} (per order: {old_orders} orders + {old_docs} documents; raw {read}); "
          f"refused rows {page['count']}, corrected {sum(1 for v in corrected.values() if v)}; "
          f"same answers: {same_coverage and same_log}")
    return 0 if same_coverage and same_log else 1


if __name__ == "__main__":
    sys.exit(main())
