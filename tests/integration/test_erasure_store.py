"""Erasure on the emulator: the record is anonymised in one audited commit with the index's
revision bump; missions stay."""

from __future__ import annotations

import uuid

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.sourcing.records import Professional
from shared.service.sourcing import paths, pool
from shared.service.sourcing.erasure import erase_professional
from tests.sourcing_builders import a_professional

pytestmark = pytest.mark.emulators


def test_a_professional_is_erased_once_and_what_points_at_them_is_kept(clean_firestore, emulators):
    uow = FirestoreUnitOfWork(clean_firestore)
    professional = Professional.model_validate(a_professional("pro-7"), strict=False)
    pool.upsert_professional(professional, uow)
    clean_firestore.document("beneficiaries/ben-1/missions/M-1").set({"professional_id": "pro-7", "budget": 1})
    # When the operator erases them, twice
    from shared.adapters.exports import CloudExportArchive
    from shared.adapters.storage import GcsBlobStore
    from tests.fakes import FixedClock

    bucket = f"{emulators.project_id}-erasure-{uuid.uuid4().hex[:8]}"
    ports = {"blobs": GcsBlobStore(emulators.project_id, bucket),
             "archive": CloudExportArchive(clean_firestore, emulators.project_id, bucket),
             "clock": FixedClock("2026-03-03T09:00:00+00:00")}
    assert erase_professional("pro-7", uow, **ports)["status"] == "erased"
    assert erase_professional("pro-7", uow, **ports)["status"] == "already_erased"
    # Then the record no longer names them, the mission is untouched, and the write is audited
    stored = clean_firestore.document("professionals/pro-7").get().to_dict()
    assert professional.name not in str(stored) and stored["active"] is False
    assert clean_firestore.document("beneficiaries/ben-1/missions/M-1").get().to_dict() == {
        "professional_id": "pro-7", "budget": 1}
    actions = [s.get("action") for s in clean_firestore.collection("platform/registry/audit").stream()
               if s.get("target") == "professionals/pro-7"]
    assert sorted(actions) == ["professional.created", "professional.updated"]
    assert clean_firestore.document("erasures/pro-7").get().to_dict()["erased_at"] == "2026-03-03T09:00:00+00:00"
    # And the pool changed for the search index: its revision moved with each of the two commits
    assert clean_firestore.document(paths.INDEX_META).get().to_dict()["revision"] == 2
