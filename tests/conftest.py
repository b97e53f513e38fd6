"""Test-session set-up shared by every suite.

- The environment (emulator hosts, S3, secrets, CINEWEAVE_ENV=test) is set when this file is imported,
  before any test module imports the domain.
- The Firestore emulator (8185), the Auth emulator (9199) and moto's S3 server (9100) start on first use,
  once per session, and stop at its end; suites that never ask for them (tests/worker/) never start them.
  With CINEWEAVE_TEST_REUSE=1, emulators already answering on those ports are used as they are
  (start them with `python -m shared.local.emulators --test`).
- `clean_state` empties Firestore, Auth and the bucket before a test.
"""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shared.local import settings

os.environ.update(settings.env_for_tests())
# gRPC (the Firestore client) hooks fork(); the worker tests fork ffmpeg in the same process, and those hooks
# can stall or scribble on the child before it execs.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

import pytest

PORTS = settings.TEST_EMULATOR_PORTS
LOG_DIR = settings.RUN_DIR / "test"


@pytest.fixture(autouse=True)
def fresh_log_context():
    """Each test logs as one request does: the ids a service binds outside a request (a test calling it
    directly) don't stay on the lines of the tests after it."""
    from shared.log import request_scope

    with request_scope({}):
        yield


@dataclass(frozen=True)
class Emulators:
    firestore_host: str  # 127.0.0.1:8185, as FIRESTORE_EMULATOR_HOST
    auth_host: str  # 127.0.0.1:9199, as FIREBASE_AUTH_EMULATOR_HOST
    s3_endpoint: str  # http://127.0.0.1:9100, as S3_ENDPOINT_URL


class EmulatorPool:
    """Starts each emulator the first time a fixture needs it; stops what it started at session end."""

    def __init__(self):
        from shared.local import emulators as em

        self._em = em
        self._lock = threading.Lock()
        self._addresses: dict[str, str] = {}
        self._processes = []
        self._specs = {
            "firestore": (
                lambda: em.start_firestore(PORTS.firestore, log_dir=LOG_DIR),
                em.firestore_ready,
                f"{settings.HOST}:{PORTS.firestore}",
            ),
            "auth": (
                lambda: em.start_auth(PORTS.auth, log_dir=LOG_DIR),
                em.auth_ready,
                f"{settings.HOST}:{PORTS.auth}",
            ),
            "s3": (lambda: em.start_s3(PORTS.s3, log_dir=LOG_DIR), em.s3_ready, f"http://{settings.HOST}:{PORTS.s3}"),
        }

    def ensure(self, *names: str) -> list[str]:
        with self._lock:
            missing = [name for name in names if name not in self._addresses]
            with ThreadPoolExecutor(max(1, len(missing))) as pool:  # the Auth emulator alone takes seconds
                futures = {name: pool.submit(self._start, name) for name in missing}
            errors = []
            for name, future in futures.items():
                try:
                    self._addresses[name] = future.result()
                except Exception as exc:
                    errors.append(exc)
            if errors:
                raise errors[0]
            return [self._addresses[name] for name in names]

    def _start(self, name: str) -> str:
        start, ready, address = self._specs[name]
        if os.environ.get("CINEWEAVE_TEST_REUSE") == "1" and ready(address):
            if name == "s3":
                self._em.create_bucket(address)
            return address
        try:
            self._processes.append(start())
        except self._em.PortInUseError as exc:
            raise self._em.PortInUseError(
                f"{exc} Or set CINEWEAVE_TEST_REUSE=1 to use the emulators already running there."
            ) from None
        return address

    def stop(self) -> None:
        for process in self._processes:
            process.stop()


@pytest.fixture(scope="session")
def _emulator_pool():
    pool = EmulatorPool()
    yield pool
    pool.stop()


@pytest.fixture(scope="session")
def firestore_emulator(_emulator_pool) -> str:
    """`127.0.0.1:8185` once the Firestore emulator answers."""
    return _emulator_pool.ensure("firestore")[0]


@pytest.fixture(scope="session")
def auth_emulator(_emulator_pool) -> str:
    """`127.0.0.1:9199` once the Auth emulator answers."""
    return _emulator_pool.ensure("auth")[0]


@pytest.fixture(scope="session")
def s3_server(_emulator_pool) -> str:
    """`http://127.0.0.1:9100` once moto answers, with the outputs bucket created."""
    return _emulator_pool.ensure("s3")[0]


@pytest.fixture(scope="session")
def emulators(_emulator_pool) -> Emulators:
    firestore, auth, s3 = _emulator_pool.ensure("firestore", "auth", "s3")
    return Emulators(firestore_host=firestore, auth_host=auth, s3_endpoint=s3)


@pytest.fixture(scope="session")
def moderation_standins():
    """The Natural Language and Cloud Vision stand-ins on the ports the test environment names, in threads;
    answers {"language": StandIn, "vision": StandIn} so that tests can read their call counts."""
    from shared.local.moderation_standins import serve

    servers = {
        "language": serve("language", settings.HOST, settings.TEST_LANGUAGE_PORT),
        "vision": serve("vision", settings.HOST, settings.TEST_VISION_PORT),
    }
    yield {api: server.app for api, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def clean_state(emulators):
    """Start the test with no documents, no accounts and an empty bucket."""
    from shared.local.emulators import clear_auth, clear_firestore, empty_bucket

    clear_firestore(emulators.firestore_host)
    clear_auth(emulators.auth_host)
    empty_bucket(emulators.s3_endpoint)
    yield emulators


@pytest.fixture
def auth_users(auth_emulator):
    """Factory: `auth_users(admin=False, email=None, password=...)` signs up a user in the Auth emulator.

    Returns {"uid", "idToken", "email"}; with admin=True the claim is set and the user signs in again,
    so the token carries `admin: true`.
    """
    from shared.local.auth_emulator import set_custom_claims, sign_in, sign_up

    def make(admin: bool = False, email: str | None = None, password: str = "secret-pass-1") -> dict:
        email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
        user = sign_up(auth_emulator, email, password)
        if admin:
            set_custom_claims(auth_emulator, user["uid"], {"admin": True})
            user = sign_in(auth_emulator, email, password)
        return {"uid": user["uid"], "idToken": user["idToken"], "email": email}

    return make
