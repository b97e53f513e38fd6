"""What the rules tests share: principals and their ID tokens, the seed data, and a REST client for the emulator.

- Data goes in with `Authorization: Bearer owner`, which the emulator lets past the rules (as the Admin SDK
  is let past them in production).
- Principals call the REST API with the unsigned ID tokens the emulator accepts (alg "none").
"""

import time
from dataclasses import dataclass, field
from urllib.parse import quote

import jwt
import requests

from shared.local import emulators, settings

PROJECT = settings.PROJECT_ID
BYPASS = {"Authorization": "Bearer owner"}  # the emulator's admin bypass: not subject to the rules

OWNER_UID = "alice"
OTHER_UID = "bob"
ADMIN_UID = "root"  # an admin by claim only: none of the data is theirs


# ---- ID tokens ---------------------------------------------------------------------------------------


def id_token(uid: str, **claims) -> str:
    """An unsigned Firebase ID token for `uid`, shaped like the Auth emulator's; extra claims are custom ones."""
    now = int(time.time())
    payload = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": f"{uid}@example.com",
        "email_verified": False,
        "firebase": {"sign_in_provider": "password", "identities": {"email": [f"{uid}@example.com"]}},
        **claims,
    }
    return jwt.encode(payload, key=None, algorithm="none")


PRINCIPALS = {
    "owner": {"Authorization": f"Bearer {id_token(OWNER_UID)}"},
    "other": {"Authorization": f"Bearer {id_token(OTHER_UID)}"},
    "anonymous": {},
    "admin": {"Authorization": f"Bearer {id_token(ADMIN_UID, admin=True)}"},
}


# ---- Firestore values (REST encoding) ------------------------------------------------------------------


def encode(value) -> dict:
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, list):
        return {"arrayValue": {"values": [encode(item) for item in value]}}
    raise TypeError(f"no Firestore encoding for {value!r}")


def fields(data: dict) -> dict:
    return {"fields": {key: encode(value) for key, value in data.items()}}


# ---- the data ----------------------------------------------------------------------------------------

# Path → fields. Every collection holds one document of the owner's (or, where documents have no owner,
# one document) and, where documents have owners, one of the other user's.
SEED = {
    f"users/{OWNER_UID}": {"credits": 10, "reserved": 0, "activeJobs": 0, "plan": "starter"},
    f"users/{OTHER_UID}": {"credits": 5, "reserved": 0, "activeJobs": 0, "plan": "starter"},
    f"users/{OWNER_UID}/ledger/grant:signup": {"kind": "grant", "amount": 10, "reason": "signup"},
    f"users/{OTHER_UID}/ledger/grant:signup": {"kind": "grant", "amount": 5, "reason": "signup"},
    "jobs/job-alice": {"userId": OWNER_UID, "status": "queued", "credits": 3},
    "jobs/job-bob": {"userId": OTHER_UID, "status": "queued", "credits": 3},
    "payments/pay-alice": {"uid": OWNER_UID, "status": "settled", "credits": 80},
    "payments/pay-bob": {"uid": OTHER_UID, "status": "settled", "credits": 80},
    "webhookEvents/evt-1": {"provider": "truelayer", "paymentId": "pay-alice"},
    "plans/starter": {"name": "Starter", "creditsPerMonth": 80, "priceUsdCents": 1000},
    # Alice's own refusal, her refusal count and the verdict on her upload: even she may not read them.
    "moderationEvents/refusal-alice": {"uid": OWNER_UID, "field": "prompt", "categories": ["Violent"]},
    f"moderationCounts/{OWNER_UID}": {"refusals": 1},
    "uploads/upload-alice": {"imageKey": f"uploads/{OWNER_UID}/a.png", "etag": "abc"},
    "apiKeys/hash-alice": {"id": "key-alice", "uid": OWNER_UID, "name": "ci", "prefix": "cw_abcdefgh"},
    # Alice's webhook signing secret: served through the API only, never readable from Firestore.
    f"webhookSecrets/{OWNER_UID}": {"current": "whsec_" + "A" * 43 + "="},
    "internalThings/thing-1": {"note": "a collection the rules do not name"},
}


# ---- REST --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Firestore:
    """The emulator's Firestore REST API: `documents` is .../databases/(default)/documents."""

    host: str
    http: requests.Session = field(default_factory=requests.Session, repr=False)  # keep-alive: ~180 tests

    @property
    def documents(self) -> str:
        return f"http://{self.host}/v1/projects/{PROJECT}/databases/(default)/documents"

    def url(self, path: str) -> str:
        return f"{self.documents}/{quote(path, safe='/')}" if path else self.documents

    def get(self, path: str, headers: dict) -> requests.Response:
        return self.http.get(self.url(path), headers=headers, timeout=10)

    def create(self, collection_path: str, doc_id: str, data: dict, headers: dict) -> requests.Response:
        return self.http.post(
            self.url(collection_path), params={"documentId": doc_id}, json=fields(data), headers=headers, timeout=10
        )

    def update(self, path: str, data: dict, headers: dict) -> requests.Response:
        """Change the named fields of an existing document (never creates one)."""
        params = [("updateMask.fieldPaths", key) for key in data] + [("currentDocument.exists", "true")]
        return self.http.patch(self.url(path), params=params, json=fields(data), headers=headers, timeout=10)

    def delete(self, path: str, headers: dict) -> requests.Response:
        return self.http.delete(self.url(path), headers=headers, timeout=10)

    def run_query(self, parent: str, structured_query: dict, headers: dict) -> requests.Response:
        """POST {parent}:runQuery — the list operation of the rules; `parent` is "" or a document path."""
        return self.http.post(
            f"{self.url(parent)}:runQuery", json={"structuredQuery": structured_query}, headers=headers, timeout=10
        )

    def put(self, path: str, data: dict) -> None:
        """Write a whole document past the rules."""
        self.http.patch(self.url(path), json=fields(data), headers=BYPASS, timeout=10).raise_for_status()

    def read(self, path: str) -> dict | None:
        """A document's fields, read past the rules; None when it does not exist."""
        response = self.get(path, BYPASS)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json().get("fields", {})

    def seed(self) -> None:
        emulators.clear_firestore(self.host)
        for path, data in SEED.items():
            self.put(path, data)


def query_result_names(response: requests.Response) -> set[str]:
    """The document paths (relative to .../documents/) a runQuery answer holds."""
    names = set()
    for row in response.json():
        if "document" in row:
            names.add(row["document"]["name"].split("/documents/", 1)[1])
    return names
