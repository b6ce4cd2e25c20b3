"""Commands of the sourcing process: beneficiaries, pool, needs, scoring, proposals,
decisions, missions (with their order on part A's machinery) and replacements."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.domain.workdays import PARIS
from shared.domain.deadlines import KINDS
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.sourcing import scoring
from shared.domain.sourcing.messages import (
    DecideProposal, ProposalDecision, FrameMission, NeedSubmitted, ProposeProfessionals, ProposeReplacement,
    RequestReplacement, SubmitNeed,
)
from shared.domain.sourcing.process import (
    Milestone, Mission, MissionState, NeedRecord, NeedStatus, Proposal, ProposalStatus, Replacement,
    ReplacementReason, SourcingActor, notice_period, replacement_errors, require_move,
)
from shared.domain.sourcing.records import (
    REGION_LABELS, Beneficiary, NeedContent, Professional, Region, WorkMode,
)
from shared.domain.validation import parse_object
from shared.ports import (
    BlobStore, Clock, ConcurrencyConflict, DocumentStore, DocWrite, OutboxMessage, Publisher, Store, digest,
)
from shared.service import legacy_orders as order_service
from shared.service import outbox
from shared.service.retry import with_optimistic_retry
from shared.service.sourcing import index as search_index
from shared.service.sourcing import deadlines as sd
from shared.service.sourcing import paths
from shared.service.sourcing.deadlines import SourcingDeadlines

log = logging.getLogger(__name__)

# Read from the deadline catalogue (shared/domain/deadlines.py KINDS), the one place they live.
D4_WORKING_DAYS = KINDS["D4"].length.amount   # B10: at most 10 working days to propose (the offer may state less)
D5_CALENDAR_DAYS = KINDS["D5"].length.amount  # B12: replacement within 2 calendar weeks of departure / notification
D6_WORKING_DAYS = KINDS["D6"].length.amount   # B12: replacement for insufficiency within 10 working days
BULK_CHUNK = 200


@dataclass(frozen=True)
class Settings:
    """Where the sourcing space meets part A: the titulaire is the contractor of every mission order."""

    titulaire_id: str = "ctr-titulaire"
    contract_id: str = "AC-2024-AOO-PFI"


def today(clock: Clock) -> dt.date:
    return clock.now().astimezone(PARIS).date()


def _load(docs: DocumentStore, path: str, model, code: str, field: str, **ctx):
    found = docs.get(path)
    if found is None:
        raise DomainError([ErrorDetail.of(field, code, **ctx)])
    return model.model_validate(found.value, strict=False), found.version


def _dump(model) -> dict[str, Any]:
    return model.model_dump(mode="json")


# --- beneficiaries and the pool ----------------------------------------------------------------


def register_beneficiary(beneficiary: Beneficiary, docs: DocumentStore, settings: Settings = Settings()) -> bool:
    """Create or update a beneficiary; it becomes a manager-like tenant served by the titulaire."""

    def attempt() -> bool:
        current = docs.get(paths.beneficiary(beneficiary.beneficiary_id))
        titulaire = docs.get(f"contractors/{settings.titulaire_id}")
        writes = [DocWrite(paths.beneficiary(beneficiary.beneficiary_id), _dump(beneficiary),
                           "update" if current else "create", current.version if current else None),
                  DocWrite(f"managers/{beneficiary.beneficiary_id}", {"name": beneficiary.name, "kind": "beneficiary",
                                                                      "siret": beneficiary.siret}, "set"),
                  # A13: mission orders are issued under the framework contract, held by the titulaire.
                  DocWrite(f"managers/{beneficiary.beneficiary_id}/contracts/{settings.contract_id}",
                           {"contract_id": settings.contract_id, "contractor_id": settings.titulaire_id,
                            "title": "Accord-cadre de services numériques", "status": "active", "lots": []}, "set")]
        served = list((titulaire.value if titulaire else {}).get("managers", []))
        if beneficiary.beneficiary_id not in served:
            data = {**(titulaire.value if titulaire else {"name": "Titulaire de l'accord-cadre"}),
                    "managers": served + [beneficiary.beneficiary_id]}
            writes.append(DocWrite(f"contractors/{settings.titulaire_id}", data,
                                   "update" if titulaire else "create", titulaire.version if titulaire else None))
        if current is not None and current.value == _dump(beneficiary) and len(writes) == 3:
            return False
        docs.commit(writes)
        return current is None

    return with_optimistic_retry(attempt)


def upsert_professional(professional: Professional, docs: DocumentStore) -> str:
    """"created", "updated" or "unchanged"; every change bumps the pool revision atomically."""

    def attempt() -> str:
        path = paths.professional(professional.professional_id)
        current = docs.get(path)
        if current is not None and current.value == _dump(professional):
            return "unchanged"
        docs.commit([DocWrite(path, _dump(professional), "update" if current else "create",
                              current.version if current else None), search_index.bump_revision(docs)])
        return "updated" if current else "created"

    return with_optimistic_retry(attempt)


def import_professionals(raw: bytes, docs: DocumentStore, blobs: BlobStore, clock: Clock) -> dict[str, Any]:
    """JSON Lines, one professional per line: valid lines are stored, every invalid line is
    reported with its line number and errors (nothing silently dropped); the index is rebuilt once."""
    lines: list[dict[str, Any]] = []
    valid: dict[str, Professional] = {}
    for number, text in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not text.strip():
            continue
        root = f"$[{number}]"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            lines.append({"line": number, "status": "rejected",
                          "errors": [_dump(ErrorDetail.of(root, "MALFORMED_JSON", detail=exc.msg))]})
            continue
        model, errors = parse_object(Professional, data, root)
        if model is not None and model.professional_id in valid:
            errors = [ErrorDetail.of(f"{root}.professional_id", "DUPLICATE_VALUE", value=model.professional_id)]
        if errors:
            lines.append({"line": number, "status": "rejected", "errors": [_dump(e) for e in errors]})
            continue
        valid[model.professional_id] = model
        lines.append({"line": number, "status": "accepted", "professional_id": model.professional_id})
    if not valid:
        raise DomainError([ErrorDetail(**e) for line in lines for e in line.get("errors", [])]
                          or [ErrorDetail.of("$", "REQUIRED")])
    pros = list(valid.values())
    changed = 0
    for start in range(0, len(pros), BULK_CHUNK):
        chunk = pros[start:start + BULK_CHUNK]

        def attempt(chunk=chunk) -> int:
            existing = docs.get_many([paths.professional(p.professional_id) for p in chunk])
            writes = [DocWrite(paths.professional(p.professional_id), _dump(p), "set") for p in chunk
                      if existing.get(paths.professional(p.professional_id)) != _dump(p)]
            if writes:
                docs.commit(writes + [search_index.bump_revision(docs)])
            return len(writes)

        changed += with_optimistic_retry(attempt)
    index = search_index.rebuild(docs, blobs, clock) if changed else None
    return {"accepted": len(valid), "rejected": sum(1 for line in lines if line["status"] == "rejected"),
            "changed": changed, "index_revision": index.revision if index else None, "lines": lines}


def pool_statistics(docs: DocumentStore, blobs: BlobStore, clock: Clock) -> dict[str, Any]:
    """B14: active professionals per service type and per administrative region."""
    index = search_index.current(docs, blobs, clock)
    regions = list(Region)
    per_region = {r.value: {"label": REGION_LABELS[r], "count": int((index.region == i).sum())}
                  for i, r in enumerate(regions)}
    per_service = {s.value: int(((index.services & bit) > 0).sum()) for s, bit in scoring._SERVICE_BIT.items()}
    return {"total": len(index), "per_service_type": per_service, "per_region": per_region,
            "index_revision": index.revision, "built_at": index.built_at}


# --- needs -----------------------------------------------------------------------------------


def _d4(beneficiary: Beneficiary, need_id: str, version: int, at: dt.datetime,
        hooks: SourcingDeadlines | None):
    """D4 of one need version, planned once: the need shows its date, the deadline service runs it."""
    return sd.plan_d4(hooks, beneficiary.beneficiary_id, beneficiary.territory, need_id, version, at)


def _need_event(beneficiary_id: str, need_id: str, version: int, now: dt.datetime) -> OutboxMessage:
    event = NeedSubmitted(beneficiary_id=beneficiary_id, need_id=need_id, version=version)
    return OutboxMessage(
        id=f"need-{digest(beneficiary_id, need_id, str(version))[:32]}", topic=paths.NEEDS_TOPIC,
        event_type=EventType.NEED_SUBMITTED, source=f"{paths.SOURCE}/beneficiaries/{beneficiary_id}",
        subject=f"needs/{need_id}/versions/{version}", data=_dump(event), created_at=now, ordering_key=None)


def submit_need(beneficiary_id: str, command: SubmitNeed, docs: DocumentStore, clock: Clock,
                publisher: Publisher | None = None, store: Store | None = None,
                deadlines: SourcingDeadlines | None = None) -> tuple[NeedRecord, bool]:
    """Store version 1, acknowledge it at once (D4 starts) and ask for scoring."""
    beneficiary, _ = _load(docs, paths.beneficiary(beneficiary_id), Beneficiary, "BENEFICIARY_NOT_FOUND", "$",
                           beneficiary_id=beneficiary_id)
    existing = docs.get(paths.need(beneficiary_id, command.need_id))
    if existing is not None:
        first = docs.get(paths.need_version(beneficiary_id, command.need_id, 1))
        if first is not None and first.value == _dump(command.content):
            record = NeedRecord.model_validate(existing.value, strict=False)
            if record.version == 1 and record.d4.stopped_at is None:  # a retry after a failed start opens it
                sd.open_(deadlines, _d4(beneficiary, command.need_id, 1, record.d4.started_at, deadlines))
            return record, False
        raise DomainError([ErrorDetail.of("$.need_id", "NEED_ALREADY_EXISTS", need_id=command.need_id)])
    now = clock.now()
    d4 = _d4(beneficiary, command.need_id, 1, now, deadlines)
    record = NeedRecord(need_id=command.need_id, beneficiary_id=beneficiary_id, version=1,
                        status=NeedStatus.ACKNOWLEDGED, title=command.content.title, submitted_at=now, updated_at=now,
                        d4=sd.on_document(d4),
                        history=[{"version": 1, "status": NeedStatus.ACKNOWLEDGED.value, "at": now.isoformat()}])
    message = _need_event(beneficiary_id, command.need_id, 1, now)
    try:
        docs.commit([DocWrite(paths.need(beneficiary_id, command.need_id), _dump(record)),
                     DocWrite(paths.need_version(beneficiary_id, command.need_id, 1), _dump(command.content))],
                    [message])
    except ConcurrencyConflict:
        return submit_need(beneficiary_id, command, docs, clock, publisher, store, deadlines)
    sd.open_(deadlines, d4)
    _dispatch(store, publisher, clock, [message])
    return record, True


def _dispatch(store: Store | None, publisher: Publisher | None, clock: Clock, messages: list[OutboxMessage]) -> None:
    if store is not None and publisher is not None and messages:
        outbox.dispatch(store, publisher, clock, messages)


def score_need(event: NeedSubmitted, docs: DocumentStore, blobs: BlobStore, clock: Clock,
               weights: dict[str, float] | None = None) -> dict[str, Any] | None:
    """score_candidates: rank the pool for one need version and keep the result (idempotent)."""
    need = docs.get(paths.need(event.beneficiary_id, event.need_id))
    if need is None:
        log.warning("need to score not found", extra={"need_id": event.need_id})
        return None
    existing = docs.get(paths.result(event.beneficiary_id, event.need_id, event.version))
    if existing is not None:
        return existing.value
    content_doc = docs.get(paths.need_version(event.beneficiary_id, event.need_id, event.version))
    if content_doc is None:
        log.warning("need version to score not found", extra={"need_id": event.need_id, "version": event.version})
        return None
    content = NeedContent.model_validate(content_doc.value, strict=False)
    index = search_index.current(docs, blobs, clock)
    ranking = scoring.rank(index, content, event.need_id, event.version, weights=weights or scoring.DEFAULT_WEIGHTS)
    result = {"need_id": event.need_id, "version": event.version, "scored_at": clock.now().isoformat(),
              "index_revision": index.revision, **ranking.as_dict()}

    def attempt() -> None:
        current = docs.get(paths.need(event.beneficiary_id, event.need_id))
        record = NeedRecord.model_validate(current.value, strict=False)
        writes = [DocWrite(paths.result(event.beneficiary_id, event.need_id, event.version), result)]
        if record.version == event.version and record.status is NeedStatus.ACKNOWLEDGED:
            now = clock.now()
            moved = record.model_copy(update={"status": NeedStatus.SCORED, "updated_at": now, "history": [
                *record.history, {"version": event.version, "status": NeedStatus.SCORED.value, "at": now.isoformat(),
                                  "partial": ranking.partial, "full_matches": ranking.full_matches}]})
            writes.append(DocWrite(paths.need(event.beneficiary_id, event.need_id), _dump(moved), "update",
                                   current.version))
        docs.commit(writes)

    try:
        with_optimistic_retry(attempt)
    except ConcurrencyConflict:
        pass
    log.info("need scored", extra={"need_id": event.need_id, "version": event.version, "pool": ranking.pool_size,
                                   "partial": ranking.partial})
    return docs.get(paths.result(event.beneficiary_id, event.need_id, event.version)).value


def propose(command: ProposeProfessionals, docs: DocumentStore, clock: Clock,
            deadlines: SourcingDeadlines | None = None) -> NeedRecord:
    """The operator proposes professionals from the ranked result; D4 stops at the first proposal."""

    def attempt() -> NeedRecord:
        b, n = command.beneficiary_id, command.need_id
        record, version = _load(docs, paths.need(b, n), NeedRecord, "NEED_NOT_FOUND", "$.need_id", need_id=n)
        if record.version != command.version:
            raise DomainError([ErrorDetail.of("$.version", "NEED_VERSION_OUTDATED", version=command.version,
                                              current=record.version)])
        result = docs.get(paths.result(b, n, command.version))
        if result is None:
            raise DomainError([ErrorDetail.of("$.version", "RESULT_NOT_READY", version=command.version)])
        require_move(record.status, NeedStatus.PROPOSED, SourcingActor.OPERATOR, "$.need_id")
        ranked = {c["professional_id"]: c for c in result.value["candidates"]}
        errors, proposals = [], []
        for i, p in enumerate(command.proposals):
            if p.professional_id not in ranked:
                errors.append(ErrorDetail.of(f"$.proposals[{i}].professional_id", "PROFESSIONAL_NOT_RANKED",
                                             professional_id=p.professional_id))
                continue
            if p.guaranteed_until < today(clock):
                errors.append(ErrorDetail.of(f"$.proposals[{i}].guaranteed_until", "GUARANTEE_IN_PAST",
                                             date=p.guaranteed_until.isoformat()))
            c = ranked[p.professional_id]
            proposals.append(Proposal(professional_id=p.professional_id, name=c["name"], rank=c["rank"],
                                      total=c["total"], partial=c["partial"], missed=c["missed"],
                                      explanation=c["explanation"], daily_rate_cents=c["daily_rate_cents"],
                                      guaranteed_until=p.guaranteed_until))
        if errors:
            raise DomainError(errors)
        now = clock.now()
        d4 = sd.stopped(record.d4, now)
        moved = record.model_copy(update={
            "status": NeedStatus.PROPOSED, "proposals": sorted(proposals, key=lambda p: p.rank), "d4": d4,
            "updated_at": now, "history": [*record.history, {"version": record.version, "status": "proposed",
                                                             "at": now.isoformat()}]})
        docs.commit([DocWrite(paths.need(b, n), _dump(moved), "update", version)])
        return moved

    moved = with_optimistic_retry(attempt)
    sd.stop(deadlines, command.beneficiary_id, moved.d4, moved.d4.stopped_at,
            f"needs/{command.need_id}/versions/{command.version}/proposals")
    return moved


def decide(beneficiary_id: str, command: DecideProposal, docs: DocumentStore, clock: Clock,
           publisher: Publisher | None = None, store: Store | None = None,
           deadlines: SourcingDeadlines | None = None) -> NeedRecord:
    """Accept one proposal, refuse and abandon, or refuse, edit and relaunch (a new version)."""
    messages: list[OutboxMessage] = []
    opened = []

    def attempt() -> NeedRecord:
        messages.clear()
        opened.clear()
        b, n = beneficiary_id, command.need_id
        record, version = _load(docs, paths.need(b, n), NeedRecord, "NEED_NOT_FOUND", "$.need_id", need_id=n)
        if record.version != command.version:
            raise DomainError([ErrorDetail.of("$.version", "NEED_VERSION_OUTDATED", version=command.version,
                                              current=record.version)])
        now = clock.now()
        entry = {"version": record.version, "at": now.isoformat(), "decision": command.decision.value,
                 "reason": command.reason}
        if command.decision is ProposalDecision.ACCEPT:
            require_move(record.status, NeedStatus.ACCEPTED, SourcingActor.BENEFICIARY)
            if command.professional_id not in {p.professional_id for p in record.proposals}:
                raise DomainError([ErrorDetail.of("$.professional_id", "NOT_PROPOSED",
                                                  professional_id=command.professional_id)])
            proposals = [p.model_copy(update={"status": ProposalStatus.ACCEPTED if p.professional_id ==
                                              command.professional_id else ProposalStatus.REFUSED})
                         for p in record.proposals]
            moved = record.model_copy(update={"status": NeedStatus.ACCEPTED, "proposals": proposals,
                                              "accepted_professional_id": command.professional_id, "updated_at": now,
                                              "history": [*record.history, {**entry, "status": "accepted",
                                                                            "professional_id": command.professional_id}]})
            docs.commit([DocWrite(paths.need(b, n), _dump(moved), "update", version)])
            return moved
        if command.decision is ProposalDecision.ABANDON:
            require_move(record.status, NeedStatus.ABANDONED, SourcingActor.BENEFICIARY)
            proposals = [p.model_copy(update={"status": ProposalStatus.REFUSED}) for p in record.proposals]
            moved = record.model_copy(update={"status": NeedStatus.ABANDONED, "proposals": proposals,
                                              "updated_at": now, "history": [*record.history,
                                                                             {**entry, "status": "abandoned"}]})
            docs.commit([DocWrite(paths.need(b, n), _dump(moved), "update", version)])
            return moved
        require_move(record.status, NeedStatus.ACKNOWLEDGED, SourcingActor.BENEFICIARY)
        beneficiary, _ = _load(docs, paths.beneficiary(b), Beneficiary, "BENEFICIARY_NOT_FOUND", "$",
                               beneficiary_id=b)
        new_version = record.version + 1
        refused = [_dump(p.model_copy(update={"status": ProposalStatus.REFUSED})) for p in record.proposals]
        d4 = _d4(beneficiary, n, new_version, now, deadlines)
        opened.append(d4)
        moved = record.model_copy(update={
            "version": new_version, "status": NeedStatus.ACKNOWLEDGED, "title": command.content.title,
            "proposals": [], "d4": sd.on_document(d4), "updated_at": now,
            "history": [*record.history, {**entry, "status": "refused", "refused": refused},
                        {"version": new_version, "status": "acknowledged", "at": now.isoformat()}]})
        message = _need_event(b, n, new_version, now)
        messages.append(message)
        docs.commit([DocWrite(paths.need(b, n), _dump(moved), "update", version),
                     DocWrite(paths.need_version(b, n, new_version), _dump(command.content))], [message])
        return moved

    moved = with_optimistic_retry(attempt)
    for d4 in opened:  # a relaunch: the new version's D4
        sd.open_(deadlines, d4)
    _dispatch(store, publisher, clock, messages)
    return moved


def read_need(beneficiary_id: str, need_id: str, docs: DocumentStore) -> dict[str, Any]:
    """The need with every version's content and result (a beneficiary sees only its own)."""
    record, _ = _load(docs, paths.need(beneficiary_id, need_id), NeedRecord, "NEED_NOT_FOUND", "$.need_id",
                      need_id=need_id)
    versions = []
    for v in range(1, record.version + 1):
        content = docs.get(paths.need_version(beneficiary_id, need_id, v))
        result = docs.get(paths.result(beneficiary_id, need_id, v))
        versions.append({"version": v, "content": content.value if content else None,
                         "result": result.value if result else None})
    return {**_dump(record), "versions": versions}


# --- missions and their orders -----------------------------------------------------------------


def mission_id_for(need_id: str) -> str:
    return f"{need_id}-mission"[:64]


def order_id_for(need_id: str) -> str:
    return f"BC-{need_id}"[:64]


def frame_mission(beneficiary_id: str, command: FrameMission, docs: DocumentStore, store: Store, clock: Clock,
                  publisher: Publisher | None = None, settings: Settings = Settings()) -> Mission:
    """Conflict declaration if required (B13), mission framed, then its order issued through
    part A's receive_order (the beneficiary is the order's manager, the titulaire its contractor)."""
    b, n = beneficiary_id, command.need_id
    beneficiary, _ = _load(docs, paths.beneficiary(b), Beneficiary, "BENEFICIARY_NOT_FOUND", "$", beneficiary_id=b)
    record, version = _load(docs, paths.need(b, n), NeedRecord, "NEED_NOT_FOUND", "$.need_id", need_id=n)
    mission_path = paths.mission(b, mission_id_for(n))
    existing = docs.get(mission_path)
    if existing is not None:
        mission = Mission.model_validate(existing.value, strict=False)
        if _framing(mission) != _framing_of(command):
            raise DomainError([ErrorDetail.of("$.need_id", "MISSION_ALREADY_EXISTS")])
    else:
        require_move(record.status, NeedStatus.MISSION_FRAMED, SourcingActor.BENEFICIARY, "$.need_id")
        errors = []
        declaration = command.conflict_declaration
        if beneficiary.requires_conflict_declaration and declaration is None:
            errors.append(ErrorDetail.of("$.conflict_declaration", "CONFLICT_DECLARATION_REQUIRED"))
        if declaration is not None and not declaration.no_conflict:
            errors.append(ErrorDetail.of("$.conflict_declaration.no_conflict", "CONFLICT_OF_INTEREST_DECLARED"))
        for i, m in enumerate(command.milestones):
            if not command.start_date <= m.due <= command.end_date:
                errors.append(ErrorDetail.of(f"$.milestones[{i}].due", "MILESTONE_OUTSIDE_MISSION", due=m.due.isoformat(),
                                             start=command.start_date.isoformat(), end=command.end_date.isoformat()))
        if errors:
            raise DomainError(errors)
        professional, _ = _load(docs, paths.professional(record.accepted_professional_id), Professional,
                                "PROFESSIONAL_NOT_FOUND", "$", professional_id=record.accepted_professional_id)
        content = NeedContent.model_validate(docs.get(paths.need_version(b, n, record.version)).value, strict=False)
        days = sum(m.days for m in command.milestones)
        extra = _extra_per_day(professional, content)
        now = clock.now()
        mission = Mission(
            mission_id=mission_id_for(n), beneficiary_id=b, need_id=n, need_version=record.version,
            professional_id=professional.professional_id, profile_category=professional.profile_category,
            level=professional.level, service_type=content.nature, daily_rate_cents=professional.daily_rate_cents,
            extra_costs=professional.extra_costs, start_date=command.start_date, end_date=command.end_date,
            deliverables=list(command.deliverables),
            milestones=[Milestone(**m.model_dump()) for m in command.milestones],
            planned_budget_cents=days * (professional.daily_rate_cents + extra),
            conflict_declaration=declaration, order_id=order_id_for(n), framed_at=now)
        moved = record.model_copy(update={"status": NeedStatus.MISSION_FRAMED, "mission_id": mission.mission_id,
                                          "updated_at": now, "history": [*record.history, {
                                              "version": record.version, "status": "mission_framed",
                                              "at": now.isoformat()}]})
        try:
            docs.commit([DocWrite(mission_path, _dump(mission)),
                         DocWrite(paths.need(b, n), _dump(moved), "update", version)])
        except ConcurrencyConflict:
            return frame_mission(beneficiary_id, command, docs, store, clock, publisher, settings)
    order_service.receive_order(b, issue_order_for(mission, record.title, content_place(docs, mission), clock, settings),
                                store, clock, publisher)
    return mission


def content_place(docs: DocumentStore, mission: Mission) -> NeedContent:
    found = docs.get(paths.need_version(mission.beneficiary_id, mission.need_id, mission.need_version))
    return NeedContent.model_validate(found.value, strict=False)


def _extra_per_day(professional: Professional, content: NeedContent) -> int:
    if content.work_mode is WorkMode.REMOTE:
        return 0
    costs = professional.extra_costs
    return costs.travel_cents + costs.lodging_cents + costs.meals_cents


def issue_order_for(mission: Mission, title: str, content: NeedContent, clock: Clock,
                    settings: Settings = Settings()) -> IssueOrder:
    """The order (bon de commande) of a mission: one line per milestone at the daily rate, plus
    the extra costs per day when the mission is not fully remote. Deterministic: re-issuing
    the same mission gives the same order, which receive_order treats as a redelivery."""
    lines = [OrderLine(line_id=m.milestone_id, service_code=mission.profile_category,
                       label=f"{m.label} (jalon, échéance {m.due.isoformat()})", quantity=Decimal(m.days), unit="j",
                       unit_price_cents=mission.daily_rate_cents) for m in mission.milestones]
    extra = (0 if content.work_mode is WorkMode.REMOTE else
             mission.extra_costs.travel_cents + mission.extra_costs.lodging_cents + mission.extra_costs.meals_cents)
    if extra:
        lines.append(OrderLine(line_id="frais-annexes", service_code="FRAIS",
                               label="Frais annexes (déplacement, hébergement, repas) par jour",
                               quantity=Decimal(sum(m.days for m in mission.milestones)), unit="j",
                               unit_price_cents=extra))
    issued = dt.datetime.combine(mission.framed_at.astimezone(PARIS).date(), dt.time(0), tzinfo=PARIS)
    return IssueOrder(
        order_id=mission.order_id, contract_id=settings.contract_id, contractor_id=settings.titulaire_id,
        title=f"Mission : {title}"[:500],
        description=(f"Professionnel {mission.professional_id} ({mission.profile_category}, {mission.level.value}), "
                     f"{mission.service_type.value}. Livrables : {'; '.join(mission.deliverables)}")[:5000],
        site=SiteRef(node_id=mission.beneficiary_id, label=REGION_LABELS[content.region],
                     address=f"Mission {content.work_mode.value}"),
        lines=lines, issued_at=issued.astimezone(dt.UTC), requested_start=mission.start_date,
        requested_end=mission.end_date)


def _framing(m: Mission) -> dict[str, Any]:
    return {"start_date": m.start_date.isoformat(), "end_date": m.end_date.isoformat(),
            "milestones": [mm.model_dump(mode="json") for mm in m.milestones], "deliverables": list(m.deliverables)}


def _framing_of(c: FrameMission) -> dict[str, Any]:
    return {"start_date": c.start_date.isoformat(), "end_date": c.end_date.isoformat(),
            "milestones": [mm.model_dump(mode="json") for mm in c.milestones], "deliverables": list(c.deliverables)}


def read_mission(beneficiary_id: str, mission_id: str, docs: DocumentStore, store: Store) -> dict[str, Any]:
    """The mission with its order's live state and the budget consumed vs planned (B11):
    consumed = the amount of the order lines (milestones) reported done."""
    mission, _ = _load(docs, paths.mission(beneficiary_id, mission_id), Mission, "MISSION_NOT_FOUND", "$.mission_id",
                       mission_id=mission_id)
    order = store.get_order(beneficiary_id, mission.order_id)
    body = _dump(mission)
    if order is not None:
        o = order.value
        consumed = sum(line.amount_cents for line in o.lines if o.line_status.get(line.line_id))
        body["order"] = {"order_id": o.order_id, "state": o.state.value, "total_cents": o.total_cents,
                         "progress": o.progress, "invoice_date": o.invoice_date.isoformat() if o.invoice_date else None}
        body["budget"] = {"planned_cents": mission.planned_budget_cents, "ordered_cents": o.total_cents,
                          "consumed_cents": consumed, "remaining_cents": o.total_cents - consumed}
    return body


# --- replacement (B12) -------------------------------------------------------------------------


def request_replacement(beneficiary_id: str, command: RequestReplacement, actor: SourcingActor,
                        docs: DocumentStore, clock: Clock, deadlines: SourcingDeadlines | None = None) -> Mission:
    opened = []

    def attempt() -> Mission:
        opened.clear()
        mission, version = _load(docs, paths.mission(beneficiary_id, command.mission_id), Mission,
                                 "MISSION_NOT_FOUND", "$.mission_id", mission_id=command.mission_id)
        if mission.state is MissionState.REPLACEMENT_REQUESTED:
            raise DomainError([ErrorDetail.of("$.mission_id", "REPLACEMENT_ALREADY_REQUESTED")])
        if mission.state is MissionState.ENDED:
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_ENDED")])
        beneficiary, _ = _load(docs, paths.beneficiary(beneficiary_id), Beneficiary, "BENEFICIARY_NOT_FOUND", "$",
                               beneficiary_id=beneficiary_id)
        now = clock.now()
        fields: dict[str, Any] = {}
        index, territory = len(mission.replacements), beneficiary.territory
        ref = f"missions/{mission.mission_id}/replacements/{index}"
        if command.reason is ReplacementReason.DEPARTURE:
            notice = notice_period(mission.start_date, mission.end_date, command.notified_on)
            start = command.notified_on if command.planned else command.departure_date
            # D5 counts 14 calendar days from the departure (or its notification when planned).
            planned = sd.plan_replacement(deadlines, "D5", beneficiary_id, territory, mission.mission_id, index,
                                          sd.start_of(start, territory), ref)
            fields = {"departure_date": command.departure_date, "planned": command.planned,
                      "notified_on": command.notified_on, "notice_days": notice.days, "notice_label": notice.label,
                      "notice_respected": (command.departure_date - command.notified_on).days >= notice.days
                      if command.planned else None}
        else:
            planned = sd.plan_replacement(deadlines, "D6", beneficiary_id, territory, mission.mission_id, index, now, ref)
        opened.append(planned)
        replacement = Replacement(reason=command.reason, requested_at=now, deadline=sd.on_document(planned),
                                  leaving_professional_id=mission.professional_id, **fields)
        moved = mission.model_copy(update={"state": MissionState.REPLACEMENT_REQUESTED,
                                           "replacements": [*mission.replacements, replacement]})
        docs.commit([DocWrite(paths.mission(beneficiary_id, mission.mission_id), _dump(moved), "update", version)])
        return moved

    moved = with_optimistic_retry(attempt)
    for d in opened:
        sd.open_(deadlines, d)
    return moved


def propose_replacement(command: ProposeReplacement, docs: DocumentStore, clock: Clock,
                        deadlines: SourcingDeadlines | None = None) -> Mission:
    def attempt() -> Mission:
        b = command.beneficiary_id
        mission, version = _load(docs, paths.mission(b, command.mission_id), Mission, "MISSION_NOT_FOUND",
                                 "$.mission_id", mission_id=command.mission_id)
        if mission.state is not MissionState.REPLACEMENT_REQUESTED:
            raise DomainError([ErrorDetail.of("$.mission_id", "NO_REPLACEMENT_REQUESTED")])
        candidate, _ = _load(docs, paths.professional(command.professional_id), Professional,
                             "PROFESSIONAL_NOT_FOUND", "$.professional_id", professional_id=command.professional_id)
        errors = replacement_errors(mission, candidate)
        if errors:
            raise DomainError(errors)
        now = clock.now()
        last = mission.replacements[-1]
        done = last.model_copy(update={"replaced_by": candidate.professional_id, "replaced_at": now,
                                       "deadline": sd.stopped(last.deadline, now)})
        moved = mission.model_copy(update={"state": MissionState.ORDERED, "professional_id": candidate.professional_id,
                                           "replacements": [*mission.replacements[:-1], done]})
        docs.commit([DocWrite(paths.mission(b, mission.mission_id), _dump(moved), "update", version)])
        return moved

    moved = with_optimistic_retry(attempt)
    done = moved.replacements[-1]
    sd.stop(deadlines, command.beneficiary_id, done.deadline, done.replaced_at,
            f"missions/{moved.mission_id}/replacements/{len(moved.replacements) - 1}")
    return moved
