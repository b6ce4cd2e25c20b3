"""B12 replacement of a professional: the request opens D5 (departure) or D6 (insufficiency), the
equivalent replacement stops it — each in the mission's commit (docs/penalties.md), with its message to the
titulaire on ``orders-<titulaire>`` (``fr.passerelle.mission.replacement_requested.v1``, then
``fr.passerelle.mission.professional_replaced.v1``). A request or a proposal sent again is refused and sends
nothing; each message's id is one per replacement of the mission, so a retried commit tells no one twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared import topology
from shared.domain.deadlines import KINDS
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.sourcing.messages import (
    MissionProfessionalReplaced, MissionReplacementRequested, ProposeReplacement, RequestReplacement,
)
from shared.domain.sourcing.process import (
    Mission, MissionState, Replacement, ReplacementReason, SourcingActor, notice_period,
    replacement_errors, replacement_first_day,
)
from shared.domain.list_limits import MAX_ROWS
from shared.domain.sourcing.records import Professional
from shared.domain.territories import clock_fields, territory_of_calendar
from shared.domain.sourcing.views import (
    AwaitingReplacement, AwaitingReplacementList, ReplacementCandidate, ReplacementCandidateList, ReplacementPreview,
)
from shared.ports import BlobStore, Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import deadlines, order_store
from shared.service.sourcing import deadlines as sd
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths
from shared.service.sourcing.mission_store import load_mission
from shared.service.sourcing.paths import Settings, dump, load
from shared.service.transaction import transact

# One message id per replacement of a mission and event type: mission-<kind>-<hash of beneficiary, mission, index>.
ID_PREFIXES = {EventType.MISSION_REPLACEMENT_REQUESTED: "replacement-requested",
               EventType.MISSION_PROFESSIONAL_REPLACED: "professional-replaced"}
SCAN = 1000  # missions awaiting a replacement read at most before sorting

# Read from the deadline catalogue (shared/domain/deadlines.py KINDS), the one place it lives.
D5_CALENDAR_DAYS = KINDS["D5"].length.amount  # B12: replacement within 2 calendar weeks of departure / notification


def request_replacement(beneficiary_id: str, command: RequestReplacement, actor: SourcingActor, uow: UnitOfWork,
                        clock: Clock, settings: Settings = Settings()) -> Mission:
    """The mission awaits a replacement; D5 (from the departure, or its notification when planned,
    with the B12 notice recorded) or D6 (from now) is opened in the same commit."""

    def attempt() -> Mission:
        mission = load_mission(uow, beneficiary_id, command.mission_id)
        if mission.state is MissionState.REPLACEMENT_REQUESTED:
            raise DomainError([ErrorDetail.of("$.mission_id", "REPLACEMENT_ALREADY_REQUESTED")])
        if mission.state is MissionState.ENDED:
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_ENDED")])
        beneficiary = paths.load_beneficiary(uow, beneficiary_id)
        now = clock.now()
        fields: dict[str, Any] = {}
        index, territory = len(mission.replacements), beneficiary.territory
        ref = f"missions/{mission.mission_id}/replacements/{index}"
        if command.reason is ReplacementReason.DEPARTURE:
            notice = notice_period(mission.start_date, mission.end_date, command.notified_on)
            start = sd.start_of(command.notified_on if command.planned else command.departure_date, territory)
            # D5 counts 14 calendar days from the departure (or its notification when planned).
            planned = sd.plan_replacement("D5", beneficiary_id, territory, mission.mission_id, index, start, ref,
                                          sd.terms(uow, beneficiary_id, settings, start, territory))
            fields = {"departure_date": command.departure_date, "planned": command.planned,
                      "notified_on": command.notified_on, "notice_days": notice.days, "notice_label": notice.label,
                      "notice_respected": (command.departure_date - command.notified_on).days >= notice.days
                      if command.planned else None}
        else:
            planned = plan_d6(uow, mission, territory, now, settings)
        replacement = Replacement(reason=command.reason, requested_at=now, deadline=sd.on_document(planned),
                                  leaving_professional_id=mission.professional_id, **fields)
        moved = mission.model_copy(update={"state": MissionState.REPLACEMENT_REQUESTED,
                                           "replacements": [*mission.replacements, replacement]})
        uow.update(paths.mission(beneficiary_id, mission.mission_id), dump(moved))
        deadlines.open_deadline(uow, planned, now)
        told = MissionReplacementRequested(
            manager_id=beneficiary_id, order_id=mission.order_id, mission_id=mission.mission_id,
            replacement_index=index, reason=replacement.reason,
            leaving_professional_id=replacement.leaving_professional_id,
            departure_date=replacement.departure_date, planned=replacement.planned,
            notified_on=replacement.notified_on, requested_at=now, deadline=replacement.deadline.code,
            due=replacement.deadline.due, due_at=replacement.deadline.due_at)
        _tell_titulaire(uow, mission, index, EventType.MISSION_REPLACEMENT_REQUESTED, told.model_dump(mode="json"),
                        now, settings)
        return moved

    return transact(uow, attempt)


def plan_d6(uow: UnitOfWork, mission: Mission, territory: str, now: dt.datetime, settings: Settings):
    """D6 of the mission's next replacement, asked at ``now``: 10 working days on the territory's calendar, or what
    the agreement's terms in force state. The one rule of the request and of its preview (``d6_preview``)."""
    b, index = mission.beneficiary_id, len(mission.replacements)
    return sd.plan_replacement("D6", b, territory, mission.mission_id, index, now,
                               f"missions/{mission.mission_id}/replacements/{index}",
                               sd.terms(uow, b, settings, now, territory))


def d6_preview(uow: UnitOfWork, mission: Mission, clock: Clock, settings: Settings = Settings()) -> dict[str, Any] | None:
    """What the beneficiary's request form shows before it is sent (B12): the D6 due day of a replacement for
    insufficiency asked now, planned exactly as ``request_replacement`` would (nothing stored). None while a
    replacement is already awaited or once the mission ended."""
    if mission.state is not MissionState.ORDERED:
        return None
    beneficiary = paths.load_beneficiary(uow, mission.beneficiary_id)
    now = clock.now()
    shown = sd.on_document(plan_d6(uow, mission, beneficiary.territory, now, settings))
    return ReplacementPreview(code=shown.code, as_of=now, due=shown.due, due_at=shown.due_at,
                              territory=beneficiary.territory).model_dump(mode="json")


def propose_replacement(command: ProposeReplacement, uow: UnitOfWork, clock: Clock,
                        settings: Settings = Settings()) -> Mission:
    """The operator names an equivalent professional (checked by ``replacement_errors``, available
    from ``replacement_first_day`` to the mission's end); the mission's D5 or D6 stops in the same commit."""

    def attempt() -> Mission:
        b = command.beneficiary_id
        mission = load_mission(uow, b, command.mission_id)
        if mission.state is not MissionState.REPLACEMENT_REQUESTED:
            raise DomainError([ErrorDetail.of("$.mission_id", "NO_REPLACEMENT_REQUESTED")])
        candidate = load(uow, paths.professional(command.professional_id), Professional, "PROFESSIONAL_NOT_FOUND",
                         "$.professional_id", professional_id=command.professional_id)
        last = mission.replacements[-1]
        # Available from the replacement's first day (start, departure or today in Paris) to the mission's end.
        first_day = replacement_first_day(mission, last, paths.today(clock))
        errors = replacement_errors(mission, candidate, first_day)
        if errors:
            raise DomainError(errors)
        now = clock.now()
        done = last.model_copy(update={"replaced_by": candidate.professional_id, "replaced_at": now,
                                       "deadline": sd.stopped(last.deadline, now)})
        moved = mission.model_copy(update={"state": MissionState.ORDERED, "professional_id": candidate.professional_id,
                                           "replacements": [*mission.replacements[:-1], done]})
        index = len(moved.replacements) - 1
        uow.update(paths.mission(b, mission.mission_id), dump(moved))
        sd.stop(uow, b, done.deadline, now, f"missions/{mission.mission_id}/replacements/{index}", now)
        told = MissionProfessionalReplaced(
            manager_id=b, order_id=mission.order_id, mission_id=mission.mission_id, replacement_index=index,
            reason=done.reason, leaving_professional_id=done.leaving_professional_id,
            arriving_professional_id=candidate.professional_id, replaced_at=now, deadline=done.deadline.code,
            due=done.deadline.due, met=bool(done.deadline.met))
        _tell_titulaire(uow, mission, index, EventType.MISSION_PROFESSIONAL_REPLACED, told.model_dump(mode="json"),
                        now, settings)
        return moved

    return transact(uow, attempt)


def _tell_titulaire(uow: UnitOfWork, mission: Mission, index: int, event_type: EventType, data: dict[str, Any],
                    now: dt.datetime, settings: Settings) -> None:
    """The message to the contractor holding the mission's order (the titulaire), in the change's commit: ordering
    key the order id, like the order's other messages; one id per replacement of the mission and event type."""
    b = mission.beneficiary_id
    order = order_store.load_order(uow, b, mission.order_id)
    # The order is issued in the mission's commit; the framework's titulaire is its contractor.
    titulaire = order.contractor_id if order is not None else settings.titulaire_id
    if order is not None:  # A11 real-time view: the screens following the order see who does the mission now
        order_store.mark_changed(uow, b, order.order_id)
    kind = ID_PREFIXES[event_type]
    uow.publish(OutboxMessage(
        id=f"mission-{kind}-{digest(b, mission.mission_id, str(index))[:32]}", topic=topology.orders_topic(titulaire),
        event_type=event_type, source=f"{topology.PLATFORM_SOURCE}/managers/{b}", subject=f"orders/{mission.order_id}",
        data=data, created_at=now, ordering_key=mission.order_id))


def awaiting_replacement(uow: UnitOfWork) -> dict[str, Any]:
    """The operator's list (``get_sourcing?view=replacements``): every beneficiary's missions awaiting a
    replacement, the one whose D5/D6 is due soonest first, who leaves (its name, from the pool's records read at
    once), with the profile and rates the replacement must match,
    each on its clock (B18: the territory its D5/D6 counts in, from the request's record).
    One collection-group query on ``missions`` by ``state`` (infra/terraform/firestore.tf), no composite index."""
    found = list(uow.query(Query("missions", where=(("state", "==", MissionState.REPLACEMENT_REQUESTED.value),),
                                 limit=SCAN + 1, group=True)))
    awaiting = [m for m in (Mission.model_validate(doc.data, strict=False) for doc in found[:SCAN]
                            if doc.path.startswith("beneficiaries/")) if m.replacements]
    # who leaves, the mission and its beneficiary, by name: the pool's records of those professionals, the missions'
    # orders (their titles) and the beneficiaries' records, in one read
    wanted = {path for m in awaiting for path in (paths.professional(m.professional_id), paths.beneficiary(
        m.beneficiary_id), order_store.order_path(m.beneficiary_id, m.order_id))}
    records = uow.get_all(sorted(wanted)) if awaiting else {}
    rows = []
    for m in awaiting:
        rows.append(AwaitingReplacement(
            beneficiary_id=m.beneficiary_id, mission_id=m.mission_id, need_id=m.need_id, order_id=m.order_id,
            mission_title=_text(records.get(order_store.order_path(m.beneficiary_id, m.order_id)), "title"),
            beneficiary_name=_text(records.get(paths.beneficiary(m.beneficiary_id)), "name"),
            professional_id=m.professional_id,
            professional_name=(records.get(paths.professional(m.professional_id)) or {}).get("name"),
            profile_category=m.profile_category, level=m.level,
            service_type=m.service_type, daily_rate_cents=m.daily_rate_cents, extra_costs=m.extra_costs,
            start_date=m.start_date, end_date=m.end_date, replacement=m.replacements[-1],
            # B18: the mission's clock, from the calendar its D5/D6 was counted on (no read)
            time_zone=clock_fields(territory_of_calendar(m.replacements[-1].deadline.calendar))["time_zone"]))
    rows.sort(key=lambda r: (r.replacement.deadline.due, r.beneficiary_id, r.mission_id))
    page = rows[:MAX_ROWS]
    return AwaitingReplacementList(missions=page, count=len(page),
                                   truncated=len(rows) > MAX_ROWS or len(found) > SCAN).model_dump(mode="json")


CANDIDATES_LIMIT = 50  # professionals answered by default (at most MAX_ROWS)


def replacement_candidates(beneficiary_id: str, mission_id: str, uow: UnitOfWork, blobs: BlobStore, clock: Clock, *,
                           name: str = "", skill: str = "", available: bool = False,
                           max_daily_rate_cents: int | None = None, limit: int = CANDIDATES_LIMIT) -> dict[str, Any]:
    """The operator's search of the whole pool for a mission's replacement (``get_sourcing?view=
    replacement_candidates``): the search index narrows the pool by name, skill, availability and daily rate
    (``search_pool``, the mission's profile and rates first); the first ``limit`` records are then read and judged
    by ``replacement_errors`` from the replacement's first day, as ``propose_replacement`` will judge them."""
    from shared.domain.sourcing.scoring.pool_search import PoolFilters, Profile, search_pool

    index = search_index.current(uow, blobs, clock)  # first: a stale index is rebuilt in a commit of its own
    mission = load_mission(uow, beneficiary_id, mission_id)
    today = paths.today(clock)
    first_day = (replacement_first_day(mission, mission.replacements[-1], today)
                 if mission.state is MissionState.REPLACEMENT_REQUESTED and mission.replacements
                 else max(mission.start_date, today))
    filters = PoolFilters(name=name, skill=skill, available=(first_day, mission.end_date) if available else None,
                          max_daily_rate_cents=max_daily_rate_cents)
    rows = search_pool(index, filters, Profile(mission.profile_category, mission.level, mission.service_type,
                                               mission.daily_rate_cents, mission.extra_costs),
                       exclude=mission.professional_id)
    ids = [index.ids[i] for i in rows[:limit]]
    found = uow.get_all(paths.professional(p) for p in ids)
    candidates = []
    for professional_id in ids:
        data = found.get(paths.professional(professional_id))
        if data is None:  # erased since the index was built
            continue
        p = Professional.model_validate(data, strict=False)
        refusals = replacement_errors(mission, p, first_day)
        candidates.append(ReplacementCandidate(
            professional_id=p.professional_id, name=p.name, profile_category=p.profile_category, level=p.level,
            service_types=list(p.service_types), region=p.region.value, daily_rate_cents=p.daily_rate_cents,
            extra_costs=p.extra_costs, skills=list(p.skills), availability=list(p.availability),
            eligible=not refusals, refusals=refusals))
    return ReplacementCandidateList(
        beneficiary_id=beneficiary_id, mission_id=mission_id, professional_id=mission.professional_id,
        first_day=first_day, end_date=mission.end_date, candidates=candidates, count=len(candidates),
        matched=len(rows), truncated=len(rows) > limit, index_revision=index.revision).model_dump(mode="json")


def _text(record: dict | None, key: str) -> str | None:
    value = (record or {}).get(key)
    return value.strip() or None if isinstance(value, str) else None
