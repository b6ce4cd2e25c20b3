"""The audit chain: sealing is deterministic and every kind of tampering is detected."""

from __future__ import annotations

import datetime as dt

from shared.domain.audit import GENESIS, AuditRecord, seal, verify


def record(n: int) -> AuditRecord:
    return AuditRecord(record_id=f"r{n}", space="managers/m1", who="u1", role="manager", tenant="m1",
                       action="order.updated", target=f"managers/m1/orders/o{n}",
                       at=dt.datetime(2026, 3, 3, 9, n, tzinfo=dt.UTC), before_digest=None, after_digest=f"{n:064d}",
                       correlation_id="c")


def chain(n: int):
    records = [record(i) for i in range(1, n + 1)]
    return seal(GENESIS, 1, records), {r.record_id: r for r in records}


def test_an_untouched_chain_verifies_and_can_be_extended():
    links, records = chain(3)
    assert verify(links, records) == []
    more = seal(links[-1].hash, 4, [record(4)])
    assert verify(links + more, {**records, "r4": record(4)}) == []


def test_a_modified_record_is_detected():
    links, records = chain(3)
    records["r2"] = records["r2"].model_copy(update={"who": "intrus"})
    assert verify(links, records) == ["maillon 2 : enregistrement r2 modifié"]


def test_a_deleted_record_or_link_is_detected():
    links, records = chain(3)
    del records["r3"]
    assert verify(links, records) == ["maillon 3 : enregistrement r3 supprimé"]
    links, records = chain(3)
    problems = verify([links[0], links[2]], records)
    assert "maillon 2 manquant (trouvé 3)" in problems and "enregistrement r2 hors chaîne" in problems


def test_a_forged_link_is_detected():
    links, records = chain(3)
    forged = links[1].model_copy(update={"hash": "f" * 64})
    problems = verify([links[0], forged, links[2]], records)
    assert "maillon 2 : empreinte falsifiée" in problems and "maillon 3 : chaînage rompu" in problems
