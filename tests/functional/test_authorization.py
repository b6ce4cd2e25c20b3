"""Every HTTPS endpoint refuses callers it must refuse (401/403, problem+json) and writes nothing.

The endpoint list comes from emulators.json, so a new function is covered the day it is added.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from devtools.stack import load_config
from devtools.tokens import emulator_token
from tests.conftest import register_beneficiary

pytestmark = pytest.mark.emulators

ROLES = ("manager", "contractor", "beneficiary", "purchasing_body", "operator")
ENDPOINTS = {name: spec for name, spec in load_config()["functions"].items()
             if spec["trigger"] == "http" and "role" in spec}
# GET-only functions, as the OpenAPI contract generated from the handlers says (get_…, list_…, watch_orders)
_PATHS = json.loads((Path(__file__).parents[2] / "docs/contracts/openapi.json").read_text(encoding="utf-8"))["paths"]
READS = frozenset(path.strip("/") for path, operations in _PATHS.items() if "get" in operations and "post" not in operations)
# Every person changes its own password, whatever rights its account holds (B15): no right to miss.
NEEDS_NO_RIGHT = {"change_password"}


def all_documents(client) -> set[str]:
    paths: set[str] = set()

    def walk(collections) -> None:
        for collection in collections:
            for ref in collection.list_documents():
                snap = ref.get()
                if snap.exists:
                    paths.add(ref.path)
                walk(ref.collections())

    walk(client.collections())
    return paths


def call(platform, name: str, token: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json", "Idempotency-Key": "authz-check-0001"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if name in READS:
        return requests.get(platform.url(name) + "/", headers=headers, timeout=30)
    return requests.post(platform.url(name) + "/", data=b"{}", headers=headers, timeout=30)


def refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [e["code"] for e in response.json()["errors"]] == [code]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_endpoint_refuses_strangers_wrong_roles_and_missing_rights(platform, clean_firestore, name):
    # Given the store as it is
    before = all_documents(clean_firestore)
    allowed = ENDPOINTS[name]["role"].split("|")
    project = platform.project_id
    # (a function open to every role, e.g. list_incidents, meets an unknown role: entitled to nothing)
    wrong_role = next((r for r in ROLES if r not in allowed), "stranger")
    # When callers without a token, with a forged one, with the wrong role or without the right call it
    refused(call(platform, name, None), 401, "UNAUTHENTICATED")
    refused(call(platform, name, "eyJhbGciOiJub25lIn0.e30."), 401, "UNAUTHENTICATED")
    refused(call(platform, name, emulator_token(project, "u-role", role=wrong_role, tenant="mgr-test")), 403, "FORBIDDEN")
    for role in allowed:
        token = emulator_token(project, "u-norights", role=role, tenant="mgr-test", rights=[])
        if name in NEEDS_NO_RIGHT:  # past the rights (a role on another's tenant is still refused), to the body
            response = call(platform, name, token)
            assert response.status_code in (403, 422), response.text
            assert [e["code"] for e in response.json()["errors"]][0] in ("TENANT_NOT_REGISTERED", "TENANT_ID_TAKEN",
                                                                         "REQUIRED"), response.text
            continue
        refused(call(platform, name, token), 403, "MISSING_RIGHT")
    # And a token whose password is one the operator set may call change_password only (B15)
    role = allowed[0]
    marked = emulator_token(project, "u-temporary", role=role, tenant="mgr-test", password_change_required=True)
    if name not in NEEDS_NO_RIGHT:
        refused(call(platform, name, marked), 403, "PASSWORD_CHANGE_REQUIRED")
    # Then each is refused with a problem, and nothing was written (but the answer to a body refused, under
    # its Idempotency-Key)
    assert {p for p in all_documents(clean_firestore) if not p.startswith("idempotency/")} == before


# A registered tenant of each role (shared/service/registry.py): the registry is checked before the body.
TENANTS = {"manager": "mgr-test", "contractor": "ctr-test", "beneficiary": "ben-authz", "operator": "platform",
           "purchasing_body": "centrale-authz"}


def registered_tenant(client, role: str) -> str:
    if role == "beneficiary":
        register_beneficiary(client, "ben-authz", "Bénéficiaire")
    return TENANTS[role]


BODYLESS = {"export_space"}  # POST starts an export; it reads no body
# Rejections there are answers the platform keeps (inbox, reply, audit: the A4 error loop).
RECORDS_REJECTIONS = {"submit_execution", "submit_invoice"}


@pytest.mark.parametrize("name", sorted(n for n in ENDPOINTS if n not in READS and n not in BODYLESS))
def test_each_endpoint_refuses_unknown_fields_and_oversized_bodies(platform, clean_firestore, name):
    # Given a caller with the right role, every right and a registered tenant
    role = ENDPOINTS[name]["role"].split("|")[0]
    token = emulator_token(platform.project_id, f"u-ok-{role}", role=role,
                           tenant=registered_tenant(clean_firestore, role))
    before = all_documents(clean_firestore)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    # When it tries to set a field the API does not define (mass assignment)
    response = requests.post(platform.url(name) + "/", data=b'{"tenant": "mgr-other", "is_admin": true}',
                             headers={**headers, "Idempotency-Key": "mass-assign-0001"}, timeout=30)
    # Then the body is refused: the unknown fields are named, or — for a body whose kind is
    # chosen by a discriminator it lacks — the whole body is refused at its root
    assert response.status_code in (400, 422), response.text
    codes = {(e["code"], e["field"]) for e in response.json()["errors"]}
    assert {c for c, _ in codes} & {"UNKNOWN_FIELD"} or any(f.count(".") <= 1 and c == "INVALID_VALUE"
                                                             for c, f in codes), response.text
    # When it sends a body over the limit (8 MiB; bulk imports accept more, so 40 MiB for them)
    for size in (8, 40):
        huge = b'{"x": "' + b"a" * (size * 1024 * 1024) + b'"}'
        response = requests.post(platform.url(name) + "/", data=huge, timeout=120,
                                 headers={**headers, "Idempotency-Key": f"oversized-{size:04d}"})
        if response.status_code == 413:
            break
    # Then it is refused, and no data was written (only the answer to the refused request is
    # remembered under its Idempotency-Key, as for any answer)
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "PAYLOAD_TOO_LARGE"
    if name not in RECORDS_REJECTIONS:
        assert {p for p in all_documents(clean_firestore) if not p.startswith("idempotency/")} == before
