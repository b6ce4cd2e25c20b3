"""Scoring: French text analysis, hard filters, partial matches, fair rotation, explanations."""

from __future__ import annotations

import datetime as dt

from shared.domain.sourcing.process import (
    Mission, RecordedDeadline, Replacement, first_uncovered_day, notice_period, replacement_errors, replacement_first_day,
)
from shared.domain.sourcing.records import AvailabilityPeriod, NeedContent, Professional
from shared.domain.sourcing.scoring import SearchIndex, rank
from shared.domain.sourcing.text import analyse
from shared.domain.validation import parse_object
from tests.sourcing_builders import a_need_content, a_professional


def pro(pid: str, **overrides) -> Professional:
    return Professional.model_validate(a_professional(pid, **overrides), strict=False)


def need(**overrides) -> NeedContent:
    return NeedContent.model_validate(a_need_content(**overrides), strict=False)


def test_accents_and_inflections_meet_on_the_same_french_stem():
    # Given the same words with and without accents, singular and plural
    # When they are analysed
    # Then they give the same terms and stop words are dropped
    assert analyse("Accessibilité des développements") == analyse("accessibilite developpement")
    assert "des" not in analyse("Accessibilité des développements")


def test_a_need_typed_without_accents_finds_the_accented_profile_first():
    # Given a tester and a Java developer
    index = SearchIndex.build([pro("p-recette"), pro("p-java", skills=["développement Java Spring"],
                                                       summary="Développeur backend", references=[], certifications=[])])
    # When a need written without accents asks for "developpement java"
    ranking = rank(index, need(summary="developpement java backend", skills=["java"], title="Developpeur"), "n", 1)
    # Then the developer ranks first and the explanation names the matched words
    assert ranking.candidates[0].professional_id == "p-java"
    assert "java" in ranking.candidates[0].matched_terms
    assert "compétences en rapport" in ranking.candidates[0].explanation


def test_the_reasons_name_the_needs_words_as_it_writes_them_not_the_index_stems():
    # Given an auditor whose profile holds the need's words, in other cases and forms
    index = SearchIndex.build([pro("p-audit", skills=["rédaction de cahiers des charges fonctionnels", "audit rgaa"],
                                   summary="Accessibilité numérique", references=[], certifications=[])])
    # When a need written with its own case asks for them
    ranking = rank(index, need(title="Audit RGAA", skills=["Cahier des charges fonctionnel", "Kubernetes"],
                               summary="Accessibilité du portail.", prerequisites="", expected_profile="",
                               certifications=[]), "n", 1)
    reason = ranking.candidates[0].explanation
    # Then the reasons say the need's phrases as written (case, whole words, the small words between them), each once,
    # never the index's cut-down lower-case stems; a word the profile lacks is not named
    assert "compétences en rapport : Audit RGAA, Cahier des charges fonctionnel, Accessibilité (pertinence" in reason
    assert "rgaa" not in reason and "cahier, charges" not in reason and "Kubernetes" not in reason
    assert ranking.candidates[0].matched_terms == ["Accessibilité", "Audit", "Cahier", "charges", "fonctionnel", "RGAA"]


def test_a_reason_phrase_stops_at_punctuation_and_between_a_needs_items():
    from shared.domain.sourcing.text import analyse_query, matched_phrases

    terms = set(analyse_query("tests d'intrusion OSCP ISTQB recette")[0])
    assert matched_phrases(["tests d’intrusion, OSCP", "ISTQB", "Recette.\nRecette"], terms, 6) == [
        "tests d’intrusion", "OSCP", "ISTQB", "Recette"]
    assert matched_phrases(["OSCP ISTQB", "recette"], terms, 1) == ["OSCP ISTQB"]
    # the same words with other small words between them are said once
    charges = set(analyse_query("rédaction cahier charges")[0])
    assert matched_phrases(["Rédaction de cahier des charges", "rédaction du cahier des charges"], charges, 6) == [
        "Rédaction de cahier des charges"]
    # a phrase names at most six words found, not a whole sentence
    sentence = "recette fonctionnelle portail usagers mobile accessible conforme"
    assert matched_phrases([sentence.title()], set(analyse_query(sentence)[0]), 6) == [
        "Recette Fonctionnelle Portail Usagers Mobile Accessible", "Conforme"]
    # a letter whose lower case is longer (« İ ») does not shift the words: they are then said in lower case
    assert matched_phrases(["İstanbul : audit RGAA"], {"audit", "rga"}, 6) == ["audit rgaa"]
    assert analyse_query("İstanbul RGAA")[1]["rga"] == "rgaa"
    assert analyse_query("Audit RGAA")[1] == {"audit": "Audit", "rga": "RGAA"}


def test_hard_filters_exclude_and_partial_matches_say_what_they_miss():
    # Given only professionals over budget or of the wrong service type
    index = SearchIndex.build([pro("p-cher", daily_rate_cents=90000), pro("p-amoe", service_types=["AMOE"])])
    # When the need's ceiling is 700 €
    ranking = rank(index, need(), "n", 1)
    # Then the result is partial and each candidate lists the filters it fails
    assert ranking.partial and ranking.full_matches == 0
    missed = {c.professional_id: c.missed for c in ranking.candidates}
    assert missed == {"p-cher": ["budget"], "p-amoe": ["service_type"]}
    assert all(c.explanation.startswith("Correspondance partielle") for c in ranking.candidates)


def test_equals_rotate_across_needs_but_not_across_rescoring_of_the_same_version():
    # Given ten identical professionals
    index = SearchIndex.build([pro(f"p-{i:02d}") for i in range(10)])
    # When the same need version is scored twice, and twenty other needs once
    first = [c.professional_id for c in rank(index, need(), "need-a", 1).candidates]
    again = [c.professional_id for c in rank(index, need(), "need-a", 1).candidates]
    leaders = {rank(index, need(), f"need-{i}", 1).candidates[0].professional_id for i in range(20)}
    # Then re-scoring is stable and different needs put different equals first
    assert first == again
    assert len(leaders) >= 4


def test_the_index_survives_serialisation_with_the_same_ranking():
    # Given an index of three professionals
    index = SearchIndex.build([pro("a"), pro("b", level="confirme"), pro("c", region="11")], revision=7)
    # When it is written to bytes and read back
    loaded = SearchIndex.from_bytes(index.to_bytes())
    # Then it ranks exactly as the original
    assert loaded.revision == 7
    assert rank(loaded, need(), "n", 1).as_dict() == rank(index, need(), "n", 1).as_dict()


def test_a_siret_with_a_wrong_luhn_key_is_refused_with_its_field():
    # Given a professional whose SIRET key is wrong
    _, errors = parse_object(Professional, a_professional("p", siret="92443595100019"))
    # Then the error names the field and the stable code
    assert [(e.field, e.code) for e in errors] == [("$.siret", "INVALID_SIRET")]


def test_the_notice_follows_the_b12_table():
    # Given missions of two weeks, two months and six months
    d = dt.date
    # Then the notice is 3 days, 2 weeks, and one month
    assert notice_period(d(2026, 3, 1), d(2026, 3, 14)).days == 3
    assert notice_period(d(2026, 3, 1), d(2026, 4, 30)).days == 14
    assert notice_period(d(2026, 3, 1), d(2026, 8, 31), d(2026, 4, 1)).days == 30


def a_mission(p: Professional) -> Mission:
    """A mission of a Sénior CHEF-PROJET at 650 €/day, from 1 April to 30 June 2026."""
    return Mission(mission_id="m", beneficiary_id="b", need_id="n", need_version=1, professional_id="p-1",
                   profile_category="CHEF-PROJET", level=p.level, service_type="AMOA", daily_rate_cents=65000,
                   extra_costs=p.extra_costs, start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 6, 30),
                   deliverables=[], milestones=[], planned_budget_cents=0, order_id="BC-n",
                   framed_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC))


def a_request(departure_date: dt.date | None = None) -> Replacement:
    deadline = RecordedDeadline(code="D6", started_at=dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC),
                                due=dt.date(2026, 5, 18), unit="calendar_days", calendar="weekdays")
    return Replacement(reason="departure" if departure_date else "insufficiency",
                       requested_at=dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC), departure_date=departure_date,
                       deadline=deadline, leaving_professional_id="p-1")


def test_a_replacement_needs_the_same_category_level_and_rates():
    # Given a mission of a Sénior CHEF-PROJET at 650 €/day, replaced from 4 May
    p = pro("p-1")
    mission, first_day = a_mission(p), dt.date(2026, 5, 4)
    # When candidates differ in level, category or rate
    # Then each difference is reported; an equivalent candidate passes
    assert [e.code for e in replacement_errors(mission, pro("p-2", level="confirme"), first_day)] == [
        "REPLACEMENT_NOT_EQUIVALENT"]
    assert [e.code for e in replacement_errors(mission, pro("p-3", daily_rate_cents=60000), first_day)] == [
        "REPLACEMENT_RATE_MISMATCH"]
    assert [e.code for e in replacement_errors(mission, pro("p-4", profile_category="DEV"), first_day)] == [
        "REPLACEMENT_NOT_EQUIVALENT"]
    assert replacement_errors(mission, pro("p-5"), first_day) == []


def available(*spans: tuple[str, str]) -> list[dict]:
    return [{"start": start, "end": end} for start, end in spans]


def test_a_replacement_available_over_the_rest_of_the_mission_passes():
    # Given the mission (1 April – 30 June) replaced from 4 May
    mission, first_day = a_mission(pro("p-1")), dt.date(2026, 5, 4)
    # When the candidate declares exactly 4 May – 30 June, or a longer period in two overlapping pieces
    exact = pro("p-2", availability=available(("2026-05-04", "2026-06-30")))
    overlapping = pro("p-3", availability=available(("2026-06-01", "2026-09-30"), ("2026-03-01", "2026-06-15")))
    # Then both pass: the days already worked by the leaving professional need not be covered
    assert replacement_errors(mission, exact, first_day) == []
    assert replacement_errors(mission, overlapping, first_day) == []


def test_a_gap_in_the_availability_refuses_the_replacement_naming_the_first_missing_day():
    # Given the mission replaced from 4 May, and a candidate away from 1 to 14 June
    mission, first_day = a_mission(pro("p-1")), dt.date(2026, 5, 4)
    gap = pro("p-2", availability=available(("2026-06-15", "2026-07-31"), ("2026-04-01", "2026-05-31")))
    # When the operator proposes the candidate
    errors = replacement_errors(mission, gap, first_day)
    # Then it is refused on the professional, naming the span and the first day not covered
    assert [(e.field, e.code) for e in errors] == [("$.professional_id", "REPLACEMENT_NOT_AVAILABLE")]
    assert errors[0].message == ("Remplaçant indisponible du 2026-05-04 au 2026-06-30 : "
                                 "pas de disponibilité déclarée le 2026-06-01.")
    # And a candidate available only after the first day, or not at all, is refused from that first day
    late = pro("p-3", availability=available(("2026-05-05", "2026-06-30")))
    assert [e.message.endswith("le 2026-05-04.") for e in replacement_errors(mission, late, first_day)] == [True]
    assert [e.code for e in replacement_errors(mission, pro("p-4", availability=[]), first_day)] == [
        "REPLACEMENT_NOT_AVAILABLE"]
    # And one available until 29 June only misses the mission's last day
    short = pro("p-5", availability=available(("2026-05-01", "2026-06-29")))
    assert [e.message.endswith("le 2026-06-30.") for e in replacement_errors(mission, short, first_day)] == [True]


def test_periods_joined_end_to_end_cover_the_span():
    # Given availability declared month by month, each period ending the day before the next starts
    mission = a_mission(pro("p-1"))
    monthly = pro("p-2", availability=available(("2026-06-01", "2026-06-30"), ("2026-04-01", "2026-04-30"),
                                                ("2026-05-01", "2026-05-31")))
    # Then the union covers the whole mission: no day falls between two periods
    assert first_uncovered_day(monthly.availability, mission.start_date, mission.end_date) is None
    assert replacement_errors(mission, monthly, mission.start_date) == []
    # And a day left out between two periods is the first one missing
    assert first_uncovered_day(available_periods(("2026-04-01", "2026-04-29"), ("2026-05-01", "2026-06-30")),
                               mission.start_date, mission.end_date) == dt.date(2026, 4, 30)


def available_periods(*spans: tuple[str, str]) -> list[AvailabilityPeriod]:
    return [AvailabilityPeriod.model_validate(s, strict=False) for s in available(*spans)]


def test_the_first_day_is_the_latest_of_the_mission_start_the_departure_and_today():
    mission = a_mission(pro("p-1"))
    d = dt.date
    # Given a departure planned on 29 May, proposed on 12 May: the replacement starts on the departure
    assert replacement_first_day(mission, a_request(d(2026, 5, 29)), d(2026, 5, 12)) == d(2026, 5, 29)
    # Given a departure on 4 May, proposed on 12 May: it starts today, the days in between are past
    assert replacement_first_day(mission, a_request(d(2026, 5, 4)), d(2026, 5, 12)) == d(2026, 5, 12)
    # Given an insufficiency (no departure date) reported before the mission starts: it starts with the mission
    assert replacement_first_day(mission, a_request(), d(2026, 3, 25)) == d(2026, 4, 1)
    # So a candidate free from 29 May replaces the planned departure, but could not start on 12 May
    candidate = pro("p-2", availability=available(("2026-05-29", "2026-06-30")))
    first_day = replacement_first_day(mission, a_request(d(2026, 5, 29)), d(2026, 5, 12))
    assert replacement_errors(mission, candidate, first_day) == []
    assert [e.code for e in replacement_errors(mission, candidate, d(2026, 5, 12))] == ["REPLACEMENT_NOT_AVAILABLE"]


def test_nothing_is_left_to_cover_when_the_first_day_is_after_the_mission_end():
    # Given a mission whose last day is past when the replacement is proposed
    mission = a_mission(pro("p-1"))
    # Then availability is not asked for an empty span
    assert replacement_errors(mission, pro("p-2", availability=[]), dt.date(2026, 7, 1)) == []
