"""Fixtures for the function suites: every function through functions-framework's test client, on the
Firestore and Auth emulators and moto, with the hosted APIs (RunPod, Cloud Tasks) stood in for."""

import dataclasses
import pathlib
import uuid

import pytest
from werkzeug.routing import Map, Rule

from tests.fake_runpod import FakeRunPod
from tests.invariants import check_invariants

ROOT = pathlib.Path(__file__).resolve().parents[2]


class RecordingQueue:
    """Stands in for Cloud Tasks: records what would be delivered; tests deliver it."""

    def __init__(self):
        self.job_ids: list[str] = []
        self.webhooks: list[tuple[str, str]] = []  # (job id, event)

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        self.job_ids.append(job_id)

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        self.webhooks.append((job_id, event))


@dataclasses.dataclass
class ApiUser:
    uid: str
    email: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def runpod():
    fake = FakeRunPod()
    yield fake
    fake.close()


@pytest.fixture
def services(emulators, clean_state, runpod, moderation_standins):
    from shared import container
    from shared.config import Settings

    settings = Settings.from_env().model_copy(
        update={"runpod_api_base": runpod.base, "runpod_api_key": runpod.api_key, "runpod_endpoint_id": "ep"}
    )
    app = container.Services(settings, queue=RecordingQueue())
    container.use(app)
    yield app
    container.use(None)
    check_invariants(app.db)


@pytest.fixture(scope="session")
def api():
    return Api()


class Api:
    """Sends a request to whichever function owns the path, through functions-framework's test client."""

    def __init__(self):
        import functions_framework

        from shared.routes import FUNCTIONS, ROUTES

        self._map = Map([Rule(r.rule, methods=list(r.methods), endpoint=r.function) for r in ROUTES])
        self.clients = {
            name: functions_framework.create_app(name, str(ROOT / "functions" / f"{name}.py")).test_client()
            for name in FUNCTIONS
        }

    def call(self, method: str, path: str, user: ApiUser | None = None, **kwargs):
        function, _ = self._map.bind("localhost").match(path.split("?")[0], method=method)
        headers = kwargs.pop("headers", {})
        if user is not None:
            headers = user.headers | headers
        return self.clients[function].open(path, method=method, headers=headers, **kwargs)

    def get(self, path, user=None, **kwargs):
        return self.call("GET", path, user, **kwargs)

    def post(self, path, user=None, **kwargs):
        return self.call("POST", path, user, **kwargs)


@pytest.fixture
def make_user(services, auth_users):
    """A signed-up user (optionally an admin) holding `credits` granted through the ledger."""

    def make(credits: int = 0, admin: bool = False) -> ApiUser:
        user = auth_users(admin=admin)
        if credits:
            services.credits.grant(user["uid"], f"grant:test:{uuid.uuid4().hex}", "grant", credits, reason="test")
        return ApiUser(uid=user["uid"], email=user["email"], token=user["idToken"])

    return make


@pytest.fixture(scope="session")
def tl_keys(tmp_path_factory):
    from shared.local.truelayer_keys import LocalKeys

    return LocalKeys.load_or_create(tmp_path_factory.mktemp("tl-keys"))


@pytest.fixture
def truelayer(services, tl_keys):
    """The TrueLayer stand-in wired into the services; its webhooks are captured for the test to deliver."""
    from tests.api.payment_flow import PaymentsHarness

    harness = PaymentsHarness(tl_keys, services)
    yield harness
    harness.close()
