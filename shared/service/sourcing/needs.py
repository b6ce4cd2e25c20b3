"""A need's life (B3 search process, B10 search request): submission and relaunch, the operator's
proposals and the beneficiary's decision. The ranked result of each version is written by
``ranking.score_need`` (score_candidates), the only service that loads the scoring (numpy, bm25s).

Each command is one commit: a need version with its D4 and the needs-submitted message; a
proposal with D4 stopped; a decision (a relaunch: the new version, its D4 and its message).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.sourcing.messages import (
    DecideProposal, NeedSubmitted, ProposalDecision, ProposeProfessionals, SubmitNeed,
)
from shared.domain.sourcing.process import (
    NeedRecord, NeedStatus, Proposal, ProposalStatus, SourcingActor, require_move,
)
from shared.domain.sourcing.records import Beneficiary, NeedContent
from shared.domain.territories import clock_fields, territory_of_calendar
from shared.ports import Clock, OutboxMessage, UnitOfWork, digest
from shared.service import deadlines
from shared.service.sourcing import deadlines as sd
from shared.service.sourcing import paths
from shared.service.sourcing.paths import Settings, dump, load, today
from shared.service.transaction import transact


def load_need(uow: UnitOfWork, b: str, n: str) -> NeedRecord:
    return load(uow, paths.need(b, n), NeedRecord, "NEED_NOT_FOUND", "$.need_id", need_id=n)


def _beneficiary(uow: UnitOfWork, b: str) -> Beneficiary:
    return paths.load_beneficiary(uow, b)


def _need_event(beneficiary_id: str, need_id: str, version: int, now: dt.datetime) -> OutboxMessage:
    event = NeedSubmitted(beneficiary_id=beneficiary_id, need_id=need_id, version=version)
    return OutboxMessage(
        id=f"need-{digest(beneficiary_id, need_id, str(version))[:32]}", topic=paths.NEEDS_TOPIC,
        event_type=EventType.NEED_SUBMITTED, source=f"{paths.SOURCE}/beneficiaries/{beneficiary_id}",
        subject=f"needs/{need_id}/versions/{version}", data=dump(event), created_at=now, ordering_key=None)


def _new_version(uow: UnitOfWork, beneficiary: Beneficiary, need_id: str, version: int, content: NeedContent,
                 now: dt.datetime, settings: Settings):
    """Buffer a version's content, its D4 and its needs-submitted message; the D4 the need shows."""
    b = beneficiary.beneficiary_id
    d4 = sd.plan_d4(b, beneficiary.territory, need_id, version, now,
                    sd.terms(uow, b, settings, now, beneficiary.territory))
    uow.create(paths.need_version(b, need_id, version), dump(content))
    deadlines.open_deadline(uow, d4, now)
    uow.publish(_need_event(b, need_id, version, now))
    return sd.on_document(d4)


def submit_need(beneficiary_id: str, command: SubmitNeed, uow: UnitOfWork, clock: Clock,
                settings: Settings = Settings()) -> tuple[NeedRecord, bool]:
    """Store version 1, acknowledge it at once (D4 starts) and ask for scoring, in one commit.
    Submitting the same need again answers the stored record (False); another need under the
    same id is refused."""

    def attempt() -> tuple[NeedRecord, bool]:
        b, n = beneficiary_id, command.need_id
        beneficiary = _beneficiary(uow, b)
        found = uow.get_all([paths.need(b, n), paths.need_version(b, n, 1)])
        if paths.need(b, n) in found:
            if found.get(paths.need_version(b, n, 1)) != dump(command.content):
                raise DomainError([ErrorDetail.of("$.need_id", "NEED_ALREADY_EXISTS", need_id=n)])
            record = NeedRecord.model_validate(found[paths.need(b, n)], strict=False)
            if record.version == 1 and record.d4.stopped_at is None:  # a need stored before its D4: opened now
                deadlines.open_deadline(uow, sd.plan_d4(b, beneficiary.territory, n, 1, record.d4.started_at,
                                                        sd.terms(uow, b, settings, record.d4.started_at,
                                                                 beneficiary.territory)), clock.now())
            return record, False
        now = clock.now()
        d4 = _new_version(uow, beneficiary, n, 1, command.content, now, settings)
        record = NeedRecord(need_id=n, beneficiary_id=b, version=1, status=NeedStatus.ACKNOWLEDGED,
                            title=command.content.title, submitted_at=now, updated_at=now, d4=d4,
                            history=[{"version": 1, "status": NeedStatus.ACKNOWLEDGED.value, "at": now.isoformat()}])
        uow.create(paths.need(b, n), dump(record))
        return record, True

    return transact(uow, attempt)


def propose(command: ProposeProfessionals, uow: UnitOfWork, clock: Clock) -> NeedRecord:
    """The operator proposes professionals from the ranked result; D4 stops at the first proposal,
    in the same commit."""

    def attempt() -> NeedRecord:
        b, n = command.beneficiary_id, command.need_id
        record = load_need(uow, b, n)
        if record.version != command.version:
            raise DomainError([ErrorDetail.of("$.version", "NEED_VERSION_OUTDATED", version=command.version,
                                              current=record.version)])
        result = uow.get(paths.result(b, n, command.version))
        if result is None:
            raise DomainError([ErrorDetail.of("$.version", "RESULT_NOT_READY", version=command.version)])
        require_move(record.status, NeedStatus.PROPOSED, SourcingActor.OPERATOR, "$.need_id")
        ranked = {c["professional_id"]: c for c in result["candidates"]}
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
        moved = record.model_copy(update={
            "status": NeedStatus.PROPOSED, "proposals": sorted(proposals, key=lambda p: p.rank),
            "d4": sd.stopped(record.d4, now), "updated_at": now,
            "history": [*record.history, {"version": record.version, "status": "proposed", "at": now.isoformat()}]})
        uow.update(paths.need(b, n), dump(moved))
        sd.stop(uow, b, moved.d4, now, f"needs/{n}/versions/{command.version}/proposals", now)
        return moved

    return transact(uow, attempt)


def decide(beneficiary_id: str, command: DecideProposal, uow: UnitOfWork, clock: Clock,
           settings: Settings = Settings()) -> NeedRecord:
    """Accept one proposal, refuse and abandon, or refuse, edit and relaunch (a new version, its D4
    and its needs-submitted message in the decision's commit)."""

    def attempt() -> NeedRecord:
        b, n = beneficiary_id, command.need_id
        record = load_need(uow, b, n)
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
        elif command.decision is ProposalDecision.ABANDON:
            require_move(record.status, NeedStatus.ABANDONED, SourcingActor.BENEFICIARY)
            proposals = [p.model_copy(update={"status": ProposalStatus.REFUSED}) for p in record.proposals]
            moved = record.model_copy(update={"status": NeedStatus.ABANDONED, "proposals": proposals,
                                              "updated_at": now, "history": [*record.history,
                                                                             {**entry, "status": "abandoned"}]})
        else:
            require_move(record.status, NeedStatus.ACKNOWLEDGED, SourcingActor.BENEFICIARY)
            new_version = record.version + 1
            refused = [dump(p.model_copy(update={"status": ProposalStatus.REFUSED})) for p in record.proposals]
            d4 = _new_version(uow, _beneficiary(uow, b), n, new_version, command.content, now, settings)
            moved = record.model_copy(update={
                "version": new_version, "status": NeedStatus.ACKNOWLEDGED, "title": command.content.title,
                "proposals": [], "d4": d4, "updated_at": now,
                "history": [*record.history, {**entry, "status": "refused", "refused": refused},
                            {"version": new_version, "status": "acknowledged", "at": now.isoformat()}]})
        uow.update(paths.need(b, n), dump(moved))
        return moved

    return transact(uow, attempt)


def read_need(beneficiary_id: str, need_id: str, uow: UnitOfWork) -> dict[str, Any]:
    """The need with every version's content and result (a beneficiary sees only its own), and whether its
    beneficiary must sign the conflict-of-interest declaration to frame the mission (B13)."""
    record = load_need(uow.fork(), beneficiary_id, need_id)
    # B11: its mission by its title, its order's (« Mission : <the need's title> »), read in the same batch
    order = [paths.mission_order(beneficiary_id, need_id)] if record.mission_id else []
    # The need is read again (a fork: nothing cached) in the batch of its versions and results, one snapshot: a
    # scoring committed between the two reads would otherwise show a version's result beside the status before it.
    # (A relaunch between them adds a version: read again with it.)
    while True:
        versions = range(1, record.version + 1)
        found = uow.fork().get_all([paths.need(beneficiary_id, need_id), paths.beneficiary(beneficiary_id), *order] + [
            p for v in versions for p in (paths.need_version(beneficiary_id, need_id, v),
                                          paths.result(beneficiary_id, need_id, v))])
        again = found.get(paths.need(beneficiary_id, need_id))
        if again is None:
            break
        before, record = record, NeedRecord.model_validate(again, strict=False)
        if record.version == before.version:
            break
    beneficiary = found.get(paths.beneficiary(beneficiary_id)) or {}
    # B18: the clock of the territory its D4 counted in (its record's), else its beneficiary's (read in this batch)
    clock = clock_fields(territory_of_calendar(record.d4.calendar) or beneficiary.get("territory"))
    return {**dump(record), **clock, "versions": [
        {"version": v, "content": found.get(paths.need_version(beneficiary_id, need_id, v)),
         "result": found.get(paths.result(beneficiary_id, need_id, v))} for v in versions],
        "conflict_declaration_required": bool(beneficiary.get("requires_conflict_declaration", False)),
        "mission_title": _mission_title(found.get(order[0]) if order else None, record.mission_id)}


def _mission_title(order: dict[str, Any] | None, mission_id: str | None) -> str | None:
    """The title of the need's mission's order (``paths.mission_order``), unless that order names another mission (an
    order stored before orders kept their ``mission_id`` names none: it is the mission's, by its id)."""
    title = (order or {}).get("title")
    if not mission_id or (order or {}).get("mission_id") not in (None, mission_id) or not isinstance(title, str):
        return None
    return title.strip() or None
