"""A manager's property tree (A7): sites / groups, buildings, staircases or entrances,
dwellings and equipment, each with a reference to its parent — pure domain.

Imports come from a French CSV (the same reader as the catalogue: ``;``, UTF-8 with or
without BOM, header on line 1) or a JSON array, are validated as a whole (every bad row
reported with its line number), and yield only the nodes that change: the same file twice
changes nothing. An import is the whole tree (``replace``, the default): a stored node the file
omits is retired — kept, with its id, for the orders and documents that name it, but no longer
in force; one it names again is back. ``merge`` only adds and updates. Which kind may hang under
which is data (``ALLOWED_PARENTS``), like the order's transitions.

Each node carries the commune it lies in (``in_commune``: its own, or its nearest ancestor's):
a node concerns a contractor when that commune is within the perimeter of one of its contracts
with the manager (A13), or when the tree names no commune above it (``concerns``).
"""

from __future__ import annotations

import json
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, ValidationError

from shared.domain.base import Model
from shared.domain import french_csv
from shared.domain.contracts import Perimeter
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Identifier, Order, SiteRef
from shared.domain.property_attach import AttachOrderNode, OrderNodeAttached  # noqa: F401 (pt.AttachOrderNode)


class NodeKind(StrEnum):
    SITE = "site"  # site or group of buildings (groupe)
    BUILDING = "building"  # bâtiment
    STAIRCASE = "staircase"  # cage d'escalier or entrance
    DWELLING = "dwelling"  # logement
    EQUIPMENT = "equipment"  # équipement (boiler, lift, door…)


# The French name a manager writes in a file's ``kind`` column, accepted beside the code (without case nor accents,
# ’ as '): the code is what is stored. « groupe » and « entrée » name a site and a staircase too, and the earlier
# labels « site / groupe », « cage / entrée » are still accepted.
FRENCH_NAMES = {NodeKind.SITE: "site", NodeKind.BUILDING: "bâtiment", NodeKind.STAIRCASE: "cage d'escalier",
                NodeKind.DWELLING: "logement", NodeKind.EQUIPMENT: "équipement"}
# One French wording for the kinds everywhere (import, its errors, the web picker: web/coverage_logic.mjs
# NODE_KIND_LABELS): the names a file writes.
_ALIASES = {"groupe": NodeKind.SITE, "entrée": NodeKind.STAIRCASE, "cage": NodeKind.STAIRCASE,
            "escalier": NodeKind.STAIRCASE, "site / groupe": NodeKind.SITE, "cage / entrée": NodeKind.STAIRCASE,
            "cage d'escalier / entrée": NodeKind.STAIRCASE}
# What an error on the kind lists: the French names, then the codes.
KIND_CHOICES = (", ".join(FRENCH_NAMES.values()) + " (ou les codes " + ", ".join(k.value for k in NodeKind) + ")")


def _folded(text: str) -> str:
    """Without case, accents, typographic apostrophes nor extra spaces: « Cage d’Escalier » → « cage d'escalier »."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


_KIND_BY_NAME = {_folded(name): kind for kind, name in [*((k, k.value) for k in NodeKind), *FRENCH_NAMES.items(),
                                                        *((k, a) for a, k in _ALIASES.items())]}


def kind_named(value: str) -> NodeKind | None:
    """The kind a file names by its code or its French name (A7: « bâtiment », « Cage d'escalier », "building"…)."""
    return _KIND_BY_NAME.get(_folded(value))

# Which kinds a node may hang under; None = a root. Strictly downward, so no cycle can form.
ALLOWED_PARENTS: dict[NodeKind, frozenset[NodeKind | None]] = {
    NodeKind.SITE: frozenset({None}),
    NodeKind.BUILDING: frozenset({NodeKind.SITE}),
    NodeKind.STAIRCASE: frozenset({NodeKind.BUILDING}),
    NodeKind.DWELLING: frozenset({NodeKind.BUILDING, NodeKind.STAIRCASE}),
    NodeKind.EQUIPMENT: frozenset({NodeKind.SITE, NodeKind.BUILDING, NodeKind.STAIRCASE, NodeKind.DWELLING}),
}

MODES = ("replace", "merge")  # the file is the whole tree (omitted nodes retired), or adds and updates only
COLUMNS = ("node_id", "kind", "parent_id", "label")
OPTIONAL_COLUMNS = ("commune",)
MAX_NODES = 200_000


class PropertyNode(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    node_id: Identifier
    kind: NodeKind
    parent_id: Identifier | None = None
    label: Annotated[str, Field(min_length=1, max_length=200)]
    commune: Annotated[str, Field(pattern=r"^(\d{5}|2[AB]\d{3})$")] | None = None  # INSEE code


class TreeNode(PropertyNode):
    """A node as stored and as delivered to contractors: the file's fields, the commune it lies in,
    and whether it is in force (``active``) or was omitted by a later import (``retired``)."""

    in_commune: str | None = None
    # The tree's path from the node's site (its root) down to the node itself, ids only: what an order issued on
    # (or attached to) the node keeps as its ``site_path`` (A11 lists: a manager filters its orders by site).
    # Computed by ``plan`` like ``in_commune``; empty on a node stored before nodes kept it (read it with
    # ``shared.service.property_tree.ancestry``).
    path: list[str] = Field(default_factory=list, description=(
        "The ids from the node's site (its root) down to the node itself; empty on a node stored before nodes kept it "
        "(the next import writes it)."))
    status: Annotated[str, Field(pattern=r"^(active|retired)$")] = "active"
    retired_at: str | None = None

    @property
    def content(self) -> PropertyNode:
        return PropertyNode.model_validate(self.model_dump(include=set(PropertyNode.model_fields)))


def _node(row: dict[str, Any], line: int, from_csv: bool) -> tuple[PropertyNode | None, list[ErrorDetail]]:
    field = f"line {line}"
    known = COLUMNS + OPTIONAL_COLUMNS
    unknown = sorted(str(k) for k in set(row) - set(known) - {None})
    if None in row:  # more cells than columns
        unknown.append("(colonne sans nom)")
    errors = [ErrorDetail.of(f"{field}.{name}", "UNKNOWN_FIELD") for name in unknown]
    if from_csv:
        data = {k: (row.get(k) or "").strip() or None for k in known}
    else:
        data = {k: row.get(k) for k in known}
    if isinstance(data["kind"], str) and (kind := kind_named(data["kind"])) is not None:
        data["kind"] = kind.value  # A7: named in French or by its code, stored as the code
    try:
        node = PropertyNode.model_validate(data)
    except ValidationError as exc:
        return None, errors + [_invalid(field, e) for e in exc.errors()]
    return (None if errors else node), errors


def _invalid(field: str, error: Any) -> ErrorDetail:
    at = f"{field}.{'.'.join(map(str, error['loc']))}"
    if error["type"] == "missing" or error["input"] is None:
        return ErrorDetail.of(at, "REQUIRED")
    if tuple(error["loc"]) == ("kind",):  # the allowed kinds in French, as a manager writes them
        return ErrorDetail.of(at, "INVALID_VALUE", detail=f"type « {error['input']} » inconnu ; types possibles : "
                                                          f"{KIND_CHOICES}")
    return ErrorDetail.of(at, "INVALID_VALUE", detail=error["msg"])


def parse_csv(raw: bytes) -> tuple[list[tuple[int, PropertyNode]], list[ErrorDetail]]:
    """Header ``node_id;kind;parent_id;label`` (+ optional ``commune``); lines count the header as 1. ``kind`` is a
    code or its French name (``kind_named``)."""
    rows, errors = french_csv.read_rows(raw, COLUMNS)
    return ([], errors) if errors else _collect(rows, from_csv=True)


def parse_json(raw: bytes) -> tuple[list[tuple[int, PropertyNode]], list[ErrorDetail]]:
    """A JSON array of nodes, or ``{"nodes": [...]}``; "line" is the node's position, from 1."""
    try:
        rows = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [ErrorDetail.of("$", "MALFORMED_JSON", detail=str(exc))]
    if isinstance(rows, dict) and set(rows) == {"nodes"}:
        rows = rows["nodes"]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return [], [ErrorDetail.of("$", "INVALID_TYPE", detail="tableau d'objets attendu")]
    return _collect(enumerate(rows, start=1), from_csv=False)


def _collect(rows, from_csv: bool) -> tuple[list[tuple[int, PropertyNode]], list[ErrorDetail]]:
    nodes: list[tuple[int, PropertyNode]] = []
    errors: list[ErrorDetail] = []
    seen: set[str] = set()
    for line, row in rows:
        if len(nodes) + len(errors) >= MAX_NODES:
            return [], [ErrorDetail.of("$", "OUT_OF_RANGE", detail=f"au plus {MAX_NODES} éléments par import")]
        node, row_errors = _node(row, line, from_csv)
        errors += row_errors
        if node is None:
            continue
        if node.node_id in seen:
            errors.append(ErrorDetail.of(f"line {line}.node_id", "DUPLICATE_VALUE", value=node.node_id))
            continue
        seen.add(node.node_id)
        nodes.append((line, node))
    if not nodes and not errors:
        errors.append(ErrorDetail.of("$", "REQUIRED"))
    return nodes, errors


class Plan(Model):
    """What an import changes: nodes to write (new, changed, back in force, or whose commune changed)
    and stored nodes to retire."""

    model_config = ConfigDict(frozen=True)

    write: list[TreeNode] = []
    retire: list[TreeNode] = []
    # nodes stored before nodes kept their path, otherwise as the file says: given their path silently (not
    # announced to contractors, not counted as changed), so the first import after that change is no burst
    keep_path: list[TreeNode] = []


def plan(rows: list[tuple[int, PropertyNode]], stored: dict[str, PropertyNode],
         mode: str = "replace") -> tuple[Plan, list[ErrorDetail]]:
    """Validate the file as a whole; what to write and what to retire.

    ``replace``: the file is the whole tree — every parent must be in it, and every stored node it
    omits is retired. ``merge``: the file adds and updates nodes of the tree in force (its parents may
    be stored ones), and a kind change may not orphan a stored child.
    """
    stored_nodes = {k: _tree_node(v) for k, v in stored.items()}
    active = {k: v.content for k, v in stored_nodes.items() if v.status == "active"}
    in_file = {node.node_id: node for _, node in rows}
    merged = dict(in_file) if mode == "replace" else {**active, **in_file}
    errors: list[ErrorDetail] = []
    for line, node in rows:
        errors += _parent_errors(node, merged, f"line {line}.parent_id")
    if mode == "merge":
        errors += _orphan_errors(rows, active, merged)
    if errors:
        return Plan(), errors
    communes, paths = _communes(merged), _paths(merged)
    write = [TreeNode(**node.model_dump(), in_commune=communes[node_id], path=paths[node_id])
             for node_id, node in merged.items()]
    changed, keep_path = [], []
    for node in write:
        before = stored_nodes.get(node.node_id)
        if before == node:
            continue
        only_path = before is not None and not before.path and before.model_copy(update={"path": node.path}) == node
        (keep_path if only_path else changed).append(node)
    retire = [n for k, n in stored_nodes.items() if n.status == "active" and k not in merged]
    return Plan(write=changed, retire=retire, keep_path=keep_path), []


def _tree_node(node: PropertyNode) -> TreeNode:
    return node if isinstance(node, TreeNode) else TreeNode(**node.model_dump())


def _orphan_errors(rows: list[tuple[int, PropertyNode]], active: dict[str, PropertyNode],
                   merged: dict[str, PropertyNode]) -> list[ErrorDetail]:
    """A kind change that would leave a stored child (not in the file) under a parent it may not have."""
    errors: list[ErrorDetail] = []
    changed_kinds = {node.node_id: line for line, node in rows
                     if node.node_id in active and active[node.node_id].kind != node.kind}
    in_file = {node.node_id for _, node in rows}
    for child in active.values():
        if child.parent_id in changed_kinds and child.node_id not in in_file \
                and merged[child.parent_id].kind not in ALLOWED_PARENTS[child.kind]:
            errors.append(ErrorDetail.of(f"line {changed_kinds[child.parent_id]}.kind", "CHILDREN_WOULD_BE_ORPHANED",
                                         node_id=child.parent_id, kind=merged[child.parent_id].kind.value,
                                         child_id=child.node_id, child_kind=child.kind.value))
    return errors


def _communes(tree: dict[str, PropertyNode]) -> dict[str, str | None]:
    """Each node's commune: its own, else its nearest ancestor's (the tree is valid: no cycle)."""
    found: dict[str, str | None] = {}

    def commune(node_id: str) -> str | None:
        if node_id not in found:
            node = tree[node_id]
            found[node_id] = node.commune or (commune(node.parent_id) if node.parent_id in tree else None)
        return found[node_id]

    for node_id in tree:
        commune(node_id)
    return found


def _paths(tree: dict[str, PropertyNode]) -> dict[str, list[str]]:
    """Each node's path: its ancestors' ids from its root (a site) down, then its own (the tree is valid)."""
    found: dict[str, list[str]] = {}

    def path(node_id: str) -> list[str]:
        if node_id not in found:
            parent = tree[node_id].parent_id
            found[node_id] = (path(parent) if parent in tree else []) + [node_id]
        return found[node_id]

    for node_id in tree:
        path(node_id)
    return found


def concerns(in_commune: str | None, perimeters: list[Perimeter]) -> bool:
    """Whether a node in ``in_commune`` concerns a contractor whose contracts with the manager have
    ``perimeters`` (A13): within one of them — a contract without a perimeter covers everything — or
    placed nowhere (no commune in the tree above it), since then no perimeter can exclude it."""
    return bool(perimeters) and (in_commune is None or any(p.covers(in_commune) for p in perimeters))


def _parent_errors(node: PropertyNode, tree: dict[str, PropertyNode], field: str) -> list[ErrorDetail]:
    allowed = ALLOWED_PARENTS[node.kind]
    names = ", ".join(sorted(FRENCH_NAMES[k] if k else "aucun (racine)" for k in allowed)) or "aucun"
    if node.parent_id is None:
        return [] if None in allowed else [ErrorDetail.of(field, "REQUIRED", detail=f"parents possibles : {names}")]
    parent = tree.get(node.parent_id)
    if parent is None:
        return [ErrorDetail.of(field, "PARENT_NOT_FOUND", parent_id=node.parent_id)]
    if parent.kind not in allowed:
        return [ErrorDetail.of(field, "PARENT_KIND_NOT_ALLOWED", kind=FRENCH_NAMES[node.kind], parent_kind=FRENCH_NAMES[parent.kind],
                               allowed=names)]
    return []


def coverage(items: list[tuple[str, str, str | None]], nodes: set[str]) -> dict[str, Any]:
    """``items`` = (kind, id, node id): the share attached to an existing node, and the orphans."""
    orphans = [{"kind": kind, "id": item_id, "node_id": node_id} for kind, item_id, node_id in items
               if node_id is None or node_id not in nodes]
    total = len(items)
    attached = total - len(orphans)
    return {"items": total, "attached": attached, "orphans": orphans,
            "coverage_percent": 100.0 if total == 0 else round(100 * attached / total, 2)}


class ImportPropertyTree(Model):
    """POST import_property_tree (JSON): the manager's whole tree (``mode`` ``replace``, the default: the
    nodes it omits are retired), or nodes to add and update (``merge``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportPropertyTree")

    nodes: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_NODES)]
    mode: Annotated[str, Field(pattern=r"^(replace|merge)$")] = "replace"


class PropertyNodesChanged(Model):
    """Nodes of a manager's tree added, changed or back in force, that concern the contractor.

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.property_nodes.changed.v1``, one message per
    import batch (up to 449 nodes), ordering key ``property-tree/<manager>``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyNodesChanged")

    manager_id: str
    import_id: str = Field(description="The import job that changed them.")
    nodes: list[TreeNode]
    changed_at: AwareDatetime


class PropertyNodesRetired(Model):
    """Nodes an import omitted: retired (orders and documents that name them keep them).

    Delivered on ``orders-<contractor>`` as ``fr.passerelle.property_nodes.retired.v1`` to the
    contractors they concerned, ordering key ``property-tree/<manager>``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyNodesRetired")

    manager_id: str
    import_id: str
    node_ids: list[str]
    retired_at: AwareDatetime


# --- attach_order_node: the manager attaches one of its orders to a node of its tree (A7 property tree); the request
# and its answers: shared/domain/property_attach.py.


def attach(order: Order, node_id: str, node: TreeNode | None, perimeter: Perimeter | None,
           territory: str) -> Order | None:
    """The order attached to ``node`` (stored as ``node_id``; None: not in the tree), None when it already
    sits on that node in force (nothing to change), or DomainError with every reason.

    The node must be in force (a retired one attaches nothing new). An order whose site names a commune may
    only go to a node lying in that commune (A13 alignment, as at issue); one that names none, to a node
    within its contract's ``perimeter`` (None: the contract is gone, nothing to check against). The order's
    state does not matter: a closed or cancelled order still counts in the coverage, so it may be attached.
    ``territory`` is the order's territory as it stands (B18: kept at issue, its deadlines counted there):
    it is written on the order so that the new node's commune never moves it."""
    if node is None:
        raise DomainError([ErrorDetail.of("$.node_id", "PROPERTY_NODE_NOT_FOUND", node_id=node_id)])
    if node.status == "retired":
        raise DomainError([ErrorDetail.of("$.node_id", "PROPERTY_NODE_RETIRED", node_id=node_id)])
    if order.site.node_id == node_id:
        return None
    place, errors = node.in_commune, []
    if order.site.commune is not None and place is not None and order.site.commune != place:
        errors.append(ErrorDetail.of("$.node_id", "ORDER_COMMUNE_NOT_AT_NODE", order_id=order.order_id,
                                     commune=order.site.commune, node_id=node_id, node_commune=place))
    if order.site.commune is None and place is not None and perimeter is not None and not perimeter.covers(place):
        errors.append(ErrorDetail.of("$.node_id", "OUTSIDE_CONTRACT_PERIMETER", commune=place,
                                     contract_id=order.contract_id))
    if errors:
        raise DomainError(errors)
    site = SiteRef.model_validate({**order.site.model_dump(), "node_id": node_id})
    return order.model_copy(update={"site": site, "node_commune": place, "territory": territory,
                                    "site_path": list(node.path) or [node_id]})


class OrderNodeChanged(Model):
    """Platform → contractor (orders-<contractor>): the manager attached its order to another node of its
    property tree (A7). CloudEvents type fr.passerelle.order.node_changed.v1, subject orders/<order_id>,
    ordering key the order id. The order's territory and deadlines do not change (B18)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderNodeChanged")

    manager_id: str
    order_id: str
    node_id: str = Field(description="The node the order is now attached to (in force).")
    previous_node_id: str = Field(description="The node it named before: unknown to the tree, or retired.")
    node: TreeNode = Field(description="The node, as list_property_nodes reads it.")
    site: SiteRef = Field(description="The order's site as it now stands: its label, address and commune unchanged.")
    changed_at: AwareDatetime


# --- What import_property_tree and get_property_coverage answer (A7 property tree).


class PropertyImportJob(Model):
    """A property-tree import job: written in batches, resumable (the same file again resumes or answers it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyImportJob")

    job_id: str = Field(description="imp-<hash of the manager and the file's nodes>: the same file is the same job.")
    manager_id: str
    format: Literal["json", "csv"]
    mode: Literal["replace", "merge"] = Field(default="replace", description="replace: the file is the whole tree, "
                                              "nodes it omits are retired; merge: it adds and updates only.")
    status: Literal["running", "completed"]
    nodes_in_file: int
    to_write: int = Field(description="Nodes new or changed in the file (or whose commune or status changes).")
    written: int
    to_retire: int = Field(default=0, description="Stored nodes the file omits (replace).")
    retired: int = 0
    batches: int
    batch_size: int
    started_at: AwareDatetime
    updated_at: AwareDatetime
    resumes: int = Field(description="How many times an interrupted import of this file was resumed.")
    already_written_before_resume: int
    completed_at: AwareDatetime | None = None
    tree_nodes: int | None = Field(default=None, description="Completed jobs: nodes in the tree afterwards.")


class PropertyTreeImported(PropertyImportJob):
    """What import_property_tree answers: the job, and what this call wrote."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyTreeImported")

    changed: bool = Field(description="False when nothing was new (answered 200).")
    written_now: int
    retired_now: int | None = Field(default=None, description="Nodes this call retired; absent when the file was "
                                                              "already imported.")
    resumed: bool | None = Field(default=None, description="True when this call resumed an interrupted import; "
                                                           "absent when the file was already imported.")


class CoverageOrphan(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="CoverageOrphan")

    kind: Literal["order", "document"]
    id: str = Field(description="order_id, or <order_id>/<sha256> for a document.")
    node_id: str | None = Field(description="The node it names (unknown to the tree), or null when none.")
    proposed_node_id: str | None = Field(default=None, description=(
        "An order's likely node in force, proposed — never applied — when exactly one active node fits: its retired "
        "node's label (same parent, else commune) or its site's label (in its commune); absent otherwise."))
    proposed_because: str | None = Field(default=None, description="Why that node, in French.")


class FlaggedDocument(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="FlaggedDocument")

    id: str = Field(description="<order_id>/<sha256>.")
    node_id: str | None
    flag: Literal["PROPERTY_NODE_NOT_FOUND", "PROPERTY_NODE_RETIRED"]


class PropertyCoverage(Model):
    """What get_property_coverage answers (A7: the contract demands 100 %)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyCoverage")

    manager_id: str
    tree_nodes: int
    tree_in_force: bool = Field(description="True once a tree was imported: orders and quotes must then name one "
                                            "of its nodes.")
    items: int = Field(description="Orders and documents counted.")
    attached: int
    orphans: list[CoverageOrphan]
    coverage_percent: float
    retired_nodes: int = Field(default=0, description="Nodes retired by an import (kept for what names them).")
    on_retired_nodes: list[CoverageOrphan] = Field(default_factory=list, description="Orders and documents on a "
                                                   "retired node: still attached, their node no longer in force.")
    flagged_documents: list[FlaggedDocument] = Field(default_factory=list)
    unfinished_imports: list[PropertyImportJob]
