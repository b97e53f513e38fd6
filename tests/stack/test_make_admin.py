"""`python -m shared.local.make_admin`: the admin claim through the Auth emulator, credits through the admin API."""

import base64
import json

import requests

from shared.local import make_admin
from shared.local.auth_emulator import sign_in
from shared.local.router import start_in_thread


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_make_admin_sets_the_claim_and_grants_credits_through_the_api(clean_state, auth_users, monkeypatch):
    auth_users(email="maker@example.com", password="secret-pass-1")
    server, base = start_in_thread()  # the real functions, on the test emulators
    monkeypatch.setenv("PUBLIC_BASE_URL", base)
    try:
        assert make_admin.main(["maker@example.com", "--credits", "7", "--reason", "test grant"]) == 0

        token = sign_in(clean_state.auth_host, "maker@example.com", "secret-pass-1")["idToken"]
        assert claims(token)["admin"] is True
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{base}/api/credits", headers=headers, timeout=30).json()["credits"] == 7
        ledger = requests.get(f"{base}/api/credits/ledger", headers=headers, timeout=30).json()["entries"]
        assert [(e["kind"], e["amount"], e["reason"]) for e in ledger] == [("adjust", 7, "test grant")]
    finally:
        server.shutdown()


def test_make_admin_of_an_unknown_email_fails_clearly(clean_state, capsys):
    assert make_admin.main(["nobody@example.com"]) == 1
    assert "sign up first" in capsys.readouterr().err
