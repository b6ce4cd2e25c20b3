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

# The first entry of an order's history says how the order came to be, under a fixed id of its own — not a
# contractor's ``s<sequence>`` nor a decision's ``m<hash>`` — so that it moves no sequence (``last_sequence`` is the
# order's, advanced by the contractor's reports only) and is written once: created with the order, never again.
ISSUED_EVENT_ID = "issued"  # an order issued by the platform itself (a quote accepted, a mission framed)
ISSUED_KIND = "issued"  # its ``kind`` (the others: received, reception, invoice, invoice_status, node_changed)
RECEIVED_EVENT_ID = "received"  # an order received from its client (receive_order: its ERP or the web app)
RECEIVED_KIND = "received"
# How an order reached the platform from its client, as its first entry says it: through the API (an ERP, a machine
# identity — or any caller outside the web app), or through the web app (« Nouvelle commande »: a person signed in,
# from a browser on the web app's origin).
RECEIVED_VIA = {"api": "l'API", "web": "l'application"}


@dataclass(frozen=True)
class Sender:
    """Who sent an order or accepted a quote, as the edge's token says: a person (uid, and display name when the
    token carries one) or a machine identity (its service account). Nothing else of the token is kept (no e-mail).
    ``web``: a person who sent it through the web app (from its origin)."""

    uid: str
    machine: bool = False
    name: str | None = None
    web: bool = False

    def fields(self) -> dict[str, str]:
        """What the history entry keeps of it, read alike by the client and the contractor."""
        return {"by": self.uid, **({"by_name": self.name} if self.name else {})}


def _first(order: Order, kind: str, label: str, received_at: dt.datetime, fields: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "actor": Actor.MANAGER.value, "channel": "rest", "label": label,
            "occurred_at": order.issued_at.isoformat(), "received_at": received_at.isoformat(),
            "state_before": order.state.value, "state_after": order.state.value,
            **{name: value for name, value in fields.items() if value is not None}}


@dataclass(frozen=True)
class OrderOrigin:
    """An order the platform issues itself rather than receives from its client (A2.4 a quote accepted, B10 a
    mission framed): what its first history entry says, the same for the client and the contractor."""

    quote_id: str | None = None
    accepted_by: str | None = None  # the client's name (its registry record), else its id
    mission_id: str | None = None
    by: Sender | None = None  # the person who accepted the quote, when known (their token)

    event_id = ISSUED_EVENT_ID

    def label(self) -> str:
        if self.mission_id is not None:
            return f"Commande émise à partir de la mission {self.mission_id}"
        person = self.by.name if self.by is not None and not self.by.machine else None
        who = f"{person} ({self.accepted_by})" if person and self.accepted_by else person or self.accepted_by
        return f"Commande émise à partir du devis {self.quote_id}" + (f" accepté par {who}" if who else " accepté")

    def event(self, order: Order, received_at: dt.datetime) -> dict[str, Any]:
        """The stored history entry: the order's first, in its initial state, dated when it was issued."""
        return _first(order, ISSUED_KIND, self.label(), received_at, {
            "quote_id": self.quote_id, "mission_id": self.mission_id, "accepted_by": self.accepted_by,
            **(self.by.fields() if self.by is not None else {})})


@dataclass(frozen=True)
class OrderReceipt:
    """An order its client sends (A2.3 receive_order: its ERP through the API, a person through the web app): its
    first history entry, « Commande reçue de <client> par l'API » (or « par l'application, saisie par <name> »), the
    same for the client and the contractor."""

    received_from: str  # the client's name (its registry record), else its id
    via: str  # a key of RECEIVED_VIA
    by: Sender | None = None

    event_id = RECEIVED_EVENT_ID

    @classmethod
    def of(cls, received_from: str, by: Sender | None) -> OrderReceipt:
        """A person through the web app: the application; anyone else (an ERP's machine identity), or none known:
        the API."""
        return cls(received_from, "web" if by is not None and by.web else "api", by)

    def label(self) -> str:
        person = f", saisie par {self.by.name}" if self.via == "web" and self.by is not None and self.by.name else ""
        return f"Commande reçue de {self.received_from} par {RECEIVED_VIA[self.via]}{person}"

    def event(self, order: Order, received_at: dt.datetime) -> dict[str, Any]:
        """The stored history entry: the order's first, in its initial state, dated when its client issued it."""
        return _first(order, RECEIVED_KIND, self.label(), received_at, {
            "received_from": self.received_from, "received_via": self.via,
            **(self.by.fields() if self.by is not None else {})})
