"""The local stack that `make run` starts: `python -m shared.local.stack [--keep [DIR]]`.

Starts the Firestore emulator, the Auth emulator, moto's S3 server (with the bucket), the local GPU runner
(a supervised child process, restarted if it dies) and the API router on http://127.0.0.1:8080, then
calls the sweep every 30 s. Logs of the children go to .run/.

Ctrl-C, SIGTERM or SIGHUP stops everything it started, once: a signal that arrives while it stops (make
forwards SIGTERM to it, so a kill of make's process group arrives twice) neither restarts nor cuts short the
shutdown. With --keep, the emulators' data is saved as it stops and loaded at the next start (shared/local/keep.py).
"""

import argparse
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from shared.local import settings
from shared.local.gpu_supervisor import SupervisedGpuRunner
from shared.local.keep import KeptData
from shared.local.processes import CHILDREN, ManagedProcess, StackError, ensure_port_free, http_ok, spawn, wait_ready
from shared.local.stop_request import StopRequest

log = logging.getLogger("cineweave.stack")

SWEEP_EVERY_S = 30


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


def _start_emulators(env: dict[str, str], keep: KeptData | None) -> None:
    from shared.local.emulators import start_auth, start_firestore, start_s3

    ports = settings.DEV_EMULATOR_PORTS
    seed = keep.firestore_seed() if keep else None
    starters = {
        "Firestore emulator": lambda: start_firestore(ports.firestore, seed_from=seed),
        "Auth emulator": lambda: start_auth(ports.auth, data_dir=keep.auth_dir if keep else None),
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
    if keep is not None:
        restored = keep.restore_bucket(env["S3_ENDPOINT_URL"])
        log.info(
            "kept data loaded from %s (Firestore: %s, objects: %d)", keep.root, "yes" if seed else "none", restored
        )


def _timed(start):
    began = time.monotonic()
    process = start()
    return process, time.monotonic() - began


def _banner(api_base: str, env: dict[str, str], runner: SupervisedGpuRunner, keep: KeptData | None) -> str:
    from shared.local.auth_emulator import sign_in_instructions

    blocklist = os.environ.get("MODERATION_BLOCKLIST_TERMS") or "(none: set MODERATION_BLOCKLIST_TERMS=a,b)"
    data = f"kept in {keep.root}/ (saved as the stack stops)" if keep else "a clean start each run (KEEP=1 keeps it)"
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
  data                {data}

{sign_in_instructions(env["FIREBASE_AUTH_EMULATOR_HOST"], api_base)}

Ctrl-C (or SIGTERM) stops everything.
"""


def _shut_down(
    server, runner: SupervisedGpuRunner, stop_sweeps: threading.Event, keep: KeptData | None, env: dict[str, str]
) -> None:
    """Stop everything the stack started, in an order that leaves no work behind: the local queue first (its
    waiting retries end; the next run's sweep sends the jobs again), then the API server, then the children,
    all at once, once the kept data is saved."""
    from shared.adapters.queue import LocalQueue

    LocalQueue.stop_deliveries()
    stop_sweeps.set()
    runner.stopping.set()
    if server is not None:
        server.server_close()
    if keep is not None:
        _save(keep, env)
    CHILDREN.stop_all()


def _save(keep: KeptData, env: dict[str, str]) -> None:
    try:
        keep.save_firestore(env["FIRESTORE_EMULATOR_HOST"])
        objects = keep.save_bucket(env["S3_ENDPOINT_URL"])
        log.info("kept data saved to %s (objects: %d); the Auth emulator saves its own as it stops", keep.root, objects)
    except Exception as exc:  # the stop goes on: what the last run saved stays
        log.error("saving the kept data to %s failed: %s", keep.root, exc)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the local stack until Ctrl-C.")
    parser.add_argument(
        "--keep",
        nargs="?",
        const=settings.KEEP_DIR,
        type=Path,
        metavar="DIR",
        help=f"keep the emulators' data between runs, in DIR (default {settings.KEEP_DIR})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = settings.local_env()
    os.environ.update(env)  # before anything reads the domain's configuration
    keep = KeptData(args.keep.resolve()) if args.keep else None
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
    stop = StopRequest()
    stop.install()

    stop_sweeps = threading.Event()
    runner = SupervisedGpuRunner(settings.DEV_GPU_RUNNER_PORT, env={**os.environ})
    server, emulators_up, code = None, False, 0
    try:
        for name, port in pieces:  # all at once, before starting anything
            ensure_port_free(name, settings.HOST, port)
        _start_emulators(env, keep)
        emulators_up = True
        runner.start()
        log.info("GPU runner ready at %s (log: %s)", runner.url, runner.log_path)
        truelayer = start_truelayer_standin(settings.DEV_TRUELAYER_PORT, env["PUBLIC_BASE_URL"])
        log.info("TrueLayer stand-in ready at %s", truelayer.url)
        for api, port in (("language", settings.DEV_LANGUAGE_PORT), ("vision", settings.DEV_VISION_PORT)):
            log.info("%s stand-in ready at %s", api, start_moderation_standin(api, port).url)

        from werkzeug.serving import make_server

        from shared.local.router import LocalRouter

        server = make_server(settings.HOST, settings.DEV_API_PORT, LocalRouter(), threaded=True)
        stop.server = server
        api_base = env["PUBLIC_BASE_URL"]
        threading.Thread(
            target=sweep_forever, args=(api_base, env["INTERNAL_TASK_SECRET"], stop_sweeps), name="sweeper", daemon=True
        ).start()
        print(_banner(api_base, env, runner, keep), flush=True)
        if not stop.requested.is_set():
            server.serve_forever()  # returns once a signal asks the stack to stop
    except StackError as exc:
        if not stop.requested.is_set():  # else: a start cut short by the stop
            print(f"\nThe local stack could not start:\n{exc}", file=sys.stderr, flush=True)
            code = 1
    finally:
        if not stop.requested.is_set():  # not a signal: a failed start, or an error on the way out
            if code == 0:
                print("\nstopping the local stack...", flush=True)
            stop.stop()
        started = time.monotonic()
        _shut_down(server, runner, stop_sweeps, keep if emulators_up else None, env)
        log.info("everything the stack started stopped in %.1f s", time.monotonic() - started)
    if code == 0:
        print("stopped.", flush=True)
    return code


if __name__ == "__main__":
    exit_code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything it started has stopped. What may be left are the local queue's threads, still waiting on a request
    # into the API (a dispatch whose Firestore calls retry against the stopped emulator for up to a minute); the
    # interpreter would wait for them at exit, and nothing they do matters any more: the jobs stay queued.
    os._exit(exit_code)
