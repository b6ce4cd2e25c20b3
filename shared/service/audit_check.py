"""The scheduled check of the audit trail against its witness (B15 traceability).

Every space's chain in Firestore is compared with the heads the sealer wrote once into the witness
bucket (shared/ports/audit.py). A chain recomputed after an edit verifies on its own, but no longer
carries the witnessed hashes (``witness_errors``); an edited or deleted record breaks the chain
(``verify``). Both come from shared/domain/audit.py, as for ``devtools.audit verify``.

Cost: reading every record of every space every day grows without bound. So a space is read whole
once every ``full_every`` (and when it has no check point yet); on the other days only the links
sealed since its check point — the last witnessed head found intact — are read with their records,
the check point's link must still carry the hash the witness holds, and every head witnessed since
must match (docs/security.md gives the figures). Whole readings due beyond ``full_budget_seconds``
wait for the next run, those of the spaces checked longest ago first.

A broken space logs one ERROR line ``audit chain broken`` with ``audit_check: "broken"`` (an alert,
infra/terraform/monitoring.tf) and keeps its check point, so that it is reported again at every run
until repaired; a run logs ``audit witness check`` with its figures and records them for the operator.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from shared.domain import audit
from shared.ports import Clock
from shared.ports.audit import AuditChains, AuditWitness

log = logging.getLogger(__name__)

FULL_EVERY = dt.timedelta(days=7)
FULL_BUDGET_SECONDS = 300.0
# A record not yet sealed when the check reads the chain is left to the next check (verify_space).
SETTLING = dt.timedelta(minutes=10)
MAX_PROBLEMS_LOGGED = 20


def check_audit_witness(chains: AuditChains, witness: AuditWitness, clock: Clock, *, full: bool = False,
                        full_every: dt.timedelta = FULL_EVERY, full_budget_seconds: float = FULL_BUDGET_SECONDS,
                        timer: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Check every space (``full``: each one whole, whatever its check point says); answer the run's figures."""
    now, started = clock.now(), timer()
    points = {space: chains.check_point(space) for space in set(chains.spaces()) | set(witness.spaces())}
    # whole readings first where they are due the longest (never read whole: first of all)
    order = sorted(points, key=lambda s: (_full_key(points[s]), s))
    run: dict[str, Any] = {"checked_at": now, "spaces": len(order), "full": 0, "incremental": 0,
                           "full_deferred": 0, "heads_compared": 0, "broken": []}
    for space in order:
        point = points[space] or audit.CheckPoint(space=space)
        whole = full or audit.full_check_due(points[space], now, full_every)
        if whole and not full and timer() - started > full_budget_seconds:
            run["full_deferred"] += 1
            if point.seq == 0:
                continue  # no check point: nothing cheaper to do, the next run reads it whole
            whole = False
        heads = witness.heads(space, from_seq=0 if whole else point.seq)
        pairs = [(h.seq, h.hash) for h in heads]
        if whole:
            problems = chains.verify_space(space, pairs, settled_before=now - SETTLING)
        else:
            problems = audit.anchor_errors(point, pairs) + chains.verify_since(point, pairs)
        run["full" if whole else "incremental"] += 1
        run["heads_compared"] += len(pairs)
        if problems:
            log.error("audit chain broken", extra={"audit_check": "broken", "space": space,
                                                   "mode": "full" if whole else "incremental",
                                                   "problems": problems[:MAX_PROBLEMS_LOGGED],
                                                   "problem_count": len(problems)})
            run["broken"].append({"space": space, "problems": problems[:MAX_PROBLEMS_LOGGED]})
            continue
        chains.save_check_point(audit.advanced(point, pairs, now, whole))
    run["status"] = "broken" if run["broken"] else "intact"
    run["seconds"] = round(timer() - started, 3)
    log.info("audit witness check", extra={**{k: v for k, v in run.items() if k not in ("broken", "checked_at")},
                                           "broken_spaces": [b["space"] for b in run["broken"]]})
    chains.save_check_run(run)
    return run


def _full_key(point: audit.CheckPoint | None) -> dt.datetime:
    if point is None or point.full_checked_at is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return point.full_checked_at
