"""upsert_contract — HTTPS POST: a manager creates or updates a contract (A2.1).

Each change is delivered to the contractor's ``orders-<id>`` topic as a
``fr.passerelle.contract.changed.v1`` CloudEvent; the contractor's D2 onboarding month (A10)
opens in the same commit. Contractors cannot call it.
"""

from __future__ import annotations

import functools

import functions_framework

from functions._contracts import upsert
from shared.domain.contracts import UpsertContract
from shared.edge import http
from shared.service import contracts


@functions_framework.http
def upsert_contract(request):
    return http.serve(request, operation="upsert_contract", roles=frozenset({"manager"}), right="contracts.write",
                      action=functools.partial(upsert, UpsertContract, contracts.upsert_contract))
