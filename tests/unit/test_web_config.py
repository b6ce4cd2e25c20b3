"""The web application's config (dev, tests, production), its static files and the CORS rule — pure."""

from __future__ import annotations

import json

import pytest

from shared.edge import http, web

FUNCTIONS = {
    "list_orders": {"port": 8180, "trigger": "http", "role": "manager|contractor"},
    "submit_execution": {"port": 8104, "trigger": "http", "role": "contractor"},
    "relay_outbox": {"port": 8106, "trigger": "http", "schedule_seconds": 2},
    "publish_execution": {"port": 8105, "trigger": "pubsub"},
    "web_app": {"port": 8181, "trigger": "http", "public": "static"},
}


def test_production_config_points_at_cloud_functions_and_google_identity_toolkit():
    # Given the environment Terraform sets (no emulator variable)
    env = {"PASSERELLE_FUNCTIONS_BASE_URL": "https://europe-west9-passerelle-prod.cloudfunctions.net",
           "PASSERELLE_WEB_API_KEY": "AIzaPublicKey"}
    # When the config is built
    cfg = web.config(env, FUNCTIONS)
    # Then only the functions a browser may call are listed, at their hyphenated names
    assert cfg["functions"] == {
        "list_orders": "https://europe-west9-passerelle-prod.cloudfunctions.net/list-orders",
        "submit_execution": "https://europe-west9-passerelle-prod.cloudfunctions.net/submit-execution"}
    assert cfg["auth"] == {
        "sign_in_url": "https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
        "refresh_url": "https://securetoken.googleapis.com/v1/token", "api_key": "AIzaPublicKey", "emulator": False}
    assert cfg["refresh_seconds"] == web.DEFAULT_REFRESH_SECONDS


def test_local_config_uses_the_ports_the_stack_started_and_the_auth_emulator():
    env = {"PASSERELLE_FUNCTION_URLS": json.dumps({"list_orders": "http://127.0.0.1:41001/",
                                                   "submit_execution": "http://127.0.0.1:41002",
                                                   "relay_outbox": "http://127.0.0.1:41003"}),
           "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:41000", "PASSERELLE_WEB_REFRESH_SECONDS": "5"}
    cfg = web.config(env, FUNCTIONS)
    assert cfg["functions"] == {"list_orders": "http://127.0.0.1:41001", "submit_execution": "http://127.0.0.1:41002"}
    assert cfg["auth"]["sign_in_url"] == \
        "http://127.0.0.1:41000/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword"
    assert cfg["auth"]["emulator"] is True and cfg["refresh_seconds"] == 5
    # Without the stack's variable, the fixed ports of emulators.json
    assert web.function_urls({}, FUNCTIONS)["list_orders"] == "http://127.0.0.1:8180"


def test_the_content_security_policy_lets_the_app_reach_auth_and_the_functions_only():
    cfg = web.config({"PASSERELLE_FUNCTIONS_BASE_URL": "https://r-p.cloudfunctions.net"}, FUNCTIONS)
    csp = web.content_security_policy(cfg)
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert ("connect-src 'self' https://identitytoolkit.googleapis.com https://r-p.cloudfunctions.net "
            "https://securetoken.googleapis.com;") in csp


@pytest.mark.parametrize("path", ["/../main.py", "/..", "/web/../main.py", "/.env", "/sub/app.js", "/main.py",
                                  "/nope.html", "\\..\\main.py"])
def test_only_plain_files_directly_under_web_are_served(path):
    assert web.static_file(path) is None


def test_the_app_files_are_served_with_their_types():
    assert web.static_file("/")[1].startswith("text/html")
    assert web.static_file("/app.js")[1].startswith("text/javascript")
    assert web.static_file("/logic.mjs")[1].startswith("text/javascript")
    assert web.static_file("/style.css")[1].startswith("text/css")


def test_cors_echoes_only_an_exactly_listed_origin(monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://127.0.0.1:8181, https://app.passerelle.fr/")
    assert http.cors_headers("http://127.0.0.1:8181")["Access-Control-Allow-Origin"] == "http://127.0.0.1:8181"
    assert http.cors_headers("https://app.passerelle.fr")["Access-Control-Allow-Origin"] == "https://app.passerelle.fr"
    for origin in ("http://127.0.0.1:8182", "https://app.passerelle.fr.evil.example", "null", None):
        assert "Access-Control-Allow-Origin" not in http.cors_headers(origin), origin
    assert "Access-Control-Allow-Credentials" not in http.cors_headers("http://127.0.0.1:8181")
    monkeypatch.delenv("ALLOWED_ORIGINS")
    assert http.cors_headers("http://127.0.0.1:8181") == {"Vary": "Origin"}
