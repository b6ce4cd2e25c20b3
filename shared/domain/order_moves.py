"""What each move the caller may make now requires — read from the order state machine (pure).

``next_states`` (shared/domain/orders.py) says where the caller may move an order; a form also
needs to know what each of those moves asks for, so that it shows only those inputs. The rule
stays in one place, ``TRANSITIONS``: this module only reads each open transition's
``requires`` and names the report fields that satisfy it (A3 c web application, A6 states).
"""

from __future__ import annotations

from collections.abc import Collection

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
