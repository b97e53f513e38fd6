"""Child processes of the local stack: start in their own process group, wait until ready, stop cleanly.

Each child gets its own session so that stopping it also stops whatever it spawned (the Firestore
launcher is a shell script that runs java; firebase-tools runs node).
"""

import errno
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests


class StackError(RuntimeError):
    """A piece of the local stack could not start."""


class PortInUseError(StackError):
    pass


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: a port in TIME_WAIT from a previous run counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def ensure_port_free(name: str, host: str, port: int) -> None:
    if not port_is_free(host, port):
        raise PortInUseError(
            f"{name} cannot start: {host}:{port} is already in use. A previous run may still be going; "
            f"find it with `ss -ltnp 'sport = :{port}'` and stop it, then try again."
        )


def serve_until_stopped(server, close: Callable[[], None]) -> None:
    """Serve a local stand-in until Ctrl-C or SIGTERM (how the stack stops its children), then clean up."""
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        close()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def http_ok(url: str, contains: str = "") -> bool:
    """True when `url` answers 200 (and its body holds `contains`)."""
    try:
        response = requests.get(url, timeout=2)
    except requests.RequestException:
        return False
    return response.status_code == 200 and contains in response.text


@dataclass
class ManagedProcess:
    """A child process with its log file; `stop()` ends its whole process group."""

    name: str
    url: str
    popen: subprocess.Popen
    log_path: Path
    _log_file: IO[bytes] | None = field(repr=False, default=None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace_s: float = 10.0) -> None:
        if self.running():
            self._signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(timeout=5)
        # The leader may be gone while children it spawned linger in the group.
        self._signal_group(signal.SIGKILL)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def spawn(
    name: str,
    argv: list[str],
    *,
    url: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    append_log: bool = False,
) -> ManagedProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Not a with block: the file outlives this call; ManagedProcess.stop() closes it once the child is gone.
    log_file = open(log_path, "ab" if append_log else "wb", buffering=0)  # noqa: SIM115
    popen = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    return ManagedProcess(name=name, url=url, popen=popen, log_path=log_path, _log_file=log_file)


def wait_ready(process: ManagedProcess, probe: Callable[[], bool], timeout_s: float) -> float:
    """Poll `probe` until it passes; returns the seconds waited. Stops the process on failure."""
    started = time.monotonic()
    while True:
        if probe():
            return time.monotonic() - started
        if not process.running():
            code = process.popen.returncode
            process.stop()
            raise StackError(
                f"{process.name} exited with code {code} before it was ready. "
                f"Last lines of {process.log_path}:\n{process.log_tail()}"
            )
        if time.monotonic() - started > timeout_s:
            process.stop()
            raise StackError(
                f"{process.name} was not ready after {timeout_s:.0f} s. "
                f"Last lines of {process.log_path}:\n{process.log_tail()}"
            )
        time.sleep(0.1)
