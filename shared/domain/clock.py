"""The one clock: timezone-aware UTC. Services read it and hand the time to the rules, which stay pure."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
