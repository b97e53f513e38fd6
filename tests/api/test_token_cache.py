"""An ID token is verified once per process while it is valid; refusals are never remembered."""

import pytest


@pytest.fixture
def verifications(monkeypatch):
    from firebase_admin import auth

    seen: list[str] = []
    verify = auth.verify_id_token

    def counting(token, *args, **kwargs):
        seen.append(token)
        return verify(token, *args, **kwargs)

    monkeypatch.setattr(auth, "verify_id_token", counting)
    return seen


def test_the_same_token_is_verified_once(api, services, make_user, verifications):
    user, other = make_user(), make_user()
    for _ in range(3):
        assert api.get("/api/credits", user).status_code == 200
    assert api.get("/api/jobs", other).status_code == 200
    assert verifications == [user.token, other.token]


def test_an_invalid_token_is_verified_and_refused_each_time(api, services, verifications):
    headers = {"Authorization": "Bearer not-a-token"}
    answers = [api.get("/api/credits", headers=headers) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [401, 401]
    assert verifications == ["not-a-token", "not-a-token"]
