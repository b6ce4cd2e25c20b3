"""Erasure on the emulator: the record is anonymised in one audited write; missions stay."""

from __future__ import annotations

import pytest

from shared.adapters.documents import FirestoreDocuments
from shared.domain.sourcing.records import Professional
from shared.service.sourcing import services
from shared.service.sourcing.erasure import erase_professional
from tests.sourcing_builders import a_professional

pytestmark = pytest.mark.emulators


def test_a_professional_is_erased_once_and_what_points_at_them_is_kept(clean_firestore):
    docs = FirestoreDocuments(clean_firestore)
    professional = Professional.model_validate(a_professional("pro-7"), strict=False)
    services.upsert_professional(professional, docs)
    clean_firestore.document("beneficiaries/ben-1/missions/M-1").set({"professional_id": "pro-7", "budget": 1})
    # When the operator erases them, twice
    assert erase_professional("pro-7", docs)["status"] == "erased"
    assert erase_professional("pro-7", docs)["status"] == "already_erased"
    # Then the record no longer names them, the mission is untouched, and the write is audited
    stored = clean_firestore.document("professionals/pro-7").get().to_dict()
    assert professional.name not in str(stored) and stored["active"] is False
    assert clean_firestore.document("beneficiaries/ben-1/missions/M-1").get().to_dict() == {
        "professional_id": "pro-7", "budget": 1}
    actions = [s.get("action") for s in clean_firestore.collection("platform/registry/audit").stream()
               if s.get("target") == "professionals/pro-7"]
    assert sorted(actions) == ["document.create", "document.update"]
