"""The whole reading of a space's audit chain in pages, resumable from run to run (B15 traceability): its
pure rules, on chains and a witness in memory (the real ones: tests/integration/test_audit_paged_reading.py)."""

from __future__ import annotations

import datetime as dt

from shared.domain.audit import (
    GENESIS, AuditLink, CheckPoint, WholeReading, full_check_due, head_errors, out_of_chain, seal, verify,
    witness_errors,
)
from shared.service.audit_check import check_audit_witness, listed_heads, read_whole
from tests.fakes import FixedClock
from tests.unit.test_audit_chain import record
from tests.unit.test_audit_witness_check import NOW, Chains, Timer, Witness

SPACE = "managers/m1"
START = WholeReading(started_at=NOW)


def records(n: int):
    base = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    return [record(1).model_copy(update={"record_id": f"r{i:05d}", "at": base + dt.timedelta(seconds=i),
                                         "target": f"managers/m1/orders/o{i}"}) for i in range(1, n + 1)]


def space_of(n: int, heads_every: int = 5) -> tuple[Chains, Witness]:
    """A sealed space of ``n`` records, its head witnessed every ``heads_every`` links (as the sealer
    witnesses the last link of each of its runs) and at its last link."""
    chains = Chains({})
    written = records(n)
    chains.chains[SPACE] = (seal(GENESIS, 1, written), {r.record_id: r for r in written})
    witness = Witness(chains)
    links = chains.chains[SPACE][0]
    witness.heads_by_space[SPACE] = [(k.seq, k.hash) for k in links if k.seq % heads_every == 0 or k is links[-1]]
    return chains, witness


def heads_of(witness: Witness):
    return listed_heads(witness.heads_by_space[SPACE])


def at_once(chains: Chains, witness: Witness) -> list[str]:
    """What ``verify`` and ``witness_errors`` say of the whole space read at once."""
    links, held = chains.chains[SPACE]
    return verify(links, held) + witness_errors(links, witness.heads_by_space[SPACE])


class StopAfter:
    """A budget spent after ``pages`` pages."""

    def __init__(self, pages: int):
        self.pages = pages

    def __call__(self) -> bool:
        self.pages -= 1
        return self.pages <= 0


def test_an_intact_space_read_in_pages_is_intact_and_its_latest_witnessed_head_is_the_check_point():
    chains, witness = space_of(50)
    outcome = read_whole(chains, SPACE, heads_of(witness), START, page_size=7)
    assert (outcome.problems, outcome.left) == ([], None)
    assert outcome.latest == witness.heads_by_space[SPACE][-1] and outcome.heads_compared == 10


def test_every_kind_of_tampering_on_a_later_page_is_found_as_a_reading_at_once_finds_it():
    # Given a space of 50 records read 7 links at a time
    chains, witness = space_of(50)
    links, held = chains.chains[SPACE]
    links = list(links)
    # When an insider edits record 20, deletes record 30, removes link 40, forges the hash of link 25,
    # writes a record no link seals, and the witness holds another hash for link 35
    held = {**held, "r00020": held["r00020"].model_copy(update={"who": "someone-else"})}
    del held["r00030"]
    held["r99999"] = records(1)[0].model_copy(update={"record_id": "r99999"})
    links[24] = links[24].model_copy(update={"hash": "f" * 64})
    del links[39]
    chains.chains[SPACE] = (links, held)
    witness.heads_by_space[SPACE] = [(s, "e" * 64 if s == 35 else h) for s, h in witness.heads_by_space[SPACE]]
    # Then the paged reading reports what the reading at once reports, each on its own page
    paged = read_whole(chains, SPACE, heads_of(witness), START, page_size=7)
    assert sorted(paged.problems) == sorted(at_once(chains, witness))
    assert {"maillon 20 : enregistrement r00020 modifié", "maillon 30 : enregistrement r00030 supprimé",
            "maillon 40 manquant (trouvé 41)", "maillon 25 : empreinte falsifiée", "maillon 26 : chaînage rompu",
            "maillon 35 : empreinte différente de celle consignée au scellement",
            "maillon 40 consigné au scellement, absent de la chaîne",
            "enregistrement r99999 hors chaîne"} <= set(paged.problems)
    assert paged.problem_count == len(paged.problems)


def test_a_witnessed_head_beyond_the_last_link_is_missing_from_the_chain():
    chains, witness = space_of(20)
    chains.chains[SPACE] = (chains.chains[SPACE][0][:17], chains.chains[SPACE][1])
    problems = read_whole(chains, SPACE, heads_of(witness), START, page_size=7).problems
    assert "maillon 20 consigné au scellement, absent de la chaîne" in problems


def test_a_reading_stopped_by_its_budget_keeps_the_latest_witnessed_head_and_continues_after_it():
    # Given a space whose heads are witnessed every 5 links, read 7 links a page, the budget spent after 2 pages
    chains, witness = space_of(50)
    first = read_whole(chains, SPACE, heads_of(witness), START, page_size=7, stop=StopAfter(2))
    # Then the reading stops after link 14, and keeps the head witnessed at link 10
    assert first.problems == [] and first.left.phase == "chain"
    assert (first.left.seq, first.left.hash) == witness.heads_by_space[SPACE][1] and first.left.started_at == NOW
    # When record 40 is edited before the next run, which continues from there
    links, held = chains.chains[SPACE]
    held["r00040"] = held["r00040"].model_copy(update={"who": "someone-else"})
    pages: list[int] = []
    reading = chains.chain_page
    chains.chain_page = lambda space, after, limit: (pages.append(after), reading(space, after, limit))[1]
    second = read_whole(chains, SPACE, heads_of(witness), first.left, page_size=7)
    # Then it reads from link 11 on, and finds the edit
    assert pages[0] == 10
    assert second.problems == ["maillon 40 : enregistrement r00040 modifié"] and second.left is None


def test_a_resumed_reading_whose_position_the_witness_does_not_hold_is_broken():
    chains, witness = space_of(20)
    forged = START.model_copy(update={"seq": 10, "hash": "0" * 63 + "1"})
    problems = read_whole(chains, SPACE, heads_of(witness), forged, page_size=7).problems
    assert problems[0] == "point de reprise 10 absent du témoin ou différent"


def test_a_reading_stopped_among_the_records_continues_after_the_last_record_id_it_checked():
    # Given a space with a record no link seals, far in the order of the ids
    chains, witness = space_of(30)
    links, held = chains.chains[SPACE]
    held["r00025x"] = records(1)[0].model_copy(update={"record_id": "r00025x"})
    # When the budget is spent after the chain (5 pages of 7 links) and one page of records
    first = read_whole(chains, SPACE, heads_of(witness), START, page_size=7, stop=StopAfter(5))
    # Then the reading stops among the records, after the 7th id, having verified the chain to its last head
    assert first.problems == [] and first.left.phase == "records" and first.left.record_after == "r00007"
    assert (first.left.seq, first.left.hash) == witness.heads_by_space[SPACE][-1]
    # And the next run finds the record out of the chain without reading the chain again
    chains.chain_page = None
    second = read_whole(chains, SPACE, heads_of(witness), first.left, page_size=7)
    assert second.problems == ["enregistrement r00025x hors chaîne"] and second.left is None


def test_the_problems_kept_are_bounded_but_all_counted():
    chains, witness = space_of(300)
    links, held = chains.chains[SPACE]
    for rid in list(held):
        held[rid] = held[rid].model_copy(update={"who": "someone-else"})
    outcome = read_whole(chains, SPACE, heads_of(witness), START, page_size=50)
    assert len(outcome.problems) == 100 and outcome.problem_count == 300


def test_the_head_document_must_end_the_chain_read_or_be_beyond_it():
    assert head_errors(None, (0, GENESIS)) == [] and head_errors((3, "h3"), (3, "h3")) == []
    assert head_errors((5, "h5"), (3, "h3")) == []  # sealed while it was read: the next reading goes there
    assert head_errors(None, (3, "h3")) == head_errors((3, "x"), (3, "h3")) == head_errors((2, "h2"), (3, "h3")) == [
        "tête de chaîne incohérente"]
    assert out_of_chain(["r2", "r1"]) == ["enregistrement r1 hors chaîne", "enregistrement r2 hors chaîne"]


def test_a_space_with_a_reading_under_way_is_read_whole_again_at_the_next_run():
    point = CheckPoint(space=SPACE, seq=4, hash="h4", full_checked_at=NOW)
    assert not full_check_due(point, NOW, dt.timedelta(days=7))
    assert full_check_due(point.model_copy(update={"reading": START}), NOW, dt.timedelta(days=7))


def test_the_check_saves_a_reading_its_budget_stopped_and_the_next_run_ends_it():
    # Given a space of 40 records never checked, read 5 links a page, and a budget spent after one page
    chains, witness = space_of(40)
    first = check_audit_witness(chains, witness, FixedClock(NOW), page_size=5, full_budget_seconds=5,
                                timer=Timer(step=3))
    # Then the run reports a whole reading left for the next run, saved in the space's check point
    assert (first["status"], first["full"], first["full_unfinished"], first["incremental"]) == ("intact", 1, 1, 0)
    point = chains.points[SPACE]
    assert (point.seq, point.full_checked_at, point.reading.seq) == (0, None, 5)
    # When the next run, half a day later, has time enough
    later = NOW + dt.timedelta(hours=12)
    second = check_audit_witness(chains, witness, FixedClock(later), page_size=5, timer=Timer(step=0))
    # Then it ends the reading: the check point is the last witnessed head, read whole when the reading began
    assert (second["full"], second["full_unfinished"]) == (1, 0)
    point = chains.points[SPACE]
    assert ((point.seq, point.hash), point.full_checked_at, point.reading) == (
        witness.heads_by_space[SPACE][-1], NOW, None)


def test_a_space_whose_whole_reading_is_left_for_the_next_run_is_also_checked_from_its_check_point():
    # Given a space checked to link 40, whose weekly whole reading is due, then 10 more links sealed
    chains, witness = space_of(50)
    links: list[AuditLink] = chains.chains[SPACE][0]
    chains.points[SPACE] = CheckPoint(space=SPACE, seq=40, hash=links[39].hash, full_checked_at=NOW - dt.timedelta(days=8))
    # When the budget stops the whole reading after one page
    run = check_audit_witness(chains, witness, FixedClock(NOW), page_size=5, full_budget_seconds=5, timer=Timer(step=3))
    # Then the links sealed since the check point are read too, and the check point moves on
    assert (run["full"], run["full_unfinished"], run["incremental"]) == (1, 1, 1)
    assert ("incremental", SPACE) in chains.reads
    point = chains.points[SPACE]
    assert (point.seq, point.reading.seq, point.full_checked_at) == (50, 5, NOW - dt.timedelta(days=8))
