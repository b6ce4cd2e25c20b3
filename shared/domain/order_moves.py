"""What each move the caller may make now requires — read from the order state machine (pure).

``next_states`` (shared/domain/orders.py) says where the caller may move an order; a form also
needs to know what each of those moves asks for, so that it shows only those inputs. The rule
stays in one place, ``TRANSITIONS``: this module only reads each open transition's
``requires`` and names the report fields that satisfy it (A3 c web application, A6 states).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict, Field

from shared.domain.base import Model
from shared.domain.orders import (
    HOLDABLE_STATES, PLANNED_OR_APPOINTMENT, STATE_LABELS, Actor, Order, OrderState, Requirement, open_transitions,
)

# The report fields that satisfy a requirement, when they are not just the field it names.
_INPUTS: dict[Requirement, tuple[str, ...]] = {
    PLANNED_OR_APPOINTMENT: ("planned_start", "planned_end", "appointment"),
}


class MoveRequirement(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(description="The JSONPath an unmet requirement is reported on (MISSING_FIELD_FOR_TRANSITION).")
    label: str = Field(description="What the move requires, in French.")
    inputs: list[str] = Field(description="The ExecutionReport fields that satisfy it (any one group of them).")
    met: bool = Field(description="True when the order already carries it (a report need not repeat it).")


class NextMove(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    state: OrderState
    label: str = Field(description="The target state's French label (A6).")
    requires: list[MoveRequirement]


def _order_fields(order: Order) -> dict[str, object]:
    data = {name: getattr(order, name, None) for name in (
        "progress", "site_lead", "planned_start", "planned_end", "appointment", "actual_start", "actual_end",
        "invoice_date")}
    data["reason"] = None  # a reason belongs to one report: never carried over
    return data | order.facts()


def next_moves(order: Order, actor: Actor | None) -> list[NextMove]:
    """The moves ``actor`` may make now (same order as ``next_states``), each with what it requires."""
    if actor is None:
        return []
    current = _order_fields(order)
    return [NextMove(state=t.to, label=STATE_LABELS[t.to], requires=[
        MoveRequirement(field=r.field, label=r.label, inputs=list(_INPUTS.get(r, (r.field.removeprefix("$."),))),
                        met=bool(r.met(current)))
        for r in t.requires]) for t in open_transitions(order) if actor in t.by]


# The actor each signed-in role acts as on an order: a beneficiary is the client of its missions'
# orders, as a manager is of its own (change_order_state, record_reception); submit_execution is the
# contractor's.
ROLE_ACTORS: dict[str, Actor] = {"manager": Actor.MANAGER, "contractor": Actor.CONTRACTOR,
                                 "beneficiary": Actor.MANAGER}
# The right each of them needs to move an order: what change_order_state and submit_execution require.
MOVE_RIGHTS: dict[str, str] = {"manager": "orders.write", "contractor": "execution.write",
                               "beneficiary": "orders.write"}


def actor_for_role(role: str, rights: Collection[str]) -> Actor | None:
    """The actor a signed-in caller moves orders as; none for a role that moves no order, or for a
    user whose rights were narrowed below the right to move them."""
    if role not in ROLE_ACTORS or MOVE_RIGHTS[role] not in rights:
        return None
    return ROLE_ACTORS[role]


def decision_label(before: OrderState, after: OrderState) -> str:
    """The history's label of a client's decision (change_order_state, A6 order execution data): the state it led to
    by its French label (« Décision du client : suspendu »); a resumption says so, with the state the order went
    back to (« Décision du client : reprise (« en cours ») ») — not a decision « en cours » the client never took."""
    if before is OrderState.ON_HOLD and after is not OrderState.ON_HOLD and after in HOLDABLE_STATES:
        return f"Décision du client : reprise (« {STATE_LABELS[after]} »)"
    return f"Décision du client : {STATE_LABELS[after]}"


# --- how an order came to be ---------------------------------------------------------------------

ISSUED_EVENT_ID = "issued"  # the first entry of the history of an order issued by the platform itself
ISSUED_KIND = "issued"  # its ``kind`` (the others: reception, invoice, invoice_status, node_changed; none for reports)


@dataclass(frozen=True)
class OrderOrigin:
    """An order the platform issues itself rather than receives from its client (A2.4 a quote accepted, B10 a
    mission framed): what its first history entry says, the same for the client and the contractor."""

    quote_id: str | None = None
    accepted_by: str | None = None  # the client's name (its registry record), else its id
    mission_id: str | None = None

    def label(self) -> str:
        if self.mission_id is not None:
            return f"Commande émise à partir de la mission {self.mission_id}"
        by = f" accepté par {self.accepted_by}" if self.accepted_by else " accepté"
        return f"Commande émise à partir du devis {self.quote_id}{by}"

    def event(self, order: Order, received_at: dt.datetime) -> dict[str, Any]:
        """The stored history entry: the order's first, in its initial state, dated when it was issued."""
        origin = {"quote_id": self.quote_id, "mission_id": self.mission_id, "accepted_by": self.accepted_by}
        return {"kind": ISSUED_KIND, "actor": Actor.MANAGER.value, "channel": "rest", "label": self.label(),
                "occurred_at": order.issued_at.isoformat(), "received_at": received_at.isoformat(),
                "state_before": order.state.value, "state_after": order.state.value,
                **{name: value for name, value in origin.items() if value is not None}}
