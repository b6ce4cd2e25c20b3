"""Accounts with the real Auth emulator, and the reversibility export checked against the store."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from devtools import seed
from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators


def sign_in(platform, email: str, password: str) -> str:
    url = (f"http://127.0.0.1:{platform.ports['auth']}/identitytoolkit.googleapis.com/v1/"
           "accounts:signInWithPassword?key=fake-api-key")
    response = requests.post(url, json={"email": email, "password": password, "returnSecureToken": True}, timeout=30)
    response.raise_for_status()
    return response.json()["idToken"]


def test_an_account_is_requested_created_by_the_operator_and_signs_in_with_its_rights(platform, clean_firestore):
    from tests.functional.erp import Erp

    manager = Erp(platform, "manager", "mgr-test")
    operator = Erp(platform, "operator", "platform")
    # Given a manager asking for an account for one of its people
    asked = manager.post("request_account", {"email": "Lea.Martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                             "rights": ["orders.read"], "territory": "69"})
    assert asked.status_code == 202, asked.text
    request = asked.json()
    assert request["status"] == "pending" and request["due_at"] > request["requested_at"]
    # When the operator creates it (a weak password is refused first)
    weak = operator.post("manage_account", {"email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                            "role": "manager", "tenant": "mgr-test", "rights": ["orders.read"],
                                            "password": "motdepassemotdepasse", "request_id": request["request_id"]})
    assert [e["code"] for e in weak.json()["errors"]] == ["WEAK_PASSWORD"]
    created = operator.post("manage_account", {"email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                               "role": "manager", "tenant": "mgr-test", "rights": ["orders.read"],
                                               "password": "Tr0ub4dour&3-Lyon", "request_id": request["request_id"]})
    assert created.status_code == 200, created.text
    assert created.json()["request"]["status"] == "fulfilled" and created.json()["request"]["met"] is True
    # and the D7 deadline the request started is met, in the requester's space
    d7 = clean_firestore.document(f"managers/mgr-test/deadlines/{request['request_id']}").get().to_dict()
    assert d7["kind"] == "D7" and d7["state"] == "met"
    # Then the person signs in with the Auth emulator, chooses its own password at first sign-in (B15: the
    # operator's is temporary) and holds exactly the rights given
    assert seed.choose_own_password(platform.url("change_password"), platform.ports["auth"],
                                    "lea.martin@rhone-habitat.fr", "Tr0ub4dour&3-Lyon", "Lea-Martin-Lyon-2026") == 200
    token = sign_in(platform, "lea.martin@rhone-habitat.fr", "Lea-Martin-Lyon-2026")
    reader = Erp(platform, "manager", "mgr-test")
    reader.token = token
    assert manager.post("receive_order", issue_order_body()).status_code == 201
    assert reader.get_order("BC-2026-014").status_code == 200
    denied = reader.post("receive_order", issue_order_body("BC-2026-015"))
    assert denied.status_code == 403 and denied.json()["errors"][0]["code"] == "MISSING_RIGHT"


def test_a_manager_exports_all_of_its_data_and_nothing_of_others(platform, clean_firestore, contractor):
    from tests.functional.erp import Erp

    platform.provision_exports()
    manager, other = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    for n in range(3):
        assert manager.post("receive_order", issue_order_body(f"BC-EXP-{n}")).status_code == 201
    report = {"manager_id": "mgr-test", "order_id": "BC-EXP-0", "sequence": 1, "state": "acknowledged",
              # in time: a message months late has its last days of P1 written by its timer, which could
              # land after the export started (docs/penalties.md, "P1 on the messages")
              "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
              "event": {"label": "Pris en compte"}}
    assert contractor.post("submit_execution", report).status_code == 200
    clean_firestore.document("managers/mgr-other/orders/SECRET").set({"title": "not yours"})
    # When the manager asks for its export
    started = manager.post("export_space", {})
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    deadline, job = time.monotonic() + 60, {}
    while time.monotonic() < deadline and job.get("status") != "completed":
        time.sleep(0.5)
        job = requests.get(platform.url("export_space") + "/", params={"job_id": job_id},
                           headers={"Authorization": f"Bearer {manager.token}"}, timeout=30).json()
    assert job["status"] == "completed", job
    # Another manager cannot see the job
    assert requests.get(platform.url("export_space") + "/", params={"job_id": job_id}, timeout=30,
                        headers={"Authorization": f"Bearer {other.token}"}).status_code == 404
    # Then the signed URL gives an archive whose manifest matches the store exactly
    downloaded = requests.get(job["download_url"], timeout=30)
    archive = zipfile.ZipFile(io.BytesIO(downloaded.content))
    # under a name a person recognises (A8): the space's name and the day, asked of Storage by the signed URL
    assert job["download_name"] == f"passerelle-export-mgr-test-{dt.datetime.now(ZoneInfo('Europe/Paris')):%Y-%m-%d}.zip"
    # (the Storage emulator, fake-gcs-server, ignores response-content-disposition: only the signed request is
    # checked here; Cloud Storage answers it as the response's Content-Disposition)
    asked = parse_qs(urlsplit(job["download_url"]).query)["response-content-disposition"]
    assert asked == [f'attachment; filename="{job["download_name"]}"']
    manifest = json.loads(archive.read("manifest.json"))
    exported = {json.loads(line)["path"] for f in manifest["files"] if f["name"].endswith(".jsonl")
                for line in archive.read(f["name"]).decode().splitlines()}
    expected = set()

    def walk(collections):
        for collection in collections:
            for ref in collection.list_documents():
                if ref.get().exists:
                    expected.add(ref.path)
                walk(ref.collections())

    walk(clean_firestore.document("managers/mgr-test").collections())
    if clean_firestore.document("managers/mgr-test").get().exists:
        expected.add("managers/mgr-test")
    assert exported == expected and manifest["records"] == len(expected)
    assert {"managers/mgr-test/orders/BC-EXP-0/events/s0000001", "managers/mgr-test/orders/BC-EXP-2"} <= exported
    assert not any("mgr-other" in path for path in exported)
    import hashlib

    for f in manifest["files"]:
        assert hashlib.sha256(archive.read(f["name"])).hexdigest() == f["sha256"]
