"""Cold start of every function: process start → first real answer, on the running local stack.

    make run            # in another terminal: the emulators this uses
    python -m tests.bench.cold_start [--repeat 3]

Every function of shared/routes.py (one per functions/*.py) is started alone with `functions-framework
--target NAME` (as Cloud Functions does) and sent one representative request, its first route's, as soon as
its port opens; the figure includes the lazy set-up that request needs (Firestore, S3 or Auth clients).
Prints a table of the median per function.
"""

import argparse
import os
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid

import requests

from shared.api_docs.operations import OPERATIONS
from shared.local import settings
from shared.local.auth_emulator import set_custom_claims, sign_in, sign_up
from shared.routes import FUNCTIONS, ROUTES

ROOT = settings.REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((settings.HOST, 0))
        return sock.getsockname()[1]


# Internal calls have no documented example body; these make them get past input validation.
INTERNAL_BODIES = {"/api/tasks/dispatch": {"jobId": "none"}}


def requests_for(user: dict, admin: dict, secret: str) -> dict[str, tuple]:
    """One representative request per function: its first route in shared/routes.py, path parameters naming
    nothing, the documented example body, and the credentials that route takes (shared/api_docs)."""
    operations = {(op.method, op.rule): op for op in OPERATIONS}
    calls: dict[str, tuple] = {}
    for route in ROUTES:
        if route.function in calls:
            continue
        method = route.methods[0]
        op = operations[(method, route.rule)]
        path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "none", route.rule)
        if route.rule.startswith("/api/tasks/"):
            token = secret  # Cloud Tasks and Scheduler; locally the shared task secret
        elif op.internal or not op.security:
            token = None  # public, or a webhook that proves itself
        else:
            token = admin["idToken"] if op.tag == "admin" else user["idToken"]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        calls[route.function] = (method, path, headers, op.example or INTERNAL_BODIES.get(route.rule))
    return calls


def cold_start(name: str, request: tuple, env: dict) -> tuple[float, int]:
    method, path, headers, body = request
    port = free_port()
    command = [
        str(pathlib.Path(sys.executable).parent / "functions-framework"),
        "--target",
        name,
        "--source",
        str(ROOT / "functions" / f"{name}.py"),
        "--host",
        settings.HOST,
        "--port",
        str(port),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                answer = requests.request(
                    method, f"http://{settings.HOST}:{port}{path}", headers=headers, json=body, timeout=30
                )
                return time.perf_counter() - started, answer.status_code
            except requests.ConnectionError:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}") from None
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description="Cold start of every function")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = os.environ | settings.local_env()
    auth_host = env["FIREBASE_AUTH_EMULATOR_HOST"]
    user = sign_up(auth_host, f"cold-{uuid.uuid4().hex[:8]}@example.com", "secret-pass-1")
    admin_email = f"cold-admin-{uuid.uuid4().hex[:8]}@example.com"
    admin = sign_up(auth_host, admin_email, "secret-pass-1")
    set_custom_claims(auth_host, admin["uid"], {"admin": True})
    admin = sign_in(auth_host, admin_email, "secret-pass-1")
    calls = requests_for(user, admin, env["INTERNAL_TASK_SECRET"])
    print(f"{'function':<16}{'median s':>10}{'min s':>8}{'max s':>8}  status")
    for name in FUNCTIONS:
        runs = [cold_start(name, calls[name], env) for _ in range(args.repeat)]
        seconds = [run[0] for run in runs]
        print(f"{name:<16}{statistics.median(seconds):>10.2f}{min(seconds):>8.2f}{max(seconds):>8.2f}  {runs[0][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
