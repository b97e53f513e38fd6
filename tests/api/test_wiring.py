"""How the functions are put together: their imports, the route table, settings and the Cloud Tasks request."""

import json
import pathlib
import subprocess
import sys

import pytest

from shared.config import LOCAL_SECRET, Settings
from shared.routes import FUNCTIONS, ROUTES
from tests.production_env import PRODUCTION_ENV

ROOT = pathlib.Path(__file__).resolve().parents[2]
HEAVY = ("torch", "diffusers", "transformers", "runpod")


def test_every_function_file_has_its_entry_point_and_routes():
    files = {path.stem for path in (ROOT / "functions").glob("*.py")}
    assert files == set(FUNCTIONS)
    for name in FUNCTIONS:
        source = (ROOT / "functions" / f"{name}.py").read_text()
        assert f"def {name}(request)" in source
        for route in ROUTES:
            if route.function == name:
                assert f'"{route.rule}"' in source, f"{name} does not serve {route.rule}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions_import_nothing_heavy(name):
    probe = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('{name}', 'functions/{name}.py')\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = set(
        json.loads(
            subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        )
    )
    roots = {module.split(".")[0] for module in loaded}
    assert not roots & set(HEAVY)
    if name in ("plans", "health"):  # no database, storage or auth client for the public static answers
        assert not loaded & {"google.cloud.firestore", "boto3", "firebase_admin"}


def test_production_refuses_placeholder_secrets():
    good = PRODUCTION_ENV
    assert Settings.from_env(good).env == "production"
    for name, bad in [
        ("WEBHOOK_TOKEN_SECRET", LOCAL_SECRET),
        ("WEBHOOK_TOKEN_SECRET", "short"),
        ("RUNPOD_API_KEY", "local"),
        ("INTERNAL_TASK_SECRET", ""),
        ("QUEUE_BACKEND", "local"),
        ("TRUELAYER_CLIENT_SECRET", LOCAL_SECRET),
        ("TRUELAYER_SIGNING_PRIVATE_KEY", ""),
        ("TRUELAYER_WEBHOOK_JKUS", "http://127.0.0.1:8093/.well-known/jwks"),
        ("MODERATION_AUDIT_SALT", LOCAL_SECRET),
        ("MODERATION_AUDIT_SALT", "short"),
        ("MODERATION_TEXT_THRESHOLDS", "Violent=0.5"),
        ("MODERATION_TEXT_THRESHOLDS", '{"Violent": 1.5}'),
        ("MODERATION_IMAGE_LIKELIHOOD", "SOMEWHAT"),
    ]:
        with pytest.raises(RuntimeError, match=f"(?i){name}" if name != "QUEUE_BACKEND" else "cloud_tasks"):
            Settings.from_env(good | {name: bad})
    operator = Settings.from_env(
        {"MODERATION_BLOCKLIST_TERMS": " dragonfruit, blue moon ,", "MODERATION_FAIL_OPEN": "1"}
    )
    assert operator.moderation_blocklist_terms == ("dragonfruit", "blue moon") and operator.moderation_fail_open
    assert Settings.from_env({}).env == "local"  # the local stack runs on the defaults


def test_cloud_tasks_request_is_named_signed_and_bounded():
    from shared.adapters.queue import CloudTasksQueue

    queue = CloudTasksQueue.__new__(CloudTasksQueue)  # no client: the request is built without the network
    from google.cloud import tasks_v2

    queue._tasks, queue.queue_path = tasks_v2, "projects/p/locations/europe-west1/queues/dispatch"
    queue.dispatch_url, queue.service_account, queue.audience = (
        "https://api.example/api/tasks/dispatch",
        "t@p.iam",
        "aud",
    )
    first, again, later = queue.task_request("job-1"), queue.task_request("job-1"), queue.task_request("job-1", 7)
    assert first["name"] == again["name"] != later["name"]
    assert first["name"].startswith("projects/p/locations/europe-west1/queues/dispatch/tasks/dispatch-")
    http = first["http_request"]
    assert json.loads(http["body"]) == {"jobId": "job-1"}
    assert http["oidc_token"] == {"service_account_email": "t@p.iam", "audience": "aud"}
    tasks_v2.Task(**first)  # the shape the Cloud Tasks API accepts


def test_dispatch_tasks_carry_the_dispatch_services_origin_as_audience():
    from shared.adapters.queue import dispatch_audience

    # Whoever enqueues (create_job, or the sweep with an audience of its own), the token must name the
    # dispatch function's service, or Cloud Run refuses it.
    url = "https://cw-dispatch-job-abc123-ew.a.run.app/api/tasks/dispatch"
    assert dispatch_audience(url) == "https://cw-dispatch-job-abc123-ew.a.run.app"
