"""API latency under load: simulated web-app users against a running local stack.

    make run            # in another terminal (or python -m shared.local.stack)
    python -m tests.bench.api_load [--users 50] [--seconds 30] [--base http://127.0.0.1:8080]

Each user signs up through the Auth emulator's REST API (accounts:signUp), is granted a few credits by an
admin through POST /api/admin/users/{uid}/credits, and then loops over what the web app calls: GET
/api/credits, GET /api/jobs?limit=20, GET /api/jobs/{one of its jobs} and GET /api/plans, pausing between
rounds, with a POST /api/jobs (a 5 s clip) every ~10 s. Every user has its own connection pool
(requests.Session, kept alive). A separate light loop calls GET /api/healthz in the same run: the floor,
what the server and this client cost with no database, storage or token behind the answer.

Set-up (sign-ups, grants, one warm-up call per route so no function's first import is timed) is not
measured. Percentiles cover every answer of a route, errors included; a create refused with 429 (the
active-jobs or per-minute limit) is an expected answer and is counted apart from the errors. At the end the
jobs it created are canceled, so the local GPU runner does not render them for the next hour.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import math
import os
import platform
import random
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import requests

from shared.local import settings
from shared.local.auth_emulator import set_custom_claims, sign_in, sign_up
from shared.local.make_admin import grant_credits

PASSWORD = "bench-pass-1"
CREDITS_ROUTE, LIST_ROUTE, GET_ROUTE, PLANS_ROUTE = (
    "GET /api/credits",
    "GET /api/jobs?limit=20",
    "GET /api/jobs/{id}",
    "GET /api/plans",
)
CREATE_ROUTE, HEALTH_ROUTE = "POST /api/jobs", "GET /api/healthz"
ROUTE_ORDER = (CREDITS_ROUTE, LIST_ROUTE, GET_ROUTE, PLANS_ROUTE, CREATE_ROUTE, HEALTH_ROUTE)
EXPECTED_REFUSALS = {CREATE_ROUTE: {429}}  # too many active jobs, or creates in the minute
NO_ANSWER = 0  # status recorded when the request got no HTTP answer (connection refused, timeout): "none"


@dataclasses.dataclass(frozen=True)
class Sample:
    route: str
    status: int
    ms: float


@dataclasses.dataclass(frozen=True)
class RouteSummary:
    route: str
    count: int
    errors: dict[int, int]  # non-2xx status (0: no answer) -> count, expected refusals left out
    refused: int  # expected refusals (429 on create)
    p50: float
    p95: float
    p99: float


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated between the closest ranks (numpy's default method)."""
    if not values:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Iterable[Sample]) -> list[RouteSummary]:
    """One summary per route, in ROUTE_ORDER (then any other route by name)."""
    by_route: dict[str, list[Sample]] = collections.defaultdict(list)
    for sample in samples:
        by_route[sample.route].append(sample)
    order = {route: index for index, route in enumerate(ROUTE_ORDER)}
    summaries = []
    for route in sorted(by_route, key=lambda name: (order.get(name, len(order)), name)):
        route_samples = by_route[route]
        expected = EXPECTED_REFUSALS.get(route, set())
        errors = collections.Counter(
            s.status for s in route_samples if not 200 <= s.status < 300 and s.status not in expected
        )
        ms = [s.ms for s in route_samples]
        summaries.append(
            RouteSummary(
                route=route,
                count=len(route_samples),
                errors=dict(sorted(errors.items())),
                refused=sum(1 for s in route_samples if s.status in expected),
                p50=percentile(ms, 50),
                p95=percentile(ms, 95),
                p99=percentile(ms, 99),
            )
        )
    return summaries


def format_table(summaries: Sequence[RouteSummary]) -> str:
    header = f"{'route':<24}{'count':>7}  {'errors':<14}{'429':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    lines = [header, "-" * len(header)]
    for s in summaries:
        errors = " ".join(f"{status or 'none'}:{count}" for status, count in s.errors.items()) or "0"
        lines.append(f"{s.route:<24}{s.count:>7}  {errors:<14}{s.refused:>5}{s.p50:>9.1f}{s.p95:>9.1f}{s.p99:>9.1f}")
    return "\n".join(lines)


class Recorder:
    def __init__(self):
        self._lock = threading.Lock()
        self.samples: list[Sample] = []

    def timed(self, session: requests.Session, route: str, method: str, url: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response: requests.Response | None = session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException:
            response = None
        ms = (time.perf_counter() - started) * 1000
        with self._lock:
            self.samples.append(Sample(route, response.status_code if response is not None else NO_ANSWER, ms))
        return response


@dataclasses.dataclass
class BenchUser:
    uid: str
    token: str
    session: requests.Session
    job_ids: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class LoadSettings:
    base: str
    users: int
    seconds: float
    pause: float
    create_every: float


def new_session(token: str | None = None) -> requests.Session:
    """A keep-alive connection pool of its own. No proxy settings from the environment: the stack is local,
    and looking them up costs the client CPU that the server on the same machine would otherwise get."""
    session = requests.Session()
    session.trust_env = False
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    return session


def sign_up_users(auth_host: str, base: str, count: int, credits: int) -> list[BenchUser]:
    """`count` new users, each granted `credits` by a new admin (the grant is an ordinary admin adjustment)."""
    run = uuid.uuid4().hex[:8]
    admin_email = f"bench-admin-{run}@example.com"
    admin = sign_up(auth_host, admin_email, PASSWORD)
    set_custom_claims(auth_host, admin["uid"], {"admin": True})
    admin_token = sign_in(auth_host, admin_email, PASSWORD)["idToken"]

    def one(index: int) -> BenchUser:
        user = sign_up(auth_host, f"bench-{run}-{index}@example.com", PASSWORD)
        grant_credits(base, admin_token, user["uid"], credits, "api_load benchmark")
        return BenchUser(uid=user["uid"], token=user["idToken"], session=new_session(user["idToken"]))

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


def create(recorder: Recorder, user: BenchUser, base: str) -> None:
    body = {"prompt": "a paper boat drifting down a rainy street, api_load", "durationSec": 5}
    answer = recorder.timed(user.session, CREATE_ROUTE, "POST", f"{base}/api/jobs", json=body)
    if answer is not None and answer.status_code == 201:
        user.job_ids.append(answer.json()["jobId"])


def round_of_reads(recorder: Recorder, user: BenchUser, base: str, rng: random.Random) -> None:
    """What a signed-in page loads: balance, job list, one job, plans."""
    recorder.timed(user.session, CREDITS_ROUTE, "GET", f"{base}/api/credits")
    listed = recorder.timed(user.session, LIST_ROUTE, "GET", f"{base}/api/jobs", params={"limit": 20})
    if listed is not None and listed.ok:
        for job in listed.json().get("jobs", []):
            if job["jobId"] not in user.job_ids:
                user.job_ids.append(job["jobId"])
    if user.job_ids:
        recorder.timed(user.session, GET_ROUTE, "GET", f"{base}/api/jobs/{rng.choice(user.job_ids)}")
    recorder.timed(user.session, PLANS_ROUTE, "GET", f"{base}/api/plans")


def user_loop(recorder: Recorder, user: BenchUser, load: LoadSettings, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    next_create = time.monotonic() + rng.uniform(0, 1)  # every user has a job early, creates spread out
    while time.monotonic() < deadline:
        if time.monotonic() >= next_create:
            create(recorder, user, load.base)
            next_create += load.create_every * rng.uniform(0.8, 1.2)
        round_of_reads(recorder, user, load.base, rng)
        time.sleep(load.pause * rng.uniform(0.5, 1.5))


def health_loop(recorder: Recorder, base: str, deadline: float, every: float = 0.2) -> None:
    session = new_session()
    while time.monotonic() < deadline:
        recorder.timed(session, HEALTH_ROUTE, "GET", f"{base}/api/healthz")
        time.sleep(every)


def warm_up(user: BenchUser, base: str) -> None:
    """One call per function, untimed: the router imports each function on its first request."""
    session = user.session
    session.get(f"{base}/api/healthz", timeout=60)
    session.get(f"{base}/api/plans", timeout=60)
    session.get(f"{base}/api/credits", timeout=60)
    session.get(f"{base}/api/jobs", params={"limit": 20}, timeout=60)
    session.get(f"{base}/api/jobs/warm-up-no-such-job", timeout=60)
    session.post(f"{base}/api/jobs", json={}, timeout=60)  # a 400: loads the create function, creates nothing


def cancel_all(users: Sequence[BenchUser], base: str) -> None:
    def cancel(user: BenchUser) -> None:
        for job_id in user.job_ids:
            try:
                user.session.post(f"{base}/api/jobs/{job_id}/cancel", timeout=30)
            except requests.RequestException:
                pass

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(cancel, users))


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names else platform.processor() or platform.machine()


def machine_line() -> str:
    load1, load5, load15 = os.getloadavg()
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"load average {load1:.2f} {load5:.2f} {load15:.2f}"
    )


def run(load: LoadSettings, auth_host: str) -> list[RouteSummary]:
    credits = math.ceil(load.seconds / load.create_every) + 2
    print(f"signing up {load.users} users and granting {credits} credits each...", flush=True)
    users = sign_up_users(auth_host, load.base, load.users, credits)
    warm_up(users[0], load.base)
    print("before: " + machine_line(), flush=True)
    recorder = Recorder()
    deadline = time.monotonic() + load.seconds
    threads = [threading.Thread(target=health_loop, args=(recorder, load.base, deadline), daemon=True)]
    for index, user in enumerate(users):
        threads.append(threading.Thread(target=user_loop, args=(recorder, user, load, deadline, index), daemon=True))
    began = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(min(1.0 / load.users, 0.02))  # staggered: not every user on the same tick
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    print("after:  " + machine_line(), flush=True)
    cancel_all(users, load.base)
    summaries = summarize(recorder.samples)
    print(f"\n{len(recorder.samples)} requests in {elapsed:.1f} s ({len(recorder.samples) / elapsed:.0f}/s)\n")
    print(format_table(summaries))
    return summaries


def main(argv: list[str] | None = None) -> int:
    dev = settings.local_env()
    parser = argparse.ArgumentParser(description="API latency under load, against a running local stack")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--base", default=dev["PUBLIC_BASE_URL"], help="the API router (make run's)")
    parser.add_argument(
        "--auth-host",
        default=os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", dev["FIREBASE_AUTH_EMULATOR_HOST"]),
        help="the Auth emulator, host:port",
    )
    parser.add_argument("--pause", type=float, default=1.0, help="mean seconds between a user's rounds of reads")
    parser.add_argument("--create-every", type=float, default=10.0, help="mean seconds between a user's creates")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0 or args.pause < 0 or args.create_every <= 0:
        parser.error("--users, --seconds and --create-every must be positive, --pause not negative")
    load = LoadSettings(args.base.rstrip("/"), args.users, args.seconds, args.pause, args.create_every)
    print(
        f"api_load: {load.users} users for {load.seconds:g} s against {load.base}; a round of reads every "
        f"~{load.pause:g} s per user, a 5 s create every ~{load.create_every:g} s, healthz every 0.2 s",
        flush=True,
    )
    run(load, args.auth_host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
