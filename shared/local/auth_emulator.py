"""Client for the Firebase Auth emulator's REST API: sign up, sign in, find users, set custom claims.

`host` is the emulator's `127.0.0.1:PORT` (what FIREBASE_AUTH_EMULATOR_HOST holds). Admin calls carry
`Authorization: Bearer owner`, which the emulator accepts in place of service-account credentials.
"""

import json

import requests

from shared.local import settings

OWNER = {"Authorization": "Bearer owner"}


class AuthEmulatorError(RuntimeError):
    pass


def _call(host: str, path: str, body: dict, *, admin: bool = False) -> dict:
    url = f"http://{host}/identitytoolkit.googleapis.com/v1/{path}"
    response = requests.post(
        url, params={"key": settings.FAKE_API_KEY}, json=body, headers=OWNER if admin else None, timeout=10
    )
    if not response.ok:
        raise AuthEmulatorError(f"{path} answered {response.status_code}: {response.text}")
    return response.json()


def _user(answer: dict, uid: str | None = None) -> dict:
    return {
        "uid": uid or answer["localId"],
        "idToken": answer["idToken"],
        "email": answer.get("email"),
        "refreshToken": answer.get("refreshToken"),
    }


def sign_up(host: str, email: str, password: str) -> dict:
    """Create an email/password account; returns {uid, idToken, email, refreshToken}."""
    return _user(_call(host, "accounts:signUp", {"email": email, "password": password, "returnSecureToken": True}))


def sign_in(host: str, email: str, password: str) -> dict:
    """A fresh ID token, carrying the user's current custom claims."""
    body = {"email": email, "password": password, "returnSecureToken": True}
    return _user(_call(host, "accounts:signInWithPassword", body))


def sign_in_as(host: str, uid: str) -> dict:
    """Sign in as `uid` without its password: the emulator takes a plain-JSON custom token."""
    body = {"token": json.dumps({"uid": uid}), "returnSecureToken": True}
    return _user(_call(host, "accounts:signInWithCustomToken", body), uid)


def find_uid(host: str, email: str) -> str | None:
    answer = _call(host, f"projects/{settings.PROJECT_ID}/accounts:lookup", {"email": [email]}, admin=True)
    users = answer.get("users") or []
    return users[0]["localId"] if users else None


def set_custom_claims(host: str, uid: str, claims: dict) -> None:
    """Replace the user's custom claims; tokens issued afterwards carry them."""
    body = {"localId": uid, "customAttributes": json.dumps(claims)}
    _call(host, f"projects/{settings.PROJECT_ID}/accounts:update", body, admin=True)


def sign_in_instructions(auth_host: str, api_base: str) -> str:
    """The shell commands that get a local ID token and use it (printed by `make run`, shown at /)."""
    return f"""# 1. create a user in the Auth emulator (accounts:signInWithPassword signs in an existing one)
curl -s -X POST 'http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key={settings.FAKE_API_KEY}' \\
  -H 'Content-Type: application/json' \\
  -d '{{"email": "me@example.com", "password": "secret123", "returnSecureToken": true}}'
# 2. copy "idToken" from the answer into ID_TOKEN, then call the API with it
curl -s {api_base}/api/credits -H "Authorization: Bearer $ID_TOKEN"
# 3. make the user an admin and grant credits (then sign in again for a token with the claim)
.venv/bin/python -m shared.local.make_admin me@example.com --credits 20"""
