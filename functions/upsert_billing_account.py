"""upsert_billing_account — HTTPS POST: a manager creates or updates a billing account (A2.2).

Delivered to the ``orders-<id>`` topic of every contractor holding one of its contracts as a
``fr.passerelle.billing_account.changed.v1`` CloudEvent. Contractors cannot call it.
"""

from __future__ import annotations

import functools

import functions_framework

from functions._contracts import upsert
from shared.domain.contracts import UpsertBillingAccount
from shared.edge import http
from shared.service import contracts


@functions_framework.http
def upsert_billing_account(request):
    return http.serve(request, operation="upsert_billing_account", roles=frozenset({"manager"}),
                      right="contracts.write",
                      action=functools.partial(upsert, UpsertBillingAccount, contracts.upsert_billing_account))
