"""A7 property tree: the active node an order left without one most likely belongs to — proposed, never applied:
the manager confirms (attach_order_node, one order or many).

A tree import that renames its ids leaves the orders on its old ids: orphans (an id the tree no longer has) or on
retired nodes (an id it retired). The label usually survives the renaming, so an order is proposed the one active
node of the same label (case, accents, punctuation and spaces aside) and the same kind where the old node is known:
- an order on a **retired** node: the active node labelled as the retired one, of its kind, under the same parent
  (« même libellé que l'élément retiré, sous le même parent »), else in the same commune (« …, dans la même
  commune »), else the only one so labelled (« seul élément actif de ce libellé »);
- an **orphan** (its node unknown to the tree, or none): the active node labelled as the order's site, in the
  commune the order names if it names one (« libellé du site de la commande, dans sa commune »), else the only one
  so labelled (« libellé du site de la commande »).
Two candidates or more: no proposal (the manager chooses). Pure: no Google import, no read."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)

REASONS = {
    "SAME_LABEL_SAME_PARENT": "même libellé que l'élément retiré, sous le même parent",
    "SAME_LABEL_SAME_COMMUNE": "même libellé que l'élément retiré, dans la même commune",
    "SAME_LABEL_ONLY": "seul élément actif du libellé de l'élément retiré",
    "SITE_LABEL_IN_COMMUNE": "libellé du site de la commande, dans sa commune",
    "SITE_LABEL_ONLY": "seul élément actif du libellé du site de la commande",
}


def label_key(label: str | None) -> str:
    """« Bât. A – Logement 12 » and « bat a logement 12 » are one key: accents, case, punctuation and spaces aside."""
    if not label:
        return ""
    text = "".join(c for c in unicodedata.normalize("NFKD", label.replace("œ", "oe").replace("Œ", "OE"))
                   if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class NodeFacts:
    """What a proposal reads of a stored node (``property_nodes/<id>``)."""

    node_id: str
    label: str | None
    kind: str | None = None
    parent_id: str | None = None
    in_commune: str | None = None
    status: str = "active"

    @classmethod
    def of(cls, node_id: str, data: Mapping[str, Any]) -> NodeFacts:
        return cls(node_id, data.get("label"), data.get("kind"), data.get("parent_id"), data.get("in_commune"),
                   data.get("status", "active"))


@dataclass(frozen=True)
class Proposal:
    node_id: str
    reason: str  # a key of REASONS

    @property
    def because(self) -> str:
        return REASONS[self.reason]


class Proposer:
    """Proposals against one reading of the tree: the active nodes indexed by label key once."""

    def __init__(self, nodes: Iterable[NodeFacts]):
        self.nodes = {n.node_id: n for n in nodes}
        self.by_label: dict[str, list[NodeFacts]] = {}
        for n in self.nodes.values():
            if n.status == "active" and label_key(n.label):
                self.by_label.setdefault(label_key(n.label), []).append(n)

    def propose(self, node_id: str | None, site_label: str | None = None,
                site_commune: str | None = None) -> Proposal | None:
        """The node proposed for an order on ``node_id`` (retired, unknown or None) whose site reads ``site_label``
        in ``site_commune``; None when nothing or more than one node fits."""
        old = self.nodes.get(node_id or "")
        if old is not None and old.status == "active":
            return None  # attached: nothing to propose
        if old is not None:
            same = [n for n in self.by_label.get(label_key(old.label), ()) if old.kind in (None, n.kind)]
            return (_one(same, lambda n: old.parent_id is not None and n.parent_id == old.parent_id,
                         "SAME_LABEL_SAME_PARENT")
                    or _one(same, lambda n: old.in_commune is not None and n.in_commune == old.in_commune,
                            "SAME_LABEL_SAME_COMMUNE")
                    or _one(same, lambda n: True, "SAME_LABEL_ONLY"))
        same = self.by_label.get(label_key(site_label), [])
        if site_commune:
            return _one(same, lambda n: n.in_commune == site_commune, "SITE_LABEL_IN_COMMUNE")
        return _one(same, lambda n: True, "SITE_LABEL_ONLY")


def _one(candidates: list[NodeFacts], keep, reason: str) -> Proposal | None:
    kept = [n for n in candidates if keep(n)]
    return Proposal(kept[0].node_id, reason) if len(kept) == 1 else None
