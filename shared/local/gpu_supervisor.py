"""The local GPU runner as the stack runs it: a child process, started again whenever it dies."""

import logging
import sys
import threading
import time
from pathlib import Path

import requests

from shared.local import settings
from shared.local.processes import ManagedProcess, StackError, spawn, wait_ready

log = logging.getLogger("cineweave.stack")


class SupervisedGpuRunner:
    """Runs `python -m shared.local.gpu_runner` and starts it again whenever it exits unexpectedly."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path = settings.RUN_DIR / "gpu-runner.log"):
        self.port = port
        self.env = env
        self.url = f"http://{settings.HOST}:{port}/v2"
        self.log_path = log_path
        self.process: ManagedProcess | None = None
        self.stopping = threading.Event()  # set: no more restarts
        self._watcher = threading.Thread(target=self._watch, name="gpu-runner-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def stop(self) -> None:
        self.stopping.set()
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
        if self.stopping.is_set():  # stopped while this one was starting
            process.stop()

    def _watch(self) -> None:
        delay_s = 1.0
        while not self.stopping.wait(1.0):
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
            if self.stopping.wait(delay_s):
                return
            try:
                self._spawn()
                log.info("GPU runner restarted at %s", self.url)
            except StackError as exc:
                log.error("GPU runner restart failed: %s", exc)
            # Back off while it keeps dying straight away.
            delay_s = min(delay_s * 2, 30.0) if time.monotonic() - started_at < 10 else 1.0
