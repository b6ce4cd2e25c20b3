"""The scheduled check of the audit chains against their witness (B15): its pure rules, and the order in
which it spends its time, on chains and a witness in memory (the real ones: tests/integration/test_audit_witness.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from shared.domain.audit import (
    GENESIS, CheckPoint, advanced, anchor_errors, full_check_due, seal, verify, witness_errors,
)
from shared.logs import CloudLoggingFormatter
from shared.service.audit_check import check_audit_witness
from tests.fakes import FixedClock
from tests.unit.test_audit_chain import chain, record

NOW = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


class Chains:
    """Sealed chains in memory, read whole in pages (``read_whole``) or from a check point."""

    def __init__(self, spaces: dict[str, int]):
        self.chains = {space: chain(n) for space, n in spaces.items()}
        self.points: dict[str, CheckPoint] = {}
        self.reads: list[tuple[str, str]] = []
        self.runs: list[dict] = []

    def spaces(self):
        return sorted(self.chains)

    def chain_page(self, space, after_seq, limit):
        if after_seq == 0:
            self.reads.append(("full", space))
        links, records = self.chains[space]
        page = sorted((k for k in links if k.seq > after_seq), key=lambda k: k.seq)[:limit]
        return page, {k.record_id: records[k.record_id] for k in page if k.record_id in records}, len(page) == limit

    def chain_head(self, space):
        links, _ = self.chains[space]
        return (links[-1].seq, links[-1].hash) if links else None

    def unsealed_records(self, space, after_id, limit, settled_before=None):
        links, records = self.chains[space]
        page = sorted(rid for rid in records if rid > after_id)[:limit]
        sealed = {k.record_id for k in links}
        return [rid for rid in page if rid not in sealed], page[-1] if page else None, len(page) == limit

    def verify_since(self, point, witnessed):
        self.reads.append(("incremental", point.space))
        links, records = self.chains[point.space]
        segment = [k for k in links if k.seq >= point.seq]
        after = (segment[0].seq - 1, segment[0].prev_hash) if segment else (point.seq, point.hash)
        return verify(segment, {k.record_id: records.get(k.record_id) for k in segment}, after=after) + \
            witness_errors(segment, set(witnessed) | {(point.seq, point.hash)})

    def check_point(self, space):
        return self.points.get(space)

    def save_check_point(self, point):
        self.points[point.space] = point

    def save_check_run(self, run):
        self.runs.append(run)

    def last_check_run(self):
        return self.runs[-1] if self.runs else None


class Witness:
    def __init__(self, chains: Chains):
        self.heads_by_space = {space: [(k.seq, k.hash) for k in links] for space, (links, _) in chains.chains.items()}

    def heads(self, space, from_seq=0, to_seq=None):
        from shared.domain.audit import WitnessedHead

        return [WitnessedHead(space=space, seq=s, hash=h, sealed_at=NOW)
                for s, h in self.heads_by_space.get(space, []) if s >= from_seq and (to_seq is None or s <= to_seq)]

    def spaces(self):
        return sorted(self.heads_by_space)


class Timer:
    """A monotonic clock that moves ``step`` seconds at each reading."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_segment_verifies_after_the_link_it_follows_and_breaks_like_a_whole_chain():
    links, records = chain(5)
    after = (links[2].seq, links[2].hash)
    assert verify(links[3:], records, after=after) == ["enregistrement r1 hors chaîne", "enregistrement r2 hors chaîne",
                                                       "enregistrement r3 hors chaîne"]
    segment = {k.record_id: records[k.record_id] for k in links[3:]}
    assert verify(links[3:], segment, after=after) == []
    assert verify(links[3:], segment, after=(3, "0" * 64)) == ["maillon 4 : chaînage rompu"]
    assert verify(links[3:], {**segment, "r5": record(5).model_copy(update={"who": "x"})}, after=after) == [
        "maillon 5 : enregistrement r5 modifié"]


def test_a_space_is_read_whole_when_it_never_was_has_no_anchor_or_was_read_a_week_ago():
    point = CheckPoint(space="managers/m1", seq=4, hash="h4", full_checked_at=NOW - dt.timedelta(days=6))
    assert full_check_due(None, NOW, WEEK) and full_check_due(point.model_copy(update={"seq": 0}), NOW, WEEK)
    assert not full_check_due(point, NOW, WEEK)
    assert full_check_due(point, NOW + dt.timedelta(days=1), WEEK)
    assert full_check_due(point.model_copy(update={"full_checked_at": None}), NOW, WEEK)


def test_the_check_point_moves_to_the_latest_witnessed_head_and_must_be_one_the_witness_holds():
    point = CheckPoint(space="managers/m1", seq=4, hash="h4", full_checked_at=NOW - WEEK)
    moved = advanced(point, [(4, "h4"), (9, "h9"), (7, "h7")], NOW, full=False)
    assert (moved.seq, moved.hash, moved.full_checked_at) == (9, "h9", NOW - WEEK)
    assert advanced(point, [], NOW, full=True).model_dump() == {**point.model_dump(), "full_checked_at": NOW}
    assert anchor_errors(point, [(4, "h4"), (9, "h9")]) == []
    assert anchor_errors(point, [(4, "forged"), (9, "h9")]) == ["point de reprise 4 absent du témoin ou différent"]
    assert anchor_errors(CheckPoint(space="managers/m1"), []) == []


def test_after_a_first_whole_reading_the_chains_are_read_from_their_check_points_until_a_week_has_passed():
    chains = Chains({"managers/m1": 5, "contractors/c1": 3})
    witness = Witness(chains)
    first = check_audit_witness(chains, witness, FixedClock(NOW))
    assert (first["full"], first["incremental"], first["status"]) == (2, 0, "intact")
    assert chains.points["managers/m1"].seq == 5
    chains.reads.clear()
    check_audit_witness(chains, witness, FixedClock(NOW + dt.timedelta(days=6)))
    assert sorted(chains.reads) == [("incremental", "contractors/c1"), ("incremental", "managers/m1")]
    chains.reads.clear()
    check_audit_witness(chains, witness, FixedClock(NOW + WEEK))
    assert sorted(chains.reads) == [("full", "contractors/c1"), ("full", "managers/m1")]


def test_whole_readings_beyond_the_time_budget_wait_for_the_next_run_the_oldest_first():
    # Given three spaces read whole 8, 9 and 10 days ago, and a budget that allows one whole reading
    chains = Chains({"managers/a": 2, "managers/b": 2, "managers/c": 2})
    witness = Witness(chains)
    for days, space in ((8, "managers/a"), (10, "managers/b"), (9, "managers/c")):
        chains.points[space] = CheckPoint(space=space, seq=2, hash=chains.chains[space][0][-1].hash,
                                          full_checked_at=NOW - dt.timedelta(days=days))
    # When the check runs, each reading taking longer than the budget
    run = check_audit_witness(chains, witness, FixedClock(NOW), full_budget_seconds=5, timer=Timer(step=3))
    # Then the space read whole the longest ago goes first; the others are checked from their check points
    assert chains.reads == [("full", "managers/b"), ("incremental", "managers/c"), ("incremental", "managers/a")]
    assert (run["full"], run["incremental"], run["full_deferred"]) == (1, 2, 2)


def rewrite(chains: Chains, space: str) -> None:
    """What an insider with Firestore write access would do: edit the first record, recompute every link."""
    links, records = chains.chains[space]
    edited = {**records, "r1": record(1).model_copy(update={"who": "someone-else"})}
    chains.chains[space] = (seal(GENESIS, 1, [edited[k.record_id] for k in links]), edited)


def test_a_rewritten_chain_logs_one_error_line_with_the_field_the_alert_counts_and_keeps_its_check_point(caplog):
    chains = Chains({"managers/m1": 3})
    witness = Witness(chains)
    check_audit_witness(chains, witness, FixedClock(NOW))
    before = chains.points["managers/m1"]
    rewrite(chains, "managers/m1")
    with caplog.at_level(logging.INFO, logger="shared.service.audit_check"):
        run = check_audit_witness(chains, witness, FixedClock(NOW + dt.timedelta(days=1)))
    lines = [json.loads(CloudLoggingFormatter().format(r)) for r in caplog.records]
    errors = [line for line in lines if line["severity"] == "ERROR"]
    assert [(e["message"], e["audit_check"], e["space"], e["mode"]) for e in errors] == [
        ("audit chain broken", "broken", "managers/m1", "incremental")]
    assert "maillon 3 : empreinte différente de celle consignée au scellement" in errors[0]["problems"]
    summary = [line for line in lines if line["message"] == "audit witness check"][-1]
    assert summary["status"] == "broken" and summary["broken_spaces"] == ["managers/m1"] and "audit_check" not in summary
    assert chains.points["managers/m1"] == before and chains.runs[-1]["status"] == "broken"
