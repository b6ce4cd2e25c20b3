"""B15 traceability on the real emulators (Firestore, fake-gcs-server): a space of a few thousand audit records
read whole in small pages, every kind of tampering found beyond the first page, a reading stopped by its time
budget continued by the next run, and memory that no longer grows with the space."""

from __future__ import annotations

import datetime as dt
import tracemalloc
import uuid

import pytest

from shared.adapters.audit import FirestoreAuditTrail
from shared.adapters.audit_witness import GcsAuditWitness
from shared.domain.audit import GENESIS, AuditLink, AuditRecord, WholeReading, WitnessedHead, seal
from shared.service.audit_check import check_audit_witness, read_whole, verify_space, witness_heads
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators
SPACE = "managers/mgr-test"
NOW = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)
PAGE = 200  # small pages: the emulator scans a collection per query, production reads 500 a page
HEADS_EVERY = 400  # the sealer witnesses the last link of each run, of at most 400 records


@pytest.fixture
def witness(emulators) -> GcsAuditWitness:
    return GcsAuditWitness(emulators.project_id, f"witness-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def trail(clean_firestore, witness) -> FirestoreAuditTrail:
    return FirestoreAuditTrail(clean_firestore, witness=witness)


def audit_record(n: int, space: str = SPACE) -> AuditRecord:
    return AuditRecord(record_id=uuid.uuid4().hex, space=space, who="erp-mgr", role="manager", tenant="mgr-test",
                       action="order.updated", target=f"{space}/orders/BC-{n:06d}",
                       at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n),
                       before_digest=None, after_digest=f"{n:064x}", correlation_id=f"c-{n}")


def build_space(db, witness, n: int, space: str = SPACE) -> list[AuditLink]:
    """``n`` records of ``space``, sealed as the sealer seals them (shared/domain/audit.py, ``seal``), the head
    of every 400 links and the last witnessed; written directly, in batches, to be quick."""
    records = [audit_record(i, space) for i in range(1, n + 1)]
    links = seal(GENESIS, 1, records)
    batch, writes = db.batch(), 0
    for record, link in zip(records, links, strict=True):
        batch.set(db.document(f"{space}/audit/{record.record_id}"), record.model_dump(mode="json"))
        batch.set(db.document(f"{space}/audit_chain/{link.seq:012d}"), link.model_dump())
        writes += 2
        if writes >= 498:
            batch.commit()
            batch, writes = db.batch(), 0
    batch.set(db.document(f"{space}/audit_chain/head"), {"seq": links[-1].seq, "hash": links[-1].hash})
    batch.commit()
    for link in links:
        if link.seq % HEADS_EVERY == 0 or link is links[-1]:
            witness.record(WitnessedHead(space=space, seq=link.seq, hash=link.hash, sealed_at=NOW))
    return links


def record_of(db, seq: int, space: str = SPACE):
    return db.document(f"{space}/audit/{db.document(f'{space}/audit_chain/{seq:012d}').get().get('record_id')}")


def read(trail, witness, reading: WholeReading | None = None, **options):
    return read_whole(trail, SPACE, witness_heads(witness, SPACE), reading or WholeReading(started_at=NOW),
                      page_size=PAGE, **options)


def test_a_space_of_thousands_of_records_read_in_small_pages_is_intact_and_every_kind_of_tampering_is_found(
        clean_firestore, trail, witness):
    # Given a space of 2,500 sealed and witnessed records, read 200 links a page
    links = build_space(clean_firestore, witness, 2500)
    db = clean_firestore
    # Then it is intact, and the check would move to its last witnessed head
    outcome = read(trail, witness)
    assert (outcome.problems, outcome.left) == ([], None)
    assert outcome.latest == (2500, links[-1].hash) and outcome.heads_compared == 7
    # When an insider edits the record of link 1,234, deletes that of link 1,750, removes link 2,001,
    # forges the hash of link 800 (a witnessed head), and writes a record that no link seals
    record_of(db, 1234).update({"who": "someone-else"})
    record_of(db, 1750).delete()
    db.document(f"{SPACE}/audit_chain/{2001:012d}").delete()
    db.document(f"{SPACE}/audit_chain/{800:012d}").update({"hash": "f" * 64})
    stray = audit_record(9999).model_copy(update={"record_id": "f" * 32})  # the last id, on the last page
    db.document(f"{SPACE}/audit/{stray.record_id}").set(stray.model_dump(mode="json"))
    # Then the paged reading reports each of them
    problems = read(trail, witness).problems
    rid = links[1749].record_id
    assert sorted(problems) == sorted([
        "maillon 1234 : enregistrement " + links[1233].record_id + " modifié",
        f"maillon 1750 : enregistrement {rid} supprimé",
        "maillon 2001 manquant (trouvé 2002)",
        "maillon 800 : empreinte falsifiée",
        "maillon 801 : chaînage rompu",
        "maillon 2002 : chaînage rompu",  # chained to the removed link
        "maillon 800 : empreinte différente de celle consignée au scellement",
        f"enregistrement {links[2000].record_id} hors chaîne",  # the record of the removed link
        f"enregistrement {stray.record_id} hors chaîne",
    ])


def test_a_wholesale_rewrite_of_the_chain_after_the_first_page_differs_from_the_witness(clean_firestore, trail, witness):
    # Given a witnessed space, whose records from link 701 on an insider edits and whose links and head
    # they recompute, so that the chain verifies on its own
    links = build_space(clean_firestore, witness, 1000)
    db = clean_firestore
    edited = []
    for link in links[700:]:
        ref = db.document(f"{SPACE}/audit/{link.record_id}")
        ref.update({"who": "someone-else"})
        edited.append(AuditRecord.model_validate(ref.get().to_dict()))
    batch = db.batch()
    for new in seal(links[699].hash, 701, edited):
        batch.set(db.document(f"{SPACE}/audit_chain/{new.seq:012d}"), new.model_dump())
    batch.set(db.document(f"{SPACE}/audit_chain/head"), {"seq": new.seq, "hash": new.hash})
    batch.commit()
    assert verify_space(trail, SPACE) == []
    # Then the reading against the witness finds each witnessed head from there on rewritten
    assert read(trail, witness).problems == [f"maillon {seq} : empreinte différente de celle consignée au scellement"
                                             for seq in (800, 1000)]


def test_a_reading_stopped_by_the_budget_is_continued_by_the_next_run_which_finds_a_tampering_beyond(
        clean_firestore, trail, witness, monkeypatch):
    # Given a space of 2,000 records never checked, and a run whose budget is spent after 5 pages of 200 links
    # (a timer that counts the space's pages read)
    links = build_space(clean_firestore, witness, 2000)
    pages: list[int] = []
    chain_page = trail.chain_page
    monkeypatch.setattr(trail, "chain_page", lambda space, after, limit: (
        pages.append(after) if space == SPACE else None, chain_page(space, after, limit))[1])
    first = check_audit_witness(trail, witness, FixedClock(NOW), page_size=PAGE, full_budget_seconds=4.5,
                                timer=lambda: len(pages))
    # Then the reading is left for the next run at the latest witnessed head it verified, link 800
    assert (first["status"], first["full_unfinished"]) == ("intact", 1)
    point = trail.check_point(SPACE)
    assert (point.reading.phase, point.reading.seq, point.reading.hash) == ("chain", 800, links[799].hash)
    assert (point.seq, point.full_checked_at) == (0, None)
    # When a record beyond it is edited, and the next run has time enough
    assert pages == list(range(0, 1000, 200))
    record_of(clean_firestore, 1888).update({"who": "someone-else"})
    pages.clear()
    second = check_audit_witness(trail, witness, FixedClock(NOW + dt.timedelta(hours=12)), page_size=PAGE)
    # Then it continues after link 800, not from the start, and reports the edit
    assert pages[0] == 800 and 0 not in pages
    assert [b["space"] for b in second["broken"]] == [SPACE]
    assert second["broken"][0]["problems"] == [f"maillon 1888 : enregistrement {links[1887].record_id} modifié"]
    # And the broken space keeps its saved reading, so that the next run reports it again
    assert trail.check_point(SPACE).reading.seq == 800
    third = check_audit_witness(trail, witness, FixedClock(NOW + dt.timedelta(days=1)), page_size=PAGE)
    assert [b["space"] for b in third["broken"]] == [SPACE]


def test_a_reading_resumed_among_the_records_ends_and_sets_the_check_point(clean_firestore, trail, witness):
    # Given a reading stopped among the records (the chain verified to its end)
    links = build_space(clean_firestore, witness, 1200)
    pages = iter(range(100))
    first = read(trail, witness, stop=lambda: next(pages) >= 7)  # 6 pages of links, then 2 of records
    assert first.problems == [] and first.left.phase == "records" and first.left.seq == 1200
    # When the next run continues it
    second = read(trail, witness, first.left)
    # Then it ends, and the check would move to the chain's last witnessed head
    assert (second.problems, second.left, second.latest) == ([], None, (1200, links[-1].hash))


def peak_of_whole_reading(trail, witness, space: str) -> int:
    tracemalloc.start()
    try:
        outcome = read_whole(trail, space, witness_heads(witness, space), WholeReading(started_at=NOW), page_size=PAGE)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert outcome.problems == []


def test_the_memory_of_a_whole_reading_does_not_grow_with_the_space(clean_firestore, witness):
    # Given two spaces, one four times the other, read with the same page size (once before, so that
    # neither measure counts what a first reading builds once: models' validators, the gRPC channel)
    build_space(clean_firestore, witness, 600, "managers/mgr-small")
    build_space(clean_firestore, witness, 2400, "managers/mgr-large")
    trail = FirestoreAuditTrail(clean_firestore, witness=witness)
    peak_of_whole_reading(trail, witness, "managers/mgr-small")
    small = peak_of_whole_reading(trail, witness, "managers/mgr-small")
    large = peak_of_whole_reading(trail, witness, "managers/mgr-large")
    # Then the larger one's peak is about the smaller one's (read at once, it held 4 times as much:
    # bench/audit_reading.py prints both for larger spaces)
    assert large < 1.5 * small, (small, large)
