"""The territory an order's deadlines are counted in (B18), read from the data at hand.

Order of precedence (``shared.domain.territories.territory_of_order``): the site's commune
(INSEE), else the commune its property node lies in (A7 property tree: read with the node at
issue time and kept on the order as ``node_commune``), else the contract's perimeter when it
names exactly one territory, else the manager's own territory (``managers/<m>.territory``, or
the territory its account requests declared; a beneficiary's: the one it is registered with, so that
a mission's order and the quotes on it count in the beneficiary's territory), else "75". Reads are lazy: an order naming its
commune, or kept with its node's, costs no read at all.
"""

from __future__ import annotations

from typing import Any

from shared.domain.territories import TerritoryChoice, territory_of_order

_UNREAD: Any = object()
UNREAD: Any = _UNREAD  # "not read yet": the rule reads what it needs (``contract_territory``, ``order_territory``)


def order_territory(store, manager_id: str, contract_id: str | None, commune: str | None,
                    contract: dict[str, Any] | None = _UNREAD, *, node_commune: str | None = None) -> TerritoryChoice:
    """The territory of an order (or a quote) of ``manager_id`` under ``contract_id`` at ``commune`` (the
    commune its site names), at a node lying in ``node_commune`` (None: unknown, e.g. an order stored
    before orders kept it).

    ``contract`` may be passed when the caller already read it (None: no such contract).
    """
    if commune or node_commune:
        choice = territory_of_order(commune, None, None, node_commune)
        if choice.source in ("commune", "node"):
            return choice
    if contract is _UNREAD:
        contract = store.get_contract(manager_id, contract_id) if contract_id else None
    choice = territory_of_order(None, contract, None)
    if choice.source == "contract":
        return choice
    return territory_of_order(None, None, store.manager_territory(manager_id))


def contract_territory(uow, manager_id: str, contract_id: str, contract: dict[str, Any] | None = _UNREAD) -> str:
    """B18: the territory of a contract (its D2 counts there, its screens show their times on its clock): the
    contract's perimeter when it names exactly one territory, else its manager's own, else "75" — the rule of an
    order naming no commune (``order_territory``). ``contract``: the stored contract, when the caller read it."""
    return order_territory(reader(uow), manager_id, contract_id, None, contract).code


def territory_of(uow, order, contract: dict[str, Any] | None = _UNREAD) -> str:
    """The territory of a stored order: the one chosen at its issue and kept on its record (no read), else, for an
    order stored before orders kept it, the rule applied afresh (``contract`` as ``order_territory``'s)."""
    if order.territory:
        return order.territory
    return order_territory(reader(uow), order.manager_id, order.contract_id, order.site.commune, contract,
                           node_commune=order.node_commune).code


class _Reads:
    """The two reads the territory rule needs, through a unit of work."""

    def __init__(self, uow):
        self.uow = uow

    def get_contract(self, manager_id: str, contract_id: str) -> dict[str, Any] | None:
        return self.uow.get(f"managers/{manager_id}/contracts/{contract_id}")

    def manager_territory(self, manager_id: str) -> str | None:
        return manager_territory(self.uow, manager_id)


def reader(uow) -> _Reads:
    return _Reads(uow)


def manager_territory(uow, manager_id: str) -> str | None:
    """B18: ``managers/<m>.territory`` when set; for a beneficiary (a manager-like tenant, ``kind``
    "beneficiary"), the territory it is registered with (``beneficiaries/<b>.territory``: a mission's order
    and the quotes on it count there, one more read); else the territory of the manager's latest account
    request, else None."""
    from shared.ports import Query

    manager = uow.get(f"managers/{manager_id}") or {}
    if manager.get("territory"):
        return manager["territory"]
    if manager.get("kind") == "beneficiary":
        return tenant_territory(uow, "beneficiary", manager_id)
    requests = [d.data for d in uow.query(Query("account_requests", where=(("tenant", "==", manager_id),), limit=50))]
    requests = [r for r in requests if r.get("role") == "manager" and r.get("territory")]
    return max(requests, key=lambda r: str(r.get("requested_at")))["territory"] if requests else None


# B18: where the registry keeps the territory a contractor or the purchasing body recorded for itself
# (shared/service/parties.py: register_contractor, register_purchasing_body).
_OWN_TERRITORY_PATHS = {"beneficiary": "beneficiaries/{}", "contractor": "contractors/{}",
                        "purchasing_body": "purchasing_bodies/{}"}


def tenant_territory(uow, role: str, tenant: str) -> str | None:
    """B18: the territory of a tenant's own working days, for what it asks without naming one (an account
    request's D7, an incident's D8): a manager's own (``manager_territory``); the one a beneficiary, a
    contractor or the purchasing body has registered; None otherwise (the operator, or a record naming
    none), and its deadlines then count in Paris."""
    if role == "manager":
        return manager_territory(uow, tenant)
    path = _OWN_TERRITORY_PATHS.get(role)
    return (uow.get(path.format(tenant)) or {}).get("territory") if path else None
