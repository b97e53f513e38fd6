"""shared/config.py's check: every problem of a configuration, each named by its environment variable and never
by its value, and the same production rules whichever way the settings are built."""

import logging

import pytest

from shared import config
from shared.config import LOCAL_SECRET, Settings, check_settings, env_name
from shared.log_events import LogEvent
from tests.production_env import PRODUCTION_ENV, SECRETS


def names(environ: dict) -> list[str]:
    return check_settings(environ).names


def test_a_full_production_environment_and_the_local_defaults_have_no_problem():
    checked = check_settings(PRODUCTION_ENV)
    assert checked.problems == [] and checked.settings is not None and checked.settings.env == "production"
    assert names({}) == []  # the local stack runs on the defaults
    assert names({"CINEWEAVE_ENV": "test"}) == []


def test_production_with_nothing_set_names_every_secret_endpoint_and_required_setting():
    found = names({"CINEWEAVE_ENV": "production"})
    assert set(SECRETS) <= set(found)
    endpoints = ("PUBLIC_BASE_URL", "DISPATCH_URL", "RUNPOD_API_BASE", "TRUELAYER_AUTH_URL", "TRUELAYER_WEBHOOK_JKUS")
    required = ("QUEUE_BACKEND", "TASKS_QUEUE", "INTERNAL_AUDIENCE", "INTERNAL_INVOKERS", "GOOGLE_CLOUD_PROJECT")
    assert set(endpoints + required) <= set(found)
    assert len(found) == len(set(found))  # each setting once, however many rules it breaks


@pytest.mark.parametrize(
    "name,value",
    [
        ("WEBHOOK_TOKEN_SECRET", LOCAL_SECRET),
        ("WEBHOOK_TOKEN_SECRET", "short-but-real-9f2c"),
        ("INTERNAL_TASK_SECRET", ""),
        ("RUNPOD_API_KEY", "change-me"),
        ("S3_SECRET_ACCESS_KEY", " Test "),
        ("TRUELAYER_SIGNING_PRIVATE_KEY", "   "),
        ("MODERATION_AUDIT_SALT", "local"),
    ],
)
def test_a_placeholder_or_short_secret_is_named(name, value):
    assert names(PRODUCTION_ENV | {name: value}) == [name]


@pytest.mark.parametrize(
    "name,value",
    [
        ("PUBLIC_BASE_URL", "http://localhost:8080"),
        ("RUNPOD_API_BASE", "http://127.0.0.1:8091/v2"),
        ("DISPATCH_URL", "http://127.8.0.1/api/tasks/dispatch"),
        ("TRUELAYER_API_URL", "https://[::1]:8093"),
        ("TRUELAYER_AUTH_URL", "http://0.0.0.0:8093"),
        ("S3_ENDPOINT_URL", "http://minio.localhost:9000"),
        ("LANGUAGE_API_ENDPOINT", "127.0.0.1:8095"),  # host:port, as Google's clients take it
        ("VISION_API_ENDPOINT", "http://[::ffff:127.0.0.1]:8096"),
        ("TRUELAYER_WEBHOOK_JKUS", "https://webhooks.truelayer.com/.well-known/jwks,https://localhost/jwks"),
    ],
)
def test_an_endpoint_on_this_machine_is_named(name, value):
    assert names(PRODUCTION_ENV | {name: value}) == [name]


def test_public_endpoints_are_not_mistaken_for_local_ones():
    lookalikes = {
        "PUBLIC_BASE_URL": "https://localhost-cineweave.example",
        "LANGUAGE_API_ENDPOINT": "language.googleapis.com",
        "VISION_API_ENDPOINT": "https://10.0.0.7",
    }
    assert names(PRODUCTION_ENV | lookalikes) == []


def test_production_needs_cloud_tasks_its_queues_and_the_internal_callers():
    assert names(PRODUCTION_ENV | {"QUEUE_BACKEND": "local"}) == ["QUEUE_BACKEND"]
    for name in ("TASKS_QUEUE", "TASKS_SERVICE_ACCOUNT", "WEBHOOK_TASKS_QUEUE", "INTERNAL_AUDIENCE"):
        environ = {key: value for key, value in PRODUCTION_ENV.items() if key != name}
        assert names(environ) == [name]
    assert names(PRODUCTION_ENV | {"INTERNAL_INVOKERS": " , "}) == ["INTERNAL_INVOKERS"]
    assert names(PRODUCTION_ENV | {"GOOGLE_CLOUD_PROJECT": "demo-cineweave"}) == ["GOOGLE_CLOUD_PROJECT"]
    assert names(PRODUCTION_ENV | {"TRUELAYER_WEBHOOK_JKUS": "http://webhooks.truelayer.com/jwks"}) == [
        "TRUELAYER_WEBHOOK_JKUS"
    ]


def test_an_emulator_host_in_production_is_named():
    assert names(PRODUCTION_ENV | {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}) == ["FIREBASE_AUTH_EMULATOR_HOST"]
    assert names(PRODUCTION_ENV | {"FIRESTORE_EMULATOR_HOST": "db.internal:8080"}) == ["FIRESTORE_EMULATOR_HOST"]
    assert names({"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}) == []  # locally that is the point


def test_values_that_fail_validation_are_all_named_in_any_environment():
    environ = {
        "MODERATION_TEXT_THRESHOLDS": "Violent=0.5",
        "MODERATION_IMAGE_LIKELIHOOD": "SOMEWHAT",
        "TOPUP_MIN_CREDITS": "0",
        "PAYMENT_MARKUP_PERCENT": "many",
        "QUEUE_BACKEND": "rabbit",
    }
    assert set(names(environ)) == set(environ)
    assert names({"CINEWEAVE_ENV": "prod"}) == ["CINEWEAVE_ENV"]
    # A value refused by its type does not hide the production rules of the others.
    found = names(PRODUCTION_ENV | {"MODERATION_TEXT_THRESHOLDS": '{"Violent": 1.5}', "RUNPOD_API_KEY": "test"})
    assert found == ["MODERATION_TEXT_THRESHOLDS", "RUNPOD_API_KEY"]


def test_no_value_appears_in_the_problems():
    secret = "sUp3r-s3cr3t-but-only-twenty"  # too short: refused, and must not be echoed
    environ = PRODUCTION_ENV | {
        "WEBHOOK_TOKEN_SECRET": secret,
        "PUBLIC_BASE_URL": "http://localhost:4711",
        "MODERATION_TEXT_THRESHOLDS": '{"Violent": 7.25}',
        "TOPUP_MAX_CREDITS": "-31337",
    }
    checked = check_settings(environ)
    text = repr(checked.problems) + str(config.InvalidSettings(checked.problems))
    for value in (secret, "4711", "7.25", "31337"):
        assert value not in text
    assert set(checked.names) == {
        "WEBHOOK_TOKEN_SECRET",
        "PUBLIC_BASE_URL",
        "MODERATION_TEXT_THRESHOLDS",
        "TOPUP_MAX_CREDITS",
    }


def test_from_env_and_direct_construction_refuse_by_the_same_rules():
    with pytest.raises(config.InvalidSettings) as refused:
        Settings.from_env(PRODUCTION_ENV | {"RUNPOD_API_BASE": "http://localhost:8091/v2", "RUNPOD_API_KEY": "local"})
    assert [problem.setting for problem in refused.value.problems] == ["RUNPOD_API_KEY", "RUNPOD_API_BASE"]
    good = Settings.from_env(PRODUCTION_ENV)
    fields = good.model_dump()
    with pytest.raises(ValueError, match="RUNPOD_API_BASE"):
        Settings(**(fields | {"runpod_api_base": "http://localhost:8091/v2"}))
    assert Settings(**fields).env == "production"
    assert env_name("env") == "CINEWEAVE_ENV" and env_name("project_id") == "GOOGLE_CLOUD_PROJECT"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_process_check_logs_one_settings_invalid_line_naming_the_settings(monkeypatch):
    for name in PRODUCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CINEWEAVE_ENV", "production")
    monkeypatch.setenv("WEBHOOK_TOKEN_SECRET", "a-value-to-keep-out-of-logs")
    config.reload_settings()
    lines = Lines()
    logger = logging.getLogger("cineweave.config")
    logger.addHandler(lines)
    try:
        config.settings_check()
        config.settings_check()  # checked once per process: one line
        with pytest.raises(config.InvalidSettings):
            config.get_settings()
    finally:
        logger.removeHandler(lines)
        monkeypatch.undo()
        config.reload_settings()
    assert len(lines.records) == 1
    line = lines.records[0]
    assert line.levelno == logging.ERROR and line.fields["event"] == LogEvent.SETTINGS_INVALID
    assert "WEBHOOK_TOKEN_SECRET" in line.fields["settings"] and "INTERNAL_TASK_SECRET" in line.getMessage()
    assert "a-value-to-keep-out-of-logs" not in line.getMessage() + repr(line.fields)
