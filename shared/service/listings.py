"""The lists the web application reads (A3 c), each scoped by the caller's role and tenant.

- (quotes: shared/service/quote_list.py, in pages);
- contracts and their catalogue versions: a manager's, or those a contractor holds (A13, A14);
- account requests with D7's time left (operator, B5);
- needs: a beneficiary's own, or those waiting for the operator's proposals (B3, D4);
- one professional's full record (B4), for a beneficiary that has it in the results of its need.

Each reads through a unit of work (``bootstrap.reader()`` in the functions): queries filtered by
equality and ``in`` only, without ordering, so that production needs no composite index; rows are
sorted here, newest or most urgent first, and cut at ``MAX_ROWS`` (``truncated`` tells).
"""

from __future__ import annotations

from typing import Any

from shared.domain.errors import ErrorDetail
from shared.domain.listings import (
    MAX_ROWS, WAITING_FOR_PROPOSALS, AccountRequestList, AccountRequestRow, ContractList, ContractSummary, NeedList,
    NeedSummary, ProfessionalRecord, seconds_left,
)
from shared.domain.sourcing.process import NEED_LABELS, NeedRecord
from shared.domain.sourcing.records import Professional
from shared.domain.territories import clock_fields, territory_of_calendar
from shared.ports import Clock, Query, UnitOfWork
from shared.service.sourcing import paths

SCAN = 1000  # documents read at most per list before sorting


def _rows(uow: UnitOfWork, collection: str, *, group: bool = False, equals: dict[str, Any] | None = None,
          within: dict[str, list[Any]] | None = None, limit: int = SCAN) -> list[tuple[str, dict[str, Any]]]:
    """(path, data) of the documents of ``collection`` (every collection of that name when ``group``)
    matching the equality and ``in`` filters, at most ``limit``."""
    where = tuple((name, "==", value) for name, value in (equals or {}).items())
    where += tuple((name, "in", values) for name, values in (within or {}).items())
    return [(d.path, d.data) for d in uow.query(Query(collection, where=where, limit=limit, group=group))]


def _cut(rows: list, key) -> tuple[list, bool]:
    rows = sorted(rows, key=key, reverse=True)
    return rows[:MAX_ROWS], len(rows) > MAX_ROWS


def list_contracts(role: str, tenant: str, uow: UnitOfWork) -> dict[str, Any]:
    """A manager's or a beneficiary's contracts (its own space), or those a contractor holds across spaces (A13,
    A14), each naming its two parties: the names of the other parties of the caller's own contracts, and no one
    else's (A2/A9 web app: parties shown by name), read together in one ``get_all`` with the caller's own registry
    record, whose name the answer gives as ``caller_name`` (the web app's header: « Gestionnaire — Nom (id) »), with
    or without a contract. The purchasing body holds no contract (B1 parties): it reads its own name only, from its
    record ``purchasing_bodies/<id>``."""
    if role == "purchasing_body":
        own = _records(uow, [f"purchasing_bodies/{tenant}"]).get(f"purchasing_bodies/{tenant}")
        return ContractList(contracts=[], count=0, truncated=False, caller_name=_name(own)).model_dump(mode="json")
    if role in ("manager", "beneficiary"):  # a beneficiary's contracts are in its manager-like space
        found = _rows(uow, f"managers/{tenant}/contracts")
    else:
        found = _rows(uow, "contracts", group=True, equals={"contractor_id": tenant})
    found = [(path, data) for path, data in found if len(path.split("/")) == 4 and path.startswith("managers/")]
    spaces = {path.split("/")[1] for path, _ in found}
    contractors = {data.get("contractor_id") for _, data in found if data.get("contractor_id")}
    own = f"contractors/{tenant}" if role == "contractor" else f"managers/{tenant}"  # the caller's own record
    records = _records(uow, [own] + [f"managers/{m}" for m in spaces] + [f"contractors/{c}" for c in contractors])
    reviews = _review_days(uow, tenant) if role == "manager" else {}
    contracts = []
    for path, data in found:
        parts = path.split("/")
        space = records.get(f"managers/{parts[1]}") or {}
        contractor_id = data.get("contractor_id", "")
        versions = sorted(int(v["version"]) for _, v in _rows(uow, f"{path}/catalogue") if "version" in v)
        contracts.append(ContractSummary(
            manager_id=parts[1], contract_id=parts[3], contractor_id=contractor_id,
            status=data.get("status", ""), starts_on=_text(data.get("starts_on")), ends_on=_text(data.get("ends_on")),
            lots=data.get("lots") or [], perimeter=data.get("perimeter") or {}, catalogue_versions=versions,
            version=data.get("version"),
            client_kind="beneficiary" if space.get("kind") == "beneficiary" else "manager",
            contractor_name=_name(records.get(f"contractors/{contractor_id}")), client_name=_name(space),
            review_due_on=reviews.get(parts[3])))
    page, truncated = _cut(contracts, key=lambda c: (c.starts_on or "", c.manager_id, c.contract_id))
    return ContractList(contracts=page, count=len(page), truncated=truncated,
                        caller_name=_name(records.get(own))).model_dump(mode="json")


def _review_days(uow: UnitOfWork, manager_id: str) -> dict[str, str]:
    """A14: each contract's catalogue review due day (ISO), from the space's review states, in one query."""
    return {path.rsplit("/", 1)[-1]: _text(data.get("review_due_on")) for path, data
            in _rows(uow, f"managers/{manager_id}/catalogue_reviews") if data.get("review_due_on")}


def _records(uow: UnitOfWork, paths: list[str]) -> dict[str, dict[str, Any]]:
    """The registry records at ``paths`` (those that exist), in one read."""
    if not paths:
        return {}
    return {path: data for path, data in uow.get_all(sorted(set(paths))).items() if data}


def _name(record: dict[str, Any] | None) -> str | None:
    name = (record or {}).get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def _zone(fields: dict[str, str | None]) -> dict[str, str | None]:
    """A list row's clock: ``clock_fields`` without the territory (the row names it already, or need not)."""
    return {"time_zone": fields["time_zone"], "time_zone_label": fields["time_zone_label"]}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def list_account_requests(filters: dict[str, Any], uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    from shared.domain.identity import AccountRequest

    now = clock.now()
    found = _rows(uow, "account_requests", equals={"status": filters["status"]})
    out = []
    for _path, data in found:
        request = AccountRequest.model_validate(data, strict=False)
        out.append(AccountRequestRow(
            request_id=request.request_id, tenant=request.tenant, role=request.role.value, email=request.email,
            display_name=request.display_name, territory=request.territory, rights=request.rights,
            requested_by=request.requested_by, requested_by_email=request.requested_by_email,
            requested_at=request.requested_at,
            due_at=request.due_at, status=request.status, fulfilled_at=request.fulfilled_at, met=request.met,
            seconds_left=seconds_left(request.due_at, now),
            **_zone(clock_fields(request.territory))))  # B18: D7's territory, from the record (no read)
    # the most urgent first: the one due soonest
    page, truncated = _cut(out, key=lambda r: (-r.due_at.timestamp(), r.request_id))
    return AccountRequestList(requests=page, count=len(page), truncated=truncated,
                              as_of=now).model_dump(mode="json")


def list_needs(role: str, tenant: str, filters: dict[str, Any], uow: UnitOfWork) -> dict[str, Any]:
    equals = {"status": filters["status"]} if filters.get("status") else {}
    if role == "beneficiary" or filters.get("beneficiary_id"):
        owner = tenant if role == "beneficiary" else filters["beneficiary_id"]
        found = _rows(uow, f"beneficiaries/{owner}/needs", equals=equals)
    else:
        found = _rows(uow, "needs", group=True, equals=equals,
                      within={} if equals else {"status": [s.value for s in WAITING_FOR_PROPOSALS]})
    waiting = _deliverables_to_decide(uow, tenant) if filters.get("deliverables") else None
    records = []
    for path, data in found:
        if not path.startswith("beneficiaries/"):
            continue
        record = NeedRecord.model_validate(data, strict=False)
        if filters.get("waiting") and record.status not in WAITING_FOR_PROPOSALS:
            continue
        if waiting is not None and not (record.mission_id and waiting.get(paths.mission_order_id(record.need_id))):
            continue
        records.append(record)
    if filters.get("waiting"):  # the operator answers the one due soonest first
        kept, truncated = _cut(records, key=lambda r: (-r.d4.due.toordinal(), r.need_id))
    else:
        kept, truncated = _cut(records, key=lambda r: (r.updated_at, r.need_id))
    # B1 parties: each row names its beneficiary — one batch read of the registry for the page, not one per row
    wanted = list(dict.fromkeys(r.beneficiary_id for r in kept))
    registered = uow.get_all([f"beneficiaries/{b}" for b in wanted]) if wanted else {}
    names = {b: (registered.get(f"beneficiaries/{b}") or {}).get("name") or b for b in wanted}
    page = [NeedSummary(
        beneficiary_id=r.beneficiary_id, beneficiary_name=names[r.beneficiary_id], need_id=r.need_id, title=r.title,
        version=r.version, status=r.status, status_label=NEED_LABELS[r.status], submitted_at=r.submitted_at,
        updated_at=r.updated_at, d4_due=r.d4.due, d4_met=r.d4.met, proposals=len(r.proposals), mission_id=r.mission_id,
        deliverables_to_decide=None if waiting is None else waiting[paths.mission_order_id(r.need_id)],
        time_zone=clock_fields(territory_of_calendar(r.d4.calendar))["time_zone"])  # B18, no read
        for r in kept]
    return NeedList(needs=page, count=len(page), truncated=truncated).model_dump(mode="json")


def _deliverables_to_decide(uow: UnitOfWork, beneficiary_id: str) -> dict[str, int]:
    """B11: per order of the beneficiary's space, its deliverables « remis » awaiting its decision — one
    collection-group query of the space's deliverable records (index ``documents_deliverables_group``)."""
    from shared.domain.documents import DocumentKind
    from shared.domain.sourcing.deliverables import awaiting_decision

    prefix = f"managers/{beneficiary_id}/orders/"
    return awaiting_decision(data for path, data in _rows(uow, "documents", group=True, equals={
        "manager_id": beneficiary_id, "kind": DocumentKind.DELIVERABLE.value}) if path.startswith(prefix))


class NotVisible(Exception):
    """No such record within the caller's reach (answered like a missing one: 404)."""

    def __init__(self, error: ErrorDetail):
        super().__init__(error.message)
        self.error = error


def get_professional(role: str, tenant: str, professional_id: str, need_id: str | None, uow: UnitOfWork) -> dict:
    """The professional's full record (B4: education, certifications, references, daily rate, extra
    costs, reviews). A beneficiary reads it only through one of its needs whose results or proposals
    name it (``need_id`` is then required); otherwise NotVisible, as for an unknown professional."""
    not_found = NotVisible(ErrorDetail.of("query.professional_id", "PROFESSIONAL_NOT_FOUND",
                                          professional_id=professional_id))
    if role == "beneficiary":
        need = uow.get(paths.need(tenant, need_id or ""))
        if need is None:
            raise NotVisible(ErrorDetail.of("query.need_id", "NEED_NOT_FOUND", need_id=need_id or ""))
        if not _named_by(tenant, need_id, NeedRecord.model_validate(need, strict=False), professional_id, uow):
            raise not_found
    found = uow.get(paths.professional(professional_id))
    if found is None:
        raise not_found
    record = Professional.model_validate(found, strict=False)
    return ProfessionalRecord(**record.model_dump(), mean_rating=record.rating).model_dump(mode="json")


def _named_by(beneficiary: str, need_id: str, record: NeedRecord, professional_id: str, uow: UnitOfWork) -> bool:
    if any(p.professional_id == professional_id for p in record.proposals):
        return True
    results = uow.get_all([paths.result(beneficiary, need_id, v) for v in range(1, record.version + 1)])
    return any(c.get("professional_id") == professional_id
               for result in results.values() for c in result.get("candidates", ()))
