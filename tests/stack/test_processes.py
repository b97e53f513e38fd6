"""Children of the local stack: a stop waits for the whole process group, and nothing outlives a stack that is
killed with SIGKILL (the watchdog ends what it left)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from shared.local import settings
from shared.local.processes import Children, Stopping, spawn

# A shell that starts a slow-to-stop grandchild and waits for it, as the Firestore launcher starts java: on SIGTERM
# the shell dies at once, and the grandchild takes a second to finish (and then writes `done`).
SLOW_GRANDCHILD = textwrap.dedent(
    """
    import pathlib, signal, sys, time
    def finish(*_):
        time.sleep(1)
        pathlib.Path(sys.argv[1]).write_text("done")
        sys.exit(0)
    signal.signal(signal.SIGTERM, finish)
    pathlib.Path(sys.argv[1]).write_text("started")
    while True:
        time.sleep(1)
    """
)


def _wait_for(predicate, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_stop_waits_for_a_grandchild_that_outlives_its_shell(tmp_path):
    marker = tmp_path / "marker"
    argv = ["bash", "-c", f'{sys.executable} -c "$0" {marker}; true', SLOW_GRANDCHILD]
    process = spawn("slow", argv, url="", log_path=tmp_path / "slow.log", children=Children())
    _wait_for(lambda: marker.exists())
    grandchildren = psutil.Process(process.pid).children()
    process.stop(grace_s=5)
    assert marker.read_text() == "done"  # it had the time to finish, not a SIGKILL right after the shell died
    assert not any(_alive(child.pid) for child in grandchildren)
    process.stop()  # a second stop is a no-op


def test_a_closed_registry_starts_nothing_and_stop_all_ends_every_child(tmp_path):
    children = Children()
    sleepers = [
        spawn(f"sleeper {n}", ["sleep", "600"], url="", log_path=tmp_path / f"{n}.log", children=children)
        for n in range(3)
    ]
    started = time.monotonic()
    children.stop_all(grace_s=5)
    assert time.monotonic() - started < 3  # in parallel, and sleep ends on SIGTERM
    assert not any(_alive(sleeper.pid) for sleeper in sleepers)
    with pytest.raises(Stopping):
        spawn("late", ["sleep", "600"], url="", log_path=tmp_path / "late.log", children=children)


def test_children_of_a_stack_killed_with_sigkill_are_ended_by_the_watchdog(tmp_path):
    marker = tmp_path / "marker"
    parent_code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from shared.local.processes import spawn
        argv = ["bash", "-c", sys.argv[1] + ' -c "$0" {marker}; true', sys.argv[2]]
        process = spawn("slow", argv, url="", log_path=Path("{tmp_path}") / "slow.log")
        print(process.pid, flush=True)
        sys.stdin.read()  # until the test kills it
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code, sys.executable, SLOW_GRANDCHILD],
        cwd=settings.REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        _wait_for(lambda: marker.exists())
        group = [child_pid, *(child.pid for child in psutil.Process(child_pid).children(recursive=True))]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=5)
        _wait_for(lambda: not any(_alive(pid) for pid in group), timeout_s=10)
        assert marker.read_text() == "done"  # SIGTERM first: the grandchild stopped the way it does on its own
    finally:
        if parent.poll() is None:
            parent.kill()
