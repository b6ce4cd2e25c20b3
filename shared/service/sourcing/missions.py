"""Missions (B11 missions and budget, B13 conflict of interest): framing a mission and issuing its
order on part A's machinery, in one commit; reading a mission with its order and budget.

The beneficiary is the order's manager, the titulaire its contractor; the order is issued with
``shared.service.orders.issue`` inside the mission's unit of work, so the mission, the need
moved to ``mission_framed``, the order and its order-issued message are committed together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.domain.documents import DocumentKind
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import IssueOrder
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.sourcing.messages import FrameMission
from shared.domain.sourcing import deliverables
from shared.domain.sourcing.milestones import milestone_schedule_errors
from shared.domain.sourcing.process import (
    EXTRA_COSTS_LINE_ID, Milestone, Mission, NeedStatus, SourcingActor, require_move,
)
from shared.domain.sourcing.records import (
    REGION_LABELS, WORK_MODE_LABELS, NeedContent, Professional, WorkMode,
)
from shared.domain.territories import clock_fields
from shared.domain.workdays import PARIS
from shared.ports import Clock, Query, UnitOfWork
from shared.service import order_store, orders
from shared.service.order_store import order_path
from shared.service.sourcing import paths
from shared.service.sourcing.mission_store import load_mission
from shared.service.sourcing.needs import load_need
from shared.service.sourcing.paths import Settings, dump, load
from shared.service.territories import territory_of
from shared.service.transaction import transact


def mission_id_for(need_id: str) -> str:
    return f"{need_id}-mission"[:64]


def order_id_for(need_id: str) -> str:
    return paths.mission_order_id(need_id)


def frame_mission(beneficiary_id: str, command: FrameMission, uow: UnitOfWork, clock: Clock,
                  settings: Settings = Settings()) -> Mission:
    """Conflict declaration if required (B13), mission framed and its order issued, in one commit.
    Framing the same mission again issues nothing new; another framing of it is refused."""
    return transact(uow, lambda: _frame(beneficiary_id, command, uow, clock, settings))


def _frame(b: str, command: FrameMission, uow: UnitOfWork, clock: Clock, settings: Settings) -> Mission:
    n = command.need_id
    beneficiary = paths.load_beneficiary(uow, b)
    record = load_need(uow, b, n)
    existing = uow.get(paths.mission(b, mission_id_for(n)))
    if existing is not None:
        mission = Mission.model_validate(existing, strict=False)
        if _framing(mission) != _framing_of(command):
            raise DomainError([ErrorDetail.of("$.need_id", "MISSION_ALREADY_EXISTS")])
        content = content_of(uow, mission)
    else:
        require_move(record.status, NeedStatus.MISSION_FRAMED, SourcingActor.BENEFICIARY, "$.need_id")
        errors = []
        declaration = command.conflict_declaration
        if beneficiary.requires_conflict_declaration and declaration is None:
            errors.append(ErrorDetail.of("$.conflict_declaration", "CONFLICT_DECLARATION_REQUIRED"))
        if declaration is not None and not declaration.no_conflict:
            errors.append(ErrorDetail.of("$.conflict_declaration.no_conflict", "CONFLICT_OF_INTEREST_DECLARED"))
        errors += milestone_schedule_errors(command.start_date, command.end_date, command.milestones,
                                            beneficiary.territory)
        if errors:
            raise DomainError(errors)
        professional = load(uow, paths.professional(record.accepted_professional_id), Professional,
                            "PROFESSIONAL_NOT_FOUND", "$", professional_id=record.accepted_professional_id)
        content = NeedContent.model_validate(uow.get(paths.need_version(b, n, record.version)), strict=False)
        days = sum(m.days for m in command.milestones)
        now = clock.now()
        mission = Mission(
            mission_id=mission_id_for(n), beneficiary_id=b, need_id=n, need_version=record.version,
            professional_id=professional.professional_id, profile_category=professional.profile_category,
            level=professional.level, service_type=content.nature, daily_rate_cents=professional.daily_rate_cents,
            extra_costs=professional.extra_costs, start_date=command.start_date, end_date=command.end_date,
            deliverables=list(command.deliverables),
            milestones=[Milestone(**m.model_dump()) for m in command.milestones],
            planned_budget_cents=days * (professional.daily_rate_cents + _extra_per_day(professional, content)),
            conflict_declaration=declaration, order_id=order_id_for(n), framed_at=now, work_mode=content.work_mode)
        uow.create(paths.mission(b, mission.mission_id), dump(mission))
        uow.update(paths.need(b, n), dump(record.model_copy(update={
            "status": NeedStatus.MISSION_FRAMED, "mission_id": mission.mission_id, "updated_at": now,
            "history": [*record.history, {"version": record.version, "status": "mission_framed",
                                          "at": now.isoformat()}]})))
    # The same order for the same mission: issued once, found as it is when framed again (an order issued with
    # its milestones' due dates written ISO, or its work mode in English, is rebuilt so, B13 framing idempotent).
    form = _issued_form(uow, b, mission, content) if existing is not None else IssuedForm()
    orders.issue(b, issue_order_for(mission, record.title, content, clock, settings, iso_dues=form.iso_dues,
                                    english_mode=form.english_mode, named_professional=form.named_professional),
                 uow, clock, mission_id=mission.mission_id)
    return mission


def milestone_line_label(milestone: Milestone, *, iso_due: bool = False) -> str:
    """The label of a milestone's order line, its due date written the French way: « Stratégie (jalon, échéance
    20/01/2027) ». ``iso_due``: as orders were issued before (« échéance 2027-01-20 »), which keep their lines."""
    due = milestone.due.isoformat() if iso_due else milestone.due.strftime("%d/%m/%Y")
    return f"{milestone.label} (jalon, échéance {due})"


def mission_site_address(work_mode: WorkMode, *, english: bool = False) -> str:
    """The site address of a mission's order, its work mode in French: « Mission mixte », « Mission sur site »,
    « Mission à distance ». ``english``: as orders were issued before (« Mission mixed »), which keep their site."""
    return f"Mission {work_mode.value if english else WORK_MODE_LABELS[work_mode]}"


@dataclass(frozen=True)
class IssuedForm:
    """How a mission's stored order was written: its milestones' due dates ISO (« échéance 2027-01-20 »), its
    work mode in English (« Mission mixed »), as orders were issued before they were written the French way."""

    iso_dues: bool = False
    english_mode: bool = False
    named_professional: str | None = None  # its description names the professional first framed (before B12 fix)


def _issued_form(uow: UnitOfWork, b: str, mission: Mission, content: NeedContent) -> IssuedForm:
    """How the mission's order was issued: framing that mission again rebuilds the order as it was issued, so
    that ``orders.issue`` finds it the same and writes nothing."""
    order = order_store.load_order(uow, b, mission.order_id)
    if order is None:
        return IssuedForm()
    before = {milestone_line_label(m, iso_due=True) for m in mission.milestones}
    first = mission.replacements[0].leaving_professional_id if mission.replacements else mission.professional_id
    named = order.description == order_description(mission, named_professional=first)
    return IssuedForm(iso_dues=any(line.label in before for line in order.lines),
                      english_mode=order.site.address == mission_site_address(content.work_mode, english=True),
                      named_professional=first if named else None)


def content_of(uow: UnitOfWork, mission: Mission) -> NeedContent:
    """The content of the need version the mission was framed from."""
    found = uow.get(paths.need_version(mission.beneficiary_id, mission.need_id, mission.need_version))
    return NeedContent.model_validate(found, strict=False)


def _extra_per_day(professional: Professional, content: NeedContent) -> int:
    if content.work_mode is WorkMode.REMOTE:
        return 0
    costs = professional.extra_costs
    return costs.travel_cents + costs.lodging_cents + costs.meals_cents


def issue_order_for(mission: Mission, title: str, content: NeedContent, clock: Clock,
                    settings: Settings = Settings(), *, iso_dues: bool = False,
                    english_mode: bool = False, named_professional: str | None = None) -> IssueOrder:
    """The order (bon de commande) of a mission: one line per milestone at the daily rate, its due date in
    its label (``milestone_line_label``), plus the extra costs per day when the mission is not fully remote;
    its site the beneficiary (its region, the work mode in French: ``mission_site_address``). Its territory is
    not the command's: ``orders.issue`` chooses it by the rule of every order, which for a beneficiary is the
    territory it is registered with (B18, ``shared/service/territories.py``).
    Its description names the profile, never the professional: the issued order is immutable, and B12 replacement
    changes who does the mission (get_order's ``mission.professional_id`` says who does it now).
    Deterministic: re-issuing the same mission gives the same order, which ``orders.issue`` finds as it is."""
    lines = [OrderLine(line_id=m.milestone_id, service_code=mission.profile_category,
                       label=milestone_line_label(m, iso_due=iso_dues), quantity=Decimal(m.days), unit="j",
                       unit_price_cents=mission.daily_rate_cents) for m in mission.milestones]
    extra = (0 if content.work_mode is WorkMode.REMOTE else
             mission.extra_costs.travel_cents + mission.extra_costs.lodging_cents + mission.extra_costs.meals_cents)
    if extra:
        lines.append(OrderLine(line_id=EXTRA_COSTS_LINE_ID, service_code="FRAIS",
                               label="Frais annexes (déplacement, hébergement, repas) par jour",
                               quantity=Decimal(sum(m.days for m in mission.milestones)), unit="j",
                               unit_price_cents=extra))
    issued = dt.datetime.combine(mission.framed_at.astimezone(PARIS).date(), dt.time(0), tzinfo=PARIS)
    return IssueOrder(
        order_id=mission.order_id, contract_id=settings.contract_id, contractor_id=settings.titulaire_id,
        title=f"Mission : {title}"[:500],
        description=order_description(mission, named_professional=named_professional),
        site=SiteRef(node_id=mission.beneficiary_id, label=REGION_LABELS[content.region],
                     address=mission_site_address(content.work_mode, english=english_mode)),
        lines=lines, issued_at=issued.astimezone(dt.UTC), requested_start=mission.start_date,
        requested_end=mission.end_date)


def order_description(mission: Mission, *, named_professional: str | None = None) -> str:
    """The description of a mission's order: the profile ordered (category, level, type of service, the same for
    every professional B12 replacement may put in place) and the deliverables. ``named_professional``: as orders
    were issued before, « Professionnel <id> (…) », naming the professional first framed — kept on those orders."""
    who = (f"Professionnel {named_professional}" if named_professional else "Profil") + \
        f" ({mission.profile_category}, {mission.level.value})"
    return f"{who}, {mission.service_type.value}. Livrables : {'; '.join(mission.deliverables)}"[:5000]


def _framing(m: Mission) -> dict[str, Any]:
    return {"start_date": m.start_date.isoformat(), "end_date": m.end_date.isoformat(),
            "milestones": [mm.model_dump(mode="json") for mm in m.milestones], "deliverables": list(m.deliverables)}


def _framing_of(c: FrameMission) -> dict[str, Any]:
    return {"start_date": c.start_date.isoformat(), "end_date": c.end_date.isoformat(),
            "milestones": [mm.model_dump(mode="json") for mm in c.milestones], "deliverables": list(c.deliverables)}


def read_mission(beneficiary_id: str, mission_id: str, uow: UnitOfWork, clock: Clock | None = None,
                 settings: Settings = Settings()) -> dict[str, Any]:
    """The mission with its order's live state, each milestone's follow-up (days reported, of which on site,
    delivered, received, invoiced, its deliverables « attendu », « remis », « accepté » or « refusé », and whether
    all are accepted), the frais-annexes line followed
    by the days on site, and the budget (B11): consumed = the amount of the milestones reported done;
    timesheets = the days at the daily rate and the days on site with their frais annexes; received and
    invoiced as the order counts them (service fait, invoices standing). The deliverables come from one
    query of the order's ``deliverable`` documents. With ``clock`` (get_sourcing), the D6 due day of a replacement
    for insufficiency asked now (``d6_preview``, B12), by the request's own rule."""
    mission = load_mission(uow, beneficiary_id, mission_id)
    order = order_store.load_order(uow, beneficiary_id, mission.order_id)
    # B18: the mission's clock is its order's territory's (its beneficiary's, kept on the order at framing: no read);
    # before its order is stored, its beneficiary's
    territory = territory_of(uow, order) if order is not None else (
        uow.get(paths.beneficiary(beneficiary_id)) or {}).get("territory")
    from shared.domain.sourcing.views import ReplacementNotice  # the read's view, not framing's

    # B12: the notice a planned departure needs, which the request form checks before it is sent
    body = {**dump(mission), **clock_fields(territory),
            "notice": ReplacementNotice.of(mission.start_date, mission.end_date).model_dump(mode="json")}
    if clock is not None:
        from shared.service.sourcing import replacements  # only the mission read needs it, not framing

        if (preview := replacements.d6_preview(uow, mission, clock, settings)) is not None:
            body["d6_preview"] = preview
    if order is not None:
        rows = uow.query(Query(f"{order_path(beneficiary_id, order.order_id)}/documents",
                               where=(("kind", "==", DocumentKind.DELIVERABLE.value),)))
        per_milestone, own = deliverables.follow_up(mission, [row.data for row in rows])
        consumed = sum(line.amount_cents for line in order.lines if order.line_status.get(line.line_id))
        body["order"] = {"order_id": order.order_id, "title": order.title, "state": order.state.value,
                         "total_cents": order.total_cents, "progress": order.progress,
                         "invoice_date": order.invoice_date.isoformat() if order.invoice_date else None}
        body["budget"] = {"planned_cents": mission.planned_budget_cents, "ordered_cents": order.total_cents,
                          "consumed_cents": consumed, "remaining_cents": order.total_cents - consumed,
                          "timesheet_cents": mission.spent_cents,
                          "received_cents": order.received_cents, "invoiced_cents": order.invoiced_cents}
        body["milestones_follow_up"] = [{
            "milestone_id": m.milestone_id, "label": m.label, "days": m.days, "deliverables": m.deliverables,
            "days_reported": str(mission.timesheet_days.get(m.milestone_id, 0)),
            "days_on_site_reported": str(mission.timesheet_days_on_site.get(m.milestone_id, 0)),
            "delivered": order.line_status.get(m.milestone_id) is True, "received": m.milestone_id in order.reception,
            "days_invoiced": str(order.invoiced.get(m.milestone_id, 0)),
            "deliverables_follow_up": per_milestone[m.milestone_id],
            "deliverables_accepted": deliverables.all_accepted(per_milestone[m.milestone_id])} for m in mission.milestones]
        body["deliverables_follow_up"] = own
        body["extra_costs_follow_up"] = extra_costs_follow_up(mission, order)
        body["updated_at"] = _shown_at(uow, beneficiary_id, mission_id, order.order_id)
    return body


def _shown_at(uow: UnitOfWork, beneficiary_id: str, mission_id: str, order_id: str) -> str | None:
    """A11 real-time view: the order's ``updated_at`` as read, so that the mission screen skips the stream's event of a
    change it already shows (its user's own decision, read again after it) as the order screen does. The mission is
    read before its order: a commit in between (a timesheet writes both) would be in the order's ``updated_at`` and
    not in the mission shown, so both are read again in one batch and, should either differ, the view says none
    (null: the screen then reads itself again on the change)."""
    records = [paths.mission(beneficiary_id, mission_id), order_path(beneficiary_id, order_id)]
    if uow.fork().get_all(records) != uow.get_all(records):
        return None
    return order_store.updated_at(uow, beneficiary_id, order_id)


def extra_costs_follow_up(mission: Mission, order) -> dict[str, Any] | None:
    """The frais-annexes line of the mission's order against the days on site reported (B11); None without one."""
    line = next((line for line in order.lines if line.line_id == EXTRA_COSTS_LINE_ID), None)
    if line is None:
        return None
    on_site = mission.days_on_site_reported
    amount = int((on_site * line.unit_price_cents).to_integral_value())
    return {"line_id": line.line_id, "unit_price_cents": line.unit_price_cents, "days_planned": str(line.quantity),
            "days_on_site_reported": str(on_site), "amount_cents": amount,
            "remaining_days": str(line.quantity - on_site), "remaining_cents": line.amount_cents - amount,
            "received": line.line_id in order.reception, "days_invoiced": str(order.invoiced.get(line.line_id, 0))}
