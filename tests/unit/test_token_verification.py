"""Token verification without the emulator: unsigned tokens are refused; service-account
tokens signed by Google are accepted only for a registered machine identity and audience."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt, jwt

from devtools.tokens import emulator_token
from shared.edge.auth import FirebaseAuthenticator, Unauthenticated

AUDIENCE = "https://europe-west9-demo-passerelle.cloudfunctions.net/submit-execution"
ERP = "erp-ctr-acme@demo-passerelle.iam.gserviceaccount.com"


@pytest.fixture(autouse=True)
def production_mode(monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)


@contextlib.contextmanager
def key_server():
    """A local stand-in for Google's certificate endpoint, with the key that signs the tokens."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    class Certs(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"k1": public_pem}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Certs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    signer = crypt.RSASigner.from_string(private_pem, key_id="k1")
    try:
        yield signer, f"http://127.0.0.1:{server.server_port}/certs"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def google_keys():
    with key_server() as keys:
        yield keys


def google_token(signer, **overrides) -> str:
    now = int(time.time())
    claims = {"iss": "https://accounts.google.com", "aud": AUDIENCE, "sub": "1234", "email": ERP,
              "email_verified": True, "iat": now, "exp": now + 3600, **overrides}
    return jwt.encode(signer, claims).decode()


def authenticator(certs_url: str, registry: dict) -> FirebaseAuthenticator:
    return FirebaseAuthenticator("demo-passerelle", machine_lookup=registry.get, audiences=[AUDIENCE],
                                 certs_url=certs_url)


def test_an_unsigned_emulator_token_is_refused_outside_the_emulator(google_keys, tmp_path, monkeypatch):
    # Given production credentials (a service-account key; nothing here calls Google)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    (tmp_path / "sa.json").write_text(json.dumps({
        "type": "service_account", "project_id": "demo-passerelle", "private_key_id": "k", "private_key": pem,
        "client_email": "fn-runtime@demo-passerelle.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    auth = authenticator(google_keys[1], {})
    token = emulator_token("demo-passerelle", "u1", role="manager", tenant="mgr-test")
    with pytest.raises(Unauthenticated):
        auth.verify(f"Bearer {token}")


def test_a_registered_service_account_acts_as_its_tenant(google_keys):
    signer, certs = google_keys
    auth = authenticator(certs, {ERP: {"role": "contractor", "tenant": "ctr-acme", "rights": ["execution.write"]}})
    principal = auth.verify(f"Bearer {google_token(signer)}")
    assert (principal.role, principal.tenant, principal.machine) == ("contractor", "ctr-acme", True)
    assert principal.rights == frozenset({"execution.write"})


@pytest.mark.parametrize("case", ["unregistered", "wrong audience", "expired", "unverified email", "forged"])
def test_other_service_account_tokens_are_refused(google_keys, case):
    signer, certs = google_keys
    registry = {ERP: {"role": "contractor", "tenant": "ctr-acme"}}
    token = google_token(signer)
    if case == "unregistered":
        registry = {}
    elif case == "wrong audience":
        token = google_token(signer, aud="https://elsewhere.example/fn")
    elif case == "expired":
        token = google_token(signer, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    elif case == "unverified email":
        token = google_token(signer, email_verified=False)
    elif case == "forged":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
        token = google_token(crypt.RSASigner.from_string(pem, key_id="k1"))
    with pytest.raises(Unauthenticated):
        authenticator(certs, registry).verify(f"Bearer {token}")


def test_the_emulator_variable_is_refused_on_cloud_run(monkeypatch):
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    monkeypatch.setenv("K_SERVICE", "submit-execution")
    with pytest.raises(RuntimeError):
        FirebaseAuthenticator("demo-passerelle")
