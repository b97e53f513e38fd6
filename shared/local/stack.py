"""The local stack that `make run` starts: `python -m shared.local.stack`.

Starts the Firestore emulator, the Auth emulator, moto's S3 server (with the bucket), the local GPU runner
(a supervised child process, restarted if it dies) and the API router on http://127.0.0.1:8080, then
calls the sweep every 30 s. Ctrl-C stops everything it started. Logs of the children go to .run/.
"""

import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from shared.local import settings
from shared.local.processes import ManagedProcess, StackError, ensure_port_free, http_ok, spawn, wait_ready

log = logging.getLogger("cineweave.stack")

SWEEP_EVERY_S = 30


class SupervisedGpuRunner:
    """Runs `python -m shared.local.gpu_runner` and starts it again whenever it exits unexpectedly."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path = settings.RUN_DIR / "gpu-runner.log"):
        self.port = port
        self.env = env
        self.url = f"http://{settings.HOST}:{port}/v2"
        self.log_path = log_path
        self.process: ManagedProcess | None = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="gpu-runner-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def stop(self) -> None:
        self._stopping.set()
        if self.process is not None:
            self.process.stop()

    def _ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/local/health", headers={"Authorization": "Bearer local"}, timeout=2).ok
        except requests.RequestException:
            return False

    def _spawn(self) -> None:
        argv = [sys.executable, "-m", "shared.local.gpu_runner", "--host", settings.HOST, "--port", str(self.port)]
        # Appended to, so that a restart keeps the log of the run that died.
        process = spawn(
            "GPU runner",
            argv,
            url=self.url,
            log_path=self.log_path,
            env=self.env,
            cwd=settings.REPO_ROOT,
            append_log=True,
        )
        try:
            wait_ready(process, self._ready, timeout_s=30)
        finally:
            self.process = process  # only once it answers (or has failed), so that stop() sees it
        if self._stopping.is_set():  # stopped while this one was starting
            process.stop()

    def _watch(self) -> None:
        delay_s = 1.0
        while not self._stopping.wait(1.0):
            process = self.process  # start() has set it before this thread starts
            if process is None or process.running():
                continue
            started_at = time.monotonic()
            log.warning(
                "GPU runner exited with code %s; restarting it in %.0f s (log: %s)",
                process.popen.returncode,
                delay_s,
                self.log_path,
            )
            if self._stopping.wait(delay_s):
                return
            try:
                self._spawn()
                log.info("GPU runner restarted at %s", self.url)
            except StackError as exc:
                log.error("GPU runner restart failed: %s", exc)
            # Back off while it keeps dying straight away.
            delay_s = min(delay_s * 2, 30.0) if time.monotonic() - started_at < 10 else 1.0


def sweep_forever(api_base: str, secret: str, stop: threading.Event, every_s: float = SWEEP_EVERY_S) -> None:
    """What Cloud Scheduler does in production: POST /api/tasks/sweep and /api/tasks/renew on a schedule."""
    last_problem = None
    while not stop.wait(every_s):
        problems = []
        for task in ("sweep", "renew"):
            try:
                response = requests.post(
                    f"{api_base}/api/tasks/{task}", timeout=60, headers={"Authorization": f"Bearer {secret}"}
                )
                if not response.ok:
                    problems.append(f"{task}: HTTP {response.status_code}: {response.text[:200]}")
            except requests.RequestException as exc:
                problems.append(f"{task}: {exc}")
        problem = "; ".join(problems) or None
        if problem != last_problem:  # say it once, not every 30 s
            log.warning("scheduled task failed: %s", problem) if problem else log.info("scheduled tasks answer again")
            last_problem = problem


def start_truelayer_standin(port: int, api_base: str) -> ManagedProcess:
    """The TrueLayer stand-in: payments, the hosted payment page, signed webhooks back to the router."""
    base = f"http://{settings.HOST}:{port}"
    argv = [
        sys.executable,
        "-m",
        "shared.local.truelayer_standin",
        "--host",
        settings.HOST,
        "--port",
        str(port),
        "--webhook-url",
        f"{api_base}/api/webhooks/truelayer",
        "--keys-dir",
        str(settings.TRUELAYER_KEYS_DIR),
        "--client-id",
        settings.LOCAL_TRUELAYER_CLIENT_ID,
        "--client-secret",
        settings.LOCAL_TRUELAYER_CLIENT_SECRET,
        "--public-base-url",
        base,
    ]
    process = spawn("TrueLayer stand-in", argv, url=base, log_path=settings.RUN_DIR / "truelayer-standin.log")
    wait_ready(process, lambda: http_ok(f"{base}/.well-known/jwks", "keys"), timeout_s=30)
    return process


def start_moderation_standin(api: str, port: int) -> ManagedProcess:
    """A stand-in for Natural Language (`api="language"`) or Cloud Vision (`api="vision"`)."""
    base = f"http://{settings.HOST}:{port}"
    argv = [sys.executable, "-m", "shared.local.moderation_standins", "--api", api, "--host", settings.HOST]
    process = spawn(
        f"{api} stand-in", [*argv, "--port", str(port)], url=base, log_path=settings.RUN_DIR / f"{api}-standin.log"
    )
    wait_ready(process, lambda: http_ok(f"{base}/local/health", api), timeout_s=30)
    return process


def _start_emulators(env: dict[str, str]) -> list[ManagedProcess]:
    from shared.local.emulators import start_auth, start_firestore, start_s3

    ports = settings.DEV_EMULATOR_PORTS
    starters = {
        "Firestore emulator": lambda: start_firestore(ports.firestore),
        "Auth emulator": lambda: start_auth(ports.auth),
        "S3 server (moto)": lambda: start_s3(ports.s3),
    }
    started, errors = [], []
    # In parallel: the Auth emulator alone takes several seconds.
    with ThreadPoolExecutor(len(starters)) as pool:
        futures = {name: pool.submit(_timed, start) for name, start in starters.items()}
        for name, future in futures.items():
            try:
                process, seconds = future.result()
                started.append(process)
                log.info("%s ready at %s in %.1f s", name, process.url, seconds)
            except Exception as exc:
                errors.append(str(exc))
    if errors:
        for process in started:
            process.stop()
        raise StackError("\n".join(errors))
    return started


def _timed(start):
    began = time.monotonic()
    process = start()
    return process, time.monotonic() - began


def _banner(api_base: str, env: dict[str, str], runner: SupervisedGpuRunner) -> str:
    from shared.local.auth_emulator import sign_in_instructions

    blocklist = os.environ.get("MODERATION_BLOCKLIST_TERMS") or "(none: set MODERATION_BLOCKLIST_TERMS=a,b)"
    return f"""
CineWeave is running at {api_base}  (web app at /, API under /api)
  Firestore emulator  {env["FIRESTORE_EMULATOR_HOST"]}
  Auth emulator       {env["FIREBASE_AUTH_EMULATOR_HOST"]}
  S3 (moto)           {env["S3_ENDPOINT_URL"]}  bucket {env["S3_BUCKET"]}
  GPU runner          {runner.url}  (WAN_PRESET={env["WAN_PRESET"]})
  TrueLayer stand-in  {env["TRUELAYER_API_URL"]}  (payments: buy on the account page, "Pay now")
  Natural Language    {env["LANGUAGE_API_ENDPOINT"]}  (stand-in: [[flag:Violent]] in a prompt is refused)
  Cloud Vision        {env["VISION_API_ENDPOINT"]}  (stand-in: [[flag:adult]] in an image's bytes is refused)
  blocklist           {blocklist}
  logs                {settings.RUN_DIR}/

{sign_in_instructions(env["FIREBASE_AUTH_EMULATOR_HOST"], api_base)}

Ctrl-C stops everything.
"""


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = settings.local_env()
    os.environ.update(env)  # before anything reads the domain's configuration
    ports = settings.DEV_EMULATOR_PORTS
    pieces = [
        ("Firestore emulator", ports.firestore),
        ("Auth emulator", ports.auth),
        ("S3 server (moto)", ports.s3),
        ("GPU runner", settings.DEV_GPU_RUNNER_PORT),
        ("TrueLayer stand-in", settings.DEV_TRUELAYER_PORT),
        ("Natural Language stand-in", settings.DEV_LANGUAGE_PORT),
        ("Cloud Vision stand-in", settings.DEV_VISION_PORT),
        ("API router", settings.DEV_API_PORT),
    ]
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` ends the stack the way Ctrl-C does

    stop_sweeps = threading.Event()
    emulators: list[ManagedProcess] = []
    runner = SupervisedGpuRunner(settings.DEV_GPU_RUNNER_PORT, env={**os.environ})
    server = None
    try:
        for name, port in pieces:  # all at once, before starting anything
            ensure_port_free(name, settings.HOST, port)
        emulators = _start_emulators(env)
        runner.start()
        log.info("GPU runner ready at %s (log: %s)", runner.url, runner.log_path)
        emulators.append(start_truelayer_standin(settings.DEV_TRUELAYER_PORT, env["PUBLIC_BASE_URL"]))
        log.info("TrueLayer stand-in ready at %s", emulators[-1].url)
        for api, port in (("language", settings.DEV_LANGUAGE_PORT), ("vision", settings.DEV_VISION_PORT)):
            emulators.append(start_moderation_standin(api, port))
            log.info("%s stand-in ready at %s", api, emulators[-1].url)

        from werkzeug.serving import make_server

        from shared.local.router import LocalRouter

        server = make_server(settings.HOST, settings.DEV_API_PORT, LocalRouter(), threaded=True)
        api_base = env["PUBLIC_BASE_URL"]
        threading.Thread(
            target=sweep_forever, args=(api_base, env["INTERNAL_TASK_SECRET"], stop_sweeps), name="sweeper", daemon=True
        ).start()
        print(_banner(api_base, env, runner), flush=True)
        server.serve_forever()  # returns on Ctrl-C
        print("\nstopping the local stack...", flush=True)
    except KeyboardInterrupt:
        print("\nstopping the local stack...", flush=True)
    except StackError as exc:
        print(f"\nThe local stack could not start:\n{exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        # A second Ctrl-C must not leave children behind half-way through the shutdown.
        signal.signal(signal.SIGINT, lambda *_: print("still stopping, one moment...", flush=True))
        stop_sweeps.set()
        if server is not None:
            server.server_close()
        runner.stop()
        for process in reversed(emulators):
            process.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
