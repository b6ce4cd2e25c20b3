"""What the operator reads of the audit trail's scheduled check (B15 audit trail): the summary the check keeps,
over chains and a witness in memory (on the emulators and through HTTPS: tests/functional/test_audit_journal.py)."""

from __future__ import annotations

import datetime as dt

from shared.domain.audit_report import audit_check_view, broken_since, named_links, named_records
from shared.service.audit_check import check_audit_witness
from shared.service.audit_view import last_check
from tests.fakes import FixedClock
from tests.unit.test_audit_chain import record
from tests.unit.test_audit_witness_check import NOW, Chains, Timer, Witness, rewrite

DAY = dt.timedelta(days=1)


def edit(chains: Chains, space: str, record_id: str) -> None:
    """An edit of one record behind the platform's back, its link left as it was."""
    links, records = chains.chains[space]
    chains.chains[space] = (links, {**records, record_id: records[record_id].model_copy(update={"who": "x"})})


def test_before_any_check_the_operator_reads_that_none_ran():
    view = last_check(Chains({}))
    assert (view.status, view.checked_at, view.chains) == ("never_run", None, [])


def test_every_chain_found_intact_is_listed_with_when_the_check_ran_and_what_it_read():
    chains = Chains({"managers/m1": 3, "contractors/c1": 2, "platform/registry": 1})
    check_audit_witness(chains, Witness(chains), FixedClock(NOW))
    view = last_check(chains)
    assert (view.status, view.checked_at, view.spaces, view.full, view.altered) == ("intact", NOW, 3, 3, 0)
    assert [(c.space, c.kind, c.party_id, c.verdict) for c in view.chains] == [
        ("contractors/c1", "contractor", "c1", "intact"), ("managers/m1", "manager", "m1", "intact"),
        ("platform/registry", "platform", "registry", "intact")]


def test_an_edited_record_names_its_chain_link_and_record_since_the_first_check_that_found_it():
    # Given two chains checked once, intact
    chains = Chains({"managers/m1": 3, "contractors/c1": 2})
    witness = Witness(chains)
    check_audit_witness(chains, witness, FixedClock(NOW))
    # When a record of m1 is edited, and the weekly whole reading finds it
    edit(chains, "managers/m1", "r2")
    check_audit_witness(chains, witness, FixedClock(NOW + 7 * DAY))
    # Then the operator reads the chain altered first, with the link and the record, since that check
    view = last_check(chains)
    assert (view.status, view.altered) == ("altered", 1)
    altered = view.chains[0]
    assert (altered.space, altered.verdict, altered.mode, altered.links, altered.records) == (
        "managers/m1", "altered", "full", [2], ["r2"])
    assert altered.altered_since == NOW + 7 * DAY and altered.problem_count == len(altered.problems) >= 1
    assert [(c.space, c.verdict) for c in view.chains[1:]] == [("contractors/c1", "intact")]
    # And the next checks, and a retried one, keep the date it was first found altered
    for at in (NOW + 8 * DAY, NOW + 8 * DAY, NOW + 9 * DAY):
        check_audit_witness(chains, witness, FixedClock(at), full=True)
        assert last_check(chains).chains[0].altered_since == NOW + 7 * DAY
    assert last_check(chains).checked_at == NOW + 9 * DAY


def test_a_rewritten_chain_names_the_link_whose_hash_differs_from_the_witness():
    chains = Chains({"managers/m1": 3})
    witness = Witness(chains)
    check_audit_witness(chains, witness, FixedClock(NOW))
    rewrite(chains, "managers/m1")
    check_audit_witness(chains, witness, FixedClock(NOW + DAY))
    altered = last_check(chains).chains[0]
    assert (altered.verdict, altered.mode, altered.links, altered.records) == ("altered", "incremental", [3], [])


def test_a_chain_whose_whole_reading_waits_for_the_next_run_is_listed_as_not_checked():
    chains = Chains({"managers/a": 2, "managers/b": 2})
    check_audit_witness(chains, Witness(chains), FixedClock(NOW), full_budget_seconds=1.5, timer=Timer(1.0))
    view = last_check(chains)
    assert [(c.space, c.verdict) for c in view.chains] == [("managers/a", "intact"), ("managers/b", "not_checked")]
    assert view.deferred == 1 and view.status == "intact"


def test_links_and_records_are_read_back_from_the_french_problems():
    problems = ["maillon 4 : enregistrement 3f2a9c modifié", "maillon 6 manquant (trouvé 7)",
                "enregistrement ab_12 hors chaîne", "maillon 4 : chaînage rompu", "tête de chaîne incohérente"]
    assert named_links(problems) == [4, 6]
    assert named_records(problems) == ["3f2a9c", "ab_12"]


def test_since_is_carried_only_from_a_summary_that_found_the_same_space_broken():
    first = NOW - 3 * DAY
    previous = {"checked_at": NOW - DAY, "broken": [{"space": "managers/m1", "since": first}]}
    assert broken_since(previous, "managers/m1", NOW) == first
    assert broken_since(previous, "managers/m2", NOW) == NOW
    assert broken_since(None, "managers/m1", NOW) == NOW
    # a summary written before "since" was kept: the check that wrote it found the space broken
    assert broken_since({"checked_at": NOW - DAY, "broken": [{"space": "managers/m1"}]}, "managers/m1", NOW) \
        == NOW - DAY


def test_a_summary_written_before_the_verdicts_were_kept_still_reads():
    older = {"checked_at": NOW, "spaces": 2, "full": 0, "incremental": 2, "heads_compared": 4, "seconds": 0.2,
             "status": "broken",
             "broken": [{"space": "managers/m1", "problems": [f"maillon 2 : enregistrement {record(2).record_id} modifié"]}]}
    view = audit_check_view(older)
    assert (view.status, view.chains[0].records, view.chains[0].altered_since) == ("altered", ["r2"], NOW)
