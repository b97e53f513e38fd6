"""How the local stack hears that it should stop: SIGINT (Ctrl-C), SIGTERM or SIGHUP, the first one only."""

import os
import signal
import threading
from socketserver import BaseServer

from shared.local.processes import CHILDREN, Children


class StopRequest:
    """Turns the first SIGINT, SIGTERM or SIGHUP into a stop; later ones only say that it is under way.

    The handler itself only writes the signal's number to a pipe: a Python signal handler runs in the main thread
    between two bytecodes, maybe inside a lock that main thread holds, so the work (setting events, asking the
    API server to stop) is done by a thread that reads the pipe.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, children: Children = CHILDREN):
        self.requested = threading.Event()
        self.children = children
        self.server: BaseServer | None = None  # the API server, once it exists: its serve_forever() returns on a stop
        self._read_fd, self._write_fd = os.pipe()

    def install(self) -> None:
        threading.Thread(target=self._follow_signals, name="stop-request", daemon=True).start()
        for sig in self.SIGNALS:
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame) -> None:
        os.write(self._write_fd, bytes([signum]))

    def _follow_signals(self) -> None:
        while True:
            name = signal.Signals(os.read(self._read_fd, 1)[0]).name
            if self.requested.is_set():
                print(f"{name}: still stopping, one moment...", flush=True)
            else:
                print(f"\n{name}: stopping the local stack...", flush=True)
                self.stop()

    def stop(self) -> None:
        self.requested.set()
        self.children.closing.set()  # a piece still starting gives up at once
        server = self.server
        if server is not None:  # shutdown() waits for serve_forever() to return: not on this thread
            threading.Thread(target=server.shutdown, name="api-router-shutdown", daemon=True).start()
