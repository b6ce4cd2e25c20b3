"""attach_order_node's request and answers (A7 property tree): the manager attaches one of its orders to a node of
its tree in force — or many at once (``order_ids``, up to ``MAX_ORDERS``: the orphans a tree import left), each
attached as the single attachment does (shared/service/property_tree.py ``attach_order_node``), by commits of a
bounded number of orders (shared/service/property_attach.py). Pure: the models, and how a refusal reads in the
answer of a bulk request."""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Identifier, Model
from shared.domain.errors import ErrorDetail

MAX_ORDERS = 500  # orders one request attaches at most (a larger selection: several requests)
# Refusals that concern the node, not the order: the same for every order of the request.
NODE_CODES = frozenset({"PROPERTY_NODE_NOT_FOUND", "PROPERTY_NODE_RETIRED"})


class AttachOrderNode(Model):
    """POST attach_order_node: attach one of the manager's orders (``order_id``) — or many (``order_ids``, up to
    500) — to an active node of its tree (orders received before the tree was imported, or whose node an import
    retired). One of ``order_id`` and ``order_ids``, not both."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="AttachOrderNode")

    order_id: Identifier | None = None
    order_ids: list[Identifier] | None = Field(default=None, min_length=1, max_length=MAX_ORDERS, description=(
        "The orders to attach to the node, at most 500 (the same order named twice is attached once)."))
    node_id: Identifier

    @model_validator(mode="after")
    def _one_selection(self) -> AttachOrderNode:
        if (self.order_id is None) == (self.order_ids is None):
            raise PydanticCustomError("REQUIRED", "Indiquez la commande (order_id) ou la liste des commandes "
                                                  "(order_ids), l'un ou l'autre.")
        return self

    def orders(self) -> list[str]:
        """The orders named, each once, in the request's order."""
        return list(dict.fromkeys(self.order_ids if self.order_ids is not None else [self.order_id]))


class OrderNodeAttached(Model):
    """What attach_order_node answers."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderNodeAttached")

    manager_id: str
    order_id: str
    node_id: str
    previous_node_id: str = Field(description="The node the order named before this call (the same node when "
                                              "nothing changed).")
    changed: bool = Field(description="False when the order already sat on that node: nothing written, nothing "
                                      "sent.")
    state: str = Field(description="The order's state, unchanged.")


class OrderRefused(Model):
    """One order of a bulk request that was not attached, and why (each reason: field, code, French message)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderRefused")

    order_id: str
    errors: list[ErrorDetail]


class OrdersNodeAttached(Model):
    """What attach_order_node answers to ``order_ids``: each order attached, already there, or refused. The orders
    attached stay so whatever befalls the others; the same request again changes nothing twice."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrdersNodeAttached")

    manager_id: str
    node_id: str
    requested: int = Field(description="Distinct orders named.")
    attached: int = Field(description="Orders this call attached to the node (changed).")
    unchanged: int = Field(description="Orders already on the node: nothing written, nothing sent.")
    orders: list[OrderNodeAttached] = Field(description="The orders attached or already there, in the request's order.")
    refused: list[OrderRefused] = Field(description="The orders not attached, with every reason.")
    commits: int = Field(description="Commits that wrote (each at most 71 orders, within Firestore's 500 writes).")


def refusal(position: int, errors: list[ErrorDetail]) -> list[ErrorDetail]:
    """An order's refusal as a bulk request reads it: the order named by its place in ``order_ids``."""
    return [ErrorDetail(field=f"$.order_ids[{position}]", code=e.code, message=e.message)
            if e.field == "$.order_id" else e for e in errors]


def about_the_node(errors: list[ErrorDetail]) -> bool:
    """Whether a refusal is the node's (unknown, retired): every order of the request would meet it."""
    return any(e.code in NODE_CODES for e in errors)


def nothing_done(answer: OrdersNodeAttached) -> list[ErrorDetail] | None:
    """A bulk request that attached nothing and found nothing already attached is refused as a whole, with every
    reason once (another manager's orders: ORDER_NOT_FOUND each, 404 as for one order); otherwise None."""
    if answer.orders or not answer.refused:
        return None
    return list({(e.field, e.code, e.message): e for r in answer.refused for e in r.errors}.values())
