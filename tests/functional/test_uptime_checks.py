"""B15/A3: the uptime checks of the ERP-facing functions (infra/terraform/monitoring.tf,
``local.uptime_functions``) make, from outside, a call that must get the platform's own 401. The same calls
on the local stack — at each function's deployed, hyphenated path through the gateway, with the method and
body Terraform sends and no token — get exactly that, so a check never pages for a healthy function."""

from __future__ import annotations

import pytest
import requests

from tests.unit.test_terraform import _load_terraform

pytestmark = pytest.mark.emulators


def test_each_checked_function_answers_the_uptime_checks_call_with_the_platforms_401(platform):
    checked = _load_terraform()["locals"]["uptime_functions"]
    assert checked
    for name, method in checked.items():
        # When the uptime check's call reaches the function at /<function-name> (POST: a JSON body "{}")
        url = platform.gateway_url(name.replace("_", "-"))
        sent = requests.request(method, url, timeout=30, **({"data": b"{}", "headers": {
            "Content-Type": "application/json"}} if method == "POST" else {}))
        # Then it is the function's structured 401, which the check's content matcher looks for
        assert sent.status_code == 401, (name, sent.status_code, sent.text)
        assert sent.headers["Content-Type"] == "application/problem+json", name
        assert '"UNAUTHENTICATED"' in sent.text, name
        assert [e["field"] for e in sent.json()["errors"]] == ["header.Authorization"], name
