"""Erasure of a professional (GDPR) reaches every copy of what named them (docs/personal-data.md), on the
in-memory world: ranked results, proposals, stored answers, search index objects, past exports."""

from __future__ import annotations

import json

from shared.domain.sourcing.records import Professional
from shared.service.sourcing import erasure, paths, pool
from tests.fakes import MemoryExportArchive, World
from tests.sourcing_builders import a_professional
from tests.unit.test_sourcing_services import Blobs

NAME = "Zoé Introuvable-Dupont"


def seeded() -> tuple[World, Blobs, MemoryExportArchive]:
    world, blobs = World(), Blobs()
    pool.upsert_professional(Professional.model_validate({**a_professional("pro-zoe"), "name": NAME}, strict=False),
                             world.uow())
    candidate = {"professional_id": "pro-zoe", "name": NAME, "rank": 1, "explanation": "compétences : recette",
                 "matched_terms": ["recette"], "total": 0.9}
    other = {**candidate, "professional_id": "pro-zoe2", "name": "Autre Personne"}
    world.seed("beneficiaries/ben-a/needs/N1/results/1", {"need_id": "N1", "candidates": [candidate, other]})
    world.seed("beneficiaries/ben-a/needs/N1", {"need_id": "N1", "proposals": [candidate], "status": "proposed"})
    world.seed("beneficiaries/ben-b/needs/N2", {"need_id": "N2", "proposals": [other]})
    world.seed("idempotency/k1", {"answer": {"body": {"professional_id": "pro-zoe", "name": NAME}}})
    world.seed("idempotency/k2", {"answer": {"body": {"professional_id": "pro-zoe2"}}})
    for job, tenant, done in (("j1", "ben-a", "2026-03-01T00:00:00+00:00"), ("j2", "ben-b", "2026-03-01T00:00:00+00:00"),
                              ("j3", "ben-a", "2026-03-04T00:00:00+00:00")):
        world.seed(f"exports/{job}", {"job_id": job, "tenant": tenant, "status": "completed", "completed_at": done,
                                      "archive": f"exports/{tenant}/{job}.zip"})
    archive = MemoryExportArchive(objects={f"exports/{t}/{j}.zip": NAME.encode() for j, t in
                                           (("j1", "ben-a"), ("j2", "ben-b"), ("j3", "ben-a"))})
    blobs.put("search-index/professionals-r1-abc.npz", NAME.encode())
    blobs.put("search-index/professionals-r2-def.npz", NAME.encode())
    return world, blobs, archive


def test_every_copy_of_the_name_is_reached_and_what_decisions_rest_on_stays():
    world, blobs, archive = seeded()
    # When the operator erases the professional (on 3 March, 9:00)
    answer = erasure.erase_professional("pro-zoe", world.uow(), blobs=blobs, archive=archive, clock=world.clock,
                                        reason="demande de la personne")
    # Then no document keeps the name; scores, ranks and the other professionals stay
    assert answer["status"] == "erased"
    assert answer["copies"] == {"needs": 1, "results": 1, "idempotency": 1, "index_objects": 2, "exports_purged": 1}
    assert not [p for p, (data, _) in world.db.docs.items() if NAME in json.dumps(data, default=str)]
    [mine, theirs] = world.db.data("beneficiaries/ben-a/needs/N1/results/1")["candidates"]
    assert (mine["rank"], mine["total"], mine["matched_terms"]) == (1, 0.9, [])
    assert mine["explanation"] == erasure.ERASED_EXPLANATION and theirs["name"] == "Autre Personne"
    assert world.db.data("idempotency/k2") is not None and world.db.data("idempotency/k1") is None
    # And the index objects are gone, with the archive made before the erasure by the tenant whose need
    # listed them (not another tenant's, not one made after)
    assert blobs.objects == {}
    assert sorted(archive.objects) == ["exports/ben-a/j3.zip", "exports/ben-b/j2.zip"]
    assert world.db.data("exports/j1")["status"] == "purged" and world.db.data("exports/j2")["status"] == "completed"
    # And the erasure is recorded with its reason, without the name
    record = world.db.data(erasure.erasure_path("pro-zoe"))
    assert record["reason"] == "demande de la personne" and NAME not in json.dumps(record)


def test_erasing_again_finds_nothing_left_to_change():
    world, blobs, archive = seeded()
    erasure.erase_professional("pro-zoe", world.uow(), blobs=blobs, archive=archive, clock=world.clock)
    commits = world.db.commits
    again = erasure.erase_professional("pro-zoe", world.uow(), blobs=blobs, archive=archive, clock=world.clock)
    assert again["status"] == "already_erased" and world.db.commits == commits
    assert again["copies"] == {"needs": 0, "results": 0, "idempotency": 0, "index_objects": 0, "exports_purged": 0}
    assert world.db.data(paths.professional("pro-zoe"))["active"] is False
