"""B8 availability: the uptime check of every public function (infra/terraform/monitoring.tf,
``local.uptime_functions``, derived from ``local.functions``) makes, from outside, a call that must get the
platform's own 401. The same calls on the local stack — at each function's deployed, hyphenated path through
the gateway, with the method and body Terraform sends and no token — get exactly that, so a check never pages
for a healthy function, and a public function added without its right method fails here (405)."""

from __future__ import annotations

import json

import pytest
import requests

from tests.unit.test_terraform import EMULATORS_FILE, _load_terraform, _public_functions, _uptime_functions

pytestmark = pytest.mark.emulators


def test_every_public_function_answers_its_uptime_checks_call_with_the_platforms_401(platform):
    # Given the uptime checks Terraform derives, one per public function
    terraform = _load_terraform()
    checked = _uptime_functions(terraform)
    called_by_a_role = {name for name, spec in json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))[
        "functions"].items() if "role" in spec}
    assert set(checked) == _public_functions(terraform) == called_by_a_role
    answers = {}
    for name, method in sorted(checked.items()):
        # When the uptime check's call reaches the function at /<function-name> (POST: a JSON body "{}")
        url = platform.gateway_url(name.replace("_", "-"))
        sent = requests.request(method, url, timeout=30, **({"data": b"{}", "headers": {
            "Content-Type": "application/json"}} if method == "POST" else {}))
        answers[name] = (sent.status_code, sent.headers.get("Content-Type"), sent.text)
    # Then each is the function's structured 401, which the check's content matcher looks for
    wrong = {name: answer for name, answer in answers.items() if answer[0] != 401}
    assert wrong == {}
    for name, (_, content_type, text) in answers.items():
        assert content_type == "application/problem+json", name
        assert '"UNAUTHENTICATED"' in text, name
        assert [e["field"] for e in json.loads(text)["errors"]] == ["header.Authorization"], name
