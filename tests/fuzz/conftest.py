"""The API over HTTP for schemathesis: the local router (shared.local.router) on a free port, in front of the
functions run in this process on the test emulators, the moderation stand-ins, the TrueLayer stand-in, a
FakeRunPod and a recording queue. Never the dev ports: `make run` and the browser tests may be using those.

Two users: a creator with credits (and, once POST /api/keys is served, a `cw_` key for the routes that take
one) and an admin. Which credentials a request carries follows the operation's security in the document.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import time
import uuid
from collections import Counter, defaultdict

import pytest
import requests

from shared import api_docs
from shared.api_docs.operations import OPERATIONS, USER, Operation
from tests.fake_runpod import FakeRunPod
from tests.invariants import check_invariants

PASSWORD = "fuzz-pass-1"
CREDITS = 1_000_000
NOT_SERVED = ("No such API path", "function is not available", "No API route matches")


class RecordingQueue:
    """Stands in for Cloud Tasks: the jobs stay queued, nothing is dispatched and no webhook is delivered."""

    def __init__(self):
        self.job_ids: list[str] = []
        self.webhooks: list[tuple[str, str]] = []

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        self.job_ids.append(job_id)

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        self.webhooks.append((job_id, event))


class OfflineUrlGuard:
    """The webhook URL guard's rules without DNS: the generated host names are never looked up. An IP literal
    is vetted as it is; a name stands for 127.0.0.1 (nothing is delivered in this run anyway)."""

    def vet(self, url: str):
        from shared.domain import webhooks

        target = webhooks.parse_target(url, allow_http=True)
        try:
            addresses: tuple[str, ...] = (str(ipaddress.ip_address(target.host)),)
        except ValueError:
            addresses = ("127.0.0.1",)
        return webhooks.vetted(target, addresses, allow_loopback=True)


@dataclasses.dataclass
class Stack:
    base: str
    user_token: str
    admin_token: str
    api_key: str | None
    served: set[tuple[str, str]]  # (METHOD, /openapi/{path}) answered by a view; the rest is not written yet
    operations: dict[tuple[str, str], Operation]

    def headers(self, method: str, path: str) -> dict[str, str]:
        op = self.operations[(method, path)]
        if not op.security:
            return {}
        if op.tag == "admin":
            token = self.admin_token
        elif op.security == USER and self.api_key:
            token = self.api_key
        else:
            token = self.user_token
        return {"Authorization": f"Bearer {token}"}


@dataclasses.dataclass
class Figures:
    """What the run sent and got back, printed at the end of the session."""

    cases: Counter = dataclasses.field(default_factory=Counter)
    statuses: defaultdict = dataclasses.field(default_factory=lambda: defaultdict(Counter))
    other_methods: Counter = dataclasses.field(default_factory=Counter)
    started: float = dataclasses.field(default_factory=time.monotonic)

    def record(self, operation: str, status: int, method: str | None = None) -> None:
        self.cases[operation] += 1
        self.statuses[operation][status] += 1
        if method and not operation.startswith(f"{method} "):  # the coverage phase's unexpected methods
            self.other_methods[status] += 1

    def lines(self) -> list[str]:
        total, seconds = sum(self.cases.values()), time.monotonic() - self.started
        lines = [f"schemathesis: {len(self.cases)} operations, {total} cases in {seconds:.0f} s"]
        if self.other_methods:
            statuses = ", ".join(f"{status}×{n}" for status, n in sorted(self.other_methods.items()))
            lines.append(
                f"  of which other methods on a documented path: {sum(self.other_methods.values())} ({statuses})"
            )
        for operation in sorted(self.cases):
            statuses = ", ".join(f"{status}×{n}" for status, n in sorted(self.statuses[operation].items()))
            lines.append(f"  {operation}: {self.cases[operation]} cases ({statuses})")
        return lines


def _sample(path: str) -> str:
    return path.replace("{", "fuzz-").replace("}", "")


def _served(base: str) -> set[tuple[str, str]]:
    """Which documented operations a view answers: a request with no credentials reaches the view's
    authentication (401) or its answer, while a route no view serves yet answers 404 `No such API path`."""
    served = set()
    for method, path in OPERATIONS_BY_PATH:
        answer = requests.request(method, base + _sample(path), timeout=30)
        message = answer.json().get("error", {}).get("message", "") if answer.status_code == 404 else ""
        if not any(text in message for text in NOT_SERVED):
            served.add((method, path))
    return served


OPERATIONS_BY_PATH = {(op.method, api_docs.openapi_path(op.rule)): op for op in OPERATIONS if not op.internal}


FIGURES = Figures()


@pytest.fixture(scope="session")
def fuzz_figures():
    FIGURES.started = time.monotonic()
    return FIGURES


def pytest_terminal_summary(terminalreporter):
    if FIGURES.cases:
        terminalreporter.section("schemathesis")
        for line in FIGURES.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def fuzz_stack(emulators, moderation_standins, tmp_path_factory):
    from shared import container
    from shared.config import Settings
    from shared.local.auth_emulator import set_custom_claims, sign_in, sign_up
    from shared.local.emulators import clear_auth, clear_firestore, empty_bucket
    from shared.local.router import LocalRouter, start_in_thread
    from shared.local.truelayer_keys import LocalKeys
    from tests.api.payment_flow import PaymentsHarness

    clear_firestore(emulators.firestore_host)
    clear_auth(emulators.auth_host)
    empty_bucket(emulators.s3_endpoint)
    runpod = FakeRunPod()
    settings = Settings.from_env().model_copy(
        update={
            "runpod_api_base": runpod.base,
            "runpod_api_key": runpod.api_key,
            "runpod_endpoint_id": "ep",
            # Room for every create the run makes, so that creates get past the limits to the answer.
            "max_active_jobs": 10_000,
            "rate_limit_creates_per_minute": 10_000,
        }
    )
    app = container.Services(settings, queue=RecordingQueue(), url_guard=OfflineUrlGuard())
    payments = PaymentsHarness(LocalKeys.load_or_create(tmp_path_factory.mktemp("tl-keys")), app)  # on free ports
    container.use(app)
    server = None
    try:
        user = sign_up(emulators.auth_host, f"fuzz-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)
        app.credits.grant(user["uid"], f"grant:fuzz:{uuid.uuid4().hex}", "grant", CREDITS, reason="fuzz")
        admin_email = f"fuzz-admin-{uuid.uuid4().hex[:8]}@example.com"
        admin = sign_up(emulators.auth_host, admin_email, PASSWORD)
        set_custom_claims(emulators.auth_host, admin["uid"], {"admin": True})
        admin = sign_in(emulators.auth_host, admin_email, PASSWORD)

        router = LocalRouter(frontend_dist=tmp_path_factory.mktemp("no-web-app"))
        server, base = start_in_thread(router=router)
        served = _served(base)
        api_key = None
        if ("POST", "/api/keys") in served:
            answer = requests.post(
                base + "/api/keys",
                json={"name": "schemathesis"},
                headers={"Authorization": f"Bearer {user['idToken']}"},
                timeout=30,
            )
            assert answer.status_code == 201, answer.text
            api_key = answer.json()["key"]
        yield Stack(base, user["idToken"], admin["idToken"], api_key, served, OPERATIONS_BY_PATH)
    finally:
        if server is not None:
            server.shutdown()
        runpod.close()
        payments.close()
        container.use(None)
    check_invariants(app.db, max_active_jobs=settings.max_active_jobs)
