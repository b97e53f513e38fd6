"""Fixed names, ports and dev-only secrets of the local stack and of the test session."""

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = REPO_ROOT / ".run"  # logs and generated config; ignored by git
KEEP_DIR = RUN_DIR / "keep"  # the emulators' data that `make run KEEP=1` keeps between runs
RULES_PATH = REPO_ROOT / "firestore_rules" / "firestore.rules"
FRONTEND_DIST = REPO_ROOT / "frontend" / "dist"

HOST = "127.0.0.1"
PROJECT_ID = "demo-cineweave"
BUCKET = "cineweave-outputs"
# The Auth emulator ignores the key; clients still have to send one.
FAKE_API_KEY = "fake-api-key"

# Dev-only values: the local stack is never reachable from outside 127.0.0.1.
LOCAL_WEBHOOK_TOKEN_SECRET = "local-webhook-token-secret-for-dev-only"
LOCAL_INTERNAL_TASK_SECRET = "local-internal-task-secret-for-dev-only"
LOCAL_RUNPOD_API_KEY = "local"
S3_ACCESS_KEY_ID = "test"
S3_SECRET_ACCESS_KEY = "test"
S3_REGION = "auto"


@dataclass(frozen=True)
class EmulatorPorts:
    firestore: int
    auth: int
    s3: int


DEV_EMULATOR_PORTS = EmulatorPorts(firestore=8085, auth=9099, s3=9000)
# CINEWEAVE_TEST_PORT_OFFSET shifts the test ports, so that two test sessions can share a machine.
_TEST_OFFSET = int(os.environ.get("CINEWEAVE_TEST_PORT_OFFSET", "0"))
TEST_EMULATOR_PORTS = EmulatorPorts(firestore=8185 + _TEST_OFFSET, auth=9199 + _TEST_OFFSET, s3=9100 + _TEST_OFFSET)
# The security-rules tests (firestore_rules/tests/) run their own Firestore emulator, loaded with the rules.
RULES_TEST_FIRESTORE_PORT = 8285 + _TEST_OFFSET
DEV_API_PORT = 8080
DEV_GPU_RUNNER_PORT = 8091
DEV_TRUELAYER_PORT = 8093
DEV_LANGUAGE_PORT = 8095  # the Natural Language stand-in
DEV_VISION_PORT = 8096  # the Cloud Vision stand-in
TEST_LANGUAGE_PORT = 8195 + _TEST_OFFSET
TEST_VISION_PORT = 8196 + _TEST_OFFSET
TRUELAYER_KEYS_DIR = RUN_DIR / "truelayer"  # dev keys: ours for request signing, the stand-in's for webhooks
LOCAL_TRUELAYER_CLIENT_ID = "cineweave-local"
LOCAL_TRUELAYER_CLIENT_SECRET = "local-truelayer-client-secret-for-dev-only"


def emulator_env(ports: EmulatorPorts) -> dict[str, str]:
    """Variables that point the Google clients and boto3 at the emulators."""
    return {
        "GOOGLE_CLOUD_PROJECT": PROJECT_ID,
        "FIRESTORE_EMULATOR_HOST": f"{HOST}:{ports.firestore}",
        "FIREBASE_AUTH_EMULATOR_HOST": f"{HOST}:{ports.auth}",
        "S3_ENDPOINT_URL": f"http://{HOST}:{ports.s3}",
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "S3_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
        "S3_REGION": S3_REGION,
    }


def local_env(
    api_port: int = DEV_API_PORT, gpu_runner_port: int = DEV_GPU_RUNNER_PORT, truelayer_port: int = DEV_TRUELAYER_PORT
) -> dict[str, str]:
    """Everything `make run` exports to the functions and the GPU runner."""
    api = f"http://{HOST}:{api_port}"
    return {
        **emulator_env(DEV_EMULATOR_PORTS),
        "CINEWEAVE_ENV": "local",
        "PUBLIC_BASE_URL": api,
        "QUEUE_BACKEND": "local",
        "DISPATCH_URL": f"{api}/api/tasks/dispatch",
        "INTERNAL_TASK_SECRET": LOCAL_INTERNAL_TASK_SECRET,
        "WEBHOOK_TOKEN_SECRET": LOCAL_WEBHOOK_TOKEN_SECRET,
        "RUNPOD_API_BASE": f"http://{HOST}:{gpu_runner_port}/v2",
        "RUNPOD_ENDPOINT_ID": "local",
        "RUNPOD_API_KEY": LOCAL_RUNPOD_API_KEY,
        "WAN_PRESET": "tiny",
        **truelayer_env(f"http://{HOST}:{truelayer_port}"),
        **moderation_env(DEV_LANGUAGE_PORT, DEV_VISION_PORT),
    }


def moderation_env(language_port: int, vision_port: int) -> dict[str, str]:
    """Point the moderation clients at the stand-ins. The blocklist (MODERATION_BLOCKLIST_TERMS) and the
    other moderation settings are left to the caller's environment."""
    return {
        "LANGUAGE_API_ENDPOINT": f"http://{HOST}:{language_port}",
        "VISION_API_ENDPOINT": f"http://{HOST}:{vision_port}",
    }


def truelayer_env(standin: str) -> dict[str, str]:
    """Point the payment adapter at the TrueLayer stand-in, with the dev request-signing key."""
    from shared.local.truelayer_keys import LocalKeys

    keys = LocalKeys.load_or_create(TRUELAYER_KEYS_DIR)
    return {
        "TRUELAYER_AUTH_URL": standin,
        "TRUELAYER_API_URL": standin,
        "TRUELAYER_HPP_URL": standin,
        "TRUELAYER_CLIENT_ID": LOCAL_TRUELAYER_CLIENT_ID,
        "TRUELAYER_CLIENT_SECRET": LOCAL_TRUELAYER_CLIENT_SECRET,
        "TRUELAYER_SIGNING_KEY_ID": keys.signing_kid,
        "TRUELAYER_SIGNING_PRIVATE_KEY": keys.signing_private_pem,
        "TRUELAYER_WEBHOOK_JKUS": f"{standin}/.well-known/jwks",
    }


def env_for_tests() -> dict[str, str]:
    """The test session's variables; suites that start the router or runner override the URLs."""
    return {
        **emulator_env(TEST_EMULATOR_PORTS),
        "CINEWEAVE_ENV": "test",
        "PUBLIC_BASE_URL": f"http://{HOST}:8180",
        "INTERNAL_TASK_SECRET": "test-internal-task-secret-for-tests-only",
        "WEBHOOK_TOKEN_SECRET": "test-webhook-token-secret-for-tests-only",
        "WAN_PRESET": "tiny",
        **moderation_env(TEST_LANGUAGE_PORT, TEST_VISION_PORT),
    }
