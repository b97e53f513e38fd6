"""Start, probe and clear the three emulators of the local stack.

- Firestore: gcloud's `cloud_firestore_emulator` launcher (Java 17), loaded with firestore_rules/firestore.rules.
- Auth: the Firebase Auth emulator from firebase-tools (installed by `npm ci` in frontend/).
- S3: moto's server, with the outputs bucket created.

Every `start_*` refuses a port that is already taken (PortInUseError) and returns once the service answers.
Firestore and Auth can start from the data a previous run kept (shared/local/keep.py).
"""

import argparse
import json
import os
import shutil
import signal
import sys
from pathlib import Path

import boto3
import requests
from botocore.config import Config

from shared.local import settings
from shared.local.processes import (  # noqa: F401  (PortInUseError: re-exported for callers)
    ManagedProcess,
    PortInUseError,
    StackError,
    ensure_port_free,
    free_port,
    http_ok,
    spawn,
    wait_ready,
)

FIREBASE_BIN = settings.REPO_ROOT / "frontend" / "node_modules" / ".bin" / "firebase"
EMULATOR_API = "emulator/v1/projects/{project}"


# ---- locating the tools ----------------------------------------------------------------------------


def firestore_launcher() -> Path:
    """The launcher script inside the gcloud SDK (`$CLOUDSDK_ROOT_DIR` overrides where the SDK is)."""
    sdk_root = os.environ.get("CLOUDSDK_ROOT_DIR")
    if not sdk_root:
        gcloud = shutil.which("gcloud")
        if gcloud is None:
            raise StackError("gcloud is not on PATH; install the Google Cloud SDK (it carries the Firestore emulator).")
        sdk_root = str(Path(os.path.realpath(gcloud)).parent.parent)
    launcher = Path(sdk_root) / "platform" / "cloud-firestore-emulator" / "cloud_firestore_emulator"
    if not launcher.exists():
        raise StackError(
            f"{launcher} is missing; install it with `gcloud components install cloud-firestore-emulator` "
            "or `apt-get install google-cloud-cli-firestore-emulator`."
        )
    return launcher


def firebase_bin() -> Path:
    """firebase-tools from frontend/node_modules (`$FIREBASE_TOOLS_BIN` overrides)."""
    path = Path(os.environ.get("FIREBASE_TOOLS_BIN", FIREBASE_BIN))
    if not path.exists():
        raise StackError(f"{path} is missing; run `npm ci` in frontend/ (or `make run`, which does it).")
    return path


# ---- readiness probes ------------------------------------------------------------------------------


def firestore_ready(host: str) -> bool:
    return http_ok(f"http://{host}/", contains="Ok")


def auth_ready(host: str) -> bool:
    return http_ok(f"http://{host}/", contains="authEmulator")


def s3_ready(endpoint: str) -> bool:
    return http_ok(f"{endpoint}/moto-api/")


# ---- starting --------------------------------------------------------------------------------------


def start_firestore(
    port: int,
    *,
    host: str = settings.HOST,
    rules: Path = settings.RULES_PATH,
    log_dir: Path = settings.RUN_DIR,
    timeout_s: float = 60,
    seed_from: Path | None = None,
) -> ManagedProcess:
    """`seed_from`: the metadata file of an export (KeptData.firestore_seed) to load at start."""
    ensure_port_free("Firestore emulator", host, port)
    argv = [str(firestore_launcher()), "start", f"--host={host}", f"--port={port}", f"--rules={rules}"]
    if seed_from is not None:
        argv.append(f"--seed_from_export={seed_from}")
    process = spawn("Firestore emulator", argv, url=f"{host}:{port}", log_path=log_dir / f"firestore-{port}.log")
    wait_ready(process, lambda: firestore_ready(process.url), timeout_s)
    return process


def write_firebase_config(path: Path, *, host: str, port: int) -> Path:
    """A firebase.json that runs only the Auth emulator on `port`.

    The hub and logging emulators take free ports so that the dev stack and a test session can run
    side by side (their defaults, 4400/4500, would clash).
    """
    config = {
        "emulators": {
            "auth": {"host": host, "port": port},
            "hub": {"host": host, "port": free_port(host)},
            "logging": {"host": host, "port": free_port(host)},
            "ui": {"enabled": False},
            "singleProjectMode": True,
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2))
    return path


def start_auth(
    port: int,
    *,
    host: str = settings.HOST,
    log_dir: Path = settings.RUN_DIR,
    timeout_s: float = 120,
    data_dir: Path | None = None,
) -> ManagedProcess:
    """With `data_dir`, the accounts exported there by the last run are imported, and exported again on SIGTERM."""
    ensure_port_free("Auth emulator", host, port)
    workdir = log_dir / f"auth-{port}"
    config = write_firebase_config(workdir / "firebase.json", host=host, port=port)
    argv = [
        str(firebase_bin()),
        "emulators:start",
        "--only",
        "auth",
        "--project",
        settings.PROJECT_ID,
        "--config",
        str(config),
    ]
    if data_dir is not None:
        if (data_dir / "firebase-export-metadata.json").is_file():
            argv += ["--import", str(data_dir)]
        argv += ["--export-on-exit", str(data_dir)]
    # Own TMPDIR: firebase-tools writes a per-project hub locator file there, shared by every instance.
    env = {**os.environ, "TMPDIR": str(workdir), "CI": "true"}
    process = spawn(
        "Auth emulator", argv, url=f"{host}:{port}", log_path=log_dir / f"auth-{port}.log", env=env, cwd=workdir
    )
    wait_ready(process, lambda: auth_ready(process.url), timeout_s)
    return process


def start_s3(
    port: int,
    *,
    host: str = settings.HOST,
    bucket: str = settings.BUCKET,
    log_dir: Path = settings.RUN_DIR,
    timeout_s: float = 60,
) -> ManagedProcess:
    ensure_port_free("S3 server (moto)", host, port)
    argv = [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)]
    process = spawn("S3 server (moto)", argv, url=f"http://{host}:{port}", log_path=log_dir / f"s3-{port}.log")
    wait_ready(process, lambda: s3_ready(process.url), timeout_s)
    create_bucket(process.url, bucket)
    return process


# ---- clearing data between tests -------------------------------------------------------------------


def clear_firestore(host: str, project: str = settings.PROJECT_ID) -> None:
    """Delete every document of the emulator's default database; `host` is `127.0.0.1:8185`."""
    url = f"http://{host}/{EMULATOR_API.format(project=project)}/databases/(default)/documents"
    requests.delete(url, timeout=10).raise_for_status()


def clear_auth(host: str, project: str = settings.PROJECT_ID) -> None:
    """Delete every account of the Auth emulator; `host` is `127.0.0.1:9199`."""
    url = f"http://{host}/{EMULATOR_API.format(project=project)}/accounts"
    requests.delete(url, headers={"Authorization": "Bearer owner"}, timeout=10).raise_for_status()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def create_bucket(endpoint: str, bucket: str = settings.BUCKET) -> None:
    client = s3_client(endpoint)
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)


def empty_bucket(endpoint: str, bucket: str = settings.BUCKET) -> None:
    """Delete every object in `bucket` (creating it if a test removed it)."""
    client = s3_client(endpoint)
    create_bucket(endpoint, bucket)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


def main(argv: list[str] | None = None) -> None:
    """`python -m shared.local.emulators [--test]`: only the emulators, until Ctrl-C (dev or test ports)."""
    parser = argparse.ArgumentParser(description="Run the three emulators until Ctrl-C.")
    parser.add_argument("--test", action="store_true", help="use the test session's ports (8185, 9199, 9100)")
    args = parser.parse_args(argv)
    ports = settings.TEST_EMULATOR_PORTS if args.test else settings.DEV_EMULATOR_PORTS
    log_dir = settings.RUN_DIR / ("test" if args.test else "")
    started = []
    try:
        for start, port in ((start_firestore, ports.firestore), (start_auth, ports.auth), (start_s3, ports.s3)):
            started.append(start(port, log_dir=log_dir))
            print(f"{started[-1].name} ready at {started[-1].url}", flush=True)
        print("Ctrl-C stops them.", flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        signal.pause()
    except KeyboardInterrupt:
        pass
    except StackError as exc:
        print(exc, file=sys.stderr)
    finally:
        for process in reversed(started):
            process.stop()


if __name__ == "__main__":
    main()
