"""The audit chain: sealing is deterministic and every kind of tampering is detected."""

from __future__ import annotations

import datetime as dt
import json

from devtools.audit import witnessed_heads
from shared.domain.audit import GENESIS, AuditRecord, seal, verify, witness_errors


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


def test_a_chain_recomputed_after_an_edit_verifies_but_differs_from_the_heads_logged_when_sealed():
    links, records = chain(3)
    logged = [(2, links[1].hash), (3, links[2].hash)]  # two sealer runs, each logging its head
    assert witness_errors(links, logged) == []
    edited = {**records, "r1": record(1).model_copy(update={"who": "someone-else"})}
    rewritten = seal(GENESIS, 1, [edited[f"r{i}"] for i in (1, 2, 3)])
    assert verify(rewritten, edited) == []
    assert witness_errors(rewritten, logged) == [
        "maillon 2 : empreinte différente de celle consignée au scellement",
        "maillon 3 : empreinte différente de celle consignée au scellement"]
    assert witness_errors(links[:2], logged) == ["maillon 3 consigné au scellement, absent de la chaîne"]


def test_the_logged_heads_are_read_from_a_cloud_logging_export_or_from_the_functions_own_lines():
    line = {"severity": "INFO", "message": "audit chain sealed", "space": "managers/m1", "seq": 7, "head_hash": "ab"}
    other = {"severity": "INFO", "message": "request served", "space": "managers/m1"}
    exported = json.dumps([{"jsonPayload": line, "logName": "projects/p/logs/run"}, {"jsonPayload": other}])
    assert witnessed_heads(exported) == {"managers/m1": [(7, "ab")]}
    stdout = "\n".join([json.dumps(other), "not json", json.dumps({**line, "seq": 8, "head_hash": "cd"})])
    assert witnessed_heads(stdout) == {"managers/m1": [(8, "cd")]}
