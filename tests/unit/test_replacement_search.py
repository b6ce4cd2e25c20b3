"""B12 replacement: the operator's search of the whole pool for a mission's replacement — the pure search over
the index (name, skill, availability, daily rate; the mission's profile first) and the service that judges each
professional found with the replacement rules."""

from __future__ import annotations

import datetime as dt

from shared.domain.sourcing.messages import RequestReplacement
from shared.domain.sourcing.process import SourcingActor
from shared.domain.sourcing.records import ExtraCosts, Professional
from shared.domain.sourcing.scoring import SearchIndex
from shared.domain.sourcing.scoring.pool_search import PoolFilters, Profile, folded, search_pool
from shared.service.sourcing import missions, pool, replacements
from tests.sourcing_builders import a_professional
from tests.unit.test_sourcing_services import B, Blobs, a_world, accepted, framing

PROFILE = Profile("CHEF-PROJET", "senior", "AMOA", 65000, ExtraCosts(travel_cents=3000, meals_cents=2000))


def pro(pid: str, **overrides) -> Professional:
    return Professional.model_validate(a_professional(pid, **overrides), strict=False)


def ids(index: SearchIndex, rows) -> list[str]:
    return [index.ids[i] for i in rows]


def a_pool() -> SearchIndex:
    return SearchIndex.build([
        pro("p-anne", name="Anne Dupré"),  # the mission's profile and rates
        pro("p-emilie", name="Émilie Faure", daily_rate_cents=69000),
        pro("p-jules", name="Jules Martin", level="confirme", daily_rate_cents=52000,
            skills=["développement Python", "API REST"], summary="Développeur back-end."),
        pro("p-leo", name="Léo Petit", availability=[{"start": "2026-01-01", "end": "2026-05-31"}]),
        pro("p-old", name="Anne Ancienne", active=False),
    ])


def test_an_empty_search_lists_every_active_professional_the_missions_profile_first_then_by_name():
    index = a_pool()
    assert ids(index, search_pool(index, PoolFilters(), PROFILE)) == ["p-anne", "p-leo", "p-emilie", "p-jules"]


def test_the_name_is_found_without_case_or_accents_and_the_one_leaving_is_left_out():
    index = a_pool()
    assert folded("Émilie") == "emilie"
    assert ids(index, search_pool(index, PoolFilters(name="EMILIE"), PROFILE)) == ["p-emilie"]
    assert ids(index, search_pool(index, PoolFilters(name="anne"), PROFILE, exclude="p-anne")) == []


def test_a_skill_keeps_those_whose_text_matches_it_the_daily_rate_caps_and_availability_covers_the_period():
    index = a_pool()
    assert ids(index, search_pool(index, PoolFilters(skill="python"), PROFILE)) == ["p-jules"]
    assert ids(index, search_pool(index, PoolFilters(max_daily_rate_cents=65000), PROFILE)) == [
        "p-anne", "p-leo", "p-jules"]
    june = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert "p-leo" not in ids(index, search_pool(index, PoolFilters(available=june), PROFILE))
    assert "p-leo" in ids(index, search_pool(index, PoolFilters(available=(dt.date(2026, 5, 4),
                                                                            dt.date(2026, 5, 31))), PROFILE))


def a_mission_awaiting_a_replacement():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    for p in (a_professional("pro-dora", name="Dora Lemaire"),
              a_professional("pro-emile", name="Émile Roux", daily_rate_cents=69000),
              a_professional("pro-gaston", name="Gaston Blanc", availability=[{"start": "2026-01-01",
                                                                                "end": "2026-05-31"}])):
        pool.upsert_professional(Professional.model_validate(p, strict=False), world.uow())
    replacements.request_replacement(B, RequestReplacement.model_validate({
        "action": "request", "mission_id": mission.mission_id, "reason": "insufficiency"}, strict=False),
        SourcingActor.BENEFICIARY, world.uow(), world.clock)
    return world, mission


def test_each_professional_found_says_what_the_replacement_rules_would_refuse():
    # Given a mission of pro-anne awaiting a replacement, and three more professionals in the pool
    world, mission = a_mission_awaiting_a_replacement()
    # When the operator searches the whole pool
    found = replacements.replacement_candidates(B, mission.mission_id, world.uow(), Blobs(), world.clock)
    # Then the one leaving is left out, the equivalent one comes first and is eligible
    by_id = {c["professional_id"]: c for c in found["candidates"]}
    assert "pro-anne" not in by_id and found["candidates"][0]["professional_id"] == "pro-dora"
    assert (by_id["pro-dora"]["eligible"], by_id["pro-dora"]["refusals"]) == (True, [])
    # And the others say, in French, what replace_professional would refuse
    assert [(e["code"], e["message"]) for e in by_id["pro-emile"]["refusals"]] == [(
        "REPLACEMENT_RATE_MISMATCH",
        "Remplaçant refusé : TJM de 690,00 € au lieu de 650,00 € (mêmes conditions tarifaires exigées).")]
    assert [e["code"] for e in by_id["pro-gaston"]["refusals"]] == ["REPLACEMENT_NOT_AVAILABLE"]
    assert [e["code"] for e in by_id["pro-bruno"]["refusals"]] == ["REPLACEMENT_NOT_EQUIVALENT",
                                                                   "REPLACEMENT_RATE_MISMATCH"]
    # And availability is asked from the replacement's first day: the mission's start, later than today
    assert world.clock.now().date() < dt.date(2026, 4, 1)
    assert (found["first_day"], found["end_date"], found["professional_id"]) == ("2026-04-01", "2026-06-30", "pro-anne")


def test_the_filters_narrow_the_pool_availability_over_the_missions_remaining_period():
    world, mission = a_mission_awaiting_a_replacement()

    def search(**filters):
        found = replacements.replacement_candidates(B, mission.mission_id, world.uow(), Blobs(), world.clock,
                                                    **filters)
        return [c["professional_id"] for c in found["candidates"]], found

    assert search(name="emile")[0] == ["pro-emile"]
    assert "pro-gaston" not in search(available=True)[0]
    assert search(max_daily_rate_cents=65000)[0] == ["pro-dora", "pro-gaston", "pro-bruno"]
    listed, found = search(limit=1)
    assert (listed, found["count"], found["matched"], found["truncated"]) == (["pro-dora"], 1, 4, True)
