"""What a contractor may read back of the perimeter its managers share with it (A2.1 contracts, A2.2
billing accounts, A7 property nodes), for a connector that lost messages or starts afresh.

Every read is scoped by the caller's token: a manager reads its own space; a contractor reads, in
the spaces of the managers it serves, only what concerns it — the contracts it holds, the billing
accounts naming one of them (showing only those), the property nodes within the perimeter of its
contracts (``shared.domain.property_tree.concerns``). Anything else answers as if absent.
"""

from __future__ import annotations

from typing import Any

from shared.domain import property_tree as pt
from shared.domain.list_limits import MAX_ROWS
from shared.domain.territories import clock_fields
from shared.ports import Clock, Query, UnitOfWork
from shared.service import penalty_terms, property_tree
from shared.service.contracts import contract_path, own_contracts
from shared.service.territories import contract_territory

# array-contains-any takes at most 30 values per query.
_ANY_OF = 30


class NotVisible(Exception):
    """Absent, or not the caller's to read: answered alike (404)."""


def get_contract(role: str, tenant: str, manager_id: str, contract_id: str, uow: UnitOfWork,
                 clock: Clock) -> dict[str, Any]:
    """The contract as stored and as sent in ``contract.changed`` (content, ``version``, ``updated_at``),
    with its penalty terms versions and the one in force today in the contract's territory (A9 penalties, B18); the
    contractor reads them without the manager's account ids. B18: with the clock of the contract's territory (``territory``,
    ``time_zone``, ``time_zone_label``: its perimeter's when it names one territory, else its manager's), on which
    the web app shows its versions' times and offers the catalogue review's date."""
    space = tenant if role == "manager" else manager_id
    data = uow.get(contract_path(space, contract_id)) if contract_id else None
    if data is None or (role == "contractor" and data.get("contractor_id") != tenant):
        raise NotVisible(contract_id)
    territory = contract_territory(uow, space, contract_id, data)
    versions = penalty_terms.read_versions(uow, space, contract_id, data, penalty_terms.today(clock, territory),
                                           accounts=role == "manager", reader=(role, tenant))
    return {**data, "penalty_terms_versions": versions.model_dump(mode="json"), **clock_fields(territory)}


def held_contracts(uow: UnitOfWork, contractor_id: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The contracts a contractor holds, by manager then contract id (one collection-group query)."""
    held: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in uow.query(Query("contracts", group=True, where=(("contractor_id", "==", contractor_id),))):
        parts = doc.path.split("/")
        if len(parts) == 4 and parts[0] == "managers":
            held.setdefault(parts[1], {})[parts[3]] = doc.data
    return held


def list_billing_accounts(role: str, tenant: str, uow: UnitOfWork) -> dict[str, Any]:
    """A manager's billing accounts; for a contractor, those naming one of its contracts, across the
    managers it serves, each showing only its own contracts (as its ``billing_account.changed`` did)."""
    accounts: list[dict[str, Any]] = []
    if role == "manager":
        accounts = [d.data for d in uow.query(Query(f"managers/{tenant}/billing_accounts", limit=MAX_ROWS + 1))]
    else:
        for manager_id, contracts in sorted(held_contracts(uow, tenant).items()):
            ids = sorted(contracts)
            holders = {cid: tenant for cid in ids}
            seen: set[str] = set()
            for start in range(0, len(ids), _ANY_OF):
                query = Query(f"managers/{manager_id}/billing_accounts",
                              where=(("contract_ids", "array_contains_any", ids[start:start + _ANY_OF]),))
                for doc in uow.query(query):
                    if doc.path not in seen:
                        seen.add(doc.path)
                        accounts.append(own_contracts(doc.data, holders, tenant))
    accounts.sort(key=lambda a: (a.get("manager_id", ""), a.get("billing_account_id", "")))
    return {"billing_accounts": accounts[:MAX_ROWS], "count": min(len(accounts), MAX_ROWS),
            "truncated": len(accounts) > MAX_ROWS}


NODE_PAGE = 500
MAX_NODE_PAGE = 2000


def list_property_nodes(role: str, tenant: str, manager_id: str, after: str | None, limit: int,
                        uow: UnitOfWork, kind: pt.NodeKind | None = None) -> dict[str, Any]:
    """The nodes of a manager's tree, retired ones included (``status``), by node id from ``after``; with ``kind``,
    only the nodes of that kind (A7: the sites a « Site » filter offers, without reading the whole tree).
    A manager reads its own; a contractor, in the space of a manager it holds a contract with, the
    nodes that concern it (``pt.concerns``). A page scans at most four times ``limit`` nodes: it may
    hold fewer than ``limit`` while ``more`` is true."""
    manager = tenant if role == "manager" else manager_id
    perimeters = None
    if role == "contractor":
        perimeters = property_tree.contractor_perimeters(uow, manager).get(tenant)
        if not perimeters:
            raise NotVisible(manager_id)
    query = Query(property_tree.nodes_path(manager), where=(("kind", "==", kind.value),) if kind else (),
                  order_by=(("__name__", "asc"),), limit=4 * limit,
                  start_after=(property_tree.node_path(manager, after),) if after else None)
    scanned = uow.query(query)
    nodes: list[dict[str, Any]] = []
    last: str | None = after
    for doc in scanned:
        node = pt.TreeNode.model_validate(doc.data)
        if perimeters is None or pt.concerns(node.in_commune, perimeters):
            nodes.append(node.model_dump(mode="json"))
        last = doc.id
        if len(nodes) == limit:
            break
    more = len(scanned) == 4 * limit or (bool(scanned) and last != scanned[-1].id)
    return {"manager_id": manager, "tree_in_force": uow.get(property_tree.tree_path(manager)) is not None,
            "nodes": nodes, "count": len(nodes), "next_cursor": last, "more": more}
