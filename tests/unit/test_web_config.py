"""The web application's config (dev, tests, production), its static files and the CORS rule — pure."""

from __future__ import annotations

import json

import pytest

from devtools import hosting
from devtools import web_config as web
from shared.edge import http

FUNCTIONS = {
    "list_orders": {"port": 8180, "trigger": "http", "role": "manager|contractor"},
    "submit_execution": {"port": 8104, "trigger": "http", "role": "contractor"},
    "relay_outbox": {"port": 8106, "trigger": "http", "schedule_seconds": 2},
    "publish_execution": {"port": 8105, "trigger": "pubsub"},
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

def test_the_hosting_site_serves_the_app_files_a_generated_config_and_the_security_headers(tmp_path):
    # Given the environment of a local stack
    env = {"PASSERELLE_FUNCTION_URLS": json.dumps({"list_orders": "http://127.0.0.1:41001"}),
           "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:41000"}
    # When the Hosting site is built (linked, as devtools/stack.py does; copied, as for a deploy)
    linked = hosting.build(tmp_path / "dev", env, link=True)
    copied = hosting.build(tmp_path / "prod", env, link=False)
    # Then its public folder holds every file of web/ and a config.json of this environment
    public = tmp_path / "dev" / linked["public"]
    names = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
    assert {"index.html", "app.js", "logic.mjs", "style.css", "config.json"} <= names
    assert (public / "app.js").is_symlink() and not (tmp_path / "prod" / copied["public"] / "app.js").is_symlink()
    assert json.loads((public / "config.json").read_text())["functions"]["list_orders"] == "http://127.0.0.1:41001"
    # And nothing but the app's own files (no test, no hidden file)
    assert not [n for n in names if n.startswith(".") or "/." in n or n.endswith(".py")]
    # And every file gets the CSP and nosniff, config.json is never cached
    everywhere = {h["key"]: h["value"] for h in linked["headers"][0]["headers"]}
    assert linked["headers"][0]["source"] == "**" and "script-src 'self'" in everywhere["Content-Security-Policy"]
    assert "http://127.0.0.1:41001" in everywhere["Content-Security-Policy"]
    assert everywhere["X-Content-Type-Options"] == "nosniff"
    assert linked["headers"][1] == {"source": "/config.json",
                                    "headers": [{"key": "Cache-Control", "value": "no-store"}]}

def test_cors_echoes_only_an_exactly_listed_origin(monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://127.0.0.1:8181, https://app.passerelle.fr/")
    assert http.cors_headers("http://127.0.0.1:8181")["Access-Control-Allow-Origin"] == "http://127.0.0.1:8181"
    assert http.cors_headers("https://app.passerelle.fr")["Access-Control-Allow-Origin"] == "https://app.passerelle.fr"
    for origin in ("http://127.0.0.1:8182", "https://app.passerelle.fr.evil.example", "null", None):
        assert "Access-Control-Allow-Origin" not in http.cors_headers(origin), origin
    assert "Access-Control-Allow-Credentials" not in http.cors_headers("http://127.0.0.1:8181")
    monkeypatch.delenv("ALLOWED_ORIGINS")
    assert http.cors_headers("http://127.0.0.1:8181") == {"Vary": "Origin"}


def test_the_accessibility_statements_contact_is_the_operators_support_address_or_a_named_placeholder():
    # Given a deployment that names its support address (Terraform's support_email, through devtools.hosting)
    cfg = web.config({"PASSERELLE_FUNCTIONS_BASE_URL": "https://r-p.cloudfunctions.net",
                      "PASSERELLE_SUPPORT_EMAIL": " support@bailleur.fr "}, FUNCTIONS)
    # Then the web app's statement (« Accessibilité ») gives that address
    assert cfg["support_email"] == "support@bailleur.fr"
    # And without one, a placeholder that says what it is, on the reserved .invalid domain (no mail can reach it)
    assert web.config({}, FUNCTIONS)["support_email"] == web.PLACEHOLDER_SUPPORT_EMAIL
    assert web.PLACEHOLDER_SUPPORT_EMAIL.endswith(".invalid")
    # And an address that is not one is refused rather than published
    with pytest.raises(ValueError, match="PASSERELLE_SUPPORT_EMAIL"):
        web.config({"PASSERELLE_SUPPORT_EMAIL": "support"}, FUNCTIONS)


def test_the_production_build_passes_the_support_address_terraform_names(tmp_path):
    # Given the command Terraform's output prints, with --support-email
    assert hosting.main(["--out", str(tmp_path), "--functions-base-url", "https://r-p.cloudfunctions.net",
                         "--api-key", "AIzaPublicKey", "--support-email", "accessibilite@bailleur.fr"]) == 0
    # Then the site's config.json carries it
    cfg = json.loads((tmp_path / "public" / "config.json").read_text(encoding="utf-8"))
    assert cfg["support_email"] == "accessibilite@bailleur.fr"
