"""Child processes of the local stack: start in their own process group, wait until ready, stop cleanly.

Each child gets its own session so that stopping it also stops whatever it spawned (the Firestore
launcher is a shell script that runs java; firebase-tools runs node), and so that Ctrl-C in the terminal
reaches only the stack, which stops them in order. A watchdog process ends them if the stack cannot.
"""

import errno
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

from shared.local import settings
from shared.local.watchdog import end_groups

log = logging.getLogger("cineweave.stack")


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


class Children:
    """Every child process group started through `spawn`, so that `stop_all()` ends them all at once.

    A watchdog process (shared/local/watchdog.py) hears of each group too, and ends those still there when this
    process exits without stopping them, killed with SIGKILL say. Once `closing` is set, `spawn` refuses and
    `wait_ready` gives up: a child half-way through its start does not outlive the shutdown.
    """

    def __init__(self) -> None:
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._live: dict[int, ManagedProcess] = {}
        self._watchdog: subprocess.Popen | None = None

    def start(self, name: str, argv: list[str], *, url: str, log_path: Path, log_file: IO[bytes], **popen_args):
        """Start `argv` as the leader of a new session, so of its own process group; answers its ManagedProcess."""
        # Under the lock: stop_all() either stops this child or it never starts.
        with self._lock:
            if self.closing.is_set():
                raise Stopping(f"{name} not started: the local stack is stopping")
            popen = subprocess.Popen(argv, start_new_session=True, stdout=log_file, **popen_args)
            process = ManagedProcess(
                name=name, url=url, popen=popen, log_path=log_path, _log_file=log_file, children=self
            )
            self._live[popen.pid] = process
            self._tell_watchdog(f"+{popen.pid}")
            return process

    def forget(self, process: "ManagedProcess") -> None:
        with self._lock:
            if self._live.pop(process.pid, None) is not None:
                self._tell_watchdog(f"-{process.pid}")

    def stop_all(self, grace_s: float = 8.0) -> None:
        """Refuse new children, then stop every live one in parallel (SIGTERM, SIGKILL after `grace_s`)."""
        with self._lock:
            self.closing.set()
            live = list(self._live.values())

        def stop(process: ManagedProcess) -> None:
            started = time.monotonic()
            process.stop(grace_s)
            log.info("%s stopped in %.1f s", process.name, time.monotonic() - started)

        stoppers = [threading.Thread(target=stop, args=(process,), name=f"stop {process.name}") for process in live]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()

    def _tell_watchdog(self, line: str) -> None:
        if self._watchdog is None:
            # stdin is a pipe whose write end only this process holds (Popen makes it non-inheritable).
            self._watchdog = subprocess.Popen(
                [sys.executable, "-m", "shared.local.watchdog"],
                stdin=subprocess.PIPE,
                cwd=settings.REPO_ROOT,
                start_new_session=True,
            )
        assert self._watchdog.stdin is not None  # a pipe
        try:
            self._watchdog.stdin.write(f"{line}\n".encode())
            self._watchdog.stdin.flush()
        except OSError:  # the watchdog is gone: stopping still works, only a hard kill would leave children
            pass


class Stopping(StackError):
    """A child was not started, or its start was abandoned, because the stack is stopping."""


CHILDREN = Children()


@dataclass
class ManagedProcess:
    """A child process with its log file; `stop()` ends its whole process group."""

    name: str
    url: str
    popen: subprocess.Popen
    log_path: Path
    _log_file: IO[bytes] | None = field(repr=False, default=None)
    children: Children = field(repr=False, default=CHILDREN)
    _stop_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    _stopped: bool = field(repr=False, default=False)

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

    def stop(self, grace_s: float = 8.0) -> None:
        """SIGTERM to the whole group, SIGKILL to what is left after `grace_s`. Waits until no process of the
        group is left (the Firestore launcher's java outlives the shell that started it). Safe to call twice."""
        with self._stop_lock:
            if self._stopped:
                return
            left = end_groups({self.pid}, grace_s)
            try:
                self.popen.wait(timeout=1)  # reaped, so that no zombie is left
            except subprocess.TimeoutExpired:
                pass
            if not left:
                self.children.forget(self)
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
            self._stopped = True


def spawn(
    name: str,
    argv: list[str],
    *,
    url: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    append_log: bool = False,
    children: Children = CHILDREN,
) -> ManagedProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Not a with block: the file outlives this call; ManagedProcess.stop() closes it once the child is gone.
    log_file = open(log_path, "ab" if append_log else "wb", buffering=0)  # noqa: SIM115
    try:
        return children.start(
            name,
            argv,
            url=url,
            log_path=log_path,
            log_file=log_file,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
        )
    except BaseException:
        log_file.close()
        raise


def wait_ready(process: ManagedProcess, probe: Callable[[], bool], timeout_s: float) -> float:
    """Poll `probe` until it passes; returns the seconds waited. Stops the process on failure, and gives up
    (Stopping) as soon as the stack is stopping."""
    started = time.monotonic()
    while True:
        if process.children.closing.is_set():
            process.stop()
            raise Stopping(f"{process.name} abandoned while starting: the local stack is stopping")
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
        process.children.closing.wait(0.1)
