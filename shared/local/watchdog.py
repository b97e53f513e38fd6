"""`python -m shared.local.watchdog`: ends the local stack's children when the stack dies without doing so.

Every child of the stack leads a process group of its own. The stack writes `+PGID` and `-PGID` lines to this
process's stdin as it starts and stops each one. End of file means that the stack has exited, however it ended
(a SIGKILL included): each group still listed gets SIGTERM, and SIGKILL if it is still there after a grace
period. This process runs in a session of its own, so that a signal to the stack's process group misses it.

Standard library only, and nothing from the rest of the package: it starts in milliseconds.
"""

import os
import signal
import sys
import time

GRACE_S = 5.0
_PROC = "/proc"


def group_alive(pgid: int) -> bool:
    """Whether process group `pgid` still has a process that is not a zombie (a zombie holds no port or file)."""
    if not os.path.isdir(_PROC):  # not Linux: any member, zombies included
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{_PROC}/{entry.name}/stat", "rb") as stat_file:
                stat = stat_file.read()
        except OSError:  # gone meanwhile
            continue
        # The command name (field 2) may hold spaces and parentheses; state and pgrp follow its last ')'.
        state, _ppid, pgrp = stat[stat.rindex(b")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != b"Z":
            return True
    return False


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def end_groups(pgids: set[int], grace_s: float = GRACE_S) -> set[int]:
    """SIGTERM (and SIGCONT, for a stopped process) to each group, SIGKILL to those left after `grace_s`;
    answers the groups that were still there at the end."""
    for pgid in pgids:
        signal_group(pgid, signal.SIGTERM)
        signal_group(pgid, signal.SIGCONT)
    left = set(pgids)
    deadline = time.monotonic() + grace_s
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = {pgid for pgid in left if group_alive(pgid)}
    for pgid in left:
        signal_group(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 2
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = {pgid for pgid in left if group_alive(pgid)}
    return left


def main() -> int:
    groups: set[int] = set()
    for line in sys.stdin.buffer:
        line = line.strip()
        if line[:1] == b"+":
            groups.add(int(line[1:]))
        elif line[:1] == b"-":
            groups.discard(int(line[1:]))
    groups = {pgid for pgid in groups if group_alive(pgid)}
    if groups:
        print(f"watchdog: the local stack exited and left {len(groups)} process group(s); ending them", file=sys.stderr)
        left = end_groups(groups)
        if left:
            print(f"watchdog: process groups {sorted(left)} did not end", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
