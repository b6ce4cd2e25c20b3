"""The conformance kit (A10 onboarding): sandbox runs and their step-by-step report.

  managers/sandbox-<c>                          the contractor's sandbox space (``sandbox: true``)
  managers/sandbox-<c>/contracts/BAC-A-SABLE    its contract: active, any lot and place, zero penalties
  managers/sandbox-<c>/orders/BAS-<run>         a run's order, issued like any order (orders-<c>)
  managers/sandbox-<c>/quotes/DEV-BAS-<run>     a run's quote request (orders-<c>, D3 at zero)
  contractors/<c>/conformance_runs/<run>        the run: its ids, its last report, when it passed
  contractors/<c>/conformance_runs/<run>/rejections/<key>   a REST request on its order refused outright
                                                (store_report or request_report_upload answering 4xx),
                                                by operation and Idempotency-Key
  managers/sandbox-<c>/orders/DEV-BAS-<run>     the order the quote's acceptance creates
  contractors/<c>.conformance                   the run that passed, and when: the contractor is connected
  contractors/<c>.conformance_progress          where its latest run stands (steps passed, the first one not,
                                                its errors), kept at its start and at each check: the operator's
                                                directory shows it (A10)

``start_run`` commits the sandbox space, the order, the quote request, their two messages and the run
in one unit of work. The contractor then plays the scenario with its own connector — everything it
sends goes through the live services — and ``check_run`` judges it from what was recorded (the
contractor's message log, the REST rejections recorded on the run, the orders' histories, the order's
documents and invoices, the quote's versions). The sandbox's manager answers as a manager would, in the
commit of the contractor's message that calls for it (``shared.domain.sandbox.sandbox_move``): the
report completing a sandbox order gets it received (``receptions.receive``), the quote's first version
gets it accepted (``quotes.accept``). A run that
passes makes the contractor connected: in the same commit as its report, every D2 of the contractor's
contracts, with any manager, stops (shared/service/onboarding.py), once.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from shared.domain import conformance as cf
from shared.domain import sandbox
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import IssueOrder
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import RequestQuote
from shared.ports import Clock, Query, UnitOfWork, digest
from shared.service import onboarding, order_store, orders, quote_store, quotes
from shared.service.parties import contractor_path, is_active
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# The sandbox contract: in force for years, any lot and place, every penalty at zero (a test run is
# never penalised), so its orders pass A13 and its deadlines accrue nothing.
SANDBOX_CONTRACT = {"contract_id": sandbox.SANDBOX_CONTRACT_ID, "title": "Bac à sable de conformité", "status": "active",
                    "starts_on": "2020-01-01", "ends_on": "2099-12-31", "lots": [], "perimeter": {},
                    "penalty_terms": {"daily_amount_cents": {"P1": 0}, "rules_by_kind": {}}}
_SITE = SiteRef(node_id="BAC-A-SABLE", label="Site fictif du bac à sable")


def run_path(contractor_id: str, run_id: str) -> str:
    return f"contractors/{contractor_id}/conformance_runs/{run_id}"


def start_run(contractor_id: str, run_id: str, uow: UnitOfWork, clock: Clock) -> cf.ConformanceRun:
    """Open a run: the sandbox (created once), a new sandbox order and quote request, sent to the contractor."""
    manager_id = sandbox.sandbox_manager_id(contractor_id)

    def attempt() -> dict[str, Any]:
        now = clock.now()
        if not is_active(uow.get(contractor_path(contractor_id))):
            raise DomainError([ErrorDetail.of("header.Authorization", "CONTRACTOR_NOT_FOUND",
                                              contractor_id=contractor_id)])
        existing = uow.get(run_path(contractor_id, run_id))
        if existing is not None:
            return existing
        if uow.get(f"managers/{manager_id}") is None:
            uow.create(f"managers/{manager_id}", {"manager_id": manager_id, "name": f"Bac à sable — {contractor_id}",
                                                  "sandbox": True, "contractor_id": contractor_id, "status": "active"})
        uow.save(f"managers/{manager_id}/contracts/{sandbox.SANDBOX_CONTRACT_ID}",
                 {**SANDBOX_CONTRACT, "contractor_id": contractor_id})
        orders.issue(manager_id, _order(contractor_id, run_id, now), uow, clock)
        quotes.open_request(manager_id, RequestQuote(quote_id=sandbox.quote_id(run_id), contract_id=sandbox.SANDBOX_CONTRACT_ID,
                                                contractor_id=contractor_id, title="Devis de bac à sable", site=_SITE),
                       uow, clock)
        run = {"run_id": run_id, "contractor_id": contractor_id, "manager_id": manager_id,
               "order_id": sandbox.order_id(run_id), "quote_id": sandbox.quote_id(run_id), "started_at": now,
               "passed": False, "passed_at": None, "report": None}
        uow.create(run_path(contractor_id, run_id), run)
        uow.update(contractor_path(contractor_id),  # where it stands, for the operator's directory
                   {"conformance_progress": cf.ConformanceProgress.started(run_id, now).model_dump(mode="json")})
        return run

    run = transact(uow, attempt)
    log.info("conformance run started", extra={"contractor_id": contractor_id, "run_id": run_id})
    return cf.ConformanceRun.of(run)


def check_run(contractor_id: str, run_id: str, uow: UnitOfWork, clock: Clock) -> cf.ConformanceReport:
    """Judge the run from what was recorded, keep the report on the run, and — the first time a run of
    this contractor passes — connect the contractor: its D2 deadlines stop, in this same commit."""

    def attempt() -> cf.ConformanceReport:
        run = uow.get(run_path(contractor_id, run_id))
        if run is None:
            raise DomainError([ErrorDetail.of("$.run_id", "CONFORMANCE_RUN_NOT_FOUND", run_id=run_id)])
        now = clock.now()
        report = cf.evaluate(run, _facts(uow, run), now)
        update: dict[str, Any] = {"report": report.model_dump(mode="json"), "checked_at": now}
        if report.passed and not run.get("passed"):
            update |= {"passed": True, "passed_at": now}
            _connected(uow, contractor_id, run_id, now)
        uow.update(run_path(contractor_id, run_id), update)
        _progress(uow, contractor_id, run, report)
        return report

    report = transact(uow, attempt)
    log.info("conformance run checked", extra={"contractor_id": contractor_id, "run_id": run_id,
                                               "passed": report.passed,
                                               "failed": [s.step.value for s in report.steps if s.status == "failed"]})
    return report


def _progress(uow: UnitOfWork, contractor_id: str, run: dict[str, Any], report: cf.ConformanceReport) -> None:
    """Keep where the contractor's latest run stands on its record (A10: the operator's directory): an older
    run checked again does not hide a newer one."""
    contractor = uow.get(contractor_path(contractor_id))
    if contractor is None:
        return
    kept = contractor.get("conformance_progress") or {}
    if kept.get("run_id") not in (None, run["run_id"]) and \
            dt.datetime.fromisoformat(kept["started_at"]) > report.started_at:
        return
    uow.update(contractor_path(contractor_id),
               {"conformance_progress": cf.ConformanceProgress.of(report).model_dump(mode="json")})


def _connected(uow: UnitOfWork, contractor_id: str, run_id: str, now: dt.datetime) -> None:
    contractor = uow.get(contractor_path(contractor_id)) or {}
    if (contractor.get("conformance") or {}).get("passed_at") is None:
        uow.update(contractor_path(contractor_id), {"conformance": {"run_id": run_id, "passed_at": now}})
    onboarding.conformance_passed(uow, contractor_id, now, f"conformance/{run_id}")


def _order(contractor_id: str, run_id: str, now: dt.datetime) -> IssueOrder:
    return IssueOrder(
        order_id=sandbox.order_id(run_id), contract_id=sandbox.SANDBOX_CONTRACT_ID, contractor_id=contractor_id,
        title="Commande de bac à sable — parcours de conformité", site=_SITE, issued_at=now,
        description="Commande fictive : elle ne sera ni exécutée ni facturée.",
        lines=[OrderLine(line_id="L1", service_code="BAS-001", label="Prestation fictive", quantity=Decimal(1),
                         unit="U", unit_price_cents=10000)],
        requested_start=(now + dt.timedelta(days=2)).date())


def _facts(uow: UnitOfWork, run: dict[str, Any]) -> cf.Facts:
    """What the platform recorded about the run's order, its quote and the order the quote's acceptance
    created: the contractor's message log, the REST rejections recorded on the run, the orders' histories,
    the order's documents and invoices, the quote's versions."""
    contractor_id, manager_id = run["contractor_id"], run["manager_id"]
    order_id, quote_id = run["order_id"], run["quote_id"]
    log_rows = uow.query(Query(f"contractors/{contractor_id}/messages", where=(("manager_id", "==", manager_id),)))
    attempts = []
    for row in log_rows:
        answer = row.data.get("answer") or {}
        if row.data.get("state") == "completed" and (answer.get("order_id") in (order_id, quote_id)
                                                     or answer.get("quote_id") == quote_id):
            attempts.append(cf.Attempt.from_log(row.id, row.data))
    attempts += [cf.Attempt.from_rejection(row.id, row.data)
                 for row in uow.query(Query(f"{run_path(contractor_id, run['run_id'])}/rejections"))]
    base = order_store.order_path(manager_id, order_id)
    order = uow.get(base) or {}
    documents = [d.id for d in uow.query(Query(f"{base}/documents"))]
    quote = uow.get(quote_store.quote_path(manager_id, quote_id)) or {}
    return cf.Facts(attempts=attempts, applied=_applied(uow, manager_id, order_id), documents=documents,
                    quote_versions=[v["version"] for v in quote.get("versions") or ()],
                    invoices=list(order.get("invoices") or ()),
                    quote_order_applied=_applied(uow, manager_id, quote_id))


def _applied(uow: UnitOfWork, manager_id: str, order_id: str) -> list[cf.Applied]:
    """The contractor's accepted reports on an order, from its history (none for an order not created yet)."""
    return [cf.Applied(sequence=e["sequence"], state_after=e["state_after"], message_key=e.get("message_key", ""),
                       received_at=dt.datetime.fromisoformat(e["received_at"]))
            for e in order_store.list_events(uow, manager_id, order_id)
            if e.get("actor") == "contractor" and e.get("sequence") is not None]


def rest_rejected(contractor_id: str, manager_id: Any, order_id: Any, idempotency_key: str | None, event_type: str,
                  errors: list[ErrorDetail], uow: UnitOfWork, clock: Clock, *, operation: str) -> bool:
    """Record on its run a REST request about a run's order that was refused outright — ``store_report``
    or ``request_report_upload`` answering 4xx leaves nothing in the message log — so that its step is
    ``failed`` with these errors. Keyed by the operation and the request's Idempotency-Key, like a message by
    its id: a retry records nothing twice, and the same key sent to the other operation is another request.
    Anything that is not the contractor's own run order is left alone, with nothing read. True when recorded."""
    run_id = (sandbox.run_of_order(manager_id, order_id, contractor_id)
              if isinstance(manager_id, str) and isinstance(order_id, str) else None)
    if run_id is None or not idempotency_key:
        return False
    key = digest(contractor_id, event_type, operation, idempotency_key)[:40]
    path = f"{run_path(contractor_id, run_id)}/rejections/{key}"

    def attempt() -> bool:
        found = uow.get_all([run_path(contractor_id, run_id), path])
        if run_path(contractor_id, run_id) not in found or path in found:
            return False
        uow.create(path, {"type": event_type, "operation": operation, "idempotency_key": idempotency_key,
                          "manager_id": manager_id,
                          "order_id": order_id, "received_at": clock.now(),
                          "errors": [e.model_dump(mode="json") for e in errors]})
        return True

    recorded = transact(uow, attempt)
    if recorded:
        log.info("conformance rejection recorded", extra={"contractor_id": contractor_id, "run_id": run_id,
                                                          "type": event_type, "errors": [e.code for e in errors]})
    return recorded
