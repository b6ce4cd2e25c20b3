"""The Firebase Auth emulator the stack starts compiles its request validators on first use
(devtools/auth_emulator_lazy.cjs): it must still refuse what the Identity Toolkit API refuses."""

from __future__ import annotations

import requests


def test_the_auth_emulator_still_validates_requests_though_its_validators_are_compiled_lazily(emulators):
    base = f"http://127.0.0.1:{emulators.ports['auth']}/identitytoolkit.googleapis.com/v1"
    # Given the emulator started with the preload that defers the compilation of its validators
    with open(f"/proc/{emulators.processes['auth'].pid}/environ", "rb") as environ:
        assert b"auth_emulator_lazy.cjs" in environ.read()
    # When a sign-up names a field of the wrong type, then a well-formed one
    wrong = requests.post(f"{base}/accounts:signUp", params={"key": "fake"}, timeout=30,
                          json={"email": "lazy@test.demo", "password": ["Lazy-Passw0rd!"], "returnSecureToken": True})
    right = requests.post(f"{base}/accounts:signUp", params={"key": "fake"}, timeout=30,
                          json={"email": "lazy@test.demo", "password": "Lazy-Passw0rd!", "returnSecureToken": True})
    # Then the first is refused by the compiled validator, and the second creates the account
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["error"]["message"] == "Invalid JSON payload received. /password must be string"
    assert right.status_code == 200 and right.json()["email"] == "lazy@test.demo", right.text
