"""The emulator helpers and the test-session fixtures, on the real emulators."""

import base64
import json
import socket

import pytest
import requests

from shared.local import emulators as em
from shared.local import settings


def firestore_url(host: str, path: str) -> str:
    return f"http://{host}/v1/projects/{settings.PROJECT_ID}/databases/(default)/documents/{path}"


def put_doc(host: str, path: str, fields: dict) -> None:
    """Write as the Admin SDK does (`Bearer owner` skips the rules)."""
    body = {
        "fields": {k: {"stringValue": v} if isinstance(v, str) else {"integerValue": str(v)} for k, v in fields.items()}
    }
    answer = requests.patch(firestore_url(host, path), json=body, headers={"Authorization": "Bearer owner"}, timeout=10)
    answer.raise_for_status()


def read_doc(host: str, path: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(firestore_url(host, path), headers=headers, timeout=10).status_code


def test_session_environment_points_at_the_test_emulators(emulators):
    import os

    ports = settings.TEST_EMULATOR_PORTS  # 8185, 9199, 9100 unless CINEWEAVE_TEST_PORT_OFFSET shifts them
    assert os.environ["FIRESTORE_EMULATOR_HOST"] == emulators.firestore_host == f"127.0.0.1:{ports.firestore}"
    assert os.environ["FIREBASE_AUTH_EMULATOR_HOST"] == emulators.auth_host == f"127.0.0.1:{ports.auth}"
    assert os.environ["S3_ENDPOINT_URL"] == emulators.s3_endpoint == f"http://127.0.0.1:{ports.s3}"
    assert os.environ["CINEWEAVE_ENV"] == "test" and os.environ["GOOGLE_CLOUD_PROJECT"] == "demo-cineweave"


def test_clean_state_empties_firestore_auth_and_the_bucket(emulators, auth_users):
    put_doc(emulators.firestore_host, "plans/starter", {"credits": 80})
    user = auth_users()
    s3 = em.s3_client(emulators.s3_endpoint)
    s3.put_object(Bucket=settings.BUCKET, Key="videos/a.mp4", Body=b"x")

    em.clear_firestore(emulators.firestore_host)
    em.clear_auth(emulators.auth_host)
    em.empty_bucket(emulators.s3_endpoint)

    assert read_doc(emulators.firestore_host, "plans/starter", "owner") == 404
    lookup = requests.post(
        f"http://{emulators.auth_host}/identitytoolkit.googleapis.com/v1/projects/{settings.PROJECT_ID}/accounts:lookup",
        json={"localId": [user["uid"]]},
        headers={"Authorization": "Bearer owner"},
        timeout=10,
    )
    assert "users" not in lookup.json()
    assert s3.list_objects_v2(Bucket=settings.BUCKET).get("KeyCount") == 0


def test_auth_users_makes_admins_whose_token_carries_the_claim(clean_state, auth_users):
    def claims(token: str) -> dict:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    plain, admin = auth_users(), auth_users(admin=True)
    assert set(plain) == {"uid", "idToken", "email"}
    assert claims(plain["idToken"]).get("admin") is None
    assert claims(admin["idToken"])["admin"] is True
    assert claims(admin["idToken"])["user_id"] == admin["uid"]


def test_firestore_rules_let_users_read_only_their_own_data(clean_state, auth_users):
    host = clean_state.firestore_host
    alice, bob, admin = auth_users(), auth_users(), auth_users(admin=True)
    put_doc(host, f"users/{alice['uid']}", {"credits": 3})
    put_doc(host, f"users/{alice['uid']}/ledger/grant:1", {"kind": "grant", "amount": 3})
    put_doc(host, "jobs/j1", {"userId": alice["uid"], "prompt": "a kite"})
    put_doc(host, "payments/p1", {"userId": alice["uid"]})

    for path in (f"users/{alice['uid']}", f"users/{alice['uid']}/ledger/grant:1", "jobs/j1"):
        assert read_doc(host, path, alice["idToken"]) == 200, path
        assert read_doc(host, path, bob["idToken"]) == 403, path
        assert read_doc(host, path, None) == 403, path
        assert read_doc(host, path, admin["idToken"]) == 200, path
    assert read_doc(host, "payments/p1", alice["idToken"]) == 403
    assert read_doc(host, "payments/p1", admin["idToken"]) == 200

    own_write = requests.patch(
        firestore_url(host, f"users/{alice['uid']}"),
        json={"fields": {"credits": {"integerValue": "999"}}},
        headers={"Authorization": f"Bearer {alice['idToken']}"},
        timeout=10,
    )
    assert own_write.status_code == 403
    admin_write = requests.patch(
        firestore_url(host, "jobs/j2"),
        json={"fields": {}},
        headers={"Authorization": f"Bearer {admin['idToken']}"},
        timeout=10,
    )
    assert admin_write.status_code == 403


def test_start_refuses_a_port_in_use_with_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind((settings.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        for start in (em.start_firestore, em.start_auth, em.start_s3):
            with pytest.raises(em.PortInUseError, match=f"{settings.HOST}:{port} is already in use"):
                start(port, log_dir=tmp_path)
    assert not list(tmp_path.glob("*.log"))  # nothing was started


def test_emulator_that_dies_at_start_reports_its_log(tmp_path):
    with pytest.raises(em.StackError, match="exited with code") as failure:
        em.start_firestore(em.free_port(), rules=tmp_path / "no-such.rules", log_dir=tmp_path)
    assert "no-such.rules" in str(failure.value)
