"""The whole platform as clients see it: every function in its own functions-framework process."""

from __future__ import annotations

import pytest

from devtools.stack import Stack, load_config
from tests.conftest import CONTRACTORS, MANAGERS
from tests.functional.erp import Erp


@pytest.fixture(scope="session")
def platform(emulators: Stack) -> Stack:
    emulators.start_functions(list(load_config()["functions"]))
    for contractor in CONTRACTORS:
        emulators.provision_contractor(contractor)
    return emulators


@pytest.fixture
def manager(platform: Stack, clean_firestore) -> Erp:
    return Erp(platform, "manager", MANAGERS[0])


@pytest.fixture
def contractor(platform: Stack, clean_firestore):
    erp = Erp(platform, "contractor", CONTRACTORS[0])
    erp.pull("replies-ctr-test", wait=0.5)  # start from an empty reply queue
    erp.pull("orders-ctr-test", wait=0.5)
    yield erp
    erp.close()


@pytest.fixture
def other_contractor(platform: Stack, clean_firestore):
    erp = Erp(platform, "contractor", CONTRACTORS[1])
    yield erp
    erp.close()
