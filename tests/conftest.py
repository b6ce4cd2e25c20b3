"""Fixtures shared by the test tiers.

Unit tests use none of these. Integration and functional tests start the real gcloud
Firestore and Pub/Sub emulators once per session, on free ports, and stop them at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devtools.stack import Stack

CONTRACTORS = ("ctr-test", "ctr-other")
MANAGERS = ("mgr-test", "mgr-other")


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.from_config(tmp_path_factory.mktemp("stack-logs"), free_ports=True)
    stack.start_emulators()
    saved = {k: os.environ.get(k) for k in stack.env()}
    os.environ.update(stack.env())
    try:
        yield stack
    finally:
        stack.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def firestore_client(emulators: Stack):
    from google.cloud import firestore

    return firestore.Client(project=emulators.project_id)


@pytest.fixture
def clean_firestore(emulators: Stack, firestore_client):
    """An empty database with the test parties registered."""
    emulators.clear_firestore()
    register_parties(firestore_client)
    return firestore_client


def register_beneficiary(client, beneficiary_id: str, name: str | None = None) -> None:
    """A beneficiary as register_beneficiary leaves it in the registry of tenants: its record, and its manager-like
    space of kind beneficiary (one namespace of tenants, shared/service/registry.py)."""
    client.document(f"beneficiaries/{beneficiary_id}").set({"name": name or beneficiary_id})
    client.document(f"managers/{beneficiary_id}").set({"name": name or beneficiary_id, "kind": "beneficiary"})


def register_parties(client) -> None:
    for manager in MANAGERS:
        client.collection("managers").document(manager).set({"name": manager})
    client.collection("contractors").document("ctr-test").set({"name": "Test", "managers": ["mgr-test"]})
    client.collection("contractors").document("ctr-other").set({"name": "Other", "managers": ["mgr-other"]})
    # The contract tests/builders.py orders are issued under (A13: an order names a contract in force).
    for manager, contractor in (("mgr-test", "ctr-test"), ("mgr-other", "ctr-other")):
        client.document(f"managers/{manager}/contracts/AC-2026-017").set({
            "contract_id": "AC-2026-017", "contractor_id": contractor, "status": "active",
            "starts_on": "2020-01-01", "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
