"""The conformance sandbox (A10 onboarding): who it is and what its manager does — the small part of the
conformance kit that live traffic's services consult (an execution report, a quote's submission, an
invoice's number, whether a contractor serves a manager), kept apart from the scenario's models
(shared/domain/conformance.py) so that those services start without them.

The sandbox is a space of its own, ``managers/sandbox-<contractor>``: no real manager can hold that id
(shared/domain/parties.py reserves the prefix). A run's order is ``BAS-<run>``, its quote request
``DEV-BAS-<run>``. Pure: no Google import.
"""

from __future__ import annotations

import re
from enum import StrEnum

SANDBOX_PREFIX = "sandbox-"
SANDBOX_CONTRACT_ID = "BAC-A-SABLE"
SANDBOX_RECEPTION_COMMENT = "Réception automatique du bac à sable de conformité"


def sandbox_manager_id(contractor_id: str) -> str:
    """The contractor's own sandbox space (a manager id no real manager may take)."""
    return f"{SANDBOX_PREFIX}{contractor_id}"


def is_sandbox_of(manager_id: str, contractor_id: str) -> bool:
    return manager_id == sandbox_manager_id(contractor_id)


_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")


def order_id(run_id: str) -> str:
    return f"BAS-{run_id}"


def quote_id(run_id: str) -> str:
    return f"DEV-BAS-{run_id}"


def run_of_order(manager_id: str, order_id: str, contractor_id: str) -> str | None:
    """The run whose order (``BAS-<run>``) this is, in the contractor's own sandbox; None otherwise
    (a live order: nothing to read, nothing to record)."""
    if not is_sandbox_of(manager_id, contractor_id) or not order_id.startswith("BAS-"):
        return None
    run_id = order_id[len("BAS-"):]
    return run_id if _RUN_ID.fullmatch(run_id) else None


class SandboxMove(StrEnum):
    """What the sandbox manager does, in the commit of the contractor's message that calls for it."""

    RECEIVE = "receive"  # an accepted report moved a sandbox order to completed: every line received
    ACCEPT_QUOTE = "accept_quote"  # the run's quote got its first version: accepted, its order created


def sandbox_move(manager_id: str, contractor_id: str, *, order_state: str | None = None,
                 quote_first_submitted: bool = False) -> SandboxMove | None:
    """The sandbox manager's answer to what the contractor just did on its sandbox, if any. Live spaces
    never get one: the manager must be the contractor's own sandbox."""
    if not is_sandbox_of(manager_id, contractor_id):
        return None
    if order_state == "completed":
        return SandboxMove.RECEIVE
    if quote_first_submitted:
        return SandboxMove.ACCEPT_QUOTE
    return None
