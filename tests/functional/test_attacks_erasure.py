"""GDPR erasure of a professional on the emulators: seeded everywhere their name can appear (the record,
the stored answer of its upsert, the search index object, a ranked result, a proposal, a past export of
the beneficiary), then erased through HTTPS — no document, no stored object, no archive keeps the name."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from tests.functional.erp import Erp
from tests.functional.test_authorization import all_documents
from tests.sourcing_builders import a_beneficiary, a_need_content, a_professional

pytestmark = pytest.mark.emulators

NAME = "Zebulon Introuvable-Testnom"  # ASCII: found as such in JSON, JSON Lines and the index alike


def readable(data: bytes) -> list[bytes]:
    """The object's bytes, and every entry of it when it is a ZIP (export archives, .npz index objects)."""
    if not data.startswith(b"PK"):
        return [data]
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return [data, *(part for info in zipped.infolist() for part in readable(zipped.read(info)))]


def objects_naming(project: str, name: str) -> list[str]:
    client = storage.Client(project=project, credentials=AnonymousCredentials())
    return [f"{bucket.name}/{blob.name}" for bucket in client.list_buckets() for blob in client.list_blobs(bucket)
            if any(name.encode() in part for part in readable(blob.download_as_bytes()))]


def documents_naming(db, name: str) -> list[str]:
    return [path for path in sorted(all_documents(db))
            if name in json.dumps(db.document(path).get().to_dict(), default=str, ensure_ascii=False)]


def export(platform, who: Erp) -> dict:
    started = who.post("export_space", {})
    assert started.status_code == 202, started.text
    deadline, job = time.monotonic() + 90, {}
    while time.monotonic() < deadline and job.get("status") != "completed":
        time.sleep(0.5)
        job = requests.get(platform.url("export_space") + "/", params={"job_id": started.json()["job_id"]},
                           headers={"Authorization": f"Bearer {who.token}"}, timeout=30).json()
    assert job["status"] == "completed", job
    return job


@pytest.mark.timeout(600)
def test_an_erased_professional_s_name_is_left_nowhere(platform, clean_firestore):
    platform.provision_sourcing()
    platform.provision_exports()
    platform.provision_contractor("ctr-titulaire")
    operator, beneficiary = Erp(platform, "operator", "platform"), Erp(platform, "beneficiary", "ben-lyon")
    assert operator.post("register_beneficiary", a_beneficiary()).status_code in (200, 201)
    # Given the professional in the pool (its upsert's answer is kept for idempotency), ranked for a need,
    # proposed to the beneficiary, and the beneficiary's export made since
    upserted = operator.post("upsert_professional", {**a_professional("pro-zebulon"), "name": NAME})
    assert upserted.status_code in (200, 201), upserted.text
    assert operator.post("upsert_professional", a_professional("pro-other")).status_code in (200, 201)
    assert beneficiary.post("submit_need", {"need_id": "recette-rgpd", "content": a_need_content()}).status_code == 201
    deadline = time.monotonic() + 60
    while not list(clean_firestore.collection("beneficiaries/ben-lyon/needs/recette-rgpd/results").stream()):
        assert time.monotonic() < deadline, "the need was not scored"
        time.sleep(0.3)
    proposed = operator.post("propose_professionals", {
        "beneficiary_id": "ben-lyon", "need_id": "recette-rgpd", "version": 1,
        "proposals": [{"professional_id": "pro-zebulon", "guaranteed_until": "2030-12-31"}]})
    assert proposed.status_code == 200, proposed.text
    before = export(platform, beneficiary)
    named_documents = documents_naming(clean_firestore, NAME)
    named_objects = objects_naming(platform.project_id, NAME)
    assert {"professionals/pro-zebulon", "beneficiaries/ben-lyon/needs/recette-rgpd",
            "beneficiaries/ben-lyon/needs/recette-rgpd/results/1"} <= set(named_documents)
    assert any(p.startswith("idempotency/") for p in named_documents)
    assert any("search-index/" in o for o in named_objects) and any(before["archive"] in o for o in named_objects)
    # When the operator erases them
    erased = operator.post("erase_professional", {"professional_id": "pro-zebulon", "reason": "Demande RGPD"})
    # Then no document and no stored object (archives and index objects opened) keeps the name
    assert erased.status_code == 200, erased.text
    assert erased.json()["copies"]["exports_purged"] == 1
    assert documents_naming(clean_firestore, NAME) == []
    assert objects_naming(platform.project_id, NAME) == []
    # And the beneficiary's past export says it was purged; a new one holds the anonymised record only
    job = requests.get(platform.url("export_space") + "/", params={"job_id": before["job_id"]}, timeout=30,
                       headers={"Authorization": f"Bearer {beneficiary.token}"}).json()
    assert job["status"] == "purged" and "download_url" not in job
    again = export(platform, beneficiary)
    archive = requests.get(again["download_url"], timeout=60).content
    assert not any(NAME.encode() in part for part in readable(archive))
    # And the need keeps its ranking and its proposal, under the anonymised name
    need = clean_firestore.document("beneficiaries/ben-lyon/needs/recette-rgpd").get().to_dict()
    assert [p["professional_id"] for p in need["proposals"]] == ["pro-zebulon"]
    assert need["proposals"][0]["name"].startswith("Professionnel effacé")
