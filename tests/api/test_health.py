"""GET /api/healthz checks the settings: in production a missing or placeholder secret or a localhost endpoint
is a 503 naming each setting (never its value); the other functions refuse to serve with a JSON 503."""

import pathlib

import functions_framework
import pytest

from shared import config, container
from shared.config import LOCAL_SECRET
from tests.production_env import PRODUCTION_ENV, SECRETS

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMULATORS = ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST")


def client(name: str):
    return functions_framework.create_app(name, str(ROOT / "functions" / f"{name}.py")).test_client()


@pytest.fixture
def environment(monkeypatch):
    """An environment holding only what the test sets; the checked settings are read again from it."""

    def use(values: dict[str, str]) -> None:
        for name in {config.env_name(field) for field in config.Settings.model_fields} | set(EMULATORS):
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        config.reload_settings()
        container.use(None)

    yield use
    monkeypatch.undo()
    config.reload_settings()
    container.use(None)


def test_production_without_secrets_is_503_naming_the_missing_settings(environment):
    environment({"CINEWEAVE_ENV": "production", "S3_SECRET_ACCESS_KEY": "the-r2-secret-only-this-test-knows"})
    answer = client("health").get("/api/healthz")
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.get_json()
    assert body["ok"] is False
    assert set(SECRETS) - {"S3_SECRET_ACCESS_KEY"} <= set(body["problems"])
    assert "S3_SECRET_ACCESS_KEY" not in body["problems"]  # long and not a placeholder: fine
    assert {"PUBLIC_BASE_URL", "RUNPOD_API_BASE", "DISPATCH_URL", "QUEUE_BACKEND"} <= set(body["problems"])
    assert all(name.isupper() for name in body["problems"])
    assert "the-r2-secret-only-this-test-knows" not in answer.get_data(as_text=True)


def test_production_with_one_placeholder_or_localhost_endpoint_names_just_that(environment):
    environment(PRODUCTION_ENV | {"WEBHOOK_TOKEN_SECRET": LOCAL_SECRET, "TRUELAYER_API_URL": "http://localhost:8093"})
    answer = client("health").get("/api/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"ok": False, "problems": ["WEBHOOK_TOKEN_SECRET", "TRUELAYER_API_URL"]}
    assert LOCAL_SECRET not in answer.get_data(as_text=True)


def test_a_fully_set_production_environment_is_healthy(environment):
    environment(PRODUCTION_ENV)
    answer = client("health").get("/api/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"ok": True}


def test_a_value_that_does_not_validate_is_named_outside_production_too(environment):
    environment({"CINEWEAVE_ENV": "test", "MODERATION_TEXT_THRESHOLDS": '{"Violent": 2}'})
    answer = client("health").get("/api/healthz")
    assert (answer.status_code, answer.get_json()) == (503, {"ok": False, "problems": ["MODERATION_TEXT_THRESHOLDS"]})
    environment({"CINEWEAVE_ENV": "test"})
    assert client("health").get("/api/healthz").get_json() == {"ok": True}


@pytest.mark.parametrize(
    "name,method,path",
    [("credits", "GET", "/api/credits"), ("plans", "GET", "/api/plans"), ("sweep", "POST", "/api/tasks/sweep")],
)
def test_a_misconfigured_function_answers_a_json_503_not_a_500(environment, name, method, path):
    environment({"CINEWEAVE_ENV": "production"})
    answer = client(name).open(path, method=method, headers={"Authorization": "Bearer anything"})
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert "Retry-After" in answer.headers
