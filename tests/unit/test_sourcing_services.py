"""The sourcing commands on the unit of work (in memory): each command is one commit holding
everything it changes — the need and its D4 and message, the mission and its order, a
replacement and its D5/D6 — and running it again changes nothing twice."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared import topology
from shared.domain.deadlines import DeadlineState
from shared.domain.errors import DomainError
from shared.domain.event_types import EventType
from shared.domain.sourcing.messages import (
    DecideProposal, FrameMission, MissionProfessionalReplaced, MissionReplacementRequested, NeedSubmitted,
    ProposeProfessionals, ProposeReplacement, RequestReplacement, SubmitNeed,
)
from shared.domain.sourcing.process import MissionState, NeedStatus, SourcingActor
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service import order_store
from shared.service.sourcing import erasure, missions, needs, paths, pool, pool_import, ranking, replacements, reporting
from shared.service.sourcing.paths import Settings
from tests.fakes import InMemoryUnitOfWork, World
from tests.sourcing_builders import a_beneficiary, a_need_content, a_professional

B = "ben-lyon"


class Blobs:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.objects[name] = data

    def get(self, name: str) -> bytes | None:
        return self.objects.get(name)

    def names(self, prefix: str):
        return [n for n in sorted(self.objects) if n.startswith(prefix)]

    def delete(self, name: str) -> None:
        self.objects.pop(name, None)


def record_commits(world: World) -> list[list]:
    """The writes of every commit from now on (the outbox's "sent" marks left out)."""
    commits: list[list] = []
    apply = world.db.apply

    def recording(writes):
        apply(writes)
        if not all(w.path.startswith("outbox/") and w.kind == "update" for w in writes):
            commits.append([w for w in writes if not w.path.startswith(("audit_pending/",)) and "/audit/" not in w.path])

    world.db.apply = recording
    return commits


def paths_of(commit: list) -> set[str]:
    return {w.path for w in commit}


def a_world(**beneficiary) -> World:
    world = World()
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(**beneficiary), strict=False), world.uow())
    for p in (a_professional("pro-anne"), a_professional("pro-bruno", level="confirme", daily_rate_cents=55000)):
        pool.upsert_professional(Professional.model_validate(p, strict=False), world.uow())
    return world


def submit(world: World, need_id: str = "n1", **content) -> tuple:
    command = SubmitNeed.model_validate({"need_id": need_id, "content": a_need_content(**content)}, strict=False)
    return needs.submit_need(B, command, world.uow(), world.clock)


def scored_and_proposed(world: World, need_id: str = "n1", version: int = 1, professional_id: str = "pro-anne"):
    ranking.score_need(NeedSubmitted(beneficiary_id=B, need_id=need_id, version=version), world.uow(), Blobs(),
                     world.clock)
    return needs.propose(ProposeProfessionals.model_validate({
        "beneficiary_id": B, "need_id": need_id, "version": version,
        "proposals": [{"professional_id": professional_id, "guaranteed_until": "2026-12-31"}]}, strict=False),
        world.uow(), world.clock)


def accepted(world: World, professional_id: str = "pro-anne") -> None:
    submit(world)
    scored_and_proposed(world, professional_id=professional_id)
    needs.decide(B, DecideProposal.model_validate({"need_id": "n1", "version": 1, "decision": "accept",
                                                   "professional_id": professional_id}, strict=False),
                 world.uow(), world.clock)


def framing(**overrides) -> FrameMission:
    data = {"need_id": "n1", "start_date": "2026-04-01", "end_date": "2026-06-30", "deliverables": ["Cahier de recette"],
            "milestones": [{"milestone_id": "j1", "label": "Stratégie", "days": 10, "due": "2026-04-30"}],
            "conflict_declaration": {"signed_by": "Anne", "signed_on": "2026-03-20", "no_conflict": True}}
    return FrameMission.model_validate({**data, **overrides}, strict=False)


def test_a_need_its_first_version_its_d4_and_its_message_are_one_commit_and_a_retry_writes_nothing():
    world = a_world()
    commits = record_commits(world)
    # When the beneficiary submits a need
    record, created = submit(world)
    # Then one commit holds the need, its content, its D4 and the needs-submitted message
    assert created and record.status is NeedStatus.ACKNOWLEDGED
    [commit] = commits
    d4_path = f"managers/{B}/deadlines/{record.d4.deadline_id}"
    assert paths_of(commit) == {paths.need(B, "n1"), paths.need_version(B, "n1", 1), d4_path,
                                f"outbox/{world.outbox()[0].id}"}
    [message] = world.outbox()
    assert (message.topic, message.data) == (paths.NEEDS_TOPIC, {"beneficiary_id": B, "need_id": "n1", "version": 1})
    # And the deadline service runs the D4 the need shows, its timer armed after the commit
    d4 = world.deadlines(B)[record.d4.deadline_id]
    assert d4.state is DeadlineState.RUNNING and d4.due_at == record.d4.due_at and d4.penalty_rule is None
    assert world.queue.tasks[f"{d4.deadline_id}-v{d4.version}"]["schedule_time"] == d4.due_at
    # When the same need is submitted again, nothing is written; another need under its id is refused
    again, created = submit(world)
    assert not created and again == record and len(commits) == 1
    with pytest.raises(DomainError) as refused:
        submit(world, title="Autre chose")
    assert refused.value.errors[0].code == "NEED_ALREADY_EXISTS"


def test_d4_takes_the_framework_contracts_terms_and_the_offers_shorter_length():
    world = a_world()
    # Given a framework contract pricing D4 under P1
    contract = world.db.data(paths.contract(B, Settings()))
    world.seed(paths.contract(B, Settings()), {**contract, "penalty_terms": {"rules_by_kind": {"D4": "P1"}}})
    # (kept when the beneficiary's record is updated afterwards)
    renamed = Beneficiary.model_validate(a_beneficiary(name="Métropole de Lyon (DSI)"), strict=False)
    assert pool.register_beneficiary(renamed, world.uow()) is False
    assert world.db.data(paths.contract(B, Settings()))["penalty_terms"] == {"rules_by_kind": {"D4": "P1"}}
    # and an offer stating 5 working days, in the agreement's terms
    world.seed(paths.contract(B, Settings()), {**contract, "penalty_terms": {"rules_by_kind": {"D4": "P1"},
                                                                            "lengths": {"D4": 5}}})
    # When a need is submitted
    command = SubmitNeed.model_validate({"need_id": "n1", "content": a_need_content()}, strict=False)
    record, _ = needs.submit_need(B, command, world.uow(), world.clock)
    # Then its D4 is priced and due after 5 working days (Tuesday 3 → Tuesday 10 March 2026)
    d4 = world.deadlines(B)[record.d4.deadline_id]
    assert (d4.penalty_rule, d4.length_amount, record.d4.due) == ("P1", 5, dt.date(2026, 3, 10))


def test_scoring_keeps_one_result_per_version_and_a_redelivery_finds_it():
    world = a_world()
    submit(world)
    event = NeedSubmitted(beneficiary_id=B, need_id="n1", version=1)
    # When the need is scored
    result = ranking.score_need(event, world.uow(), Blobs(), world.clock)
    # Then the result ranks the pool and the need is scored
    assert {c["professional_id"] for c in result["candidates"]} == {"pro-anne", "pro-bruno"}
    assert world.db.data(paths.need(B, "n1"))["status"] == "scored"
    # When the event is redelivered, the stored result is the answer and nothing is written
    commits = record_commits(world)
    assert ranking.score_need(event, world.uow(), Blobs(), world.clock) == result and commits == []


def test_a_proposal_stops_d4_in_its_own_commit():
    world = a_world()
    record, _ = submit(world)
    ranking.score_need(NeedSubmitted(beneficiary_id=B, need_id="n1", version=1), world.uow(), Blobs(), world.clock)
    commits = record_commits(world)
    world.clock.advance(days=2)
    # When the operator proposes a ranked professional
    proposed = needs.propose(ProposeProfessionals.model_validate({
        "beneficiary_id": B, "need_id": "n1", "version": 1,
        "proposals": [{"professional_id": "pro-anne", "guaranteed_until": "2026-12-31"}]}, strict=False),
        world.uow(), world.clock)
    # Then the need and its D4 (met) are one commit
    [commit] = commits
    assert paths_of(commit) == {paths.need(B, "n1"), f"managers/{B}/deadlines/{record.d4.deadline_id}"}
    d4 = world.deadlines(B)[record.d4.deadline_id]
    assert d4.state is DeadlineState.MET and proposed.d4.met is True and proposed.d4.stopped_at == d4.stopped_at


def test_a_relaunch_commits_the_new_version_its_d4_and_its_message_with_the_decision():
    world = a_world()
    submit(world)
    scored_and_proposed(world)
    commits = record_commits(world)
    # When the beneficiary refuses and relaunches with a lower ceiling
    moved = needs.decide(B, DecideProposal.model_validate({
        "need_id": "n1", "version": 1, "decision": "relaunch", "reason": "Trop cher",
        "content": a_need_content(daily_rate_ceiling_cents=60000)}, strict=False), world.uow(), world.clock)
    # Then version 2, its D4 and its message are in the decision's commit
    assert (moved.version, moved.status) == (2, NeedStatus.ACKNOWLEDGED)
    [commit] = commits
    assert paths_of(commit) == {paths.need(B, "n1"), paths.need_version(B, "n1", 2),
                                f"managers/{B}/deadlines/{moved.d4.deadline_id}", f"outbox/{world.outbox()[-1].id}"}
    assert world.outbox()[-1].data["version"] == 2
    assert world.deadlines(B)[moved.d4.deadline_id].state is DeadlineState.RUNNING
    # And the need reads with both versions, the first with its result
    read = needs.read_need(B, "n1", world.uow())
    assert [(v["version"], v["result"] is not None) for v in read["versions"]] == [(1, True), (2, False)]


def test_a_need_reads_whether_its_beneficiary_must_sign_the_conflict_declaration():
    """B13 conflict of interest: the framing form says the declaration is required before it is sent."""
    for required in (True, False):
        world = a_world(requires_conflict_declaration=required)
        submit(world)
        assert needs.read_need(B, "n1", world.uow())["conflict_declaration_required"] is required


def test_a_mission_its_need_and_its_order_are_one_commit_and_framing_again_issues_nothing():
    world = a_world()
    accepted(world)
    commits = record_commits(world)
    # When the beneficiary frames the mission
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    # Then the mission, the need (mission_framed), the order, its first history entry (issued from the mission) and
    # its order-issued message are one commit
    [commit] = commits
    order_id = missions.order_id_for("n1")
    assert paths_of(commit) == {paths.mission(B, mission.mission_id), paths.need(B, "n1"),
                                f"managers/{B}/orders/{order_id}", f"managers/{B}/orders/{order_id}/events/issued",
                                f"outbox/{world.outbox()[-1].id}"}
    order = world.order(B, order_id)
    assert (order.contractor_id, order.contract_id) == (Settings().titulaire_id, Settings().contract_id)
    assert world.outbox()[-1].topic == f"orders-{Settings().titulaire_id}"
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert view["budget"]["planned_cents"] == 10 * (65000 + 5000) == view["budget"]["ordered_cents"]
    # When it is framed again the same way, nothing is written; framed otherwise, it is refused
    assert missions.frame_mission(B, framing(), world.uow(), world.clock) == mission and len(commits) == 1
    with pytest.raises(DomainError) as refused:
        missions.frame_mission(B, framing(end_date="2026-07-31"), world.uow(), world.clock)
    assert refused.value.errors[0].code == "MISSION_ALREADY_EXISTS"


def test_a_mission_orders_lines_say_their_milestones_due_date_the_french_way():
    """B13 framing: « échéance 30/04/2026 » in the order line a person reads, not the ISO date."""
    world = a_world()
    accepted(world)
    missions.frame_mission(B, framing(), world.uow(), world.clock)
    [line, *_] = world.order(B, missions.order_id_for("n1")).lines
    assert (line.line_id, line.label) == ("j1", "Stratégie (jalon, échéance 30/04/2026)")


def test_an_order_issued_with_iso_due_dates_is_kept_and_framing_its_mission_again_writes_nothing():
    """An order issued before the French due dates said « échéance 2026-04-30 »: framing again finds it the same."""
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    order = world.order(B, missions.order_id_for("n1"))
    before = order.model_copy(update={"lines": [line.model_copy(update={"label": line.label.replace(
        "30/04/2026", "2026-04-30")}) if line.line_id == "j1" else line for line in order.lines]})
    world.seed_order(before)
    commits = record_commits(world)
    assert missions.frame_mission(B, framing(), world.uow(), world.clock) == mission and commits == []
    assert world.order(B, order.order_id).lines[0].label == "Stratégie (jalon, échéance 2026-04-30)"


def replaced_by_dora(world: World, mission) -> None:
    pool.upsert_professional(Professional.model_validate(a_professional("pro-dora"), strict=False), world.uow())
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    replacements.propose_replacement(ProposeReplacement.model_validate({
        "action": "propose", "beneficiary_id": B, "mission_id": mission.mission_id, "professional_id": "pro-dora"},
        strict=False), world.uow(), world.clock)


def test_a_missions_order_names_the_profile_not_a_professional_a_replacement_would_leave_behind():
    """B12 replacement: the issued order is immutable, so its description names the profile ordered, true whoever
    does the mission; the order read names who is in place now (its mission's professional_id)."""
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    order = world.order(B, mission.order_id)
    assert order.description.startswith(f"Profil ({mission.profile_category}, {mission.level.value}), ")
    assert "pro-anne" not in order.description
    # When the professional is replaced, the order is unchanged and framing the mission again writes nothing
    replaced_by_dora(world, mission)
    commits = record_commits(world)
    again = missions.frame_mission(B, framing(), world.uow(), world.clock)
    assert commits == [] and again.professional_id == "pro-dora"
    assert world.order(B, mission.order_id) == order


def test_an_order_issued_naming_its_first_professional_is_kept_and_framing_again_after_a_replacement_writes_nothing():
    """Orders issued before named « Professionnel <id> »: kept as issued, found the same once replaced (B12)."""
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    order = world.order(B, mission.order_id)
    named = order.description.replace("Profil (", "Professionnel pro-anne (", 1)
    world.seed_order(order.model_copy(update={"description": named}))
    replaced_by_dora(world, mission)
    commits = record_commits(world)
    assert missions.frame_mission(B, framing(), world.uow(), world.clock).professional_id == "pro-dora"
    assert commits == [] and world.order(B, mission.order_id).description == named


def test_framing_without_the_required_declaration_writes_nothing():
    world = a_world()
    accepted(world)
    commits = record_commits(world)
    with pytest.raises(DomainError) as refused:
        missions.frame_mission(B, framing(conflict_declaration=None), world.uow(), world.clock)
    assert refused.value.errors[0].code == "CONFLICT_DECLARATION_REQUIRED" and commits == []


def test_framing_more_days_than_the_working_days_to_a_milestone_is_refused_by_milestone_and_writes_nothing():
    """B13 framing, B11 budget kept: April 2026 has 21 working days in Lyon (Easter Monday off), so 22 days due on
    30 April would order a day the mission cannot work; the milestones due later count it too."""
    world = a_world()
    accepted(world)
    commits = record_commits(world)
    with pytest.raises(DomainError) as refused:
        missions.frame_mission(B, framing(milestones=[
            {"milestone_id": "j1", "label": "Stratégie", "days": 22, "due": "2026-04-30"},
            {"milestone_id": "j2", "label": "Recette", "days": 30, "due": "2026-06-30"}]), world.uow(), world.clock)
    [error] = refused.value.errors
    assert (error.field, error.code) == ("$.milestones[0].days", "MILESTONE_DAYS_EXCEED_WORKING_DAYS")
    assert error.message == ("Les jalons dus au plus tard le 30/04/2026 comptent 22 jours, pour 21 jours ouvrés "
                             "du 01/04/2026 au 30/04/2026.")
    assert commits == []
    # 21 days by 30 April, 60 by 30 June (May has 17 working days in Lyon, June 22): framed
    mission = missions.frame_mission(B, framing(milestones=[
        {"milestone_id": "j1", "label": "Stratégie", "days": 21, "due": "2026-04-30"},
        {"milestone_id": "j2", "label": "Recette", "days": 39, "due": "2026-06-30"}]), world.uow(), world.clock)
    assert [m.days for m in mission.milestones] == [21, 39]


@pytest.mark.parametrize(("reason", "kind"), [("insufficiency", "D6"), ("departure", "D5")])
def test_a_replacement_opens_its_deadline_with_the_mission_and_the_replacement_stops_it(reason, kind):
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    pool.upsert_professional(Professional.model_validate(a_professional("pro-dora"), strict=False), world.uow())
    commits = record_commits(world)
    # When the beneficiary asks for a replacement
    extra = {"departure_date": "2026-05-29"} if reason == "departure" else {}
    requested = replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": reason, **extra}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    # Then the mission, its D5/D6, the message to the titulaire and its order's change marker (A11 real-time
    # view: order_store.mark_changed) are one commit
    shown = requested.replacements[0].deadline
    deadline_path = f"managers/{B}/deadlines/{shown.deadline_id}"
    order = order_store.order_path(B, mission.order_id)
    [told] = told_titulaire(world, EventType.MISSION_REPLACEMENT_REQUESTED)
    assert [paths_of(c) for c in commits] == [{paths.mission(B, mission.mission_id), deadline_path,
                                               f"outbox/{told.id}", order}]
    opened = world.deadlines(B)[shown.deadline_id]
    assert (opened.kind, opened.state, opened.due_at) == (kind, DeadlineState.RUNNING, shown.due_at)
    # When the operator names an equivalent professional, the mission and the stop are one commit
    replaced = replacements.propose_replacement(ProposeReplacement.model_validate({
        "action": "propose", "beneficiary_id": B, "mission_id": mission.mission_id, "professional_id": "pro-dora"},
        strict=False), world.uow(), world.clock)
    [told] = told_titulaire(world, EventType.MISSION_PROFESSIONAL_REPLACED)
    assert [paths_of(c) for c in commits[1:]] == [{paths.mission(B, mission.mission_id), deadline_path,
                                                   f"outbox/{told.id}", order}]
    assert (replaced.state, replaced.professional_id) == (MissionState.ORDERED, "pro-dora")
    assert world.deadlines(B)[shown.deadline_id].state is DeadlineState.MET


@pytest.mark.parametrize(("territory", "due"), [("69", "2026-05-27"), ("972", "2026-05-28")])
def test_the_mission_read_previews_d6_as_the_request_records_it_on_the_beneficiarys_calendar(territory, due):
    """B12: the request form shows the D6 day before it is sent, from the server's own rule: asked on Monday 11 May
    2026, 10 working days skip Ascension and Whit Monday, and in Martinique the abolition of slavery (22 May)."""
    world = a_world(territory=territory)
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    world.clock.at = dt.datetime(2026, 5, 11, 12, 0, tzinfo=dt.UTC)
    assert "d6_preview" not in missions.read_mission(B, mission.mission_id, world.uow())  # no clock: no preview
    commits = record_commits(world)
    preview = missions.read_mission(B, mission.mission_id, world.uow(), world.clock)["d6_preview"]
    assert commits == []  # a preview stores nothing
    assert (preview["code"], preview["due"], preview["territory"]) == ("D6", due, territory)
    requested = replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    recorded = requested.replacements[0].deadline
    assert (recorded.due.isoformat(), recorded.due_at.isoformat().replace("+00:00", "Z")) == \
        (preview["due"], preview["due_at"].replace("+00:00", "Z"))
    # While the replacement is awaited, nothing is previewed
    assert "d6_preview" not in missions.read_mission(B, mission.mission_id, world.uow(), world.clock)


def told_titulaire(world: World, event_type: EventType) -> list:
    return [m for m in world.outbox() if m.event_type is event_type]


def test_the_titulaire_is_told_of_the_request_and_of_the_replacement_each_in_its_commit_and_once():
    """B12 replacement: the titulaire's ERP follows the change on orders-<titulaire>, the order's ordering key, the
    professionals named by id only (as the order names them), never by name (docs/personal-data.md)."""
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    order = world.order(B, mission.order_id)
    pool.upsert_professional(Professional.model_validate(a_professional("pro-dora"), strict=False), world.uow())
    world.clock.at = dt.datetime(2026, 5, 4, 7, 20, tzinfo=dt.UTC)
    commits = record_commits(world)
    request = RequestReplacement.model_validate({"action": "request", "mission_id": mission.mission_id,
                                                 "reason": "departure", "departure_date": "2026-05-29"}, strict=False)
    # When the beneficiary reports pro-anne's departure on 29 May
    requested = replacements.request_replacement(B, request, SourcingActor.BENEFICIARY, world.uow(), world.clock)
    # Then the titulaire holding the order is told in the request's commit, and it is published after it
    [told] = told_titulaire(world, EventType.MISSION_REPLACEMENT_REQUESTED)
    assert f"outbox/{told.id}" in paths_of(commits[-1]) and len(commits) == 1
    assert (told.topic, told.ordering_key, told.subject) == (
        topology.orders_topic(order.contractor_id), order.order_id, f"orders/{order.order_id}")
    assert [(topic, key) for topic, _, attributes, key in world.publisher.published
            if attributes["ce-id"] == told.id] == [(told.topic, order.order_id)]
    shown = requested.replacements[0].deadline
    assert MissionReplacementRequested.model_validate(told.data) == MissionReplacementRequested(
        manager_id=B, order_id=order.order_id, mission_id=mission.mission_id, replacement_index=0,
        reason="departure", leaving_professional_id="pro-anne", departure_date=dt.date(2026, 5, 29),
        planned=False, notified_on=None, requested_at=world.clock.now(), deadline="D5", due=shown.due, due_at=shown.due_at)
    assert shown.due == dt.date(2026, 6, 12)  # D5: 14 calendar days from the departure
    # When the request is sent again, it is refused: nothing is written and nobody is told twice
    with pytest.raises(DomainError) as again:
        replacements.request_replacement(B, request, SourcingActor.BENEFICIARY, world.uow(), world.clock)
    assert again.value.errors[0].code == "REPLACEMENT_ALREADY_REQUESTED" and len(commits) == 1
    assert len(told_titulaire(world, EventType.MISSION_REPLACEMENT_REQUESTED)) == 1
    # When the operator names pro-dora on 12 May
    world.clock.at = dt.datetime(2026, 5, 12, 8, 0, tzinfo=dt.UTC)
    propose = ProposeReplacement.model_validate({"action": "propose", "beneficiary_id": B,
                                                 "mission_id": mission.mission_id, "professional_id": "pro-dora"},
                                                strict=False)
    replacements.propose_replacement(propose, world.uow(), world.clock)
    # Then the titulaire is told in the replacement's commit who leaves and who arrives, and that D5 was met
    [replaced] = told_titulaire(world, EventType.MISSION_PROFESSIONAL_REPLACED)
    assert f"outbox/{replaced.id}" in paths_of(commits[-1]) and len(commits) == 2
    assert (replaced.topic, replaced.ordering_key) == (told.topic, order.order_id)
    assert MissionProfessionalReplaced.model_validate(replaced.data) == MissionProfessionalReplaced(
        manager_id=B, order_id=order.order_id, mission_id=mission.mission_id, replacement_index=0,
        reason="departure", leaving_professional_id="pro-anne", arriving_professional_id="pro-dora",
        replaced_at=world.clock.now(), deadline="D5", due=shown.due, met=True)
    # and neither message names a professional otherwise than by id
    assert "Prof pro-" not in json.dumps([told.data, replaced.data])
    # When the proposal is sent again, it is refused: nothing is written and nobody is told twice
    with pytest.raises(DomainError) as again:
        replacements.propose_replacement(propose, world.uow(), world.clock)
    assert again.value.errors[0].code == "NO_REPLACEMENT_REQUESTED" and len(commits) == 2
    assert len(told_titulaire(world, EventType.MISSION_PROFESSIONAL_REPLACED)) == 1
    # When pro-dora is found insufficient in turn, the second replacement is a new message with its own id
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    first, second = told_titulaire(world, EventType.MISSION_REPLACEMENT_REQUESTED)
    assert first.id != second.id and (second.data["replacement_index"], second.data["reason"],
                                      second.data["leaving_professional_id"], second.data["deadline"],
                                      second.data["departure_date"]) == (1, "insufficiency", "pro-dora", "D6", None)


def test_a_request_retried_after_a_conflict_is_told_to_the_titulaire_once():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    # Given another writer changes the mission just before the request's first commit
    path = paths.mission(B, mission.mission_id)
    concurrent: list[str] = []

    def another_writer() -> None:
        concurrent.append(path)
        world.seed(path, world.db.data(path))  # a new version of the mission, as read

    world.db.before_commit = another_writer
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    # Then the first commit failed, the request ran again from fresh reads and the titulaire is told once
    assert concurrent == [path]
    assert len(told_titulaire(world, EventType.MISSION_REPLACEMENT_REQUESTED)) == 1
    assert len([p for p in world.publisher.published if p[2]["ce-type"] == EventType.MISSION_REPLACEMENT_REQUESTED]) == 1


def test_a_replacement_must_be_available_from_today_in_paris_to_the_mission_end_and_a_refusal_writes_nothing():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    for pid, start in (("pro-emma", "2026-06-01"), ("pro-fanny", "2026-06-02")):
        pool.upsert_professional(Professional.model_validate(a_professional(
            pid, availability=[{"start": start, "end": "2026-09-30"}]), strict=False), world.uow())
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    # Given the operator proposes at 00:30 in Paris on 1 June (still 31 May in UTC)
    world.clock.at = dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC)
    commits = record_commits(world)

    def propose(professional_id: str):
        return replacements.propose_replacement(ProposeReplacement.model_validate({
            "action": "propose", "beneficiary_id": B, "mission_id": mission.mission_id,
            "professional_id": professional_id}, strict=False), world.uow(), world.clock)

    # When the candidate is free from 2 June only, it is refused from 1 June, and nothing is written
    with pytest.raises(DomainError) as refused:
        propose("pro-fanny")
    assert [(e.field, e.code, e.message) for e in refused.value.errors] == [(
        "$.professional_id", "REPLACEMENT_NOT_AVAILABLE",
        "Remplaçant indisponible du 2026-06-01 au 2026-06-30 : pas de disponibilité déclarée le 2026-06-01.")]
    assert commits == []
    # When the candidate is free from 1 June, the day in Paris, it replaces the professional
    assert propose("pro-emma").professional_id == "pro-emma" and len(commits) == 1


def test_a_bulk_import_is_stored_in_commits_within_firestores_limit_and_the_index_is_rebuilt_once():
    world, blobs = World(), Blobs()
    commits = record_commits(world)
    raw = "\n".join(Professional.model_validate(a_professional(f"pro-{i:03d}"), strict=False).model_dump_json()
                    for i in range(320)).encode()
    # When 320 professionals are imported
    report = pool_import.import_professionals(raw, world.uow(), blobs, world.clock)
    # Then they are stored in three commits, each with the index revision, and the index is built once
    assert (report["accepted"], report["changed"]) == (320, 320)
    assert [len(c) for c in commits[:3]] == [151, 151, 21]
    assert all(paths.INDEX_META in paths_of(c) for c in commits[:3])
    assert report["index_revision"] == 3 and len(blobs.objects) == 1
    assert world.db.data(paths.INDEX_META)["built_revision"] == 3
    # And importing the same lines again changes nothing
    again = pool_import.import_professionals(raw, world.uow(), blobs, world.clock)
    assert (again["changed"], again["index_revision"], len(commits)) == (0, None, 4)


def test_registering_a_beneficiary_again_writes_nothing_and_erasing_bumps_the_pool_revision():
    world = a_world()
    commits = record_commits(world)
    assert pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(), strict=False), world.uow()) is False
    assert commits == []
    revision = world.db.data(paths.INDEX_META)["revision"]
    from tests.fakes import MemoryExportArchive

    assert erasure.erase_professional("pro-anne", world.uow(), blobs=Blobs(), archive=MemoryExportArchive(),
                                      clock=world.clock, reason="demande RGPD")["status"] == "erased"
    [commit] = commits
    assert paths_of(commit) == {paths.professional("pro-anne"), paths.INDEX_META, erasure.erasure_path("pro-anne")}
    assert world.db.data(paths.INDEX_META)["revision"] == revision + 1


@pytest.mark.parametrize(("view", "role", "tenant", "named", "answer"), [
    ("beneficiary", "beneficiary", "ben-lyon", None, "ben-lyon"),
    ("beneficiary", "beneficiary", "ben-lyon", "ben-lyon", "ben-lyon"),
    ("beneficiary", "beneficiary", "ben-lyon", "ben-annecy", "query.beneficiary_id"),
    ("beneficiary", "operator", "platform", "ben-annecy", "ben-annecy"),
    ("beneficiary", "operator", "platform", None, ""),
    ("beneficiary", "purchasing_body", "canut", None, "header.Authorization"),
    ("purchasing_body", "purchasing_body", "canut", None, None),
    ("purchasing_body", "beneficiary", "ben-lyon", None, "header.Authorization"),
    ("half_year_reports", "operator", "platform", None, None),
    ("half_year_reports", "beneficiary", "ben-lyon", None, "header.Authorization"),
])
def test_the_reporting_service_decides_who_reads_which_view(view, role, tenant, named, answer):
    if isinstance(answer, str) and answer.startswith(("query.", "header.")):
        with pytest.raises(reporting.Forbidden) as refused:
            reporting.authorise(view, role, tenant, named)
        assert refused.value.field == answer
    else:
        assert reporting.authorise(view, role, tenant, named) == answer


def test_the_operator_lists_the_missions_awaiting_a_replacement_and_says_when_it_read_only_some(monkeypatch):
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    assert replacements.awaiting_replacement(world.uow())["missions"] == []
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    listed = replacements.awaiting_replacement(world.uow())
    assert ([m["mission_id"] for m in listed["missions"]], listed["truncated"]) == ([mission.mission_id], False)
    # who leaves is named, not only by id (the pool's record, read once for the list)
    assert [(m["professional_id"], m["professional_name"]) for m in listed["missions"]] == [("pro-anne", "Prof pro-anne")]
    # and so are the mission, by its order's title, and its beneficiary, by its registered name (the same batch read)
    assert [(m["mission_title"], m["beneficiary_name"]) for m in listed["missions"]] == [
        ("Mission : Recette fonctionnelle du nouveau portail usagers", "Métropole de Lyon")]
    # When more missions await a replacement than one reading scans, the list says it is incomplete
    monkeypatch.setattr(replacements, "SCAN", 0)
    assert replacements.awaiting_replacement(world.uow())["truncated"] is True


def test_a_need_read_while_its_ranking_commits_shows_the_ranking_with_its_status(monkeypatch):
    """B3 search process: the need's screen never shows a version's ranking beside the status before it (the
    need read, then the scoring committed, then the results read: the screen said « accusé de réception » beside
    the ranking and offered no next step)."""
    world = a_world()
    submit(world)
    fetch, scored = InMemoryUnitOfWork._fetch, []

    def fetch_then_score(self, wanted):
        found = fetch(self, wanted)
        if not scored:  # the scoring commits right after the need's first read
            scored.append(True)
            ranking.score_need(NeedSubmitted(beneficiary_id=B, need_id="n1", version=1), world.uow(), Blobs(),
                               world.clock)
        return found

    monkeypatch.setattr(InMemoryUnitOfWork, "_fetch", fetch_then_score)
    read = needs.read_need(B, "n1", world.uow())
    assert scored and read["status"] == NeedStatus.SCORED.value
    assert read["versions"][0]["result"] is not None


@pytest.mark.parametrize(("end", "notice"), [
    (dt.date(2026, 6, 20), {"amount": 3, "unit": "calendar_days", "label": "3 jours (mission de moins d'un mois)"}),
    (dt.date(2026, 7, 20), {"amount": 14, "unit": "calendar_days",
                            "label": "2 semaines (1 semaine par mois de mission commencé)"}),
    (dt.date(2026, 12, 31), {"amount": 1, "unit": "calendar_months", "label": "1 mois (mission de plus de 3 mois)"}),
])
def test_the_mission_view_says_the_notice_a_planned_departure_needs(end, notice):
    """B12: get_sourcing?view=mission answers the notice of the mission's notice table row, which the request form
    checks a planned departure against before it is sent (the rule request_replacement records as notice_respected)."""
    from shared.domain.sourcing.views import ReplacementNotice

    assert ReplacementNotice.of(dt.date(2026, 6, 1), end).model_dump(mode="json") == notice
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert view["notice"] == ReplacementNotice.of(mission.start_date, mission.end_date).model_dump(mode="json")
