"""The whole platform as clients see it: every function on its own port, over real HTTP.

The functions are loaded with functions-framework's ``create_app`` in one host process
(devtools/functions_host.py), each served on its own port as in ./scripts/dev; a test that
needs a function with extra environment calls ``platform.restart_function(name, env)``, which
runs it in a functions-framework process of its own.
"""

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
    emulators.provision_incident_alerts()  # severity-1/2 reports publish there (B9)
    return emulators


@pytest.fixture(autouse=True)
def _functions_alive(request):
    """A crash of the functions host fails every later test: say so, with the end of its log."""
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").check_functions()


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
