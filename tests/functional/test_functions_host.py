"""The local stack's functions host (devtools/functions_host.py): every function on its own port and
under the gateway, one log per function, a function restarted alone with extra environment, and a
crash of the host that the stack reports instead of hiding."""

from __future__ import annotations

import base64
import json
import os
import signal
import uuid

import pytest
import requests

from devtools.stack import HOST, Stack, free_port, load_config

pytestmark = pytest.mark.emulators


def test_every_function_answers_on_its_own_port_and_under_the_gateway_alike(platform):
    # Given the platform the suite started: one host process serving every function
    health = requests.get(platform.gateway_url() + "/_host/health", timeout=30).json()
    assert set(health["functions"]) == set(load_config()["functions"])
    assert {f["state"] for f in health["functions"].values()} == {"serving"}
    # When an unauthenticated client asks get_order on its port, then at /get_order on the gateway, and at
    # /get-order, its deployed name (the path on cloudfunctions.net)
    own = requests.get(platform.url("get_order") + "/", params={"order_id": "BC-1"}, timeout=30)
    gateway = requests.get(platform.gateway_url("get_order"), params={"order_id": "BC-1"}, timeout=30)
    deployed = requests.get(platform.gateway_url("get-order"), params={"order_id": "BC-1"}, timeout=30)
    # Then all three are the function's own structured 401, the same but for the correlation id
    assert own.status_code == gateway.status_code == deployed.status_code == 401
    assert deployed.json()["errors"] == own.json()["errors"]
    assert own.headers["Content-Type"] == gateway.headers["Content-Type"] == "application/problem+json"
    assert ({k: v for k, v in own.json().items() if k != "correlation_id"}
            == {k: v for k, v in gateway.json().items() if k != "correlation_id"})
    # And the gateway lists every function at /, and answers an unknown one with a French 404 problem
    listed = requests.get(platform.gateway_url() + "/", timeout=30).json()["functions"]
    assert listed["receive_order"] == {"path": "/receive_order", "port": platform.ports["receive_order"],
                                       "state": "serving"}
    unknown = requests.get(platform.gateway_url("no_such_function"), timeout=30)
    assert unknown.status_code == 404 and "Aucune fonction" in unknown.json()["detail"]
    # And the web app, served by the Hosting emulator (not a function), may call the hosted functions (CORS)
    page = requests.get(platform.web_url() + "/", timeout=30)
    assert page.status_code == 200 and 'src="app.js"' in page.text
    origin = platform.web_url()
    called = requests.get(platform.url("get_order") + "/", headers={"Origin": origin}, timeout=30)
    assert called.headers.get("Access-Control-Allow-Origin") == origin


def test_a_pubsub_push_through_the_gateway_reads_the_contractor_from_the_topic_in_its_path(platform, contractor):
    # Given a delivery as the Pub/Sub emulator pushes it: an execution report for an order that does not exist
    ce_id = f"gw-{uuid.uuid4().hex}"
    report = {"manager_id": "mgr-test", "order_id": "BC-NO-SUCH-ORDER", "sequence": 1}
    push = {"subscription": f"projects/{platform.project_id}/subscriptions/gateway-test",
            "message": {"data": base64.b64encode(json.dumps(report).encode()).decode(), "messageId": "9001",
                        "publishTime": "2026-03-03T08:59:58.123Z",
                        "attributes": {"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//erp.ctr-test/",
                                       "ce-type": "fr.passerelle.execution.reported.v1",
                                       "content-type": "application/json"}}}
    # When it is pushed to publish_execution under the gateway, on the contractor's topic path
    path = f"/publish_execution/projects/{platform.project_id}/topics/execution-ctr-test"
    answer = requests.post(platform.gateway_url() + path, json=push, timeout=30)
    # Then the function took it (functions-framework read the topic from the path below the gateway prefix)
    assert answer.status_code == 200, answer.text
    # And the contractor of that topic gets the rejection on its reply topic, with its errors
    reply = contractor.reply_to(ce_id)
    assert reply["status"] == "rejected" and reply["errors"], reply


def test_each_function_writes_its_own_log_file(platform):
    # Given two requests carrying a marker, one to get_order, one to list_orders
    marker = uuid.uuid4().hex
    requests.get(platform.url("get_order") + "/", params={"order_id": f"get-{marker}"}, timeout=30)
    requests.get(platform.gateway_url("list_orders"), params={"cursor": f"list-{marker}"}, timeout=30)
    # Then each request is in its own function's log (reached on its port or under the gateway), not the other's
    get_log = (platform.log_dir / "get_order.log").read_text()
    list_log = (platform.log_dir / "list_orders.log").read_text()
    assert f"get-{marker}" in get_log and f"list-{marker}" not in get_log
    assert f"list-{marker}" in list_log and f"get-{marker}" not in list_log


def test_a_function_restarted_with_extra_environment_runs_alone_and_comes_back_to_the_host(platform):
    origin = "http://restarted.test"
    url = platform.url("get_order") + "/"
    session = requests.Session()  # a client that keeps its connection pool across the restarts
    assert "Access-Control-Allow-Origin" not in session.get(url, headers={"Origin": origin}, timeout=30).headers
    try:
        # When get_order is restarted with an environment of its own (an extra allowed origin)
        platform.restart_function("get_order", {"ALLOWED_ORIGINS": origin})
        # Then it runs in a functions-framework process of its own, the host no longer serves it
        assert "get_order" in platform.processes and "get_order" not in platform.hosted
        health = requests.get(platform.gateway_url() + "/_host/health", timeout=30).json()
        assert health["functions"]["get_order"]["state"] == "released"
        # And the same client, on the same port, reaches the restarted function
        answer = session.get(url, headers={"Origin": origin}, timeout=30)
        assert answer.headers.get("Access-Control-Allow-Origin") == origin
        # And the gateway sends its path there
        redirected = requests.get(platform.gateway_url("get_order"), params={"order_id": "BC-1"},
                                  headers={"Origin": origin}, allow_redirects=False, timeout=30)
        assert redirected.status_code == 307
        assert redirected.headers["Location"] == f"{platform.url('get_order')}/?order_id=BC-1"
    finally:
        # When it is restarted without extra environment
        platform.restart_function("get_order")
    # Then the host serves it again, with the stack's environment
    assert "get_order" not in platform.processes and "get_order" in platform.hosted
    assert "Access-Control-Allow-Origin" not in session.get(url, headers={"Origin": origin}, timeout=30).headers


def test_a_crash_of_the_host_is_reported_with_its_log_and_a_restart_serves_again(emulators, tmp_path):
    # Given a second small stack: two functions in their own host, on free ports
    stack = Stack(emulators.project_id, dict(emulators.ports), tmp_path)
    stack.ports.update({"get_order": free_port(), "list_orders": free_port(), "gateway": free_port()})
    try:
        stack.start_functions(["get_order", "list_orders"])
        stack.check_functions()  # nothing to report
        # When the host process dies (as if one function had crashed it)
        os.kill(stack.processes[HOST].pid, signal.SIGKILL)
        stack.processes[HOST].wait(timeout=10)
        # Then the stack says so, naming the host and its log, rather than leaving refused connections
        with pytest.raises(RuntimeError, match="functions host exited"):
            stack.check_functions()
        # And a restart serves both functions again (what ./scripts/dev does when it notices)
        stack.restart_host()
        assert requests.get(stack.url("list_orders") + "/", timeout=30).status_code == 401
        assert requests.get(stack.url("get_order") + "/", timeout=30).status_code == 401
    finally:
        stack.stop()
